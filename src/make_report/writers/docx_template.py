"""An office's own Word template with ``{{ 占位符 }}``: the report poured into its document.

Why our own writer and not docxtpl: docxtpl renders the whole document.xml as one Jinja
template (regex surgery on the XML, tags split across runs break it, a stray ``<`` corrupts
the file) and would bring a second, unsandboxed Jinja environment. Here only the
placeholders are touched: each ``{{ … }}`` is found in a paragraph's text even when Word
split it over several runs, its value comes from the same sandboxed narrative names as the
workbook's text, and it takes the formatting of the run where it starts. A block
placeholder (``{{ 正文 }}``, ``{{ 表三 }}`` …) alone in a body paragraph is replaced by the
parts our own writer lays out, so tables keep their official merges; the template's page
setup, headers, footers and fixed text stay as they are.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml.ns import qn
from lxml import etree

from make_report.core.findings import Finding
from make_report.core.model import Report, format_date
from make_report.narrative.parts import Part, report_parts
from make_report.narrative.render import NarrativeError, render_context, render_text
from make_report.rules import finding
from make_report.writers.ooxml import xml_safe

W_P, W_T, W_R = qn("w:p"), qn("w:t"), qn("w:r")
_TAG = re.compile(r"\{\{(.*?)\}\}|\{#.*?#\}|\{%.*?%\}", re.S)
_NAME = re.compile(r"^\s*([^\s.|()\[\]{}]+)\s*$")
SNIPPET = 40


@dataclass
class Blocks:
    """The generated parts a template can place, by placeholder name, in report order."""

    parts: dict[str, list[Part]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Report, parts: list[Part]) -> Blocks:
        fmt = report.format
        out: dict[str, list[Part]] = {"全文": list(parts)}
        body: list[Part] = []
        current: list[Part] | None = out.setdefault("导语", [])
        for part in parts:
            kind = part[0]
            if kind == "title":
                continue
            if kind == "closing":
                out["落款"] = [part]
                continue
            body.append(part)
            if kind == "section":
                current = out.setdefault(section_block(part[1].title), [])
            if current is not None:
                current.append(part)
            if kind == "table":
                out[fmt.table_name(part[1].key)] = [part]
            if kind == "end":
                current = None
        out["正文"] = body
        return cls(out)

    def names(self) -> list[str]:
        return list(self.parts)


def section_block(title: str) -> str:
    """第一部分 for 一、总体情况: the numeral of the official heading, never a list in code."""
    return f"第{title.split('、', 1)[0]}部分"


def block_names(report: Report) -> list[str]:
    """Every block placeholder of this report's format, in report order."""
    return Blocks.of(report, list(report_parts(report))).names()


def value_context(report: Report) -> dict:
    """The narrative names plus what only a whole document needs (title, dated signature)."""
    ctx = render_context(report)
    ctx["标题"] = report.title
    ctx["成文日期"] = format_date(report.date) or ""
    return ctx


