"""Look inside a workbook's XML parts before any parser builds objects from them.

One streaming pass with expat refuses what would make a loader run away or reach out:
document type definitions (entity expansion, external entities) and sheets with more
cells or larger merges than any standard workbook has. It knows nothing of openpyxl, so
it guards whichever reader comes after it, and it never holds a whole part in memory.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from dataclasses import field
from xml.parsers import expat

from make_report.core.record import record

MAX_CELLS = 200_000
"""Cells (and merged cells) in the whole workbook; a standard one has a few thousand."""
MAX_ROWS = 10_000
MAX_COLS = 200
CHUNK = 1 << 16
XML_HEAD = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b" ", b"\t", b"\r", b"\n")
DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)|<\x00!\x00D\x00|\x00<\x00!\x00D", re.I)
REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
MAX_ELEMENTS = 1_000_000
"""XML elements in the whole package: a full standard workbook has about 500,000, a
report's Word document tens of thousands; a parsed element takes a few hundred bytes."""
MAX_PART = 32 * 1024 * 1024
"""Unpacked bytes of one XML part (a full workbook's largest sheet is a few MB)."""
XML_NAMES = (".xml", ".rels")
"""Parts a reader parses as XML by name; every one of them must be checked here."""
ENCODINGS = {"utf-8", "us-ascii"}
"""Encodings declared in an XML part that the scanner reads exactly as the parser does.
Excel, WPS, Word and LibreOffice write UTF-8; UTF-16 is read only with its byte order mark."""
DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
SHEET_ROOTS = {"worksheet", "dialogsheet", "macrosheet"}
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"


class Refused(Exception):
    """A part that must not reach a parser: ``kind`` is doctype, cells, range, merge,
    encoding (one the scanner cannot read as the parser would), broken (not well-formed
    XML) or elements (more than any report has)."""

    def __init__(self, kind: str, part: str, sheet: str = "", ref: str | int = "") -> None:
        super().__init__(f"{kind} {part} {ref}")
        self.kind, self.part, self.sheet, self.ref = kind, part, sheet, ref


@record(frozen=False)
class _State:
    sheets: dict[str, str] = field(default_factory=dict)
    """Sheet name by r:id, from workbook.xml."""
    targets: dict[str, str] = field(default_factory=dict)
    """Part path by r:id, from workbook.xml.rels."""
    names: dict[str, str] = field(default_factory=dict)
    """Sheet name by part path, once both are read."""
    cells: int = 0
    elements: int = 0
    max_elements: int = MAX_ELEMENTS


def scan_parts(zf: zipfile.ZipFile, max_elements: int = MAX_ELEMENTS) -> None:
    """Raise ``Refused`` for the first part no parser should see."""
    state = _State(max_elements=max_elements)
    infos = [i for i in zf.infolist() if not i.is_dir()]
    first = [i for i in infos if i.filename in (WORKBOOK, WORKBOOK_RELS)]
    for info in first:
        _scan(zf, info, state)
    state.names = {_resolve(t): state.sheets.get(i, "") for i, t in state.targets.items()}
    for info in infos:
        if info not in first:
            _scan(zf, info, state)


def _must_parse(name: str, state: _State) -> bool:
    """A part some reader will hand to an XML parser: by its name, or as a sheet."""
    return name.lower().endswith(XML_NAMES) or name in state.names


def _resolve(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, state: _State) -> None:
    must = _must_parse(info.filename, state)
    if must and info.file_size > MAX_PART:  # zipfile never unpacks more than declared
        raise Refused("part", info.filename, state.names.get(info.filename, ""))
    with zf.open(info) as fh:
        head = fh.read(CHUNK)
        if not head:
            return  # nothing to parse; a reader that needs the part says it is damaged
        if must:
            _check_encoding(head, info.filename, state)
        elif not head.startswith(XML_HEAD):
            return  # images and other binary parts are never parsed as XML
        part = _Part(info.filename, state)
        parser = part.parser()
        try:
            chunk = head
            while chunk:
                parser.Parse(chunk, False)
                chunk = fh.read(CHUNK)
            parser.Parse(b"", True)
        except (expat.ExpatError, ValueError, RecursionError):
            if must:  # what expat cannot read, no parser may be trusted to read
                raise Refused("broken", info.filename,
                              state.names.get(info.filename, "")) from None
            # a part no reader parses (a VML drawing, say): still no DTD may hide in it
            if DTD.search(head):
                raise Refused("doctype", info.filename) from None


