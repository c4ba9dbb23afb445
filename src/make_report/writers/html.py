"""The report as one self-contained web page, for disclosure offices and their websites.

Same parts as the Word document (``parts.report_parts``), in the same order; no
scripts and no external resources, and the CSS scoped under ``.mr-report`` so the article
can be pasted into a website's content system without restyling the rest of the site.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from html import escape as html_escape
from pathlib import Path

from make_report.core.model import Report
from make_report.core.safe import invisible_removed
from make_report.narrative.parts import Part, report_parts
from make_report.writers.atomic import atomic_output
from make_report.writers.html_tables import table_html

BODY_FONTS = '"仿宋_GB2312", "仿宋", FangSong, FangSong_GB2312, STFangsong, SimSun, "宋体", serif'
CSS = f"""
.mr-report {{ max-width: 52em; margin: 0 auto; padding: 1em 1.5em; color: #000;
  background: #fff; font-family: {BODY_FONTS}; font-size: 16px; line-height: 1.8; }}
.mr-report h1 {{ margin: 1em 0 1.2em; text-align: center; font-size: 1.6em;
  font-weight: normal; line-height: 1.5;
  font-family: "方正小标宋简体", "方正小标宋_GBK", SimSun, "宋体", serif; }}
.mr-report h2 {{ margin: 1em 0 .3em; text-indent: 2em; font-size: 1em; font-weight: normal;
  font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; }}
.mr-report h3 {{ margin: .3em 0; text-indent: 2em; font-size: 1em; font-weight: normal;
  font-family: "楷体_GB2312", "楷体", KaiTi, STKaiti, serif; }}
.mr-report p {{ margin: 0; text-indent: 2em; text-align: justify; }}
.mr-report .mr-table {{ margin: .6em 0 1em; overflow-x: auto; }}
.mr-report table {{ width: 100%; min-width: 36em; border-collapse: collapse;
  table-layout: fixed; font-family: SimSun, "宋体", serif; font-size: 14px; line-height: 1.4; }}
.mr-report .mr-block {{ min-width: 24em; }}
.mr-report .mr-grid {{ font-size: 13px; }}
.mr-report th, .mr-report td {{ padding: .3em .2em; border: 1px solid #000;
  text-align: center; vertical-align: middle; font-weight: normal; text-wrap: balance;
  overflow-wrap: anywhere; }}
.mr-report thead th, .mr-report th[scope="colgroup"] {{ background: #f2f2f2; }}
.mr-report th.mr-label {{ text-align: left; }}
.mr-report td.mr-num {{ min-width: 2em; font-variant-numeric: tabular-nums; }}
.mr-report .mr-caption {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }}
.mr-report .mr-closing {{ margin-top: 2em; padding-right: 4em; text-align: right; }}
.mr-report .mr-closing p {{ text-indent: 0; text-align: right; }}
"""


def render_html(report: Report, *, templates: Path | None = None,
                where: Mapping[str, str] | None = None) -> str:
    """The whole page; a broken narrative template raises ``NarrativeError`` as for Word.

    ``where`` maps ``narrative.{section}.{i}.{j}``, ``lead`` and ``contact`` to the places
    users know (一、总体情况!B7) for error messages.
    """
    body = _body(report, report_parts(report, templates=templates, where=where))
    title = escape(report.title)
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<article class="mr-report">\n{body}\n</article>\n</body>\n</html>\n')


def write_html(report: Report, path: str | Path, *, templates: Path | None = None,
               where: Mapping[str, str] | None = None) -> None:
    """Render first, then replace the file in one step, so a failure leaves no half page.
    """
    path = Path(path)
    text = stamp(render_html(report, templates=templates, where=where))
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


STAMP = re.compile(r'<meta name="make-report-sha256" content="([0-9a-f]{64})">\n')
"""The hash of the page without this line: a later build knows whether it was edited."""


def stamp(page: str) -> str:
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()
    return page.replace("<head>\n", f'<head>\n<meta name="make-report-sha256" content="{digest}">\n', 1)


def stamp_matches(page: str) -> bool | None:
    """None: no stamp (not written here); else whether the page is as written."""
    found = STAMP.search(page)
    if not found:
        return None
    rest = page[:found.start()] + page[found.end():]
    return hashlib.sha256(rest.encode("utf-8")).hexdigest() == found.group(1)


def _body(report: Report, parts: Iterable[Part]) -> str:
    """The report's parts (``parts.report_parts``) as HTML, one element a line."""
    out: list[str] = []
    for part in parts:
        match part:
            case ("title", text):
                out.append(f"<h1>{escape(text)}</h1>")
            case ("section", section):
                out.append(f'<section class="mr-section mr-{section.key}">')
            case ("heading1", text):
                out.append(f"<h2>{escape(text)}</h2>")
            case ("heading2", text):
                out.append(f"<h3>{escape(text)}</h3>")
            case ("paragraph", text):
                out.extend(_paragraph(text))
            case ("table", table, caption):
                out.append(table_html(table, report, caption))
            case ("end", _):
                out.append("</section>")
            case ("closing", agency, date):
                out.extend(('<div class="mr-closing">', *_paragraph(agency), *_paragraph(date),
                            "</div>"))
            case _:
                raise ValueError(f"unknown report part {part[0]!r}")
    return "\n".join(out)


def escape(text: str) -> str:
    """Text for the page: markup escaped, control characters and bidi overrides gone."""
    return html_escape(invisible_removed(text))


def _paragraph(text: str) -> list[str]:
    return [f"<p>{escape(text)}</p>"] if text else []
