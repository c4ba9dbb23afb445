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
