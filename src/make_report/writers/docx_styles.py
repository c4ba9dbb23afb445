"""The named styles, page setup and footers of the report (GB/T 9704-2012 layout).

Formatting lives in named styles, never on single paragraphs, so that office staff can
restyle the whole report from Word's style pane; fonts are named in all four slots.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import StyleFactory

from make_report.writers import ooxml

CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)
BODY_FONT = "仿宋_GB2312"
LINE_PT = 28.95
"""Exact line pitch: 22 lines fill the 225 mm type area (GB/T 9704: 22 lines of 28 chars)."""
TIGHTEN = -5
"""Character spacing in twentieths of a point: 三号 characters 0.25 pt closer, so that 28
of them fill the 156 mm line (15.75 pt x 28 = 441 pt of the 442 pt available)."""
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


@dataclass(frozen=True)
class StyleSpec:
    name: str
    style_id: str
    font: str
    size: float
    align: WD_ALIGN_PARAGRAPH = JUSTIFY
    first_line_chars: float = 0
    right_chars: float = 0
    line: float | None = LINE_PT
    """Exact line pitch in points; None for single spacing (tables)."""
    after: float = 0
    outline: int | None = None
    keep_next: bool = False
    bold: bool = False
    spacing: int = 0
    """Character spacing in twentieths of a point (``TIGHTEN`` on the 28 x 22 grid)."""
    builtin: str | None = None
    """Word's built-in style this one is based on (and which gets the same look), so that
    the navigation pane, the table of contents and a restyle by the office all follow."""


STYLES = (
    StyleSpec("标题", "ReportTitle", "方正小标宋简体", 22, CENTER, line=36, after=LINE_PT,
              builtin="Title"),
    StyleSpec("一级标题", "ReportHeading1", "黑体", 16, first_line_chars=2, outline=0,
              keep_next=True, spacing=TIGHTEN, builtin="Heading 1"),
    StyleSpec("二级标题", "ReportHeading2", "楷体_GB2312", 16, first_line_chars=2, outline=1,
              keep_next=True, spacing=TIGHTEN, builtin="Heading 2"),
    StyleSpec("三级标题", "ReportHeading3", BODY_FONT, 16, first_line_chars=2, outline=2,
              keep_next=True, bold=True, spacing=TIGHTEN, builtin="Heading 3"),
    StyleSpec("正文", "ReportBody", BODY_FONT, 16, first_line_chars=2, spacing=TIGHTEN),
    StyleSpec("表格", "ReportTable", "宋体", 10.5, CENTER, line=None),
    StyleSpec("表格小字", "ReportTableSmall", "宋体", 9, CENTER, line=None),
    StyleSpec("落款", "ReportSignature", BODY_FONT, 16, RIGHT, right_chars=4, spacing=TIGHTEN),
    StyleSpec("页码", "ReportPageNumber", "宋体", 14, RIGHT, line=None),
)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FOOTER_MM = 25.2
"""Footer distance from the page edge: the dashes of the page number sit 7 mm below the
text area (GB/T 9704 7.5), measured on the rendered PDF."""


_PREPARED: dict[tuple[str, float], tuple[bytes, dict[str, str]]] = {}


def prepared_base(reference: Path | None) -> tuple[Document, dict[str, str]]:
    """A fresh empty document with our styles, page setup and page numbers.

    Preparing one costs ~40 ms (python-docx parses its whole template); a batch reuses
    the prepared package as bytes, which parses in a few milliseconds.
    """
    key = (str(reference), reference.stat().st_mtime) if reference else ("", 0.0)
    if key not in _PREPARED:
        doc = open_base(reference)
        styles = ensure_styles(doc, restyle_builtins=reference is None)
        if reference is None:
            setup_pages(doc)
        add_page_numbers(doc)
        buffer = io.BytesIO()
        doc.save(buffer)
        _PREPARED[key] = (buffer.getvalue(), styles)
    data, styles = _PREPARED[key]
    return docx.Document(io.BytesIO(data)), dict(styles)


def open_base(reference: Path | None) -> Document:
    """A document with no body: our clean default, or the reference file's styles."""
    if reference is None:
        doc = docx.Document()
        _strip_package(doc)
        ooxml.set_default_fonts(doc.styles.element, BODY_FONT)
        ooxml.set_theme_font_lang(doc, "zh-CN")
        _set_default_paragraph(doc)
    else:
        doc = docx.Document(str(reference))
    body = doc.element.body
    for el in list(body):
        if el.tag != qn("w:sectPr"):
            body.remove(el)
    return doc


def _strip_package(doc: Document) -> None:
    """Drop what python-docx's template carries that a report should not: a thumbnail of
    another document, a bibliography part, Word 2010's second copy of the styles and a
    font table listing Japanese fonts."""
    for rels, kinds in ((doc.part.package.rels, {RT.THUMBNAIL}),
                        (doc.part.rels, {RT.CUSTOM_XML, STYLES_WITH_EFFECTS, RT.FONT_TABLE})):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in kinds]:
            rels.pop(rid)
    _drop_table_styles(doc)


