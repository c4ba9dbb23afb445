"""Rules on an office's own Word template (``--docx-template``)."""

from make_report.rules.families.text import RULES as _TEXT
from make_report.rules.spec import R

_J1 = next(r for r in _TEXT if r.id == "J1")

FAMILY = "Word 模板"

RULES = (
    R("D1", "error", "模板占位符无法填写",
      "",
      "Word 模板中 {{ … }} 里的名称不存在或写法有误,例如少写了列。可用的名称与正文中引用表格数字"
      "的名称相同,如 {{ 机关名称 }}、{{ 年度 }}、{{ 成文日期 }}、{{ 依申请.本年新收.总计 }};"
      "运行 make-report template --docx 可得到列出全部名称的示例模板。",
      tuple((kind, "{place}:" + text.removeprefix("{place} ")) for kind, text in _J1.wordings)),
    R("D2", "error", "模板括号不成对",
      "{place}:“{{{{”与“}}}}”不成对,或用了模板不支持的语句",
      "占位符必须写成 {{ 名称 }},两对大括号成对出现;模板中不能使用 {% … %} 语句。"
      "说明文字可以写成 {# … #},生成报告时会删去。"),
    R("D3", "error", "整块内容的位置不对",
      "",
      "{{ 正文 }}、{{ 第一部分 }}、{{ 表三 }}、{{ 落款 }} 等整块内容只能单独占正文中的一段;"
      "表格不能放进表格单元格、文本框、页眉或页脚。请把它移到单独的一段。",
      tuple((kind, "{place}:{{{{ {name} }}}} 会放入标题、段落和表格,必须单独占正文中的一段,"
                   "现在" + now)
            for kind, now in (("in_cell", "在表格单元格中"), ("in_text_box", "在文本框中"),
                              ("in_part", "在{part}中"), ("with_text", "与其他文字在同一段中")))),
    R("D4", "warning", "模板中没有占位符",
      "{place} 中没有任何占位符,生成的报告将只有模板原有的文字",
      "Word 模板应至少含有 {{ 正文 }}(或 {{ 第一部分 }} 至 {{ 第六部分 }})等占位符,"
      "报告内容才会填入。"),
)
