"""The interchange JSON of the spec: one shape for every program that exchanges report data.

Walks the format description, so the 2019 keys come for free. Pure: dicts in, dicts out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from make_report.core.cells import parse_number
from make_report.core.errors import MakeReportError
from make_report.core.findings import Findings
from make_report.core.model import Entry, Report, Value, zero_values
from make_report.core.safe import cleaned
from make_report.core.spec import Field, Format, GridTable
from make_report.formats import FORMATS, UnknownFormat, format_for_year, get_format
from make_report.rules import finding


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


class InterchangeError(MakeReportError, ValueError):
    """Interchange JSON of a shape that cannot be read: one Chinese sentence naming the key."""


def report_from_dict(data: dict[str, Any]) -> tuple[Report, Findings]:
    """A report from interchange JSON; bad or missing numbers become findings, not exceptions.

    Numbers follow exactly the rules of a workbook cell (``cells.parse_number``). What
    leaves no report to speak of (no usable year or format, text where a list belongs)
    raises ``InterchangeError``, or ``UnknownFormat`` for a year no format covers.
    """
    if not isinstance(data, dict):
        raise InterchangeError(f"最外层应为对象(用 {{}} 括起的键和值),实为{_kind(data)}")
    findings = Findings()
    year = _year(data.get("year"))
    fmt = _format(data.get("format"), year)
    values = zero_values(fmt)
    for f in fmt.fields:
        path = _path(fmt, f)
        raw = _dig(data, path)
        where = "/".join(str(p) for p in path)
        column = f.column_index if f.column_index is not None else f.column
        if raw is None:
            findings.add(finding("B1", f"JSON {where}", kind="missing", table=f.table,
                                 row=f.row, column=column, fields=(f.key,)))
            continue
        parsed = parse_number(raw, f)
        if parsed.severity == "error":
            findings.add(finding("N1", f"JSON {where} {f.label}", **parsed.params,
                                 table=f.table, row=f.row, column=column, fields=(f.key,),
                                 found=_found(raw)))
            continue
        values[f.key] = parsed.value
    report = Report(fmt, _text(data, "agency", findings), year,
                    _date(data.get("date"), findings), _text(data, "lead", findings),
                    _text(data, "contact", findings), values,
                    _narrative(data.get("narrative"), findings))
    return report, findings


def _year(raw: Any) -> int:
    """A four-digit year, as the workbook's 基本信息 asks for: a number or its text."""
    if raw is None:
        raise InterchangeError("缺少报告年度“year”,应为四位年份,如 2024")
    year = raw
    if isinstance(raw, str) and re.fullmatch(r"\s*\d{4}\s*", raw):
        year = int(raw)
    elif isinstance(raw, float) and raw.is_integer() and abs(raw) < 10**6:
        year = int(raw)
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise InterchangeError(f"year 报告年度应为四位年份,如 2024,实为{_kind(raw)}")
    format_for_year(year)  # UnknownFormat, in Chinese, for a year before any format
    return year


def _format(raw: Any, year: int) -> Format:
    if raw is None or raw == "":
        return format_for_year(year)
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InterchangeError(f"format 应为 {' 或 '.join(FORMATS)},实为{_kind(raw)}")
    text = str(raw).strip()
    if text not in FORMATS:
        raise UnknownFormat(f"未知的报告格式{_shown(text)},可选:{'、'.join(FORMATS)}")
    return get_format(text)


def _text(data: dict[str, Any], key: str, findings: Findings) -> str:
    raw = data.get(key)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise InterchangeError(f"{key} 应为文字,实为{_kind(raw)}")
    return _clean(raw, key, findings)


def _clean(text: str, where: str, findings: Findings) -> str:
    """Text no document can hold is refused; what could disguise it (a bidi override, a
    zero-width space) is taken out, and H1 says where."""
    text, chars = cleaned(_writable(text, where))
    if chars:
        findings.add(finding("H1", f"JSON {where}", chars=chars))
    return text


