"""The standard workbook: the form staff fill in, blank or pre-filled from a report.

Everything is placed by ``layout.workbook_layout``, which the reader uses too, so a
workbook written here always reads back cell for cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from make_report.core.layout import (
    IMPORT_NOTE_LABEL,
    IMPORT_NOTE_ROW,
    META_FIRST_ROW,
    META_HINT,
    META_ROWS,
    NARRATIVE_FIRST_ROW,
    NARRATIVE_HEADERS,
    WorkbookLayout,
    workbook_layout,
)
from make_report.core.model import Entry, Report
from make_report.core.spec import REPORT_TITLE, Format, Section
from make_report.formats import FORMATS, first_year, last_year
from make_report.writers import xlsx_style as st
from make_report.writers.atomic import atomic_output, save_through_memory
from make_report.writers.xlsx_tables import write_table_sheet

META_HEADERS = ("项目", "填写内容", "说明")
SPARE_ROWS = 200
"""Unlocked rows left under the narrative so staff can write more than the topics offered."""
OPEN_END_YEAR = 2100
"""The last year the workbook accepts while a format has no end year."""


def write_workbook(fmt: Format, path: str | Path, report: Report | None = None,
                   unread: Sequence[str] = (), doubts: Sequence[str] = (),
                   exclusive: bool = False) -> None:
    """Write the standard workbook for ``fmt``, filled from ``report`` when given.
    ``unread``: cells an import could not read; they stay empty (no total formula either)
    and 基本信息 names them, so checking the workbook cannot pass until they are filled.
    ``doubts``: sentences on what else the import could not place (numbers left over)."""
    if report is not None and report.format.id != fmt.id:
        raise ValueError(f"报告格式 {report.format.id} 与工作簿格式 {fmt.id} 不一致")
    layout = workbook_layout(fmt)
    wb = Workbook()
    meta = wb.active
    meta.title = fmt.meta_sheet
    _meta_sheet(meta, fmt, layout.meta_cells, report)
    for section in fmt.sections:
        ws = wb.create_sheet(section.sheet)
        if section.table:
            write_table_sheet(ws, fmt, layout.tables[section.table], report)
        else:
            _narrative_sheet(ws, section, _entries(section, report))
    if unread or doubts:
        _mark_unread(wb, meta, layout, unread, doubts)
    wb.properties.title = report.title if report else meta_title(fmt)
    wb.properties.creator = "make-report"
    with atomic_output(Path(path), exclusive) as tmp:  # exclusive: never over a new file
        save_through_memory(wb.save, tmp)


def _mark_unread(wb: Workbook, meta: Worksheet, layout: WorkbookLayout,
                 unread: Sequence[str], doubts: Sequence[str]) -> None:
    where = layout.field_cells
    places = [where[k] for k in unread if k in where]
    for sheet, address in places:
        wb[sheet][address].value = None
    _label(meta.cell(IMPORT_NOTE_ROW, 1), IMPORT_NOTE_LABEL)
    cell = meta.cell(IMPORT_NOTE_ROW, 2)
    _input(cell, ";".join([*(f"{s}!{a}" for s, a in places), *doubts]))
    cell.alignment = st.MIDDLE
    st.set_text(meta.cell(IMPORT_NOTE_ROW, 3), "导入时这些单元格未能读出,留空(不是 0)。"
                "请对照原报告补填,然后清空本行", st.NOTE)
    meta.cell(IMPORT_NOTE_ROW, 3).alignment = st.MIDDLE


def meta_title(fmt: Format) -> str:
    """政府信息公开工作年度报告 基本信息: what the first sheet and a blank workbook are called."""
    return f"{REPORT_TITLE} {fmt.meta_sheet}"


def _meta_sheet(ws: Worksheet, fmt: Format, cells: dict[str, str],
                report: Report | None) -> None:
    """Agency, year and the other lines of the report that are not tables."""
    for letter, width in zip("ABC", (18, 44, 52), strict=True):
        ws.column_dimensions[letter].width = width
    st.set_text(ws["A1"], meta_title(fmt), st.TITLE)
    st.set_text(ws["A2"], META_HINT, st.NOTE)
    ws["A2"].alignment = st.MIDDLE
    ws.merge_cells("A2:C2")
    for col, text in enumerate(META_HEADERS, start=1):
        _header(ws.cell(META_FIRST_ROW - 1, col), text)
    values = _meta_values(fmt, report)
    for i, (key, label, hint) in enumerate(META_ROWS):
        row = META_FIRST_ROW + i
        _label(ws.cell(row, 1), label)
        _input(ws[cells[key]], values.get(key))
        hint_cell = ws.cell(row, 3)
        st.set_text(hint_cell, hint, st.NOTE)
        hint_cell.alignment = st.MIDDLE
        hint_cell.border = st.BORDER
    ws[cells["date"]].number_format = st.DATE_FORMAT
    ws[cells["date"]].alignment = st.MIDDLE
    _meta_validations(ws, cells)
    st.fit_page(ws, landscape=True)
    st.fit_rows(ws)
    st.protect(ws)


def _meta_values(fmt: Format, report: Report | None) -> dict[str, object]:
    """The format id is the tool's to write, so it is there even in a blank workbook."""
    if report is None:
        return {"format": fmt.id}
    return {"agency": report.agency, "year": report.year, "format": fmt.id,
            "date": report.date, "lead": report.lead, "contact": report.contact}


