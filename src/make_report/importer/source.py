"""A published report file as lines: text lines, and table rows with their cells.

Every input (.txt, .html, .docx) boils down to the same list, so the rest of the importer
never knows where the text came from. A table row lists the cells that begin in it: a
cell merged across columns appears once, a cell merged down appears only in its first row.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from make_report.core.errors import InputError, read_error
from make_report.core.safe import invisible_removed
from make_report.importer.text import is_blank_cell, squash
from make_report.readers.sniff import (
    ENCRYPTED_MARKS,
    OLE_MAGIC,
    ZIP_MAGIC,
    Package,
    check_package,
    check_size,
)

LineKind = Literal["text", "delimited", "grid"]
SUFFIXES = (".txt", ".html", ".htm", ".docx", ".mht", ".mhtml", ".pdf")
HEADER_KEYS = re.compile(r"(URL|YEAR|FORMAT|SOURCE|TITLE):.*")
WRAP_WIDTH = 45
"""Characters a line of a PDF's text has at most (a page holds about 28)."""
SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "select", "button"})
BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "nav", "aside", "main", "blockquote", "pre", "dd", "dt", "dl",
    "center", "form", "figure", "figcaption", "caption", "tr", "td", "th", "table", "hr",
    "address",
})


@dataclass(frozen=True)
class Line:
    cells: tuple[str, ...]
    kind: LineKind = "text"

    @property
    def text(self) -> str:
        """The line as one string (cells joined), for headings and narrative."""
        if self.kind == "text":
            return self.cells[0] if self.cells else ""
        return " ".join(c.strip() for c in self.cells if c.strip())


@dataclass(frozen=True)
class Source:
    lines: tuple[Line, ...]
    wrapped: bool
    """Plain text, where a paragraph may be wrapped over several lines."""


SAVE_AS_DOCX = "请在 Word 或 WPS 中打开,另存为“Word 文档(*.docx)”后再试。"
USUAL_SIZE = "年度报告通常不到 10 MB"
MAX_DOCUMENT_ELEMENTS = 200_000
"""XML elements of a Word document: a report this tool writes has about 3,500, one
saved by Word with its tables perhaps 20,000."""
MAX_LINES = 20_000
"""Lines (paragraphs, table rows) of a report: a long one has about 2,000; reading more
would only make the importer slow, never find a report."""
ENTITY = re.compile(r"<!\s*ENTITY|<!\s*DOCTYPE[^>\[]*\[", re.I)
"""An internal DTD subset: no web page has one, entity attacks need one."""


