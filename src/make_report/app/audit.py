"""A whole folder of published reports audited at once, for the office that reviews a
city's reports: one line per report (agency, year, format, verdict, each finding).

Every report gets the same audit as ``check REPORT``; one unusable file is one line
(无法读取), never a stopped run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from make_report.core.audit import CONSISTENT, INCONSISTENT, UNREADABLE, AuditItem

SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".mht", ".mhtml")


def find_reports(folder: Path, skip: Iterable[Path] = ()) -> tuple[list[Path], list[AuditItem]]:
    """Every published report below ``folder`` (not hidden, not a lock file, not an output),
    and a 无法读取 line for each folder that could not be looked into (never dropped)."""
    from make_report.app.batch import find_inputs

    skip = {p.resolve() for p in skip}
    paths, problems = find_inputs(folder, suffixes=SUFFIXES)
    return ([p for p in paths if p.resolve() not in skip],
            [AuditItem(p.file, UNREADABLE, message=p.message) for p in problems])


def audit_one(path: Path, root: Path, check: Callable) -> AuditItem:
    """Check one report (``check``: the API's); a file that cannot be read is a 无法读取
    line with its sentence."""
    from make_report.core.errors import MakeReportError, user_message

    name = str(path.relative_to(root))
    try:
        result = check(path)
    except MakeReportError as exc:
        return AuditItem(name, UNREADABLE, message=exc.message)
    except Exception as exc:  # a bug must not stop the other reports
        said = user_message(exc)  # out of memory, an OS error: said as what it is
        if said is None:
            said = f"内部错误({type(exc).__name__}),请将该文件发给技术支持。"
        named = said if said.startswith(f"{path.name}:") else f"{path.name}:{said}"
        return AuditItem(name, UNREADABLE, message=named)
    data = result.as_dict()
    verdict = result.verdict
    if verdict != INCONSISTENT and (verdict != CONSISTENT or result.incomplete):
        verdict = UNREADABLE
    report = result.report
    return AuditItem(name, verdict, report.agency, report.year, report.format.id,
                     dict(result.verdicts.rules) if result.verdicts else {}, data["findings"],
                     _reason(result, verdict))


def _reason(result, verdict: str) -> str:
    if verdict == CONSISTENT:
        return ""
    if result.incomplete and verdict == UNREADABLE:
        return ";".join(f.message for f in result.incomplete)
    failed = [f for f in result.findings if f.rule[:1] in "ANRTY" or f.rule in ("P4",)]
    return failed[0].message if failed else ""


def run_audit(paths: list[Path], root: Path, check: Callable,
              progress: Callable[[AuditItem], None] | None = None) -> list[AuditItem]:
    items = []
    for path in paths:
        item = audit_one(path, root, check)
        items.append(item)
        if progress:
            progress(item)
    return items


def all_consistent(items: list[AuditItem]) -> bool:
    return bool(items) and all(i.verdict == CONSISTENT for i in items)
