"""Recognise what a file really is before handing it to a parser (``sheetxml``, python-docx).

Clerks send .xls, WPS .et, CSV exports, Word files and password-protected workbooks;
each deserves its own sentence rather than a parser's stack trace.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from make_report.core.errors import InputError, read_error
from make_report.core.record import record
from make_report.readers.xmlscan import (
    MAX_CELLS,
    MAX_COLS,
    MAX_ELEMENTS,
    MAX_PART,
    MAX_ROWS,
    Collected,
    Refused,
    scan_parts,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKS = tuple(m.encode("utf-16-le") for m in ("EncryptionInfo", "EncryptedPackage"))
MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 1000
SAVE_AS = "请在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”后再试。"


def sniff_workbook(path: Path) -> Collected:
    """Raise InputError unless ``path`` looks like a readable, unencrypted .xlsx; return
    what its parts hold (``xmlscan`` reads them once, guard and collection together)."""
    try:
        return _sniff(path)
    except OSError as exc:  # unreadable: no permission, locked by another program
        raise read_error(path, exc) from None


def _sniff(path: Path) -> Collected:
    name = path.name
    if not path.exists():
        raise InputError(f"{name}:文件不存在,请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputError(f"{name}:这是一个文件夹,不是工作簿;批量处理请用 make-report batch。")
    if path.name.startswith(("~$", ".~lock.")):
        raise InputError(f"{name}:这是 Excel 打开文件时生成的临时锁定文件,不是工作簿。"
                         "请关闭 Excel 后选择原文件。")
    _check_not_open(path)
    check_size(path, "标准工作簿通常不到 1 MB")
    with path.open("rb") as fh:
        head = fh.read(8)
        body = head + fh.read() if head.startswith(OLE_MAGIC) else head
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if any(mark in body for mark in ENCRYPTED_MARKS):
            raise InputError(f"{name}:工作簿设置了打开密码,无法读取。请在 Excel 或 WPS 中"
                             "取消密码(文件→信息→保护工作簿→用密码进行加密,清空密码)后再试。")
        kind = {".et": "WPS 表格(.et)", ".doc": "Word 97-2003 文档(.doc)"}.get(
            suffix, "Excel 97-2003 工作簿(.xls)")
        raise InputError(f"{name}:这是{kind}格式,本工具只读取 .xlsx。{SAVE_AS}")
    if not head.startswith(ZIP_MAGIC):
        kinds = {".csv": "CSV 文本", ".txt": "纯文本", ".numbers": "Numbers 表格",
                 ".pdf": "PDF 文档", ".html": "网页", ".htm": "网页"}
        kind = kinds.get(suffix, "无法识别的文件")
        raise InputError(f"{name}:这是{kind},不是 .xlsx 工作簿。{SAVE_AS}")
    collected = check_package(path, WORKBOOK)
    assert collected is not None
    return collected


def check_size(path: Path, usual: str, max_bytes: int = MAX_BYTES) -> None:
    """The one check every input file passes first, whatever its kind: a regular file
    (a pipe or a device would block the read or never end), not empty, and no larger
    than any report (``usual`` says how large one usually is). Only ``stat``: nothing is
    opened, so nothing can block."""
    _check_stat(path, os.stat(path), usual, max_bytes)


def _check_stat(path: Path, st: os.stat_result, usual: str, max_bytes: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path.name}:这是一个文件夹,不是文件。")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path.name}:不是普通文件(而是管道、设备或其他特殊文件),无法读取。"
                         "请选择保存在磁盘上的文件。")
    if st.st_size == 0:
        raise InputError(f"{path.name}:文件是空的(0 字节),可能未保存完整。")
    if st.st_size > max_bytes:
        raise InputError(f"{path.name}:文件过大({_megabytes(st.st_size)}),{usual}。")


def _megabytes(size: int) -> str:
    return f"{size // 1024 // 1024} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def read_input(path: Path, usual: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of an input file after the checks of ``check_size``; opened without
    blocking, and checked again on the open file, so a file swapped for a pipe in between
    cannot hang the read, nor one that grows make it longer than ``max_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(f"{Path(path).name}:文件不存在,请检查文件名和所在文件夹。") from None
    except OSError as exc:
        raise read_error(path, exc) from None
    with os.fdopen(fd, "rb") as fh:
        _check_stat(Path(path), os.fstat(fd), usual, max_bytes)
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{Path(path).name}:文件过大(超过 {_megabytes(max_bytes)}),{usual}。")
    return data


def _check_not_open(path: Path) -> None:
    """Excel and WPS leave ~$name beside an open workbook, LibreOffice .~lock.name#."""
    for lock in (path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise InputError(
                f"{path.name}:该工作簿似乎正在 Excel 或 WPS 中打开(同一文件夹中有锁定文件"
                f"“{lock.name}”),未保存的修改读不到。请保存并关闭该工作簿后再试;"
                f"如果已经关闭,请删除锁定文件“{lock.name}”。")


@record
class Package:
    """A kind of zip package (a workbook, a Word document) and the words for it."""

    what: str
    """What it should be: 标准工作簿."""
    made_by: str
    """What never holds a DTD: Excel 和 WPS 保存的工作簿."""
    save_as: str
    """What to do about a damaged one."""
    check_kind: Callable[[set[str], str], None]
    """Raise InputError unless the member names are this kind's."""
    max_elements: int = MAX_ELEMENTS
    """XML elements in all its parts together (parsed, each costs time and memory)."""
    collect: bool = False
    """Keep what the workbook reader needs while checking (``xmlscan.Collected``)."""


def check_package(path: Path, package: Package) -> Collected | None:
    """Refuse a zip that is damaged, a bomb, of another kind, or hides a DTD in a part;
    for a package that collects, return what its parts hold."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            if len(infos) > MAX_MEMBERS:
                raise InputError(f"{name}:压缩包中的文件过多({len(infos)} 个),"
                                 f"不是{package.what},已拒绝读取。")
            if unpacked > MAX_UNPACKED:
                raise InputError(f"{name}:文件解压后过大({unpacked // 1024 // 1024} MB),"
                                 "可能是恶意构造的压缩文件,已拒绝读取。")
            package.check_kind(names, name)
            return scan_parts(zf, package.max_elements, collect=package.collect)
    except Refused as exc:
        raise InputError(_refusal(name, exc, package)) from None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError):
        raise InputError(f"{name}:文件已损坏(可能下载或复制不完整),无法打开。"
                         f"{package.save_as}") from None


def _check_kind(names: set[str], name: str) -> None:
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InputError(f"{name}:这是 Word 文档,不是工作簿。请选择填写好的 .xlsx 工作簿。")
        if "xl/workbook.bin" in names:
            raise InputError(f"{name}:这是 Excel 二进制工作簿(.xlsb),本工具只读取 .xlsx。{SAVE_AS}")
        if "content.xml" in names and "META-INF/manifest.xml" in names:
            raise InputError(f"{name}:这是 OpenDocument 格式(.ods 或 .odt)的文件,本工具只读取 .xlsx。"
                             f"{SAVE_AS}")
        if "index.xml" in names or any(n.startswith("Index/") for n in names):
            raise InputError(f"{name}:这是 Numbers 表格,不是 .xlsx 工作簿。{SAVE_AS}")
        raise InputError(f"{name}:压缩包中没有 Excel 工作簿内容,不是有效的 .xlsx 文件。{SAVE_AS}")


def _refusal(name: str, exc: Refused, package: Package) -> str:
    made_by = package.made_by
    where = f"{exc.sheet}!{exc.ref}"
    part = f"工作表“{exc.sheet}”" if exc.sheet else f"部件 {exc.part} "
    limits = f"标准工作簿最多 {MAX_ROWS} 行、{MAX_COLS} 列"
    return {
        "doctype": f"{name}:{part}含有 XML 文档类型定义(DOCTYPE 或 ENTITY),"
                   f"{made_by}不会有这种内容,可能是恶意构造的文件,已拒绝读取。",
        "range": f"{name}:{where} 超出了工作簿的正常范围({limits}),已拒绝读取。"
                 "请删除多余的行和列后再试。",
        "merge": f"{name}:{where} 合并区域过大({limits}),已拒绝读取。请取消该合并后再试。",
        "encoding": f"{name}:{part}使用了不常见的文字编码{f'“{exc.ref}”' if exc.ref else ''},"
                    f"{made_by}都使用 UTF-8 编码,可能是恶意构造的文件,已拒绝读取。",
        "part": f"{name}:{part}解压后过大(超过 {MAX_PART // 1024 // 1024} MB),"
                "远超正常文件的规模,可能是恶意构造的压缩文件,已拒绝读取。",
        "broken": f"{name}:{part}不是完整有效的 XML,文件已损坏,无法读取。{package.save_as}",
        "elements": f"{name}:{part}的内容元素过多(超过 {exc.ref} 个),"
                    "远超正常文件的规模,可能是恶意构造的文件,已拒绝读取。",
        "cells": f"{name}:单元格过多(读到工作表“{exc.sheet}”时已超过 {MAX_CELLS} 个),"
                 "远超标准工作簿的规模,已拒绝读取。请删除多余的行和列后再试。",
    }[exc.kind]


WORKBOOK = Package("标准工作簿", "Excel 和 WPS 保存的工作簿", SAVE_AS, _check_kind, collect=True)
