"""Published reports built in code: the tool's own web page, as text a person may save."""

from __future__ import annotations

from make_report.core.model import Report
from make_report.importer.source import Line, html_lines
from make_report.writers.html import render_html


def page_lines(report: Report) -> list[Line]:
    """The report as the tool publishes it (its web page), as importer lines."""
    return html_lines(render_html(report))


def as_text(lines: list[Line], sep: str = "\t") -> str:
    """Lines as saved text: a table row's cells joined by ``sep`` ("" runs them together)."""
    return "\n".join(sep.join(line.cells) if line.kind == "grid" else line.text for line in lines)


def published_text(report: Report, sep: str = "\t") -> str:
    return as_text(page_lines(report), sep)


# --- texts with the cells of every row run together, from hand-read numbers ---

NAV = ["首页 | 政务公开 | 政府信息公开年报", "当前位置:首页>政府信息公开>年度报告", "【字体:大 中 小】"]
FOOTER = ["【打印本页】【关闭窗口】", "相关链接:国务院 省政府", "版权所有:某县人民政府 网站标识码1234567890",
          "苏ICP备12345678号"]


def run_together(values: dict, fmt, agency: str, year: int, *, chrome: bool = False,
                 one_line: bool = False, rows=None, says: str = "") -> str:
    """A published report whose table rows lost every separator between their cells:
    ``规章000``, ``一、本年新收政府信息公开申请数量210000021``, table 四 as one run.
    ``values``: field key -> number; ``rows``: the table 三 rows the report has."""
    from make_report.core.model import format_value

    def cells(keys) -> str:
        return "".join(format_value(values[k]) for k in keys)

    out = [f"{agency}{year}年政府信息公开工作年度报告"]
    for section in fmt.sections:
        out.append(section.title)
        if section.table is None:
            out.append(f"{year}年,本机关认真贯彻落实《条例》,做好{section.heading}相关工作。")
            if says and section.key == "overview":
                out.append(says)
            continue
        table = fmt.table(section.table)
        if section.table == "active_disclosure":
            for block in table.blocks:
                out.append(block.title)
                out.append("信息内容" + "".join(c.label for c in block.columns))
                for row in block.rows:
                    keys = [f.key for f in table.fields if f.row == row.key]
                    out.append(row.label + cells(keys))
        elif section.table == "applications":
            out.append(table.corner + "申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计")
            shown: set[str] = set()
            for row in rows or table.rows:
                for group in row.path[:-1]:
                    if group not in shown:
                        shown.add(group)
                        out.append(group)
                keys = [f"applications.{row.key}.{leaf.key}" for leaf in table.leaves]
                out.append(row.label + cells(keys))
        else:
            out.append("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
                       "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")
            out.append(cells([f.key for f in table.fields]))
    out += [agency, f"{year + 1}年1月20日"]
    if chrome:
        out = NAV + out + FOOTER
    return "".join(out) if one_line else "\n".join(out)


