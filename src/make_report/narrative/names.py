"""The names a narrative template can use for table values, derived from the format.

Chinese names come from the official labels with ordinals and qualifiers cut off
(``一、本年新收政府信息公开申请数量`` -> ``本年新收``), so a template reads like the table;
English names mirror the interchange JSON. Nothing here is a hand list of rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from make_report.core.model import Report
from make_report.core.spec import BlockTable, Format, GridTable, Header, Row, Table

TOTAL = "总计"
_ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])")
_QUALIFIER = re.compile(r"[(（][^()（）]*[)）]")


class Names(dict):
    """A level of the render context; ``path`` names it in error messages."""

    def __init__(self, path: str, items: Iterable[tuple[str, object]] = ()) -> None:
        super().__init__(items)
        self.path = path

    def child(self, name: str) -> Names:
        """The sub-level ``name``, created on first use."""
        if name not in self:
            self[name] = Names(f"{self.path}.{name}" if self.path else name)
        return self[name]


class NameList(list):
    """A row of numbered columns (applications.new_received[6]); ``path`` for messages."""

    def __init__(self, path: str, items: Iterable[object] = ()) -> None:
        super().__init__(items)
        self.path = path


@lru_cache(maxsize=4096)
def short_name(label: str, suffix: str = "") -> str:
    """本年新收 for 一、本年新收政府信息公开申请数量 (the table's ``label_suffix`` cut off);
    部分公开 for (二)部分公开(区分处理的...). Kept once worked out: every report names the
    same few hundred labels of its format (~0.5 ms a report otherwise)."""
    name = _QUALIFIER.sub("", _ORDINAL.sub("", label)).strip()
    return name.removesuffix(suffix) or name


def chinese_tables(fmt: Format, values: dict[str, object]) -> dict[str, Names]:
    """依申请.本年新收.总计 and friends: every table value under its short Chinese names,
    the table named by its section's ``short_name``."""
    out = {}
    table_names = {s.table: s.short_name for s in fmt.sections if s.table and s.short_name}
    for table in fmt.tables:
        names = Names(table_names.get(table.key, table.key))
        for field in table.fields:
            row = short_name(field.row_label, table.label_suffix)
            value = values[field.key]
            if field.column is None:
                names[row] = value
            else:
                names.child(row)[short_name(field.column_label)] = value
        _add_column_groups(table, names)
        _add_row_groups(table, names)
        _add_aliases(table, names)
        out[names.path] = names
    return out


def english_tables(fmt: Format, values: dict[str, object]) -> dict[str, Names]:
    """applications.new_received[6]: the interchange shape (lists for numbered columns)."""
    out = {}
    for table in fmt.tables:
        names = Names(table.key)
        for field in table.fields:
            if field.column is None:
                names[field.row] = values[field.key]
            else:
                names.child(field.row)[field.column] = values[field.key]
        for key, row in list(names.items()):
            if isinstance(row, Names) and all(c.isdigit() for c in row):
                names[key] = NameList(row.path, [row[c] for c in sorted(row, key=int)])
        out[table.key] = names
    return out


def _add_column_groups(table: Table, names: Names) -> None:
    """法人或其他组织 = 商业企业 + ... + 其他, for header groups without their own total."""
    if not isinstance(table, GridTable) or any("." in (leaf.key or "") for leaf in table.leaves):
        return
    for group in _header_groups(table.header):
        parts = [short_name(leaf.label) for leaf in group.leaves()]
        if TOTAL in parts:
            continue
        for row in names.values():
            if isinstance(row, Names):
                row[short_name(group.label)] = _sum(row[p] for p in parts)


def _header_groups(nodes: tuple[Header, ...]) -> list[Header]:
    out = []
    for node in nodes:
        if node.children:
            out.append(node)
            out.extend(_header_groups(node.children))
    return out


def _add_row_groups(table: Table, names: Names) -> None:
    """不予公开 = its numbered rows, 行政诉讼 = both kinds of lawsuit, column by column."""
    rows = _logical_rows(table)
    groups: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        for depth in range(1, len(row.path)):
            groups.setdefault(row.path[:depth], []).append(
                short_name(row.label, table.label_suffix))
    for prefix, members in groups.items():
        name = short_name(prefix[-1], table.label_suffix)
        if TOTAL in members or name in names or not isinstance(names.get(members[0]), Names):
            continue
        group = names.child(name)
        for column in names[members[0]]:
            group[column] = _sum(names[m][column] for m in members)


def _logical_rows(table: Table) -> tuple[Row, ...]:
    if isinstance(table, BlockTable):
        return tuple(row for block in table.blocks for row in block.rows)
    return table.logical_rows or table.rows


def _add_aliases(table: Table, names: Names) -> None:
    """Extra names the format gives for labels too long to type (直接起诉)."""
    for long, short in table.aliases:
        if long in names and short not in names:
            names[short] = names[long]


def _sum(values: Iterable[object]) -> int | Decimal:
    total: int | Decimal = 0
    for value in values:
        total += value  # type: ignore[operator]
    return total


def render_context(report: Report) -> Names:
    """Everything a template can name: tables in Chinese and English, agency and year."""
    values = {f.key: report.value(f.key) for f in report.format.fields}
    ctx = Names("")
    ctx.update(chinese_tables(report.format, values))
    ctx.update(english_tables(report.format, values))
    ctx["values"] = Names("values", values.items())
    for names, value in ((("机关名称", "agency"), report.agency),
                         (("报告年度", "年度", "year"), report.year)):
        for name in names:
            ctx[name] = value
    return ctx
