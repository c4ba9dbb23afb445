"""The standard workbook: layout, protection, input rules, filling, and LibreOffice."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import require_soffice
from make_report.core.layout import NARRATIVE_FIRST_ROW, STATUS_ROW, workbook_layout
from make_report.core.model import Entry, Report
from make_report.core.spec import Format
from make_report.formats import FORMATS
from make_report.writers.xlsx_style import DATE_FORMAT
from make_report.writers.xlsx_template import write_workbook

ALL = pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=lambda f: f.id)
F2021 = FORMATS["2021"]


def consistent_report(fmt: Format, seed: int = 1) -> Report:
    """A report whose every sum rule holds, with odd values (negative change, 4 decimals)."""
    rnd = random.Random(seed)
    values: dict = {}
    for f in fmt.table("active_disclosure").fields:
        values[f.key] = {"count": rnd.randint(0, 500), "signed": rnd.randint(-9, 9),
                         "amount": Decimal(rnd.randint(0, 10**8)) / 10000}[f.kind]
    rows = fmt.table("applications").row_keys
    handled = rows[2:-2]
    for c in range(6):
        for r in handled:
            values[f"applications.{r}.{c}"] = rnd.randint(0, 5)
        done = sum(values[f"applications.{r}.{c}"] for r in handled)
        values[f"applications.total_handled.{c}"] = done
        values[f"applications.carried_to_next_year.{c}"] = nxt = rnd.randint(0, 3)
        values[f"applications.carried_from_last_year.{c}"] = old = rnd.randint(0, done + nxt)
        values[f"applications.new_received.{c}"] = done + nxt - old
    for r in rows:
        values[f"applications.{r}.6"] = sum(values[f"applications.{r}.{c}"] for c in range(6))
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = [rnd.randint(0, 4) for _ in range(4)]
        for c, v in enumerate([*parts, sum(parts)]):
            values[f"review_litigation.{group}.{c}"] = v
    narrative = {
        "overview": [Entry("(一)主动公开", ["第一段。", "第二段。"]), Entry("(二)依申请公开", [])],
        "problems": [Entry(None, ["=不是公式", "改进。"])],
        "other": [Entry("(一)信息处理费收取情况", ["未收取信息处理费。"])],
    }
    return Report(fmt, "合作市人民政府", 2023 if fmt.id == "2021" else 2020,
                  dt.date(2024, 1, 4), "导语。", "0941-1234567", values, narrative)


def written(tmp_path: Path, fmt: Format, report: Report | None = None, name: str = "t.xlsx"):
    path = tmp_path / name
    write_workbook(fmt, path, report)
    return path, openpyxl.load_workbook(path)


@ALL
def test_sheets_come_in_layout_order(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    assert tuple(wb.sheetnames) == workbook_layout(fmt).sheet_names
    assert wb.sheetnames[0] == "基本信息"
    assert wb.sheetnames[3] == "三、依申请公开"


@ALL
def test_every_grid_merge_is_in_the_sheet(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    for ts in workbook_layout(fmt).tables.values():
        merged = {str(m) for m in wb[ts.name].merged_cells.ranges}
        for c in ts.grid.cells:
            if c.rowspan > 1 or c.colspan > 1:
                end = ts.at(c.row + c.rowspan - 1, c.col + c.colspan - 1)
                assert f"{ts.at(c.row, c.col)}:{end}" in merged, (ts.name, c.text)
            if c.role != "data":
                assert wb[ts.name][ts.at(c.row, c.col)].value == c.text


@ALL
def test_table_three_header_merges_by_hand(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    ws = wb["三、依申请公开"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A5:C7", "D5:J5", "E6:I6", "D6:D7", "J6:J7"} <= merged
    assert ws["A5"].value.startswith("（本列数据的勾稽关系为")
    assert ws["D5"].value == "申请人情况"
    assert ws["A10"].value == "三、本年度办理结果"
    assert ws["B10"].value == "（一）予以公开" and "B10:C10" in merged


def test_hand_checked_cells_2021(tmp_path):
    _, wb = written(tmp_path, F2021)
    apps, review = wb["三、依申请公开"], wb["四、复议诉讼"]
    assert apps["B31"].value == "（七）总计"
    assert apps["J31"].value == "=SUM(D31:I31)"
    assert apps["D31"].value == "=SUM(D10:D30)"
    assert apps["J8"].value == "=SUM(D8:I8)"
    assert apps["D8"].value is None
    assert apps["K8"].value == '=IF(SUM(J8)=SUM(D8:I8),"✓","✗ 应为"&(SUM(D8:I8)))'
    assert review["E8"].value == "=SUM(A8:D8)"
    assert review["O8"].value == "=SUM(K8:N8)"
    assert review["A5"].value == "行政复议" and "A5:E5" in review.merged_cells


@ALL
def test_inputs_unlocked_and_labels_locked(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    layout = workbook_layout(fmt)
    for ts in layout.tables.values():
        ws = wb[ts.name]
        for c in ts.grid.cells:
            locked = ws[ts.at(c.row, c.col)].protection.locked
            assert locked == (c.role != "data"), (ts.name, c)
        for check in ts.checks:
            assert ws[check.cell].protection.locked
        assert ws.cell(STATUS_ROW, 1).protection.locked
    meta = wb[fmt.meta_sheet]
    for address in layout.meta_cells.values():
        assert not meta[address].protection.locked
    assert meta["A4"].protection.locked


@ALL
def test_every_sheet_protected_without_password(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password and not ws.protection.hashValue
        assert not ws.protection.formatColumns and not ws.protection.formatRows


@ALL
def test_an_input_rule_covers_every_data_cell(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    for ts in workbook_layout(fmt).tables.values():
        rules = wb[ts.name].data_validations.dataValidation
        for key, address in ts.cells.items():
            found = [dv for dv in rules if address in dv.sqref]
            assert len(found) == 1, (key, address)
            dv, kind = found[0], fmt.field_map[key].kind
            expected = {"count": "whole", "signed": "whole", "amount": "custom"}[kind]
            assert dv.type == expected and dv.error and dv.showErrorMessage
            if kind == "count":
                assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
            if kind == "amount":
                assert address in dv.formula1 and "ROUND" in dv.formula1


@ALL
def test_blank_workbook_has_format_and_topics(tmp_path, fmt):
    _, wb = written(tmp_path, fmt)
    layout = workbook_layout(fmt)
    meta = wb[fmt.meta_sheet]
    assert meta[layout.meta_cells["format"]].value == fmt.id
    assert meta[layout.meta_cells["agency"]].value is None
    assert meta[layout.meta_cells["date"]].number_format == DATE_FORMAT
    for section in layout.narrative_sheets:
        ws = wb[section.sheet]
        assert ws["A1"].value == section.title
        heads = [ws.cell(NARRATIVE_FIRST_ROW + i, 1).value for i in range(len(section.topics))]
        assert heads == list(section.topics)
        assert ws.cell(NARRATIVE_FIRST_ROW, 2).value is None
        spare = ws.cell(NARRATIVE_FIRST_ROW + len(section.topics) + 150, 2)
        assert not spare.protection.locked


def read_narrative(ws) -> list[Entry]:
    entries: list[Entry] = []
    for a, b in ws.iter_rows(min_row=NARRATIVE_FIRST_ROW, max_col=2, values_only=True):
        if a is None and b is None:
            continue
        if a is not None or not entries:
            entries.append(Entry(a))
        if b is not None:
            entries[-1].paragraphs.append(b)
    return entries


@ALL
def test_filled_workbook_round_trips(tmp_path, fmt):
    report = consistent_report(fmt)
    _, wb = written(tmp_path, fmt, report)
    layout = workbook_layout(fmt)
    for ts in layout.tables.values():
        ws = wb[ts.name]
        for key, address in ts.cells.items():
            cell = ws[address]
            if key in ts.formulas:
                assert cell.value == ts.formulas[key], key
            elif fmt.field_map[key].kind == "amount":
                assert Decimal(str(cell.value)) == report.values[key]
                # shows exactly the amount's own decimals: 12.3450 -> 0.0000
                decimals = len(str(report.values[key]).partition(".")[2])
                assert cell.number_format == ("0." + "0" * decimals if decimals else "0")
            else:
                assert cell.value == report.values[key] and isinstance(cell.value, int), key
    meta = wb[fmt.meta_sheet]
    got = {k: meta[a].value for k, a in layout.meta_cells.items()}
    assert got["date"].date() == report.date
    assert (got["agency"], got["year"], got["format"]) == (report.agency, report.year, fmt.id)
    assert (got["lead"], got["contact"]) == (report.lead, report.contact)
    for section in layout.narrative_sheets:
        assert read_narrative(wb[section.sheet]) == report.narrative.get(section.key, [])


def test_text_starting_with_equals_stays_text(tmp_path):
    _, wb = written(tmp_path, F2021, consistent_report(F2021))
    cell = wb["五、问题及改进"].cell(NARRATIVE_FIRST_ROW, 2)
    assert cell.value == "=不是公式" and cell.data_type == "s"


def test_inconsistent_total_is_written_as_a_number(tmp_path):
    report = consistent_report(F2021)
    report.values["applications.total_handled.6"] = 0
    report.values["review_litigation.review.4"] += 1
    _, wb = written(tmp_path, F2021, report)
    assert wb["三、依申请公开"]["J31"].value == 0
    assert wb["三、依申请公开"]["I31"].value == "=SUM(I10:I30)"
    assert wb["四、复议诉讼"]["E8"].value == report.values["review_litigation.review.4"]
    assert wb["四、复议诉讼"]["J8"].value == "=SUM(F8:I8)"


def test_write_replaces_the_target_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "表.xlsx"
    path.write_bytes(b"old")
    write_workbook(F2021, path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "基本信息"
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsx"]


def test_report_of_another_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_workbook(FORMATS["2019"], tmp_path / "x.xlsx", consistent_report(F2021))


def libreoffice_roundtrip(tmp_path: Path, source: Path) -> openpyxl.Workbook:
    """Let LibreOffice open, recalculate and resave the file; return its computed values."""
    soffice = require_soffice()
    out = tmp_path / "lo"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr.lower(), run.stderr
    converted = out / source.name
    assert converted.stat().st_size > 0
    return openpyxl.load_workbook(converted, data_only=True)


@ALL
def test_libreoffice_opens_the_blank_workbook_and_all_checks_pass(tmp_path, fmt):
    path, _ = written(tmp_path, fmt, name=f"blank{fmt.id}.xlsx")
    wb = libreoffice_roundtrip(tmp_path, path)
    assert tuple(wb.sheetnames) == workbook_layout(fmt).sheet_names
    assert wb["三、依申请公开"].cell(STATUS_ROW, 1).value == "勾稽关系检查:全部通过"
    assert wb["四、复议诉讼"].cell(STATUS_ROW, 1).value == "勾稽关系检查:全部通过"


def test_libreoffice_computes_filled_values_and_flags_the_slip(tmp_path):
    report = consistent_report(F2021)
    report.values["applications.total_handled.6"] = 0
    path, _ = written(tmp_path, F2021, report, name="filled.xlsx")
    wb = libreoffice_roundtrip(tmp_path, path)
    apps = wb["三、依申请公开"]
    for key, address in workbook_layout(F2021).tables["applications"].cells.items():
        assert apps[address].value == report.values[key], key
    assert apps["K31"].value.startswith("✗")
    # J31 fails A1 (row) and A2 and A3 (column J): three check cells flag it
    assert apps.cell(STATUS_ROW, 1).value == "勾稽关系检查:有3处不一致,请看标✗的单元格"
    assert wb["四、复议诉讼"].cell(STATUS_ROW, 1).value == "勾稽关系检查:全部通过"
    fee = workbook_layout(F2021).tables["active_disclosure"].cells[
        "active_disclosure.fees_10k_yuan"]
    amount = wb["二、主动公开"][fee].value
    assert Decimal(str(amount)) == report.values["active_disclosure.fees_10k_yuan"]
