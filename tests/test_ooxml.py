"""Each raw-OOXML helper does its one thing, in schema order, and Word-side readers agree."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from make_report.writers import ooxml
from make_report.writers.ooxml_table import (
    add_cell,
    add_row,
    add_text_paragraph,
    cant_split,
    new_table,
    repeat_header,
)


def local(el) -> str:
    return el.tag.split("}")[1]


def attr(el, name: str) -> str | None:
    return el.get(qn(f"w:{name}"))


def test_style_fonts_fill_all_four_slots_and_drop_theme_fonts():
    doc = docx.Document()
    style = doc.styles["Heading 1"]  # carries theme fonts in python-docx's template
    ooxml.set_style_fonts(style, "黑体")
    rfonts = style.element.rPr.rFonts
    assert {k.split("}")[1]: v for k, v in rfonts.attrib.items()} == {
        "ascii": "黑体", "hAnsi": "黑体", "eastAsia": "黑体", "cs": "黑体"}


def test_latin_font_can_differ_from_the_east_asian_one():
    doc = docx.Document()
    ooxml.set_style_fonts(doc.styles["Normal"], "仿宋_GB2312", latin="Times New Roman")
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert (attr(rfonts, "eastAsia"), attr(rfonts, "ascii")) == ("仿宋_GB2312", "Times New Roman")


def test_document_defaults_name_a_chinese_font_and_language():
    doc = docx.Document()
    ooxml.set_default_fonts(doc.styles.element, "宋体")
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert attr(rpr.find(qn("w:rFonts")), "eastAsia") == "宋体"
    assert "eastAsiaTheme" not in str(rpr.find(qn("w:rFonts")).attrib)
    lang = rpr.find(qn("w:lang"))
    assert attr(lang, "eastAsia") == "zh-CN" and attr(lang, "val") == "en-US"


def test_paragraph_properties_in_characters_and_exact_points():
    ppr = docx.Document().add_paragraph()._p.get_or_add_pPr()
    ooxml.set_first_line_chars(ppr, 2, 16)
    ooxml.set_side_indent_chars(ppr, "right", 1, 14)
    ooxml.set_exact_line_spacing(ppr, 28, after=6)
    ooxml.set_outline_level(ppr, 0)
    ind, spacing = ppr.find(qn("w:ind")), ppr.find(qn("w:spacing"))
    assert (attr(ind, "firstLineChars"), attr(ind, "firstLine")) == ("200", "640")
    assert (attr(ind, "rightChars"), attr(ind, "right")) == ("100", "280")
    assert (attr(spacing, "line"), attr(spacing, "lineRule"), attr(spacing, "after")) == (
        "560", "exact", "120")
    assert [local(c) for c in ppr] == ["spacing", "ind", "outlineLvl"]


def test_child_inserts_at_the_schema_position():
    trpr = docx.Document().add_table(1, 1)._tbl.tr_lst[0].get_or_add_trPr()
    repeat_header(trpr.getparent())
    cant_split(trpr.getparent())
    assert [local(c) for c in trpr] == ["cantSplit", "tblHeader"]
    assert ooxml.child(trpr, "cantSplit") is trpr[0]  # found, not duplicated


def test_built_table_merges_are_understood_by_python_docx():
    doc = docx.Document()
    tbl = new_table([1000, 1000, 1000], cell_margin=57)
    row0 = add_row(tbl, header=True, min_height=300)
    add_cell(row0, 2000, "合并", colspan=2, vmerge="restart")
    add_cell(row0, 1000, "c")
    row1 = add_row(tbl)
    add_cell(row1, 2000, colspan=2, vmerge="continue")
    add_cell(row1, 1000, "a & <b>\nnext", align="left", keep_next=True)
    # built with lxml alone (no python-docx classes): python-docx reads it as Word would
    doc.element.body.insert(0, parse_xml(etree.tostring(tbl)))
    table = doc.tables[0]
    tbl = table._tbl
    assert table.cell(0, 0)._tc is table.cell(1, 1)._tc
    assert table.cell(0, 0).text == "合并"
    assert table.cell(1, 2).text == "a & <b>\nnext"
    assert [local(c) for c in tbl.tr_lst[0].trPr] == ["cantSplit", "trHeight", "tblHeader"]
    assert [local(c) for c in tbl.tr_lst[0].tc_lst[0].tcPr] == [
        "tcW", "gridSpan", "vMerge", "vAlign"]
    assert [local(c) for c in tbl.tblPr] == ["tblW", "jc", "tblBorders", "tblLayout", "tblCellMar"]


def test_table_text_drops_control_characters():
    tc = add_cell(add_row(new_table([1000])), 1000, "a\x00b\x1fc")
    assert "".join(t.text for t in tc.iter(qn("w:t"))) == "abc"


def test_text_paragraph_keeps_edge_spaces():
    p = add_text_paragraph(new_table([1000]), " x ")
    assert p.find(f"{qn('w:r')}/{qn('w:t')}").get(qn("xml:space")) == "preserve"


def test_page_field_is_a_complete_field_between_dashes():
    p = docx.Document().sections[0].footer.paragraphs[0]
    ooxml.add_page_field(p)
    kinds = [fc.get(qn("w:fldCharType")) for fc in p._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert "".join(i.text for i in p._p.iter(qn("w:instrText"))).strip() == "PAGE"
    assert p.text == "— 1 —"


def test_even_and_odd_headers_switch():
    doc = docx.Document()
    ooxml.set_even_and_odd_headers(doc)
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    ooxml.set_even_and_odd_headers(doc, on=False)
    assert not doc.settings.odd_and_even_pages_header_footer


def test_custom_properties_round_trip(tmp_path):
    doc = docx.Document()
    assert ooxml.get_custom_property(doc, "hash") is None
    ooxml.set_custom_property(doc, "hash", "abc")
    ooxml.set_custom_property(doc, "工具", "make-report")
    ooxml.set_custom_property(doc, "hash", "def")
    doc.save(tmp_path / "p.docx")
    again = docx.Document(tmp_path / "p.docx")
    assert ooxml.get_custom_property(again, "hash") == "def"
    assert ooxml.get_custom_property(again, "工具") == "make-report"
    assert ooxml.get_custom_property(again, "other") is None
    ooxml.set_custom_property(again, "hash", "ghi")
    again.save(tmp_path / "q.docx")
    assert ooxml.get_custom_property(docx.Document(tmp_path / "q.docx"), "hash") == "ghi"


def test_custom_properties_get_distinct_ids(tmp_path):
    doc = docx.Document()
    for name in ("a", "b", "c"):
        ooxml.set_custom_property(doc, name, name)
    doc.save(tmp_path / "p.docx")
    import zipfile

    xml = zipfile.ZipFile(tmp_path / "p.docx").read("docProps/custom.xml").decode()
    assert xml.count('pid="2"') == xml.count('pid="3"') == xml.count('pid="4"') == 1


@pytest.mark.parametrize(("mm", "twips"), [(156, 8844), (25.4, 1440), (0, 0)])
def test_twips(mm, twips):
    assert ooxml.twips(mm) == twips
