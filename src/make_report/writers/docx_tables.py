"""The official tables as real Word tables, laid out from ``grid.table_grid``.

The grid already knows every merge, so this module only paints it, building each row
once as OOXML (never ``table.cell(r, c)``, which rescans the table on every call).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from make_report.core.grid import Grid, GridCell, table_grid
from make_report.core.model import Report, format_value
from make_report.core.record import record
from make_report.core.spec import BlockTable, Table
from make_report.writers import ooxml, ooxml_table
from make_report.writers.ooxml import W, qn
from make_report.writers.ooxml_table import VMerge
from make_report.writers.table_widths import TYPE_WIDTH_MM, column_mm, data_columns

if TYPE_CHECKING:
    from docx.document import Document

SMALL_FROM_COLUMNS = 12
"""Tables with this many data columns (table 四: 15) use the smaller table style."""
ROW_MM = (6.5, 5.5)
"""Minimum row height of short and of long tables, so one-line rows are not cramped."""
KEEP_TOGETHER_ROWS = 20
"""Tables this short (二, 四) are kept on one page rather than split after a row or two."""


@record
class TableLayout:
    widths: tuple[int, ...]  # twips per grid column
    style: str
    cell_margin: int  # twips, left and right


def layout_for(table: Table, grid: Grid) -> TableLayout:
    """Column widths within the 156 mm type area, wide label columns, narrow numbers."""
    mm = column_mm(table, grid)
    small = data_columns(table, grid) >= SMALL_FROM_COLUMNS
    widths = [ooxml.twips(w) for w in mm]
    widths[-1] += ooxml.twips(TYPE_WIDTH_MM) - sum(widths)
    margin = 108 if isinstance(table, BlockTable) else (28 if small else 57)
    return TableLayout(tuple(widths), "表格小字" if small else "表格", margin)


def add_table(doc: Document, table: Table, report: Report, style_ids: dict[str, str]) -> None:
    """Append one official table with its merges, borders and repeated header rows."""
    tbl = filled_table(table, report, style_ids)
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is None:
        body.append(tbl)
    else:
        sect_pr.addprevious(tbl)


_SKELETONS: dict[tuple[int, frozenset], tuple[Table, etree._Element, tuple[str | None, ...]]] = {}


def filled_table(table: Table, report: Report, style_ids: dict[str, str]) -> etree._Element:
    """A copy of the table's skeleton with the report's numbers written in."""
    skeleton, fields = table_skeleton(table, style_ids)
    return write_values(copy.deepcopy(skeleton), fields,
                        [format_value(report.value(f)) for f in fields if f])


def table_skeleton(table: Table, style_ids: dict[str, str]
                   ) -> tuple[etree._Element, tuple[str | None, ...]]:
    """The table's w:tbl without its numbers, and per w:tc the field it shows (None for a
    label, a header or a merged-on cell).

    Labels, merges and widths depend only on the format, so the skeleton is built once
    per process (held with its table, so a recycled ``id`` never finds another's); a
    report only adds ~300 text runs to a copy of it.
    """
    key = (id(table), frozenset(style_ids.items()))
    held = _SKELETONS.get(key)
    if held is None or held[0] is not table:
        grid = table_grid(table)
        layout = layout_for(table, grid)
        held = _SKELETONS[key] = (
            table, build_table(grid, layout, None, style_ids[layout.style]),
            tuple(cell.field if vmerge != "continue" else None
                  for slots in _row_slots(grid) for cell, vmerge in slots))
    return held[1], held[2]


def write_values(tbl: etree._Element, fields: tuple[str | None, ...],
                 texts: list[str]) -> etree._Element:
    """Each data cell of a skeleton's copy gets its text as one run, in order."""
    values = iter(texts)
    for tc, field in zip(tbl.iter(W + "tc"), fields, strict=True):
        if field:
            run = etree.SubElement(tc.find(W + "p"), W + "r")
            etree.SubElement(run, W + "t").text = next(values)
    return tbl


def build_table(grid: Grid, layout: TableLayout, report: Report | None, style_id: str):
    """The w:tbl of a grid: each row built once, merged cells carrying their spans; data
    cells stay empty without a report."""
    tbl = ooxml_table.new_table(layout.widths, layout.cell_margin)
    together = grid.n_rows <= KEEP_TOGETHER_ROWS
    height = ooxml.twips(ROW_MM[0] if together else ROW_MM[1])
    keep = kept_with_next(grid)
    for r, slots in enumerate(_row_slots(grid)):
        tr = ooxml_table.add_row(tbl, header=r < grid.header_rows, min_height=height)
        for cell, vmerge in slots:
            text = "" if vmerge == "continue" else _text(cell, report)
            align = "left" if cell.role == "label" and cell.rowspan == 1 else None
            ooxml_table.add_cell(tr, sum(layout.widths[cell.col : cell.col + cell.colspan]), text,
                                 style=style_id, colspan=cell.colspan, vmerge=vmerge,
                                 align=align, keep_next=keep[r],
                                 valign="top" if _long_label(cell) else "center")
    return tbl


def kept_with_next(grid: Grid) -> list[bool]:
    """Per row, whether it stays on the page of the next row (w:keepNext in its cells).

    A short table (二, 四) is kept whole. A long one (三) never breaks inside a group: the
    top block (header rows down to the end of the first inner group, so that the outer
    label 三、本年度办理结果 starts with rows enough to hold its text) and each group of
    numbered items under a label such as （三）不予公开 stay together.
    """
    if grid.n_rows <= KEEP_TOGETHER_ROWS:
        return [r < grid.n_rows - 1 for r in range(grid.n_rows)]
    keep = [False] * grid.n_rows
    groups = sorted((c.row, c.row + c.rowspan - 1) for c in grid.cells
                    if c.role == "label" and c.col > 0 and c.rowspan > 1)
    top_end = groups[0][1] if groups else grid.header_rows
    for r in range(top_end):
        keep[r] = True
    for first, last in groups:
        for r in range(first, last):
            keep[r] = True
    return keep


def _long_label(cell: GridCell) -> bool:
    """A label spanning rows reads from its top, so a page break never strands its text."""
    return cell.role == "label" and cell.rowspan > 1


def _row_slots(grid: Grid) -> list[list[tuple[GridCell, VMerge]]]:
    """Per row, the cells that occupy it left to right; a row-spanning cell appears in each
    of its rows (first "restart", then "continue")."""
    rows: list[list[tuple[GridCell, VMerge]]] = [[] for _ in range(grid.n_rows)]
    for cell in grid.cells:
        for dr in range(cell.rowspan):
            vmerge = None if cell.rowspan == 1 else ("restart" if dr == 0 else "continue")
            rows[cell.row + dr].append((cell, vmerge))
    for r, slots in enumerate(rows):
        slots.sort(key=lambda slot: slot[0].col)
        if sum(cell.colspan for cell, _ in slots) != grid.n_cols:
            raise ValueError(f"table grid row {r} does not cover {grid.n_cols} columns")
    return rows


def _text(cell: GridCell, report: Report | None) -> str:
    if cell.field:
        return format_value(report.value(cell.field)) if report else ""
    return cell.text
