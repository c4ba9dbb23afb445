"""Whole numbers as a narrative writes them: 17, 十七, 一百二十三, 两千零五, 二〇.

Reports write small counts in words (收到申请十七件); a claim about a table must read
them as it reads digits.
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
WORDS = "".join(DIGITS) + "".join(UNITS) + "万"
COUNT = rf"(\d+|[{WORDS}]+)"
"""A regular-expression group for a count written in digits or in words."""


def parse_count(text: str) -> int | None:
    """The number ``text`` writes (digits or Chinese words); None when it writes none."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in WORDS for ch in text):
        return None
    if "万" in text:
        high, _, low = text.partition("万")
        h = parse_count(high) if high else None
        rest = parse_count(low) if low else 0
        return None if h is None or rest is None else h * 10000 + rest
    if not any(ch in UNITS for ch in text):  # 二〇二三: digit by digit
        return int("".join(str(DIGITS[ch]) for ch in text))
    return _with_units(text)


def _with_units(text: str) -> int | None:
    total, digit, last_unit = 0, None, 10**5
    for ch in text:
        if ch in DIGITS:
            if not DIGITS[ch]:
                continue  # 一百零五: the 零 only marks a skipped place
            if digit is not None:
                return None  # 二三十: two digits in a row
            digit = DIGITS[ch]
        else:
            unit = UNITS[ch]
            if unit >= last_unit:
                return None  # 十百: units out of order
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)
