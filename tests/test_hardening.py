"""Attacks on the tool as a whole: each hostile or unlucky input ends in bounded time and
memory with one Chinese sentence (or a finding), never a hang, a traceback or gigabytes.

Memory is bounded by running the command in a child process under an address-space
limit (RLIMIT_AS); a generous subprocess timeout guards against a hang. No test measures
the clock.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from make_report.cli.main import main
from make_report.core.layout import workbook_layout
from make_report.formats import FORMATS
from test_bad_inputs import IN, PART, TABLE, TEXT, in_part, valid

FMT = FORMATS["2021"]
LIMIT_MB = 400
HANG_GUARD = 300  # seconds: only a hang gets near this
CLI = "import sys; from make_report.cli.main import main; sys.exit(main(sys.argv[1:]))"


def attack(*args: str | Path) -> tuple[int, str]:
    """Run the command line in a child limited to LIMIT_MB of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_MB << 20, LIMIT_MB << 20))

    done = subprocess.run([sys.executable, "-c", CLI, *map(str, args)], preexec_fn=limit,
                          capture_output=True, text=True, timeout=HANG_GUARD,
                          env={**os.environ, "COLUMNS": "400"})  # tables not wrapped
    out = done.stdout + done.stderr
    assert "Traceback" not in out and "程序内部错误" not in out and "MemoryError" not in out
    return done.returncode, out


def field_cell(key_part: str = "") -> tuple[str, str]:
    """A count cell of table three: (sheet, address)."""
    ts = workbook_layout(FMT).tables
    sheet = next(t for t in ts.values() if t.name == TABLE)
    key = next(k for k in sheet.cells if key_part in k)
    return sheet.name, sheet.cells[key]


# ------------------------------------------------------------------ 1. nothing hangs

def test_a_huge_row_number_on_a_narrative_sheet_is_refused(tmp_path):
    row = b'<row r="99999999"><c r="B99999999" t="inlineStr"><is><t>x</t></is></c></row>'
    path = in_part(PART[TEXT], lambda d: d.replace(b"</sheetData>", row + b"</sheetData>"))(tmp_path)
    code, out = attack("check", path)
    assert code == 2
    assert f"{TEXT}!B99999999 超出了工作簿的正常范围" in out


def test_formulas_sharing_sub_formulas_are_computed_once(tmp_path):
    sheet, address = field_cell()
    wb = openpyxl.load_workbook(valid(tmp_path))
    ws = wb[sheet]
    ws[address] = "=GA1"
    for level in range(1, 41):  # GA1 = GA2 + GA2 ... forty levels: 2**40 without sharing
        ws[f"GA{level}"] = f"=GA{level + 1}+GA{level + 1}"
    ws["GA41"] = 0
    wb.save(tmp_path / IN)
    code, out = attack("check", tmp_path / IN)
    assert code == 1  # the cell read as 0, so its table's sums no longer add up
    assert "A3" in out and "公式" not in out


def test_a_sum_over_thousands_of_sums_stops_at_the_work_limit(tmp_path):
    sheet, address = field_cell()
    wb = openpyxl.load_workbook(valid(tmp_path))
    ws = wb[sheet]
    ws[address] = "=SUM(GA1:GA10000)"
    for row in range(1, 10001):
        ws[f"GA{row}"] = "=SUM(FA1:FY400)"  # 10,000 cells each: 10**8 look-ups in all
    wb.save(tmp_path / IN)
    code, out = attack("check", tmp_path / IN)
    assert code == 1
    assert "公式引用的单元格过多,本工具无法核算" in out


def test_one_over_three_times_three_is_one_as_in_excel(tmp_path):
    from make_report import api

    sheet, address = field_cell()
    wb = openpyxl.load_workbook(valid(tmp_path))
    wb[sheet][address] = "=1/3*3"
    wb.save(tmp_path / IN)
    result = api.check(tmp_path / IN)
    key = next(k for k, loc in result.cells.items() if (loc.sheet, loc.cell) == (sheet, address))
    assert result.report.value(key) == 1
    assert not [f for f in result.findings if address in f.cells and f.severity == "error"]


