"""The Word report: order, every table value at its official place, merges, page setup,
fonts, footers, narrative rendering, and what LibreOffice makes of it."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from decimal import Decimal

import docx
import pytest
from docx.oxml.ns import qn

from conftest import require_soffice
from make_report.core.grid import table_grid
from make_report.core.model import Entry, Report, format_value, zero_values
from make_report.formats import FORMATS
from make_report.narrative.render import NarrativeError
from make_report.writers.docx import build_document, write_docx

ALL = pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=lambda f: f.id)
F2021 = FORMATS["2021"]


def sample(fmt, **narrative) -> Report:
    """Every value distinct (its position), amounts with decimals, a little narrative."""
    report = Report(fmt, "合作市人民政府", 2023, date=dt.date(2024, 1, 4),
                    lead="根据《条例》规定,现公布本年度报告。", values=zero_values(fmt))
    for i, key in enumerate(report.values):
        amount = isinstance(report.values[key], Decimal)
        report.values[key] = Decimal("1681.00") if amount else i + 1
    report.narrative = narrative or {
        "overview": [Entry("(一)主动公开", ["收到申请{{ 依申请.本年新收.总计 }}件。"])],
        "problems": [Entry(None, ["问题 & <改进> 措施"])],
    }
    return report


def built(report: Report, **kwargs) -> docx.document.Document:
    return build_document(report, **kwargs)


def body_texts(doc, style: str | None = None) -> list[str]:
    return [p.text for p in doc.paragraphs if style is None or p.style.name == style]


def resolve(table) -> dict[tuple[int, int], tuple[str, tuple[int, int]]]:
    """(row, grid column) -> (text, anchor cell): walks w:tr/w:tc, gridSpan and vMerge."""
    out: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
    for r, tr in enumerate(table._tbl.findall(qn("w:tr"))):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            anchor = (r, col)
            if vmerge is not None and vmerge.get(qn("w:val")) != "restart":
                text, anchor = out[(r - 1, col)]
            for c in range(col, col + span):
                out[(r, c)] = (text, anchor)
            col += span
    return out


@ALL
def test_sections_follow_the_official_order(fmt):
    doc = built(sample(fmt))
    headings = body_texts(doc, "一级标题")
    assert headings == [s.title for s in fmt.sections]
    assert body_texts(doc, "标题")[0].replace("\n", "") == "合作市人民政府2023年政府信息公开工作年度报告"
    assert body_texts(doc, "落款") == ["", "合作市人民政府", "2024年1月4日"]


@ALL
def test_every_table_value_and_label_sits_at_its_official_place(fmt):
    report = sample(fmt)
    doc = built(report)
    assert len(doc.tables) == len(fmt.tables)
    for table, word in zip(fmt.tables, doc.tables, strict=True):
        grid = table_grid(table)
        cells = resolve(word)
        assert max(r for r, _ in cells) + 1 == grid.n_rows
        assert {c for _, c in cells} == set(range(grid.n_cols))
        for cell in grid.cells:
            expected = format_value(report.value(cell.field)) if cell.field else cell.text
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert cells[(r, c)] == (expected, (cell.row, cell.col)), (table.key, r, c)


def test_hand_checked_positions_in_the_2021_tables():
    report = sample(F2021)
    report.values["applications.total_handled.6"] = 4242
    report.values["review_litigation.litigation_after_review.4"] = 77
    cells = resolve(built(report).tables[1])
    assert cells[(26, 9)][0] == "4242"  # (七)总计 row, 总计 column
    assert cells[(26, 2)][0] == "（七）总计"
    assert cells[(27, 0)][0] == "四、结转下年度继续办理"
    assert cells[(0, 3)][0] == cells[(0, 9)][0] == "申请人情况"
    table4 = resolve(built(report).tables[2])
    assert table4[(3, 14)][0] == "77"
    assert table4[(0, 0)] == table4[(0, 4)] == ("行政复议", (0, 0))


def test_merges_are_real_word_merges():
    doc = built(sample(F2021))
    table3, table4 = doc.tables[1]._tbl, doc.tables[2]._tbl
    rows = table3.findall(qn("w:tr"))
    column0 = [tr.findall(qn("w:tc"))[0] for tr in rows]
    vmerges = [tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}") for tc in column0]
    opened = [i for i, v in enumerate(vmerges) if v is not None and v.get(qn("w:val")) == "restart"]
    results = next(i for i, tc in enumerate(column0) if "三、本年度办理结果" in "".join(t.text or "" for t in tc.iter(qn("w:t"))))
    assert results in opened
    run = 1
    while results + run < len(rows) and vmerges[results + run] is not None \
            and vmerges[results + run].get(qn("w:val")) is None:
        run += 1
    assert run == 22
    first = table4.findall(qn("w:tr"))[0].findall(qn("w:tc"))[0]
    assert first.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "5"
    word = doc.tables[2]
    assert word.cell(0, 0)._tc is word.cell(0, 4)._tc  # python-docx agrees it is merged


@ALL
def test_header_rows_repeat_and_no_row_splits(fmt):
    doc = built(sample(fmt))
    for table, word in zip(fmt.tables, doc.tables, strict=True):
        rows = word._tbl.findall(qn("w:tr"))
        header = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in rows]
        n = table_grid(table).header_rows
        assert header == [i < n for i in range(len(rows))]
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)


@ALL
def test_table_three_keeps_its_top_block_and_each_group_together(fmt):
    """keepNext on every row of a group but its last; long labels read from the top."""
    doc = built(sample(fmt))
    word = doc.tables[[t.key for t in fmt.tables].index("applications")]
    rows = word._tbl.findall(qn("w:tr"))
    kept = [all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
                for p in tr.iter(qn("w:p"))) for tr in rows]
    labels = [next((t.text for t in tr.iter(qn("w:t"))), "") for tr in rows]
    last_of_group = {"8.属于行政查询事项", "3.补正后申请内容仍不明确",
                     "5.要求行政机关确认或重新出具已获取信息"}
    for row, keep, label in zip(rows, kept, labels, strict=True):
        texts = "".join(t.text for t in row.iter(qn("w:t")))
        if any(texts.startswith(x) or x in texts for x in last_of_group):
            assert not keep, f"last row of a group ({label}) is kept with the next"
    first_group_end = next(i for i, tr in enumerate(rows)
                           if "8.属于行政查询事项" in "".join(t.text for t in tr.iter(qn("w:t"))))
    assert all(kept[:first_group_end]), "the top block down to （三）'s last item stays together"
    assert not kept[-1]
    tops = [tc for tc in word._tbl.iter(qn("w:tc"))
            if tc.find(f"{qn('w:tcPr')}/{qn('w:vAlign')}").get(qn("w:val")) == "top"]
    top_texts = {"".join(t.text for t in tc.iter(qn("w:t"))) for tc in tops}
    assert {"三、本年度办理结果", "（三）不予公开", "（五）不予处理"} <= top_texts


@ALL
def test_the_paragraph_before_each_table_stays_whole_with_it(fmt):
    """In Word's terms (ECMA-376 17.3.1.14-15): the sentence before a table keeps with
    the table (keepNext) and is not split (keepLines, else keepNext binds only its last
    line); the heading before it keeps with it through its style."""
    doc = built(sample(fmt))
    body = doc.element.body
    tables = body.findall(qn("w:tbl"))
    assert len(tables) == len(fmt.tables)
    for tbl in tables:
        before = tbl.getprevious()
        ppr = before.find(qn("w:pPr"))
        assert ppr.find(qn("w:keepNext")) is not None
        assert ppr.find(qn("w:keepLines")) is not None
        style_id = before.getprevious().find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))
        style = next(s for s in doc.styles if s.style_id == style_id)
        if style.name.endswith("标题"):
            assert style.paragraph_format.keep_with_next, style.name


@ALL
def test_tables_fit_the_type_area_with_borders(fmt):
    for word in built(sample(fmt)).tables:
        tbl_pr = word._tbl.tblPr
        widths = [int(c.get(qn("w:w"))) for c in word._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == round(156 * 1440 / 25.4)
        borders = tbl_pr.find(qn("w:tblBorders"))
        edges = {b.tag.split("}")[1]: b.get(qn("w:val")) for b in borders}
        assert edges == dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"),
                                      "single")
    four = built(sample(fmt)).tables[2]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert len({c.get(qn("w:w")) for c in four[:-1]}) == 1  # 15 equal columns


def test_table_four_uses_the_smaller_table_style():
    doc = built(sample(F2021))
    styles = {p.style.name for p in doc.tables[2].rows[0].cells[0].paragraphs}
    assert styles == {"表格小字"}
    assert doc.styles["表格小字"].font.size.pt == 9
    assert doc.styles["表格"].font.size.pt == 10.5


def test_amounts_keep_their_own_decimals():
    report = sample(FORMATS["2019"])
    report.values["active_disclosure.procurement.amount_10k_yuan"] = Decimal("12.3400")
    report.values["active_disclosure.fees.change"] = -3
    cells = [c for _, (c, _) in resolve(built(report).tables[0]).items()]
    assert "12.3400" in cells and "-3" in cells
    report = sample(F2021)
    report.values["active_disclosure.fees_10k_yuan"] = Decimal("1E+2")
    assert "100" in [c for _, (c, _) in resolve(built(report).tables[0]).items()]


def test_a4_portrait_with_official_margins():
    section = built(sample(F2021)).sections[0]
    mm = {name: round(getattr(section, name).mm) for name in
          ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin",
           "right_margin")}
    assert mm == {"page_width": 210, "page_height": 297, "top_margin": 37,
                  "bottom_margin": 35, "left_margin": 28, "right_margin": 26}


@pytest.mark.parametrize(("style", "font", "size"), [
    ("标题", "方正小标宋简体", 22), ("一级标题", "黑体", 16), ("二级标题", "楷体_GB2312", 16),
    ("正文", "仿宋_GB2312", 16), ("表格", "宋体", 10.5), ("落款", "仿宋_GB2312", 16),
])
def test_named_styles_name_east_asian_fonts(style, font, size):
    doc = built(sample(F2021))
    s = doc.styles[style]
    rfonts = s.element.rPr.rFonts
    assert {rfonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {font}
    assert s.font.size.pt == size


def test_body_text_indent_and_fixed_line_pitch():
    ppr = built(sample(F2021)).styles["正文"].element.pPr
    assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    spacing = ppr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    rpr_spacing = built(sample(F2021)).styles["正文"].element.rPr.find(qn("w:spacing"))
    assert rpr_spacing.get(qn("w:val")) == "-5"  # 28 characters a line (GB/T 9704)


def test_document_grid_keeps_the_line_pitch_without_a_character_grid():
    grid = built(sample(F2021)).sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579" and grid.get(qn("w:type")) is None


def test_theme_font_language_is_chinese(tmp_path):
    write_docx(sample(F2021), tmp_path / "r.docx")
    with zipfile.ZipFile(tmp_path / "r.docx") as zf:
        settings = zf.read("word/settings.xml").decode()
    assert 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings


@pytest.mark.parametrize(("builtin", "named", "font", "bold", "outline"), [
    ("Title", "标题", "方正小标宋简体", False, None),
    ("Heading 1", "一级标题", "黑体", False, "0"),
    ("Heading 2", "二级标题", "楷体_GB2312", False, "1"),
    ("Heading 3", "三级标题", "仿宋_GB2312", True, "2"),
])
def test_builtin_title_and_headings_are_the_official_ones(builtin, named, font, bold, outline):
    """Word's navigation pane and table of contents follow the built-in styles: they look
    official (no blue theme) and the report's named styles are based on them."""
    doc = built(sample(F2021))
    base, style = doc.styles[builtin], doc.styles[named]
    assert style.base_style.style_id == base.style_id
    for s in (base, style):
        rfonts = s.element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font and rfonts.get(qn("w:asciiTheme")) is None
        assert s.font.color.rgb is None and s.font.color.theme_color is None
        assert bool(s.font.bold) is bold
        level = s.element.pPr.find(qn("w:outlineLvl"))
        assert (level.get(qn("w:val")) if level is not None else None) == outline
    assert base.font.size.pt == (22 if builtin == "Title" else 16)
    if builtin != "Title":  # 三号, two characters in (GB/T 9704 7.3.3)
        assert style.font.size.pt == 16
        assert style.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert base.element.pPr.find(qn("w:pBdr")) is None  # the template's rule under Title
    link = base.element.find(qn("w:link")).get(qn("w:val"))
    linked = next(s for s in doc.styles if s.style_id == link)
    assert linked.element.rPr.rFonts.get(qn("w:eastAsia")) == font
    assert linked.font.color.rgb is None and linked.font.color.theme_color is None


