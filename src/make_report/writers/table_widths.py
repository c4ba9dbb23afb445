"""Column widths of the official tables, shared by the Word and the web layouts.

Widths are in millimetres of the 156 mm type area (GB/T 9704); the Word writer turns
them into twips, the web page into percentages, so both show the same proportions.
"""

from __future__ import annotations

from make_report.core.grid import Grid
from make_report.core.spec import BlockTable, Table

TYPE_WIDTH_MM = 156
BLOCK_LABEL_MM = 44.0
"""Table 二: the 信息内容 column; the data columns share the rest."""
LABEL_MM = (11.0, 19.0, 34.0)
"""Table 三: the three label columns (outer group, (一)…, numbered items)."""


def label_mm(table: Table) -> list[float]:
    if isinstance(table, BlockTable):
        return [BLOCK_LABEL_MM]
    return list(LABEL_MM[-table.label_depth :]) if table.label_depth else []


def data_columns(table: Table, grid: Grid) -> int:
    return grid.n_cols - len(label_mm(table))


def column_mm(table: Table, grid: Grid) -> list[float]:
    """Wide label columns, equal narrow number columns, filling the type area."""
    labels = label_mm(table)
    n_data = data_columns(table, grid)
    return labels + [(TYPE_WIDTH_MM - sum(labels)) / n_data] * n_data
