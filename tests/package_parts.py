"""Edit the parts of a zip package (.docx/.xlsx) in place, as a clerk's Word or a crafted
file would leave them: one helper for every test that needs a changed part."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite_parts(path: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Rewrite every part of ``path`` through ``edit(name, data)``; returns ``path``."""
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info, edit(info.filename, data))
    return path


def replace_in_part(path: Path, part: str, old: str, new: str) -> Path:
    """Replace the first ``old`` in one part with ``new`` (a hand edit of the text)."""
    return rewrite_parts(path, lambda name, data: data.replace(old.encode(), new.encode(), 1)
                         if name == part else data)