def test_numbered_lines_of_the_clerks_text_use_the_third_level_heading():
    report = sample(F2021, overview=[Entry("(一)主动公开", [
        "1.加强组织领导", "全年公开信息120条。", "2、完善工作机制。",
        "3.加强培训。全年组织培训2次,参训80人次。", "1.5万元用于平台建设。"])])
    doc = built(report)
    assert body_texts(doc, "三级标题") == ["1.加强组织领导", "2、完善工作机制。"]
    assert "3.加强培训。全年组织培训2次，参训80人次。" in body_texts(doc, "正文")
    assert "1.5万元用于平台建设。" in body_texts(doc, "正文")


def test_no_japanese_default_font_leaks(tmp_path):
    write_docx(sample(F2021), tmp_path / "r.docx")
    with zipfile.ZipFile(tmp_path / "r.docx") as zf:
        xml = "".join(zf.read(n).decode("utf-8", "ignore") for n in zf.namelist()
                      if n.endswith(".xml") and "theme" not in n)
    assert "Mincho" not in xml and "明朝" not in xml and "eastAsiaTheme" not in xml.split(
        "<w:docDefaults>")[1].split("</w:docDefaults>")[0]


def test_footers_carry_page_numbers_on_odd_and_even_pages():
    doc = built(sample(F2021))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        instr = "".join(i.text for i in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text == "— 1 —"
        assert p.style.name == "页码" and p.style.font.size.pt == 14
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align


def test_narrative_expressions_render_and_special_characters_survive():
    report = sample(F2021)
    report.values["applications.new_received.6"] = 6
    texts = body_texts(built(report), "正文")
    assert "收到申请6件。" in texts
    assert "问题 & <改进> 措施" in texts


def test_summaries_come_from_the_tables_and_fees_only_when_section_six_is_empty():
    report = sample(F2021)
    report.values = zero_values(F2021)
    texts = body_texts(built(report), "正文")
    assert "本年度未收到政府信息公开申请。" in texts
    assert "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。" in texts
    assert "本年度未收取信息处理费。" in texts
    report.narrative["other"] = [Entry("(一)信息处理费收取情况", ["本年度收取信息处理费0元。"])]
    assert "本年度未收取信息处理费。" not in body_texts(built(report), "正文")


def test_unknown_name_is_reported_with_its_place():
    report = sample(F2021, overview=[Entry(None, ["{{ 依申请.本年新收.总数 }}"])])
    with pytest.raises(NarrativeError) as caught:
        built(report, where={"narrative.overview.0.0": "一、总体情况!B7"})
    message = caught.value.message
    assert message.startswith("一、总体情况!B7 模板中的“依申请.本年新收.总数”无法识别")
    assert "自然人" in message


def test_sandbox_escape_becomes_a_narrative_error():
    report = sample(F2021, problems=[Entry(None, ["{{ ''.__class__.__mro__ }}"])])
    with pytest.raises(NarrativeError, match="五、问题及改进"):
        built(report)


def test_reference_docx_gives_its_styles_but_not_its_text(tmp_path):
    ref = docx.Document()
    style = ref.styles.add_style("正文", 1)
    style.font.size = docx.shared.Pt(12)
    ref.add_paragraph("旧报告的内容")
    ref.save(tmp_path / "ref.docx")
    doc = built(sample(F2021), reference_docx=tmp_path / "ref.docx")
    assert "旧报告的内容" not in body_texts(doc)
    assert doc.styles["正文"].font.size.pt == 12
    assert doc.styles["一级标题"].font.size.pt == 16  # created, since the reference lacked it


def test_custom_templates_override_and_fall_back(tmp_path):
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "fees.j2").write_text("{{ 机关名称 }}未收费。", encoding="utf-8")
    report = sample(F2021)
    texts = body_texts(built(report, templates=tmp_path), "正文")
    assert "合作市人民政府未收费。" in texts
    assert any(t.startswith("本年度新收政府信息公开申请") for t in texts)  # packaged one


