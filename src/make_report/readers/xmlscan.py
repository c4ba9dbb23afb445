"""Read a package's XML parts once, with expat: refuse what no reader should see, and
collect what the workbook reader needs in the same pass.

One streaming pass refuses what would make a reader run away or reach out: document
type definitions (entity expansion, external entities), encodings the pass could read
differently from what a part means, broken XML, and sheets with more cells or larger
merges than any standard workbook has. It never holds a whole part in memory.

For a workbook (``collect=True``) the same pass keeps, as plain strings, what
``sheetxml`` interprets afterwards: the sheet list and its relationships, the shared
strings, the number formats, and every cell that has content (its address, type, style,
formula, value and inline text) and every merge. The guard and the reader thus read the
very same characters, by construction, and no part is parsed twice. The collection
follows what the previous lxml reader read, element for element (a cell's value is the
text of its first ``<v>`` up to any child, phonetic guides are not text, and so on); it
never raises, so what is refused, and why, is decided by the guard alone.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import field
from typing import Any
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
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
SHEET = "sheet"
"""The role of a part the workbook names as a sheet."""
REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
MAX_DEPTH = 256
"""Nesting of elements a collected part may have (no workbook has more than a dozen
levels); a deeper part is unreadable, as it was for the lxml reader this pass replaced."""
MAX_TEXT = 10_000_000
"""Characters of one collected text (a cell's value, a string); longer is unreadable."""
PI_ATTRIBUTES = re.compile(r"\s+(\w+)\s*=\s*(?:'([^']*)'|\"([^\"]*)\")")
"""Pseudo-attributes of a processing instruction, read as lxml reads them."""


class Refused(Exception):
    """A part that must not reach a parser: ``kind`` is doctype, cells, range, merge,
    encoding (one the scanner cannot read as the parser would), broken (not well-formed
    XML) or elements (more than any report has)."""

    def __init__(self, kind: str, part: str, sheet: str = "", ref: str | int = "") -> None:
        super().__init__(f"{kind} {part} {ref}")
        self.kind, self.part, self.sheet, self.ref = kind, part, sheet, ref


@record(frozen=False)
class Collected:
    """What a workbook's parts hold, as written; a part not in ``parts`` was absent, and
    a part in it with ``None`` was present but unreadable (empty, or nested too deep)."""

    parts: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(Part path, role) -> its collection: workbook.xml a list of (name, r:id), the workbook's
    relationships a dict Id -> Target, shared strings a list, styles a pair (custom
    number formats as (id, code), cell formats' ids), a sheet its ``items``."""
    targets: dict[str, str] = field(default_factory=dict)
    """Sheet name -> part path, in workbook order, as the reader resolves them."""


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
    collected: Collected | None = None
    sheet_parts: set[str] = field(default_factory=set)
    """Parts the reader reads as sheets (collected, and always checked as XML)."""


def scan_parts(zf: zipfile.ZipFile, max_elements: int = MAX_ELEMENTS,
               collect: bool = False) -> Collected | None:
    """Raise ``Refused`` for the first part no parser should see; with ``collect``,
    return what the workbook reader needs from the parts."""
    state = _State(max_elements=max_elements, collected=Collected() if collect else None)
    infos = [i for i in zf.infolist() if not i.is_dir()]
    first = [i for i in infos if i.filename in (WORKBOOK, WORKBOOK_RELS)]
    for info in first:
        _scan(zf, info, state, _role(zf, info, state))
    state.names = {_resolve(t): state.sheets.get(i, "") for i, t in state.targets.items()}
    if state.collected is not None:
        _sheet_targets(state)
    for info in infos:
        if info not in first:
            _scan(zf, info, state, _role(zf, info, state))
    if state.collected is not None:
        _collect_again(zf, state)
        return state.collected
    return None


def _role(zf: zipfile.ZipFile, info: zipfile.ZipInfo, state: _State) -> str:
    """What the reader reads this part as, if anything (only the copy zipfile reads
    when a name is in the package twice)."""
    if state.collected is None or zf.getinfo(info.filename) is not info:
        return ""
    name = info.filename
    if name in (WORKBOOK, WORKBOOK_RELS):
        return name
    if name in state.sheet_parts:
        return SHEET
    return name if name in (STRINGS, STYLES) else ""


def _sheet_targets(state: _State) -> None:
    """Sheet name -> part, as the reader resolves them (from the parts as collected)."""
    assert state.collected is not None
    parts = state.collected.parts
    sheets, rels = parts.get((WORKBOOK, WORKBOOK)), parts.get((WORKBOOK_RELS, WORKBOOK_RELS))
    if sheets is None or rels is None:
        return
    for name, rid in sheets:
        state.collected.targets[name] = _resolve(rels.get(rid, ""))
    state.sheet_parts = set(state.collected.targets.values())


def _must_parse(name: str, state: _State) -> bool:
    """A part some reader will hand to an XML parser: by its name, or as a sheet."""
    return name.lower().endswith(XML_NAMES) or name in state.names or name in state.sheet_parts


def _resolve(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, state: _State, role: str) -> None:
    must = _must_parse(info.filename, state)
    if must and info.file_size > MAX_PART:  # zipfile never unpacks more than declared
        raise Refused("part", info.filename, state.names.get(info.filename, ""))
    with zf.open(info) as fh:
        head = fh.read(CHUNK)
        if not head:
            if role:  # present, but nothing a parser could read
                _store(state, info.filename, role, None)
            return  # nothing to parse; a reader that needs the part says it is damaged
        if must:
            _check_encoding(head, info.filename, state)
        elif not head.startswith(XML_HEAD):
            return  # images and other binary parts are never parsed as XML
        key = _seen_key(info.filename, role, must, head)
        if key is not None and _seen_again(key, info.filename, role, state):
            return
        before = state.elements
        part = _Part(info.filename, state, role)
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
            return
        finally:
            part.close()
    if role:
        _store(state, info.filename, role, part.result())
    if key is not None and part.root not in _NOT_SEEN:
        if len(_SEEN) >= MAX_SEEN:
            _SEEN.clear()
        _SEEN[key] = (state.elements - before, part.result())


_SEEN: dict[tuple[str, str, bool, bytes], tuple[int, Any]] = {}
"""Parts read before, by name, role and content: the elements they hold and what was
collected. A batch's workbooks come from one template: their theme, styles and document
properties are the same bytes, and are parsed once per process rather than once each.
Only parts that passed every check are kept; a sheet never is (its cells count towards
the workbook's limits), nor the workbook and its relationships."""
MAX_SEEN = 64
_NOT_SEEN = SHEET_ROOTS | {"workbook", "Relationships"}


def _seen_key(name: str, role: str, must: bool, head: bytes) -> tuple[str, str, bool, bytes] | None:
    """The key of a small whole part that may have been read before, else None."""
    if len(head) >= CHUNK or role not in ("", STYLES) or name in (WORKBOOK, WORKBOOK_RELS):
        return None
    return name, role, must, hashlib.blake2b(head, digest_size=32).digest()


def _seen_again(key: tuple[str, str, bool, bytes], name: str, role: str,
                state: _State) -> bool:
    """Count and collect a part read before, unless it takes the package over the element
    limit (then it is read again, to be refused exactly where it was)."""
    seen = _SEEN.get(key)
    if seen is None or state.elements + seen[0] > state.max_elements:
        return False
    state.elements += seen[0]
    if role:
        _store(state, name, role, seen[1])
    return True


def _store(state: _State, name: str, role: str, data: Any) -> None:
    assert state.collected is not None
    state.collected.parts[name, role] = data


def _collect_again(zf: zipfile.ZipFile, state: _State) -> None:
    """A part the workbook names as a sheet and also reads as something else (never in a
    real workbook) was collected in one role: collect its other role now, in a second
    pass of a part the guard has passed already."""
    assert state.collected is not None
    parts = state.collected.parts
    for path in state.sheet_parts & {WORKBOOK, WORKBOOK_RELS, STRINGS, STYLES}:
        done = SHEET if path in (STRINGS, STYLES) else path
        other = path if done == SHEET else SHEET
        if (path, done) not in parts:
            continue  # absent: the reader says so
        if parts[path, done] is None:
            parts[path, other] = None
            continue
        part = _Part(path, _State(max_elements=1 << 62), other, guard=False)
        parser = part.parser()
        with zf.open(zf.getinfo(path)) as fh:
            parser.Parse(fh.read(), True)
        part.close()
        parts[path, other] = part.result()


def _check_encoding(head: bytes, name: str, state: _State) -> None:
    """Refuse a part whose characters expat might read differently from what it means."""
    sheet = state.names.get(name, "")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with its byte order mark: both parsers follow the mark
    text = head.removeprefix(b"\xef\xbb\xbf")
    if not text.lstrip(b" \t\r\n").startswith(b"<"):
        raise Refused("encoding", name, sheet)
    declared = DECLARED.match(text)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ENCODINGS:
        raise Refused("encoding", name, sheet, declared.group(1).decode("ascii", "replace")[:20])


class _Items(list):  # type: ignore[type-arg]
    """A sheet's collection, in the order its elements end: ("c", ref, type, style,
    formula, value, inline texts) for a cell with content, ("m", ref) for a merge."""


# codes of the elements that matter in a sheet
_OTHER, _C, _ROW, _MERGE, _V, _F, _T, _RPH, _LAX_C, _LAX_ROW, _LAX_MERGE = range(11)
# (the sheet handler compares with these numbers as literals, for speed)
_STRICT = {f"{MAIN}c": _C, f"{MAIN}row": _ROW, f"{MAIN}mergeCell": _MERGE, f"{MAIN}v": _V,
           f"{MAIN}f": _F, f"{MAIN}t": _T, f"{MAIN}rPh": _RPH}
_LAX = {"c": _LAX_C, "row": _LAX_ROW, "mergeCell": _LAX_MERGE}
_CODES: dict[str, int] = dict(_STRICT)


def _code(tag: str) -> int:
    code = _CODES.get(tag)
    if code is None:
        code = _LAX.get(tag.rpartition(" ")[2], _OTHER)
        if len(_CODES) < 4096 and len(tag) <= 128:  # a hostile part cannot grow it unbounded
            _CODES[tag] = code
    return code


class _Part:
    """Handlers for one part; which ones matter is decided by its root element and by
    what the reader reads it as (``role``)."""

    def __init__(self, name: str, state: _State, role: str = "", guard: bool = True) -> None:
        self.name, self.state, self.role, self.guard = name, state, role, guard
        self.root = ""
        self.row = self.col = 0
        self.depth = 0
        self.unreadable = False
        self.collector: Any = None
        self._result: Any = None

    def parser(self) -> expat.XMLParserType:
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        p.StartElementHandler = self.first
        p.buffer_text = True
        self.p = p
        return p

    def doctype(self, *_: object) -> None:
        raise Refused("doctype", self.name, self.state.names.get(self.name, ""))

    def refuse_elements(self) -> None:
        raise Refused("elements", self.name, self.state.names.get(self.name, ""),
                      self.state.max_elements)

    def first(self, tag: str, attrs: dict[str, str]) -> None:
        """The root element: choose the handlers for the rest of the part."""
        self.root = tag.rpartition(" ")[2]
        sheet_like = self.root in SHEET_ROOTS
        if self.role == SHEET or (sheet_like and not self.role):
            # a part the workbook names as a sheet is held to a sheet's limits whatever its root
            _sheet_handlers(self, count=(sheet_like or self.role == SHEET) and self.guard,
                            collect=self.role == SHEET)
        elif self.role:
            self.collector = _COLLECTORS[self.role](self)
            self.p.StartElementHandler = self.start
            self.p.EndElementHandler = self.end
            self.p.CharacterDataHandler = self.collector.chars
            self.p.ProcessingInstructionHandler = self.collector.pi
        elif self.root in ("workbook", "Relationships"):
            self.p.StartElementHandler = self.start
        else:
            self.p.StartElementHandler = self.count_only
        self.p.StartElementHandler(tag, attrs)

    def count_only(self, tag: str, attrs: dict[str, str]) -> None:
        """Any other part (a theme, the document properties): elements are counted."""
        state = self.state
        state.elements += 1
        if state.elements > state.max_elements:
            self.refuse_elements()

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """Any part but a sheet the reader reads: count, and keep what the guard needs."""
        state = self.state
        state.elements += 1
        if state.elements > state.max_elements:
            self.refuse_elements()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.unreadable = True
        local = tag.rpartition(" ")[2]
        if self.root in SHEET_ROOTS:
            self.sheet_element(local, attrs)
        elif self.root == "workbook" and local == "sheet":
            state.sheets[attrs.get(REL_ID, "")] = attrs.get("name", "")
        elif self.root == "Relationships" and self.name == WORKBOOK_RELS and local == "Relationship":
            state.targets[attrs.get("Id", "")] = attrs.get("Target", "")
        if self.collector is not None:
            self.collector.start(tag, attrs, self.depth)

    def end(self, tag: str) -> None:
        self.collector.end(tag, self.depth)
        self.depth -= 1

    def sheet_element(self, local: str, attrs: dict[str, str]) -> None:
        if local == "row":
            self.count_row(attrs)
        elif local == "c":
            self.count_c(attrs)
        elif local == "mergeCell":
            self.count_merge(attrs)

    def count_row(self, attrs: dict[str, str]) -> None:
        self.row = _int(attrs.get("r"), self.row + 1)
        self.col = 0

    def count_c(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r", "")
        col, row = _ref(ref)
        self.col, self.row = col or self.col + 1, row or self.row
        self.count(1, self.col, self.row, ref)

    def count_merge(self, attrs: dict[str, str]) -> None:
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

    def close(self) -> None:
        """After the part (or a refusal): the sheet handlers hand their counts back."""
        closing = getattr(self, "closing", None)
        if closing is not None:
            closing()

    def result(self) -> Any:
        if self.unreadable:
            return None
        if self.collector is not None:
            return self.collector.result()
        return self._result


def _sheet_handlers(part: _Part, count: bool, collect: bool) -> None:
    """The handlers of a sheet, the bulk of a workbook: one closure each, written for
    speed, since a workbook has thousands of mostly empty (styled) cells. ``count``
    applies the guard's cell limits (by local name, whatever the namespace, as the guard
    always has); ``collect`` keeps the cells and merges of the spreadsheet namespace, as
    the reader reads them."""
    state, p = part.state, part.p
    elements = state.elements
    limit = state.max_elements if part.guard else 1 << 62
    cells, max_cells = state.cells, MAX_CELLS
    codes = _CODES.get
    refs = _REFS.get
    depth = 0
    row = col = 0
    items = _Items()
    pending: dict[str, str] | None = None  # attributes of a <c> just opened, no child yet
    frames: list[list[Any]] = []  # open <c> with children: [depth, ref, type, style, f, v,
    #                               texts, f seen, v seen]
    merges: list[list[Any]] = []  # open <mergeCell>: [depth, ref]
    phonetic: list[int] = []  # depths of open <rPh>
    cap: list[str] | None = None  # the text being collected (up to the element's first child)
    cap_into: list[Any] = []
    cap_slot = 0
    unreadable = False

    def refuse(kind: str, ref: str) -> None:
        raise Refused(kind, part.name, part.sheet(), ref)

    def finish() -> None:
        nonlocal cap, unreadable
        text = "".join(cap)  # type: ignore[arg-type]
        if len(text) > MAX_TEXT:
            unreadable = True
        if cap_slot == 6:
            cap_into[6].append(text)
        elif cap_slot == 5:
            cap_into[5] = text or None
        else:
            cap_into[4] = text
        cap = None

    def opened() -> None:
        """The pending <c> has a child: from now on it is collected."""
        nonlocal pending
        a = pending
        assert a is not None
        frames.append([depth - 1, a.get("r", ""), a.get("t", "n"), a.get("s", 0), None, None,
                       [], False, False])
        pending = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal elements, depth, row, col, cells, pending, cap, cap_into, cap_slot, unreadable
        elements += 1
        if elements > limit:
            state.elements = elements
            part.refuse_elements()
        depth += 1
        if depth > MAX_DEPTH:
            unreadable = True
        if cap is not None:
            finish()
        if pending is not None:
            opened()
        code = codes(tag)
        if code is None:
            code = _code(tag)
        if code == 1 or code == 8:  # <c>
            if count:
                ref = attrs.get("r", "")
                cr = refs(ref)
                if cr is None:
                    cr = _ref(ref)
                col = cr[0] or col + 1
                if cr[1]:
                    row = cr[1]
                if col > MAX_COLS or row > MAX_ROWS:
                    refuse("range", ref or f"{_letters(col)}{row}")
                cells += 1
                if cells > max_cells:
                    refuse("cells", ref)
            if code == 1 and collect:
                pending = attrs
        elif code == 2 or code == 9:  # <row>
            if count:
                r = attrs.get("r")
                row = int(r) if r and r.isdigit() and len(r) < 10 else row + 1
                col = 0
        elif code == 0:
            return
        elif code == 3 or code == 10:  # <mergeCell>
            ref = attrs.get("ref", "")
            if count:
                first, _, last = ref.partition(":")
                (c1, r1), (c2, r2) = _ref(first), _ref(last or first)
                if c1 and c2:
                    c, r = max(c1, c2), max(r1, r2)
                    if c > MAX_COLS or r > MAX_ROWS:
                        refuse("merge", ref or f"{_letters(c)}{r}")
                    cells += (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
                    if cells > max_cells:
                        refuse("merge", ref)
            if code == 3 and collect:
                merges.append([depth, ref])
        elif not frames:
            return
        elif code == 4 or code == 5:  # <v>, <f>
            frame = frames[-1]
            seen = 8 if code == 4 else 7
            if frame[0] == depth - 1 and not frame[seen]:
                frame[seen] = True
                cap, cap_into, cap_slot = [], frame, 5 if code == 4 else 4
        elif code == 6:  # <t>
            frame = frames[-1]
            if frame[2] == "inlineStr" and not (merges and merges[-1][0] > frame[0]) \
                    and not (phonetic and phonetic[-1] == depth - 1):
                cap, cap_into, cap_slot = [], frame, 6
        elif code == 7:  # <rPh>
            phonetic.append(depth)

    def end(tag: str) -> None:
        nonlocal depth, pending
        if pending is not None:  # a styled but empty cell: not collected
            pending = None
        else:
            if cap is not None:
                finish()
            if frames and frames[-1][0] == depth:
                frame = frames.pop()
                items.append(("c", frame[1], frame[2], frame[3],
                              frame[4] if frame[7] else None, frame[5], frame[6]))
            elif merges and merges[-1][0] == depth:
                items.append(("m", merges.pop()[1]))
            elif phonetic and phonetic[-1] == depth:
                phonetic.pop()
        depth -= 1

    def chars(data: str) -> None:
        if cap is not None:
            cap.append(data)

    def child(*_: object) -> None:  # a comment or processing instruction is a child too
        nonlocal depth
        if cap is not None:
            finish()
        if pending is not None:
            depth += 1  # as if the child were an element, for the depth ``opened`` records
            opened()
            depth -= 1

    def closing() -> None:
        if part.guard:
            state.elements, state.cells = elements, cells
        part.row, part.col = row, col
        part.unreadable = part.unreadable or unreadable
        part._result = items

    part.closing = closing  # type: ignore[attr-defined]
    p.StartElementHandler = start
    if collect:
        p.EndElementHandler = end
        p.CharacterDataHandler = chars
        p.CommentHandler = child
        p.ProcessingInstructionHandler = child


class _Texts:
    """Text of an element up to its first child (comments are not children here:
    the reader parsed these parts with comments removed, joining the text around them)."""

    def __init__(self, part: _Part) -> None:
        self.part = part
        self.cap: list[str] | None = None
        self.done: Callable[[str], None] = lambda text: None

    def capture(self, done: Callable[[str], None]) -> None:
        self.cap, self.done = [], done

    def finish(self) -> None:
        if self.cap is not None:
            text = "".join(self.cap)
            if len(text) > MAX_TEXT:
                self.part.unreadable = True
            self.cap = None
            self.done(text)

    def chars(self, data: str) -> None:
        if self.cap is not None:
            self.cap.append(data)

    def pi(self, target: str, data: str) -> None:
        self.finish()

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        self.finish()

    def end(self, tag: str, depth: int) -> None:
        self.finish()


class _Workbook(_Texts):
    """xl/workbook.xml: (name, r:id) of every sheet element of the spreadsheet namespace."""

    def __init__(self, part: _Part) -> None:
        super().__init__(part)
        self.sheets: list[tuple[str, str | None]] = []

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == f"{MAIN}sheet":
            self.sheets.append((attrs.get("name", ""), attrs.get(REL_ID)))

    def result(self) -> Any:
        return self.sheets


class _Relationships(_Texts):
    """The workbook's relationships: Target by Id."""

    def __init__(self, part: _Part) -> None:
        super().__init__(part)
        self.rels: dict[str | None, str] = {}

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == PKG_REL:
            self.rels[attrs.get("Id")] = attrs.get("Target", "")

    def result(self) -> Any:
        return self.rels


class _Strings(_Texts):
    """Shared strings: each <si>'s <t> texts, but not those of phonetic guides (<rPh>)."""

    def __init__(self, part: _Part) -> None:
        super().__init__(part)
        self.strings: list[str] = []
        self.open: list[tuple[int, int, list[str]]] = []  # (index, depth, texts) of open <si>
        self.phonetic: list[int] = []

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        self.finish()
        if tag == f"{MAIN}si":
            self.open.append((len(self.strings), depth, []))
            self.strings.append("")
        elif tag == f"{MAIN}t":
            if self.open and not (self.phonetic and self.phonetic[-1] == depth - 1):
                self.capture(self.add)
        elif tag == f"{MAIN}rPh":
            self.phonetic.append(depth)

    def add(self, text: str) -> None:
        for _, _, texts in self.open:
            texts.append(text)

    def end(self, tag: str, depth: int) -> None:
        self.finish()
        if self.open and self.open[-1][1] == depth:
            index, _, texts = self.open.pop()
            self.strings[index] = "".join(texts)
        elif self.phonetic and self.phonetic[-1] == depth:
            self.phonetic.pop()

    def result(self) -> Any:
        return self.strings


class _Styles(_Texts):
    """Number formats: the custom ones (id, code) and each cell format's id, as written."""

    def __init__(self, part: _Part) -> None:
        super().__init__(part)
        self.custom: list[tuple[str | int, str]] = []
        self.xfs: list[str | int | None] = []
        self.in_xfs = 0  # 0 before the first <cellXfs>, 1 inside it, 2 after

    def start(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == f"{MAIN}numFmt":
            self.custom.append((attrs.get("numFmtId", 0), attrs.get("formatCode", "")))
        if self.in_xfs == 1 and depth == 3:
            self.xfs.append(attrs.get("numFmtId", 0))
        elif self.in_xfs == 0 and depth == 2 and tag == f"{MAIN}cellXfs":
            self.in_xfs = 1

    def end(self, tag: str, depth: int) -> None:
        if self.in_xfs == 1 and depth == 2:
            self.in_xfs = 2

    def pi(self, target: str, data: str) -> None:
        # a processing instruction inside <cellXfs> counts as a format, read for its
        # pseudo-attributes (None when it has no text: the reader found that damaged)
        if self.in_xfs == 1 and self.part.depth == 2:
            found = {k: a or b for k, a, b in PI_ATTRIBUTES.findall(" " + data)} if data else None
            self.xfs.append(found.get("numFmtId", 0) if found is not None else None)

    def result(self) -> Any:
        return tuple(self.custom), tuple(self.xfs)


_COLLECTORS: dict[str, Callable[[_Part], _Texts]] = {
    WORKBOOK: _Workbook, WORKBOOK_RELS: _Relationships, STRINGS: _Strings, STYLES: _Styles}


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else default


_REFS: dict[str, tuple[int, int]] = {}
"""Cell addresses already read: every workbook repeats the same few thousand (short ones
are kept, up to a bound, so a hostile part cannot grow it)."""


def _ref(text: str) -> tuple[int, int]:
    """A1 -> (1, 1); anything else (0, 0), left for the loader to call broken."""
    found = _REFS.get(text)
    if found is None:
        found = _parse_ref(text)
        if len(text) <= 12 and len(_REFS) < 1 << 15:
            _REFS[text] = found
    return found


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
