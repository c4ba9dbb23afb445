"""The headings of a published report (rules C9–C11): the six first-level headings in
order, numbered 一 to 六, and each narrative section's (一) (二) … without gaps or repeats.

The importer says what it saw (``ImportResult.headings`` and ``numbering``); this module
judges it against the format.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from make_report.core.findings import Finding
from make_report.core.spec import Format
from make_report.rules import finding


def check_headings(fmt: Format, headings: Sequence[tuple[str, str, str | None]],
                   numbering: Mapping[str, Sequence[str]]) -> Iterator[Finding]:
    """``headings``: (section key, heading as written, its numeral) in the report's order;
    ``numbering``: the numerals of each narrative section's (一) headings, in order."""
    seen = [key for key, _, _ in headings]
    for section in fmt.sections:
        if section.key not in seen:
            yield finding("C9", expected=section.title)
    order = [s.key for s in fmt.sections]
    position = 0
    for key, text, numeral in headings:
        section = fmt.section(key)
        rank = order.index(key)
        if numeral != section.number or rank < position:
            yield finding("C10", place=text, found=text, expected=section.title)
        position = max(position, rank)
    for key, numerals in numbering.items():
        expected = [_numeral(i + 1) for i in range(len(numerals))]
        if list(numerals) != expected:
            title = next((t for k, t, _ in headings if k == key), fmt.section(key).title)
            yield finding("C11", place=title, found="".join(f"({n})" for n in numerals),
                          expected="".join(f"({n})" for n in expected))


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")