def test_properties_and_atomic_replace(tmp_path):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")
    write_docx(sample(F2021), target)
    doc = docx.Document(target)
    assert doc.core_properties.title == "合作市人民政府2023年政府信息公开工作年度报告"
    assert doc.core_properties.author == "合作市人民政府"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "r.docx"
    target.write_bytes(b"old")
    with pytest.raises(NarrativeError):
        write_docx(sample(F2021, overview=[Entry(None, ["{{ 没有 }}"])]), target)
    assert target.read_bytes() == b"old"



@ALL
def test_libreoffice_lays_it_out(fmt, tmp_path):
    require_soffice()
    report = sample(fmt)
    write_docx(report, tmp_path / "r.docx")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "r.docx")],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "r.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert 3 <= pages <= 8
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    compact = "".join(text.split())
    for needle in ("一、总体情况", "申请人情况", "行政复议", "1681.00", "— 1 —".replace(" ", ""),
                   str(report.value("applications.total_handled.6"))):
        assert needle in compact, needle


@pytest.mark.parametrize("text", ["制表\t符", "制表\t 空格 \t之间", "a\t\tb", "全角\u3000\t\u3000空格",
                                  "一行"])
def test_a_paragraph_s_run_is_written_as_python_docx_writes_it(text):
    """Tabs as w:tab, the text between them in w:t, outer spaces kept (a cell's line breaks
    make paragraphs, so its runs hold none)."""
    from lxml import etree

    from make_report.writers.ooxml import W

    report = sample(F2021, problems=[Entry(None, [f"甲{text}乙"])])
    ours = next(p for p in built(report).element.body.iter(W + "p")
                if "甲" in "".join(p.itertext()))
    theirs = docx.Document().add_paragraph().add_run(f"甲{text}乙")._r
    assert etree.tostring(ours.find(W + "r")) == etree.tostring(theirs)