_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters no Word document or workbook can hold (XML 1.0), such as U+0001."""


def _printable(text: str) -> str:
    """Text for a message: characters no terminal or document can show as \\uXXXX."""
    return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _writable(text: str, where: str) -> str:
    if found := _UNWRITABLE.search(text):
        raise InterchangeError(f"{where} 含有无法写入文档的字符(U+{ord(found.group()):04X}),"
                               "请删除后再试")
    return text


def _date(raw: Any, findings: Findings) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            return dt.datetime.fromisoformat(raw.strip()).date()
        except ValueError:
            pass
    findings.add(finding("M2", "JSON date", kind="json", shown=_shown(raw), found=_found(raw)))
    return None


def _narrative(raw: Any, findings: Findings) -> dict[str, list[Entry]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InterchangeError(f"narrative 应为对象(每部分一个键),实为{_kind(raw)}")
    out: dict[str, list[Entry]] = {}
    for key, entries in raw.items():
        where = f"narrative/{_printable(key)}"
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise InterchangeError(f"{where} 应为列表(每个二级标题一项),实为{_kind(entries)}")
        out[key] = [_entry(e, f"{where}/{i}", findings) for i, e in enumerate(entries)]
    return out


def _entry(raw: Any, where: str, findings: Findings) -> Entry:
    if not isinstance(raw, dict):
        raise InterchangeError(f"{where} 应为对象(含 heading 和 paragraphs),实为{_kind(raw)}")
    heading = raw.get("heading")
    if heading is not None and not isinstance(heading, str):
        raise InterchangeError(f"{where}/heading 应为文字或 null,实为{_kind(heading)}")
    if heading is not None:
        heading = _clean(heading, f"{where}/heading", findings)
    paragraphs = raw.get("paragraphs")
    if paragraphs is None:
        paragraphs = []
    if not isinstance(paragraphs, list):
        raise InterchangeError(f"{where}/paragraphs 应为文字的列表,实为{_kind(paragraphs)}")
    kept = []
    for j, p in enumerate(paragraphs):
        if not isinstance(p, str):
            raise InterchangeError(f"{where}/paragraphs/{j} 应为文字,实为{_kind(p)}")
        kept.append(_clean(p, f"{where}/paragraphs/{j}", findings))
    return Entry(heading, kept)


def _dig(data: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    """The value at ``path``: keys in objects, indexes in lists, nothing else."""
    node: Any = data
    for p in path:
        if isinstance(p, int) and isinstance(node, list) and 0 <= p < len(node):
            node = node[p]
        elif isinstance(p, str) and isinstance(node, dict) and p in node:
            node = node[p]
        else:
            return None
    return node


def _kind(raw: Any) -> str:
    """What a JSON value is, for a message: 文字“…”, 数字 12, 列表 ..."""
    if isinstance(raw, str):
        return f"文字{_shown(raw)}"
    if isinstance(raw, bool):
        return f"逻辑值 {'true' if raw else 'false'}"
    if isinstance(raw, int | float):
        return f"数字 {_shown(raw)}"
    return {list: "列表", dict: "对象", type(None): "null"}.get(type(raw), "其他内容")


def _shown(raw: str | int | float, limit: int = 30) -> str:
    """Text in quotes, numbers as JSON writes them; long ones clipped."""
    if isinstance(raw, str):
        return f"“{_printable(raw if len(raw) <= limit else raw[:limit] + '…')}”"
    if isinstance(raw, int) and abs(raw) >= 10**limit:
        return "(位数过多)"
    text = json.dumps(raw)
    return text if len(text) <= limit else text[:limit] + "…"


def _found(raw: Any) -> int | str | None:
    """What a finding reports as found: plain JSON (never NaN), never a whole list."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10**15:
        return raw
    if isinstance(raw, str):
        return _printable(raw[:30])
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        return _shown(raw)
    return None
