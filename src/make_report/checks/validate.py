"""The sum rules (勾稽关系) of one year's data: pure functions from a report to findings.

Equations come from the format description; this module only knows how to evaluate
"sum(left) == sum(right) for every row (column)" and how to word the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from make_report.core.findings import Finding, Findings, Location, place
from make_report.core.model import Report
from make_report.core.numerals import parse_count
from make_report.core.spec import Claim, Equation
from make_report.rules import finding


def validate(report: Report, cells: Mapping[str, Location] | None = None,
             titles: Mapping[str, str] | None = None) -> Findings:
    """Every single-year rule: N1 on values, the format's equations, T1 on the narrative,
    the reviewer's content rules and ratios; ``titles`` are a published report's own
    section headings (section key -> heading as written), for the messages."""
    from make_report.checks.content import check_content
    from make_report.checks.ratios import check_ratios

    out = Findings()
    out.extend(check_values(report, cells))
    for eq in report.format.equations:
        out.extend(check_equation(report, eq, cells))
    out.extend(check_narrative(report, cells))
    out.extend(check_content(report, cells, titles))
    out.extend(check_ratios(report, cells))
    return out


def check_values(report: Report, cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """N1: counts whole and >= 0 (signed counts may be negative); amounts >= 0."""
    for f in report.format.fields:
        v = report.value(f.key)
        wrong = ""
        if f.kind != "amount" and (not isinstance(v, int) or isinstance(v, bool)):
            wrong = "not_integer"
        elif f.kind != "signed" and v < 0:
            wrong = "negative"
        if wrong:
            prefix, sheet, addr = place([f.key], cells, f.label,
                                        report.format.table_name(f.table))
            yield finding("N1", prefix, kind=wrong, shown=v, table=f.table, row=f.row,
                          column=f.column_index, fields=(f.key,), sheet=sheet, cells=addr,
                          found=v)


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
        yield finding(eq.id, prefix, basis=eq.basis, table=eq.table, row=first.row,
                      column=first.column_index, fields=tuple(left + right),
                      sheet=sheet, cells=addr, expected=expected, found=found)


def check_narrative(report: Report,
                    cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """T1 (warning): a number stated in the narrative that the tables contradict, for each
    claim of the format (what a sentence may state and the cells it must agree with)."""
    for section, entries in report.narrative.items():
        for i, entry in enumerate(entries):
            for j, text in enumerate(entry.paragraphs):
                for claim in report.format.claims:
                    yield from _claim(report, claim, text, (section, i, j), cells)


def _claim(report: Report, claim: Claim, text: str, at: tuple[str, int, int],
           cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """One claim in one paragraph (section, entry, paragraph) against the table."""
    section, i, j = at
    where = f"narrative.{section}.{i}.{j}"
    for m in claim.finditer(text):
        stated = parse_count(m.group(1))
        if stated is None:
            continue
        table = sum((report.value(k) for k in claim.keys), 0)
        if stated == table:
            continue
        prefix, sheet, addr = place([where], cells, f"“{m.group(0)}”")
        yield finding("T1", prefix, what=claim.what, row=section,
                      fields=(where, *claim.keys), sheet=sheet, cells=addr,
                      expected=table, found=stated)

