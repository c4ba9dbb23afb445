"""Text from files (names, agencies, cells) made safe to show: no control characters.

An escape sequence (ESC [...) can restyle or rewrite a terminal, a NUL cuts a name, a
bidi override (U+202E) shows ``exe.txt`` as ``txt.exe``, a zero-width space makes two
names that look the same differ. None of them has a place in a report; wherever such
text is shown it goes through ``visible`` (the terminal, messages) or ``invisible_removed``
(the web page, file names).
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (except tab and newline), DEL, C1
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"  # bidi marks, zero-width
    "\ufff9-\ufffb\ud800-\udfff]"  # interlinear annotations, lone surrogates
)


def visible(text: str) -> str:
    """Each unsafe character written as ``\\uXXXX``, so it is seen and harms nothing."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def invisible_removed(text: str) -> str:
    """Text without the unsafe characters (tab and newline kept)."""
    return UNSAFE.sub("", text)
