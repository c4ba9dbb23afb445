"""Every rule's verdict on one report: 成立, 不成立 or 无法判断, and the report's overall one.

A rule holds (成立) only when every line of it was evaluated on cells that were all read
and none failed. A finding on cells that were all read proves it fails (不成立); a line
touching a cell that was not read leaves it undecided (无法判断), never 成立. The report is
一致 only when every rule holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from make_report.core.findings import Finding, Findings
from make_report.core.model import Report
from make_report.core.record import record
from make_report.core.safe import visible

HOLDS, FAILS, UNKNOWN = "成立", "不成立", "无法判断"
CONSISTENT, INCONSISTENT, UNDECIDED = "一致", "不一致", "无法判断"
JUDGED = frozenset("ANRTY")
"""Letters of the rule families that judge the report's numbers (sums, values, text, years)."""


@record
class Verdicts:
    rules: dict[str, str]
    """Rule id -> 成立 / 不成立 / 无法判断, in catalogue order of first appearance."""

    @property
    def overall(self) -> str:
        statuses = set(self.rules.values())
        if FAILS in statuses:
            return INCONSISTENT
        return UNDECIDED if UNKNOWN in statuses else CONSISTENT


def finding_status(f: Finding, unknown: set[str]) -> str | None:
    """A judging finding's status: it proves its rule fails unless it rests on an unread cell."""
    if f.rule[:1] not in JUDGED:
        return None
    return UNKNOWN if unknown & set(f.fields) else FAILS


def rule_lines(report: Report, variant: Report | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Rule id -> the cell keys of each line it checks. ``variant`` (same values, another
    format) judges table 三 when the report follows that format's table 三 rows."""
    fmt = report.format
    out: dict[str, list[tuple[str, ...]]] = {"N1": [(f.key,) for f in fmt.fields]}
    for eq in fmt.equations:
        source = variant.format if variant is not None and eq.table == "applications" else fmt
        own = next((e for e in source.equations if e.id == eq.id and e.table == eq.table), None)
        if own is None:
            continue
        out.setdefault(eq.id, []).extend(tuple(left + right) for _, left, right in source.lines(own))
    claims = [c.keys for c in fmt.claims
              for entries in report.narrative.values() for e in entries for p in e.paragraphs
              if c.search(p)]
    out["T1"] = claims
    return out


def verdicts(report: Report, findings: Iterable[Finding], unknown: Iterable[str] = (),
             variant: Report | None = None, failed: Iterable[str] = ()) -> Verdicts:
    """Each rule's verdict. ``unknown``: cells not read; ``failed``: rules already proven
    to fail whatever the unread cells hold (a run of digits no split makes add up)."""
    unknown = set(unknown)
    lines = rule_lines(report, variant)
    statuses = {rule: (UNKNOWN if any(unknown & set(line) for line in keys) else HOLDS)
                for rule, keys in lines.items()}
    for f in findings:
        status = finding_status(f, unknown)
        if status == FAILS:
            statuses[f.rule] = FAILS
        elif status == UNKNOWN and statuses.get(f.rule) != FAILS:
            statuses[f.rule] = UNKNOWN
    for rule in failed:
        statuses[rule] = FAILS
    return Verdicts(statuses)


def verdict_sentence(findings: Findings, name: str, overall: str = "") -> tuple[str, str]:
    """The one line a clerk reads under the findings, and its tone (error, warning, ok),
    the same on the command line and the desk. A published report passes only when every
    rule holds (``overall`` 一致)."""
    errors, warnings = len(findings.errors), len(findings.warnings)
    name = visible(name)
    if overall and overall != CONSISTENT:
        what = "存在不一致之处" if overall == INCONSISTENT else "有表格未能完整读出,无法判断是否一致"
        return f"{name}:{what}(见上表),不能判定报告一致。", "error"
    if errors:
        return f"{name}:发现 {errors} 处错误、{warnings} 处警告,请改正错误后再生成报告。", "error"
    if warnings:
        return f"{name}:没有错误,有 {warnings} 处警告,请核对。", "warning"
    return f"{name}:检查通过,没有发现问题。", "ok"
