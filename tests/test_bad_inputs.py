"""A catalogue of bad inputs: each gets one exact Chinese sentence and its exit code, and
nothing is written: no output appears, no earlier output and never the input changes.

Every case builds its input in code from a valid standard workbook. Exit 2 cases are run
as ``check`` and as ``build``; exit 1 cases (findings) as ``check --json``, whose findings
must include the sentence, and as ``build``, which must refuse; exit 0 cases are the
tolerated ones (the tool copes, and says where it wrote). ``$TMP`` stands for the folder.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import io
import json
import os
import re
import struct
import tempfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import docx.document
import openpyxl
import pytest

from make_report.cli.main import main
from make_report.core.layout import workbook_layout
from make_report.core.synthetic import consistent_narrative, consistent_report
from make_report.formats import FORMATS
from make_report.writers import docx_base
from make_report.writers.xlsx_template import write_workbook
from package_parts import replace_in_part

FMT = FORMATS["2021"]
IN = "工作簿.xlsx"
OUT = "报告.docx"
TABLE = "三、依申请公开"
TEXT = "五、问题及改进"
PART = {name: f"xl/worksheets/sheet{i}.xml"
        for i, name in enumerate(workbook_layout(FMT).sheet_names, start=1)}
SAVE_AS = "请在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”后再试。"
RESTRUCTURED = "表格的行或列被插入、删除或合并过。请不要改动表格结构,可用 make-report template 重新生成标准工作簿。"
NOT_STANDARD = "请使用 make-report template 生成的标准工作簿,不要重命名或删除工作表。"
SHEETS = "基本信息、一、总体情况、二、主动公开、三、依申请公开、四、复议诉讼、五、问题及改进、六、其他事项"
HOSTILE = "Excel 和 WPS 保存的工作簿不会有这种内容,可能是恶意构造的文件,已拒绝读取。"
LIMITS = "标准工作簿最多 10000 行、200 列"
UNCHANGED = "原有的同名文件(如有)保持不变,也没有留下不完整的文件。"
NOT_KEPT = "为免丢失您的修改,未覆盖。如确需重新生成,请加 --force,或用 -o 另存为新文件。"
REFUSED_BUILD = "因有错误,未生成报告(改正后重试,或加 --force 强制生成)。\n"
TITLE = "2024年政府信息公开工作年度报告.docx"


# ---------------------------------------------------------------- building bad inputs

@functools.cache
def valid_bytes(agency: str = "示例县人民政府") -> bytes:
    """A standard workbook that checks clean: consistent numbers, text in every section."""
    report = consistent_report(FMT, seed=11, agency=agency)
    report.narrative = consistent_narrative()
    report.date = dt.date(2025, 1, 20)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / IN
        write_workbook(FMT, path, report)
        return path.read_bytes()


def valid(tmp: Path, name: str = IN, agency: str = "示例县人民政府") -> Path:
    path = tmp / name
    path.write_bytes(valid_bytes(agency))
    return path


def with_book(change: Callable[[openpyxl.Workbook], object]) -> Callable[[Path], Path]:
    """Open the valid workbook in openpyxl, change it as a clerk might, save it."""
    def make(tmp: Path) -> Path:
        path = valid(tmp)
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)
        return path
    return make


def with_cells(sheet: str, **cells: object) -> Callable[[Path], Path]:
    def change(wb: openpyxl.Workbook) -> None:
        for address, value in cells.items():
            wb[sheet][address] = value
    return with_book(change)


def with_parts(edit: Callable[[str, bytes], bytes | None],
               extra: dict[str, bytes] | None = None) -> Callable[[Path], Path]:
    """Rewrite the package's parts directly, as a hostile or broken program might."""
    def make(tmp: Path) -> Path:
        source = zipfile.ZipFile(io.BytesIO(valid_bytes()))
        path = tmp / IN
        with source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = edit(info.filename, source.read(info))
                if data is not None:
                    out.writestr(info.filename, data)
            for name, data in (extra or {}).items():
                out.writestr(name, data)
        return path
    return make


