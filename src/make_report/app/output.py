"""Where outputs go and when they may be replaced: never the input, never a clerk's edits.

A .docx the tool writes carries a hash of its own body (document.xml) in a custom
document property; if the body no longer matches, someone edited the file since.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zipfile
import zlib
from pathlib import Path

from make_report.core.errors import InputError
from make_report.writers.stamp import STAMP, save_docx

__all__ = ["STAMP", "check_target", "default_output", "keep_edited", "new_output", "save_docx"]
FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


MAX_NAME_BYTES = 180
"""Most file systems allow 255 bytes a name; leave room for a suffix and a temporary prefix."""
MAX_DOCX_BODY = 100 * 1024 * 1024


def safe_name(text: str, fallback: str = "报告") -> str:
    """A file name Windows, macOS and Linux all accept, from an agency's name; no control
    character, bidi override or zero-width space (which could disguise it) survives."""
    from make_report.core.safe import invisible_removed

    name = FORBIDDEN.sub("_", invisible_removed(text.replace("\t", " ").replace("\n", " ")))
    name = name.strip().strip(".")
    name = re.sub(r"_+", "_", name.replace("..", "_"))
    if not name or name.upper() in RESERVED:
        name = fallback
    name = name[:120]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(". ") or fallback


def default_output(source: Path, title: str, suffix: str) -> Path:
    """Beside the input, named after the report: 合作市2023年政府信息公开工作年度报告.docx."""
    return source.parent / f"{safe_name(title)}{suffix}"


def check_target(target: Path, source: Path | None, force: bool) -> None:
    """A report output: never the input, a usable folder, and never a clerk's edits."""
    check_place(target, [source] if source is not None else [])
    if target.exists() and not force:
        why = edited_reason(target)
        if why:
            raise InputError(f"{target.name}:{why},为免丢失您的修改,未覆盖。"
                             "如确需重新生成,请加 --force,或用 -o 另存为新文件。")


def new_output(target: str | Path, suffix: str, sources: list[Path] | tuple = (),
               force: bool = False) -> Path:
    """An output the user may have filled in (a workbook, a summary, a JSON file): the
    right suffix, never one of the inputs, and never an existing file without --force."""
    target = Path(target)
    if target.suffix.lower() != suffix:
        raise InputError(f"{target.name}:输出文件名应以 {suffix} 结尾。")
    check_place(target, [Path(s) for s in sources if s is not None])
    if target.exists() and not force:
        raise InputError(f"{target.name}:文件已存在,为免覆盖已填写的内容,未写入。"
                         "请换一个文件名,或加 --force 覆盖。")
    return target


def check_place(target: Path, sources: list[Path]) -> None:
    """The folder exists and is writable, the name is not a folder, and not an input."""
    try:
        _check_place(target, sources)
    except PermissionError:  # a folder on the way that this user may not open
        raise InputError(f"{target}:无法打开输出文件夹“{target.parent}”(没有权限),"
                         "请换一个位置。") from None


def _check_place(target: Path, sources: list[Path]) -> None:
    folder = target.parent
    for source in sources:
        if target.exists() and source.exists() and os.path.samefile(target, source):
            raise InputError(f"{target.name}:输出文件与输入的工作簿是同一个文件,已拒绝覆盖。"
                             "请用 -o 指定其他文件名。")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{target}:“{folder}”是一个文件,不是文件夹,不能在其中保存输出。"
                         "请用 -o 换一个位置。")
    if not folder.is_dir():
        raise InputError(f"{target}:输出文件夹“{folder}”不存在,请先创建它或换一个位置。")
    if target.is_dir():
        raise InputError(f"{target}:这是一个已有的文件夹,不能用作输出文件名。请用 -o 指定其他文件名。")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{target}:输出文件夹“{folder}”不可写(只读或没有权限),请换一个位置。")


def edited_reason(path: Path) -> str | None:
    """Why an existing output must not be replaced silently, or None if it may be."""
    if path.suffix.lower() in (".html", ".htm"):
        return _html_edited(path)
    if path.suffix.lower() != ".docx":
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.getinfo("word/document.xml").file_size > MAX_DOCX_BODY:
                return "该文件已存在且不是本工具生成的 Word 文档"
            body = zf.read("word/document.xml")
            custom = zf.read("docProps/custom.xml") if "docProps/custom.xml" in zf.namelist() else b""
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError, zlib.error):
        return "该文件已存在且不是本工具生成的 Word 文档"
    m = re.search(rb'name="' + STAMP.encode() + rb'".*?<vt:lpwstr>([0-9a-f]{64})</vt:lpwstr>',
                  custom, re.S)
    if not m:
        return "该文件已存在且不是本工具生成的(或已被另存过)"
    if m.group(1).decode() != hashlib.sha256(body).hexdigest():
        return "该文件在生成后被编辑过"
    return None


def _html_edited(path: Path) -> str | None:
    """A web page is protected like the Word document: replaced only if written here and
    unchanged since."""
    from make_report.writers.html import stamp_matches

    try:
        if path.stat().st_size > MAX_DOCX_BODY or not path.is_file():
            return "该文件已存在且不是本工具生成的网页"
        page = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return "该文件已存在且不是本工具生成的网页"
    matches = stamp_matches(page)
    if matches is None:
        return "该文件已存在且不是本工具生成的(或已被另存过)"
    return None if matches else "该文件在生成后被编辑过"


BACKUP_MARK = "(已编辑备份)"


def keep_edited(target: Path) -> Path | None:
    """Before ``--force`` replaces a report (.docx or web page) that was edited since the
    tool wrote it (or that it never wrote), copy it beside itself as ``…(已编辑备份).docx``,
    so nothing typed into it is lost; returns the copy, or None when there was nothing to keep."""
    if not target.is_file() or edited_reason(target) is None:
        return None
    backup = target.with_name(f"{target.stem}{BACKUP_MARK}{target.suffix}")
    number = 2
    while backup.exists():
        backup = target.with_name(f"{target.stem}{BACKUP_MARK[:-1]}{number}){target.suffix}")
        number += 1
    shutil.copy2(target, backup)
    return backup
