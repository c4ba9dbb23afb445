"""Write outputs so that a crash or a full disk never leaves half a file in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from make_report.core.errors import InputError, write_error


@contextlib.contextmanager
def atomic_output(path: str | Path, exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    Whatever goes wrong (a full disk, Ctrl-C), the temporary file is removed and an existing
    ``path`` is left exactly as it was; an OSError becomes one Chinese sentence. The result
    keeps the mode of the file it replaces, or gets the one open() would give.

    ``exclusive``: only a new file is made; if ``path`` appeared meanwhile (another run
    racing for the same name), it is left alone and ``InputError`` says so.
    """
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                   dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        if exclusive:
            _link_new(Path(tmp), path)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from exc
        raise


def _link_new(tmp: Path, path: Path) -> None:
    """Put ``tmp`` in place as ``path`` only if no file has that name: one step, no race."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        os.unlink(tmp)
        raise InputError(f"{path.name}:文件已存在(刚刚由其他程序或另一次运行创建),未覆盖。"
                         "请换一个文件名,或加 --force 覆盖。") from None
    except OSError:  # a file system without hard links: the next best, a last look
        if path.exists():
            os.unlink(tmp)
            raise InputError(f"{path.name}:文件已存在(刚刚由其他程序或另一次运行创建),未覆盖。"
                             "请换一个文件名,或加 --force 覆盖。") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _umask() -> int:
    """mkstemp makes owner-only files; give outputs the permissions open() would."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_through_memory(save, tmp: Path) -> None:
    """``save(file)`` (openpyxl's or python-docx's) into memory, then the bytes to ``tmp``.

    Their savers open a ZipFile on the path; when the disk fills up it is left half
    closed and Python later prints "Exception ignored … Traceback" at the clerk. In
    memory nothing can fail that way, and the one write that can is ours."""
    import io

    buffer = io.BytesIO()
    save(buffer)
    tmp.write_bytes(buffer.getvalue())


def write_text(path: str | Path, text: str, exclusive: bool = False) -> None:
    with atomic_output(path, exclusive) as tmp:
        tmp.write_text(text, encoding="utf-8")