# --- the same page as Word exports it and government sites publish it ---

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset={charset}">
<meta name=Generator content="Microsoft Word 15 (filtered)">
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>admin</o:Author></o:DocumentProperties></xml><![endif]-->
<style><!-- p.MsoNormal {{margin:0cm;font-size:10.5pt;font-family:宋体}} --></style>
<script>var nav = "首页 1 2 3";</script></head>
<body lang=ZH-CN style='text-justify-trim:punctuation'>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/xxgk">信息公开</a></li></ul></div>
<table class="layout" width="100%"><tr><td width="200" valign=top>
<div class="side"><p>相关链接</p><p><a href="/1">2023年政府信息公开工作年度报告</a></p></div></td>
<td valign=top><div class=WordSection1 style='layout-grid:15.6pt'>
"""
WORD_TAIL = """</div></td></tr></table>
<div class="footer"><p>主办:某县人民政府办公室 技术支持:某公司</p><p>网站标识码1234567890 苏ICP备12345678号</p>
<p>【打印本页】【关闭窗口】</p></div></body></html>"""


def word_html(report: Report, charset: str = "gb2312") -> bytes:
    """The tool's page as Word saves it as a web page and a site publishes it: MsoNormal
    paragraphs, <o:p>, numbers in nested spans, &nbsp; around cells, MsoNormalTable with
    rowspan/colspan, inside a layout table with menus and footers; in GB2312 (GBK)."""
    import lxml.html

    root = lxml.html.document_fromstring(render_html(report))
    body = root.find("body")
    parts = []
    for el in body.iter("h1", "h2", "h3", "p", "table"):
        if el.tag == "table":
            parts.append(_word_table(el))
        elif el.getparent().tag not in ("td", "th") and not any(
                a.tag == "table" for a in el.iterancestors()):
            text = el.text_content()
            parts.append(f"<p class=MsoNormal><span style='font-family:宋体'>{_esc(text)}"
                         "<o:p></o:p></span></p>")
    html = WORD_HEAD.format(charset=charset) + "\n".join(parts) + WORD_TAIL
    return html.encode("gbk" if charset.lower() in ("gb2312", "gbk") else charset)


def _esc(text: str) -> str:
    from html import escape

    return escape(text).replace("\u3000", "&nbsp;")


def _word_table(table) -> str:
    rows = []
    for tr in table.iter("tr"):
        cells = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            spans = "".join(f' {a}="{cell.get(a)}"' for a in ("rowspan", "colspan") if cell.get(a))
            text = cell.text_content().strip()
            if text.isdigit() and len(text) > 1:  # Word splits runs: <span>1</span><span>2</span>
                inner = f"<span lang=EN-US>{text[0]}</span><span lang=EN-US>{text[1:]}</span>"
            else:
                inner = f"<span style='font-family:宋体'>{_esc(text)}</span>"
            cells.append(f"<td valign=top{spans} style='border:solid windowtext 1.0pt'>"
                         f"<p class=MsoNormal align=center>&nbsp;<span>{inner}</span>&nbsp;"
                         "<o:p></o:p></p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ("<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse'>" + "\n".join(rows) + "</table>")


def mht(html: bytes, charset: str = "gb2312") -> bytes:
    """A page saved as one file (.mht): MIME multipart/related, quoted-printable HTML."""
    import quopri

    body = quopri.encodestring(html).decode("ascii")
    return ("From: <Saved by Blink>\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/related; type="text/html"; boundary="----=_NextPart_000"\r\n'
            "\r\n------=_NextPart_000\r\n"
            f'Content-Type: text/html; charset="{charset}"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Content-Location: http://www.example.gov.cn/art/2024/1/20/art_1.html\r\n\r\n"
            f"{body}\r\n------=_NextPart_000\r\n"
            "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Location: http://www.example.gov.cn/logo.png\r\n\r\niVBORw0KGgo=\r\n"
            "------=_NextPart_000--\r\n").encode("ascii")


# --- every layout the importer must read, of one reference report's hand-read numbers ---

RUN_TOGETHER = {"run together": {}, "run together + chrome": {"chrome": True},
                "one line": {"chrome": True, "one_line": True}}


def layouts(name: str, data_file, tmp, *, pdf: bool = False) -> dict:
    """Layout -> file: the report's text as found; its hand-read numbers with each row's
    cells run together (plain, with site chrome, the whole body on one line), under the
    report's own 总体情况 text; as Word exports the page to HTML and .mht; and, with
    ``pdf``, as a PDF LibreOffice makes of the tool's .docx."""
    from pathlib import Path

    from importer_refs import expected_cells, hand_read_data, overview, shared_dir
    from make_report.formats import FORMATS, get_format
    from make_report.importer.tables import grid_table

    tmp = Path(tmp)
    path = shared_dir() / name
    data = hand_read_data(path, data_file)
    fmt = get_format(data["format"])
    want = expected_cells(data, fmt)
    out = {"as found": path}
    own = {k: v for k, v in want.items() if v is not None and k in fmt.field_map}
    if all(v is not None for k, v in want.items() if not k.startswith("applications.other_")):
        # a blank cell has no place in a run of digits: such reports are not run together
        rows = next((grid_table(f, "applications").rows for f in FORMATS.values()
                     if all(data["applications"].get(r.key) is not None
                            for r in grid_table(f, "applications").rows)), None)
        for label, mode in RUN_TOGETHER.items():
            target = tmp / f"{label}.txt"
            target.write_text(run_together(want, fmt, "某县人民政府", data["year"], rows=rows,
                                           says=overview(path), **mode), encoding="utf-8")
            out[label] = target
    report = Report(fmt, "某县人民政府", data["year"], values=own)
    page = word_html(report)
    (tmp / "word.html").write_bytes(page)
    (tmp / "saved.mht").write_bytes(mht(page))
    out["Word HTML"], out["MHT"] = tmp / "word.html", tmp / "saved.mht"
    if pdf:
        from make_report.writers.docx import write_docx
        from make_report.writers.pdf import convert_to_pdf, soffice

        if soffice():
            write_docx(report, tmp / "report.docx")
            convert_to_pdf([tmp / "report.docx"], [tmp / "report.pdf"])
            out["PDF"] = tmp / "report.pdf"
    return out


