"""Rules for text that could disguise itself: characters a report has no place for."""

from make_report.rules.spec import R

FAMILY = "防伪装"

RULES = (
    R("H1", "warning", "文字中有看不见的字符",
      "{place} 含有看不见的字符 {chars},已在报告、网页和文件名中删除;请核对该处文字",
      "从网页、聊天软件或其他程序复制来的文字可能夹带看不见的字符:控制字符(如 ESC)、"
      "文字方向控制符(如 U+202E,会让文字倒过来显示)、零宽空格等。它们在报告中没有用处,"
      "还会让文字看起来与实际不同(如两个机关名称看着一样,实际不同)。本工具生成报告、"
      "网页和文件名时删除这些字符,并指出所在的单元格。请在该单元格中重新输入这段文字,"
      "或核对删除后的文字是否正确。"),
)
