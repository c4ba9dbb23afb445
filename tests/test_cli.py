"""Command-line promises: outputs never replace inputs, odd options get Chinese answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from make_report import api
from make_report.cli.main import main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "filled.xlsx"
    report = consistent_report(FORMATS["2021"], seed=4, agency="某镇人民政府")
    report.year = 2024
    write_workbook(report.format, path, report)
    return path


def test_export_never_writes_over_its_workbook(workbook, capsys):
    before = workbook.read_bytes()
    assert main(["export", str(workbook), "-o", str(workbook)]) == 2
    assert "输出文件名应以 .json 结尾" in capsys.readouterr().err
    assert workbook.read_bytes() == before


def test_export_refuses_an_existing_json_without_force(workbook, tmp_path, capsys):
    target = tmp_path / "data.json"
    assert main(["export", str(workbook), "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["agency"] == "某镇人民政府"
    target.write_text("{}", encoding="utf-8")
    assert main(["export", str(workbook), "-o", str(target)]) == 2
    assert "文件已存在" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "{}"
    assert main(["export", str(workbook), "-o", str(target), "--force"]) == 0


def test_template_from_refuses_to_write_over_last_years_workbook(workbook, capsys):
    before = workbook.read_bytes()
    assert main(["template", "--from", str(workbook), "-o", str(workbook), "--force"]) == 2
    assert "输出文件与输入的工作簿是同一个文件" in capsys.readouterr().err
    assert workbook.read_bytes() == before


def test_previous_report_of_another_year_is_said_not_skipped(workbook, tmp_path):
    older = tmp_path / "2021.xlsx"
    report = consistent_report(FORMATS["2021"], seed=8, agency="某镇人民政府")
    report.year = 2021
    write_workbook(report.format, older, report)
    result = api.check(workbook, previous=older)
    assert [(f.rule, f.severity, f.message) for f in result.findings if f.rule.startswith("Y")] \
        == [("Y0", "warning", "2021.xlsx 是2021年的报告,不是本报告(2024年)的上一年,未做跨年度检查")]


def test_reference_docx_that_is_not_a_word_file(workbook, tmp_path, capsys):
    fake = tmp_path / "样式.docx"
    fake.write_text("not a document", encoding="utf-8")
    out = tmp_path / "out.docx"
    assert main([str(workbook), "-o", str(out), "--reference-docx", str(fake)]) == 2
    assert ("--reference-docx 样式.docx:不是有效的 Word 文档(.docx),无法读取。"
            "请在 Word 或 WPS 中打开,另存为“Word 文档(*.docx)”后再试。") in capsys.readouterr().err
    assert not out.exists()


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("make-report ")


def test_summary_refuses_to_replace_an_existing_file(workbook, tmp_path, capsys):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"mine")
    assert main(["summary", str(tmp_path), "-o", str(target)]) == 2
    assert "文件已存在" in capsys.readouterr().err and target.read_bytes() == b"mine"
    assert main(["summary", str(tmp_path), "-o", str(target), "--force"]) == 0


def test_pdf_through_libreoffice(workbook, tmp_path):
    from conftest import require_soffice

    require_soffice()
    out = tmp_path / "报告.docx"
    assert main([str(workbook), "-o", str(out), "--pdf"]) == 0
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_libreoffice_says_so_and_keeps_the_docx(workbook, tmp_path, capsys,
                                                            monkeypatch):
    import make_report.writers.pdf as pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    out = tmp_path / "报告.docx"
    assert main([str(workbook), "-o", str(out), "--pdf"]) == 2
    assert pdf.MISSING in capsys.readouterr().err
    assert out.exists() and not out.with_suffix(".pdf").exists()


@pytest.mark.parametrize("name", ["示例县2024_完整示例.json", "清流镇2019.json"])
def test_template_data_then_export_gives_the_same_json(tmp_path, capsys, name):
    source = Path(__file__).resolve().parents[1] / "example_inputs" / "data" / name
    workbook = tmp_path / "filled.xlsx"
    assert main(["template", "--data", str(source), "-o", str(workbook)]) == 0
    capsys.readouterr()
    assert main(["export", str(workbook)]) == 0
    exported = json.loads(capsys.readouterr().out)
    original = json.loads(source.read_text(encoding="utf-8"))
    if not original.get("lead"):
        original.pop("lead", None)
    assert exported == original
