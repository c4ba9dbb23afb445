"""The user's own cache folder: what is the same on every run, prepared once and kept on disk.

Used for the prepared Word package (``writers/docx_base.py``) and the compiled narrative
templates (``narrative/sandbox.py``). A cached file is trusted only as far as the code that
wrote it: it lives in the user's own cache folder (``MAKE_REPORT_CACHE``, else the platform's
per-user cache; never a shared temporary one), which must belong to the user and be
writable by nobody else; each file carries the key of everything it was made from and the
SHA-256 of its content and header, both checked on reading; it is written atomically. Whenever a file
cannot be read, verified or written, the caller makes its content afresh and nothing else
changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
"""No cached file is larger (the Word package is ~30 KB, a compiled template a few KB)."""


def cache_dir() -> Path | None:
    """The user's own cache folder for make-report, or None if there is no safe one."""
    if env := os.environ.get("MAKE_REPORT_CACHE"):
        return None if env == "off" else Path(env)
    if os.name == "nt":
        root = os.environ.get("LOCALAPPDATA")
    else:
        root = os.environ.get("XDG_CACHE_HOME") or (
            str(Path.home() / ".cache") if "HOME" in os.environ else None)
    return Path(root) / "make-report" if root else None


def private(path: Path) -> bool:
    """Ours alone: owned by this user, writable by no one else (POSIX; on Windows the
    profile folder is the user's own)."""
    if os.name == "nt":
        return True
    info = path.lstat()
    return info.st_uid == os.geteuid() and not info.st_mode & 0o022 \
        and not stat.S_ISLNK(info.st_mode)


def read(path: Path, key: str) -> tuple[dict, bytes] | None:
    """(header, content) of a cached file made under ``key``, if it is ours and intact."""
    try:
        if not path.is_file() or not all(map(private, _chain(path))):
            return None
        with path.open("rb") as f:
            header = json.loads(f.readline(1 << 16))
            data = f.read(MAX_BYTES)
        if not isinstance(header, dict) or header.get("key") != key \
                or header.get("sha256") != _digest(key, header, data):
            return None
        return header, data
    except (OSError, ValueError):
        return None


def _digest(key: str, header: dict, data: bytes) -> str:
    """SHA-256 of the content and of what the header says about it (a skeleton's field
    order, a package's member sizes): a header changed on disk is caught like the content."""
    told = {k: v for k, v in header.items() if k not in ("key", "sha256")}
    about = json.dumps([key, told], sort_keys=True, ensure_ascii=True).encode()
    return hashlib.sha256(about + b"\n" + data).hexdigest()


def _chain(path: Path) -> list[Path]:
    """The file and every folder from it up to the cache folder (the folder it is in, if it
    is not under the cache folder): each must be the user's alone."""
    top = cache_dir()
    chain = [path, path.parent]
    if top is not None and top in path.parents:
        chain += [p for p in path.parent.parents if top in p.parents or p == top]
    return chain


def write(path: Path, key: str, data: bytes, **header: object) -> bool:
    """Write a cached file atomically (folders made private); False if it could not be."""
    import tempfile

    line = json.dumps({"key": key, "sha256": _digest(key, header, data), **header},
                      ensure_ascii=True).encode() + b"\n"
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not all(map(private, _chain(path)[1:])):
            return False
        fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(line + data)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