def test_a_thousand_cells_just_under_the_cell_limit_share_one_budget(tmp_path):
    from make_report.narrative.render import MAX_REPORT_WORK

    wb = openpyxl.load_workbook(valid(tmp_path))
    cell = '{% for i in range(9990) %}{{ "abcdefghijklmnopq" }}{% endfor %}'  # ~180,000 steps
    ws = wb[TEXT]
    for row in range(10, 1010):
        ws[f"B{row}"] = cell
    wb.save(tmp_path / IN)
    code, out = attack("check", tmp_path / IN)
    assert code == 1
    assert f"全部叙述文字的模板合计计算量过大(超过 {MAX_REPORT_WORK} 步)" in out


FIFO_CASES = {
    "interchange JSON": lambda tmp, fifo: ["check", fifo("数据.json")],
    "--previous": lambda tmp, fifo: ["check", valid(tmp), "--previous", fifo("上年.xlsx")],
    "--reference-docx": lambda tmp, fifo: [valid(tmp), "-o", tmp / "报告.docx",
                                           "--reference-docx", fifo("样式.docx")],
    "template --data": lambda tmp, fifo: ["template", "-o", tmp / "新.xlsx", "--data",
                                          fifo("数据.json")],
    "import": lambda tmp, fifo: ["import", fifo("报告.html"), "-o", tmp / "新.xlsx"],
    "--docx-template": lambda tmp, fifo: [valid(tmp), "-o", tmp / "报告.docx",
                                          "--docx-template", fifo("模板.docx")],
    "template --from": lambda tmp, fifo: ["template", "-o", tmp / "新.xlsx", "--from",
                                          fifo("上年.docx")],
}


@pytest.mark.parametrize("case", FIFO_CASES, ids=list(FIFO_CASES))
def test_a_pipe_is_refused_without_blocking(case, tmp_path):
    def fifo(name: str) -> Path:
        os.mkfifo(tmp_path / name)
        return tmp_path / name

    code, out = attack(*FIFO_CASES[case](tmp_path, fifo))
    assert code == 2
    assert "不是普通文件(而是管道、设备或其他特殊文件),无法读取。" in out


def test_a_pipe_among_the_templates_is_refused_not_skipped(tmp_path):
    templates = tmp_path / "模板"
    (templates / "narrative").mkdir(parents=True)
    os.mkfifo(templates / "narrative" / "applications_summary.j2")
    code, out = attack(valid(tmp_path), "-o", tmp_path / "报告.docx", "--templates", templates)
    assert code == 2
    assert "applications_summary.j2 不是普通文件(而是管道、设备等),无法读取" in out


@pytest.mark.parametrize("command", ["batch", "summary", "audit"])
def test_a_pipe_in_a_folder_is_one_unusable_line_and_the_rest_is_done(tmp_path, command):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    source = valid(inbox)
    if command == "audit":
        from make_report import api

        api.build(source, inbox / "报告.docx")
        source.unlink()
    os.mkfifo(inbox / ("管道.docx" if command == "audit" else "管道.xlsx"))
    out = tmp_path / ("输出" if command == "batch" else "结果.xlsx")
    code, said = attack(command, inbox, "-o", out)
    assert code == 1, said
    assert "管道.docx:不是普通文件(而是管道、设备或其他特殊文件),无法读取" in said or \
        "管道.xlsx:不是普通文件(而是管道、设备或其他特殊文件),无法读取" in said
    if command == "batch":
        import json

        record = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
        assert {i["file"]: i["status"] for i in record["items"]} == {
            "管道.xlsx": "unusable", IN: "built"}


def test_a_device_is_refused(tmp_path):
    (tmp_path / "数据.json").symlink_to("/dev/zero")
    code, out = attack("check", tmp_path / "数据.json")
    assert code == 2
    assert "数据.json:不是普通文件" in out


# ------------------------------------------------------------- 2. no gigabytes

