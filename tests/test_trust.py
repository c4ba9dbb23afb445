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
from make_report.narrative.render import NarrativeError, render_context
from make_report.writers.xlsx_template import write_workbook

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
    from make_report.app.summary import KEY_FIGURES, figure_value
    from make_report.core.grid import table_grid

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
    status = {main_sheet.cell(r, 1).value: main_sheet.cell(r, 5 + len(KEY_FIGURES)).value
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
    from make_report.app.summary import collect

    folder, reports = _summary_folder(tmp_path)
    broken = reports["乡镇/甲县(改).xlsx"]
    broken.values["applications.granted.6"] += 1
    write_workbook(broken.format, folder / "乡镇/甲县(改).xlsx", broken)
    items = {i.source: i for i in collect(sorted(folder.rglob("*.xlsx")), root=folder)}
    assert items["甲县.xlsx"].included
    assert items["乡镇/甲县(改).xlsx"].status == "duplicate"
    assert "(它检查通过)" in items["乡镇/甲县(改).xlsx"].reason
