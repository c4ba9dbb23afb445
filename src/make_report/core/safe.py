"""Text from files (names, agencies, cells) made safe to show: no control characters.

An escape sequence (ESC [...) can restyle or rewrite a terminal, a NUL cuts a name, a
bidi override (U+202E) shows ``exe.txt`` as ``txt.exe``, a zero-width space makes two
names that look the same differ. None of them has a place in a report; wherever such
text is shown it goes through ``visible`` (the terminal, messages) or ``invisible_removed``
(the web page, the Word document, file names). Where a clerk's text is read (a workbook's
cells, interchange JSON) ``cleaned`` removes them and says which were there, so the reader
can name the cell (rule H1).
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (except tab and newline), DEL, C1
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"  # bidi marks, zero-width
    "\ufff9-\ufffb\ud800-\udfff"  # interlinear annotations, lone surrogates
    "\U000e0000-\U000e007f]"  # tag characters (invisible)
)


def visible(text: str) -> str:
    """Each unsafe character written as ``\\uXXXX``, so it is seen and harms nothing."""
    return UNSAFE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    """``\\u202e``; beyond U+FFFF its UTF-16 pair, so JSON reads the escape back as it was."""
    code = ord(m.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def one_line(text: str, limit: int | None = None) -> str:
    """A cell's text quoted inside a sentence: line breaks and runs of blanks as one space,
    clipped to ``limit`` characters, so a refusal stays one line however the cell was typed."""
    flat = " ".join(text.split())
    return flat if limit is None or len(flat) <= limit else flat[:limit] + "…"


def invisible_removed(text: str) -> str:
    """Text without the unsafe characters (tab and newline kept)."""
    return UNSAFE.sub("", text)


_KINDS = (
    ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "文字方向控制符"),
    ("\u200e\u200f\u061c", "文字方向标记"),
    ("\u200b", "零宽空格"),
    ("\u200c\u200d\u2060\ufeff", "零宽字符"),
    ("\u2061\u2062\u2063\u2064\ufff9\ufffa\ufffb", "不可见字符"),
)


def _kind(ch: str) -> str:
    for chars, name in _KINDS:
        if ch in chars:
            return name
    if "\ud800" <= ch <= "\udfff":
        return "无效字符"
    if ch >= "\U000e0000":
        return "不可见字符"
    return "控制字符"


def cleaned(text: str) -> tuple[str, str]:
    """``text`` without the unsafe characters (line breaks as ``\n``), and what was taken
    out in words a clerk can look for, e.g. “U+202E(文字方向控制符)、U+200B(零宽空格)”;
    an empty description when nothing was."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows' line breaks are no harm
    found = dict.fromkeys(UNSAFE.findall(text))
    if not found:
        return text, ""
    shown = "、".join(f"U+{ord(ch):04X}({_kind(ch)})" for ch in list(found)[:5])
    if len(found) > 5:
        shown += f" 等 {len(found)} 种"
    return invisible_removed(text), shown