def declared(encoding: str, codec: str, bom: bytes = b""):
    def change(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        text = f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + body
        return bom + text.decode().encode(codec)
    return change


@pytest.mark.parametrize(("encoding", "codec", "shown"), [
    ("GB18030", "gb18030", "“GB18030”"),
    ("UTF-16BE", "utf-16-be", ""),
    ("ISO-8859-5", "iso-8859-5", "“ISO-8859-5”"),
])
def test_sheet_encodings_the_scanner_cannot_check_are_refused(tmp_path, encoding, codec, shown):
    path = in_part(PART[TABLE], declared(encoding, codec))(tmp_path)
    code, out = attack("check", path)
    assert code == 2
    assert f"工作表“{TABLE}”使用了不常见的文字编码{shown},Excel 和 WPS 保存的工作簿都使用 UTF-8 编码" in out


@pytest.mark.parametrize(("encoding", "bom"), [("UTF-16", b"\xff\xfe"), ("UTF-16LE", b"")])
def test_utf16_that_both_parsers_recognise_is_still_read(tmp_path, capsys, encoding, bom):
    path = in_part(PART[TABLE], declared(encoding, "utf-16-le", bom))(tmp_path)
    assert main(["check", str(path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize(("encoding", "codec", "message"), [
    ("GB18030", "gb18030", "使用了不常见的文字编码“GB18030”"),
    ("UTF-16LE", "utf-16-le", "单元格过多(读到工作表“三、依申请公开”时已超过 200000 个)"),
])
def test_too_many_cells_in_another_encoding_are_refused_in_little_memory(
        tmp_path, encoding, codec, message):
    row = b"".join(b"<c><v>1</v></c>" for _ in range(100))
    rows = b"".join(b'<row r="%d">%s</row>' % (r, row) for r in range(300, 3300))

    def change(data: bytes) -> bytes:
        return declared(encoding, codec)(data.replace(b"</sheetData>", rows + b"</sheetData>"))

    code, out = attack("check", in_part(PART[TABLE], change)(tmp_path))
    assert code == 2
    assert message in out


def big_docx(path: Path, paragraphs: int, text: str = "年") -> Path:
    """A Word document whose body is ``paragraphs`` paragraphs: small packed, large unpacked."""
    base = docx.Document()
    buffer = io.BytesIO()
    base.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    head, _, rest = source.read("word/document.xml").decode().partition("<w:body>")
    para = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, source.read(info))
                continue
            with out.open("word/document.xml", "w") as fh:
                fh.write(f"{head}<w:body>".encode())
                for _ in range(paragraphs // 1000):
                    fh.write(para.encode())
                fh.write(f"<w:sectPr/></w:body>{rest.partition('</w:body>')[2]}".encode())
    return path


@pytest.mark.parametrize(("paragraphs", "text", "message"), [
    (5_400_000, "年", "部件 word/document.xml 解压后过大(超过 32 MB)"),
    (250_000, "年" * 30, "部件 word/document.xml 的内容元素过多(超过 200000 个)"),
    (40_000, "年" * 30, "内容过多(超过 20000 段或行),不像是政府信息公开工作年度报告"),
], ids=["190 MB body", "a million elements", "forty thousand paragraphs"])
def test_a_docx_that_unpacks_large_is_refused_in_little_memory(tmp_path, paragraphs, text, message):
    path = big_docx(tmp_path / "报告.docx", paragraphs, text)
    assert path.stat().st_size < 2 << 20
    code, out = attack("import", path, "-o", tmp_path / "新.xlsx")
    assert code == 2
    assert message in out


def test_interchange_json_has_a_size_limit(tmp_path):
    path = tmp_path / "数据.json"
    with path.open("w") as fh:
        fh.write('{"agency": "' + "x" * (11 << 20) + '"}')
    code, out = attack("check", path)
    assert code == 2
    assert "数据.json:文件过大(11 MB),报告数据 JSON 通常不到 1 MB。" in out


def reference(tmp_path: Path, edit=None, name: str = "样式.docx") -> Path:
    document = docx.Document()
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / name
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, edit(info.filename, data) if edit else data)
    return path


XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
DOCX_SAVE_AS = "请在 Word 或 WPS 中打开,另存为“Word 文档(*.docx)”后再试。"
REFERENCE_CASES = [
    ("XXE in the styles", lambda n, d: XXE + d.split(b"?>", 1)[1] if n == "word/styles.xml" else d,
     "--reference-docx 样式.docx:部件 word/styles.xml 含有 XML 文档类型定义(DOCTYPE 或 ENTITY)"),
    ("broken styles", lambda n, d: d[: len(d) // 2] if n == "word/styles.xml" else d,
     f"--reference-docx 样式.docx:部件 word/styles.xml 不是完整有效的 XML,文件已损坏,无法读取。"
     f"{DOCX_SAVE_AS}"),
    ("a Word template", lambda n, d: d.replace(b"document.main+xml", b"template.main+xml")
     if n == "[Content_Types].xml" else d,
     f"--reference-docx 样式.docx:这是Word 模板(.dotx),不能直接用作样式来源。{DOCX_SAVE_AS}"),
    ("a macro document", lambda n, d: d.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
     if n == "[Content_Types].xml" else d,
     f"--reference-docx 样式.docx:这是启用宏的 Word 文档(.docm),不能直接用作样式来源。{DOCX_SAVE_AS}"),
]


@pytest.mark.parametrize(("name", "edit", "message"), REFERENCE_CASES,
                         ids=[c[0] for c in REFERENCE_CASES])
def test_a_bad_reference_docx_gets_the_package_checks(tmp_path, name, edit, message):
    path = reference(tmp_path, edit)
    code, out = attack(valid(tmp_path), "-o", tmp_path / "报告.docx", "--reference-docx", path)
    assert code == 2
    assert message in out
    assert not (tmp_path / "报告.docx").exists()


def test_a_reference_docx_bomb_is_refused_in_little_memory(tmp_path):
    path = big_docx(tmp_path / "样式.docx", 5_400_000)
    code, out = attack(valid(tmp_path), "-o", tmp_path / "报告.docx", "--reference-docx", path)
    assert code == 2
    assert "--reference-docx 样式.docx:部件 word/document.xml 解压后过大" in out


def test_a_good_reference_docx_is_still_used(tmp_path, capsys):
    path = reference(tmp_path)
    assert main([str(valid(tmp_path)), "-o", str(tmp_path / "报告.docx"),
                 "--reference-docx", str(path)]) == 0, capsys.readouterr()


# ------------------------------------------------------ 7. numbers as Excel reads them

def test_phonetic_guides_are_not_part_of_an_inline_string(tmp_path):
    from make_report.readers.sheetxml import Workbook

    sheet, address = field_cell()
    cell = (f'<c r="{address}" t="inlineStr"><is><t>12</t><rPh sb="0" eb="1"><t>じゅうに</t>'
            "</rPh></is></c>").encode()

    def change(data: bytes) -> bytes:
        import re

        return re.sub(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % address.encode(), cell, data, count=1)

    path = in_part(PART[TABLE], change)(tmp_path)
    assert Workbook(path)[sheet][address].value == "12"


@pytest.mark.parametrize("index", ["99999", "-1"])
def test_a_shared_string_index_out_of_range_is_a_damaged_file(tmp_path, capsys, index):
    sheet, address = field_cell()

    def change(data: bytes) -> bytes:
        import re

        cell = f'<c r="{address}" t="s"><v>{index}</v></c>'.encode()
        return re.sub(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % address.encode(), cell, data, count=1)

    path = in_part(PART[TABLE], change)(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{IN}:{sheet}!{address} 引用了不存在的共享文字(第 {index} 项" in err
    assert "文件已损坏,无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再试。" in err



@pytest.mark.parametrize("command", ["check", "import"])
def test_a_page_lxml_finds_empty_is_one_sentence(tmp_path, capsys, command):
    """Found by fuzzing: lxml's "Document is empty" is not a ValueError."""
    page = tmp_path / "报告.html"
    page.write_bytes(b"<!")
    args = ["check", str(page)] if command == "check" else ["import", str(page), "-o",
                                                             str(tmp_path / "新.xlsx")]
    assert main(args) == 2
    assert capsys.readouterr().err == ("无法处理:报告.html:网页内容无法解析,"
                                       "请在浏览器中打开后另存为网页(.html)再试。\n")
