"""Many agencies' reports in one view, for the disclosure office that collects them.

The office needs each agency's key figures beside its check result, and the sum of each
table over the reports it can trust. Only reports that pass every check are summed, and
each format is summed on its own, since the 2019 and 2021 tables do not line up. This
module works out the figures, with no I/O; ``app/summary.py`` checks the files and
``writers/summary_xlsx.py`` lays out what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple, Protocol

from make_report.core.findings import Finding, Findings
from make_report.core.model import Report, Value, zero_values
from make_report.core.spec import Figure, Format
from make_report.formats import FORMATS

Status = Literal["ok", "errors", "unusable", "duplicate"]
STATUS_ZH: dict[str, str] = {"ok": "通过", "errors": "有错误", "unusable": "无法读取",
                             "duplicate": "重复,未汇总"}


class SummaryItem(NamedTuple):
    """One input file: what was read from it, what the checks found, and the verdict."""

    source: str
    report: Report | None
    findings: Findings | None
    status: Status
    unusable_message: str | None = None
    duplicate: Finding | None = None
    """For a second report of the same agency and year (status ``duplicate``): rule X2,
    naming both files and the one summed instead."""

    @property
    def included(self) -> bool:
        """Only reports that pass every check go into the roll-up."""
        return self.status == "ok" and self.report is not None

    @property
    def reason(self) -> str:
        """Why the file was left out of the roll-up, in the words the office will read."""
        if self.duplicate is not None:
            return self.duplicate.message
        if self.status == "unusable" or self.report is None:
            return self.unusable_message or "文件无法读取"
        errors = self.findings.errors if self.findings else []
        if errors:
            more = f"(共{len(errors)}处错误)" if len(errors) > 1 else ""
            return errors[0].message + more
        return "检查未通过"


def key_figures(formats: Iterable[Format]) -> tuple[Figure, ...]:
    """Every format's key figures, each title once, in the order of ``formats``."""
    seen: dict[str, Figure] = {}
    for fmt in formats:
        for figure in fmt.key_figures:
            seen.setdefault(figure.label, figure)
    return tuple(seen.values())


KEY_FIGURES = key_figures(FORMATS.values())
"""Columns of the 汇总 sheet after 文件/机关名称/报告年度/格式."""


def figure_value(report: Report, figure: Figure) -> Value | None:
    """The report's format's figure of that title; None when it has none (2019: 收费金额)."""
    own = next((f for f in report.format.key_figures if f.label == figure.label), None)
    if own is None:
        return None
    total: Value = 0
    for key in own.keys:
        total += report.value(key)
    return total


def headline_ratios(formats: Iterable[Format]) -> tuple[str, ...]:
    """Names of the ratios the summary shows (实质公开率, 复议纠错率, 诉讼纠错率), each once."""
    return tuple(dict.fromkeys(r.name for fmt in formats for r in fmt.ratios if r.headline))


RATIO_COLUMNS = headline_ratios(FORMATS.values())
"""Columns of the 汇总 sheet after the key figures."""


def ratio_parts(report: Report, name: str) -> tuple[Value, Value] | None:
    """(numerator, denominator) of the report's ratio of that name; None when it has none."""
    from make_report.checks.ratios import ratios

    return next(((r.numerator, r.denominator) for r in ratios(report) if r.name == name), None)


def ratio_of(parts: Iterable[tuple[Value, Value] | None]) -> Decimal | None:
    """The ratio over one or many reports: their numerators summed over their denominators."""
    found = [p for p in parts if p is not None]
    top, bottom = sum(p[0] for p in found), sum(p[1] for p in found)
    return Decimal(top) / Decimal(bottom) if bottom else None


@dataclass
class Rollup:
    """The field-by-field sum of the included reports of one format and one year: reports
    of different years are never added together."""

    format: Format
    year: int
    values: dict[str, Value]
    sources: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [self.year]

    def add(self, source: str, report: Report) -> None:
        for key in self.values:
            self.values[key] += report.value(key)
        self.sources.append(source)


def rollups(items: Iterable[SummaryItem]) -> list[Rollup]:
    """One roll-up per format and year that has included reports: formats in the order of
    ``FORMATS``, the latest year first within each."""
    out: dict[tuple[str, int], Rollup] = {}
    for item in items:
        if item.included and item.report is not None:
            fmt, year = item.report.format, item.report.year
            group = out.setdefault((fmt.id, year), Rollup(fmt, year, zero_values(fmt)))
            group.add(item.source, item.report)
    order = list(FORMATS)
    return sorted(out.values(), key=lambda r: (order.index(r.format.id), -r.year))


def mark_duplicates(items: list[SummaryItem],
                    modified: dict[str, float] | None = None) -> list[SummaryItem]:
    """A second report of the same agency and year is left out of the roll-up (X2), so an
    agency is never counted twice. The one kept passes its checks if the other does not,
    else is the newer file (``modified``: source -> modification time), else the first."""
    from make_report.rules import finding

    modified = modified or {}
    groups: dict[tuple[str, int], list[int]] = {}
    for i, item in enumerate(items):
        if item.report is not None and item.status in ("ok", "errors"):
            agency = "".join(item.report.agency.split())
            if agency:
                groups.setdefault((agency, item.report.year), []).append(i)
    out = list(items)
    for members in groups.values():
        if len(members) < 2:
            continue
        def rank(i: int) -> tuple[bool, float, int]:
            return (items[i].status == "ok", modified.get(items[i].source, 0.0), -i)
        kept = max(members, key=rank)
        if items[kept].status != "ok":  # none of them is summed: each shows its errors
            continue
        for i in members:
            if i == kept:
                continue
            why = ("它检查通过" if items[kept].status == "ok" and items[i].status != "ok"
                   else "它的修改时间较新" if rank(kept)[1] > rank(i)[1] else "它在文件夹中排在前面")
            report = items[i].report
            assert report is not None
            note = finding("X2", items[i].source, other=items[kept].source,
                           agency=report.agency.strip(), year=report.year, why=why)
            out[i] = items[i]._replace(status="duplicate", duplicate=note)
    return out


class Checked(Protocol):
    """What ``api.check`` gives back, as far as a summary line needs it."""

    @property
    def source(self) -> Path: ...
    @property
    def report(self) -> Report: ...
    @property
    def findings(self) -> Findings: ...


def item_from_check(result: Checked) -> SummaryItem:
    """A checked file as a summary line: errors make it ``errors``, warnings do not."""
    status: Status = "ok" if result.findings.valid else "errors"
    return SummaryItem(result.source.name, result.report, result.findings, status)
