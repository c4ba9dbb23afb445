"""The mark a .docx this tool writes carries: a hash of its own body (word/document.xml)
in a custom document property, so a later run can tell whether a clerk edited it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from make_report.writers.atomic import atomic_output, save_through_memory

STAMP = "make-report-sha256"


def save_docx(doc: Any, target: Path, beside: dict[Path, str] | None = None) -> None:
    """Stamp the body's hash into the document, then write it atomically; ``beside``
    (the web page) is written inside the same step, so a full disk leaves the old set
    or the new one, never half of each."""
    from make_report.writers.ooxml import set_custom_property  # python-docx: only when saving

    # the part's blob is exactly what save() writes as word/document.xml
    digest = hashlib.sha256(doc.part.blob).hexdigest()
    set_custom_property(doc, STAMP, digest)
    with atomic_output(target) as tmp:
        save_through_memory(doc.save, tmp)
        for path, text in (beside or {}).items():
            with atomic_output(path) as other:
                other.write_text(text, encoding="utf-8")
