"""Key ratios a reviewer reads (实质公开率, 纠错率, each result's share) and rule C13.

The ratios are data of the format (``Format.ratios``); the limits a reviewer would question
and the sample size below which nothing is judged are data of the catalogue
(``rules/families/content.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal

from make_report.core.findings import Finding, Location, place
from make_report.core.model import Report, Value, is_number
from make_report.core.record import record
from make_report.core.spec import Ratio
from make_report.rules import finding
from make_report.rules.families import content as data


@record
class RatioValue:
    ratio: Ratio
    numerator: Value
    denominator: Value

    @property
    def name(self) -> str:
        return self.ratio.name

    @property
    def value(self) -> Decimal | None:
        """None when there is nothing to divide by."""
        return Decimal(self.numerator) / Decimal(self.denominator) if self.denominator else None

    @property
    def shown(self) -> str:
        """实质公开率 50.0%(3/6), or —(0/0) when there were no cases."""
        value = "—" if self.value is None else f"{self.value * 100:.1f}%"
        return f"{value}({self.numerator}/{self.denominator})"

    def as_dict(self) -> dict:
        return {"name": self.name, "numerator": _plain(self.numerator),
                "denominator": _plain(self.denominator),
                "value": None if self.value is None
                else format(round(self.value, 4).normalize(), "f")}


def _plain(value: Value) -> int | str:
    return value if isinstance(value, int) else str(value)


def ratios(report: Report, unknown: Collection[str] = ()) -> list[RatioValue]:
    """Every ratio of the report's format; one resting on an unread cell is left out."""
    out = []
    for r in report.format.ratios:
        keys = {*r.numerator, *r.denominator}
        if set(unknown) & keys or not all(is_number(report.value(k)) for k in keys):
            continue
        out.append(RatioValue(r, _sum(report, r.numerator), _sum(report, r.denominator)))
    return out


def _sum(report: Report, keys: tuple[str, ...]) -> Value:
    total: Value = 0
    for key in keys:
        total += report.value(key)
    return total


def check_ratios(report: Report, cells: Mapping[str, Location] | None = None) -> Iterator[Finding]:
    """C13 (info): a ratio outside the catalogue's limits, over enough cases to judge."""
    fields = report.format.field_map
    for rv in ratios(report):
        limits = data.RATIO_LIMITS.get(rv.name)
        if limits is None or rv.value is None or rv.denominator < data.RATIO_MIN_SAMPLE:
            continue
        low, high = limits
        if low is not None and rv.value < low:
            direction, limit = "低于", low
        elif high is not None and rv.value > high:
            direction, limit = "高于", high
        else:
            continue
        first = fields[rv.ratio.denominator[0]]
        label = "+".join(fields[k].label for k in rv.ratio.denominator)
        prefix, sheet, addr = place(rv.ratio.denominator, cells, label,
                                    report.format.table_name(first.table))
        yield finding("C13", prefix, table=first.table, sheet=sheet, cells=addr,
                      fields=(*rv.ratio.numerator, *rv.ratio.denominator),
                      name=rv.name, value=data.pct(rv.value), numerator=rv.numerator,
                      denominator=rv.denominator, direction=direction,
                      limit=data.pct(limit), found=rv.value, expected=limit)
