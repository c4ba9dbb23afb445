"""The summary workbook: one line per file, each table summed, and what was left out.

Table sheets are laid out from ``grid.table_grid``, so the roll-up carries the official
labels and merges. Text from the collected workbooks is always written as text: an agency
named ``=HYPERLINK(...)`` must never become a live formula in the office's copy.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from make_report.checks.summary import (
    KEY_FIGURES,
    RATIO_COLUMNS,
    STATUS_ZH,
    Rollup,
    SummaryItem,
    figure_value,
    ratio_of,
    ratio_parts,
)
from make_report.checks.summary import rollups as make_rollups
from make_report.core.grid import GridCell, table_grid
from make_report.core.model import Value
from make_report.core.safe import visible
from make_report.core.spec import BlockTable, Format, Table
from make_report.formats import FORMATS
from make_report.writers import xlsx_style as st
from make_report.writers.atomic import atomic_output, save_through_memory

MAIN_SHEET = "汇总"
LEFT_OUT_SHEET = "未纳入汇总"
MAIN_HEADERS = ("文件", "机关名称", "报告年度", "格式", *(f.label for f in KEY_FIGURES),
                *RATIO_COLUMNS, "检查结果", "错误数", "警告数")
RATIO_FIRST_COL = 5 + len(KEY_FIGURES)
PERCENT = "0.0%"
LEFT_OUT_HEADERS = ("文件", "机关名称", "检查结果", "原因")
SEPARATE_NOTE = ("仅汇总检查通过的文件,同一机关同一年度只计一份;"
                 + "与".join(f.short_name for f in sorted(FORMATS.values(), key=lambda f: f.years[0]))
                 + "的表格不同,分别汇总;不同年度的报告也分别汇总。")
TABLE_FIRST_ROW = 4
"""Row of the first format heading on a table sheet (title and note above it)."""
GAP_ROWS = 2


def table_sheet_name(fmt: Format, table: str) -> str:
    """表二汇总 for table 二: named after the table's place in the report."""
    return f"{fmt.table_name(table)}汇总"


def write_summary_workbook(items: list[SummaryItem], path: Path) -> None:
    wb = Workbook()
    _main_sheet(wb.active, items)
    groups = make_rollups(items)
    first = next(iter(r.format for r in groups), None) or _any_format(items)
    for section in first.sections:
        if section.table:
            ws = wb.create_sheet(table_sheet_name(first, section.table))
            title = f"{first.table_name(section.table)} {section.heading}"
            _table_sheet(ws, section.table, title, groups)
    _left_out_sheet(wb.create_sheet(LEFT_OUT_SHEET), items)
    for ws in wb.worksheets:
        st.fit_page(ws, landscape=ws.title != LEFT_OUT_SHEET)
    with atomic_output(path) as tmp:
        save_through_memory(wb.save, tmp)


def _any_format(items: list[SummaryItem]) -> Format:
    """Which format lays out the table sheets when nothing could be summed."""
    return next((i.report.format for i in items if i.report), next(iter(FORMATS.values())))


def put_text(cell: Cell, text: str | None, font=st.TEXT) -> None:
    """Text stays text, whatever it starts with (= + - @ tab CR); a character that could
    disguise it (or that a workbook cannot hold), as in a file's name, is shown as \\uXXXX."""
    cell.value = "\r".join(visible(part) for part in text.split("\r")) if text else None
    if cell.value is not None:
        cell.data_type = "s"
    cell.font = font


def put_number(cell: Cell, value: Value | None) -> None:
    """A number Excel can add up; an amount shows exactly its own decimals."""
    cell.value = value
    if isinstance(value, Decimal):
        places = max(0, -int(value.as_tuple().exponent))
        cell.number_format = "0." + "0" * places if places else "0"
    cell.font = st.TEXT
    cell.alignment = st.CENTRE


def _header_row(ws: Worksheet, row: int, headers: tuple[str, ...]) -> None:
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row, col)
        put_text(cell, text, st.BOLD)
        cell.fill, cell.alignment, cell.border = st.HEADER_FILL, st.CENTRE, st.BORDER


def _main_sheet(ws: Worksheet, items: list[SummaryItem]) -> None:
    """One line per file, in the order given; the columns a sorter or filter can use."""
    ws.title = MAIN_SHEET
    _header_row(ws, 1, MAIN_HEADERS)
    for row, item in enumerate(items, 2):
        _main_row(ws, row, item)
    last = len(items) + 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(MAIN_HEADERS))}{last}"
    ws.freeze_panes = "C2"
    _total_row(ws, last + 1, items)
    widths = (24, 28, 9, 7, *(11,) * (len(KEY_FIGURES) + len(RATIO_COLUMNS)), 10, 7, 7)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 32


def _main_row(ws: Worksheet, row: int, item: SummaryItem) -> None:
    report, findings = item.report, item.findings
    put_text(ws.cell(row, 1), item.source)
    if report is not None:
        put_text(ws.cell(row, 2), report.agency)
        put_number(ws.cell(row, 3), report.year)
        put_text(ws.cell(row, 4), report.format.id)
        for col, fig in enumerate(KEY_FIGURES, 5):
            put_number(ws.cell(row, col), figure_value(report, fig))
        for col, name in enumerate(RATIO_COLUMNS, RATIO_FIRST_COL):
            put_ratio(ws.cell(row, col), ratio_of([ratio_parts(report, name)]))
    col = RATIO_FIRST_COL + len(RATIO_COLUMNS)
    put_text(ws.cell(row, col), STATUS_ZH[item.status])
    if findings is not None:
        put_number(ws.cell(row, col + 1), len(findings.errors))
        put_number(ws.cell(row, col + 2), len(findings.warnings))
    for c in range(1, len(MAIN_HEADERS) + 1):
        ws.cell(row, c).border = st.BORDER


