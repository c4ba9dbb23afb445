"""The audit of a folder as one web page: the same rows as the workbook, every text escaped."""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path

from make_report.core.audit import CONSISTENT, INCONSISTENT, AuditItem
from make_report.core.safe import visible
from make_report.writers.atomic import write_text
from make_report.writers.audit_xlsx import MAIN_HEADERS, finding_line, rules_line

STYLE = """body{font-family:"SimSun","Noto Serif CJK SC",serif;margin:2em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #808080;padding:4px;
vertical-align:top;text-align:left}th{background:#d9d9d9}.ok{background:#e2efda}
.bad{background:#f8cbad}.unknown{background:#ffe699}"""
CLASSES = {CONSISTENT: "ok", INCONSISTENT: "bad"}


def escape(text: str) -> str:
    """Markup escaped; a character that could disguise a name (a bidi override in a file's
    name) shown as \\uXXXX, as on the terminal."""
    return html_escape(visible(text))


def render_audit_html(items: list[AuditItem]) -> str:
    counts = {v: sum(1 for i in items if i.verdict == v) for v in dict.fromkeys(
        (CONSISTENT, INCONSISTENT, "无法读取"))}
    summary = ",".join(f"{v} {n} 份" for v, n in counts.items())
    rows = []
    for i in items:
        cells = (i.file, i.agency, str(i.year or ""), i.format, i.verdict, rules_line(i),
                 "<br>".join(escape(finding_line(f)) for f in i.findings
                             if f["severity"] != "info"), i.message)
        tds = [f"<td>{c if n == 6 else escape(c)}</td>" for n, c in enumerate(cells)]
        tds[4] = f'<td class="{CLASSES.get(i.verdict, "unknown")}">{escape(i.verdict)}</td>'
        rows.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in MAIN_HEADERS)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>政府信息公开工作年度报告审核结果</title><style>{STYLE}</style></head><body>"
            f"<h1>政府信息公开工作年度报告审核结果</h1><p>共 {len(items)} 份:{escape(summary)}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "</body></html>\n")


def write_audit_html(items: list[AuditItem], path: Path) -> None:
    write_text(path, render_audit_html(items))
