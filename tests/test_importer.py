"""Importing the reference reports: every number as the report's own tables show it,
and the audit finding exactly what a careful reader finds in them."""

from __future__ import annotations

import time

import pytest

from importer_refs import DATA, expected_cells, load, reference, same
from make_report.importer import audit, import_report
from make_report.validate import validate

# (text, hand-read numbers, agency, year, format)
REFERENCES = [
    ("000_d12fae63e0bd492a.txt", DATA / "ref_000_malugou_2023.json", "马鹿沟镇人民政府", 2023, "2021"),
    ("001_24548c9bc9871823.txt", DATA / "ref_001_qingliu_2019.json", "安岳县清流镇人民政府", 2019, "2019"),
    ("002_a7d1ab90ef2b8173.txt", DATA / "ref_002_xinji_2022.json", "辛集镇", 2022, "2021"),
    ("003_23d160e7ec491542.txt", DATA / "ref_003_ciyin_2023.json", "", 2023, "2021"),
    ("004_1cf59b4176a625ae.txt", DATA / "ref_004_hezuo_2023.json", "合作市", 2023, "2021"),
    ("more/01_huaian_shi_2024.txt", None, "淮安市人民政府", 2024, "2021"),
    ("more/02_hongze_qu_2023.txt", None, "洪泽区人民政府", 2023, "2021"),
    ("more/03_hongze_qu_2024.txt", None, "淮安市洪泽区人民政府", 2024, "2021"),
]
IDS = [name.split("_")[0].removeprefix("more/") for name, *_ in REFERENCES]

LITIGATION = [f"review_litigation.{row}.{c}" for row in ("litigation_direct",
              "litigation_after_review") for c in range(5)]
UNDECIDABLE = {"more/01_huaian_shi_2024.txt": set(LITIGATION)}
"""The raw PDF text of 01 scatters table 四 into five pieces; two orders of the litigation
groups satisfy every sum rule equally (13 4 8 1 26 / 12 1 1 6 20), so the importer reads
行政复议 and leaves the ten litigation cells unread (I1) rather than guess which is which."""

# What a careful reader finds: (rule, row, column) of the audit's rule findings.
AUDIT = {
    "000_d12fae63e0bd492a.txt": set(),
    "001_24548c9bc9871823.txt": set(),
    "002_a7d1ab90ef2b8173.txt": set(),
    "003_23d160e7ec491542.txt": {("T1", "overview", None)},  # 行政诉讼1条 vs 0
    "004_1cf59b4176a625ae.txt": {
        ("A2", "total_handled", 0), ("A2", "total_handled", 6),  # 6 granted, (七)总计 0
        ("A3", "total_handled", 0), ("A3", "total_handled", 6),
        ("R1", "litigation_direct", 4),  # 0 + _ + 1 + _ = 1, 总计 5
        ("R1", "litigation_after_review", 4),  # 2 + 8 + 0 + 0 = 10, 总计 0
        ("T1", "overview", None),  # 本年度废止1件 vs 本年废止件数 0
    },
    "more/01_huaian_shi_2024.txt": set(),
    "more/02_hongze_qu_2023.txt": {("R1", "review", 4), ("R1", "litigation_after_review", 4)},
    "more/03_hongze_qu_2024.txt": {("T1", "overview", None)},  # 17 applications vs 95
}

# What the import itself must say (rule, severity, words of the message).
IMPORT_NOTES = {
    "000_d12fae63e0bd492a.txt": [("I1", "warning", "2023年1226"), ("I2", "info", "自然人")],
    "001_24548c9bc9871823.txt": [("I2", "info", "六、其他需要报告的事项")],
    "003_23d160e7ec491542.txt": [("I2", "warning", "未找到标题")],
    "004_1cf59b4176a625ae.txt": [
        ("I1", "warning", "未经复议直接起诉·结果纠正 单元格为空白"),
        ("I1", "warning", "未经复议直接起诉·尚未审结 单元格为空白"),
        ("I1", "warning", "多出的数字“1”"), ("I2", "info", "现行有效件数"),
        # 18 cells for 15: without the 3 blanks every group would add up; a person decides
        ("I2", "warning", "9 0 2 0 11 0 1 5 2 8 0 0 0 1 1,各组总计均与各项之和相符"),
    ],
    "more/01_huaian_shi_2024.txt": [("I2", "info", "按官方表格的行序读取"),
                                    ("I2", "warning", "顺序错乱")],
    "more/02_hongze_qu_2023.txt": [("I2", "warning", "(六)其他处理"),
                                   ("I2", "info", "2.其他法律行政止公开")],
    "more/03_hongze_qu_2024.txt": [("I2", "warning", "(六)其他处理"),
                                   ("I2", "info", "2.其他法律行政止公开")],
}


def _expected(name, data_file, fmt):
    path = reference(name)
    data = load(data_file if data_file else path.with_name(path.stem + ".expected.json"))
    return expected_cells(data, fmt)


