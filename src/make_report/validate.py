"""The sum rules (勾稽关系) of one year's data: pure functions from a report to findings.

Equations come from the format description; this module only knows how to evaluate
"sum(left) == sum(right) for every row (column)" and how to word the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from make_report.findings import Finding, Findings, Location, place
from make_report.model import Report
from make_report.spec import Equation


def validate(report: Report, cells: Mapping[str, Location] | None = None) -> Findings:
    """Every single-year rule: N1 on values, the format's equations, T1 on the narrative."""
    out = Findings()
    out.extend(check_values(report, cells))
    for eq in report.format.equations:
        out.extend(check_equation(report, eq, cells))
    out.extend(check_narrative(report, cells))
    return out


def check_values(report: Report, cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """N1: counts whole and >= 0 (signed counts may be negative); amounts >= 0."""
    for f in report.format.fields:
        v = report.value(f.key)
        wrong = ""
        if f.kind != "amount" and (not isinstance(v, int) or isinstance(v, bool)):
            wrong = "应为整数"
        elif f.kind != "signed" and v < 0:
            wrong = "不能为负数"
        if wrong:
            prefix, sheet, addr = place([f.key], cells, f.label,
                                        report.format.table_name(f.table))
            yield Finding("N1", "error", f"{prefix} {wrong},实为 {v}", f.table, f.row,
                          _column(f.column), (f.key,), sheet, addr, None, v)


def _column(column: str | None) -> int | str | None:
    return int(column) if column is not None and column.isdigit() else column


def check_equation(report: Report, eq: Equation,
                   cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    fields = report.format.field_map
    for _line, left, right in report.format.lines(eq):
        found = sum((report.value(k) for k in left), 0)
        expected = sum((report.value(k) for k in right), 0)
        if found == expected:
            continue
        first = fields[left[0]]
        labels = "+".join(fields[k].row_label if eq.over == "columns" else fields[k].column_label
                          for k in left)
        label = (f"{labels}·{first.column_label}" if eq.over == "columns"
                 else f"{first.row_label}·{labels}")
        if len(left) > 1:
            label += " 之和"
        prefix, sheet, addr = place(left, cells, label, report.format.table_name(eq.table))
        msg = f"{prefix} 应为 {expected}({eq.basis}),实为 {found}"
        yield Finding(eq.id, "error", msg, eq.table, first.row, _column(first.column),
                      tuple(left + right),
                      sheet, addr, expected, found)


# T1: what a narrative sentence may state, and which table value it must agree with.
_CLAIMS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("本年新收政府信息公开申请", re.compile(
        r"(?:收到|受理|新收)[^。;,,]{0,16}?申请[^。;,,\d]{0,4}?(\d+)\s*(?:件|个|条|宗)"),
     ("applications.new_received.6",)),
    ("行政复议", re.compile(r"行政复议[^。;,,\d]{0,6}?(\d+)\s*(?:件|起|条|宗|个)"),
     ("review_litigation.review.4",)),
    ("行政诉讼", re.compile(r"行政诉讼[^。;,,\d]{0,6}?(\d+)\s*(?:件|起|条|宗|个)"),
     ("review_litigation.litigation_direct.4", "review_litigation.litigation_after_review.4")),
    ("现行有效行政规范性文件", re.compile(r"现行有效[^。;,,\d]{0,8}?规范性文件\s*(\d+)\s*件"),
     ("active_disclosure.normative_documents.in_force",)),
    ("本年废止行政规范性文件", re.compile(r"规范性文件[^。;]{0,30}?废止\s*(\d+)\s*件"),
     ("active_disclosure.normative_documents.abolished",)),
    ("本年制发行政规范性文件", re.compile(r"规范性文件[^。;]{0,30}?制发\s*(\d+)\s*件"),
     ("active_disclosure.normative_documents.issued",)),
)
"""(what the sentence states, pattern whose group 1 is the number, the table cells it must
equal in sum); a claim about cells the report's format lacks is not checked."""


def check_narrative(report: Report,
                    cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """T1 (warning): a number stated in the narrative that the tables contradict."""
    for section, entries in report.narrative.items():
        for i, entry in enumerate(entries):
            for j, text in enumerate(entry.paragraphs):
                for what, pattern, keys in _CLAIMS:
                    if not all(k in report.format.field_map for k in keys):
                        continue
                    for m in pattern.finditer(text):
                        stated = int(m.group(1))
                        table = sum((report.value(k) for k in keys), 0)
                        if stated == table:
                            continue
                        where = f"narrative.{section}.{i}.{j}"
                        prefix, sheet, addr = place([where], cells, f"“{m.group(0)}”")
                        yield Finding(
                            "T1", "warning",
                            f"{prefix} 文中{what}为 {stated},与表格数字 {table} 不一致",
                            None, section, None, (where, *keys), sheet, addr, table, stated)

