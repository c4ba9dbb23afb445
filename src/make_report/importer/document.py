"""Where the parts of a published report are (title, lead, the six sections, the 落款),
and the narrative sections as entries of (一) headings with their paragraphs.

Site navigation before the title and site footers after the report are left out by
recognising what the report itself contains, never by counting lines. Text copied from a
PDF wraps every paragraph over many lines; a line that does not end a sentence is joined
to the next one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from make_report.core.model import Entry
from make_report.core.spec import REPORT_TITLE
from make_report.formats import FORMATS
from make_report.importer.source import Line
from make_report.importer.text import NUMERAL, ends_sentence, is_footer, join_wrapped, norm

TITLE = re.compile(r"(?P<agency>.{0,40}?)(?P<year>(?:19|20)\d{2})年度?"
                   + REPORT_TITLE.replace("工作", "(?:工作)?").replace("年度", "年度?"))
"""The report's title, also as often written without 工作 or 度 (2019年政府信息公开年度报告)."""
HEADING = re.compile(rf"(?:([{NUMERAL}]{{1,2}})[、.,])?(.{{2,40}})")
SECTION_ALIASES = {
    "overview": ("总体情况", "工作情况", "基本情况", "工作概况", "主要做法", "概述"),
    "problems": ("存在的主要问题", "存在问题", "问题及改进"),
    "other": ("其他需要报告",),
    "review_litigation": ("行政复议、行政诉讼", "行政复议和行政诉讼"),
}
"""Real reports' first-level headings that mean an official section (001 has its own)."""
LABELLED = ("发布时间", "发布日期", "发布机构", "时间", "日期", "来源", "作者", "录入", "点击数",
            "浏览次数", "字号", "主办", "承办", "当前位置", "您的位置", "所在位置")
NAVIGATION = ("首页", "打印本页", "打印", "关闭窗口", "关闭", "分享到", "分享", "登录", "注册",
              "网站地图", "无障碍", "收藏", "返回顶部", "大", "中", "小")
FOOTERS = ("ICP备", "公网安备", "网站标识码", "版权所有", "技术支持", "扫一扫", "联系电话:")
CHROME = re.compile(
    rf"(?:{'|'.join(LABELLED)}):.*"
    rf"|(?:[【\[(]?(?:{'|'.join(NAVIGATION)})[】\])]?[|/·>]?)+"
    rf"|.*(?:{'|'.join(FOOTERS)}).*")
"""Lines of the website around a report: labelled fields, navigation words, site footers."""
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
MANGLED_DATE = re.compile(r"\d{4}年[\d月日号.]*")
SPACES = " \t\r\n\xa0\u3000\ufeff"
MARKER = re.compile(r"(?:#+|[-*•])\s+")
NUMBERING = re.compile(rf"[(（]\s*([{NUMERAL}]{{1,2}})\s*[)）]\s*")
HEADING_MAX = 40
"""A (一) line longer than this before its first 。 is a numbered paragraph, not a heading."""
SIGNER_MAX = 30
TITLE_REACH = 10
"""Lines above a bare title searched for the full one."""
CLOSING_REACH = 6
"""Lines at the end searched for the 落款 date (site footers may follow it)."""


@dataclass
class Section:
    key: str
    heading: str
    start: int  # first line after the heading
    end: int


@dataclass
class Layout:
    agency: str | None = None
    year: int | None = None
    start: int = 0
    """First line after the title (0 without one)."""
    sections: list[Section] = field(default_factory=list)
    date: dt.date | None = None
    date_text: str | None = None
    signer: str | None = None
    end: int = 0
    """Where the report ends: the 落款, or the end of the text."""


