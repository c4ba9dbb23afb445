"""Sum rules (勾稽关系) and number rules inside one year's tables."""

from make_report.rules.spec import R

FAMILY = "勾稽关系与数值"

RULES = (
    R("A1", "error", "表三行合计",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "表三每一行的“总计”应等于自然人与法人或其他组织五类之和。请核对该行各格,"
      "改正填错的一格或总计。"),
    R("A2", "error", "表三办理结果合计",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "表三每一列的“(七)总计”应等于(一)至(六)各项办理结果之和。常见错误是填了各项结果,"
      "却忘了填或填错总计一行。"),
    R("A3", "error", "表三收支平衡",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "表三每一列:一、本年新收 加 二、上年结转,应等于 三、(七)总计 加 四、结转下年度继续办理"
      "(官方表格左上角写明的勾稽关系)。收到的申请要么已办结,要么结转下年。"),
    R("R1", "error", "表四合计",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "表四的行政复议、未经复议直接起诉、复议后起诉三组中,“总计”应等于结果维持、结果纠正、"
      "其他结果、尚未审结四项之和。"),
    R("N1", "error", "数值类型",
      "{place} {problem},实为 {found}",
      "件数必须是不小于 0 的整数(2019 年格式的“本年增/减”可以为负);金额以万元为单位,"
      "不能为负数。请改为正确的数字。"),
)
