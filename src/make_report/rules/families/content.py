"""What a reviewer checks beyond the sums: leftovers, years, sections 五 and 六, headings,
text copied from last year, key ratios and units.

The thresholds are data, here beside the rules that use them, and each rule's explanation
states them, so ``make-report explain`` tells a clerk exactly where the line is.
"""

from decimal import Decimal

from make_report.rules.spec import R

FAMILY = "内容审查"

PLACEHOLDERS = (
    r"(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])", r"[××]{2,}", r"某某", r"待补充", r"待填写", r"待完善",
    r"(?<![A-Za-z])TODO(?![A-Za-z])", r"[(（]\s*此处(?:填写|补充|输入)[^)）]*[)）]?",
    r"[(（]\s*(?:请|在此)(?:填写|补充|输入)[^)）]*[)）]",
)
"""Regular expressions of text that marks a place still to be filled in."""
UNFINISHED_ENDINGS = ",，、"
"""A paragraph ending in one of these stops mid-sentence."""
HINT_MIN_CHARS = 6
"""A paragraph this long or longer that is part of one of the workbook's hint texts is a leftover."""

COMPARISON = ("较", "比", "低于", "高于", "多于", "少于", "上年", "去年", "上一年", "以来", "至今",
              "起", "开始", "截至", "以前", "之前", "整改", "连续")
"""Words that make a year other than the report year legitimate in the same clause
(较2023年, 2019年以来); years in 《…》 titles and 〔2021〕 document numbers never count."""
FUTURE = ("将", "计划", "下一步", "明年", "下一年", "拟", "力争", "要点", "部署", "打算", "目标",
          "继续", "持续", "进一步", "重点", "做好")
"""Words that make a later year legitimate (2025年将…), in its sentence or in the heading
above it ((三)2025年工作打算)."""
PERIOD = r"统计(?:期限|期间|时限|区间|范围)"
"""How a report names the statistics period it covers (统计期限自2024年1月1日起…)."""

PROBLEMS_MIN_CHARS = 50
"""Section 五 with fewer characters than this (a few dozen) says nothing."""
EMPTY_WORDS = ("无", "暂无", "没有", "无。", "暂无。", "没有。", "无问题", "无问题。")
FIXED_LAST_YEAR = r"(?:上年|上一年|去年|往年|以往|{last}年)[^。;；]{{0,80}}?(?:整改|改进|纠正|解决|完成|落实到位)"
"""A sentence of section 五 saying how last year's problems were fixed ({last}: year − 1)."""
FIXED_HEADING = r"上年度?问题整改"
FIXED_LAST_YEAR_FORMATS = ("2021",)
"""Formats whose section 五 must say how last year's problems were fixed."""

FEE_STATEMENT_FORMATS = ("2021",)
"""Formats whose section 六 must state the 信息处理费 (the 2019 trial format does not ask)."""
FEE_WORDS = r"信息处理费|处理费|收费通知|收取费用|收费"
"""Section 六 (2021 format) must speak of the 信息处理费: charged, or explicitly not."""
FEE_AMOUNT = r"信息处理费[^。;；]{0,12}?(\d+(?:\.\d+)?)\s*(万元|元)"
FEE_NOTICES = r"收费通知[^。;；\d]{0,6}?(\d+)\s*(?:件|份|次)"

HEADINGS_NUMBERED = "一二三四五六"
"""The six first-level headings of the official format, numbered 一 to 六."""

COPIED_SHARE = Decimal("0.5")
"""Above this share of narrative sentences identical to last year's: copied."""
COPIED_MIN_SENTENCES = 4
"""With fewer sentences than this the share is not judged."""
SENTENCE_MIN_CHARS = 8
"""Shorter sentences (无。 本年度未收取信息处理费。) are alike in every report: not counted."""

RATIO_MIN_SAMPLE = 10
"""Below this many cases (the denominator) no ratio is judged: too few to mean anything."""
RATIO_LIMITS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "实质公开率": (Decimal("0.2"), None),
    "复议纠错率": (None, Decimal("0.2")),
    "诉讼纠错率": (None, Decimal("0.2")),
    "不予公开占比": (None, Decimal("0.3")),
    "无法提供占比": (None, Decimal("0.6")),
    "不予处理占比": (None, Decimal("0.3")),
    "其他处理占比": (None, Decimal("0.5")),
}
"""(lowest, highest) a reviewer accepts without asking; None: no limit on that side."""

TOWNSHIP = r"(?:乡|镇|街道|苏木)(?:人民政府|办事处|街道办事处)?$"
"""An agency at township level (…镇人民政府, …街道办事处)."""
AMOUNT_LIMITS_10K_YUAN = {"township": Decimal("10000"), "other": Decimal("1000000")}
"""A 万元 cell at or above this (1亿元 for a township, 100亿元 otherwise) was typed in 元."""


def pct(value: Decimal) -> str:
    """0.5 -> 50%."""
    return f"{value * 100:.0f}%"


def _limits() -> str:
    parts = []
    for name, (low, high) in RATIO_LIMITS.items():
        if low is not None:
            parts.append(f"{name}低于{pct(low)}")
        if high is not None:
            parts.append(f"{name}高于{pct(high)}")
    return "、".join(parts)


