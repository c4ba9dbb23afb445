"""Rules that keep “检查通过” honest: the workbook's own checks, the summary, the first page."""

from make_report.rules.spec import R

FAMILY = "可信"

RULES = (
    R("X1", "error", "数字以文本形式填写",
      "{place} 是文本“{found}”,不是数字:表中的合计和勾稽检查按 0 计,与报告不符;"
      "请把单元格格式改为“常规”后重新输入数字",
      "单元格里的数字是以文本形式保存的(常见于复制粘贴,或单元格格式为“文本”,Excel 左上角有绿色小三角)。"
      "Excel 的合计和工作簿中的勾稽检查都不把文本算作数字,为免表中显示的合计与报告不一致,"
      "本工具不读取这样的格子。请把格式改为“常规”或“数值”后重新输入,或用“转换为数字”。"),
)