def _meta_validations(ws: Worksheet, cells: dict[str, str]) -> None:
    """The years some format covers and the format ids, as drop-down and range checks."""
    first, last = first_year(), last_year() or OPEN_END_YEAR
    year = DataValidation("whole", operator="between", formula1=str(first), formula2=str(last),
                          allow_blank=True, showErrorMessage=True, errorTitle="年度有误",
                          error=f"请填写{first}至{last}之间的四位年份,如 2024。")
    year.add(cells["year"])
    fmt = DataValidation("list", formula1=f'"{",".join(FORMATS)}"', allow_blank=True,
                         showErrorMessage=True, errorTitle="格式有误",
                         error=f"报告格式只能是{'或'.join(FORMATS)}。")
    fmt.add(cells["format"])
    ws.add_data_validation(year)
    ws.add_data_validation(fmt)


def _header(cell: Cell, text: str) -> None:
    st.set_text(cell, text, st.BOLD)
    cell.fill = st.HEADER_FILL
    cell.alignment = st.CENTRE
    cell.border = st.BORDER


def _label(cell: Cell, text: str) -> None:
    st.set_text(cell, text, st.BOLD)
    cell.fill = st.LABEL_FILL
    cell.alignment = st.MIDDLE
    cell.border = st.BORDER


def _input(cell: Cell, value: object) -> None:
    if isinstance(value, str):
        st.set_text(cell, value)  # "" leaves the cell empty
    else:
        cell.value = value
        cell.font = st.TEXT
    cell.alignment = st.MIDDLE
    cell.border = st.BORDER
    st.style_input(cell)


def _entries(section: Section, report: Report | None) -> list[Entry]:
    """The report's entries; where it has none (a blank form, or a report with agency and
    year only), one empty entry per heading the format offers, so the clerk fills in
    paragraphs under the official structure instead of inventing it. Headings left
    without a paragraph do not reach the report."""
    entries = report.narrative.get(section.key, []) if report is not None else []
    return entries or [Entry(topic) for topic in section.topics]


def _narrative_sheet(ws: Worksheet, section: Section, entries: list[Entry]) -> None:
    """One row per paragraph, the heading beside its first paragraph."""
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 90
    st.set_text(ws["A1"], section.title, st.TITLE)
    st.set_text(ws["A2"], section.instruction, st.NOTE)
    ws["A2"].alignment = st.MIDDLE
    ws.merge_cells("A2:B2")
    for col, text in enumerate(NARRATIVE_HEADERS, start=1):
        _header(ws.cell(NARRATIVE_FIRST_ROW - 1, col), text)
    row = NARRATIVE_FIRST_ROW
    for entry in entries:
        _narrative_cell(ws.cell(row, 1), entry.heading or "")
        for i, paragraph in enumerate(entry.paragraphs or [""]):
            if i:
                _narrative_cell(ws.cell(row, 1), "")
            _narrative_cell(ws.cell(row, 2), paragraph)
            row += 1
    for spare in range(row, row + SPARE_ROWS):
        _narrative_cell(ws.cell(spare, 1), "")
        _narrative_cell(ws.cell(spare, 2), "")
    ws.freeze_panes = f"A{NARRATIVE_FIRST_ROW}"
    st.fit_page(ws)
    st.fit_rows(ws)
    st.protect(ws, insert_rows=True)


def _narrative_cell(cell: Cell, text: str) -> None:
    if text:
        st.set_text(cell, text)
    else:
        cell.font = st.TEXT
    cell.alignment = st.WRAP
    cell.border = st.BORDER
    st.style_input(cell)