RULES = (
    R("C1", "error", "模板或占位文字未删除",
      "{place} 有未替换的模板或占位文字“{found}”",
      "报告中还留有 XX、××、某某、待补充、待填写、TODO、(此处填写…)等占位文字,"
      "或工作簿自带的填写说明。请换成实际内容或删去。"),
    R("C2", "error", "段落没有写完",
      "{place} 段落以“{found}”结尾,句子没有写完:“{excerpt}”",
      "段落以逗号或顿号结尾,说明句子写到一半(常见于删改时漏了后半句)。请补全或改为句号。"),
    R("C3", "warning", "年份与报告年度不符",
      "{place} “{sentence}”提到 {found} 年,报告年度为 {expected} 年",
      "正文提到了报告年度以外的年份,而句中没有“较”“同比”“上年”“以来”等比较或回顾的说法,"
      "常见于照抄往年报告忘了改年份。比较、回顾、《》中的文件名和〔2021〕这样的文号不算;"
      "今后的年份在“将”“计划”“下一步”等句中也不算。请核对年份。"),
    R("C4", "warning", "统计期限不是报告年度",
      "{place} 统计期限写的是 {found} 年,报告年度为 {expected} 年",
      "报告所列数据的统计期限应为报告年度的1月1日至12月31日。请改正统计期限或报告年度。"),
    R("C5", "error", "问题及改进内容过少",
      "",
      f"第五部分“存在的主要问题及改进情况”为空、只写“无”或少于 {PROBLEMS_MIN_CHARS} 个字,"
      "审核时会被退回。请具体写明本年度存在的问题和改进措施。",
      tuple((kind, "{place} " + what + ",应写明存在的主要问题和改进情况(至少 {minimum} 个字)")
            for kind, what in (("empty", "未填写"), ("empty_word", "只写了“{found}”"),
                               ("short", "只有 {found} 个字")))),
    R("C6", "warning", "未说明上年度问题整改情况",
      "{place} 未写明上年度问题的整改情况",
      "2021年版格式要求第五部分说明上年度存在问题的整改情况。请写明上年度指出的问题是怎样整改的"
      "(可加二级标题“(三)上年度问题整改情况”)。"),
    R("C7", "warning", "未说明信息处理费",
      "{place} 未写明信息处理费的收取情况",
      "2021年版格式要求第六部分写明信息处理费的收取情况:发出收费通知的件数和金额、实际收取的金额;"
      "没有收取的,写明“本年度未收取信息处理费”。"),
    R("C8", "warning", "信息处理费前后不一致",
      "{place} 写的{what}为 {found},{other} 写的是 {expected},前后不一致",
      "报告中多处写了信息处理费的金额(或收费通知件数),数字应当一致(元与万元已换算后比较)。"),
    R("C9", "warning", "缺少一级标题",
      "{place} 缺少一级标题“{expected}”",
      "已发布的报告应有官方格式的六个一级标题,依次编号一至六。请补上缺少的部分。"),
    R("C10", "warning", "一级标题编号或顺序不对",
      "{place} 一级标题的编号或顺序与官方格式不一致,官方格式中这一部分为“{expected}”",
      "六个一级标题应按官方格式的顺序排列,编号依次为一、二、三、四、五、六。"),
    R("C11", "warning", "二级标题编号不连续",
      "{place} 二级标题编号为 {found},应依次为 {expected}",
      "二级标题应从(一)起依次编号,不跳号也不重号,例如(一)(二)(三)。"),
    R("C12", "warning", "正文与上年报告大量相同",
      "{place} 正文 {total} 句中有 {count} 句与上年报告完全相同({share}),超过 {limit}",
      f"与 --previous 指定的上年报告相比,正文中与上年一字不差的句子超过 {pct(COPIED_SHARE)}"
      f"(年份按各自报告年度换算后比较;少于 {SENTENCE_MIN_CHARS} 个字的短句不计;"
      f"不足 {COPIED_MIN_SENTENCES} 句不判断)。请按本年度实际情况撰写。"),
    R("C13", "info", "比率异常",
      "{place} {name}为 {value}({numerator}/{denominator}),{direction}{limit},请核对",
      f"审核时常看的比率:实质公开率(予以公开加部分公开,除以办理结果总计)、复议纠错率"
      f"(结果纠正除以行政复议总计)、诉讼纠错率,以及各类办理结果的占比。{_limits()}时提示核对"
      f"(不一定有错);总数少于 {RATIO_MIN_SAMPLE} 件时不作判断。"),
    R("C14", "warning", "金额疑似以元填写",
      "{place} 为 {found} 万元,{level}达到 {limit} 万元已不合常理,疑似按元填写",
      f"表格中的金额单位为万元。乡镇、街道的金额达到 {AMOUNT_LIMITS_10K_YUAN['township']} 万元"
      f"(1亿元)、其他机关达到 {AMOUNT_LIMITS_10K_YUAN['other']} 万元,多半是按元填写的。"
      "请换算为万元(元数除以10000)。"),
    R("C15", "warning", "正文以元写同一金额",
      "{place} 正文写“{excerpt}”,与表格中的 {found} 万元数字相同而单位为元",
      "正文按元写了与表格(单位万元)相同的数字,两处必有一处单位不对。请核对并统一单位。"),
)