_LITIGATION = tuple(f"review_litigation.{row}.{c}" for row in ("litigation_direct",
                    "litigation_after_review") for c in range(5))
UNDECIDABLE: dict[tuple[str, str], dict[str, str]] = {
    **{("more/01_huaian_shi_2024.txt", "as found"): {key: (
        "table 四 comes out of the PDF in five pieces (72 64 178 37 | 12 1 1 6 | 351 | "
        "13 4 8 1 26 | 20). Six orders satisfy R1; the narrative (行政复议 351, 维持 72 …) "
        "leaves two: 未经复议直接起诉 = 13 4 8 1 26 and 复议后起诉 = 12 1 1 6 20, or the "
        "reverse. The narrative states only their sums (行政诉讼 46, 维持 25 = 13 + 12, "
        "纠正 5, 其他 9, 尚未审结 7), the same under both; no count starts with 0; and the "
        "text's order favours neither (each needs two pieces moved back; the hand-read "
        "order puts 复议后起诉 before 行政复议's 总计). Listed in P6.") for key in _LITIGATION}},
    **{("more/01_huaian_shi_2024.txt", layout): {
        f"active_disclosure.normative_documents.{c}": (
            "行政规范性文件 8 26 66 run together as 82666: six cuts into three counts none "
            "starting with 0 (8 2 666 / 8 26 66 / 8 266 6 / 82 6 66 / 82 66 6 / 826 6 6); "
            "table 二 has no sum rule, the narrative states nothing about 规范性文件 (its "
            "政策性文件 11 件 is another thing) and Y2 needs the previous year's report. "
            "Listed in P3.") for c in ("issued", "abolished", "in_force")}
        for layout in RUN_TOGETHER},
    **{("more/02_hongze_qu_2023.txt", layout): {key: (
        "table 四 run together is 16 digits for 15 cells, so one cell has two digits: 10 "
        "(行政复议 结果维持), 10 (行政复议 其他结果) or 50 (复议后起诉 结果纠正) - "
        "10 1 0 0 0 | 0 0 0 0 0 | 5 0 0 0 0, 1 0 10 0 0 | … | 5 0 0 0 0 or 1 0 1 0 0 | … | "
        "0 50 0 0 0. The report's own 总计 of 行政复议 and of 复议后起诉 print 0, so R1 fails "
        "in both groups under every cut (P4, R1 不成立) and cannot pick one; the narrative "
        "says nothing of 复议 or 诉讼.") for key in (
            "review_litigation.review.0", "review_litigation.review.1",
            "review_litigation.review.2", "review_litigation.litigation_after_review.0",
            "review_litigation.litigation_after_review.1")}
        for layout in RUN_TOGETHER},
}
"""Hand-read cells no rule, narrative statement or column fact decides in that layout:
(report, layout) -> field key -> why. The importer leaves each empty and names it in a
finding with its candidate readings; nowhere else may a hand-read number go unread."""
