"""The Word package prepared once and cached on disk, so a report needs no python-docx.

Everything in a report's .docx except its body (word/document.xml), its properties
(docProps/core.xml) and its stamp (docProps/custom.xml) is the same for every report on our
own base: styles, page setup, footers, settings, relationships. ``prepared`` builds that
package with the same builders as the python-docx path (``docx_styles.prepared_base`` and
the same property and stamp setters, on placeholder values), and keeps it on disk.
``PackagedDocx`` then lays a report out with lxml alone (``docx.write_body``, the same code
as the python-docx path; the official tables from their prepared skeletons,
``docx_skeletons``) and writes the members in the same order, with the same zip settings,
as python-docx (``docx_zip``, with the unchanged members deflated once, kept in the
package): the same bytes apart from timestamps (tests/test_docx_fast.py).

The cache is keyed by a hash of everything that goes into it (this package's version and
the source of the modules that build it, python-docx's template files, lxml's, zlib's and
Python's versions), so a change to the styles (docx_styles.py) builds a fresh one: nothing to
regenerate by hand. It is trusted only as far as the code: it lives in the user's own cache
folder (never a shared temporary one), which must belong to the user and be writable by
nobody else; its content must match the SHA-256 written with it; it is written atomically.
Whenever it cannot be read, verified or written, the package is built in memory (the first
report of a process then takes ~0.1 s longer) and nothing else changes.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from make_report import cache
from make_report.core.record import record
from make_report.writers import docx_zip
from make_report.writers.ooxml import PARSER, W, serialize, xml_safe

if TYPE_CHECKING:
    from collections.abc import Mapping

    from make_report.core.model import Report

FORMAT = 2
"""Bump when the cache file's layout changes."""
HERE = Path(__file__).resolve().parent
SOURCES = (HERE / "docx_base.py", HERE / "docx_styles.py", HERE / "ooxml.py", HERE / "docx.py",
           HERE / "docx_zip.py")
"""Our modules whose code decides what the prepared package holds."""
DOCUMENT, CORE, CUSTOM = "word/document.xml", "docProps/core.xml", "docProps/custom.xml"
PER_REPORT = (DOCUMENT, CORE, CUSTOM)
PLACEHOLDER = "\ue000"
"""Stands for each per-report text in the prepared package (never typed by anyone)."""
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
CORE_TAGS = {"title": DC + "title", "author": DC + "creator",
             "last_modified_by": CP + "lastModifiedBy", "subject": DC + "subject",
             "keywords": CP + "keywords", "comments": DC + "description",
             "revision": CP + "revision", "created": DCTERMS + "created",
             "modified": DCTERMS + "modified"}
"""python-docx's core property names and the elements it writes them to."""


@record
class Base:
    members: tuple[tuple[str, bytes], ...]
    """The package's zip members in the order python-docx writes them."""
    styles: dict[str, str]
    """Our style names → style ids (docx_styles.ensure_styles)."""
    key: str = ""
    """The hash of everything it was made from (``cache_key``)."""
    deflated: tuple[tuple[str, bytes], ...] = ()
    """The members every report has unchanged, deflated for ``docx_zip.write``; none where
    that does not write zipfile's bytes."""


_BASE: list[Base | None] = []


def prepared() -> Base | None:
    """The prepared package: from the cache, else built (and cached); None only if it
    cannot be built here at all (then the caller uses the python-docx path)."""
    if not _BASE:
        key = cache_key()
        base = _load(key)
        if base is None:
            try:
                base = build(key)
            except Exception:  # pragma: no cover - the python-docx path will say what is wrong
                base = None
            else:
                _store(key, base)
        _BASE.append(base)
    return _BASE[0]


def forget() -> None:
    """Drop this process's prepared package (the next report loads or builds it again)."""
    _BASE.clear()


