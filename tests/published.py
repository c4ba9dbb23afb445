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
                 one_line: bool = False, rows=None) -> str:
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