def in_part(part: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    return with_parts(lambda name, data: change(data) if name == part else data)


def raw(content: bytes, name: str = IN) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(content)
        return tmp / name
    return make


def real_docx(tmp: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("这是一份 Word 文档。")
    document.save(tmp / "去年的报告.docx")
    return tmp / "去年的报告.docx"


def truncated(tmp: Path) -> Path:
    return raw(valid_bytes()[: len(valid_bytes()) // 2])(tmp)


def lock_beside(tmp: Path) -> Path:
    (tmp / f"~${IN}").write_bytes(b"\x0b" + "张三".encode("utf-16-le").ljust(164, b" "))
    return valid(tmp)


def folder(tmp: Path) -> Path:
    (tmp / IN).mkdir()
    return tmp / IN


def missing(tmp: Path) -> Path:
    return tmp / IN


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY l0 "lol">'  # a billion laughs: 10**9 "lol" in 1 KB
          + b"".join(b'<!ENTITY l%d "%s">' % (i + 1, b"&l%d;" % i * 10) for i in range(9))
          + b"]>")
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def prepend(prolog: bytes) -> Callable[[bytes], bytes]:
    return lambda data: prolog + re.sub(rb"^<\?xml[^>]*\?>", b"", data)


def add_to_sheet_data(xml: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"</sheetData>", xml + b"</sheetData>")


def many_cells(data: bytes) -> bytes:
    row = b"".join(b"<c><v>1</v></c>" for _ in range(200))
    rows = b"".join(b'<row r="%d">%s</row>' % (r, row) for r in range(300, 1310))
    return add_to_sheet_data(rows)(data)


# ------------------------------------------------------------------------- zip bombs

MB = 1 << 20


def _member(name: str, data: bytes, crc: int, size: int, method: int,
            offset: int) -> tuple[bytes, bytes]:
    """Local header + data, and the central directory entry, of one zip member."""
    raw_name = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc,
                        len(data), size, len(raw_name), 0) + raw_name + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc,
                          len(data), size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    return local, central


@functools.cache
def bomb(megabytes: int, declared: int | None = None) -> bytes:
    """The valid workbook with sheet 2 replaced by ``megabytes`` MB of deflated zeros
    (about 1 KB per MB), its size honestly declared or, with ``declared``, understated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * megabytes + compressor.flush()  # blocks after a full flush repeat
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(b"\0" * MB, crc)
    members = []
    with zipfile.ZipFile(io.BytesIO(valid_bytes())) as source:
        for info in source.infolist():
            if info.filename == PART["一、总体情况"]:
                members.append((info.filename, stream, crc, declared or megabytes * MB, 8))
            else:
                data = source.read(info)
                members.append((info.filename, data, zlib.crc32(data), len(data), 0))
    body, directory = b"", b""
    for name, data, member_crc, size, method in members:
        local, central = _member(name, data, member_crc, size, method, len(body))
        body += local
        directory += central
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), len(body), 0)
    return body + directory + end


# ------------------------------------------------------------------- output situations

def previous_report(tmp: Path) -> Path:
    """The workbook, and a report the tool wrote from it earlier (at $TMP/报告.docx)."""
    path = valid(tmp)
    assert main([str(path), "-o", str(tmp / OUT)]) == 0
    return path


def edited_report(tmp: Path) -> Path:
    path = previous_report(tmp)
    replace_in_part(tmp / OUT, "word/document.xml", "示例县人民政府", "示例县人民政府办公室")
    return path


def foreign_report(tmp: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("我自己写的报告")
    document.save(tmp / OUT)
    return valid(tmp)


def output_linked_to_input(tmp: Path) -> Path:
    (tmp / OUT).symlink_to(IN)
    return valid(tmp)


def output_is_a_folder(tmp: Path) -> Path:
    (tmp / OUT).mkdir()
    return valid(tmp)


def failing_save(exc: BaseException) -> Callable[[pytest.MonkeyPatch, Path], None]:
    """Saving a report to a file writes half of it, then fails (a full disk, Ctrl-C): on
    the python-docx path (Document.save) and on the prepared-package path
    (PackagedDocx.write_zip; writers/docx_base.py)."""
    def patch(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        real = docx.document.Document.save

        def save(self, target):
            if isinstance(target, str | os.PathLike):
                Path(target).write_bytes(b"PK\x03\x04 half a document")
                raise exc
            if getattr(target, "name", None) is None and hasattr(target, "getvalue"):
                target.write(b"PK\x03\x04 half a document")  # saved through memory
                raise exc
            return real(self, target)

        def write_zip(self, file):
            file.write(b"PK\x03\x04 half a document")
            raise exc

        monkeypatch.setattr(docx.document.Document, "save", save)
        monkeypatch.setattr(docx_base.PackagedDocx, "write_zip", write_zip)
    return patch


def target_open_in_word(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(OUT):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def folder_not_writable(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """Root may write anywhere, so the permission test itself is what we replace."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k:
                        False if Path(p) == tmp and mode & os.W_OK else real(p, mode, *a, **k))


def read_only_disk(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    def mkstemp(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


# ------------------------------------------------------------------------ the catalogue

@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    message: str
    code: int
    commands: tuple[str, ...] = ("check", "build")
    build: tuple[str, ...] = ("$IN", "-o", f"$TMP/{OUT}")
    outputs: tuple[str, ...] = ()
    patch: Callable[[pytest.MonkeyPatch, Path], None] | None = None


def unusable(name, make, message, **kw) -> Case:
    return Case(name, make, message, 2, **kw)


def finding(name, make, message) -> Case:
    return Case(name, make, message, 1)


def build_only(name, make, message, code=2, **kw) -> Case:
    return Case(name, make, message, code, commands=("build",), **kw)


F20 = f"{TABLE}!F20 1.本机关不掌握相关政府信息·科研机构 "
D8 = f"{TABLE}!D8 一、本年新收政府信息公开申请数量·自然人 "
FEES = "二、主动公开!B18 行政事业性收费·本年收费金额（单位：万元） "
DATE_HINT = "。Excel 会把 1/2 这样的输入变成日期,请把单元格格式改为“常规”后重新填写数字"
SANDBOX = f"{TEXT}!B5 模板中有不允许的操作:模板只能引用报告中的数字和文字,不能访问"
TOO_MUCH = f"{TEXT}!B5 模板无法计算:"
TOO_LONG = "内容过长(超过 100000 个字或项),叙述文字用不到这么长的内容"
SYNTAX = f"{TEXT}!B5 模板语法有误(第1行):"
LONG_AGENCY = "示例省示例市示例县" * 20

CASES = [
    # --- sheets missing, renamed, reordered, extra
    unusable("sheet deleted", with_book(lambda wb: wb.remove(wb["六、其他事项"])),
             f"{IN}:找不到工作表“六、其他事项”(工作簿中有:{SHEETS.removesuffix('、六、其他事项')})。"
             + NOT_STANDARD),
    unusable("table sheet renamed", with_book(lambda wb: setattr(wb[TABLE], "title", "依申请")),
             f"{IN}:找不到工作表“三、依申请公开”(工作簿中有:{SHEETS.replace('三、依申请公开', '依申请')})。"
             + NOT_STANDARD),
    unusable("meta sheet renamed", with_book(lambda wb: setattr(wb["基本信息"], "title", "Sheet1")),
             f"{IN}:找不到工作表“基本信息”(工作簿中有:{SHEETS.replace('基本信息', 'Sheet1')})。"
             "请使用 make-report template 生成的标准工作簿,不要重命名工作表。"),
    Case("sheets reordered", with_book(lambda wb: wb.move_sheet(TABLE, offset=-3)),
         f"已生成:$TMP/{OUT}\n", 0, commands=("build",), outputs=(OUT,)),
    Case("extra sheet", with_book(lambda wb: wb.create_sheet("我的草稿").append(["草稿", 5])),
         f"已生成:$TMP/{OUT}\n", 0, commands=("build",), outputs=(OUT,)),
    # --- rows and columns merged, deleted, inserted
    unusable("data cells merged", with_book(lambda wb: wb[TABLE].merge_cells("D10:E10")),
             f"{IN}:{TABLE}!D10:E10 合并了填写数字的单元格。请取消合并,每个格子填写一个数字。"),
    unusable("label rows merged", with_book(lambda wb: wb[TABLE].merge_cells("C12:C13")),
             f"{IN}:{TABLE}!C13 应为“2.其他法律行政法规禁止公开”,实为“”。" + RESTRUCTURED),
    unusable("data rows merged", with_book(lambda wb: wb[TABLE].merge_cells("D12:D13")),
             f"{IN}:{TABLE}!D12:D13 合并了填写数字的单元格。请取消合并,每个格子填写一个数字。"),
    unusable("row deleted", with_book(lambda wb: wb[TABLE].delete_rows(12)),
             f"{IN}:{TABLE}!B12 应为“（三）不予公开”,实为“”。" + RESTRUCTURED),
    unusable("row inserted", with_book(lambda wb: wb[TABLE].insert_rows(9)),
             f"{IN}:{TABLE}!A9 应为“二、上年结转政府信息公开申请数量”,实为“”。" + RESTRUCTURED),
    unusable("column deleted", with_book(lambda wb: wb[TABLE].delete_cols(5)),
             f"{IN}:{TABLE}!E6 应为“法人或其他组织”,实为“”。" + RESTRUCTURED),
    unusable("label typed over on several lines",
             with_cells(TABLE, A9="上年\n结转\r\n" + "长" * 40),
             f"{IN}:{TABLE}!A9 应为“二、上年结转政府信息公开申请数量”,实为“上年 结转 {'长' * 24}…”。"
             + RESTRUCTURED),
    # --- what people type into count cells
    finding("text in a count", with_cells(TABLE, F20="六件"), F20 + "应填写数字,实为“六件”"),
    finding("fraction in a count", with_cells(TABLE, F20=2.5), F20 + "件数应为整数,实为 2.5"),
    finding("fraction typed as text", with_cells(TABLE, F20="1/2"), F20 + "应填写数字,实为“1/2”"),
    finding("negative count", with_cells(TABLE, F20=-3), F20 + "不能为负数,实为 -3"),
    finding("huge count", with_cells(TABLE, F20=10**20), F20 + "数值过大(1E+20),请核对"),
    finding("date in a count", with_cells(TABLE, F20=dt.date(2024, 1, 2)),
            F20 + "应填写数字,实为日期 2024-01-02" + DATE_HINT),
    finding("boolean in a count", with_cells(TABLE, F20=True), F20 + "应填写数字,实为逻辑值 TRUE"),
    finding("amount with five decimals", with_cells("二、主动公开", B18=1.23456),
            FEES + "金额最多保留4位小数,实为 1.23456"),
    finding("negative amount", with_cells("二、主动公开", B18=-0.5), FEES + "不能为负数,实为 -0.5"),
    finding("not a number at all", in_part(PART[TABLE], lambda d: re.sub(
        rb'(<c r="F20"[^>]*>)<v>[^<]*</v>', rb"\1<v>NaN</v>", d)), F20 + "不是有效的数字(NaN)"),
    finding("ISO date cell (t=\"d\") in a count", in_part(PART[TABLE], lambda d: re.sub(
        rb'<c r="F20"([^>]*?)(?: t="n")?>(?:<v>[^<]*</v>)?</c>',
        rb'<c r="F20"\1 t="d"><v>2024-01-02T00:00:00</v></c>', d)),
        F20 + "应填写数字,实为日期 2024-01-02" + DATE_HINT),
    finding("count with more digits than a float keeps", in_part(PART[TABLE], lambda d: re.sub(
        rb'(<c r="F20"[^>]*>)<v>[^<]*</v>', rb"\1<v>2.00000000000000001</v>", d)),
        F20 + "件数应为整数,实为 2.00000000000000001"),
    finding("amount with more digits than a float keeps", in_part(PART["二、主动公开"], lambda d: re.sub(
        rb'(<c r="B18"[^>]*>)<v>[^<]*</v>', rb"\1<v>5.00000000000000001</v>", d)),
        FEES + "金额最多保留4位小数,实为 5.00000000000000001"),
    # --- formulas
    finding("formula with #REF!", with_cells(TABLE, D8="=#REF!+1"),
            D8 + "公式出错(#REF!),请改为数字或正确的公式"),
    finding("formula dividing by zero", with_cells(TABLE, D8="=1/0"),
            D8 + "公式出错(#DIV/0!),请改为数字或正确的公式"),
    finding("error value saved by Excel", with_cells(TABLE, D8="#DIV/0!"),
            D8 + "单元格是错误值 #DIV/0!,请改为数字"),
    finding("formula without a cached value", with_cells(TABLE, D8="=VLOOKUP(A1,B1:C3,2)"),
            D8 + "公式没有计算结果(文件未在 Excel 中保存过),请在 Excel 或 WPS 中打开并保存后再试"),
    finding("formulas referring to each other", with_cells(TABLE, D8="=E8", E8="=D8"),
            f"{TABLE}!E8 一、本年新收政府信息公开申请数量·商业企业 公式出错(循环引用),请改为数字或正确的公式"),
    finding("formula nested too deep", with_cells(TABLE, D8="=" + "(" * 500 + "1" + ")" * 500),
            D8 + "公式没有计算结果(文件未在 Excel 中保存过),请在 Excel 或 WPS 中打开并保存后再试"),
    # --- 基本信息
    finding("agency missing", with_cells("基本信息", B4=None), "基本信息!B4 机关名称未填写"),
    finding("year in words", with_cells("基本信息", B5="今年"), "基本信息!B5 报告年度应为四位年份,实为“今年”"),
    unusable("year before any format", with_cells("基本信息", B5=2018, B6=None),
             f"{IN}:2018年不在任何官方格式的适用年度内(2019年起)"),
    unusable("year and format disagree", with_cells("基本信息", B5=2020),
             f"{IN}:工作簿是2021年版格式（国办公开办函〔2021〕30号）的版式,但报告年度为2020年,"
             "应使用2019年试行格式（国办公开办函〔2019〕60号）。"
             "请用 make-report template --year 2020 生成新的工作簿,或加 --format 2021 强制按2021年格式处理。"),
    # --- narrative cells that try to reach Python
    finding("template reaching for __class__",
            with_cells(TEXT, B5="{{ ''.__class__.__mro__[1].__subclasses__() }}"),
            SANDBOX + "“__class__”"),
    finding("template reaching for globals",
            with_cells(TEXT, B5="{{ lipsum.__globals__['os'].popen('id').read() }}"),
            SANDBOX + "“__globals__”"),
    finding("template formatting its way in", with_cells(TEXT, B5="{{ '{0.__class__}'.format(1) }}"),
            SANDBOX + "“__class__”"),
    # --- narrative cells that would eat memory or time, or that Jinja cannot parse
    finding("template making a 100 MB string", with_cells(TEXT, B5="{{ 'a' * 100000000 }}"),
            TOO_MUCH + TOO_LONG),
    finding("template making a huge number", with_cells(TEXT, B5="{{ 9**(9**9) }}"),
            TOO_MUCH + "数值过大(超过 10 的 15 次方)"),
    finding("template doubling a string in a loop", with_cells(TEXT, B5=(
        "{% set ns = namespace(a='x') %}{% for i in range(60) %}{% set ns.a = ns.a ~ ns.a %}"
        "{% endfor %}{{ ns.a }}")), TOO_MUCH + TOO_LONG),
    finding("template with loops inside loops", with_cells(TEXT, B5=(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")),
        TOO_MUCH + "循环或输出过多(超过 200000 步),请简化模板"),
    finding("template with a huge range", with_cells(TEXT, B5="{{ range(10**9)|length }}"),
            TOO_MUCH + "range() 最多给出 10000 项"),
    finding("template padding to a billion", with_cells(TEXT, B5="{{ '%1000000000d' % 1 }}"),
            TOO_MUCH + "格式中的宽度过大(超过 100000)"),
    finding("template changing a list", with_cells(TEXT, B5="{% set l = [1] %}{{ l.extend(l) }}"),
            SANDBOX + "“extend”"),
    finding("template with a dot and no name", with_cells(TEXT, B5="收到{{ 依申请. }}件"),
            SYNTAX + "“.”后面应为名称或数字"),
    finding("template without its end", with_cells(TEXT, B5="{% if 依申请.本年新收.总计 %}有申请"),
            SYNTAX + "模板不完整,{% if %} 缺少结束标记 {% endif %}"),
    finding("template with a single brace", with_cells(TEXT, B5="{{ 依申请.本年新收.总计 }件"),
            SYNTAX + "有单独的“}”,表达式应以 }} 结束"),
    finding("template with an unknown filter", with_cells(TEXT, B5="{{ 机关名称|nofilter }}"),
            SYNTAX + "没有名为“nofilter”的过滤器"),
    # --- the wrong kind of file
    unusable("workbook still open in Excel", lock_beside,
             f"{IN}:该工作簿似乎正在 Excel 或 WPS 中打开(同一文件夹中有锁定文件“~${IN}”),"
             f"未保存的修改读不到。请保存并关闭该工作簿后再试;如果已经关闭,请删除锁定文件“~${IN}”。"),
    unusable("the lock file itself", raw(b"\x0bzhang", f"~${IN}"),
             f"~${IN}:这是 Excel 打开文件时生成的临时锁定文件,不是工作簿。请关闭 Excel 后选择原文件。"),
    unusable("an .xls", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧.xls"),
             f"旧.xls:这是Excel 97-2003 工作簿(.xls)格式,本工具只读取 .xlsx。{SAVE_AS}"),
    unusable("a WPS .et", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "表格.et"),
             f"表格.et:这是WPS 表格(.et)格式,本工具只读取 .xlsx。{SAVE_AS}"),
    unusable("a .csv", raw("项目,数量\n新收,6\n".encode("gb18030"), "导出.csv"),
             f"导出.csv:这是CSV 文本,不是 .xlsx 工作簿。{SAVE_AS}"),
    unusable("a .docx that is no report", real_docx,  # a .docx is read as a published report
             "去年的报告.docx:未找到报告标题或“一、总体情况”等章节标题,不像是政府信息公开工作年度报告,无法导入。",
             commands=("check",)),
    build_only("a .docx to build from", real_docx,  # a report is built from a workbook only
               "去年的报告.docx:这是已发布的报告,生成报告需要填好的工作簿(.xlsx)。请先用 make-report import "
               "去年的报告.docx -o 工作簿.xlsx 把它导入为工作簿,核对后再生成;只想检查它,请用 make-report check "
               "去年的报告.docx。"),
    unusable("a Word document named .xlsx", lambda tmp: real_docx(tmp).rename(tmp / IN) or tmp / IN,
             f"{IN}:这是 Word 文档,不是工作簿。请选择填写好的 .xlsx 工作簿。"),
    unusable("an .xlsb", with_parts(lambda n, d: None, {"xl/workbook.bin": b"\x83\x01\x00"}),
             f"{IN}:这是 Excel 二进制工作簿(.xlsb),本工具只读取 .xlsx。{SAVE_AS}"),
    unusable("an .ods", with_parts(lambda n, d: None, {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<manifest/>"}),
        f"{IN}:这是 OpenDocument 格式(.ods 或 .odt)的文件,本工具只读取 .xlsx。{SAVE_AS}"),
    Case("macros beside the sheets (never run)", with_parts(
        lambda n, d: d, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1Shell calc.exe"}),
        f"已生成:$TMP/{OUT}\n", 0, commands=("build",), outputs=(OUT,)),
    unusable("an empty file", raw(b""), f"{IN}:文件是空的(0 字节),可能未保存完整。"),
    unusable("a truncated file", truncated, f"{IN}:文件已损坏(可能下载或复制不完整),无法打开。{SAVE_AS}"),
    unusable("an encrypted workbook",
             raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000 + "EncryptedPackage".encode("utf-16-le")),
             f"{IN}:工作簿设置了打开密码,无法读取。请在 Excel 或 WPS 中取消密码"
             "(文件→信息→保护工作簿→用密码进行加密,清空密码)后再试。"),
    unusable("random bytes", raw(bytes(range(256)) * 4),
             f"{IN}:这是无法识别的文件,不是 .xlsx 工作簿。{SAVE_AS}"),
    unusable("an empty zip archive", raw(b"PK\x05\x06" + b"\0" * 18),
             f"{IN}:这是无法识别的文件,不是 .xlsx 工作簿。{SAVE_AS}"),
    unusable("a zip of something else", with_parts(lambda n, d: None, {"说明.txt": b"hello"}),
             f"{IN}:压缩包中没有 Excel 工作簿内容,不是有效的 .xlsx 文件。{SAVE_AS}"),
    unusable("a sheet that is not XML", in_part(PART[TABLE], lambda d: d[: len(d) // 2]),
             f"{IN}:工作表“{TABLE}”不是完整有效的 XML,文件已损坏,无法读取。{SAVE_AS}"),
    unusable("interchange JSON with a syntax error", raw(b'{"format": "2021",', "数据.json"),
             "数据.json:不是有效的报告数据 JSON(第 1 行第 19 列不符合 JSON 语法)。"),
    unusable("interchange JSON nested too deep", raw(b"[" * 100_000 + b"]" * 100_000, "数据.json"),
             "数据.json:不是有效的报告数据 JSON(嵌套层数过多)。"),
    unusable("interchange JSON in GBK", raw('{"机关名称": "某县"}'.encode("gbk"), "数据.json"),
             "数据.json:不是有效的报告数据 JSON(文件不是 UTF-8 编码)。"),
    unusable("no such file", missing, f"{IN}:文件不存在,请检查文件名和所在文件夹。"),
    unusable("a folder", folder, f"{IN}:这是一个文件夹,不是工作簿;批量处理请用 make-report batch。"),
    # --- built to hurt
    unusable("zip bomb, declared", lambda tmp: raw(bomb(1024))(tmp),
             f"{IN}:文件解压后过大(1024 MB),可能是恶意构造的压缩文件,已拒绝读取。"),
    unusable("zip bomb, size understated", lambda tmp: raw(bomb(64, declared=1000))(tmp),
             f"{IN}:文件已损坏(可能下载或复制不完整),无法打开。{SAVE_AS}"),
    unusable("entity expansion", in_part(PART["一、总体情况"], prepend(LAUGHS)),
             f"{IN}:工作表“一、总体情况”含有 XML 文档类型定义(DOCTYPE 或 ENTITY),{HOSTILE}"),
    unusable("external entity", in_part("xl/workbook.xml", prepend(XXE)),
             f"{IN}:部件 xl/workbook.xml 含有 XML 文档类型定义(DOCTYPE 或 ENTITY),{HOSTILE}"),
    unusable("entity in UTF-16", in_part(PART[TABLE], lambda d: prepend(
        b'<?xml version="1.0" encoding="UTF-16"?>' + XXE[21:])(d).decode().encode("utf-16")),
        f"{IN}:工作表“三、依申请公开”含有 XML 文档类型定义(DOCTYPE 或 ENTITY),{HOSTILE}"),
    unusable("merge over the whole sheet", in_part(PART[TABLE], lambda d: d.replace(
        b"</mergeCells>", b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')),
        f"{IN}:{TABLE}!A1:XFD1048576 合并区域过大({LIMITS}),已拒绝读取。请取消该合并后再试。"),
    unusable("a cell in the last row", in_part(PART[TEXT], add_to_sheet_data(
        b'<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>x</t></is></c></row>')),
        f"{IN}:{TEXT}!B1048576 超出了工作簿的正常范围({LIMITS}),已拒绝读取。请删除多余的行和列后再试。"),
    unusable("too many cells", in_part(PART[TEXT], many_cells),
             f"{IN}:单元格过多(读到工作表“{TEXT}”时已超过 200000 个),远超标准工作簿的规模,"
             "已拒绝读取。请删除多余的行和列后再试。"),
    unusable("too many zip members", with_parts(lambda n, d: d, {f"xl/media/{i}.bin": b"" for i in range(1000)}),
             f"{IN}:压缩包中的文件过多(1015 个),不是标准工作簿,已拒绝读取。"),
    # --- agency names that are not file names: tolerated, the name is made safe
    Case("agency with a slash", functools.partial(valid, agency="某县/教育局"), f"已生成:$TMP/某县_教育局{TITLE}\n", 0,
         commands=("build",), build=("$IN",), outputs=(f"某县_教育局{TITLE}",)),
    Case("agency climbing folders", functools.partial(valid, agency="../../etc/passwd"), f"已生成:$TMP/_etc_passwd{TITLE}\n", 0,
         commands=("build",), build=("$IN",), outputs=(f"_etc_passwd{TITLE}",)),
    Case("agency with characters Windows forbids", functools.partial(valid, agency='A<>:"|?*B'), f"已生成:$TMP/A_B{TITLE}\n", 0,
         commands=("build",), build=("$IN",), outputs=(f"A_B{TITLE}",)),
    Case("agency too long for a file name", functools.partial(valid, agency=LONG_AGENCY), f"已生成:$TMP/{LONG_AGENCY[:60]}.docx\n", 0,
         commands=("build",), build=("$IN",), outputs=(f"{LONG_AGENCY[:60]}.docx",)),
    # --- where the report goes
    build_only("output folder missing", valid,
               f"$TMP/没有/{OUT}:输出文件夹“$TMP/没有”不存在,请先创建它或换一个位置。",
               build=("$IN", "-o", f"$TMP/没有/{OUT}")),
    build_only("output folder read-only", valid,
               f"$TMP/{OUT}:输出文件夹“$TMP”不可写(只读或没有权限),请换一个位置。",
               patch=folder_not_writable),
    build_only("disk read-only", valid,
               f"{OUT}:未能写入,所在的磁盘或文件夹是只读的。{UNCHANGED}请用 -o 换一个位置后再试。",
               patch=read_only_disk),
    build_only("disk full mid-write", previous_report,
               f"{OUT}:未能写入,磁盘空间不足。{UNCHANGED}请清理磁盘空间,或用 -o 换一个位置后再试。",
               patch=failing_save(OSError(errno.ENOSPC, "No space left on device"))),
    build_only("earlier report open in Word", previous_report,
               f"{OUT}:未能写入,没有权限,或该文件正在 Word、Excel 或 WPS 中打开。{UNCHANGED}"
               "请关闭该文件,或用 -o 换一个位置后再试。", patch=target_open_in_word),
    build_only("earlier report edited", edited_report, f"{OUT}:该文件在生成后被编辑过,{NOT_KEPT}"),
    build_only("a report not made by the tool", foreign_report,
               f"{OUT}:该文件已存在且不是本工具生成的(或已被另存过),{NOT_KEPT}"),
    build_only("output is the input", output_linked_to_input,
               f"{OUT}:输出文件与输入的工作簿是同一个文件,已拒绝覆盖。请用 -o 指定其他文件名。"),
    build_only("output is a folder", output_is_a_folder,
               f"$TMP/{OUT}:这是一个已有的文件夹,不能用作输出文件名。请用 -o 指定其他文件名。"),
    build_only("output not a .docx", valid, f"{IN}:输出文件名应以 .docx 结尾。",
               build=("$IN", "-o", "$IN")),
]


# --------------------------------------------------------------------------- the tests

def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with a hash of each file's bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in folder.rglob("*")}


def command_line(case: Case, command: str, source: Path, tmp: Path) -> list[str]:
    if command == "check":
        return ["check", "--json", str(source)] if case.code == 1 else ["check", str(source)]
    return [a.replace("$IN", str(source)).replace("$TMP", str(tmp)) for a in case.build]


def test_the_catalogue_has_forty_distinct_cases():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.message for c in CASES if c.code != 0}) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_gets_one_sentence_and_nothing_is_written(case, tmp_path, monkeypatch, capsys):
    source = case.make(tmp_path)
    if case.patch:
        case.patch(monkeypatch, tmp_path)
    capsys.readouterr()
    before = snapshot(tmp_path)
    message = case.message.replace("$TMP", str(tmp_path))
    for command in case.commands:
        code = main(command_line(case, command, source, tmp_path))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert code == case.code, (command, out, err)
        if case.code == 2:
            assert (out, err) == ("", f"无法处理:{message}\n")
        elif case.code == 1 and command == "check":
            report = json.loads(out)
            assert report["file"] == source.name
            assert message in [f["message"] for f in report["findings"] if f["severity"] == "error"]
        elif case.code == 1:
            assert err == REFUSED_BUILD
        else:
            assert err == message
    after = snapshot(tmp_path)
    assert set(after) - set(before) == set(case.outputs)
    assert [name for name in before if after.get(name) != before[name]] == []


@pytest.mark.parametrize(("megabytes", "declared", "message"), [
    (1024, None, f"{IN}:文件解压后过大(1024 MB),可能是恶意构造的压缩文件,已拒绝读取。"),
    (256, 1000, f"{IN}:文件已损坏(可能下载或复制不完整),无法打开。{SAVE_AS}"),
], ids=["declared", "understated"])
def test_zip_bombs_are_refused_in_little_memory(tmp_path, capsys, megabytes, declared, message):
    path = tmp_path / IN
    path.write_bytes(bomb(megabytes, declared))
    capsys.readouterr()
    tracemalloc.start()
    try:
        assert main(["check", str(path)]) == 2
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert capsys.readouterr().err == f"无法处理:{message}\n"
    assert peak < 20 * MB


def test_entity_expansion_is_refused_before_parsing(tmp_path, capsys):
    def laugh(data: bytes) -> bytes:
        return prepend(LAUGHS)(data).replace(b"<t>", b"<t>&l9;", 1)

    path = in_part(PART[TABLE], laugh)(tmp_path)
    capsys.readouterr()
    tracemalloc.start()
    try:
        assert main(["check", str(path)]) == 2
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert capsys.readouterr().err == (f"无法处理:{IN}:工作表“{TABLE}”含有 XML 文档类型定义"
                                       f"(DOCTYPE 或 ENTITY),{HOSTILE}\n")
    assert peak < 20 * MB


def test_ctrl_c_while_saving_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    source = previous_report(tmp_path)
    before = snapshot(tmp_path)
    failing_save(KeyboardInterrupt())(monkeypatch, tmp_path)
    capsys.readouterr()
    assert main([str(source), "-o", str(tmp_path / OUT)]) == 2  # only 0, 1 and 2, even for Ctrl-C
    assert capsys.readouterr().err == "已中止:未完成的文件没有写入,原有的文件保持不变。\n"
    assert snapshot(tmp_path) == before


def test_ctrl_c_in_the_api_propagates_and_cleans_up(tmp_path, monkeypatch):
    from make_report import api

    source = previous_report(tmp_path)
    before = snapshot(tmp_path)
    failing_save(KeyboardInterrupt())(monkeypatch, tmp_path)
    with pytest.raises(KeyboardInterrupt):
        api.build(source, tmp_path / OUT)
    assert snapshot(tmp_path) == before


def test_an_unedited_report_is_replaced_and_an_edited_one_only_with_force(tmp_path, capsys):
    source = previous_report(tmp_path)
    assert main([str(source), "-o", str(tmp_path / OUT)]) == 0  # ours, unedited: replaced
    edited_report(tmp_path)
    edited = (tmp_path / OUT).read_bytes()
    assert main([str(source), "-o", str(tmp_path / OUT)]) == 2
    assert (tmp_path / OUT).read_bytes() == edited
    capsys.readouterr()
    assert main([str(source), "-o", str(tmp_path / OUT), "--force"]) == 0
    backup = tmp_path / OUT.replace(".docx", "(已编辑备份).docx")
    assert capsys.readouterr().err == (f"原有的同名报告在生成后被编辑过(或不是本工具生成的),已先另存为:"
                                       f"{backup}\n已生成:{tmp_path / OUT}\n")
    assert (tmp_path / OUT).read_bytes() != edited
    assert backup.read_bytes() == edited
    assert main([str(source), "-o", str(tmp_path / OUT)]) == 0  # ours again


def test_a_really_read_only_folder(tmp_path, capsys):
    source = valid(tmp_path)
    locked = tmp_path / "只读"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions do not stop writing here")
        assert main([str(source), "-o", str(locked / OUT)]) == 2
        assert capsys.readouterr().err == (f"无法处理:{locked / OUT}:输出文件夹“{locked}”"
                                           "不可写(只读或没有权限),请换一个位置。\n")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


HELP = "用 make-report --help 查看用法。"


@pytest.mark.parametrize(("argv", "message"), [
    (["check"], f"命令缺少“工作簿”。{HELP}"),
    (["check", "--bogus", IN], f"没有“--bogus”这个选项。{HELP}"),
    (["template", "-o", IN, "--year", "去年"], f"“--year”的值无效,请检查。{HELP}"),
    (["check", "a.xlsx", "b.xlsx"], f"命令中有多余的参数(一次只处理一个工作簿,批量处理请用 make-report batch)。{HELP}"),
    ([IN, "-o"], f"选项“-o”后面缺少值或用法有误。{HELP}"),
])
def test_usage_errors_are_said_in_chinese(argv, message, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err == f"无法处理:{message}\n"


def test_a_bug_is_one_sentence_and_exit_2_unless_debugging(tmp_path, monkeypatch, capsys):
    from make_report import api

    monkeypatch.setattr(api, "check", lambda *args, **kwargs: 1 / 0)
    source = valid(tmp_path)
    assert main(["check", str(source)]) == 2
    assert capsys.readouterr().err == (
        "无法处理:程序内部错误(ZeroDivisionError)。请把所用的工作簿和这条信息发给技术支持;"
        "设置环境变量 MAKE_REPORT_DEBUG=1 可显示详细信息。\n")
    monkeypatch.setenv("MAKE_REPORT_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(source)])


def test_a_formula_reads_a_decimal_helper_cell_exactly(tmp_path):
    from decimal import Decimal

    from make_report import api

    def change(wb: openpyxl.Workbook) -> None:
        wb["二、主动公开"]["Z1"] = 1.5
        wb["二、主动公开"]["B18"] = "=Z1*2"

    result = api.check(with_book(change)(tmp_path))
    assert result.report.value("active_disclosure.fees_10k_yuan") == Decimal("3")


ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,.'][A-Za-z]{2,}")


@pytest.mark.parametrize("source", [
    "{{ a. }}", "{{ a b }}", "{{ }}", "{{ a", "{% if a %}", "{% foo %}", "{% %}", "{{ a|nofilter }}",
    "{% if a is notest %}{% endif %}", "{# x", "{{ 'abc }}", "{{ a ! }}", "{% for %}",
    "{% set 1 = 2 %}", "{% endif %}", "{% if a %}{% endfor %}", "{{ (a }}", "{{ a) }}",
    "{{ [1, }}", "{{ a = 1 }}", "{% block a %}{% endblock %}{% block a %}{% endblock %}",
    "{% macro %}", "{{ a | }}", "{{ 1 + }}", "{{ x | default( }}", "{{ '\\x' }}",
    "{% include 'x' %}", "{% extends 'x' %}", "{% import 'x' as y %}", "{{ 1 / 0 }}",
    "{{ 机关名称 + 1 }}", "{{ 机关名称|round }}", "{% set x = 1 %}{% set x.a = 2 %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ 2.0 ** 100000 }}", "{{ '%d' % 'x' }}",
    "{{ '{'.format(1) }}", "{{ 1|batch(0)|list }}", "{{ 年度|round(2, 'x') }}",
    "{{ 'a' * 100000000 }}", "{{ 9**(9**9) }}", "{{ range(10**9) }}", "{{ lipsum(10**9) }}",
    "{{ ''.zfill(10**9) }}", "{{ 'x'.replace('', 'y' * 99999) }}",
])
def test_template_problems_are_told_in_chinese(source):
    from make_report.core.model import Report
    from make_report.narrative.render import NarrativeError, render_text

    with pytest.raises(NarrativeError) as caught:
        render_text(source, Report(FMT, "某县", 2024), "五、问题及改进!B5")
    message = caught.value.message
    assert message.startswith("五、问题及改进!B5 模板")
    assert not ENGLISH.search(message), message
