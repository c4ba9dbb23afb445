"""The summary verb's files: each workbook checked and named, then the roll-up workbook
written. The figures themselves (what is summed, key figures, ratios, duplicates) are
worked out in ``checks/summary.py``, with no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from make_report.checks.summary import (  # the desk takes these from here too
    Checked,
    SummaryItem,
    item_from_check,
    mark_duplicates,
    rollups,
)
from make_report.core.errors import MakeReportError

__all__ = ["SummaryItem", "collect", "item_from_check", "rollups", "write_summary"]


def collect(paths: Iterable[str | Path], check: Callable[[Path], Checked],
            root: str | Path | None = None) -> list[SummaryItem]:
    """``check`` every file (``api.summary_items`` hands in ``api.check``); one that cannot
    be read becomes an ``unusable`` line, not a crash. Files are named by their path below
    ``root`` (乡镇/某镇.xlsx) when given; a second report of the same agency and year
    becomes a ``duplicate`` line (X2)."""
    items, modified = [], {}
    for path in map(Path, paths):
        name = _name(path, root)
        try:
            items.append(item_from_check(check(path))._replace(source=name))
            modified[name] = path.stat().st_mtime
        except MakeReportError as exc:
            items.append(SummaryItem(name, None, None, "unusable", exc.message))
    return mark_duplicates(items, modified)


def _name(path: Path, root: str | Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def write_summary(results: list[SummaryItem], path: str | Path) -> None:
    """The summary workbook (汇总, 表二—表四汇总, 未纳入汇总), replaced in one step."""
    from make_report.writers.summary_xlsx import write_summary_workbook

    write_summary_workbook(results, Path(path))
