"""The shape a family module writes its rules in (kept apart so families import no catalogue)."""

from __future__ import annotations

from typing import NamedTuple

from make_report.core.findings import Severity


class R(NamedTuple):
    id: str
    severity: Severity
    title: str
    message: str
    explain: str
    wordings: tuple[tuple[str, str], ...] = ()
    """(kind, template) for a rule that finds several kinds of problem: the check names the
    kind (``finding("N1", place, kind="negative", shown=…)``), the catalogue words it."""
