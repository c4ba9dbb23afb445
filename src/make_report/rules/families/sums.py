"""Sum rules (勾稽关系) and number rules inside one year's tables."""

from make_report.rules.spec import R

FAMILY = "勾稽关系与数值"

_SUM = "{place} 应为 {expected}({basis}),实为 {found}"

RULES = (
    R("A1", "error", "表三行合计", _SUM,
      "表三每一行的“总计”应等于自然人与法人或其他组织五类之和。请核对该行各格,"
      "改正填错的一格或总计。"),
    R("A2", "error", "表三办理结果合计", _SUM,
      "表三每一列的“(七)总计”应等于(一)至(六)各项办理结果之和。常见错误是填了各项结果,"
      "却忘了填或填错总计一行。"),
    R("A3", "error", "表三收支平衡", _SUM,
      "表三每一列:一、本年新收 加 二、上年结转,应等于 三、(七)总计 加 四、结转下年度继续办理"
      "(官方表格左上角写明的勾稽关系)。收到的申请要么已办结,要么结转下年。"),
    R("R1", "error", "表四合计", _SUM,
      "表四的行政复议、未经复议直接起诉、复议后起诉三组中,“总计”应等于结果维持、结果纠正、"
      "其他结果、尚未审结四项之和。"),
    R("N1", "error", "数值有误",
      "",
      "件数必须是不小于 0 的整数(2019 年格式的“本年增/减”可以为负);金额以万元为单位,"
      "不能为负数,最多保留四位小数。单元格里不能是文字、日期或错误值。请改为正确的数字。",
      (("boolean", "{place} 应填写数字,实为逻辑值 {shown}"),
       ("date", "{place} 应填写数字,实为{shown}。Excel 会把 1/2 这样的输入变成日期,"
                "请把单元格格式改为“常规”后重新填写数字"),
       ("text", "{place} 应填写数字,实为“{shown}”"),
       ("json_boolean", "{place} 应为数字,实为逻辑值 {shown}"),
       ("json_text", "{place} 应为数字,实为文字“{shown}”"),
       ("json_other", "{place} 应为数字,实为{shown}"),
       ("not_finite", "{place} 不是有效的数字({shown})"),
       ("negative", "{place} 不能为负数,实为 {shown}"),
       ("too_large", "{place} 数值过大({shown}),请核对"),
       ("not_whole", "{place} 件数应为整数,实为 {shown}"),
       ("not_integer", "{place} 应为整数,实为 {shown}"),
       ("bad_amount", "{place} 不是有效金额:{shown}"),
       ("decimals", "{place} 金额最多保留{places}位小数,实为 {shown}"),
       ("error_value", "{place} 单元格是错误值 {shown},请改为数字"),
       ("formula_error", "{place} 公式出错({shown}),请改为数字或正确的公式"),
       ("formula_too_complex", "{place} 公式引用的单元格过多,本工具无法核算,且文件中没有 Excel 的"
                               "计算结果,请在 Excel 或 WPS 中打开并保存后再试"),
       ("formula_not_computed", "{place} 公式没有计算结果(文件未在 Excel 中保存过),"
                                "请在 Excel 或 WPS 中打开并保存后再试"))),
    R("N2", "warning", "数值按约定读取",
      "{place} 填写了“{shown}”,已按 0 读取",
      "单元格里填的是“无”“—”“/”这样表示零的文字,已按 0 读取(Excel 的合计也按 0 计)。"
      "请核对是否确实为 0;改为数字 0 后此提醒消失。文本形式的数字(如带引号的“12”)见 X1。"),
)
