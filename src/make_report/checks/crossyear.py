"""Rules across two years' reports: what last year carried over must arrive this year.

The rules are data (``Format.year_rules``): each cell this year equals a cell of last
year's report, plus and minus cells of this year's. This module evaluates them and words
the result. In the 2021 format, Y1 (error) carries 四、结转下年度继续办理 to 二、上年结转
and Y2 (warning) carries 现行有效件数 by 制发 and 废止; the 2019 format has only Y1.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from make_report.core.findings import Finding, Location, place
from make_report.core.model import Report
from make_report.core.spec import Carry, Field, YearRule
from make_report.rules import finding


def check_years(report: Report, previous: Report,
                cells: Mapping[str, Location] | None = None, *,
                unknown: Collection[str] = ()) -> list[Finding]:
    """This year's format's year rules against the year before (nothing for any other pair
    of years); ``unknown`` keys (cells an import could not read) are not judged."""
    if previous.year != report.year - 1:
        return []
    return [found for rule in report.format.year_rules
            for found in check_rule(rule, report, previous, cells, unknown)]


def check_rule(rule: YearRule, report: Report, previous: Report,
               cells: Mapping[str, Location] | None,
               unknown: Collection[str] = ()) -> Iterator[Finding]:
    """Every carry of ``rule`` whose cell last year's format has too."""
    fields, last = report.format.field_map, previous.format.field_map
    for carry in rule.carries:
        keys = (*carry.plus, *carry.minus, carry.target, carry.previous)
        if carry.previous not in last or set(keys) & set(unknown):
            continue
        expected = (previous.value(carry.previous) + sum(report.value(k) for k in carry.plus)
                    - sum(report.value(k) for k in carry.minus))
        found = report.value(carry.target)
        if expected == found:
            continue
        target = fields[carry.target]
        prefix, sheet, addr = place([target.key], cells, target.label,
                                    report.format.table_name(target.table))
        yield finding(rule.id, prefix, basis=_basis(carry, report, previous),
                      table=target.table, row=target.row, column=target.column_index,
                      fields=tuple(dict.fromkeys(keys)), sheet=sheet, cells=addr,
                      expected=expected, found=found)


def _basis(carry: Carry, report: Report, previous: Report) -> str:
    """上年报告“四、结转下年度继续办理”, or the sum: 上年现行有效件数 5 + 本年制发件数 3 − …"""
    target = report.format.field_map[carry.target]
    before = _name(previous.format.field_map[carry.previous], target)
    if carry.unchanged:
        return f"上年报告“{before}”"
    text = f"上年{before} {previous.value(carry.previous)}"
    for sign, keys in (("+", carry.plus), ("−", carry.minus)):
        for key in keys:
            text += f" {sign} {_name(report.format.field_map[key], target)} {report.value(key)}"
    return text


def _name(f: Field, target: Field) -> str:
    """A term by what sets it apart from the cell checked: its row, or else its column."""
    return f.row_label if f.row_label != target.row_label else f.column_label