@pytest.mark.parametrize(("name", "data_file", "agency", "year", "fmt_id"), REFERENCES, ids=IDS)
def test_reference_numbers_match_the_reports_own_tables(name, data_file, agency, year, fmt_id):
    result = import_report(reference(name))
    fmt = result.report.format
    undecidable = UNDECIDABLE.get(name, set())
    wrong = []
    for key, want in _expected(name, data_file, fmt).items():
        got = result.report.values.get(key, result.extra.get(key))
        if key in undecidable:
            assert key in result.uncertain and got is None
        elif want is None:
            assert key in result.unread and key not in result.report.values, key
        elif not same(want, got):
            wrong.append((key, want, got))
    assert wrong == []
    assert not set(result.unread) - {k for k, v in _expected(name, data_file, fmt).items()
                                     if v is None} - undecidable


@pytest.mark.parametrize(("name", "data_file", "agency", "year", "fmt_id"), REFERENCES, ids=IDS)
def test_reference_title_year_and_format(name, data_file, agency, year, fmt_id):
    report = import_report(reference(name)).report
    assert (report.agency, report.year, report.format.id) == (agency, year, fmt_id)


@pytest.mark.parametrize("name", list(AUDIT), ids=IDS)
def test_audit_finds_what_a_careful_reader_finds(name):
    result = import_report(reference(name))
    found = {(f.rule, f.row, f.column) for f in audit(result) if f.rule[0] in "ANRT"}
    assert found == AUDIT[name]
    if name not in UNDECIDABLE:  # nothing left unknown: plain validate says the same
        assert {(f.rule, f.row, f.column) for f in validate(result.report)} == AUDIT[name]


@pytest.mark.parametrize("name", list(IMPORT_NOTES), ids=lambda n: n.split("_")[0])
def test_import_reports_what_it_could_not_read_or_what_drifted(name):
    findings = import_report(reference(name)).findings
    for rule, severity, words in IMPORT_NOTES[name]:
        assert any(f.rule == rule and f.severity == severity and words in f.message
                   for f in findings), (rule, words, [f.message for f in findings])


def test_blank_litigation_cells_of_004_stay_unread_not_zero():
    result = import_report(reference("004_1cf59b4176a625ae.txt"))
    blank = ["review_litigation.litigation_direct.1", "review_litigation.litigation_direct.3"]
    assert result.blank == blank and result.unread == blank
    assert not set(blank) & set(result.report.values)
    assert result.labels[blank[0]] == "未经复议直接起诉·结果纠正"


def test_single_other_row_of_a_2021_report_is_kept_apart_and_checked():
    result = import_report(reference("more/02_hongze_qu_2023.txt"))
    assert result.variant == "2019"
    assert result.extra == {f"applications.other_processing.{c}": 0 for c in range(7)}
    assert {f"applications.other_other.{c}" for c in range(7)} <= set(result.uncertain)


def test_mangled_date_is_left_empty():
    assert import_report(reference("000_d12fae63e0bd492a.txt")).report.date is None


def test_narrative_sections_keep_their_headings_and_paragraphs():
    report = import_report(reference("004_1cf59b4176a625ae.txt")).report
    headings = [e.heading for e in report.narrative["overview"]]
    assert headings == [None, "(一)主动公开情况", "(二)依申请公开情况", "(三)政府信息管理情况",
                        "(四)政府信息平台建设情况", "(五)监督保障情况"]
    assert report.narrative["overview"][2].paragraphs[0].startswith("2023年全年共收到")
    assert report.narrative["other"][0].paragraphs[0].startswith("按照《国务院办公厅")
    assert "关闭窗口" not in str(report.narrative)


def test_own_section_order_of_001_maps_its_practices_into_the_overview():
    report = import_report(reference("001_24548c9bc9871823.txt")).report
    assert [e.heading for e in report.narrative["overview"]][1:] == [
        "(一)强化组织领导,责任落实到位", "(二)充实信息内容,及时发布到位",
        "(三)创新公开形式,提高宣传力度"]
    assert report.lead.startswith("2019年,清流镇政府信息公开工作")
    assert "网站标识码" not in str(report.narrative)


def test_pdf_text_paragraphs_are_joined_across_lines_and_pages():
    report = import_report(reference("more/01_huaian_shi_2024.txt")).report
    overview = report.narrative["overview"]
    assert overview[1].heading == "(一)主动公开情况"
    assert len(overview[1].paragraphs) == 1 and "-1-" not in overview[1].paragraphs[0]
    assert "努力传递政府声音" in overview[1].paragraphs[0]
    assert report.lead.startswith("本报告由淮安市人民政府办公室")


@pytest.mark.parametrize(("name", "data_file", "agency", "year", "fmt_id"), REFERENCES, ids=IDS)
def test_importing_a_report_takes_well_under_a_second(name, data_file, agency, year, fmt_id):
    start = time.perf_counter()
    import_report(reference(name))
    assert time.perf_counter() - start < 0.5
