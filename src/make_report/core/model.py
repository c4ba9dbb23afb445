"""The typed report: what a workbook, a JSON file or a published report boils down to.

Counts are ``int`` and amounts ``Decimal`` (never float). Values are keyed by the
interchange field keys of the format, so every reader and writer shares one addressing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from decimal import Decimal

from make_report.core.record import record
from make_report.core.spec import REPORT_TITLE, Format

Value = int | Decimal


@record(frozen=False)
class Entry:
    """A second-level heading (or none) with the paragraphs under it."""

    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


@record(frozen=False)
class Report:
    format: Format
    agency: str
    year: int
    date: dt.date | None = None
    lead: str = ""
    contact: str = ""
    values: dict[str, Value] = field(default_factory=dict)
    narrative: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年{REPORT_TITLE}"

    def value(self, key: str) -> Value:
        return self.values.get(key, 0)

    def cell(self, table: str, row: str, column: str | None = None) -> Value:
        return self.value(f"{table}.{row}" + ("" if column is None else f".{column}"))


def is_number(value: object) -> bool:
    """A count or a finite amount: what arithmetic on a report may use (N1 reports the rest)."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) and not isinstance(value, bool)


def zero_values(fmt: Format) -> dict[str, Value]:
    return {f.key: (Decimal("0") if f.kind == "amount" else 0) for f in fmt.fields}


def format_value(value: object) -> str:
    """A value as every output shows it: counts as digits, amounts with their own decimals
    (1681.00), never in exponent form."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def format_date(date: dt.date | None) -> str:
    """Official style: Arabic digits, no padding (2024年1月4日)."""
    return f"{date.year}年{date.month}月{date.day}日" if date else ""