def _check_encoding(head: bytes, name: str, state: _State) -> None:
    """Refuse a part whose characters expat might read differently from lxml."""
    sheet = state.names.get(name, "")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with its byte order mark: both parsers follow the mark
    text = head.removeprefix(b"\xef\xbb\xbf")
    if not text.lstrip(b" \t\r\n").startswith(b"<"):
        raise Refused("encoding", name, sheet)
    declared = DECLARED.match(text)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ENCODINGS:
        raise Refused("encoding", name, sheet, declared.group(1).decode("ascii", "replace")[:20])


class _Part:
    """Handlers for one part; which ones matter is decided by its root element."""

    def __init__(self, name: str, state: _State) -> None:
        self.name, self.state = name, state
        self.root = ""
        self.row = self.col = 0

    def parser(self) -> expat.XMLParserType:
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        p.StartElementHandler = self.start
        return p

    def doctype(self, *_: object) -> None:
        raise Refused("doctype", self.name, self.state.names.get(self.name, ""))

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.state.elements += 1
        if self.state.elements > self.state.max_elements:
            raise Refused("elements", self.name, self.state.names.get(self.name, ""),
                          self.state.max_elements)
        local = tag.rpartition(" ")[2]
        if not self.root:
            self.root = local
        if self.root in SHEET_ROOTS:
            self.sheet_element(local, attrs)
        elif self.root == "workbook" and local == "sheet":
            self.state.sheets[attrs.get(REL_ID, "")] = attrs.get("name", "")
        elif self.root == "Relationships" and self.name == WORKBOOK_RELS and local == "Relationship":
            self.state.targets[attrs.get("Id", "")] = attrs.get("Target", "")

    def sheet_element(self, local: str, attrs: dict[str, str]) -> None:
        if local == "row":
            self.row = _int(attrs.get("r"), self.row + 1)
            self.col = 0
        elif local == "c":
            col, row = _ref(attrs.get("r", ""))
            self.col, self.row = col or self.col + 1, row or self.row
            self.count(1, self.col, self.row, attrs.get("r", ""))
        elif local == "mergeCell":
            ref = attrs.get("ref", "")
            first, _, last = ref.partition(":")
            (c1, r1), (c2, r2) = _ref(first), _ref(last or first)
            if c1 and c2:
                area = (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
                self.count(area, max(c1, c2), max(r1, r2), ref, kind="merge")

    def count(self, n: int, col: int, row: int, ref: str, kind: str = "range") -> None:
        if col > MAX_COLS or row > MAX_ROWS:
            raise Refused(kind, self.name, self.sheet(), ref or f"{_letters(col)}{row}")
        self.state.cells += n
        if self.state.cells > MAX_CELLS:
            raise Refused("merge" if kind == "merge" else "cells", self.name, self.sheet(), ref)

    def sheet(self) -> str:
        return self.state.names.get(self.name) or self.name


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else default


def _ref(text: str) -> tuple[int, int]:
    """A1 -> (1, 1); anything else (0, 0), left for the loader to call broken."""
    # every workbook repeats the same few thousand addresses: remember short ones
    return _short_ref(text) if len(text) <= 12 else _parse_ref(text)


@functools.lru_cache(maxsize=1 << 15)
def _short_ref(text: str) -> tuple[int, int]:
    return _parse_ref(text)


def _parse_ref(text: str) -> tuple[int, int]:
    m = REF.fullmatch(text.strip())
    if not m:
        return 0, 0
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    digits = m.group(2)
    return col, int(digits) if len(digits) <= 9 else 1 << 40  # past any sheet's last row


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out
