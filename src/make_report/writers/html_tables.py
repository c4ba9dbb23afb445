"""The official tables as accessible HTML tables, laid out from ``grid.table_grid``.

The grid already knows every merge; this module only turns each grid cell into a ``th`` or
``td`` with its ``rowspan``/``colspan`` and a ``scope`` a screen reader can follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from itertools import pairwise

from make_report.core.grid import Grid, GridCell, table_grid
from make_report.core.model import Report, format_value
from make_report.core.spec import BlockTable, Table
from make_report.writers.table_widths import TYPE_WIDTH_MM, column_mm

TABLE_STYLE = ("width:100%;border-collapse:collapse;table-layout:fixed;"
               "font-family:SimSun,'宋体',serif;line-height:1.4")
CELL_STYLE = "border:1px solid #000;padding:.3em .2em;vertical-align:middle;font-weight:normal"
HIDDEN = ("position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
          "white-space:nowrap")
"""The caption is for screen readers only (the section heading above says the same)."""


def table_html(table: Table, report: Report, caption: str) -> str:
    """One official table, wrapped so a narrow screen scrolls it instead of squeezing it.

    Borders and padding are also attributes and inline styles: a website's content system
    that strips ``<style>`` still shows a ruled table.
    """
    grid = table_grid(table)
    kind = "mr-block" if isinstance(table, BlockTable) else "mr-grid"
    parts = [f'<div class="mr-table" style="overflow-x:auto">'
             f'<table class="{kind}" border="1" cellspacing="0" cellpadding="4" '
             f'style="{TABLE_STYLE}">',
             f'<caption class="mr-caption" style="{HIDDEN}">{escape(caption)}</caption>',
             _colgroup(table, grid)]
    parts.extend(_sections(table, grid, report))
    parts.append("</table></div>")
    return "\n".join(parts)


def _colgroup(table: Table, grid: Grid) -> str:
    """The Word tables' proportions, so numbers get equal columns and labels room."""
    shares = [w / TYPE_WIDTH_MM * 100 for w in column_mm(table, grid)]
    cols = "".join(f'<col style="width:{w:.2f}%">' for w in shares)
    return f"<colgroup>{cols}</colgroup>"


def _sections(table: Table, grid: Grid, report: Report) -> Iterator[str]:
    """``thead`` + ``tbody`` for a matrix; one ``tbody`` per block of table 二."""
    rows = _rows(grid)
    if isinstance(table, BlockTable):
        starts = [c.row for c in grid.cells if c.role == "header" and c.colspan == grid.n_cols]
        bounds = [*starts, grid.n_rows]
        for first, end in pairwise(bounds):
            yield _group("tbody", rows[first:end], report, grid.n_cols)
        return
    if grid.header_rows:
        yield _group("thead", rows[: grid.header_rows], report, 2)
    yield _group("tbody", rows[grid.header_rows :], report, 2)


def _rows(grid: Grid) -> list[list[GridCell]]:
    """Grid cells by the row they start on, left to right."""
    rows: list[list[GridCell]] = [[] for _ in range(grid.n_rows)]
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def _group(tag: str, rows: list[list[GridCell]], report: Report, width: int) -> str:
    body = "\n".join("<tr>" + "".join(_cell(c, report, width) for c in row) + "</tr>"
                     for row in rows)
    return f"<{tag}>\n{body}\n</{tag}>"


def _cell(cell: GridCell, report: Report, width: int) -> str:
    spans = _spans(cell)
    if cell.role == "data":
        text = format_value(report.value(cell.field)) if cell.field else ""
        return f'<td class="mr-num"{spans} style="{_cell_style(cell)}">{escape(text)}</td>'
    scope, css = _scope(cell, width)
    return (f'<th scope="{scope}"{css}{spans} style="{_cell_style(cell)}">'
            f"{escape(cell.text)}</th>")


def _cell_style(cell: GridCell) -> str:
    """Borders, padding and alignment inline (see ``table_html``); labels of one row read
    from the left, labels spanning rows from the top, as in the Word table."""
    if cell.role == "label" and cell.rowspan > 1:
        return CELL_STYLE.replace("middle", "top") + ";text-align:center"
    align = "left" if cell.role == "label" else "center"
    return f"{CELL_STYLE};text-align:{align}"


def _scope(cell: GridCell, width: int) -> tuple[str, str]:
    """Header cells name columns, label cells rows; spanning several of them makes a group.

    ``width`` is how many columns a header must span to head a group: table 二 stretches a
    block's last column over the spare slots, which is still one column, so there only the
    block title (spanning the whole table) is a group.
    """
    if cell.role == "label":
        if cell.rowspan > 1:
            return "rowgroup", ' class="mr-group"'
        return "row", ' class="mr-label"'
    return ("colgroup" if cell.colspan >= width else "col"), ""


def _spans(cell: GridCell) -> str:
    out = ""
    if cell.rowspan > 1:
        out += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}"'
    return out
