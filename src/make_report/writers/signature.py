"""Where the agency name and the date of the signature sit (GB/T 9704-2012 7.3.5).

Pure arithmetic in characters of body text (三号), shared by the Word and web layouts:

- sealed (7.3.5.1): the date 4 characters in from the right, the agency name centred over
  it; a name too long for that keeps 2 characters from the right edge and the date moves
  left so that the name is still centred over it;
- unsealed (7.3.5.2): the agency name 2 characters in from the right, the date on the next
  line starting 2 characters right of the name's first character; a date longer than that
  allows keeps 2 characters from the right edge and the name moves left accordingly.
"""

from __future__ import annotations

import itertools
import unicodedata

from make_report.core.record import record

SEALED_DATE_RIGHT = 4
UNSEALED_NAME_RIGHT = 2
MIN_RIGHT = 2
DATE_SHIFT = 2


AUTO_SPACE = 0.25
"""Word and LibreOffice put about a quarter character between Chinese text and digits."""


def text_width(text: str) -> float:
    """Width in body characters: Chinese and full-width 1, ASCII (digits) one half, plus
    the automatic space where Chinese text meets digits or Latin letters."""
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    changes = sum(a != b for a, b in itertools.pairwise(wide))
    return sum(1.0 if w else 0.5 for w in wide) + AUTO_SPACE * changes


@record
class Signature:
    agency_right: float
    """Characters between the agency name and the right edge of the type area."""
    date_right: float


def signature_layout(agency: str, date: str, *, sealed: bool = True) -> Signature:
    """Right indents (in characters) of the agency line and the date line."""
    name, when = text_width(agency), text_width(date)
    if not date:
        return Signature(float(SEALED_DATE_RIGHT if sealed else UNSEALED_NAME_RIGHT), 0.0)
    if sealed:
        date_right = float(SEALED_DATE_RIGHT)
        agency_right = date_right + (when - name) / 2
        if agency_right < MIN_RIGHT:
            agency_right = float(MIN_RIGHT)
            date_right = agency_right + (name - when) / 2
        return Signature(agency_right, date_right)
    agency_right = float(UNSEALED_NAME_RIGHT)
    date_right = agency_right + name - DATE_SHIFT - when
    if date_right < MIN_RIGHT:
        date_right = float(MIN_RIGHT)
        agency_right = date_right + when + DATE_SHIFT - name
    return Signature(agency_right, date_right)