def _total_row(ws: Worksheet, row: int, items: list[SummaryItem]) -> None:
    """Key figures summed over the included files only, one line per report year (years
    are never added together), as numbers (no formulas to go stale)."""
    included = [i.report for i in items if i.included and i.report is not None]
    years = sorted({r.year for r in included}, reverse=True)
    if not years:
        put_text(ws.cell(row, 1), "合计(没有检查通过的文件)", st.BOLD)
    for line, year in enumerate(years, row):
        reports = [r for r in included if r.year == year]
        put_text(ws.cell(line, 1), f"{year}年合计(仅含检查通过的{len(reports)}个文件)", st.BOLD)
        for col, fig in enumerate(KEY_FIGURES, 5):
            values = [v for r in reports if (v := figure_value(r, fig)) is not None]
            put_number(ws.cell(line, col), sum(values[1:], values[0]) if values else None)
            ws.cell(line, col).font = st.BOLD
        for col, name in enumerate(RATIO_COLUMNS, RATIO_FIRST_COL):
            put_ratio(ws.cell(line, col), ratio_of(ratio_parts(r, name) for r in reports))
            ws.cell(line, col).font = st.BOLD


def put_ratio(cell: Cell, value: Decimal | None) -> None:
    """A ratio as a percentage Excel can sort; blank when there was nothing to divide by."""
    put_number(cell, None if value is None else round(value, 4))
    cell.number_format = PERCENT


def _table_sheet(ws: Worksheet, table_key: str, title: str, groups: list[Rollup]) -> None:
    """Each format's roll-up under its own heading, the official grid below it."""
    put_text(ws.cell(1, 1), f"{title}(汇总)", st.TITLE)
    put_text(ws.cell(2, 1), SEPARATE_NOTE, st.NOTE)
    row = TABLE_FIRST_ROW
    if not groups:
        put_text(ws.cell(row, 1), "没有检查通过的文件,无可汇总的数据。")
    for group in groups:
        table = group.format.table(table_key)
        put_text(ws.cell(row, 1), format_heading(group), st.BOLD)
        row = _paint_grid(ws, table, group, row + 1) + GAP_ROWS
    _widths(ws, groups, table_key)
    st.fit_rows(ws, TABLE_FIRST_ROW)


def format_heading(group: Rollup) -> str:
    """What a roll-up covers: the format, how many files, which years."""
    return f"{group.format.name}:{len(group.sources)}个文件,报告年度 {group.year}"


def _paint_grid(ws: Worksheet, table: Table, group: Rollup, top: int) -> int:
    """The grid with its merges, sums in the data cells; returns the row after it."""
    grid = table_grid(table)
    for gc in grid.cells:
        _paint_cell(ws, gc, top, group)
        if gc.rowspan > 1 or gc.colspan > 1:
            ws.merge_cells(start_row=top + gc.row, start_column=1 + gc.col,
                           end_row=top + gc.row + gc.rowspan - 1,
                           end_column=gc.col + gc.colspan)
    for r in range(top, top + grid.n_rows):
        for c in range(1, grid.n_cols + 1):
            ws.cell(r, c).border = st.BORDER
    return top + grid.n_rows


def _paint_cell(ws: Worksheet, gc: GridCell, top: int, group: Rollup) -> None:
    cell = ws.cell(top + gc.row, 1 + gc.col)
    if gc.role == "data" and gc.field:
        put_number(cell, group.values[gc.field])
        return
    put_text(cell, gc.text, st.BOLD if gc.role == "header" else st.TEXT)
    single_label = gc.role == "label" and gc.rowspan == 1
    cell.alignment = st.MIDDLE if single_label else st.CENTRE
    cell.fill = st.HEADER_FILL if gc.role in ("header", "corner") else st.LABEL_FILL


def _widths(ws: Worksheet, groups: list[Rollup], table_key: str) -> None:
    """Wide label columns, narrow number columns, as in the standard workbook."""
    if not groups:
        ws.column_dimensions["A"].width = 40
        return
    table = groups[0].format.table(table_key)
    if isinstance(table, BlockTable):
        labels: tuple[float, ...] = (26,)
    else:
        labels = (8, 14, 34)[3 - table.label_depth :] if table.label_depth else ()
    n_cols = table_grid(table).n_cols
    for col in range(1, n_cols + 1):
        width = labels[col - 1] if col <= len(labels) else (16 if labels == (26,) else 10)
        ws.column_dimensions[get_column_letter(col)].width = width


def _left_out_sheet(ws: Worksheet, items: list[SummaryItem]) -> None:
    """Every file not summed, with the first reason, so the office knows whom to call."""
    _header_row(ws, 1, LEFT_OUT_HEADERS)
    left_out = [i for i in items if not i.included]
    for row, item in enumerate(left_out, 2):
        put_text(ws.cell(row, 1), item.source)
        put_text(ws.cell(row, 2), item.report.agency if item.report else None)
        put_text(ws.cell(row, 3), STATUS_ZH[item.status])
        put_text(ws.cell(row, 4), item.reason)
        for c in range(1, 5):
            ws.cell(row, c).border = st.BORDER
            ws.cell(row, c).alignment = st.WRAP
    if not left_out:
        put_text(ws.cell(2, 1), "全部文件均已纳入汇总。")
    for col, width in zip("ABCD", (24, 28, 10, 80), strict=True):
        ws.column_dimensions[col].width = width
    st.fit_rows(ws, 2)
