"""What real people type into a number cell, turned into a value or a finding.

Pure: takes the raw cell content (as a reader gives it) and the field it should hold; the
workbook reader and the interchange JSON both read numbers by these rules.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from make_report.core.model import Value
from make_report.core.spec import Field

ZERO_WORDS = {"无", "没有", "-", "—", "--", "/", "\\", "空", "0件", "nil", "none", "n/a"}
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
MAX_COUNT = 10**9
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Parsed:
    value: Value
    severity: str | None = None  # None: clean; "info", "warning", "error"
    kind: str = ""
    """Which problem (a wording of rule N1 in the catalogue: ``negative``, ``text`` …);
    the catalogue words it, with ``shown`` (the value as the message quotes it)."""
    shown: str = ""
    text_number: bool = False
    """A number typed as text (``shown`` holds the text): Excel's SUM and the workbook's
    checks count it as 0, so it is refused rather than read as a number (rule X1)."""
    places: int = 0
    """For ``decimals``: how many decimals an amount may have."""

    @property
    def params(self) -> dict[str, object]:
        """What ``rules.finding(NUMBER_RULE[severity], place, **parsed.params)`` needs."""
        out: dict[str, object] = {"kind": self.kind or None, "shown": self.shown}
        if self.kind == "decimals":
            out["places"] = self.places
        return out


NUMBER_RULE = {"error": "N1", "warning": "N2"}
"""The catalogue's rule for a number cell that is wrong (N1) or was read by convention (N2);
a blank cell ("info") is counted among the sheet's blanks (B1)."""


def parse(raw: object, f: Field, decimals: int = 0) -> Parsed:
    """A cell's content as the field's kind of number; ``decimals`` from the cell's format."""
    zero: Value = Decimal(0) if f.kind == "amount" else 0
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(zero, "info", "blank")
    if isinstance(raw, bool):
        return Parsed(zero, "error", "boolean", "TRUE" if raw else "FALSE")
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return Parsed(zero, "error", "date", _date_text(raw))
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
        if text.lower() in ZERO_WORDS:
            return Parsed(zero, "warning", "", raw.strip())
        if not NUMBER.fullmatch(text):
            return Parsed(zero, "error", "text", raw.strip())
        return Parsed(zero, "error", "", _clip(raw.strip()), text_number=True)
    return _number(Decimal(str(raw)), f, decimals, "")


def parse_number(raw: object, f: Field) -> Parsed:
    """A number another program wrote (interchange JSON), under the rules of a cell.

    An integer, a float or a decimal string (``"128.3650"``, surrounding spaces allowed),
    then exactly what a typed number must satisfy: finite, not negative unless the field
    is signed, under the size cap, a whole number for counts, at most four decimals for
    amounts. An amount keeps the decimals it was written with (``"1.50"`` stays 1.50).
    Anything else (text, a boolean, a list) is an error, not a guess.
    """
    zero: Value = Decimal(0) if f.kind == "amount" else 0
    if isinstance(raw, bool):
        return Parsed(zero, "error", "json_boolean", "true" if raw else "false")
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)  # no detour through text: Python limits long ints as text
    elif isinstance(raw, float):
        number = Decimal(repr(raw))  # the shortest text of the float, as JSON wrote it
    elif isinstance(raw, str) and NUMBER.fullmatch(raw.strip()):
        number = Decimal(raw.strip())
    elif isinstance(raw, str):
        return Parsed(zero, "error", "json_text", _clip(raw))
    else:
        kind = {list: "列表", dict: "对象"}.get(type(raw), "其他内容")
        return Parsed(zero, "error", "json_other", kind)
    places = -number.as_tuple().exponent if number.is_finite() else 0  # type: ignore[operator]
    return _number(number, f, places if 0 < places <= MAX_DECIMALS else 0, "")


def _clip(text: str, limit: int = 30) -> str:
    """Text for a message: short, and with control characters and lone surrogates (which
    no terminal can print) written as \\uXXXX."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return re.sub("[\x00-\x1f\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _date_text(raw: dt.datetime | dt.date | dt.time) -> str:
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        raw = raw.date()
    kind = "日期时间" if isinstance(raw, dt.datetime) else "时间" if isinstance(raw, dt.time) else "日期"
    return f"{kind} {raw}"


def _number(number: Decimal, f: Field, decimals: int, note: str) -> Parsed:
    zero: Value = Decimal(0) if f.kind == "amount" else 0
    if not number.is_finite():  # NaN or infinity: no spreadsheet should hold one
        return Parsed(zero, "error", "not_finite", str(number))
    if number < 0 and f.kind != "signed":
        return Parsed(zero, "error", "negative", _shown(number))
    if abs(number) >= MAX_COUNT:
        return Parsed(zero, "error", "too_large", _shown(number))
    if f.kind == "amount":
        return _amount(number, decimals, note)
    if number != number.to_integral_value():
        return Parsed(zero, "error", "not_whole", _shown(number))
    return Parsed(int(number), "warning" if note else None, "", note)


def _shown(number: Decimal) -> str:
    """A number for a message: as written, or rounded in E notation when very long."""
    text = str(number)
    return text if len(text) <= 24 else f"{number:.6E}"


def _amount(number: Decimal, decimals: int, note: str) -> Parsed:
    try:
        exponent = -number.normalize().as_tuple().exponent  # type: ignore[operator]
    except (InvalidOperation, TypeError):
        return Parsed(Decimal(0), "error", "bad_amount", str(number))
    if exponent > MAX_DECIMALS:
        return Parsed(Decimal(0), "error", "decimals", _shown(number), places=MAX_DECIMALS)
    places = max(decimals, exponent, 0)
    value = number.quantize(Decimal(1).scaleb(-places))
    if value.is_zero():
        value = value.copy_abs()  # -0 is 0: a report never shows “-0.00”
    return Parsed(value, "warning" if note else None, "", note)


def format_decimals(number_format: str) -> int:
    """Decimal places a cell shows: '0.00##' -> 2, '#,##0.0000' -> 4, 'General' -> 0."""
    m = re.search(r"\.(0+)", number_format or "")
    return len(m.group(1)) if m else 0
