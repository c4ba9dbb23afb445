"""An office's own Word template (--docx-template): placeholders as Word stores them, blocks
of generated parts, mistakes as findings, and the result as LibreOffice lays it out."""

from __future__ import annotations

import copy
import itertools
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_report import api
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.docx_template import fill
from make_report.writers.xlsx_template import write_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "example_inputs" / "示例县2024_完整示例.xlsx"


@pytest.fixture
def workbook(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=3)
    report.agency = "测试县人民政府"
    path = tmp_path / "工作簿.xlsx"
    write_workbook(report.format, path, report)
    return path, report


def _template(tmp_path, paragraphs, *, header: str | None = None, name="模板.docx") -> Path:
    """A template written the plain way: one run a paragraph."""
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    path = tmp_path / name
    doc.save(str(path))
    return path


def _texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _split_runs(paragraph, pieces: list[tuple[str, dict]]) -> None:
    """Replace the paragraph's runs with ``pieces`` as Word and WPS store typed text: a run per
    piece, each with its own formatting, with spell-check marks and bookmarks between them."""
    p = paragraph._p
    for r in list(p.iter(qn("w:r"))):
        p.remove(r)
    for i, (text, fmt) in enumerate(pieces):
        if i % 2:
            mark = p.makeelement(qn("w:proofErr"), {qn("w:type"): "spellStart"})
            p.append(mark)
        run = paragraph.add_run(text)
        run.bold = fmt.get("bold")
        run.italic = fmt.get("italic")
        if "size" in fmt:
            run.font.size = Pt(fmt["size"])
        if i == 2:
            p.append(p.makeelement(qn("w:bookmarkStart"), {qn("w:id"): "0", qn("w:name"): "x"}))


def test_values_and_blocks_fill_in_report_order(tmp_path, workbook):
    path, report = workbook
    template = _template(tmp_path, ["封面:{{ 机关名称 }}{{ 年度 }}年度", "{{ 正文 }}",
                                    "本单位固定文字。", "{{ 落款 }}"],
                         header="{{ 标题 }}")
    out = tmp_path / "报告.docx"
    result = api.build(path, out, docx_template=template)
    assert result.written, [f.message for f in result.check.findings]
    texts = _texts(out)
    assert texts[0] == f"封面:测试县人民政府{report.year}年度"
    headings = [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}]
    assert [h[0] for h in headings] == list("一二三四五六")
    assert texts.index("本单位固定文字。") > texts.index(headings[-1])
    assert texts[-1] == "测试县人民政府" or "测试县人民政府" in texts[-3:]
    doc = docx.Document(str(out))
    assert len(doc.tables) == 3
    assert doc.sections[0].header.paragraphs[0].text == report.title
    assert "{{" not in "".join(texts)


def test_a_table_value_and_a_section_alone(tmp_path, workbook):
    path, report = workbook
    total = report.value("applications.new_received.6") if "applications.new_received.6" in \
        report.values else None
    template = _template(tmp_path, ["新收 {{ 依申请.本年新收.总计 }} 件", "{{ 第三部分 }}"])
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    texts = _texts(out)
    expected = total if total is not None else _new_total(report)
    assert texts[0] == f"新收 {expected} 件"
    assert texts[1].startswith("三、")
    assert len(docx.Document(str(out)).tables) == 1


def _new_total(report):
    fmt = report.format
    key = next(f.key for f in fmt.fields
               if f.row == "new_received" and f.column_label == "总计")
    return report.value(key)


def test_placeholder_split_across_runs_keeps_the_formatting_around_it(tmp_path, workbook):
    path, report = workbook
    template = _template(tmp_path, ["x"])
    doc = docx.Document(str(template))
    _split_runs(doc.paragraphs[0], [
        ("共收到申请", {"size": 12}),
        ("{{ 依申", {"bold": True, "size": 14}),
        ("请.本年新", {"italic": True}),
        ("收.总计 }", {}),
        ("}件,", {"bold": True}),
        ("均已办结。", {"italic": True, "size": 12}),
    ])
    doc.save(str(template))
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    p = docx.Document(str(out)).paragraphs[0]
    total = _new_total(report)
    assert p.text == f"共收到申请{total}件,均已办结。"
    runs = [(r.text, r.bold, r.italic) for r in p.runs if r.text]
    assert runs[0] == ("共收到申请", None, None)
    assert runs[1] == (str(total), True, None)  # the run where the placeholder starts
    assert ("件,", True, None) in runs
    assert runs[-1] == ("均已办结。", None, True)


def test_two_placeholders_in_one_run_and_one_split_over_many(tmp_path, workbook):
    path, report = workbook
    template = _template(tmp_path, ["x"])
    doc = docx.Document(str(template))
    _split_runs(doc.paragraphs[0], [("{{ 机关名称 }}({{ 年", {}), ("度 ", {"bold": True}),
                                    ("}}", {}), ("年)", {})])
    doc.save(str(template))
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    assert _texts(out)[0] == f"测试县人民政府({report.year}年)"


