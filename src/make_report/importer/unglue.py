"""A report whose line breaks were lost (the whole body on one line, as a page copied out
of some sites gives it) cut back into lines where the report itself shows they were:
around the title, around each official section heading, after each sentence, and around
the 落款 date, and around the site's 【…】 buttons. Lines that already look like a report are left exactly as they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from itertools import pairwise

from make_report.formats import FORMATS
from make_report.importer.source import Line, Source

MIN_GLUED = 200
"""A text line shorter than this is never cut (a heading, a paragraph, a table row)."""
TITLE = re.compile(r"(?:19|20)\d{2}年度?政府信息公开(?:工作)?年度?报告")
DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?![^。]{0,30}[,,])")


@cache
def _headings() -> re.Pattern[str]:
    titles = {s.title for f in FORMATS.values() for s in f.sections}
    return re.compile("|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)))


def unglue(source: Source) -> Source:
    """The same source, with glued text lines cut where headings and sentences begin."""
    if not any(_glued(line) for line in source.lines):
        return source
    out: list[Line] = []
    for line in source.lines:
        out.extend(Line((part,)) for part in cut(line.text)) if _glued(line) else out.append(line)
    return Source(tuple(out), source.wrapped)


def _glued(line: Line) -> bool:
    if line.kind == "grid" or len(line.text) < MIN_GLUED:
        return False
    text = unicodedata.normalize("NFKC", line.text)
    return len(_headings().findall(text)) >= 2 or bool(TITLE.search(text) and _headings().search(text))


def cut(text: str) -> list[str]:
    """Pieces of one glued line, in order, none empty."""
    text = unicodedata.normalize("NFKC", text)
    marks: set[int] = set()
    for pattern in (_headings(), DATE):
        for m in pattern.finditer(text):
            marks.update((m.start(), m.end()))
    for m in TITLE.finditer(text):
        marks.add(m.end())
    marks.update(m.end() for m in re.finditer(r"。[”’」』)]*|】", text))
    marks.update(m.start() for m in re.finditer(r"【", text))
    bounds = sorted({0, len(text), *marks})
    return [p.strip() for a, b in pairwise(bounds)
            if (p := text[a:b]).strip()]

