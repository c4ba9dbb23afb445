"""The .docx container as python-docx writes it, with the unchanging members deflated once.

python-docx saves through ``zipfile`` (``writestr``, deflated at zlib's default level), so
every report deflated the ~60 KB of styles, theme, numbering and footers that are the same
in every report: two thirds of saving it. Deflate gives the same bytes for the same input
(same zlib), so those members are deflated once with the prepared package, and this module
writes the container itself, field for field as ``zipfile`` does (local headers, central
directory, end record; no ZIP64: a report is far below its limits). Whether it does write
the same bytes here is checked once, when the package is prepared (``matches_zipfile``);
where it does not (another Python's ``zipfile``), nothing is prepared and ``zipfile`` writes
the report as before. tests/test_docx_fast.py compares whole files with python-docx's.
"""

from __future__ import annotations

import io
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence
from typing import BinaryIO

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
VERSION = 20
"""zipfile's version made by / needed to extract for a deflated member without ZIP64."""
SYSTEM = 0 if sys.platform == "win32" else 3
"""zipfile's "made by" system: MS-DOS on Windows, else Unix."""
ATTRIBUTES = 0o600 << 16
"""What ``writestr`` gives a file member (rw-------)."""
UTF8_NAME = 0x800
LIMIT = 1 << 30
"""Members or a container this large are left to zipfile (ZIP64 starts at 2 GiB)."""

Member = tuple[str, bytes, bytes | None]
"""A member's name, its content and its content deflated beforehand (or None)."""


def deflate(data: bytes) -> bytes:
    """As zipfile deflates a member written in one piece (``writestr``)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def write(file: BinaryIO, members: Sequence[Member],
          date_time: tuple[int, ...] | None = None) -> None:
    """The container of ``members`` into ``file``, as ``zipfile.ZipFile(file, "w",
    ZIP_DEFLATED).writestr(name, content)`` for each (stamped ``date_time``, else now)."""
    stamp = date_time or time.localtime(time.time())[:6]
    if stamp[0] < 1980:  # a clock set before 1980 fails as zipfile fails
        raise ValueError("ZIP does not support timestamps before 1980")
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    dostime = stamp[3] << 11 | stamp[4] << 5 | (stamp[5] // 2)
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, deflated in members:
        packed = deflate(data) if deflated is None else deflated
        try:
            raw_name, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw_name, flags = name.encode("utf-8"), UTF8_NAME
        crc = zlib.crc32(data)
        head = (flags, zipfile.ZIP_DEFLATED, dostime, dosdate, crc, len(packed), len(data),
                len(raw_name))
        parts += (_LOCAL.pack(b"PK\x03\x04", VERSION, 0, *head, 0), raw_name, packed)
        central += (_CENTRAL.pack(b"PK\x01\x02", VERSION, SYSTEM, VERSION, 0, *head, 0, 0, 0,
                                  0, ATTRIBUTES, offset), raw_name)
        offset += _LOCAL.size + len(raw_name) + len(packed)
    size = sum(map(len, central))
    file.write(b"".join([*parts, *central,
                         _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), size,
                                   offset, 0)]))


def fits(members: Sequence[Member]) -> bool:
    """Small enough that zipfile would write no ZIP64 field."""
    return len(members) < 0xFFFF and sum(len(m[1]) for m in members) < LIMIT


def matches_zipfile(members: Sequence[tuple[str, bytes]]) -> bool:
    """Whether ``write`` gives zipfile's bytes for these members here."""
    stamp = (2024, 1, 4, 12, 30, 58)
    ours, theirs = io.BytesIO(), io.BytesIO()
    write(ours, [(name, data, None) for name, data in members], stamp)
    with zipfile.ZipFile(theirs, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, ATTRIBUTES
            zf.writestr(info, data)
    return ours.getvalue() == theirs.getvalue()