@pytest.mark.parametrize(("paragraphs", "rule", "words"), [
    (["{{ 依申请.本年新收.总 }}"], "D1", "依申请.本年新收"),
    (["{{ 不存在的名称 }}"], "D1", "不存在的名称"),
    (["全年新收{{ 依申请.本年新收.总计 件"], "D2", "全年新收"),
    (["多了 }} 括号"], "D2", "多了"),
    (["{% if 年度 %}有{% endif %}"], "D2", "if"),
    (["前言 {{ 正文 }}"], "D3", "与其他文字在同一段中"),
])
def test_mistakes_are_findings_quoting_the_paragraph_and_nothing_is_written(
        tmp_path, workbook, paragraphs, rule, words):
    path, _ = workbook
    template = _template(tmp_path, paragraphs)
    out = tmp_path / "报告.docx"
    result = api.build(path, out, docx_template=template)
    assert not result.written and not out.exists()
    found = [f for f in result.check.findings if f.rule == rule]
    assert found, [f.message for f in result.check.findings]
    assert "模板.docx" in found[0].message and words in found[0].message
    assert found[0].severity == "error"
    checked = api.check(path, docx_template=template)
    assert [f.message for f in checked.findings if f.rule == rule] == [f.message for f in found]


def test_a_block_in_a_table_cell_or_the_header_is_refused(tmp_path, workbook):
    path, _ = workbook
    doc = docx.Document()
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{{ 表三 }}"
    doc.sections[0].header.paragraphs[0].text = "{{ 正文 }}"
    template = tmp_path / "模板.docx"
    doc.save(str(template))
    result = api.build(path, tmp_path / "报告.docx", docx_template=template)
    messages = [f.message for f in result.check.findings if f.rule == "D3"]
    assert any("表格单元格" in m for m in messages), messages
    assert any("页眉" in m for m in messages), messages
    assert not result.written


def test_a_template_without_placeholders_is_a_warning(tmp_path, workbook):
    path, _ = workbook
    template = _template(tmp_path, ["只有固定文字"])
    result = api.check(path, docx_template=template)
    assert [f.rule for f in result.findings if f.rule.startswith("D")] == ["D4"]
    assert result.valid


def test_the_template_styles_win_over_ours(tmp_path, workbook):
    path, _ = workbook
    doc = docx.Document()
    style = doc.styles.add_style("一级标题", 1)
    style.font.size = Pt(20)
    doc.add_paragraph("{{ 第三部分 }}")
    template = tmp_path / "模板.docx"
    doc.save(str(template))
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    result = docx.Document(str(out))
    heading = next(p for p in result.paragraphs if p.text.startswith("三、"))
    assert heading.style.name == "一级标题"
    assert heading.style.font.size == Pt(20)
    assert [s.name for s in result.styles].count("一级标题") == 1
    body = next(p for p in result.paragraphs if p.style.name == "正文")
    assert body.style.font.size == Pt(16)  # ours, copied in since the template had none


def test_starter_template_has_every_block_and_a_guide_that_disappears(tmp_path, workbook):
    path, report = workbook
    starter = api.docx_template(tmp_path / "模板.docx", year=report.year)
    text = "\n".join(_texts(starter))
    for name in ("标题", "导语", "第一部分", "第六部分", "落款", "正文", "表三", "依申请.本年新收.总计"):
        assert "{{ " + name + " }}" in text
    out = tmp_path / "报告.docx"
    result = api.build(path, out, docx_template=starter)
    assert result.written, [f.message for f in result.check.findings]
    texts = _texts(out)
    assert not any("{#" in t or "{{" in t for t in texts)
    # the title in two lines, broken after the agency as the report's own title is
    assert texts[0] == report.agency + "\n" + report.title.removeprefix(report.agency)
    with pytest.raises(api.InputError):
        api.docx_template(starter)  # never over an existing file without force


def test_bad_template_files_are_one_sentence(tmp_path, workbook):
    path, _ = workbook
    fake = tmp_path / "模板.docx"
    shutil.copy(path, fake)  # a workbook under a .docx name
    with pytest.raises(api.InputError, match="Excel"):
        api.build(path, tmp_path / "a.docx", docx_template=fake)
    dotx = tmp_path / "模板.dotx"
    dotx.write_bytes(b"x")
    with pytest.raises(api.InputError, match=r"另存为 \.docx"):
        api.check(path, docx_template=dotx)
    with pytest.raises(api.InputError, match="找不到"):
        api.check(path, docx_template=tmp_path / "没有.docx")
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(api.InputError):
        api.check(path, docx_template=broken)


