"""Rules across two years: this year's report against last year's."""

from make_report.rules.spec import R

FAMILY = "跨年度"

RULES = (
    R("Y0", "warning", "上年报告不对应",
      "",
      "用 --previous 指定的报告不是本单位上一年的报告(年度不是上一年,或机关名称不同),"
      "未做跨年度检查。请指定本单位上一年度的报告或工作簿。",
      (("year", "{place} 是{last_year}年的报告,不是本报告({year}年)的上一年,未做跨年度检查"),
       ("agency", "{place} 是“{last_agency}”的报告,本报告是“{agency}”的,不是同一机关,"
                  "未做跨年度检查"))),
    R("Y1", "error", "上年结转",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "今年表三“二、上年结转”应等于去年表三“四、结转下年度继续办理”,逐列相等。"),
    R("Y2", "warning", "现行有效件数",
      "{place} 应为 {expected}({basis}),实为 {found}",
      "今年“现行有效件数”一般等于去年现行有效件数加本年制发件数减本年废止件数。"
      "各地口径不一,仅作提醒。"),
)