def compact(text: str) -> str:
    """NFKC without any spaces, and without markdown or list markers in front."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.lstrip("#*•>")


def is_chrome(text: str) -> bool:
    """A line of the website around the report (navigation, publish time, site footer)."""
    t = compact(text)
    return len(t) < 60 and not ends_sentence(t) and bool(CHROME.fullmatch(t))


def find_layout(lines: tuple[Line, ...]) -> Layout:
    layout = Layout(end=len(lines))
    headings = [(n, *h) for n, line in enumerate(lines) if (h := heading_of(line))]
    first = headings[0][0] if headings else len(lines)
    _title(lines, first, layout)
    headings = [h for h in headings if h[0] >= layout.start]
    for i, (n, key, text) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(lines)
        layout.sections.append(Section(key, text, n + 1, end))
    _closing(lines, layout)
    return layout


def heading_of(line: Line) -> tuple[str, str] | None:
    """(section key, heading as written) for a heading of an official section, else None:
    other ``一、…`` lines (table rows, an office's own numbering) are text."""
    if line.kind != "text":
        return None
    m = HEADING.fullmatch(compact(line.text).rstrip("。.*"))
    if not m:
        return None
    text, numbered = norm(m.group(2)), bool(m.group(1))
    for section in {s.key: s for f in FORMATS.values() for s in f.sections}.values():
        official = norm(section.heading)
        if text == official or (numbered and (official in text
                                             or (len(text) >= 4 and text in official))):
            return section.key, line.text.strip()
    for key, aliases in SECTION_ALIASES.items():
        if numbered and any(norm(a) in text for a in aliases):
            return key, line.text.strip()
    return None


def numeral(heading: str) -> str | None:
    """The 一 of ``一、总体情况`` as written (None for an unnumbered heading)."""
    m = HEADING.fullmatch(compact(heading).rstrip("。.*"))
    return m.group(1) if m else None


def numbering(lines: Sequence[Line]) -> list[str]:
    """The numerals of the (一) (二) … that begin lines, in order, as written."""
    out = []
    for line in lines:
        if line.kind == "text" and (m := NUMBERING.match(clean(line.text))):
            out.append(m.group(1))
    return out


def _title(lines: tuple[Line, ...], first: int, layout: Layout) -> None:
    """The closest title before the first section; a bare ``2024年…报告`` takes its agency
    from a full title just above it (000 has both) or from the line above (PDF titles)."""
    closest = None
    for n in range(first - 1, -1, -1):
        if closest is not None and n < closest - TITLE_REACH:
            break
        m = TITLE.fullmatch(compact(lines[n].text)) if lines[n].kind == "text" else None
        if not m:
            continue
        if closest is None:
            closest = n
            layout.year, layout.start = int(m.group("year")), n + 1
        if m.group("agency"):
            layout.agency = m.group("agency")
            return
    if closest is not None:
        layout.agency = _line_above(lines, closest)


def _line_above(lines: tuple[Line, ...], n: int) -> str | None:
    for k in range(n - 1, -1, -1):
        text = compact(lines[k].text)
        if text:
            ok = len(text) <= SIGNER_MAX and not ends_sentence(text) and not is_chrome(text)
            return text if ok else None
    return None


def _closing(lines: tuple[Line, ...], layout: Layout) -> None:
    """The 落款 at the end: a date line, and the agency line just above it."""
    last = layout.sections[-1].start if layout.sections else layout.start
    texts = [(n, compact(lines[n].text)) for n in range(last, len(lines))]
    texts = [(n, t) for n, t in texts if t and not is_chrome(t) and not is_footer(t)]
    tail = range(len(texts) - 1, max(len(texts) - CLOSING_REACH, 0) - 1, -1)
    at = next((i for i in tail if parse_date(texts[i][1]) or MANGLED_DATE.fullmatch(texts[i][1])),
              None)
    if at is None:
        return
    n, text = texts[at]
    layout.date, layout.date_text, layout.end = parse_date(text), text, n
    if at > 0:
        k, above = texts[at - 1]
        if len(above) <= SIGNER_MAX and not ends_sentence(above):
            layout.signer, layout.end = above, k
    if layout.sections:
        layout.sections[-1].end = min(layout.sections[-1].end, layout.end)


def parse_date(text: str) -> dt.date | None:
    m = DATE.fullmatch(compact(text))
    if not m:
        return None
    y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def guess_year(lines: tuple[Line, ...]) -> int | None:
    """Without a title: the year the text mentions most (``2023年``), for a warning."""
    years = Counter(int(y) for line in lines
                    for y in re.findall(r"((?:19|20)\d{2})\s*年", line.text))
    return years.most_common(1)[0][0] if years else None


# --- narrative: entries of (一) headings and paragraphs ---


def clean(text: str) -> str:
    """A line without indentation or a markdown/list marker in front."""
    text = text.strip(SPACES)
    return MARKER.sub("", text, count=1).strip(SPACES) if MARKER.match(text) else text


def subheading(text: str) -> tuple[str, str] | None:
    """``(一)主动公开情况。2023年…`` -> (``(一)主动公开情况``, ``2023年…``); None if no heading."""
    m = NUMBERING.match(text)
    if not m:
        return None
    rest = text[m.end():]
    cut = rest.find("。")
    head, tail = (rest[:cut], rest[cut + 1:].strip(SPACES)) if cut >= 0 else (rest, "")
    if not head or len(head) > HEADING_MAX:
        return None
    return f"({m.group(1)}){head.strip(SPACES)}", tail


def entries(lines: Sequence[Line], wrapped: bool) -> list[Entry]:
    """Paragraphs under the (一) headings; text before the first heading has none."""
    out: list[Entry] = []
    open_ = False
    for line in lines:
        text = clean(line.text)
        if not text or is_footer(text) or is_chrome(text):
            continue
        head = subheading(text)
        if head:
            out.append(Entry(head[0], [head[1]] if head[1] else []))
            open_ = wrapped and bool(head[1]) and not ends_sentence(head[1])
            continue
        if not out:
            out.append(Entry(None, []))
        paragraphs = out[-1].paragraphs
        if open_ and paragraphs:
            paragraphs[-1] = join_wrapped(paragraphs[-1], text)
        else:
            paragraphs.append(text)
        open_ = wrapped and not ends_sentence(text)
    return out


def paragraphs(lines: Sequence[Line], wrapped: bool) -> list[str]:
    """Plain paragraphs (the lead): headings, if any, kept as text."""
    out: list[str] = []
    for entry in entries(lines, wrapped):
        out.extend(([entry.heading] if entry.heading else []) + entry.paragraphs)
    return out
