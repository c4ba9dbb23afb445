"""The report as one self-contained web page, for disclosure offices and their websites.

Same text as the Word document, in the same order and from the same narrative calls; no
scripts and no external resources, and the CSS scoped under ``.mr-report`` so the article
can be pasted into a website's content system without restyling the rest of the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path

from make_report.model import Report, format_date
from make_report.narrative import render_context, render_template, render_text, split_paragraphs
from make_report.narrative_names import Names
from make_report.spec import Section
from make_report.writers.atomic import atomic_output
from make_report.writers.html_tables import table_html

SUMMARY_TEMPLATES = {"applications": "applications_summary.j2",
                     "review_litigation": "review_litigation_summary.j2"}
"""Sentences rendered from a table's values, placed just before that table (as in Word)."""
DEFAULT_TEMPLATES = {"other": "fees.j2"}
"""Text for a narrative section the user left empty (as in Word)."""

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
    body = _Page(report, templates, where or {}).body()
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
    text = render_html(report, templates=templates, where=where)
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


class _Page:
    """Collects the report's parts in the official order, the way the Word writer does."""

    def __init__(self, report: Report, templates: Path | None,
                 where: Mapping[str, str]) -> None:
        self.report, self.templates, self.where = report, templates, where
        self.context: Names = render_context(report)
        self.out: list[str] = []

    def body(self) -> str:
        self.out.append(f"<h1>{escape(self.report.title)}</h1>")
        for key, text in (("lead", self.report.lead), ("contact", self.report.contact)):
            self.user_text(text or "", self.where.get(key, "基本信息"))
        for section in self.report.format.sections:
            self.section(section)
        self.closing()
        return "\n".join(self.out)

    def section(self, section: Section) -> None:
        self.out.append(f'<section class="mr-section mr-{section.key}">')
        self.out.append(f"<h2>{escape(section.title)}</h2>")
        wrote = self.entries(section)
        name = SUMMARY_TEMPLATES.get(section.key)
        if name is None and not wrote:
            name = DEFAULT_TEMPLATES.get(section.key)
        if name:
            for text in render_template(name, self.context, self.templates):
                self.paragraph(text)
        if section.table:
            table = self.report.format.table(section.table)
            self.out.append(table_html(table, self.report, section.heading))
        self.out.append("</section>")

    def entries(self, section: Section) -> bool:
        """The user's headings and paragraphs; True if there was any text at all."""
        wrote = False
        for i, entry in enumerate(self.report.narrative.get(section.key, [])):
            if entry.heading and entry.heading.strip():
                self.out.append(f"<h3>{escape(entry.heading.strip())}</h3>")
                wrote = True
            for j, text in enumerate(entry.paragraphs):
                place = self.where.get(f"narrative.{section.key}.{i}.{j}",
                                       f"{section.sheet}(第{i + 1}项第{j + 1}段)")
                wrote = self.user_text(text or "", place) or wrote
        return wrote

    def user_text(self, text: str, where: str) -> bool:
        """A user's cell: rendered, then one paragraph per line."""
        lines = split_paragraphs(render_text(text, self.context, where))
        for line in lines:
            self.paragraph(line)
        return bool(lines)

    def closing(self) -> None:
        self.out.append('<div class="mr-closing">')
        self.paragraph(self.report.agency)
        if self.report.date:
            self.paragraph(format_date(self.report.date))
        self.out.append("</div>")

    def paragraph(self, text: str) -> None:
        if text:
            self.out.append(f"<p>{escape(text)}</p>")