class TemplateFill:
    """Fill one template document in place; findings say what could not be filled."""

    def __init__(self, doc: Document, report: Report, name: str, parts: list[Part],
                 layout: callable) -> None:
        self.doc, self.report, self.name = doc, report, name
        self.blocks = Blocks.of(report, parts)
        self.layout = layout
        self.context = value_context(report)
        self.findings: list[Finding] = []
        self.count = 0

    def run(self) -> list[Finding]:
        for where, root in self._roots():
            for n, p in enumerate(_paragraphs(root), start=1):
                self._paragraph(p, where, n, root)
        if not self.count and not self.findings:
            self.findings.append(finding("D4", f"模板 {self.name}"))
        return self.findings

    def _roots(self) -> Iterator[tuple[str, etree._Element]]:
        yield "正文", self.doc.element.body
        seen = set()
        for section in self.doc.sections:
            for kind, part in (("页眉", section.header), ("页脚", section.footer),
                               ("首页页眉", section.first_page_header),
                               ("首页页脚", section.first_page_footer),
                               ("偶数页页眉", section.even_page_header),
                               ("偶数页页脚", section.even_page_footer)):
                if part.is_linked_to_previous:
                    continue
                element = part._element
                if id(element) not in seen:
                    seen.add(id(element))
                    yield kind, element

    def _paragraph(self, p: etree._Element, where: str, n: int, root: etree._Element) -> None:
        texts = [t for t in p.iter(W_T) if _owner(t) is p]
        text = "".join(t.text or "" for t in texts)
        if "{" not in text and "}" not in text:
            return
        place = f"模板 {self.name} {where}第{n}段“{_snippet(text)}”"
        matches = list(_TAG.finditer(text))
        rest = _TAG.sub("", text)
        statements = any(m.group(0).startswith("{%") for m in matches)
        if statements or any(mark in rest for mark in ("{{", "}}", "{%", "{#")):
            self.findings.append(finding("D2", place))
            return
        block = self._block_name(matches, text)
        if block is not None:
            self._place_block(p, block, place, where, root, alone=rest)
            return
        replacements = []
        for m in matches:
            replacements.append((m.start(), m.end(), self._value(m, place)))
        if self.findings:
            return
        if matches and not rest.strip() and all(r[2] == "" for r in replacements) \
                and all(m.group(0).startswith("{#") for m in matches):
            p.getparent().remove(p)  # a guide paragraph of comments only
            return
        for start, end, value in reversed(replacements):
            _replace(texts, start, end, value)

    def _block_name(self, matches: list[re.Match], text: str) -> str | None:
        for m in matches:
            name = _NAME.match(m.group(1) or "")
            if name and name.group(1) in self.blocks.parts:
                return name.group(1)
        return None

    def _place_block(self, p: etree._Element, block: str, place: str, where: str,
                     root: etree._Element, alone: str) -> None:
        """``alone``: the paragraph's own text without its tags (already worked out)."""
        self.count += 1
        inside = _container(p, root)
        if where != "正文" or inside:
            self.findings.append(finding("D3", place, kind=inside or "in_part", name=block,
                                         part=where))
            return
        if alone.strip() or len(_TAG.findall("".join(t.text or "" for t in p.iter(W_T)))) > 1:
            self.findings.append(finding("D3", place, kind="with_text", name=block))
            return
        for element in self.layout(self.blocks.parts[block]):
            p.addprevious(element)
        p.getparent().remove(p)

    def _value(self, m: re.Match, place: str) -> str:
        if not m.group(0).startswith("{{"):
            return ""  # {# comment #} vanishes; {% … %} is refused below
        self.count += 1
        try:
            return xml_safe(render_text(m.group(0), self.context, place))
        except NarrativeError as exc:
            self.findings.append(finding("D1", place, kind=exc.kind, **exc.params))
            return m.group(0)


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(W_P))


def _owner(t: etree._Element) -> etree._Element | None:
    return next(t.iterancestors(W_P), None)


def _container(p: etree._Element, root: etree._Element) -> str:
    """Why a table cannot go here (rule D3's kind): a table cell or a text box, else ''."""
    for ancestor in p.iterancestors():
        if ancestor is root:
            break
        if ancestor.tag == qn("w:tc"):
            return "in_cell"
        if ancestor.tag == qn("w:txbxContent"):
            return "in_text_box"
    return ""


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"


def _replace(texts: list[etree._Element], start: int, end: int, value: str) -> None:
    """Put ``value`` where text[start:end] was, in the run where it starts (its formatting),
    emptying the rest of the placeholder from the runs it spread over."""
    pos = 0
    placed = False
    for t in texts:
        s = t.text or ""
        a, b = pos, pos + len(s)
        pos = b
        if b <= start or a >= end:
            continue
        lo, hi = max(start - a, 0), min(end - a, len(s))
        new = s[:lo] + ("" if placed else value) + s[hi:]
        placed = True
        t.text = new
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


