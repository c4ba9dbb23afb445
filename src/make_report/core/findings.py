"""Findings as data: what is wrong, where, what was expected and what was found.

A finding names interchange field keys; where the input was a workbook, the reader's
cell map turns them into sheet and cell addresses. Messages are built once, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Literal

from make_report.core.record import record

Severity = Literal["error", "warning", "info"]

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@record
class Location:
    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


@record(frozen=False)
class Finding:
    rule: str
    severity: Severity
    message: str
    """One Chinese sentence, naming the place first."""
    table: str | None = None
    row: str | None = None
    column: int | str | None = None
    fields: tuple[str, ...] = ()
    sheet: str | None = None
    cells: tuple[str, ...] = ()
    expected: object = None
    found: object = None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "sheet": self.sheet,
            "cells": list(self.cells),
            "expected": _plain(self.expected),
            "found": _plain(self.found),
            "message": self.message,
        }


def _plain(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    return value


def place(fields: Iterable[str], cells: Mapping[str, Location] | None, labels: str,
          table_name: str = "") -> tuple:
    """Where a finding is: ``(prefix, sheet, cells)``, prefix like ``三、依申请公开!J31 …``,
    or ``表三 …`` for a report that has no cells (a published one)."""
    locs = [cells[f] for f in fields if cells and f in cells]
    if not locs:
        return (f"{table_name} {labels}" if table_name else labels), None, ()
    sheet = locs[0].sheet
    addr = "+".join(loc.cell for loc in locs)
    return f"{sheet}!{addr} {labels}", sheet, tuple(loc.cell for loc in locs)


@record(frozen=False)
class Findings:
    """All findings of one input, in the order they were found."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.items.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