def load(path: Path) -> Source:
    """The lines of a .txt, .html/.htm or .docx report. Whatever makes a file unusable
    (missing, empty, too large, a zip bomb, a DTD, damaged) raises InputError: one
    Chinese sentence, under the same limits as a workbook."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path.name}:无法导入该类型的文件,请提供 .docx、.pdf、.html、.mht 或 .txt 格式的报告。")
    try:
        return _load(path, suffix)
    except OSError as exc:  # no permission, locked by another program
        raise read_error(path, exc) from None


def _load(path: Path, suffix: str) -> Source:
    source = _read_lines(path, suffix)
    if len(source.lines) > MAX_LINES:
        raise InputError(f"{path.name}:内容过多(超过 {MAX_LINES} 段或行),"
                         "不像是政府信息公开工作年度报告,无法导入。")
    # control characters, bidi overrides, zero-width spaces: nothing a report shows
    lines = tuple(Line(tuple(invisible_removed(c) for c in line.cells), line.kind)
                  for line in source.lines)
    return Source(lines, source.wrapped)


def _read_lines(path: Path, suffix: str) -> Source:
    if not path.exists():
        raise InputError(f"{path.name}:文件不存在。")
    if path.is_dir():
        raise InputError(f"{path.name}:这是一个文件夹,不是报告文件。")
    check_size(path, USUAL_SIZE)
    if suffix == ".docx":
        sniff_docx(path)
        return Source(tuple(docx_lines(path)), wrapped=False)
    if suffix == ".pdf":
        from make_report.importer.pdf import pdf_lines

        lines = [Line(cells, kind) for cells, kind in pdf_lines(path)]  # type: ignore[arg-type]
        return Source(tuple(lines), wrapped=looks_wrapped([x for x in lines if x.kind == "text"]))
    if suffix in (".mht", ".mhtml"):
        text = mht_html(path)
        suffix = ".html"
    else:
        text = decode(path.read_bytes())
    if suffix in (".html", ".htm"):
        if ENTITY.search(text):
            raise InputError(f"{path.name}:网页中含有 XML 实体定义(ENTITY),正常的网页不会有这种内容,"
                             "可能是恶意构造的文件,已拒绝读取。")
        return Source(tuple(_html_lines(text, path)), wrapped=False)
    lines = text_lines(text)
    return Source(tuple(lines), wrapped=looks_wrapped(lines))


def mht_html(path: Path) -> str:
    """The web page inside a page saved as one file (.mht/.mhtml, MIME multipart/related):
    its first text/html part, decoded from quoted-printable or base64 and its charset."""
    import email
    import email.policy

    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            return _decode_as(payload, charset)
    raise InputError(f"{path.name}:网页文件(.mht)中没有网页内容,无法读取。"
                     "请在浏览器中打开后另存为网页(.html)再试。")


def _decode_as(data: bytes, charset: str | None) -> str:
    """Bytes in their declared charset (gb2312 read as its superset GB18030), else sniffed."""
    if charset:
        name = charset.lower()
        name = "gb18030" if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80") else name
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    return decode(data)


def sniff_docx(path: Path) -> None:
    """Every Word document read here (a report, a reference, an office's template): the
    common file checks (a regular file of a sane size), then the package checks."""
    try:
        check_size(path, USUAL_SIZE)
        with path.open("rb") as fh:
            head = fh.read(8)
            body = head + fh.read() if head.startswith(OLE_MAGIC) else head
    except OSError as exc:  # no permission, locked by another program
        raise read_error(path, exc) from None
    if head.startswith(OLE_MAGIC):
        if any(mark in body for mark in ENCRYPTED_MARKS):
            raise InputError(f"{path.name}:文档设置了打开密码,无法读取。请在 Word 或 WPS 中取消密码后再试。")
        raise InputError(f"{path.name}:这是 Word 97-2003 文档(.doc)格式,本工具只读取 .docx。"
                         f"{SAVE_AS_DOCX}")
    if not head.startswith(ZIP_MAGIC):
        raise InputError(f"{path.name}:不是有效的 Word 文档(.docx),无法读取。{SAVE_AS_DOCX}")
    check_package(path, DOCUMENT)


def check_reference_docx(path: Path) -> None:
    """``--reference-docx``: the same checks as any Word document read here (a regular
    file of a sane size, no bomb, no DTD, well-formed XML), then a .docx with styles that
    python-docx can open; Word's templates and macro documents are told apart."""
    label = f"--reference-docx {path.name}"
    try:
        if not path.exists():
            raise InputError(f"{path.name}:文件不存在。")
        sniff_docx(path)
        import zipfile

        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else b""
            has_styles = "word/styles.xml" in zf.namelist()
    except InputError as exc:
        raise InputError(f"{label}:{exc.message.removeprefix(path.name + ':')}") from None
    except OSError as exc:
        raise read_error(path, exc) from None
    except MemoryError:  # never called damaged: the file may be fine
        raise
    except Exception:  # a zip that passed the checks and still fails to open
        has_styles, types = False, b""
    kind = ("Word 模板(.dotx)" if b"template.main+xml" in types else
            "启用宏的 Word 文档(.docm)" if b"macroEnabled" in types else "")
    if kind:
        raise InputError(f"{label}:这是{kind},不能直接用作样式来源。{SAVE_AS_DOCX}")
    if not has_styles:
        raise InputError(f"{label}:不是有效的 Word 文档(.docx,需含样式),{SAVE_AS_DOCX}")
    import docx

    try:
        docx.Document(str(path))
    except MemoryError:
        raise
    except Exception:  # KeyError, XMLSyntaxError, ValueError ...: damaged in some other way
        raise InputError(f"{label}:文件已损坏或不是有效的 Word 文档,无法读取。{SAVE_AS_DOCX}") from None


def _check_docx_kind(names: set[str], name: str) -> None:
    if "word/document.xml" in names:
        return
    if "xl/workbook.xml" in names:
        raise InputError(f"{name}:这是 Excel 工作簿,不是 Word 文档。工作簿的文件名应以 .xlsx 结尾。")
    raise InputError(f"{name}:压缩包中没有 Word 文档内容,不是有效的 .docx 文件。{SAVE_AS_DOCX}")


DOCUMENT = Package("正常的 Word 文档", "Word 和 WPS 保存的文档", SAVE_AS_DOCX, _check_docx_kind,
                   max_elements=MAX_DOCUMENT_ELEMENTS)


def _html_lines(text: str, path: Path) -> list[Line]:
    from lxml import etree

    try:
        return html_lines(text)
    except (ValueError, RecursionError, etree.LxmlError):  # "Document is empty" for "<!"
        raise InputError(f"{path.name}:网页内容无法解析,请在浏览器中打开后另存为网页(.html)再试。") from None


def looks_wrapped(lines: list[Line]) -> bool:
    """Text of a PDF: most prose lines are short, cut at the page width mid-sentence."""
    prose = [len(line.text.strip()) for line in lines
             if line.kind == "text" and any(p in line.text for p in "，,。")]
    short = sum(1 for n in prose if n <= WRAP_WIDTH)
    return bool(prose) and short >= 0.6 * len(prose)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (which covers GBK)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def text_lines(text: str) -> list[Line]:
    """Plain text: a line with tabs or pipes is a table row, any other line is text."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "").split("\n")
    out = []
    for line in _strip_header(raw):
        if "\t" in line:
            out.append(Line(tuple(line.split("\t")), "delimited"))
        elif line.count("|") >= 2:
            out.append(Line(tuple(line.strip().strip("|").split("|")), "delimited"))
        else:
            out.append(Line((line,)))
    return out


def _strip_header(lines: list[str]) -> list[str]:
    """Drop a ``URL:``/``YEAR:``/``FORMAT:`` preamble a collector put above the report."""
    n = 0
    while n < len(lines) and HEADER_KEYS.fullmatch(lines[n].strip()):
        n += 1
    return lines[n:] if n else lines


def html_lines(text: str) -> list[Line]:
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        return []
    # never the network (an external DTD, an entity's URL), never a huge tree
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    root = lxml.html.document_fromstring(text, parser=parser)
    walker = _HtmlWalker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return walker.lines


class _HtmlWalker:
    """Document order: block elements end a line, data tables become rows of cells."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        """End the current line; whitespace collapses as a browser shows it (not &nbsp;)."""
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.buffer))
        self.buffer = []
        if text.strip() or is_blank_cell(text):
            self.lines.append(Line((text.strip(" \t\r\n"),)))

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            self._tail(el)
            return
        if tag == "table" and is_data_table(el.xpath("./tr|./*/tr"), el.xpath(".//table")):
            self.flush()
            self.lines.extend(_html_rows(el))
        elif tag == "br":
            self.flush()
        else:
            if tag in BLOCK_TAGS:
                self.flush()
            self.buffer.append(el.text or "")
            for child in el:
                self.walk(child)
            if tag in BLOCK_TAGS:
                self.flush()
        self._tail(el)

    def _tail(self, el) -> None:
        if el.tail:
            self.buffer.append(el.tail)


def is_data_table(rows: list, nested: list) -> bool:
    """A table of figures, not a page or text box laid out as a table: no tables inside,
    at least two rows, and a row of at least two cells."""
    return not nested and len(rows) >= 2 and max(len(_cells(r)) for r in rows) >= 2


def _cells(row) -> list:
    return [c for c in row if isinstance(c.tag, str) and c.tag.split("}")[-1] in ("td", "th", "tc")]


def _html_rows(table) -> list[Line]:
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    return [Line(tuple(squash(c.text_content()) for c in tr.xpath("./td|./th")), "grid")
            for tr in rows]


def docx_lines(path: Path) -> list[Line]:
    """Paragraphs and tables of a Word document, in order. A damaged package fails in
    many ways (a missing part, broken XML, a bad zip stream); each is one sentence."""
    import docx

    try:
        document = docx.Document(str(path))
        out: list[Line] = []
        _docx_block(document.element.body, out)
        return out
    except (InputError, MemoryError):
        raise
    except Exception:  # KeyError, XMLSyntaxError, zlib.error, EOFError, ValueError ...
        raise InputError(f"{path.name}:文件已损坏或不是有效的 Word 文档,无法读取。{SAVE_AS_DOCX}") from None


def _docx_block(parent, out: list[Line]) -> None:
    from docx.oxml.ns import qn

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            out.extend(Line((part,)) for part in _paragraph_text(child).split("\n"))
        elif child.tag == qn("w:tbl"):
            rows = child.findall(qn("w:tr"))
            if not is_data_table(rows, child.findall(".//" + qn("w:tbl"))):
                for tc in (tc for tr in rows for tc in tr.findall(qn("w:tc"))):
                    _docx_block(tc, out)
            else:
                out.extend(_docx_rows(child))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _docx_block(content, out)


def _paragraph_text(p) -> str:
    from docx.oxml.ns import qn

    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        else:
            parts.append(" " if node.tag == qn("w:tab") else "\n")
    return "".join(parts)


def _docx_rows(tbl) -> list[Line]:
    """Rows of a Word table; a cell continuing a vertical merge (w:vMerge) is left out."""
    from docx.oxml.ns import qn

    rows = []
    for tr in tbl.iter(qn("w:tr")):
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if vmerge is not None and vmerge.get(qn("w:val")) != "restart":
                continue
            text = " ".join(_paragraph_text(p) for p in tc.iterchildren(qn("w:p")))
            cells.append(squash(text))
        rows.append(Line(tuple(cells), "grid"))
    return rows
