"""The summary workbook: per-file lines, roll-ups of valid reports only, left-out files, safety."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from make_report.api import summary_items
from make_report.app.summary import write_summary
from make_report.checks.summary import KEY_FIGURES, SummaryItem, figure_value
from make_report.checks.validate import validate
from make_report.core.grid import table_grid
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.summary_xlsx import MAIN_HEADERS, table_sheet_name

F2021, F2019 = FORMATS["2021"], FORMATS["2019"]
LINK = '=HYPERLINK("http://example.com","点我")'
RISKY = (LINK, "+86-931-1234567", "-合作市", "@机关", "\t=1+1", "\r=1+1")


def ok_item(fmt, seed: int, agency: str) -> SummaryItem:
    report = consistent_report(fmt, seed=seed, agency=agency)
    return SummaryItem(f"{agency[:6]}-{seed}.xlsx", report, validate(report), "ok")


@pytest.fixture
def items() -> list[SummaryItem]:
    a = ok_item(F2021, 1, "合作市人民政府")
    a.report.values["active_disclosure.fees_10k_yuan"] = Decimal("12.3400")
    b = ok_item(F2021, 2, LINK)
    b.report.values["active_disclosure.fees_10k_yuan"] = Decimal("1681.00")
    c = ok_item(F2019, 3, "马鹿沟镇人民政府")
    bad = consistent_report(F2021, seed=4, agency="有错误的单位")
    bad.values["applications.total_handled.6"] += 5
    wrong = SummaryItem("有错误.xlsx", bad, validate(bad), "errors")
    broken = SummaryItem("损坏.xlsx", None, None, "unusable", "损坏.xlsx:文件已损坏或不是有效的 Excel 工作簿")
    return [a, b, wrong, c, broken]


@pytest.fixture
def book(items, tmp_path):
    path = tmp_path / "汇总.xlsx"
    write_summary(items, path)
    return openpyxl.load_workbook(path)


def as_decimal(value) -> Decimal:
    return Decimal(str(value))


def test_sheets_in_order(book):
    assert book.sheetnames == ["汇总", "表二汇总", "表三汇总", "表四汇总", "未纳入汇总"]
    assert [table_sheet_name(F2021, s.table) for s in F2021.sections if s.table] == book.sheetnames[1:4]


def test_one_line_per_file_with_key_figures_and_verdict(book, items):
    ws = book["汇总"]
    assert tuple(c.value for c in ws[1]) == MAIN_HEADERS
    lines = [{h: c.value for h, c in zip(MAIN_HEADERS, row, strict=True)}
             for row in ws.iter_rows(min_row=2, max_row=1 + len(items))]
    for line, item in zip(lines, items, strict=True):
        assert line["文件"] == item.source
        assert line["检查结果"] == {"ok": "通过", "errors": "有错误", "unusable": "无法读取"}[item.status]
        if item.report is None:
            assert [v for k, v in line.items() if k not in ("文件", "检查结果")] == [None] * (len(MAIN_HEADERS) - 2)
            continue
        assert (line["机关名称"], line["报告年度"], line["格式"]) == (
            item.report.agency, item.report.year, item.report.format.id)
        assert line["本年新收申请"] == item.report.value("applications.new_received.6")
        assert line["予以公开"] == item.report.value("applications.granted.6")
        assert line["部分公开"] == item.report.value("applications.partially_granted.6")
        assert line["行政诉讼（总计）"] == (item.report.value("review_litigation.litigation_direct.4")
                                      + item.report.value("review_litigation.litigation_after_review.4"))
        assert (line["错误数"], line["警告数"]) == (len(item.findings.errors),
                                                 len(item.findings.warnings))
    assert lines[0]["行政事业性收费（万元）"] == 12.34
    assert lines[3]["行政事业性收费（万元）"] is None, "the 2019 format has no 收费金额"
    assert lines[2]["错误数"] > 0


def test_amounts_are_numbers_showing_their_own_decimals(book):
    ws = book["汇总"]
    col = MAIN_HEADERS.index("行政事业性收费（万元）") + 1
    assert ws.cell(2, col).data_type == "n" and ws.cell(2, col).number_format == "0.0000"
    assert ws.cell(3, col).value == 1681 and ws.cell(3, col).number_format == "0.00"


def test_total_lines_sum_the_valid_files_only_one_line_per_year(book, items):
    ws = book["汇总"]
    valid = [i.report for i in items if i.status == "ok"]
    years = sorted({r.year for r in valid}, reverse=True)
    assert len(years) == 2, "the fixture holds reports of two years"
    for line, year in enumerate(years, 2 + len(items)):
        reports = [r for r in valid if r.year == year]
        assert ws.cell(line, 1).value == f"{year}年合计(仅含检查通过的{len(reports)}个文件)"
        for col, fig in enumerate(KEY_FIGURES, 5):
            values = [v for r in reports if (v := figure_value(r, fig)) is not None]
            want = sum(values, Decimal(0)) if values else None
            got = ws.cell(line, col).value
            assert (as_decimal(got) if got is not None else None) == want


def test_text_from_workbooks_is_never_a_formula(tmp_path):
    items = [ok_item(F2021, n, name) for n, name in enumerate(RISKY)]
    path = tmp_path / "s.xlsx"
    write_summary(items, path)
    ws = openpyxl.load_workbook(path)["汇总"]
    for row, name in enumerate(RISKY, 2):
        cell = ws.cell(row, 2)
        assert cell.value == name and cell.data_type == "s"
    raw = openpyxl.load_workbook(path, data_only=True)["汇总"]
    assert raw.cell(2, 2).value == LINK, "no cached formula result: it was stored as text"


def _grid_origin(ws, fmt) -> int:
    """The roll-up of one format starts on the row after its heading."""
    heads = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(fmt.name)]
    assert len(heads) == 1, (ws.title, fmt.id, heads)
    return heads[0] + 1


@pytest.mark.parametrize("fmt", [F2021, F2019], ids=lambda f: f.id)
def test_each_table_rolls_up_the_valid_reports_of_its_format(book, items, fmt):
    valid = [i.report for i in items if i.status == "ok" and i.report.format is fmt]
    for section in fmt.sections:
        if not section.table:
            continue
        ws = book[table_sheet_name(fmt, section.table)]
        top = _grid_origin(ws, fmt)
        heading = ws.cell(top - 1, 1).value
        assert f"{len(valid)}个文件" in heading
        merged = {str(r) for r in ws.merged_cells.ranges}
        for gc in table_grid(fmt.table(section.table)).cells:
            cell = ws.cell(top + gc.row, 1 + gc.col)
            if gc.field:
                want = sum((r.value(gc.field) for r in valid), 0)
                assert as_decimal(cell.value) == want, (ws.title, gc.field)
            else:
                assert cell.value == gc.text
            if gc.rowspan > 1 or gc.colspan > 1:
                first, last = cell.coordinate, ws.cell(top + gc.row + gc.rowspan - 1,
                                                       gc.col + gc.colspan).coordinate
                assert f"{first}:{last}" in merged


def test_rollup_leaves_out_the_file_with_errors(book, items):
    ws = book["表三汇总"]
    top = _grid_origin(ws, F2021)
    cell = next(c for c in table_grid(F2021.table("applications")).cells
                if c.field == "applications.new_received.6")
    got = ws.cell(top + cell.row, 1 + cell.col).value
    with_bad = sum(i.report.value(cell.field) for i in items
                   if i.report is not None and i.report.format is F2021)
    only_ok = sum(i.report.value(cell.field) for i in items
                  if i.status == "ok" and i.report.format is F2021)
    assert got == only_ok != with_bad


def test_left_out_files_with_their_first_reason(book, items):
    ws = book["未纳入汇总"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    first_error = items[2].findings.errors[0].message
    assert rows[0][:3] == ("有错误.xlsx", "有错误的单位", "有错误")
    assert rows[0][3].startswith(first_error)
    assert rows[1] == ("损坏.xlsx", None, "无法读取", "损坏.xlsx:文件已损坏或不是有效的 Excel 工作簿")
    assert len(rows) == 2


def test_nothing_usable_still_gives_a_readable_workbook(tmp_path):
    path = tmp_path / "空.xlsx"
    write_summary([SummaryItem("x.xlsx", None, None, "unusable", "无法读取")], path)
    book = openpyxl.load_workbook(path)
    assert book["表三汇总"]["A4"].value == "没有检查通过的文件,无可汇总的数据。"
    assert book["未纳入汇总"]["D2"].value == "无法读取"


def test_rewrite_is_atomic_and_readable_by_others(items, tmp_path):
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(b"old")
    write_summary(items, path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "汇总"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]
    fresh = tmp_path / "新.xlsx"
    write_summary(items, fresh)
    assert fresh.stat().st_mode & 0o777 == 0o644, "not the owner-only mode of a temp file"


def test_collect_checks_real_files_and_keeps_going(tmp_path):
    from make_report.writers.xlsx_template import write_workbook

    good = consistent_report(F2021, seed=11, agency="合作市人民政府")
    write_workbook(F2021, tmp_path / "good.xlsx", good)
    bad = consistent_report(F2021, seed=12, agency="某局")
    bad.values["review_litigation.review.4"] += 1
    write_workbook(F2021, tmp_path / "bad.xlsx", bad)
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook")
    found = summary_items([tmp_path / n for n in ("good.xlsx", "bad.xlsx", "junk.xlsx")])
    assert [(i.source, i.status) for i in found] == [
        ("good.xlsx", "ok"), ("bad.xlsx", "errors"), ("junk.xlsx", "unusable")]
    assert found[0].report.values == good.values
    assert found[2].unusable_message and found[2].report is None
