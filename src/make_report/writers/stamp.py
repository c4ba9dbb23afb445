"""The mark a .docx this tool writes carries: a hash of its own body (word/document.xml)
in a custom document property, so a later run can tell whether a clerk edited it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from make_report.writers.atomic import atomic_output

STAMP = "make-report-sha256"


def save_docx(doc: Any, target: Path) -> None:
    """Stamp the body's hash into the document, then write it atomically."""
    from make_report.writers.ooxml import set_custom_property  # python-docx: only when saving

    # the part's blob is exactly what save() writes as word/document.xml
    digest = hashlib.sha256(doc.part.blob).hexdigest()
    set_custom_property(doc, STAMP, digest)
    with atomic_output(target) as tmp:
        doc.save(tmp)
