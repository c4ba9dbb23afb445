"""Full-width punctuation next to Chinese characters, as the official format writes it.

Clerks type ``2023年,我局…`` or ``(一)主动公开`` with half-width marks; the format and real
published reports use ``，；：（）``. ``full_width`` rewrites a mark only where it touches
Chinese text, so numbers (``1,234``, ``12:30``), phone numbers, URLs and runs of ASCII
(``Windows (64 bit)``) stay as they are. Pure: no I/O, the same text gives the same result.
"""

from __future__ import annotations

import re

_MARKS = {",": "，", ";": "；", ":": "："}
_OPEN, _CLOSE = "（", "）"
_BOOK = re.compile(r"《[^《》]*》")
_SPACED = re.compile(r"[ \t]*([，；：（）])[ \t]*")


def is_chinese(ch: str) -> bool:
    """A Chinese character or a full-width (CJK) punctuation mark or quote."""
    code = ord(ch)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF or 0x2018 <= code <= 0x201D or 0x20000 <= code <= 0x2FFFF)


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character from ``i`` in direction ``step`` that is not a space."""
    i += step
    while 0 <= i < len(text) and text[i] in " \t":
        i += step
    return text[i] if 0 <= i < len(text) else ""


def _touches_chinese(text: str, i: int) -> bool:
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    return bool(before and is_chinese(before)) or bool(after and is_chinese(after))


def full_width(text: str) -> str:
    """``,;:()`` next to Chinese characters made full-width; ``<…>`` inside ``《》`` → ``〈…〉``."""
    if not text or text.isascii():
        return text
    original = text
    chars = list(text)
    _brackets(text, chars)
    text = "".join(chars)
    for i, ch in enumerate(text):
        if ch in _MARKS and _touches_chinese(text, i):
            if _neighbour(text, i, -1).isdigit() and _neighbour(text, i, 1).isdigit():
                continue  # 1,234 or 12:30 inside a sentence
            chars[i] = _MARKS[ch]
    out = "".join(chars)
    if out != original:
        out = _SPACED.sub(r"\1", out)
    return _BOOK.sub(lambda m: m.group(0).replace("<", "〈").replace(">", "〉"), out)


def _brackets(text: str, chars: list[str]) -> None:
    """Matched ``( )`` pairs holding or touching Chinese text become ``（ ）``; a lone
    bracket does when it touches Chinese text."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
        elif ch == ")":
            if _touches_chinese(text, i):
                chars[i] = _CLOSE
    for i in stack:
        if _touches_chinese(text, i):
            chars[i] = _OPEN
    for start, end in pairs:
        inner = text[start + 1 : end]
        if any(is_chinese(c) for c in inner) or _outside_chinese(text, start, end):
            chars[start], chars[end] = _OPEN, _CLOSE


def _outside_chinese(text: str, start: int, end: int) -> bool:
    before, after = _neighbour(text, start, -1), _neighbour(text, end, 1)
    return bool(before and is_chinese(before)) or bool(after and is_chinese(after))
