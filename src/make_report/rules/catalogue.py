"""The Rule record, the merged catalogue of every family, and ``finding()`` that words one."""

from __future__ import annotations

from dataclasses import field
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
    wordings: dict[str, str] = field(default_factory=dict, hash=False)
    """Kind -> template, for a rule that finds several kinds of problem (N1: a negative
    count, text in a number cell …); ``message`` is then the template of no kind in
    particular, or empty when every finding names its kind."""

    @property
    def params(self) -> tuple[str, ...]:
        return _params(self.message)

    def template(self, kind: str | None = None) -> str:
        if kind is None and self.message:
            return self.message
        try:
            return self.wordings[kind or ""]
        except KeyError:
            raise UnknownRule(f"{self.id}: no wording {kind!r}") from None


def _params(template: str) -> tuple[str, ...]:
    import string  # here: only the docs and the tests ask for a rule's parameters

    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


class UnknownRule(KeyError):
    """A check named a rule the catalogue does not hold: a programming error, caught by tests."""


def _collect() -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for family in families.ALL:
        for r in family.RULES:
            if r.id in out:
                raise ValueError(f"rule {r.id} defined twice")
            out[r.id] = Rule(r.id, r.severity, r.title, r.message, r.explain, family.FAMILY,
                             dict(r.wordings))
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
            expected: object = None, found: object = None, kind: str | None = None,
            **params: Any) -> Finding:
    """One finding of ``rule_id``, its sentence built from the catalogue's template (the
    wording of ``kind`` for a rule that finds several kinds of problem)."""
    r = rule(rule_id)
    message = r.template(kind).format(place=place, expected=expected, found=found, **params)
    return Finding(r.id, r.severity, message.strip(), table, row, column,
                   fields, sheet, cells, expected, found)
