"""Recognise what a file really is before handing it to openpyxl.

Clerks send .xls, WPS .et, CSV exports, Word files and password-protected workbooks;
each deserves its own sentence rather than a parser's stack trace.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from make_report.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 500 * 1024 * 1024
SAVE_AS = "请在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”后再试。"


def sniff_workbook(path: Path) -> None:
    """Raise InputError unless ``path`` looks like a readable, unencrypted .xlsx."""
    name = path.name
    if not path.exists():
        raise InputError(f"{name}:文件不存在,请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputError(f"{name}:这是一个文件夹,不是工作簿;批量处理请用 make-report batch。")
    if path.name.startswith("~$"):
        raise InputError(f"{name}:这是 Excel 打开文件时生成的临时锁定文件,不是工作簿。"
                         "请关闭 Excel 后选择原文件。")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name}:文件是空的(0 字节),可能未保存完整。")
    if size > MAX_BYTES:
        raise InputError(f"{name}:文件过大({size // 1024 // 1024} MB),标准工作簿通常不到 1 MB。")
    with path.open("rb") as fh:
        head = fh.read(8)
        body = head + fh.read(1 << 20) if head.startswith(OLE_MAGIC) else head
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in body:
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
    _check_zip(path, name)


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{name}:文件已损坏(可能下载或复制不完整),无法打开。{SAVE_AS}") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(f"{name}:文件解压后过大({unpacked // 1024 // 1024} MB),"
                         "可能是恶意构造的压缩文件,已拒绝读取。")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InputError(f"{name}:这是 Word 文档,不是工作簿。请选择填写好的 .xlsx 工作簿。")
        if "index.xml" in names or any(n.startswith("Index/") for n in names):
            raise InputError(f"{name}:这是 Numbers 表格,不是 .xlsx 工作簿。{SAVE_AS}")
        raise InputError(f"{name}:压缩包中没有 Excel 工作簿内容,不是有效的 .xlsx 文件。{SAVE_AS}")
