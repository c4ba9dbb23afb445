"""What reading an input found: basic information, blank cells, empty sections, imports."""

from make_report.rules.spec import R

FAMILY = "读取"

RULES = (
    R("M1", "error", "基本信息有误",
      "{place} {problem}",
      "基本信息表中的机关名称、报告年度必须填写且有效;它们决定报告标题和所用的官方格式。"),
    R("M2", "warning", "成文日期无法识别",
      "{place} 成文日期“{found}”无法识别,落款将不写日期;请写作如 2025年1月20日",
      "成文日期应写成 2025年1月20日 或 2025-01-20 这样的日期。"),
    R("B1", "info", "空白单元格",
      "{place} 有 {count} 个空白单元格,按 0 计",
      "表格中没有填写的格子按 0 计算。如果确实为 0,可以不填;如果漏填,请补上。"),
    R("B2", "warning", "文字部分未填写",
      "{place} {problem}",
      "该部分的文字没有填写,报告中这一节将是空的。请补写正文。"),
    R("I1", "warning", "导入时读不出",
      "{place} {problem}",
      "导入已发布的报告时,有的格子读不出或读出的内容不是数字;这些格子留空,绝不编造数字。"
      "请对照原报告补填。"),
    R("I2", "warning", "与官方格式不一致",
      "{place} {problem}",
      "已发布的报告与官方格式有出入(例如标题、表格行的写法),导入时已按最接近的方式读取,请核对。"),
)
