"""Uploaded and built files, stored by content hash: a name from the user never becomes a path.

A file is written to a temporary name, fsynced, renamed into place and its folder fsynced
before the database row that names it is committed; so after a crash every row's file is
there (a file without a row is harmless and reused by the next identical upload).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

HASH = re.compile(r"^[0-9a-f]{64}$")


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.files = self.root / "files"
        self.files.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not HASH.match(sha256):  # only ever our own hex digests
            raise ValueError("not a content hash")
        return self.files / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` durably; returns its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".up.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(target.parent)
        _fsync_dir(self.files)
        return digest

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @contextlib.contextmanager
    def as_file(self, sha256: str, suffix: str):
        """The stored file copied to a private temporary folder under a fixed name
        (``upload`` + a whitelisted suffix), for the readers that want a path."""
        with tempfile.TemporaryDirectory(prefix="desk.") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(self.read(sha256))
            yield path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def safe_name(name: str, limit: int = 80) -> str:
    """A unit's name as a file name inside a zip or a download: no separators, no dots
    leading, no control characters."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", name).strip(" .")
    return cleaned[:limit] or "未命名"