def test_cli_check_and_build_with_a_template(tmp_path, workbook):
    path, _ = workbook
    template = _template(tmp_path, ["{{ 依申请.本年新收.总 }}"])
    cmd = [sys.executable, "-m", "make_report.cli.main"]
    run = subprocess.run([*cmd, "check", str(path), "--docx-template", str(template)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "D1" in run.stdout + run.stderr
    starter = tmp_path / "新模板.docx"
    run = subprocess.run([*cmd, "template", "--docx", "-o", str(starter)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and starter.exists(), run.stdout + run.stderr
    out = tmp_path / "报告.docx"
    run = subprocess.run([*cmd, "build", str(path), "-o", str(out), "--docx-template",
                          str(starter)], capture_output=True, text=True)
    assert run.returncode == 0 and out.exists(), run.stdout + run.stderr


def test_a_plain_build_does_not_load_the_template_machinery(tmp_path, workbook):
    path, _ = workbook
    code = ("import sys; from make_report import api; "
            f"api.build({str(path)!r}, {str(tmp_path / 'a.docx')!r}); "
            "print('make_report.writers.docx_template' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip() == "False", run.stderr


# --- as LibreOffice sees it -------------------------------------------------------------

def _soffice(tmp_path, source: Path, to: str) -> Path:
    from conftest import require_soffice

    require_soffice()
    outdir = tmp_path / f"lo-{to}"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", to, "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=240)
    return outdir / f"{source.stem}.{to.split(':')[0]}"


def test_a_template_saved_by_libreoffice_still_fills(tmp_path, workbook):
    path, report = workbook
    starter = api.docx_template(tmp_path / "模板.docx", year=report.year)
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(starter, source / "模板.docx")
    resaved = _soffice(tmp_path, source / "模板.docx", "docx:MS Word 2007 XML")
    out = tmp_path / "报告.docx"
    result = api.build(path, out, docx_template=resaved)
    assert result.written, [f.message for f in result.check.findings]
    assert _texts(out)[0].replace("\n", "") == report.title


def test_rendered_pages_keep_the_templates_cover_and_order(tmp_path, workbook):
    path, report = workbook
    doc = docx.Document()
    doc.add_paragraph("封面 {{ 机关名称 }}")
    doc.add_page_break()
    doc.add_paragraph("{{ 正文 }}")
    doc.add_paragraph("结尾固定文字")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ 年度 }}"
    template = tmp_path / "模板.docx"
    doc.save(str(template))
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    pdf = _soffice(tmp_path, out, "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    pages = [" ".join(p.split()) for p in pages if p.strip()]
    assert "封面 测试县人民政府" in pages[0] and "一、" not in pages[0]
    assert all(f"页眉 {report.year}" in p for p in pages)
    body = " ".join(pages[1:])
    order = [body.find(h) for h in ("一、总体情况", "二、主动公开", "三、收到和处理",
                                     "四、政府信息公开行政复议", "五、存在的主要问题",
                                     "六、其他需要报告的事项", "结尾固定文字")]
    assert -1 not in order and order == sorted(order), order


def test_no_xml_leftovers_from_the_scratch_document(tmp_path, workbook):
    path, _ = workbook
    template = _template(tmp_path, ["{{ 全文 }}"])
    out = tmp_path / "报告.docx"
    assert api.build(path, out, docx_template=template).written
    with zipfile.ZipFile(out) as zf:
        body = zf.read("word/document.xml").decode()
    assert body.count("<w:sectPr") == 1
    doc = docx.Document(str(out))
    ids = {s.style_id for s in doc.styles}
    used = {el.get(qn("w:val")) for el in doc.element.body.iter(qn("w:pStyle"))}
    assert used <= ids
    copy.deepcopy(doc)  # the tree is sound


# --- any way Word may split the typed text into runs ------------------------------------


TYPED = "本年{{ 年度 }}度,{{ 机关名称 }}新收申请{{ 依申请.本年新收.总计 }}件。"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, len(TYPED) - 1), max_size=12, unique=True))
def test_any_run_split_gives_the_same_text(cuts):
    report = consistent_report(FORMATS["2021"], seed=5)
    report.agency = "某县人民政府"
    doc = docx.Document()
    paragraph = doc.add_paragraph()
    bounds = [0, *sorted(cuts), len(TYPED)]
    _split_runs(paragraph, [(TYPED[a:b], {"bold": i % 3 == 1}) for i, (a, b)
                            in enumerate(itertools.pairwise(bounds))])
    assert fill(doc, report, "模板.docx", [], lay_out_parts=False) == []
    assert doc.paragraphs[0].text == (f"本年{report.year}度,某县人民政府新收申请"
                                      f"{_new_total(report)}件。")
