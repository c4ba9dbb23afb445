"""国办公开办函〔2021〕30号: the format for report years 2021 onward, as data.

Labels are verbatim from the official tables; keys are the interchange keys of the spec.
"""

import re

from make_report.core.numerals import COUNT
from make_report.core.spec import (
    Block,
    BlockTable,
    Carry,
    Claim,
    Column,
    Equation,
    Figure,
    Format,
    GridTable,
    Header,
    Ratio,
    Row,
    Section,
    YearRule,
)

RESULTS = "三、本年度办理结果"
WITHHELD = "（三）不予公开"
UNABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER = "（六）其他处理"


def application_rows(other_rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """Table 三's rows; the formats differ only in the rows of (六)其他处理."""
    return (
        Row("new_received", ("一、本年新收政府信息公开申请数量",)),
        Row("carried_from_last_year", ("二、上年结转政府信息公开申请数量",)),
        Row("granted", (RESULTS, "（一）予以公开")),
        Row("partially_granted", (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
        Row("withheld_state_secret", (RESULTS, WITHHELD, "1.属于国家秘密")),
        Row("withheld_law_forbids", (RESULTS, WITHHELD, "2.其他法律行政法规禁止公开")),
        Row("withheld_three_safety_one_stability", (RESULTS, WITHHELD, "3.危及“三安全一稳定”")),
        Row("withheld_third_party", (RESULTS, WITHHELD, "4.保护第三方合法权益")),
        Row("withheld_internal_affairs", (RESULTS, WITHHELD, "5.属于三类内部事务信息")),
        Row("withheld_process_info", (RESULTS, WITHHELD, "6.属于四类过程性信息")),
        Row("withheld_enforcement_file", (RESULTS, WITHHELD, "7.属于行政执法案卷")),
        Row("withheld_administrative_query", (RESULTS, WITHHELD, "8.属于行政查询事项")),
        Row("unable_not_held", (RESULTS, UNABLE, "1.本机关不掌握相关政府信息")),
        Row("unable_needs_creation", (RESULTS, UNABLE, "2.没有现成信息需要另行制作")),
        Row("unable_unclear_after_correction", (RESULTS, UNABLE, "3.补正后申请内容仍不明确")),
        Row("not_processed_petition", (RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请")),
        Row("not_processed_repeat", (RESULTS, NOT_PROCESSED, "2.重复申请")),
        Row("not_processed_publication", (RESULTS, NOT_PROCESSED, "3.要求提供公开出版物")),
        Row("not_processed_massive", (RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请")),
        Row("not_processed_confirm_existing",
            (RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息")),
        *other_rows,
        Row("total_handled", (RESULTS, "（七）总计")),
        Row("carried_to_next_year", ("四、结转下年度继续办理",)),
    )


OTHER_ROWS_2021 = (
    Row("other_overdue_correction",
        (RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    Row("other_unpaid_fee",
        (RESULTS, OTHER,
         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    Row("other_other", (RESULTS, OTHER, "3.其他")),
)

APPLICANT_HEADER = (
    Header("申请人情况", (
        Header("自然人", key="0"),
        Header("法人或其他组织", (
            Header("商业企业", key="1"),
            Header("科研机构", key="2"),
            Header("社会公益组织", key="3"),
            Header("法律服务机构", key="4"),
            Header("其他", key="5"),
        )),
        Header("总计", key="6"),
    )),
)

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def applications_table(other_rows: tuple[Row, ...]) -> GridTable:
    return GridTable("applications", "applications", CORNER, APPLICANT_HEADER,
                     application_rows(other_rows), label_depth=3,
                     label_suffix="政府信息公开申请数量")


def applications_equations(other_rows: tuple[Row, ...]) -> tuple[Equation, ...]:
    rows = application_rows(other_rows)
    handled = tuple(r.key for r in rows[2:-2])
    return (
        Equation("A1", "applications", "rows", ("6",), ("0", "1", "2", "3", "4", "5"),
                 "各项之和", "表三每一行：总计 = 自然人 + 法人或其他组织各项"),
        Equation("A2", "applications", "columns", ("total_handled",), handled,
                 "各项之和", "表三每一列：（七）总计 = 办理结果各项之和"),
        Equation("A3", "applications", "columns",
                 ("total_handled", "carried_to_next_year"),
                 ("new_received", "carried_from_last_year"),
                 "第一项加第二项之和",
                 "表三每一列：第一项加第二项之和 = 第三项（七）总计加第四项之和"),
    )


RESULT_COLUMNS = (("结果维持", "0"), ("结果纠正", "1"), ("其他结果", "2"),
                  ("尚未审结", "3"), ("总计", "4"))


def _group(row: str) -> tuple[Header, ...]:
    return tuple(Header(label, key=f"{row}.{col}") for label, col in RESULT_COLUMNS)


REVIEW_LITIGATION = GridTable(
    "review_litigation", "review_litigation", "",
    (
        Header("行政复议", _group("review")),
        Header("行政诉讼", (
            Header("未经复议直接起诉", _group("litigation_direct")),
            Header("复议后起诉", _group("litigation_after_review")),
        )),
    ),
    rows=(Row("data", ()),),
    label_depth=0,
    logical_rows=(Row("review", ("行政复议",)),
                  Row("litigation_direct", ("行政诉讼", "未经复议直接起诉")),
                  Row("litigation_after_review", ("行政诉讼", "复议后起诉"))),
    aliases=(("未经复议直接起诉", "直接起诉"),),
)

def carried_over(applications: GridTable) -> YearRule:
    """Y1: what last year carried to next year arrives as this year's 上年结转."""
    return YearRule("Y1", "表三每一列：二、上年结转 = 上年报告的四、结转下年度继续办理",
                    tuple(Carry(f"applications.carried_from_last_year.{c}",
                                f"applications.carried_to_next_year.{c}")
                          for c in applications.column_keys))


R1 = Equation("R1", "review_litigation", "rows", ("4",), ("0", "1", "2", "3"), "各项之和",
              "表四每一组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结")

ACTIVE_2021 = BlockTable("active_disclosure", "active_disclosure", "信息内容", (
    Block("article_20_1", "第二十条第（一）项",
          (Column("issued", "本年制发件数"), Column("abolished", "本年废止件数"),
           Column("in_force", "现行有效件数")),
          (Row("regulations", ("规章",)), Row("normative_documents", ("行政规范性文件",)))),
    Block("article_20_5", "第二十条第（五）项", (Column("value", "本年处理决定数量"),),
          (Row("licensing", ("行政许可",)),)),
    Block("article_20_6", "第二十条第（六）项", (Column("value", "本年处理决定数量"),),
          (Row("punishment", ("行政处罚",)), Row("enforcement", ("行政强制",)))),
    Block("article_20_8", "第二十条第（八）项",
          (Column("value", "本年收费金额（单位：万元）", "amount"),),
          (Row("fees_10k_yuan", ("行政事业性收费",)),)),
), width=3)

Y2 = YearRule(
    "Y2",
    "表二：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数（各单位口径不一）",
    tuple(Carry(f"active_disclosure.{row.key}.in_force", f"active_disclosure.{row.key}.in_force",
                plus=(f"active_disclosure.{row.key}.issued",),
                minus=(f"active_disclosure.{row.key}.abolished",))
          for row in ACTIVE_2021.blocks[0].rows),
)

_COUNTED = r"\s*(?:件|起|条|宗|个)"
_OUTCOMES = (("结果维持", r"(?:结果)?维持"), ("结果纠正", r"(?:结果)?纠正"),
             ("其他结果", r"其他(?:结果)?"), ("尚未审结", r"尚?未审结"))
"""Table 四's four outcome columns as a sentence names them (其中结果维持 25 件,…)."""
_REVIEW = r"行政复议(?:(?!诉讼)[^。;；]){0,60}?"
_LITIGATION = r"行政诉讼(?:(?!复议)[^。;；]){0,60}?"
"""From 行政复议 (行政诉讼) to one of its outcomes, within the sentence, not past the other."""
_STATED = r"[^。;；,，\d]{0,4}?" + COUNT + _COUNTED
CLAIMS = (
    Claim("本年新收政府信息公开申请",
          r"(?:收到|受理|新收)[^。;；,，]{0,16}?申请[^。;；,，\d]{0,4}?" + COUNT + r"\s*(?:件|个|条|宗)",
          ("applications.new_received.6",)),
    Claim("行政复议", r"行政复议[^。;；,，\d]{0,6}?" + COUNT + _COUNTED,
          ("review_litigation.review.4",)),
    Claim("行政诉讼", r"行政诉讼[^。;；,，\d]{0,6}?" + COUNT + _COUNTED,
          ("review_litigation.litigation_direct.4", "review_litigation.litigation_after_review.4")),
    *(Claim(f"行政复议{label}", _REVIEW + outcome + _STATED, (f"review_litigation.review.{i}",))
      for i, (label, outcome) in enumerate(_OUTCOMES)),
    *(Claim(f"行政诉讼{label}", _LITIGATION + outcome + _STATED,
            (f"review_litigation.litigation_direct.{i}",
             f"review_litigation.litigation_after_review.{i}"))
      for i, (label, outcome) in enumerate(_OUTCOMES)),
)
"""T1 claims both formats share (tables 三 and 四 are alike)."""

CLAIMS_2021 = (
    *CLAIMS,
    Claim("本年制发规章", r"(?:制发|新增|出台|制定|印发)[^。;；,，\d]{0,8}?规章\s*" + COUNT + r"\s*件",
          ("active_disclosure.regulations.issued",)),
    Claim("现行有效规章", r"现行有效[^。;；,，\d]{0,8}?规章\s*" + COUNT + r"\s*件",
          ("active_disclosure.regulations.in_force",)),
    Claim("现行有效行政规范性文件", r"现行有效[^。;；,，\d]{0,8}?规范性文件\s*" + COUNT + r"\s*件",
          ("active_disclosure.normative_documents.in_force",)),
    Claim("本年废止行政规范性文件", r"规范性文件[^。;；]{0,30}?废止\s*" + COUNT + r"\s*件",
          ("active_disclosure.normative_documents.abolished",)),
    Claim("本年制发行政规范性文件", r"规范性文件[^。;；]{0,30}?制发\s*" + COUNT + r"\s*件",
          ("active_disclosure.normative_documents.issued",)),
)

FIGURES = (
    Figure("本年新收申请", ("applications.new_received.6",)),
    Figure("上年结转", ("applications.carried_from_last_year.6",)),
    Figure("予以公开", ("applications.granted.6",)),
    Figure("部分公开", ("applications.partially_granted.6",)),
    Figure("结转下年度", ("applications.carried_to_next_year.6",)),
    Figure("行政复议（总计）", ("review_litigation.review.4",)),
    Figure("行政诉讼（总计）", ("review_litigation.litigation_direct.4",
                            "review_litigation.litigation_after_review.4")),
)
"""Key figures of the summary workbook both formats share; totals of table 三 use 总计."""

def ratios(applications: GridTable) -> tuple[Ratio, ...]:
    """实质公开率, 复议纠错率, 诉讼纠错率, then each result category's share of (七)总计."""
    total = ("applications.total_handled.6",)
    litigation = ("litigation_direct", "litigation_after_review")
    out = [
        Ratio("实质公开率", ("applications.granted.6", "applications.partially_granted.6"),
              total, headline=True),
        Ratio("复议纠错率", ("review_litigation.review.1",), ("review_litigation.review.4",),
              headline=True),
        Ratio("诉讼纠错率", tuple(f"review_litigation.{r}.1" for r in litigation),
              tuple(f"review_litigation.{r}.4" for r in litigation), headline=True),
    ]
    groups: dict[str, list[str]] = {}
    for row in applications.rows:
        if row.path[0] == RESULTS and row.key != "total_handled":
            groups.setdefault(row.path[1], []).append(f"applications.{row.key}.6")
    for label, keys in groups.items():
        name = re.sub(r"^[(（][一二三四五六七八九十]+[)）]|[(（].*[)）]$", "", label)
        out.append(Ratio(f"{name}占比", tuple(keys), total))
    return tuple(out)


NARRATIVE_HINT = ("每个二级标题占一行（A列），其下每段文字占一行（B列）；"
                  "可增删行，标题可改。段落中可用 {{ 依申请.本年新收.总计 }} 等引用表格数字。")


def sections(overview_topics: tuple[str, ...], problems: tuple[str, ...],
             other: tuple[str, ...]) -> tuple[Section, ...]:
    return (
        Section("overview", "一", "总体情况", "一、总体情况", topics=overview_topics,
                instruction=NARRATIVE_HINT),
        Section("active_disclosure", "二", "主动公开政府信息情况", "二、主动公开",
                table="active_disclosure",
                instruction="请在黄色单元格填写本年数字，件数为不小于0的整数，金额单位为万元。",
                short_name="主动公开"),
        Section("applications", "三", "收到和处理政府信息公开申请情况", "三、依申请公开",
                table="applications",
                instruction="请在黄色单元格填写件数；总计行与总计列已设公式，"
                            "右侧和下方的“检查”会即时显示勾稽关系是否成立。",
                short_name="依申请", summary_template="applications_summary.j2"),
        Section("review_litigation", "四", "政府信息公开行政复议、行政诉讼情况", "四、复议诉讼",
                table="review_litigation",
                instruction="请在黄色单元格填写件数；各组“总计”已设公式，下方“检查”行显示是否成立。",
                short_name="复议诉讼", summary_template="review_litigation_summary.j2"),
        Section("problems", "五", "存在的主要问题及改进情况", "五、问题及改进",
                topics=problems, instruction=NARRATIVE_HINT),
        Section("other", "六", "其他需要报告的事项", "六、其他事项",
                topics=other, instruction=NARRATIVE_HINT, default_template="fees.j2"),
    )


APPLICATIONS_2021 = applications_table(OTHER_ROWS_2021)

FORMAT = Format(
    id="2021",
    name="2021年版格式（国办公开办函〔2021〕30号）",
    short_name="2021年版格式",
    years=(2021, None),
    sections=sections(
        ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
         "（四）政府信息公开平台建设", "（五）监督保障"),
        ("（一）存在的主要问题", "（二）改进情况", "（三）上年度问题整改情况"),
        ("（一）信息处理费收取情况", "（二）政务公开工作要点落实情况",
         "（三）人大代表建议和政协提案办理结果公开情况", "（四）本年度工作创新", "（五）其他事项"),
    ),
    tables=(ACTIVE_2021, APPLICATIONS_2021, REVIEW_LITIGATION),
    equations=(*applications_equations(OTHER_ROWS_2021), R1),
    year_rules=(carried_over(APPLICATIONS_2021), Y2),
    claims=CLAIMS_2021,
    key_figures=(*FIGURES, Figure("行政事业性收费（万元）", ("active_disclosure.fees_10k_yuan",))),
    ratios=ratios(APPLICATIONS_2021),
)
