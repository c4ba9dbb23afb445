"""PDF reports read directly: table cells found by where they sit on the page (PDFium),
a scanned PDF named as such; test PDFs are the tool's own Word reports converted by
LibreOffice once per session."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from conftest import require_soffice
from make_report import api
from make_report.core.errors import InputError
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.importer import import_report

REPORTS = {"2021": 1, "2019": 2}


def _report(fmt_id: str, broken: bool = False):
    report = consistent_report(FORMATS[fmt_id], seed=REPORTS[fmt_id], agency="某县人民政府")
    if broken:
        report.values["applications.total_handled.6"] += 3
    return report


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory):
    """{name: path} of PDFs LibreOffice makes from the tool's Word reports (one run)."""
    require_soffice()
    from make_report.writers.docx import write_docx
    from make_report.writers.pdf import convert_to_pdf

    folder = tmp_path_factory.mktemp("pdf")
    docs = {}
    for name, (fmt_id, broken) in {"2021": ("2021", False), "2019": ("2019", False),
                                   "broken": ("2021", True)}.items():
        docs[name] = folder / f"{name}.docx"
        write_docx(_report(fmt_id, broken), docs[name])
    convert_to_pdf(list(docs.values()), [d.with_suffix(".pdf") for d in docs.values()])
    return {name: d.with_suffix(".pdf") for name, d in docs.items()}


@pytest.mark.parametrize("fmt_id", list(REPORTS))
def test_every_number_of_a_pdf_report_is_read_from_its_place(pdfs, fmt_id):
    result = import_report(pdfs[fmt_id])
    assert result.report.values == _report(fmt_id).values
    assert (result.report.agency, result.report.format.id) == ("某县人民政府", fmt_id)
    assert not result.incomplete
    checked = api.check(pdfs[fmt_id])
    assert checked.verdict == "一致" and checked.exit_code == 0


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_the_order_a_pdf_writes_its_text_in_does_not_matter(pdfs, monkeypatch, order):
    """WPS writes a table's text in an order of its own (reference 01: 复议后起诉 before
    行政复议's 总计); cells are found by where they sit, so any order reads the same."""
    import random

    from make_report.importer import pdf

    real = pdf._chars

    def scrambled(path):
        chars = real(path)
        if order == "reversed":
            return chars[::-1]
        random.Random(7).shuffle(chars)
        return chars

    monkeypatch.setattr(pdf, "_chars", scrambled)
    assert import_report(pdfs["2021"]).report.values == _report("2021").values


def test_a_pdf_with_a_sum_error_does_not_pass(pdfs):
    checked = api.check(pdfs["broken"])
    assert checked.verdicts.rules["A2"] == "不成立" and checked.exit_code == 1


def test_the_cli_imports_a_pdf_into_the_workbook(pdfs, tmp_path):
    from make_report.cli.main import main

    out = tmp_path / "导入.xlsx"
    assert main(["import", str(pdfs["2021"]), "-o", str(out)]) == 0
    assert api.check(out).report.values == _report("2021").values


def _blank_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("case", "content", "message"), [
    ("scanned (no text layer)", _blank_pdf(), "这是扫描版 PDF(页面只是图片,没有文字层)"),
    ("not a PDF", b"%PDF-1.7\n" + bytes(range(256)), "文件已损坏或不是有效的 PDF"),
    ("truncated", _blank_pdf()[:40], "文件已损坏或不是有效的 PDF"),
])
def test_an_unreadable_pdf_is_one_sentence(tmp_path, capsys, case, content, message):
    from make_report.cli.main import main

    path = tmp_path / "报告.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_report(path)
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err.startswith("无法处理:报告.pdf:")


def test_pdf_library_is_loaded_only_for_pdfs():
    code = ("import sys, make_report.api, make_report.importer, make_report.cli.main; "
            "print('pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="session")
def reference_pdfs(tmp_path_factory):
    """The reference reports' hand-read numbers published as PDF (one LibreOffice run)."""
    from importer_refs import DATA, expected_cells, load, shared_dir
    from make_report.core.model import Report
    from make_report.formats import get_format
    from make_report.writers.docx import write_docx
    from make_report.writers.pdf import convert_to_pdf

    require_soffice()
    if shared_dir() is None:
        pytest.skip("the reference reports are missing: set MAKE_REPORT_SHARED")
    files = [DATA / f for f in sorted(p.name for p in DATA.glob("ref_*.json"))]
    files += sorted((shared_dir() / "more").glob("*.expected.json"))
    folder = tmp_path_factory.mktemp("refpdf")
    out, docs = {}, []
    for i, file in enumerate(files):
        data = load(file)
        fmt = get_format(data["format"])
        want = {k: v for k, v in expected_cells(data, fmt).items()
                if v is not None and k in fmt.field_map}
        docs.append(folder / f"{i}.docx")
        write_docx(Report(fmt, "某县人民政府", data["year"], values=dict(want)), docs[-1])
        out[file.name] = (docs[-1].with_suffix(".pdf"), want)
    convert_to_pdf(docs, [d.with_suffix(".pdf") for d in docs])
    return out


def test_every_hand_read_number_published_as_pdf_is_read(reference_pdfs):
    from importer_refs import same

    for name, (path, want) in reference_pdfs.items():
        values = import_report(path).report.values
        assert [k for k, v in want.items() if not same(v, values.get(k))] == [], name


@pytest.mark.parametrize("suffix", [".pdf", ".mht"])
def test_a_pdf_or_mht_larger_than_any_report_is_refused_unread(tmp_path, suffix):
    path = tmp_path / f"报告{suffix}"
    with path.open("wb") as fh:  # sparse: 60 MB on paper, nothing read
        fh.truncate(60 << 20)
    with pytest.raises(InputError, match="文件过大"):
        import_report(path)
