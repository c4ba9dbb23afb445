"""The official tables as prepared bytes: per report only the numbers are written in.

A table's labels, merges, widths and borders depend only on its format (and the prepared
Word package), never on the report, and they are ~95% of its XML. So the table is laid out
once (``docx_tables.table_skeleton``, the same code as the python-docx path), its data cells
given a marker, and serialized as it sits in the prepared document: the pieces between the
markers are the skeleton. A report's table is then those pieces joined with its numbers,
which ``PackagedDocx`` splices into the serialized body where a stand-in stands
(``Splicer``): the same bytes lxml would write for the filled table, without building ~3,000
elements (tests/test_docx_fast.py compares with the python-docx path).

Skeletons are kept in this process and on disk (``cache.py``: the user's own folder, the
SHA-256 checked, written atomically), keyed by the prepared package's key, the source of
the modules that lay a table out and the table's own description (``repr`` of its format
data), so a change to any of them makes a fresh one. A skeleton that cannot be read,
verified or made, or a number that is not plain digits, leaves that table to the element
path: slower, never different.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from make_report import cache
from make_report.core.model import format_value
from make_report.core.record import record
from make_report.writers.ooxml import PARSER, W, serialize

if TYPE_CHECKING:
    from collections.abc import Mapping

    from make_report.core.model import Report
    from make_report.core.spec import Table

HERE = Path(__file__).resolve().parent
SOURCES = (HERE / "docx_skeletons.py", HERE / "docx_tables.py", HERE / "ooxml_table.py",
           HERE / "table_widths.py", HERE.parent / "core" / "grid.py",
           HERE.parent / "core" / "spec.py")
"""Our modules whose code decides a table's XML (with those of the prepared package)."""
MARK = "\ue001"
"""Stands for a number in a skeleton (never typed by anyone; a format's label holding it
would only mean the table is built the slow way)."""
STAND_IN = "make-report-table"
"""The processing instruction that holds a table's place in the body until it is spliced."""
_PLAIN = "0123456789.-"
"""What a number may hold to be written in as it is: lxml would escape nothing in it."""


@record
class Skeleton:
    pieces: tuple[bytes, ...]
    """The table's XML between its numbers (one more piece than numbers)."""
    fields: tuple[str, ...]
    """The field each number shows, in document order."""

    def filled(self, report: Report) -> bytes | None:
        """The table with the report's numbers; None if one is not plain digits (then
        the element path escapes it exactly as lxml does)."""
        texts = [format_value(report.value(f)) for f in self.fields]
        if not all(text and not text.strip(_PLAIN) for text in texts):
            return None
        out = [self.pieces[0]]
        for text, piece in zip(texts, self.pieces[1:], strict=True):
            out += (text.encode(), piece)
        return b"".join(out)


_SKELETONS: dict[tuple[int, str], tuple[Table, Skeleton | None]] = {}
_SOURCE_DIGEST: list[bytes] = []


def skeleton(table: Table, document: bytes, styles: Mapping[str, str],
             package: str) -> Skeleton | None:
    """The table's skeleton in the prepared package's ``document`` with its ``styles``
    (``package``: the package's cache key): from this process, the disk, or made (and
    kept); None if it cannot be made."""
    held = _SKELETONS.get((id(table), package))
    if held is None or held[0] is not table:  # held with its table: an id is never recycled
        key = cache_key(table, package)
        made = _load(key)
        if made is None:
            made = build(table, document, styles)
            if made is not None:
                _store(key, made)
        held = _SKELETONS[(id(table), package)] = (table, made)
    return held[1]


def forget() -> None:
    """Drop this process's skeletons (the next report loads or builds them again)."""
    _SKELETONS.clear()


def build(table: Table, document: bytes, styles: Mapping[str, str]) -> Skeleton | None:
    """Lay the table out with a marker in each data cell, in the prepared document as the
    writer places it, and cut its serialized XML at the markers."""
    from make_report.writers.docx_tables import table_skeleton, write_values

    element, cells = table_skeleton(table, dict(styles))
    fields = tuple(field for field in cells if field)
    tbl = write_values(copy.deepcopy(element), cells, [MARK] * len(fields))
    root = etree.fromstring(document, PARSER)
    end = root.find(W + "body").find(W + "sectPr")
    for node in (etree.ProcessingInstruction(STAND_IN, "cut"), tbl,
                 etree.ProcessingInstruction(STAND_IN, "cut")):
        end.addprevious(node)
    _, xml, _ = serialize(root).split(f"<?{STAND_IN} cut?>".encode())
    pieces = tuple(xml.split(MARK.encode()))
    return Skeleton(pieces, fields) if len(pieces) == len(fields) + 1 else None


class Splicer:
    """Stands in for the official tables while the body is laid out, then puts each
    table's prepared bytes in its place in the serialized body."""

    def __init__(self, report: Report, document: bytes, styles: Mapping[str, str],
                 package: str) -> None:
        self.report, self.document, self.styles, self.package = report, document, styles, package
        self.tables: list[bytes] = []

    def stand_in(self, table: Table) -> etree._Element | None:
        """A placeholder for the table, or None when it must be built as elements."""
        prepared = skeleton(table, self.document, self.styles, self.package)
        filled = None if prepared is None else prepared.filled(self.report)
        if filled is None:
            return None
        self.tables.append(filled)
        return etree.ProcessingInstruction(STAND_IN, str(len(self.tables) - 1))

    def splice(self, body: bytes) -> bytes:
        """The serialized document with every placeholder replaced by its table."""
        pieces = body.split(f"<?{STAND_IN} ".encode())
        out = [pieces[0]]
        for piece in pieces[1:]:
            index, _, rest = piece.partition(b"?>")
            out += (self.tables[int(index)], rest)
        return b"".join(out)


# --- the cache on disk ---------------------------------------------------------------


def cache_key(table: Table, package: str) -> str:
    """A hash of everything a table's skeleton is made from, after the hash of the code
    and package it is made with (``generation``)."""
    digest = hashlib.sha256(generation(package).encode() + b"|" + repr(table).encode())
    return f"{generation(package)}-{digest.hexdigest()[:24]}"


def generation(package: str) -> str:
    """A hash of the prepared package's key and the modules that lay a table out: files
    of another generation were made by other code and are removed."""
    if not _SOURCE_DIGEST:
        digest = hashlib.sha256()
        for path in SOURCES:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _SOURCE_DIGEST.append(digest.digest())
    return hashlib.sha256(package.encode() + b"|" + _SOURCE_DIGEST[0]).hexdigest()[:12]


def _cache_file(key: str) -> Path | None:
    folder = cache.cache_dir()
    return None if folder is None else folder / f"docx-table-{key}.bin"


def _load(key: str) -> Skeleton | None:
    path = _cache_file(key)
    found = None if path is None else cache.read(path, key)
    if found is None:
        return None
    header, data = found
    fields = header.get("fields")
    pieces = tuple(data.split(MARK.encode()))
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields) \
            or len(pieces) != len(fields) + 1:
        return None
    return Skeleton(pieces, tuple(fields))


def _store(key: str, made: Skeleton) -> None:
    """Write the cache atomically; any failure just leaves it unwritten."""
    path = _cache_file(key)
    if path is None or not cache.write(path, key, MARK.encode().join(made.pieces),
                                       fields=list(made.fields)):
        return
    ours = f"docx-table-{key.partition('-')[0]}-"
    for old in path.parent.glob("docx-table-*.bin"):  # made by other code
        if not old.name.startswith(ours):
            try:
                old.unlink(missing_ok=True)
            except OSError:
                pass
