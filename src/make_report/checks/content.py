"""What a reviewer rejects in the text (rules C1–C8, C12): pure, report in, findings out.

Thresholds and word lists are data in ``rules/families/content.py``; this module only
finds the paragraphs, sentences and numbers they apply to. A finding names the cell of a
workbook (``五、问题及改进!B6``) or, for a report without cells, its own section heading.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from make_report.checks.paragraphs import (
    EXCERPT,
    SENTENCE,
    Paragraph,
    Places,
    around,
    paragraphs,
    squash,
)
from make_report.checks.units import check_units
from make_report.core.findings import Finding, Location
from make_report.core.layout import hint_texts
from make_report.core.model import Report
from make_report.core.numerals import parse_count
from make_report.core.spec import Format, Section
from make_report.rules import finding
from make_report.rules.families import content as data

CLAUSE = re.compile(r"[,，:：;；、]")
YEAR = re.compile(r"((?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年")
PLACEHOLDER = re.compile("|".join(data.PLACEHOLDERS))
PAIRS = {"《": "》", "〔": "〕", "[": "]", "【": "】", "(": ")", "（": "）"}
BRACKET = re.compile("[" + re.escape("".join(PAIRS) + "".join(PAIRS.values())) + "]")


def check_content(report: Report, cells: Mapping[str, Location] | None = None,
                  titles: Mapping[str, str] | None = None) -> Iterator[Finding]:
    """C1–C8, C14, C15 on one report; ``titles`` are a published report's own headings
    (C9–C11 are in ``headings``, C12 needs last year's report: ``check_copied``)."""
    places = Places(report, cells, titles)
    pars = paragraphs(report)
    yield from check_leftovers(report, pars, places)
    yield from check_years(report, pars, places)
    yield from check_problems(report, pars, places, published=titles is not None)
    yield from check_fees(report, pars, places)
    yield from check_units(report, pars, places, cells)


# --- C1, C2: leftovers ---

def check_leftovers(report: Report, pars: Sequence[Paragraph], places: Places) -> Iterator[Finding]:
    hints = [_fold(h) for h in hint_texts(report.format)]
    if report.agency and (m := PLACEHOLDER.search(report.agency)):
        yield finding("C1", found=m.group(0), **places.meta("agency", "机关名称"))
    for par in pars:
        leftover = _leftover(par.text, hints) or _leftover(par.heading or "", hints)
        if leftover:
            yield finding("C1", found=leftover, **places.of(par))
        text = par.text.rstrip()
        if text and text[-1] in data.UNFINISHED_ENDINGS:
            yield finding("C2", found=text[-1], excerpt=_tail(text), **places.of(par))


def _leftover(text: str, hints: Sequence[str]) -> str | None:
    if m := PLACEHOLDER.search(text):
        return m.group(0)
    flat = _fold(text)
    for hint in hints:
        if hint in flat or (len(flat) >= data.HINT_MIN_CHARS and flat in hint):
            return _cut(text, 30)
    return None


def _fold(text: str) -> str:
    """Squashed, full-width forms folded (NFKC): a hint pasted from an older workbook with
    half-width brackets is the same leftover."""
    return squash(unicodedata.normalize("NFKC", text))


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _tail(text: str) -> str:
    return text if len(text) <= 2 * EXCERPT else "…" + text[-2 * EXCERPT:]


# --- C3, C4: years ---

def check_years(report: Report, pars: Sequence[Paragraph], places: Places) -> Iterator[Finding]:
    period = re.compile(data.PERIOD)
    for par in pars:
        heading = par.heading or ""
        context = (bool(re.search(data.FIXED_HEADING, heading)), _has(heading, data.FUTURE))
        for sentence in SENTENCE.findall(par.text):
            if period.search(sentence):
                yield from _period(report, sentence, par, places)
            elif wrong := _wrong_year(report.year, sentence, *context):
                year, written = wrong
                yield finding("C3", found=year, expected=report.year,
                              sentence=around(sentence, written), **places.of(par))
                break  # one per paragraph: a copied paragraph says it once


def _period(report: Report, sentence: str, par: Paragraph, places: Places) -> Iterator[Finding]:
    inside = _Brackets(sentence)
    for m in YEAR.finditer(sentence):
        year = parse_count(m.group(1))
        if year is not None and year != report.year and m.start() not in inside:
            yield finding("C4", found=year, expected=report.year, **places.of(par))
            return


def _wrong_year(report_year: int, sentence: str, review: bool = False,
                plan: bool = False) -> tuple[int, str] | None:
    """The first year the sentence states (and how it writes it) that neither is the report
    year nor sits in a comparison, a look back, a plan, a title or a document number;
    ``review``/``plan``: the heading above speaks of last year's problems / of plans."""
    years = list(YEAR.finditer(sentence))
    if not years:
        return None
    inside = _Brackets(sentence)
    stops = [m.start() for m in CLAUSE.finditer(sentence)]
    for m in years:
        year = parse_count(m.group(1))
        if year is None or year == report_year or m.start() in inside:
            continue
        if year == report_year - 1 and (review or _has(sentence, data.COMPARISON)):
            continue
        if year > report_year and (plan or _has(sentence, data.FUTURE)):
            continue
        if _has(_clause(sentence, stops, m.start()), data.COMPARISON):
            continue
        return year, m.group(1)
    return None


def _has(text: str, words: Sequence[str]) -> bool:
    return any(w in text for w in words)


def _clause(sentence: str, stops: Sequence[int], at: int) -> str:
    """The part of the sentence between the punctuation marks around ``at``."""
    i = bisect.bisect_right(stops, at)
    left = stops[i - 1] + 1 if i else 0
    right = stops[i] if i < len(stops) else len(sentence)
    return sentence[left:right]


class _Brackets:
    """Whether a place is inside 《…》 (a title), 〔…〕 or […] (a document number), or any
    other bracket pair; one pass over the bracket marks only, however long the text."""

    def __init__(self, text: str) -> None:
        closers = {c: o for o, c in PAIRS.items()}
        depth = dict.fromkeys(PAIRS, 0)
        self.marks: list[int] = []
        self.states: list[bool] = []
        for m in BRACKET.finditer(text):
            ch = m.group(0)
            if ch in depth:
                depth[ch] += 1
            elif depth[closers[ch]]:
                depth[closers[ch]] -= 1
            self.marks.append(m.start())
            self.states.append(any(depth.values()))

    def __contains__(self, at: int) -> bool:
        i = bisect.bisect_left(self.marks, at)
        return self.states[i - 1] if i else False


# --- C5, C6: section 五 ---

def check_problems(report: Report, pars: Sequence[Paragraph], places: Places,
                   published: bool = False) -> Iterator[Finding]:
    section = _section(report.format, "problems")
    if section is None or (published and section.key not in report.narrative):
        return  # a published report without the section: the heading rules say so
    own = [p for p in pars if p.section is section]
    text = "".join(squash(p.text) for p in own)
    where = places.section(section)
    words = {"minimum": data.PROBLEMS_MIN_CHARS}
    if not text:
        yield finding("C5", kind="empty", **words, **where)
    elif text in data.EMPTY_WORDS:
        yield finding("C5", kind="empty_word", found=text, **words, **where)
    elif len(text) < data.PROBLEMS_MIN_CHARS:
        yield finding("C5", kind="short", found=len(text), **words, **where)
    elif report.format.id in data.FIXED_LAST_YEAR_FORMATS and not _fixed(report, own, section):
        yield finding("C6", **where)


def _section(fmt: Format, key: str) -> Section | None:
    return next((s for s in fmt.narrative_sections if s.key == key), None)


def _fixed(report: Report, own: Sequence[Paragraph], section: Section) -> bool:
    """Whether section 五 says how last year's problems were fixed."""
    said = re.compile(data.FIXED_LAST_YEAR.format(last=report.year - 1))
    headed = any(e.heading and re.search(data.FIXED_HEADING, e.heading) and e.paragraphs
                 for e in report.narrative.get(section.key, []))
    return headed or any(said.search(p.text) for p in own)


# --- C7, C8: section 六's 信息处理费 ---

def check_fees(report: Report, pars: Sequence[Paragraph], places: Places) -> Iterator[Finding]:
    section = _section(report.format, "other")
    if section is None or report.format.id not in data.FEE_STATEMENT_FORMATS:
        return
    own = [p for p in pars if p.section is section]
    if own and not any(re.search(data.FEE_WORDS, p.text) for p in own):
        yield finding("C7", **places.section(section))
    yield from _fee_agreement(pars, section, places, data.FEE_AMOUNT, "信息处理费金额", _yuan)
    yield from _fee_agreement(pars, section, places, data.FEE_NOTICES, "收费通知件数",
                              lambda m: Decimal(m.group(1)))


def _yuan(m: re.Match[str]) -> Decimal:
    """An amount in 元, whether written in 元 or in 万元."""
    return Decimal(m.group(1)) * (10000 if m.group(2) == "万元" else 1)


def _fee_agreement(pars: Sequence[Paragraph], section: Section, places: Places, pattern: str,
                   what: str, value) -> Iterator[Finding]:
    """Every statement outside section 六 must be one section 六 makes too."""
    found = [(p, m.group(0), value(m))
             for p in pars for m in re.finditer(pattern, p.text)]
    own = [(p, text, v) for p, text, v in found if p.section is section]
    if not own:
        return
    stated = {v for _, _, v in own}
    for par, text, v in found:
        if par.section is not section and v not in stated:
            yield finding("C8", what=what, found=f"“{text}”", expected=f"“{own[0][1]}”",
                          other=places.title(section), **places.of(par))


# --- C12: text copied from last year ---

def check_copied(report: Report, previous: Report) -> Iterator[Finding]:
    """The share of this year's narrative sentences identical to last year's, each read
    with its own report year (and the year before) written as a placeholder."""
    mine = _sentences(report)
    if len(mine) < data.COPIED_MIN_SENTENCES:
        return
    theirs = set(_sentences(previous))
    same = sum(1 for s in mine if s in theirs)
    share = Decimal(same) / len(mine)
    if share > data.COPIED_SHARE:
        yield finding("C12", total=len(mine), count=same, share=data.pct(share),
                      limit=data.pct(data.COPIED_SHARE), found=share)


def _sentences(report: Report) -> list[str]:
    out = []
    for par in paragraphs(report):
        if par.section is None:
            continue
        for sentence in SENTENCE.findall(par.text):
            s = squash(sentence).rstrip("。！？!?;；")
            if len(s) >= data.SENTENCE_MIN_CHARS:
                out.append(s.replace(str(report.year), "<本年>")
                           .replace(str(report.year - 1), "<上年>"))
    return out
