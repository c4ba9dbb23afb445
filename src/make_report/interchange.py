"""The interchange JSON of the spec: one shape for every program that exchanges report data.

Walks the format description, so the 2019 keys come for free. Pure: dicts in, dicts out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from make_report.findings import Finding, Findings
from make_report.formats import format_for_year, get_format
from make_report.model import Entry, Report, Value, zero_values
from make_report.spec import Field, Format, GridTable


def _path(fmt: Format, f: Field) -> tuple[str | int, ...]:
    """Where a field sits in the JSON: grid columns are list indexes."""
    if isinstance(fmt.table(f.table), GridTable):
        return (f.table, f.row, int(f.column or 0))
    return (f.table, f.row) if f.column is None else (f.table, f.row, f.column)


def _json_value(v: Value) -> int | str:
    return str(v) if isinstance(v, Decimal) else v


def report_to_dict(report: Report) -> dict[str, Any]:
    fmt = report.format
    out: dict[str, Any] = {"format": fmt.id, "agency": report.agency, "year": report.year}
    if report.date:
        out["date"] = report.date.isoformat()
    if report.lead:
        out["lead"] = report.lead
    if report.contact:
        out["contact"] = report.contact
    for table in fmt.tables:
        out[table.key] = {}
    for f in fmt.fields:
        table, *rest = _path(fmt, f)
        node, value = out[table], _json_value(report.value(f.key))
        if len(rest) == 1:
            node[rest[0]] = value
        elif isinstance(rest[1], int):
            node.setdefault(rest[0], []).append(value)
        else:
            node.setdefault(rest[0], {})[rest[1]] = value
    out["narrative"] = {
        s.key: [{"heading": e.heading, "paragraphs": list(e.paragraphs)}
                for e in report.narrative.get(s.key, [])]
        for s in fmt.narrative_sections
    }
    return out


def report_from_dict(data: dict[str, Any]) -> tuple[Report, Findings]:
    """A report from interchange JSON; bad or missing numbers become findings, not exceptions."""
    findings = Findings()
    year = int(data["year"])
    fmt = get_format(data["format"]) if data.get("format") else format_for_year(year)
    values = zero_values(fmt)
    for f in fmt.fields:
        path = _path(fmt, f)
        raw = _dig(data, path)
        where = "/".join(str(p) for p in path)
        if raw is None:
            findings.add(Finding("blank", "info", f"JSON {where} 缺少数值,按 0 计",
                                 f.table, f.row, f.column, (f.key,)))
            continue
        value = _number(raw, f.kind)
        if value is None:
            findings.add(Finding("N1", "error", f"JSON {where} ({f.label}) 不是有效数值:{raw!r}",
                                 f.table, f.row, f.column, (f.key,), found=raw))
            continue
        values[f.key] = value
    narrative = {
        key: [Entry(e.get("heading"), [str(p) for p in e.get("paragraphs", [])])
              for e in entries]
        for key, entries in (data.get("narrative") or {}).items()
    }
    date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    report = Report(fmt, str(data.get("agency", "")), year, date, data.get("lead", ""),
                    data.get("contact", ""), values, narrative)
    return report, findings


def _dig(data: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = data
    for p in path:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _number(raw: Any, kind: str) -> Value | None:
    if isinstance(raw, bool):
        return None
    if kind == "amount":
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw)
    return None
