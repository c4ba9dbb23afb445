"""Raw OOXML that python-docx does not expose, kept in one place.

East Asian fonts, repeated header rows, merges, page-number fields, odd/even footers and
custom document properties all need direct XML; the Word writer calls these helpers and
never builds elements itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from make_report.core.safe import invisible_removed

# python-docx is imported only by the helpers that take its objects: the Word writer's fast
# path (writers/docx_base.py) lays out a report with lxml alone.
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
NSMAP = {"w": W_NS}
XML_NS = "http://www.w3.org/XML/1998/namespace"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Schema order of w:rPr children from w:w on (OOXML sequences are ordered).
RPR_TAIL = ("w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd",
            "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout")

_PREFIXES = {"w": W_NS, "xml": XML_NS}
PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
"""python-docx's parser settings, so a part reads (and serializes) as it would there."""


def serialize(root: etree._Element) -> bytes:
    """A part's XML as python-docx's serialize_part_xml writes it."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def qn(tag: str) -> str:
    """``w:p`` → ``{namespace}p``, as python-docx's ``qn`` (for the w and xml prefixes)."""
    prefix, name = tag.split(":")
    return f"{{{_PREFIXES[prefix]}}}{name}"


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def xml_safe(text: str) -> str:
    """Text for the document: no character lxml refuses, and none that could disguise
    the text (control characters, bidi overrides, zero-width spaces: ``core.safe``);
    Windows' line breaks as one break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_INVALID.sub("", invisible_removed(text))


def child(parent: etree._Element, tag: str, order: Sequence[str] = ()) -> etree._Element:
    """The ``w:tag`` child of ``parent``, inserted at its schema position if missing."""
    name = W + tag
    found = parent.find(name)
    if found is not None:
        return found
    new = parent.makeelement(name, {})
    if tag in order:
        later = {W + t for t in order[order.index(tag) + 1 :]}
        for existing in parent:
            if existing.tag in later:
                existing.addprevious(new)
                return new
    parent.append(new)
    return new


def set_attrs(el: etree._Element, **attrs: str | int) -> etree._Element:
    """Set ``w:`` attributes, e.g. ``set_attrs(ind, firstLineChars=200)``."""
    for name, value in attrs.items():
        el.set(W + name, str(value))
    return el


def set_rfonts(rpr, font: str, latin: str | None = None) -> None:
    """Fill all four w:rFonts slots; theme slots go, because they override the names."""
    rfonts = rpr.get_or_add_rFonts()
    for slot in _THEME_SLOTS:
        rfonts.attrib.pop(qn(slot), None)
    for slot in _FONT_SLOTS:
        rfonts.set(qn(slot), font if slot == "w:eastAsia" else latin or font)


def set_style_fonts(style, font: str, latin: str | None = None) -> None:
    """Name the typeface for Chinese text too (python-docx's Font.name sets Latin only)."""
    set_rfonts(style.element.get_or_add_rPr(), font, latin)


def set_default_fonts(styles_element, font: str, lang: str = "zh-CN") -> None:
    """Replace docDefaults' theme fonts, so that MS Mincho never reaches Chinese text."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = styles_element.makeelement(qn("w:docDefaults"), {})
        styles_element.insert(0, defaults)
    rpr = child(child(defaults, "rPrDefault"), "rPr")
    set_rfonts(rpr, font)
    set_attrs(child(rpr, "lang", RPR_TAIL), eastAsia=lang)


def set_char_spacing(rpr, twentieths: int) -> None:
    """Character spacing (w:spacing in w:rPr): negative brings characters closer."""
    set_attrs(child(rpr, "spacing", ("spacing", *RPR_TAIL)), val=twentieths)


def set_theme_font_lang(document, east_asia: str) -> None:
    """settings.xml's w:themeFontLang: the language Word picks theme fonts for."""
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = settings.makeelement(qn("w:themeFontLang"), {})
        settings.append(lang)
    lang.set(qn("w:eastAsia"), east_asia)


def set_first_line_chars(ppr, chars: float, size_pt: float) -> None:
    """Indent the first line by characters, with a twips fallback for other programs."""
    ind = ppr.get_or_add_ind()
    set_attrs(ind, firstLineChars=round(chars * 100), firstLine=round(chars * size_pt * 20))


def set_side_indent_chars(ppr, side: str, chars: float, size_pt: float) -> None:
    """Indent from the ``left`` or ``right`` edge by characters (page numbers, signatures)."""
    ind = ppr.get_or_add_ind()
    set_attrs(ind, **{f"{side}Chars": round(chars * 100), side: round(chars * size_pt * 20)})


def set_exact_line_spacing(ppr, points: float, before: float = 0, after: float = 0) -> None:
    """Fixed line pitch: official documents are laid out by lines per page."""
    spacing = ppr.get_or_add_spacing()
    set_attrs(spacing, before=round(before * 20), after=round(after * 20),
              line=round(points * 20), lineRule="exact")


def set_outline_level(ppr, level: int) -> None:
    """Let headings show in Word's navigation pane and table of contents."""
    ppr.get_or_add_outlineLvl().set(qn("w:val"), str(level))


def add_page_field(paragraph, before: str = "— ", after: str = " —") -> None:
    """Append ``— PAGE —``: a PAGE field between em dashes, updated by Word on every page."""
    paragraph.add_run(before)
    for kind in ("begin", None, "separate", "1", "end"):
        r = paragraph.add_run()._r
        if kind is None:
            instr = r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = " PAGE "
            r.append(instr)
        elif kind == "1":
            r.text = "1"
        else:
            r.append(r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
    paragraph.add_run(after)


def set_even_and_odd_headers(document, on: bool = True) -> None:
    """Let odd and even pages carry different footers (w:evenAndOddHeaders in settings)."""
    document.settings.odd_and_even_pages_header_footer = on


def get_custom_property(document, name: str) -> str | None:
    """A value stored in docProps/custom.xml, or None."""
    root = _custom_root(document, create=False)
    prop = None if root is None else _find_property(root, name)
    return None if prop is None or not len(prop) else (prop[0].text or "")


def set_custom_property(document, name: str, value: str) -> None:
    """Store a string in docProps/custom.xml (Word shows it under 文件属性 > 自定义)."""
    root = _custom_root(document, create=True)
    prop = _find_property(root, name)
    if prop is None:
        pids = [int(p.get("pid", "1")) for p in root]
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property",
                                fmtid=FMTID, pid=str(max(pids, default=1) + 1), name=name)
    for old in list(prop):
        prop.remove(old)
    etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = xml_safe(value)


def _find_property(root, name: str):
    return next((p for p in root if p.get("name") == name), None)


def _custom_root(document, create: bool):
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import PartFactory, XmlPart
    from docx.oxml import parse_xml

    # Load docProps/custom.xml as XML from now on, so reading and writing share one tree.
    PartFactory.part_type_for.setdefault(CT.OFC_CUSTOM_PROPERTIES, XmlPart)
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
            return _xml_of(rel.target_part)
    if not create:
        return None
    xml = f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}"/>'
    part = XmlPart(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                   parse_xml(xml), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
    return part.element


def _xml_of(part):
    """The XML tree of a part; a part loaded as raw bytes is turned into XML in place."""
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    if isinstance(part, XmlPart):
        return part.element
    element = parse_xml(part.blob)
    part.__class__ = XmlPart
    part._element = element  # the attribute XmlPart keeps its tree in
    return element
