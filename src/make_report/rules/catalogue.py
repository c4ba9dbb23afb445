"""The Rule record, the merged catalogue of every family, and ``finding()`` that words one."""

from __future__ import annotations

import string
from typing import Any

from make_report.core.findings import Finding, Severity
from make_report.core.record import record
from make_report.rules import families


@record
class Rule:
    id: str
    severity: Severity
    title: str
    """A short Chinese title (a few words), for tables and ``explain``."""
    message: str
    """A ``str.format`` template; ``{place}`` is where (sheet!cell and label, or the section)."""
    explain: str
    """What the rule means to a clerk and how to put it right."""
    family: str = ""

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.message) if name)


class UnknownRule(KeyError):
    """A check named a rule the catalogue does not hold: a programming error, caught by tests."""


def _collect() -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for family in families.ALL:
        for r in family.RULES:
            if r.id in out:
                raise ValueError(f"rule {r.id} defined twice")
            out[r.id] = Rule(r.id, r.severity, r.title, r.message, r.explain, family.FAMILY)
    return out


RULES: dict[str, Rule] = _collect()


def rule(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise UnknownRule(rule_id) from None


def finding(rule_id: str, place: str = "", *, table: str | None = None, row: str | None = None,
            column: int | str | None = None, fields: tuple[str, ...] = (),
            sheet: str | None = None, cells: tuple[str, ...] = (),
            expected: object = None, found: object = None, **params: Any) -> Finding:
    """One finding of ``rule_id``, its sentence built from the catalogue's template."""
    r = rule(rule_id)
    message = r.message.format(place=place, expected=expected, found=found, **params)
    return Finding(r.id, r.severity, message.strip(), table, row, column,
                   fields, sheet, cells, expected, found)