def _drop_table_styles(doc: Document) -> None:
    """The template's 100 table styles are 340 KB of styles.xml that no report uses
    (our tables carry their own borders); Word offers its built-in ones anyway."""
    root = doc.styles.element
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:default")) != "1":
            root.remove(style)


def _set_default_paragraph(doc: Document) -> None:
    """Normal: body text, so that anything a user types in looks like the report."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    ooxml.set_style_fonts(normal, BODY_FONT)
    ooxml.set_char_spacing(normal.element.get_or_add_rPr(), TIGHTEN)
    ooxml.set_exact_line_spacing(normal.element.get_or_add_pPr(), LINE_PT)


def ensure_styles(doc: Document, restyle_builtins: bool = False) -> dict[str, str]:
    """Create our named styles where missing (a reference file's own ones are kept).

    With ``restyle_builtins`` (our own base document), Word's built-in Title and
    Heading 1-3 get the official look too, in place of the template's blue theme.
    """
    existing = {s.name: s for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    return {spec.name: (existing.get(spec.name)
                        or _add_style(doc, spec, restyle_builtins)).style_id
            for spec in STYLES}


def _add_style(doc: Document, spec: StyleSpec, restyle_builtin: bool):
    # add_style() would rescan every style by name; we already know this one is missing
    style = StyleFactory(doc.styles.element.add_style_of_type(
        spec.name, WD_STYLE_TYPE.PARAGRAPH, builtin=False))
    style.style_id = spec.style_id
    style.quick_style = True
    base = _builtin(doc, spec)
    if base is not None:
        if restyle_builtin:
            _clear(base)
            _apply(StyleFactory(base), spec)
            _restyle_linked(doc, base, spec)
        style.base_style = StyleFactory(base)
    return _apply(style, spec)


def _builtin(doc: Document, spec: StyleSpec):
    """The w:style of Word's built-in style ``spec`` is based on (Title, Heading 1-3)."""
    if spec.builtin is None:
        return None
    want = spec.builtin.lower()
    return next((st for st in doc.styles.element.findall(qn("w:style"))
                 if st.get(qn("w:type")) == "paragraph"
                 and (st.name_val or "").lower() == want), None)


def _restyle_linked(doc: Document, base, spec: StyleSpec) -> None:
    """The character style Word links to a heading (Heading1Char) gets its font too."""
    link = base.find(qn("w:link"))
    target = None if link is None else link.get(qn("w:val"))
    linked = next((st for st in doc.styles.element.findall(qn("w:style"))
                   if st.get(qn("w:styleId")) == target), None)
    if linked is None:
        return
    _clear(linked)
    style = StyleFactory(linked)
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    ooxml.set_style_fonts(style, spec.font)


def _clear(style_element) -> None:
    """Drop a style's own paragraph and run properties (the template's theme look)."""
    for tag in ("w:pPr", "w:rPr"):
        old = style_element.find(qn(tag))
        if old is not None:
            style_element.remove(old)


def _apply(style, spec: StyleSpec):
    """Give ``style`` every property of ``spec``, so it needs nothing from its base."""
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    style.font.color.rgb = None
    ooxml.set_style_fonts(style, spec.font)
    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.keep_with_next = spec.keep_next or None
    fmt.widow_control = True
    ppr = style.element.get_or_add_pPr()
    if spec.line is None:
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    else:
        ooxml.set_exact_line_spacing(ppr, spec.line, after=spec.after)
    if spec.first_line_chars:
        ooxml.set_first_line_chars(ppr, spec.first_line_chars, spec.size)
    if spec.right_chars:
        ooxml.set_side_indent_chars(ppr, "right", spec.right_chars, spec.size)
    if spec.outline is not None:
        ooxml.set_outline_level(ppr, spec.outline)
    if spec.spacing:
        ooxml.set_char_spacing(style.element.get_or_add_rPr(), spec.spacing)
    return style


def setup_pages(doc: Document) -> None:
    """A4 portrait with the official margins (type area 156 mm x 225 mm)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_MM)
    section.gutter = Mm(0)
    _set_line_pitch(section)


def _set_line_pitch(section) -> None:
    """The document grid's line pitch is the styles' (28.95 pt) but the grid stays off:
    ``linesAndChars`` would double every character's width in LibreOffice, and the exact
    line spacing and tightened characters of the styles already give 28 x 22."""
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(qn("w:docGrid"), {})
        section._sectPr.append(grid)
    grid.attrib.pop(qn("w:type"), None)
    grid.attrib.pop(qn("w:charSpace"), None)
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))


def add_page_numbers(doc: Document) -> None:
    """``— N —`` in 四号宋体: odd pages on the right, even pages on the left, one
    character in from the edge."""
    section = doc.sections[0]
    if _has_footer(section):
        return
    ooxml.set_even_and_odd_headers(doc)
    for footer, side, align in ((section.footer, "right", RIGHT),
                                (section.even_page_footer, "left", LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["页码"]
        paragraph.alignment = align
        ooxml.set_side_indent_chars(paragraph._p.get_or_add_pPr(), side, 1, 14)
        ooxml.add_page_field(paragraph)


def _has_footer(section) -> bool:
    """A reference file that brings its own footers keeps them."""
    return section._sectPr.find(qn("w:footerReference")) is not None

