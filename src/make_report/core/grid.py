"""An official table as a grid of cells with their merges.

The workbook, Word and HTML writers all lay out a table from this one grid, so the
merges (table 三's stacked row labels, table 四's grouped headers) are worked out once.
"""

from __future__ import annotations

from typing import Literal

from make_report.core.record import record
from make_report.core.spec import BlockTable, GridTable, Header, Table

CellRole = Literal["corner", "header", "label", "data"]


@record
class GridCell:
    row: int  # 0-based within the table
    col: int
    text: str
    role: CellRole
    rowspan: int = 1
    colspan: int = 1
    field: str | None = None  # interchange key of a data cell


@record
class Grid:
    cells: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    header_rows: int
    """Rows at the top repeated on every page."""

    def data_cells(self) -> list[GridCell]:
        return [c for c in self.cells if c.role == "data"]


def table_grid(table: Table) -> Grid:
    if isinstance(table, BlockTable):
        return _block_grid(table)
    return _matrix_grid(table)


def _block_grid(table: BlockTable) -> Grid:
    cells: list[GridCell] = []
    r = 0
    ncols = 1 + table.width
    for block in table.blocks:
        cells.append(GridCell(r, 0, block.title, "header", colspan=ncols))
        cells.append(GridCell(r + 1, 0, table.label_header, "header"))
        spans = _spread(len(block.columns), table.width)
        for col, (start, span) in zip(block.columns, spans, strict=True):
            cells.append(GridCell(r + 1, 1 + start, col.label, "header", colspan=span))
        r += 2
        single = len(block.columns) == 1
        for row in block.rows:
            cells.append(GridCell(r, 0, row.label, "label"))
            for col, (start, span) in zip(block.columns, spans, strict=True):
                key = f"{table.key}.{row.key}" + ("" if single else f".{col.key}")
                cells.append(GridCell(r, 1 + start, "", "data", colspan=span, field=key))
            r += 1
    return Grid(tuple(cells), r, ncols, header_rows=0)


def _spread(n: int, width: int) -> list[tuple[int, int]]:
    """n columns over width slots: one slot each, the last taking what is left."""
    return [(i, 1 if i < n - 1 else width - i) for i in range(n)]


def _matrix_grid(table: GridTable) -> Grid:
    depth = table.header_depth
    offset = table.label_depth
    cells: list[GridCell] = []
    if offset:
        cells.append(GridCell(0, 0, table.corner, "corner", rowspan=depth, colspan=offset))
    col = offset
    for node in table.header:
        col = _place_header(node, 0, col, depth, cells)
    for i, row in enumerate(table.rows):
        r = depth + i
        cells.extend(_row_labels(table, i, r))
        for j, leaf in enumerate(table.leaves):
            rk, ck = table.address(row, leaf)
            cells.append(GridCell(r, offset + j, "", "data", field=f"{table.key}.{rk}.{ck}"))
    return Grid(tuple(cells), depth + len(table.rows), offset + len(table.leaves), depth)


def _place_header(node: Header, level: int, col: int, depth: int, out: list[GridCell]) -> int:
    width = len(node.leaves())
    rowspan = 1 if node.children else depth - level
    out.append(GridCell(level, col, node.label, "header", rowspan=rowspan, colspan=width))
    child_col = col
    for child in node.children:
        child_col = _place_header(child, level + 1, child_col, depth, out)
    return col + width


def _row_labels(table: GridTable, i: int, r: int) -> list[GridCell]:
    """Label cells that start on row i: a group label spans its rows, the last one the width."""
    rows = table.rows
    path = rows[i].path
    out = []
    for level, text in enumerate(path):
        prefix = path[: level + 1]
        last = level == len(path) - 1
        if not last and i > 0 and rows[i - 1].path[: level + 1] == prefix:
            continue
        span = 1
        if not last:
            while i + span < len(rows) and rows[i + span].path[: level + 1] == prefix:
                span += 1
        colspan = table.label_depth - level if last else 1
        out.append(GridCell(r, level, text, "label", rowspan=span, colspan=colspan))
    return out
