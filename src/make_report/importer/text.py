"""Text helpers shared by the importer: one normal form for labels, numbers as values.

Published reports mix full-width and half-width brackets, split labels over lines and
put spaces anywhere; comparing a normal form (never the raw text) absorbs all of that.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from make_report.core.model import Value
from make_report.core.spec import Kind

QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
NUMERAL = "一二三四五六七八九十"
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
UNIT = re.compile(r"(?<=\d)\s*(?:件|个|项|次|宗|条|起|万元)$")
"""A count written with its unit in a table cell (``6件``) is still that count."""
FOOTER = re.compile(r"[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?")
DASHES = frozenset({"-", "—", "–", "——", "--", "/", "\\", "－"})
BLANK_CHARS = frozenset("\xa0\u3000\u2002\u2003\u200b\ufeff")
SEGMENT = re.compile(rf"(?=[{NUMERAL}]+、|\([{NUMERAL}]+\)|(?<![\d.])\d{{1,2}}\.(?!\d))")
SENTENCE_END = "。！？!?"
CLOSERS = "”’」』)）》"
FUZZY_MIN_LENGTH = 5
FUZZY_RATIO = 0.8


def norm(text: str) -> str:
    """The comparable form of a label: NFKC, no spaces or quotes, ``1、`` read as ``1.``."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d)[、.](?!\d)", ".", text)


def squash(text: str) -> str:
    """Whitespace of a table cell collapsed, so ``结果\\n纠正`` reads as one label."""
    return " ".join(text.replace("\xa0", " ").replace("\u3000", " ").split())


def is_blank_cell(text: str) -> bool:
    """A line or cell holding only non-breaking spaces: an empty table cell of a web page."""
    return any(ch in BLANK_CHARS for ch in text) and \
        all(ch in BLANK_CHARS or ch.isspace() for ch in text)


def is_footer(text: str) -> bool:
    """A page number of a PDF's text (``-1-``, ``— 2 —``, ``第3页``)."""
    return bool(FOOTER.fullmatch(unicodedata.normalize("NFKC", text).strip()))


def _plain(text: str) -> str:
    return UNIT.sub("", unicodedata.normalize("NFKC", text).strip())


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(_plain(text)))


def is_dash(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip() in DASHES


def parse_value(text: str, kind: Kind) -> Value | None:
    """A table cell as the field's kind of number; None when it is not a number at all."""
    raw = _plain(text).replace(",", "")
    if not NUMBER.fullmatch(raw):
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    if kind != "amount" and number == number.to_integral_value():
        return int(number)
    return number


def segments(text: str) -> list[str]:
    """A run of label text cut before each numbering (一、 / (一) / 1.)."""
    return [s for s in SEGMENT.split(text) if s]


def find_label(label: str, text: str) -> str | None:
    """The part of ``text`` (normal form) that is ``label``, allowing typos in long labels."""
    want = norm(label)
    if not want:
        return None
    if want in text:
        return want
    if len(want) < FUZZY_MIN_LENGTH:
        return None
    best, best_ratio = None, FUZZY_RATIO
    for seg in segments(text):
        ratio = SequenceMatcher(None, want, seg, autojunk=False).ratio()
        if ratio >= best_ratio:
            best, best_ratio = seg, ratio
    return best


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (a closing quote or bracket after 。 still does)."""
    return text.rstrip().rstrip(CLOSERS).endswith(tuple(SENTENCE_END))


def join_wrapped(left: str, right: str) -> str:
    """Two lines of one wrapped paragraph: no space between CJK, one between ASCII words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() \
            and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right
