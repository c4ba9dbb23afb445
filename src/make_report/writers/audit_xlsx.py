"""The audit of a folder as a workbook: one row per report, and one row per finding."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from make_report.core.audit import CONSISTENT, INCONSISTENT, AuditItem
from make_report.core.findings import SEVERITY_ZH
from make_report.writers import xlsx_style as st
from make_report.writers.atomic import atomic_output, save_through_memory
from make_report.writers.summary_xlsx import put_text

MAIN = "审核结果"
DETAIL = "问题明细"
MAIN_HEADERS = ("文件", "机关", "年度", "格式", "结论", "各条规则", "问题", "说明")
DETAIL_HEADERS = ("文件", "机关", "年度", "规则", "级别", "判断", "说明")
MAIN_WIDTHS = (30, 24, 8, 8, 10, 40, 90, 60)
DETAIL_WIDTHS = (30, 24, 8, 8, 8, 10, 100)
FILLS = {CONSISTENT: "E2EFDA", INCONSISTENT: "F8CBAD"}
OTHER_FILL = "FFE699"


def finding_line(f: dict) -> str:
    """[错误] A2 表三 … (不成立): how one finding reads in a cell."""
    status = f"({f['status']})" if f.get("status") else ""
    return f"[{SEVERITY_ZH.get(f['severity'], f['severity'])}] {f['rule']} {f['message']}{status}"


def rules_line(item: AuditItem) -> str:
    return ";".join(f"{rule} {status}" for rule, status in item.rules.items())


def write_audit_workbook(items: list[AuditItem], path: Path,
                         beside: dict[Path, str] | None = None) -> None:
    wb = Workbook()
    main = wb.active
    main.title = MAIN
    _sheet(main, MAIN_HEADERS, MAIN_WIDTHS)
    for row, item in enumerate(items, start=2):
        values = (item.file, item.agency, str(item.year or ""), item.format, item.verdict,
                  rules_line(item), "\n".join(finding_line(f) for f in item.findings
                                              if f["severity"] != "info"), item.message)
        for col, text in enumerate(values, start=1):
            cell = main.cell(row, col)
            put_text(cell, text)
            cell.alignment, cell.border = st.WRAP, st.BORDER
        colour = FILLS.get(item.verdict, OTHER_FILL)
        main.cell(row, 5).fill = PatternFill("solid", start_color=colour, end_color=colour)
    detail = wb.create_sheet(DETAIL)
    _sheet(detail, DETAIL_HEADERS, DETAIL_WIDTHS)
    row = 2
    for item in items:
        for f in item.findings:
            values = (item.file, item.agency, str(item.year or ""), f["rule"],
                      SEVERITY_ZH.get(f["severity"], f["severity"]), f.get("status") or "",
                      f["message"])
            for col, text in enumerate(values, start=1):
                put_text(detail.cell(row, col), text)
                detail.cell(row, col).alignment = st.WRAP
            row += 1
    wb.properties.title = "政府信息公开工作年度报告审核结果"
    wb.properties.creator = "make-report"
    with atomic_output(path) as tmp:  # a full disk leaves neither file half written
        save_through_memory(wb.save, tmp)
        for other, text in (beside or {}).items():
            with atomic_output(other) as page:
                page.write_text(text, encoding="utf-8")


def _sheet(ws: Worksheet, headers: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(1, col)
        put_text(cell, text, st.BOLD)
        cell.fill, cell.alignment, cell.border = st.HEADER_FILL, st.CENTRE, st.BORDER
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(headers)).column_letter}1"
