"""The reviewer's checks beyond the sums (C1–C15, numbers in words for T1): on workbooks,
on interchange JSON, and on published reports built from the reference reports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from importer_refs import reference
from make_report import api
from make_report.checks.content import check_copied
from make_report.checks.ratios import ratios
from make_report.checks.validate import validate
from make_report.cli.main import main
from make_report.core.interchange import report_to_dict
from make_report.core.model import Entry, Report
from make_report.core.numerals import parse_count
from make_report.core.synthetic import consistent_narrative, consistent_report
from make_report.formats import FORMATS
from make_report.rules import RULES
from make_report.rules.families import content as data
from make_report.writers.xlsx_template import write_workbook

F2021, F2019 = FORMATS["2021"], FORMATS["2019"]
PROBLEMS = "五、问题及改进"
OTHER = "六、其他事项"


def report(fmt=F2021, agency: str = "示例县人民政府", **sections: list[Entry]) -> Report:
    """A consistent report whose narrative passes every rule, with ``sections`` replaced."""
    r = consistent_report(fmt, seed=5, agency=agency)
    r.narrative = {**consistent_narrative(), **sections}
    return r


def rules_of(r: Report, severity: str | None = None) -> list[str]:
    """Content rules found; the ratio notes (info) of random data only when asked for."""
    return [f.rule for f in validate(r) if f.rule[0] == "C"
            and (f.severity == severity if severity else f.severity != "info")]


def checked(tmp_path: Path, r: Report, name: str = "w.xlsx", **options):
    path = tmp_path / name
    write_workbook(r.format, path, r)
    return api.check(path, **options)


def c_findings(result) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    return [(f.rule, f.severity, f.sheet, f.cells) for f in result.findings
            if f.rule[0] == "C" and f.severity != "info"]


def test_the_synthetic_report_passes_every_content_rule():
    assert rules_of(report(), "error") + rules_of(report(), "warning") == []
    assert rules_of(report(F2019), "error") + rules_of(report(F2019), "warning") == []


def test_every_content_rule_is_in_the_catalogue_with_its_place():
    content = [r for r in RULES.values() if r.family == data.FAMILY]
    assert [r.id for r in content] == [f"C{n}" for n in range(1, 16)]
    assert all(r.explain and all("{place}" in t for t in [r.message, *r.wordings.values()] if t)
               for r in content)
    assert {r.id: r.severity for r in content}["C1"] == "error"
    assert {r.id: r.severity for r in content}["C13"] == "info"


# --- C1, C2: leftovers ---

@pytest.mark.parametrize("text", [
    "全年主动公开政府信息XX条。", "本年度共受理申请××件。", "某某镇人民政府认真落实条例。",
    "本部分内容待补充。", "待填写", "TODO: 补充平台建设情况。", "(此处填写主动公开情况)",
    F2021.section("overview").instruction,
])
def test_leftover_placeholder_or_hint_is_an_error_at_its_cell(tmp_path, text):
    r = report(overview=[Entry("(一)主动公开", ["坚持以公开为常态。", text])])
    result = checked(tmp_path, r)
    assert c_findings(result) == [("C1", "error", "一、总体情况", ("B6",))]
    assert not result.valid


def test_a_paragraph_ending_mid_sentence_is_an_error():
    r = report(overview=[Entry("(一)主动公开", ["全年主动公开政府信息5120条,"])])
    [found] = [f for f in validate(r) if f.rule == "C2"]
    assert found.severity == "error"
    assert found.message == ("一、总体情况 (一)主动公开 第1段 段落以“,”结尾,句子没有写完:"
                             "“全年主动公开政府信息5120条,”")


def test_the_workbooks_meta_hint_pasted_into_the_lead_is_a_leftover():
    from make_report.core.layout import META_ROWS

    r = report()
    r.lead = META_ROWS[4][2]
    assert [(f.rule, f.message.split(" ")[0]) for f in validate(r) if f.rule == "C1"] == \
        [("C1", "导语")]


def test_a_placeholder_agency_is_a_leftover():
    assert rules_of(report(agency="某某县人民政府")) == ["C1"]


# --- C3, C4: years ---

@pytest.mark.parametrize(("text", "wrong"), [
    ("2023年,我县坚持以公开为常态。", 2023),
    ("二〇二二年全县主动公开信息五千条。", 2022),
    ("较2023年增长10%。", None),
    ("与上年相比,2023年的申请量较少。", None),
    ("自2019年新修订的条例施行以来,我县持续推进。", None),
    ("依据《2021年政务公开工作要点》开展工作。", None),
    ("按照国办公开办函〔2021〕30号要求编制。", None),
    ("2025年将继续加强培训。", None),
    ("2024年全年共收到申请5件。", None),
    ("2025年重点抓好政策解读。", None),
])
def test_a_year_other_than_the_report_year_outside_comparisons_is_a_warning(text, wrong):
    r = report(overview=[Entry("(一)主动公开", [text])])
    found = [f for f in validate(r) if f.rule == "C3"]
    assert [(f.severity, f.found) for f in found] == ([("warning", wrong)] if wrong else [])
    if wrong:
        assert text.rstrip("。") in found[0].message and "报告年度为 2024 年" in found[0].message


def test_a_later_year_under_a_heading_of_plans_is_no_wrong_year():
    r = report(problems=[Entry("(三)2025年工作打算", ["2025年,抓好政策解读和平台建设。"])])
    assert [f for f in validate(r) if f.rule == "C3"] == []
    r.narrative["problems"][0].heading = "(三)工作情况"
    assert [f.found for f in validate(r) if f.rule == "C3"] == [2025]


def test_the_statistics_period_must_be_the_report_year(tmp_path):
    r = report()
    r.lead = "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    result = checked(tmp_path, r)
    assert c_findings(result) == [("C4", "warning", "基本信息", ("B8",))]
    r.lead = r.lead.replace("2023", "2024")
    assert rules_of(r) == []


# --- C5, C6: section 五 ---

@pytest.mark.parametrize("entries", [
    [], [Entry(None, ["无"])], [Entry("(一)存在的主要问题", ["栏目更新不及时。"])]])
def test_section_five_that_says_nothing_is_an_error(tmp_path, entries):
    result = checked(tmp_path, report(problems=entries))
    assert ("C5", "error", PROBLEMS, ("B5",)) in c_findings(result)
    assert not result.valid


def test_2021_section_five_must_say_how_last_years_problems_were_fixed():
    long = "部分栏目更新不够及时,政策解读的形式还比较单一,依申请公开答复的规范性有待提高。下一步将加强业务培训。"
    assert rules_of(report(problems=[Entry(None, [long])])) == ["C6"]
    fixed = [Entry(None, [long]), Entry("(三)上年度问题整改情况", ["已按要求完成。"])]
    assert rules_of(report(problems=fixed)) == []
    said = [Entry(None, [long + "针对2023年报告中指出的问题,已全部整改。"])]
    assert rules_of(report(problems=said)) == []
    assert rules_of(report(F2019, problems=[Entry(None, [long])])) == []


# --- C7, C8: section 六 ---

def test_2021_section_six_must_state_the_information_processing_fee(tmp_path):
    other = [Entry("(一)其他事项", ["本年度无需要说明的其他事项。"])]
    result = checked(tmp_path, report(other=other))
    assert c_findings(result) == [("C7", "warning", OTHER, ("B5",))]
    assert rules_of(report(other=[Entry(None, ["本年度未收取信息处理费。"])])) == []
    assert rules_of(report(F2019, other=other)) == []
    assert rules_of(report(other=[])) == []  # the report then says 未收取 (fees.j2)


def test_a_fee_amount_stated_twice_must_agree_after_converting_units():
    other = [Entry(None, ["本年度发出收费通知2件,收取信息处理费300元。"])]
    same = [Entry("(二)依申请公开", ["共收取信息处理费0.03万元。"])]
    assert rules_of(report(other=other, overview=same)) == []
    differs = [Entry("(二)依申请公开", ["共收取信息处理费500元,发出收费通知3件。"])]
    found = [f for f in validate(report(other=other, overview=differs)) if f.rule == "C8"]
    assert [f.message for f in found] == [
        "一、总体情况 (二)依申请公开 第1段 写的信息处理费金额为 “信息处理费500元”,"
        "六、其他需要报告的事项 写的是 “信息处理费300元”,前后不一致",
        "一、总体情况 (二)依申请公开 第1段 写的收费通知件数为 “收费通知3件”,"
        "六、其他需要报告的事项 写的是 “收费通知2件”,前后不一致"]


# --- C13: ratios ---

def applications(r: Report, granted: int, withheld: int) -> Report:
    for key in list(r.values):
        if key.startswith("applications."):
            r.values[key] = 0
    for col in ("0", "6"):
        r.values[f"applications.granted.{col}"] = granted
        r.values[f"applications.withheld_third_party.{col}"] = withheld
        r.values[f"applications.new_received.{col}"] = granted + withheld
        r.values[f"applications.total_handled.{col}"] = granted + withheld
    return r


def test_ratios_are_worked_out_from_the_format():
    r = applications(report(), granted=3, withheld=1)
    by_name = {x.name: x for x in ratios(r)}
    assert (by_name["实质公开率"].value, by_name["实质公开率"].shown) == (Decimal("0.75"),
                                                                     "75.0%(3/4)")
    assert by_name["不予公开占比"].value == Decimal("0.25")
    assert set(data.RATIO_LIMITS) <= set(by_name)


def test_an_unusual_ratio_is_an_info_only_over_enough_cases():
    r = applications(report(), granted=2, withheld=8)
    found = [f for f in validate(r) if f.rule == "C13"]
    # 实质公开率 2/10 sits on the limit (20%): not flagged; 不予公开 8/10 is
    assert [(f.severity, f.message) for f in found] == [
        ("info", "表三 （七）总计·总计 不予公开占比为 80%(8/10),高于30%,请核对")]
    r = applications(report(), granted=1, withheld=9)
    assert [f.found for f in validate(r) if f.rule == "C13"] == [Decimal("0.1"), Decimal("0.9")]
    small = applications(report(), granted=0, withheld=data.RATIO_MIN_SAMPLE - 1)
    assert [f for f in validate(small) if f.rule == "C13"] == []


def test_check_shows_the_ratios_on_screen_and_in_json(tmp_path, capsys):
    path = tmp_path / "w.xlsx"
    write_workbook(F2021, path, applications(report(), granted=3, withheld=1))
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert "实质公开率 75.0%(3/4)" in capsys.readouterr().out
    main(["check", "--json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert {"name": "实质公开率", "numerator": 3, "denominator": 4, "value": "0.75"} \
        in out["ratios"]


def test_the_summary_has_the_headline_ratio_columns(tmp_path):
    import openpyxl

    folder = tmp_path / "in"
    folder.mkdir()
    for name, granted in (("a.xlsx", 3), ("b.xlsx", 1)):
        write_workbook(F2021, folder / name,  # two agencies: one agency's second copy is not summed
                       applications(report(agency=f"{name[0]}县人民政府"), granted=granted, withheld=1))
    api.summary(folder, tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["汇总"]
    headers = [c.value for c in ws[1]]
    col = headers.index("实质公开率")
    assert headers[col:col + 3] == ["实质公开率", "复议纠错率", "诉讼纠错率"]
    assert [ws.cell(r, col + 1).value for r in (2, 3, 4)] == [0.75, 0.5, round(4 / 6, 4)]
    assert ws.cell(2, col + 1).number_format == "0.0%"


# --- C14, C15: units ---

def test_a_township_fee_of_ten_thousand_wan_yuan_was_typed_in_yuan(tmp_path):
    r = report(agency="马鹿沟镇人民政府")
    r.values["active_disclosure.fees_10k_yuan"] = Decimal("12000")
    result = checked(tmp_path, r)
    assert c_findings(result) == [("C14", "warning", "二、主动公开", ("B18",))]
    assert rules_of(report(agency="马鹿沟镇人民政府")) == []
    county = report()
    county.values["active_disclosure.fees_10k_yuan"] = Decimal("12000")
    assert rules_of(county) == []


def test_the_text_stating_the_fee_cell_in_yuan_is_a_warning():
    r = report(overview=[Entry("(一)主动公开", ["本年度行政事业性收费350元。"])])
    r.values["active_disclosure.fees_10k_yuan"] = Decimal("350")
    assert rules_of(r) == ["C15"]
    r.narrative["overview"] = [Entry("(一)主动公开", ["本年度行政事业性收费350万元。"])]
    assert rules_of(r) == []


# --- T1 reads numbers written in words ---

@pytest.mark.parametrize(("words", "value"), [
    ("十七", 17), ("一百二十三", 123), ("两", 2), ("十", 10), ("一百零五", 105), ("17", 17),
    ("两千零五", 2005), ("三万五千", 35000), ("万", None), ("十百", None), ("二三十", None)])
def test_numbers_written_in_words(words, value):
    assert parse_count(words) == value


@pytest.mark.parametrize("words", ["十七", "一百二十三", "两"])
def test_t1_reads_a_count_written_in_words_like_digits(words):
    r = report()
    r.values["applications.new_received.6"] = parse_count(words)
    r.values["applications.new_received.0"] = parse_count(words)
    r.narrative["overview"] = [Entry(None, [f"全年共收到政府信息公开申请{words}件。"])]
    assert [f for f in validate(r) if f.rule == "T1"] == []
    r.values["applications.new_received.6"] += 1
    assert [(f.found, f.expected) for f in validate(r) if f.rule == "T1"] == \
        [(parse_count(words), parse_count(words) + 1)]


# --- C12: text copied from last year ---

def write_json(path: Path, r: Report) -> Path:
    path.write_text(json.dumps(report_to_dict(r), ensure_ascii=False), encoding="utf-8")
    return path


def test_narrative_copied_from_last_year_is_a_warning_with_the_share(tmp_path):
    text = ["2023年,我县坚持以公开为常态、不公开为例外。全年共主动公开政府信息五千余条。",
            "严格落实信息发布三审三校制度。进一步规范依申请公开办理流程。",
            "持续优化政府门户网站信息公开专栏。完善政务新媒体矩阵建设。"]
    last = report(overview=[Entry(None, list(text))])
    last.year = 2023
    this = report(overview=[Entry(None, [p.replace("2023", "2024") for p in text])])
    this.narrative["problems"] = [Entry(None, ["本年度新的问题是培训还不够,栏目更新仍不及时,"
                                             "对上年度问题已整改完成。"])]
    [found] = list(check_copied(this, last))
    assert (found.rule, found.severity) == ("C12", "warning")
    # 6 sentences of the overview and section 六's one are last year's; section 五 is new
    assert found.message == "正文 8 句中有 7 句与上年报告完全相同(88%),超过 50%"
    result = api.check(write_json(tmp_path / "this.json", this),
                       previous=write_json(tmp_path / "last.json", last))
    assert [f.rule for f in result.findings if f.rule == "C12"] == ["C12"]
    fresh = report(overview=[Entry(None, ["今年的工作全部重新写过了,与去年完全不同。"] * 2)])
    fresh.narrative["problems"] = this.narrative["problems"]
    fresh.narrative["other"] = [Entry(None, ["本年度发出收费通知0件,未收取任何信息处理费用。"])]
    assert list(check_copied(fresh, last)) == []


# --- published reports built from the reference reports ---

def published(tmp_path: Path, name: str, edit=lambda text: text) -> object:
    source = reference(name).read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_text(edit(source), encoding="utf-8")
    return api.check(path)


def c_messages(result) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in result.findings if f.rule[0] == "C"]


def test_reference_003_section_six_does_not_state_the_fee(tmp_path):
    result = published(tmp_path, "003_23d160e7ec491542.txt")
    assert ("C7", "六、其他需要报告的事项。 未写明信息处理费的收取情况") in c_messages(result)


def test_reference_001_own_section_order_and_missing_section_six(tmp_path):
    found = c_messages(published(tmp_path, "001_24548c9bc9871823.txt"))
    assert ("C9", "缺少一级标题“六、其他需要报告的事项”") in found
    assert ("C10", "一、主动公开政府信息情况 一级标题的编号或顺序与官方格式不一致,"
                   "官方格式中这一部分为“二、主动公开政府信息情况”") in found


def test_published_report_headings_in_order_give_no_heading_finding(tmp_path):
    found = c_messages(published(tmp_path, "004_1cf59b4176a625ae.txt"))
    assert [r for r, _ in found if r in ("C9", "C10", "C11")] == []


def test_published_second_level_numbering_with_a_gap(tmp_path):
    result = published(tmp_path, "004_1cf59b4176a625ae.txt",
                       lambda t: t.replace("(三)政府信息管理情况", "(四)政府信息管理情况", 1))
    assert ("C11", "一、总体情况 二级标题编号为 (一)(二)(四)(四)(五),应依次为 (一)(二)(三)(四)(五)") \
        in c_messages(result)


def test_published_report_with_leftovers_wrong_year_and_short_section_five(tmp_path):
    def edit(text: str) -> str:
        text = text.replace("2023年全年共收到政府信息依申请公开申请6件",
                            "2022年全年共收到政府信息依申请公开申请XX件")
        start = text.index("五、存在的主要问题及改进情况")
        end = text.index("六、其他需要报告的事项")
        return text[:start] + "五、存在的主要问题及改进情况\n\n无。\n\n" + text[end:]

    found = c_messages(published(tmp_path, "004_1cf59b4176a625ae.txt", edit))
    rules = [r for r, _ in found]
    assert rules.count("C1") == 1 and rules.count("C3") == 1
    assert ("C5", "五、存在的主要问题及改进情况 只写了“无。”,应写明存在的主要问题和改进情况"
                  "(至少 50 个字)") in found
    c3 = next(m for r, m in found if r == "C3")
    assert c3.startswith("一、总体情况 (二)依申请公开情况 第1段 ") and "提到 2022 年" in c3


def test_published_report_numbers_in_words_are_read_for_t1(tmp_path):
    result = published(tmp_path, "004_1cf59b4176a625ae.txt",
                       lambda t: t.replace("共收到政府信息依申请公开申请6件", "共收到政府信息依申请公开申请七件"))
    t1 = [f for f in result.findings if f.rule == "T1"]
    assert (7, 6) in [(f.found, f.expected) for f in t1]


def test_json_output_and_batch_carry_the_content_rules(tmp_path, capsys):
    from make_report.api import batch_item
    from make_report.app.batch import BatchOptions, run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    write_workbook(F2021, folder / "a.xlsx", report(problems=[]))
    capsys.readouterr()
    assert main(["check", "--json", str(folder / "a.xlsx")]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["sheet"], f["cells"]) for f in out["findings"] if f["rule"] == "C5"] \
        == [("C5", PROBLEMS, ["B5"])]
    [item] = run_batch([folder / "a.xlsx"], folder, tmp_path / "out", BatchOptions(), jobs=1,
                       task=batch_item)
    assert item.status == "errors"
    assert [f["rule"] for f in item.findings] == ["C5"]
    assert [r["name"] for r in item.ratios][:3] == ["实质公开率", "复议纠错率", "诉讼纠错率"]


def test_a_workbook_names_the_cell_of_each_content_finding(tmp_path):
    long = ("部分栏目更新不够及时,政策解读的形式还比较单一,依申请公开答复的规范性有待提高。"
            "下一步将加强业务培训。")
    r = report(overview=[Entry("(一)主动公开", ["全年主动公开政府信息5120条,",
                                             "2022年全县主动公开政府信息五千条。",
                                             "本年度行政事业性收费350元,收取信息处理费500元。"])],
               problems=[Entry(None, [long])],
               other=[Entry(None, ["本年度收取信息处理费300元。"])])
    r.values["active_disclosure.fees_10k_yuan"] = Decimal("350")
    assert c_findings(checked(tmp_path, r)) == [
        ("C2", "error", "一、总体情况", ("B5",)),
        ("C3", "warning", "一、总体情况", ("B6",)),
        ("C6", "warning", PROBLEMS, ("B5",)),
        ("C8", "warning", "一、总体情况", ("B7",)),
        ("C15", "warning", "一、总体情况", ("B7",)),
    ]


HEZUO = "004_1cf59b4176a625ae.txt"
MALUGOU = "000_d12fae63e0bd492a.txt"
FEE_000 = ("行政事业性收费\n\n0\n", "行政事业性收费\n\n{}\n")


@pytest.mark.parametrize(("name", "edits", "expected"), [
    (HEZUO, [("办理答复率100%。", "办理答复率100%,")],
     ("C2", "一、总体情况 (二)依申请公开情况 第1段 段落以“,”结尾,句子没有写完:"
            "“…站在线申请已全部在规定时限内按要求依法答复,办理答复率100%,”")),
    (HEZUO, [("\n一、总体情况\n", "\n本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。\n\n"
                                 "一、总体情况\n")],
     ("C4", "导语 统计期限写的是 2022 年,报告年度为 2023 年")),
    (HEZUO, [], ("C6", "五、存在的主要问题及改进情况 未写明上年度问题的整改情况")),
    (HEZUO, [("本年度我县没有产生信息公开处理费用。", "本年度发出收费通知1件,收取信息处理费200元。"),
             ("办理答复率100%。", "办理答复率100%,收取信息处理费300元。")],
     ("C8", "一、总体情况 (二)依申请公开情况 第1段 写的信息处理费金额为 “信息处理费300元”,"
            "六、其他需要报告的事项 写的是 “信息处理费200元”,前后不一致")),
    ("more/02_hongze_qu_2023.txt", [],
     ("C13", "表三 （七）总计·总计 实质公开率为 19%(4/21),低于20%,请核对")),
    (MALUGOU, [(FEE_000[0], FEE_000[1].format(20000))],
     ("C14", "表二 行政事业性收费·本年收费金额（单位：万元） 为 20000 万元,"
             "乡镇、街道的金额达到 10000 万元已不合常理,疑似按元填写")),
    (MALUGOU, [(FEE_000[0], FEE_000[1].format(350)),
               ("全镇没有发生与政府信息公开相关的收费。", "全镇行政事业性收费350元,未收取信息处理费。")],
     ("C15", "六、其他需要报告的事项 第1段 正文写“全镇行政事业性收费350元,未收取信息处理费。”,"
             "与表格中的 350 万元数字相同而单位为元")),
], ids=["C2", "C4", "C6", "C8", "C13", "C14", "C15"])
def test_published_report_content_rules(tmp_path, name, edits, expected):
    def edit(text: str) -> str:
        for old, new in edits:
            assert old in text
            text = text.replace(old, new, 1)
        return text

    assert expected in c_messages(published(tmp_path, name, edit))


def test_published_report_copied_from_last_years_report(tmp_path):
    text = reference(HEZUO).read_text(encoding="utf-8")
    last = tmp_path / "last.txt"
    last.write_text(text.replace("2023", "2022"), encoding="utf-8")
    this = tmp_path / "this.txt"
    this.write_text(text, encoding="utf-8")
    found = [f.message for f in api.check(this, previous=last).findings if f.rule == "C12"]
    assert len(found) == 1 and "(100%),超过 50%" in found[0]
    assert [f for f in api.check(this).findings if f.rule == "C12"] == []
