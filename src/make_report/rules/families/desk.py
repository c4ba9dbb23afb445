"""Rules of the web desk: what it can tell only when many units' reports are in one place."""

from make_report.rules.spec import R

FAMILY = "公开办汇总"

RULES = (
    R("S1", "error", "汇总与各单位合计不符",
      "{place} 本级汇总报告为 {found},所属 {count} 个单位的报告合计为 {expected}",
      "公开办本级的汇总报告应等于所属各单位报告之和,逐格相等。请核对汇总报告,"
      "或核对各单位的报告是否都已上传并通过检查。"),
    R("S2", "error", "年度不符",
      "{place} 工作簿是 {found} 年的报告,本次收集的是 {expected} 年",
      "报送平台每次只收集一个年度的报告。请从平台下载本年度的工作簿填写,"
      "或核对工作簿“基本信息”表中的报告年度。"),
)
