"""“检查通过” means the report is right: what check passes is what the report shows (issue 10)."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import require_soffice
from make_report import api
from make_report.cli.main import main
from make_report.core.layout import STATUS_ROW, workbook_layout
from make_report.core.model import Entry, format_value
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.narrative.names import NameList, Names
from make_report.narrative.parts import report_parts
from make_report.narrative.punctuation import full_width
from make_report.narrative.render import NarrativeError, render_context
from make_report.writers.xlsx_template import write_workbook
from package_parts import replace_in_part

# ------------------------------------------------------------ 1. placeholders print one value


def _paths(level: object, expr: str, depth: int = 0):
    """Every name the narrative offers, at every depth, as the expression a clerk would type."""
    yield expr, level
    if depth > 4:
        return
    if isinstance(level, Names):
        for key, value in level.items():
            name = str(key)
            sub = (f"{expr}.{name}" if expr else name) if name.isidentifier() \
                else f'{expr}["{name}"]'
            yield from _paths(value, sub, depth + 1)
    elif isinstance(level, NameList):
        for i, value in enumerate(level):
            yield from _paths(value, f"{expr}[{i}]", depth + 1)


def _offered(fmt_id: str) -> list[tuple[str, str]]:
    report = consistent_report(FORMATS[fmt_id], seed=3)
    return [(fmt_id, expr) for expr, _ in _paths(render_context(report), "") if expr]


OFFERED = _offered("2021") + _offered("2019")
PLACES = ["lead", "contact", "overview"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(OFFERED), st.sampled_from(PLACES))
def test_every_name_prints_plain_text_or_is_a_j1_error(offered, place):
    fmt_id, expr = offered
    report = consistent_report(FORMATS[fmt_id], seed=3)
    value = dict(_paths(render_context(report), ""))[expr]
    text = f"全年{{{{ {expr} }}}}件"
    if place == "overview":
        report.narrative["overview"] = [Entry(None, [text])]
    else:
        setattr(report, place, text)
    findings = api.template_findings(report, {})
    try:
        shown = [p[1] for p in report_parts(report) if p[0] == "paragraph"]
    except NarrativeError as exc:
        assert [f.rule for f in findings] == ["J1"], expr
        assert findings[0].severity == "error"
        assert findings[0].message.endswith(exc.message.split(" ", 1)[1])
        assert not isinstance(value, int | Decimal | str) or isinstance(value, bool)
        return
    assert findings == [], expr
    assert isinstance(value, int | Decimal | str) and not isinstance(value, bool), expr
    assert f"全年{format_value(value)}件" in shown


@pytest.fixture
def lead_workbook(tmp_path):
    def make(lead: str):
        report = consistent_report(FORMATS["2021"], seed=5, agency="某县人民政府")
        report.lead = lead
        path = tmp_path / "填好的.xlsx"
        write_workbook(report.format, path, report)
        return path
    return make


def test_a_row_left_without_its_column_fails_check_and_build(lead_workbook, capsys, tmp_path):
    path = lead_workbook("全年新收申请{{ 依申请.本年新收 }}件。")
    assert main(["check", str(path), "--json"]) == 1
    shown = json.loads(capsys.readouterr().out)["findings"]
    j1 = [f["message"] for f in shown if f["rule"] == "J1"]
    assert len(j1) == 1 and "依申请.本年新收" in j1[0]
    assert "请写明列" in j1[0] and "{{ 依申请.本年新收.总计 }}" in j1[0]
    result = api.check(path)
    j1 = [f for f in result.findings if f.rule == "J1"]
    assert len(j1) == 1 and j1[0].sheet and j1[0].cells
    assert main([str(path), "-o", str(tmp_path / "报告.docx")]) == 1
    assert not (tmp_path / "报告.docx").exists()


@pytest.mark.parametrize(("source", "fragment"), [
    ("{{ 依申请 }}", "是一整张表"),
    ("{{ applications.new_received }}", "{{ applications.new_received[6] }}"),
    ("{{ values }}", 'values["'),
    ("{{ 依申请.本年新收.总计 > 3 }}", "判断"),
    ("{{ [1, 2] }}", "一组数据"),
    ("{{ none }}", "空值"),
])
def test_program_data_is_named_not_printed(source, fragment):
    report = consistent_report(FORMATS["2021"], seed=5)
    report.lead = source
    findings = api.template_findings(report, {})
    assert [f.rule for f in findings] == ["J1"]
    assert fragment in findings[0].message


# ------------------------------------------------------- 5. --previous of another agency


def test_previous_report_of_another_agency_is_a_y0_warning_not_a_comparison(tmp_path):
    fmt = FORMATS["2021"]
    this = consistent_report(fmt, seed=4, agency="甲县人民政府")
    this.year = 2024
    other = consistent_report(fmt, seed=9, agency="乙县人民政府")
    other.year = 2023
    write_workbook(fmt, tmp_path / "甲.xlsx", this)
    write_workbook(fmt, tmp_path / "乙.xlsx", other)
    result = api.check(tmp_path / "甲.xlsx", previous=tmp_path / "乙.xlsx")
    years = [(f.rule, f.severity, f.message) for f in result.findings if f.rule.startswith("Y")]
    assert years == [("Y0", "warning", "乙.xlsx 是“乙县人民政府”的报告,本报告是“甲县人民政府”的,"
                                       "不是同一机关,未做跨年度检查")]
    assert result.valid  # carried-over counts of another agency are not this one's errors


def test_previous_report_of_the_same_agency_is_compared(tmp_path):
    fmt = FORMATS["2021"]
    this = consistent_report(fmt, seed=4, agency="甲县人民政府")
    this.year = 2024
    last = consistent_report(fmt, seed=9, agency=" 甲县人民政府")
    last.year = 2023
    write_workbook(fmt, tmp_path / "今年.xlsx", this)
    write_workbook(fmt, tmp_path / "去年.xlsx", last)
    result = api.check(tmp_path / "今年.xlsx", previous=tmp_path / "去年.xlsx")
    rules = {f.rule for f in result.findings}
    assert "Y0" not in rules and "Y1" in rules


# ------------------------------------ 4. the workbook's live checks and `check` agree


def _part_cells(fmt):
    """Input cells (not totals) of table 三 whose value in the sample report is not 0 / is 0."""
    report = consistent_report(fmt, seed=11)
    ts = workbook_layout(fmt).tables["applications"]
    inputs = [(k, a) for k, a in ts.cells.items() if k not in ts.formulas]
    nonzero = [(k, a) for k, a in inputs if report.values[k]]
    zero = [(k, a) for k, a in inputs if not report.values[k]]
    return report, ts, nonzero, zero


TEXT_CASES = [  # what is typed, into a cell whose number is / is not 0, and check's verdict
    ("same number as text", lambda v: str(v), True, False),
    ("full-width digits", lambda v: str(v).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
     True, False),
    ("a word", lambda v: "六件", True, False),
    ("无 for nothing", lambda v: "无", False, True),
    ("a dash for nothing", lambda v: " - ", False, True),
    ("a number", lambda v: v, True, True),
]


def test_workbook_checks_and_check_agree_after_libreoffice_recalculates(tmp_path):
    soffice = require_soffice()
    fmt = FORMATS["2021"]
    report, ts, nonzero, zero = _part_cells(fmt)
    sources = []
    for i, (_, typed, in_nonzero, _) in enumerate(TEXT_CASES):
        key, address = (nonzero if in_nonzero else zero)[i]
        path = tmp_path / f"case{i}.xlsx"
        write_workbook(fmt, path, report)
        wb = openpyxl.load_workbook(path)
        wb[ts.name][address].value = typed(report.values[key])
        wb.save(path)
        sources.append(path)
    out = tmp_path / "lo"
    run = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                          "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                          *map(str, sources)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    for (case, _, _, passes), source in zip(TEXT_CASES, sources, strict=True):
        result = api.check(source)
        sheets = openpyxl.load_workbook(out / source.name, data_only=True)
        status = {ws.title: ws.cell(STATUS_ROW, 1).value for ws in sheets.worksheets
                  if ws.title in {t.name for t in _tables(fmt)}}
        sheet_ok = all("不一致" not in (s or "") for s in status.values())
        assert sheet_ok == result.valid == passes, (case, status, result.findings.errors)
        computed = sheets[ts.name]
        for key in ts.formulas:  # every total the sheet shows is the one the report prints
            assert computed[ts.cells[key]].value == result.report.values[key], (case, key)
        if not passes:
            assert "个格子填的是文字而不是数字" in status[ts.name], case


def _tables(fmt):
    return workbook_layout(fmt).tables.values()


def test_a_number_typed_as_text_is_refused_by_check_naming_its_cell(tmp_path):
    fmt = FORMATS["2021"]
    report, ts, nonzero, _ = _part_cells(fmt)
    key, address = nonzero[0]
    path = tmp_path / "文本数字.xlsx"
    write_workbook(fmt, path, report)
    wb = openpyxl.load_workbook(path)
    wb[ts.name][address].value = str(report.values[key])
    wb.save(path)
    result = api.check(path)
    x1 = [f for f in result.findings if f.rule == "X1"]
    assert len(x1) == 1 and not result.valid
    assert x1[0].cells == (address,) and x1[0].message.startswith(f"{ts.name}!{address} ")
    assert f"是文本“{report.values[key]}”,不是数字" in x1[0].message


# ------------------------------------- 2. summary: no double counting, no mixed years


def _summary_folder(tmp_path):
    import os

    fmt = FORMATS["2021"]
    folder = tmp_path / "收件"
    (folder / "乡镇").mkdir(parents=True)
    reports = {}
    for name, seed, agency, year in [("甲县.xlsx", 1, "甲县人民政府", 2024),
                                     ("乡镇/甲县(改).xlsx", 2, "甲县人民政府", 2024),
                                     ("乡镇/乙镇.xlsx", 3, "乙镇人民政府", 2024),
                                     ("乙镇2023.xlsx", 4, "乙镇人民政府", 2023)]:
        report = consistent_report(fmt, seed=seed, agency=agency)
        report.year = year
        write_workbook(fmt, folder / name, report)
        reports[name] = report
    os.utime(folder / "甲县.xlsx", (1_700_000_000, 1_700_000_000))
    os.utime(folder / "乡镇/甲县(改).xlsx", (1_700_001_000, 1_700_001_000))
    return folder, reports


def test_summary_counts_an_agency_once_and_never_adds_years(tmp_path, capsys):
    from make_report.checks.summary import KEY_FIGURES, figure_value
    from make_report.core.grid import table_grid
    from make_report.writers.summary_xlsx import MAIN_HEADERS

    folder, reports = _summary_folder(tmp_path)
    out = tmp_path / "汇总.xlsx"
    assert main(["summary", str(folder), "-o", str(out)]) == 0
    said = capsys.readouterr().err
    assert ("注意:甲县.xlsx 与 乡镇/甲县(改).xlsx 都是“甲县人民政府”2024年的报告;"
            "只汇总了 乡镇/甲县(改).xlsx(它的修改时间较新),本文件未计入汇总") in said
    book = openpyxl.load_workbook(out)
    main_sheet = book["汇总"]
    files = [main_sheet.cell(r, 1).value for r in range(2, 6)]
    assert sorted(files) == sorted(reports), "文件 is the path below the folder"
    result_col = MAIN_HEADERS.index("检查结果") + 1
    status = {main_sheet.cell(r, 1).value: main_sheet.cell(r, result_col).value
              for r in range(2, 6)}
    assert status["甲县.xlsx"] == "重复,未汇总"
    left_out = [tuple(c.value for c in row) for row in book["未纳入汇总"].iter_rows(min_row=2)]
    assert [r[0] for r in left_out] == ["甲县.xlsx"] and "乡镇/甲县(改).xlsx" in left_out[0][3]
    # totals: one line per year, each over that year's counted files only
    counted = {2024: ["乡镇/甲县(改).xlsx", "乡镇/乙镇.xlsx"], 2023: ["乙镇2023.xlsx"]}
    for line, year in ((6, 2024), (7, 2023)):
        assert main_sheet.cell(line, 1).value == f"{year}年合计(仅含检查通过的{len(counted[year])}个文件)"
        figure = KEY_FIGURES[0]
        assert main_sheet.cell(line, 5).value == sum(
            figure_value(reports[n], figure) for n in counted[year])
    # table 三: one roll-up per year, never 2023 + 2024
    ws = book["表三汇总"]
    heads = [c.row for c in ws["A"] if isinstance(c.value, str) and "个文件,报告年度" in c.value]
    assert [ws.cell(r, 1).value.rsplit(" ", 1)[1] for r in heads] == ["2024", "2023"]
    total = next(c for c in table_grid(FORMATS["2021"].table("applications")).cells
                 if c.field == "applications.new_received.6")
    for head, year in zip(heads, (2024, 2023), strict=True):
        got = ws.cell(head + 1 + total.row, 1 + total.col).value
        assert got == sum(reports[n].value(total.field) for n in counted[year])


def test_a_duplicate_that_fails_its_checks_gives_way_to_the_one_that_passes(tmp_path):
    folder, reports = _summary_folder(tmp_path)
    broken = reports["乡镇/甲县(改).xlsx"]
    broken.values["applications.granted.6"] += 1
    write_workbook(broken.format, folder / "乡镇/甲县(改).xlsx", broken)
    items = {i.source: i for i in api.summary_items(sorted(folder.rglob("*.xlsx")), root=folder)}
    assert items["甲县.xlsx"].included
    assert items["乡镇/甲县(改).xlsx"].status == "duplicate"
    assert "(它检查通过)" in items["乡镇/甲县(改).xlsx"].reason


# ------------------------------------------------ 3. the first page reads like a report


def _first_page_workbook(tmp_path, lead="", contact="", date=None):
    report = consistent_report(FORMATS["2021"], seed=6, agency="某县人民政府")
    report.lead, report.contact, report.date = lead, contact, date
    path = tmp_path / "首页.xlsx"
    write_workbook(report.format, path, report)
    return path


def _paragraphs(path):
    import docx

    return [p.text for p in docx.Document(path).paragraphs if p.text.strip()]


def test_blank_lead_office_and_phone_and_blank_date_make_a_real_first_page(tmp_path):
    path = _first_page_workbook(tmp_path, contact="县政府办公室，电话：0931-8212345")
    out = tmp_path / "报告.docx"
    assert main([str(path), "-o", str(out)]) == 0
    texts = _paragraphs(out)
    assert texts[0].replace("\n", "") == "某县人民政府2024年政府信息公开工作年度报告"
    assert texts[1].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert "统计期限自2024年1月1日起至2024年12月31日止。" in texts[1]
    assert texts[2] == "如对本报告有疑问，请与县政府办公室联系（电话：0931-8212345）。"
    assert texts[-2:] == ["某县人民政府", "____年__月__日"]
    x3 = [f for f in api.check(path).findings if f.rule == "X3"]
    assert [(f.severity, f.sheet, f.cells) for f in x3] == [("warning", "基本信息", ("B7",))]
    assert "正式公文应有成文日期" in x3[0].message


def test_a_written_lead_contact_and_date_are_kept_as_written(tmp_path):
    import datetime as dt

    contact = "如对本报告有疑问，请与县政府办公室联系（地址：某路1号，电话：0931-8212345）。"
    path = _first_page_workbook(tmp_path, lead="本报告由县政府办公室编制。", contact=contact,
                                date=dt.date(2025, 1, 20))
    out = tmp_path / "报告.docx"
    assert main([str(path), "-o", str(out)]) == 0
    texts = _paragraphs(out)
    assert texts[1:3] == ["本报告由县政府办公室编制。", contact]
    assert texts[-1] == "2025年1月20日"
    assert not [f for f in api.check(path).findings if f.rule == "X3"]


@pytest.mark.parametrize(("contact", "sentence"), [
    ("县政府办公室 0931-8212345", "如对本报告有疑问，请与县政府办公室联系（电话：0931-8212345）。"),
    ("办公室 13812345678", "如对本报告有疑问，请与办公室联系（电话：13812345678）。"),
    ("联系电话：0931-8212345", "如对本报告有疑问，请来电咨询（电话：0931-8212345）。"),
    ("县政府办公室 地址:某路1号 0931-8212345", None),
    ("请发送电子邮件至 gk@example.cn", None),
])
def test_contact_becomes_the_standard_sentence_only_when_it_is_office_and_phone(contact, sentence):
    report = consistent_report(FORMATS["2021"], seed=6)
    report.contact = contact
    shown = [p[1] for p in report_parts(report) if p[0] == "paragraph"]
    assert shown[1] == (sentence or full_width(contact))  # clerks' text: full-width marks


# ------------------------------------------------------- 7. nothing lost with --force


def test_force_keeps_a_hand_edited_report_beside_the_new_one(tmp_path, capsys):
    import datetime as dt

    path = _first_page_workbook(tmp_path, date=dt.date(2025, 1, 20))
    out = tmp_path / "报告.docx"
    assert main([str(path), "-o", str(out)]) == 0
    replace_in_part(out, "word/document.xml", "某县人民政府", "某县人民政府(改)")  # edited in Word
    edited = out.read_bytes()
    capsys.readouterr()
    assert main([str(path), "-o", str(out), "--force"]) == 0
    backup = tmp_path / "报告(已编辑备份).docx"
    assert backup.read_bytes() == edited
    assert out.read_bytes() != edited
    assert f"已先另存为:{backup}" in capsys.readouterr().err
    # a second --force keeps the first backup and adds another only if edited again
    assert main([str(path), "-o", str(out), "--force"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == ["报告(已编辑备份).docx", "报告.docx"]


@pytest.mark.parametrize("suffix", [".docx", ".html", ".txt"])
def test_building_from_a_published_report_asks_for_a_workbook(tmp_path, capsys, suffix):
    source = tmp_path / f"去年的报告{suffix}"
    source.write_bytes(b"whatever")
    assert main([str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"无法处理:去年的报告{suffix}:这是已发布的报告,生成报告需要填好的工作簿(.xlsx)。")
    assert f"make-report import 去年的报告{suffix} -o 工作簿.xlsx" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


# ------------------------------- 8. a new workbook carries the official second-level headings


@pytest.mark.parametrize("year", [2024, 2020])
def test_template_offers_the_formats_headings_under_each_narrative_section(tmp_path, year):
    from make_report.core.layout import NARRATIVE_FIRST_ROW
    from make_report.formats import format_for_year

    path = tmp_path / "新.xlsx"
    assert main(["template", "-o", str(path), "--agency", "某县人民政府", "--year", str(year)]) == 0
    fmt = format_for_year(year)
    book = openpyxl.load_workbook(path)
    for section in fmt.narrative_sections:
        ws = book[section.sheet]
        headings = [ws.cell(NARRATIVE_FIRST_ROW + i, 1).value for i in range(len(section.topics))]
        assert headings == list(section.topics), section.sheet
    overview = next(s for s in fmt.sections if s.key == "overview").topics
    assert [t[3:] for t in overview][0::4] == ["主动公开", "监督保障"]
    # headings without paragraphs never reach the report; one filled paragraph does
    ws = book[fmt.sections[0].sheet]
    ws.cell(NARRATIVE_FIRST_ROW, 2).value = "本年度主动公开政府信息1200条。"
    book.save(path)
    report = api.read(path).report
    assert [(e.heading, e.paragraphs) for e in report.narrative["overview"]] == [
        (overview[0], ["本年度主动公开政府信息1200条。"])]


def test_force_keeps_a_hand_edited_web_page_too(tmp_path, capsys):
    import datetime as dt

    path = _first_page_workbook(tmp_path, date=dt.date(2025, 1, 20))
    out = tmp_path / "报告.docx"
    assert main([str(path), "-o", str(out), "--html"]) == 0
    page = out.with_suffix(".html")
    edited = page.read_text(encoding="utf-8").replace("某县人民政府", "某县人民政府(网站编辑)", 1)
    page.write_text(edited, encoding="utf-8")
    assert main([str(path), "-o", str(out), "--html"]) == 2  # refused without --force
    assert main([str(path), "-o", str(out), "--html", "--force"]) == 0
    backup = tmp_path / "报告(已编辑备份).html"
    assert backup.read_text(encoding="utf-8") == edited
    assert not (tmp_path / "报告(已编辑备份).docx").exists(), "the .docx was not edited"
    assert f"已先另存为:{backup}" in capsys.readouterr().err
