"""Many agencies' reports in one view, for the disclosure office that collects them.

The office needs each agency's key figures beside its check result, and the sum of each
table over the reports it can trust. Only reports that pass every check are summed, and
each format is summed on its own, since the 2019 and 2021 tables do not line up. This
module works out the figures; ``writers/summary_xlsx.py`` lays out what it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from make_report.core.errors import MakeReportError
from make_report.core.findings import Findings
from make_report.core.model import Report, Value, figure_value, zero_values
from make_report.core.spec import Figure, Format
from make_report.formats import FORMATS
from make_report.writers.summary_xlsx import main_headers, write_summary_workbook

__all__ = ["KEY_FIGURES", "MAIN_HEADERS", "STATUS_ZH", "Rollup", "SummaryItem", "collect",
           "figure_value", "item_from_check", "key_figures", "rollups", "write_summary"]

Status = Literal["ok", "errors", "unusable"]
STATUS_ZH: dict[str, str] = {"ok": "通过", "errors": "有错误", "unusable": "无法读取"}


class SummaryItem(NamedTuple):
    """One input file: what was read from it, what the checks found, and the verdict."""

    source: str
    report: Report | None
    findings: Findings | None
    status: Status
    unusable_message: str | None = None

    @property
    def included(self) -> bool:
        """Only reports that pass every check go into the roll-up."""
        return self.status == "ok" and self.report is not None

    @property
    def reason(self) -> str:
        """Why the file was left out of the roll-up, in the words the office will read."""
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


@dataclass
class Rollup:
    """The field-by-field sum of the included reports of one format."""

    format: Format
    values: dict[str, Value]
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def add(self, source: str, report: Report) -> None:
        for key in self.values:
            self.values[key] += report.value(key)
        self.sources.append(source)
        if report.year not in self.years:
            self.years.append(report.year)


def rollups(items: Iterable[SummaryItem]) -> list[Rollup]:
    """One roll-up per format that has included reports, in the order of ``FORMATS``."""
    out = {fid: Rollup(fmt, zero_values(fmt)) for fid, fmt in FORMATS.items()}
    for item in items:
        if item.included and item.report is not None:
            out[item.report.format.id].add(item.source, item.report)
    return [r for r in out.values() if r.sources]


def item_from_check(source: str, report: Report, findings: Findings) -> SummaryItem:
    """A checked file as a summary line: errors make it ``errors``, warnings do not."""
    status: Status = "ok" if findings.valid else "errors"
    return SummaryItem(source, report, findings, status)


def collect(paths: Iterable[str | Path],
            check: Callable[[Path], tuple[Report, Findings]]) -> list[SummaryItem]:
    """``check`` every file (``api.summary_items`` passes the API's own); one that cannot be
    read becomes an ``unusable`` line, not a crash."""
    items = []
    for path in map(Path, paths):
        try:
            items.append(item_from_check(path.name, *check(path)))
        except MakeReportError as exc:
            items.append(SummaryItem(path.name, None, None, "unusable", exc.message))
    return items


MAIN_HEADERS = main_headers(KEY_FIGURES)
"""The columns of the 汇总 sheet."""


def write_summary(results: list[SummaryItem], path: str | Path) -> None:
    """The summary workbook (汇总, 表二—表四汇总, 未纳入汇总), replaced in one step."""
    groups = rollups(results)
    layout = next((r.format for r in groups), None) or next(
        (i.report.format for i in results if i.report), next(iter(FORMATS.values())))
    write_summary_workbook(results, groups, Path(path), figures=KEY_FIGURES,
                           status_names=STATUS_ZH, layout=layout)