class _StyleMap:
    """Our style ids → the template's: by name where the template defines the style (so its
    look wins), else our definition copied in (under a fresh id if its id is taken)."""

    REFS = ("w:pStyle", "w:rStyle", "w:tblStyle")

    def __init__(self, source: etree._Element, target: etree._Element) -> None:
        self.source = {s.get(qn("w:styleId")): s for s in source.findall(qn("w:style"))}
        self.target = target
        self.by_name = {_style_name(s): s.get(qn("w:styleId")) for s in target.findall(qn("w:style"))}
        self.taken = set(self.by_name.values())
        self.map: dict[str, str] = {}

    def apply(self, element: etree._Element) -> None:
        for tag in self.REFS:
            for ref in element.iter(qn(tag)):
                ref.set(qn("w:val"), self.id_for(ref.get(qn("w:val"))))

    def id_for(self, sid: str) -> str:
        if sid in self.map:
            return self.map[sid]
        style = self.source.get(sid)
        if style is None:
            return sid
        name = _style_name(style)
        if name in self.by_name:
            self.map[sid] = self.by_name[name]
            return self.map[sid]
        new_id = sid
        while new_id in self.taken:
            new_id += "R"
        self.map[sid] = new_id
        self.taken.add(new_id)
        new = copy.deepcopy(style)
        new.set(qn("w:styleId"), new_id)
        new.attrib.pop(qn("w:default"), None)
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = new.find(qn(tag))
            if ref is not None:
                ref.set(qn("w:val"), self.id_for(ref.get(qn("w:val"))))
        self.target.append(new)
        self.by_name[name] = new_id
        return new_id


def _style_name(style: etree._Element) -> str:
    name = style.find(qn("w:name"))
    return name.get(qn("w:val")) if name is not None else ""


def fill(template: Document, report: Report, name: str, parts: list[Part],
         *, lay_out_parts: bool = True) -> list[Finding]:
    """Fill ``template`` in place with the report; the findings say what could not be filled
    (then the document is half-filled and must not be saved)."""
    from make_report.writers import docx_styles
    from make_report.writers.docx import lay_out, set_properties

    scratch, styles = docx_styles.prepared_base(None)
    mapper = _StyleMap(scratch.styles.element, template.styles.element)
    body = scratch.element.body

    def layout(block: list[Part]) -> list[etree._Element]:
        if not lay_out_parts:
            return []
        lay_out(scratch, report, styles, block)
        made = [el for el in body if el.tag != qn("w:sectPr")]
        for el in made:
            body.remove(el)
            mapper.apply(el)
        return made

    findings = TemplateFill(template, report, name, parts, layout).run()
    if not any(f.severity == "error" for f in findings):
        set_properties(template, report)
    return findings


GUIDE = (
    "这是本单位报告的 Word 模板。可以像普通文档一样修改页面、页眉页脚、样式和固定文字;"
    "生成报告时,双大括号中的名称会换成报告的内容。这几段灰色说明写在 ｛＃ 与 ＃｝ 之间(输入时用半角字符),生成报告时自动删去。",
    "整块内容(各自单独占一段):{{ 导语 }} 为标题后的导语和联系方式;{{ 正文 }} 为导语及全部六个部分;{{ 第一部分 }} 至 {{ 第六部分 }} "
    "为各部分(含标题、文字和表格);{{ 表二 }}、{{ 表三 }}、{{ 表四 }} 为表格;{{ 落款 }} 为机关名称和日期;"
    "{{ 全文 }} 为含标题的整份报告。",
    "单个数值或文字(可写在任何段落、表格、页眉页脚中):{{ 机关名称 }}、{{ 年度 }}、{{ 标题 }}、"
    "{{ 成文日期 }},以及表格中的任一数字,例如 {{ 依申请.本年新收.总计 }}、{{ 复议诉讼.行政复议.总计 }}。",
    "如果模板中定义了“标题”“一级标题”“二级标题”“正文”“表格”“落款”等样式,生成的内容使用模板中的样式。",
)


def starter_template(report: Report) -> Document:
    """A Word template with every block placeholder in report order and a guide that
    disappears on filling (``make-report template --docx``)."""
    from docx.shared import RGBColor

    from make_report.writers import docx_styles

    doc, styles = docx_styles.prepared_base(None)
    for text in GUIDE:
        p = doc.add_paragraph()
        p._p.get_or_add_pPr().style = styles["正文"]
        run = p.add_run("{# " + text + " #}")
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    names = [n for n in block_names(report) if n.startswith("第") or n == "导语"]
    # The title in two lines, agency first, as the report's own title breaks (never mid-word).
    title = ("{{ 机关名称 }}", "{{ 年度 }}年政府信息公开工作年度报告")
    paragraphs = [("标题", title), *(("正文", (f"{{{{ {n} }}}}",)) for n in names),
                  ("正文", ("{{ 落款 }}",))]
    for style, lines in paragraphs:
        p = doc.add_paragraph()
        p._p.get_or_add_pPr().style = styles[style]
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "{{ 机关名称 }}{{ 年度 }}年政府信息公开工作年度报告"
    return doc