def build(key: str | None = None) -> Base:
    """The package as the python-docx path writes it, with placeholders for the body's
    content, the properties and the stamp; ``key``: its ``cache_key`` if known."""
    from make_report.writers import docx_styles
    from make_report.writers.docx import set_properties
    from make_report.writers.ooxml import set_custom_property

    doc, styles = docx_styles.prepared_base(None)
    set_properties(doc, _Placeholder())  # type: ignore[arg-type]
    set_custom_property(doc, PLACEHOLDER, PLACEHOLDER)
    buffer = io.BytesIO()
    doc.save(buffer)
    members = _members(buffer.getvalue())
    deflated = tuple((name, docx_zip.deflate(blob)) for name, blob in members
                     if name not in PER_REPORT) if docx_zip.matches_zipfile(members) else ()
    return Base(members, styles, cache_key() if key is None else key, deflated)


class _Placeholder:
    """Stands in for a report when the properties are first set."""

    title = agency = PLACEHOLDER
    year = PLACEHOLDER


def _members(data: bytes) -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return tuple((info.filename, zf.read(info)) for info in zf.infolist())


def render_docx(report: Report, *, templates: Path | None = None,
                reference_docx: Path | None = None,
                where: Mapping[str, str] | None = None, sealed: bool = True):
    """The report, ready for ``output.save_docx``: on our own base, laid out with lxml on
    the prepared package (``docx_base``) without loading python-docx; with a reference
    document, or if the prepared package is stale, the python-docx ``build_document``.
    Both give the same bytes (tests/test_docx_fast.py)."""
    from make_report.writers.docx import build_document

    if reference_docx is None:
        base = prepared()
        if base is not None:
            return PackagedDocx.of(base, report, templates=templates, where=where,
                                   sealed=sealed)
    return build_document(report, templates=templates, reference_docx=reference_docx,
                          where=where, sealed=sealed)


class PackagedDocx:
    """A report laid out on the prepared package; ``save`` stamps it and writes it."""

    def __init__(self, members: list[tuple[str, bytes]],
                 deflated: dict[str, bytes] | None = None) -> None:
        self.members = members
        self.deflated = deflated or {}
        """Unchanged members deflated beforehand (``Base.deflated``)."""
        self.stamp = ""

    @classmethod
    def of(cls, base: Base, report: Report, *, templates: Path | None = None,
           where: Mapping[str, str] | None = None, sealed: bool = True) -> PackagedDocx:
        from make_report.writers.docx import core_properties, write_body
        from make_report.writers.docx_skeletons import Splicer

        parts = dict(base.members)
        root = etree.fromstring(parts[DOCUMENT], PARSER)
        tables = Splicer(report, parts[DOCUMENT], base.styles, base.key)
        write_body(root.find(W + "body"), report, dict(base.styles), templates=templates,
                   where=where, sealed=sealed, stand_in=tables.stand_in)
        changed = {DOCUMENT: tables.splice(serialize(root)),
                   CORE: _core_xml(parts[CORE], core_properties(report))}
        return cls([(name, changed.get(name, blob)) for name, blob in base.members],
                   dict(base.deflated))

    @property
    def body(self) -> bytes:
        return dict(self.members)[DOCUMENT]

    def save(self, target: Path, stamp: str, beside: dict[Path, str] | None = None) -> None:
        """Stamp the body's hash under the custom property ``stamp`` and write atomically
        (with ``beside`` in the same step), as ``stamp.save_docx`` does with python-docx."""
        from make_report.writers.atomic import atomic_output, save_through_memory

        self.stamp = stamp
        with atomic_output(target) as tmp:
            save_through_memory(self.write_zip, tmp)
            for path, text in (beside or {}).items():
                with atomic_output(path) as other:
                    other.write_text(text, encoding="utf-8")

    def write_zip(self, file: Any) -> None:
        """The package into ``file``: python-docx's members, order and zip settings (with
        the unchanged members deflated beforehand when ``docx_zip`` writes zipfile's bytes)."""
        custom = _custom_xml(dict(self.members)[CUSTOM], self.stamp,
                             hashlib.sha256(self.body).hexdigest())
        members = [(name, custom if name == CUSTOM else blob,
                    None if name in PER_REPORT else self.deflated.get(name))
                   for name, blob in self.members]
        if self.deflated and docx_zip.fits(members):
            docx_zip.write(file, members)
            return
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, blob in self.members:
                zf.writestr(name, custom if name == CUSTOM else blob)


