"""Rules across two years' reports: what last year carried over must arrive this year.

Y1 (error): this year's 二、上年结转 equals last year's 四、结转下年度继续办理, column by
column. Y2 (warning, 2021 format both years): 现行有效件数 equals last year's plus this
year's 制发 minus 废止, for 规章 and 行政规范性文件 (definitions vary between offices).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from make_report.findings import Finding, Location, place
from make_report.model import Report
from make_report.spec import BlockTable, Field

CARRIED_FROM = "carried_from_last_year"
CARRIED_TO = "carried_to_next_year"
STOCK = ("issued", "abolished", "in_force")
"""Column keys of a block where 现行有效 = 上年现行有效 + 制发 − 废止."""


def check_years(report: Report, previous: Report,
                cells: Mapping[str, Location] | None = None, *,
                unknown: Collection[str] = ()) -> list[Finding]:
    """Y1 and Y2 of ``report`` against the year before (nothing for any other pair of
    years); ``unknown`` keys (cells an import could not read) are not judged."""
    if previous.year != report.year - 1:
        return []
    return [*carried_over(report, previous, cells, unknown),
            *stock(report, previous, cells, unknown)]


def carried_over(report: Report, previous: Report, cells: Mapping[str, Location] | None,
                 unknown: Collection[str] = ()) -> Iterator[Finding]:
    """Y1: each column of 上年结转 against last year's 结转下年度继续办理."""
    fields = report.format.field_map
    last = previous.format.field_map
    for f in report.format.fields:
        if f.table != "applications" or f.row != CARRIED_FROM:
            continue
        source = f"{f.table}.{CARRIED_TO}.{f.column}"
        if source not in last or {f.key, source} & set(unknown):
            continue
        expected, found = previous.value(source), report.value(f.key)
        if expected == found:
            continue
        prefix, sheet, addr = place([f.key], cells, fields[f.key].label,
                                    report.format.table_name(f.table))
        msg = f"{prefix} 应为 {expected}(上年报告“{last[source].row_label}”),实为 {found}"
        yield Finding("Y1", "error", msg, f.table, f.row, _column(f), (f.key, source),
                      sheet, addr, expected, found)


def stock(report: Report, previous: Report, cells: Mapping[str, Location] | None,
          unknown: Collection[str] = ()) -> Iterator[Finding]:
    """Y2: 现行有效件数 carried forward by this year's issued and abolished documents."""
    last = previous.format.field_map
    for row, keys in _stock_rows(report):
        issued, abolished, in_force = keys
        before = in_force.key
        if before not in last or {before, *(k.key for k in keys)} & set(unknown):
            continue
        expected = previous.value(before) + report.value(issued.key) - report.value(abolished.key)
        found = report.value(in_force.key)
        if expected == found:
            continue
        prefix, sheet, addr = place([in_force.key], cells, in_force.label,
                                    report.format.table_name(in_force.table))
        msg = (f"{prefix} 应为 {expected}(上年{in_force.column_label} {previous.value(before)}"
               f" + {issued.column_label} {report.value(issued.key)}"
               f" − {abolished.column_label} {report.value(abolished.key)}),实为 {found}")
        yield Finding("Y2", "warning", msg, in_force.table, row, in_force.column,
                      tuple(k.key for k in keys), sheet, addr, expected, found)


def _stock_rows(report: Report) -> Iterator[tuple[str, tuple[Field, Field, Field]]]:
    """Rows of table 二 whose block has the issued/abolished/in-force columns."""
    fields = report.format.field_map
    for table in report.format.tables:
        if not isinstance(table, BlockTable):
            continue
        for block in table.blocks:
            if tuple(c.key for c in block.columns) != STOCK:
                continue
            for row in block.rows:
                keys = tuple(fields[f"{table.key}.{row.key}.{c}"] for c in STOCK)
                yield row.key, keys  # type: ignore[misc]


def _column(f: Field) -> int | str | None:
    return int(f.column) if f.column is not None and f.column.isdigit() else f.column