def _core_xml(blob: bytes, properties: dict[str, object]) -> bytes:
    """The core properties set as python-docx's CorePropertiesPart sets them."""
    import datetime as dt

    root = etree.fromstring(blob, PARSER)
    for name, value in properties.items():
        element = root.find(CORE_TAGS[name])
        if isinstance(value, dt.datetime):
            element.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif name == "revision":
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"revision property requires positive int, got '{value}'")
            element.text = str(value)
        else:
            text = value if isinstance(value, str) else str(value)
            if len(text) > 255:
                raise ValueError(f"exceeded 255 char limit for property, got:\n\n'{text}'")
            element.text = text
    return serialize(root)


def _custom_xml(blob: bytes, name: str, value: str) -> bytes:
    root = etree.fromstring(blob, PARSER)
    prop = next(p for p in root if p.get("name") == PLACEHOLDER)
    prop.set("name", name)
    prop[0].text = xml_safe(value)
    return serialize(root)


# --- the cache on disk ---------------------------------------------------------------


def cache_key() -> str:
    """A hash of everything the prepared package is made from."""
    from importlib.util import find_spec

    from make_report import __version__

    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version}|{etree.LXML_VERSION}|"
                            f"{zlib.ZLIB_RUNTIME_VERSION}".encode())
    files = list(SOURCES)
    spec = find_spec("docx")
    if spec and spec.origin:
        docx_dir = Path(spec.origin).parent
        files.append(docx_dir / "__init__.py")
        templates = docx_dir / "templates"
        files.extend(sorted(templates.iterdir()) if templates.is_dir() else [])
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:32]


def _cache_file(key: str) -> Path | None:
    folder = cache.cache_dir()
    return None if folder is None else folder / f"docx-base-{key}.bin"


def _load(key: str) -> Base | None:
    """The package cached under ``key``: its header lists each member's name and the
    lengths of its content and of its deflated content, which follow one another."""
    path = _cache_file(key)
    found = None if path is None else cache.read(path, key)
    if found is None:
        return None
    header, data = found
    try:
        members, deflated, at = [], [], 0
        for name, size, packed in header["members"]:
            members.append((str(name), data[at : at + size]))
            if packed:  # what a report's container will hold: it must inflate to the member
                deflated.append((str(name), data[at + size : at + size + packed]))
                inflate = zlib.decompressobj(-15)  # never more than the member's length + 1
                if inflate.decompress(deflated[-1][1], size + 1) != members[-1][1]:
                    return None
            at += size + packed
        styles = header["styles"]
        if at != len(data) or not set(PER_REPORT) <= {name for name, _ in members} \
                or not isinstance(styles, dict):
            return None
        return Base(tuple(members), {str(k): str(v) for k, v in styles.items()}, key,
                    tuple(deflated))
    except (ValueError, KeyError, TypeError, zlib.error):
        return None


def _store(key: str, base: Base) -> None:
    """Write the cache atomically; any failure just leaves it unwritten."""
    path = _cache_file(key)
    if path is None:
        return
    deflated = dict(base.deflated)
    listed, content = [], []
    for name, blob in base.members:
        packed = deflated.get(name, b"")
        listed.append([name, len(blob), len(packed)])
        content += (blob, packed)
    if cache.write(path, key, b"".join(content), members=listed, styles=base.styles):
        for old in path.parent.glob("docx-base-*.bin"):  # made by other versions
            if old != path:
                try:
                    old.unlink(missing_ok=True)
                except OSError:
                    pass
