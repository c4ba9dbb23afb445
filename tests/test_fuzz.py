"""Fuzzing: mutated workbooks and interchange JSON never crash the tool.

Valid standard workbooks are mutated (bytes of the zip, bytes inside its XML parts, cell
values, types and formulas, narrative text, sheets, rows, merges, zip members), then run
through the command line; so are valid interchange JSON documents (any value replaced,
removed or added, the text cut or spliced), through check and template --data. Text
everywhere includes what looks like console markup ([b], [/red]), in cells, the agency
and the file name. Every run must end in exit 0, 1 or 2 with a Chinese sentence, never an
exception or a traceback, must show file names as typed, and must leave the input, and
any refused output, alone.

MAKE_REPORT_FUZZ_EXAMPLES sets the examples per test (default 75, five tests, about 30 s;
CI runs 1000 each, about 4 minutes). The examples are the same on every run (see
tests/conftest.py); MAKE_REPORT_HYPOTHESIS=explore draws new ones.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_report.cli.main import main
from make_report.core.interchange import report_to_dict
from make_report.core.layout import workbook_layout
from make_report.core.model import Entry
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

EXAMPLES = int(os.environ.get("MAKE_REPORT_FUZZ_EXAMPLES", "75"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
CJK = re.compile(r"[\u4e00-\u9fff]")
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
MARKUP = ["[b]", "[/b]", "[/red]", "[/]", "[bold red]", "[link=file:///etc/passwd]", ":warning:",
          "\\[b]", "[", "]"]
"""What rich would take for markup if it were ever given text as markup."""
AGENCY = "随机[b]县[/red]人民政府"


@functools.cache
def workbook(format_id: str) -> dict[str, bytes]:
    """A valid standard workbook of the format, as its zip members."""
    fmt = FORMATS[format_id]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlsx"
        write_workbook(fmt, path, report_of(format_id))
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist()}


def report_of(format_id: str):
    report = consistent_report(FORMATS[format_id], seed=3, agency=AGENCY)
    report.narrative = {s.key: [Entry("(一)情况[b]", ["本年新收[/b]申请{{ 依申请.本年新收.总计 }}件。",
                                                     "本年收到[/red]申请999件。"])]
                        for s in FORMATS[format_id].narrative_sections}
    return report


@functools.cache
def interchange(format_id: str) -> str:
    """A valid interchange JSON document of the format."""
    return json.dumps(report_to_dict(report_of(format_id)), ensure_ascii=False)


def parts_of(format_id: str) -> dict[str, str]:
    """Sheet name -> its part, as the template writer numbers them."""
    names = workbook_layout(FORMATS[format_id]).sheet_names
    return {n: f"xl/worksheets/sheet{i}.xml" for i, n in enumerate(names, start=1)}


def pack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


# ----------------------------------------------------------------------- what to put in

def xml_text(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").encode("utf-8", "surrogatepass"))


numbers = st.one_of(
    st.integers(-10**25, 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.sampled_from(["1e999", "-0", "NaN", "INF", "0x10", "1,000", "", " ", "12abc"]),
)
texts = st.one_of(st.text(max_size=20), st.sampled_from(
    ["六件", "无", "-", "/", "1/2", "#REF!", "TRUE", "2024-01-02", "=1+1", "\u3000", "１２", *MARKUP]),
    st.lists(st.sampled_from([*MARKUP, "某县", "收到申请", "6件"]), max_size=5).map("".join))
file_names = st.text(alphabet="[]bedrl:=_ 报表", max_size=10)
"""File name stems: square brackets and colons, never a slash."""
formula_tokens = st.sampled_from(
    ["D8", "E8", "$D$8", "J31", "A1", "XFD1048576", "ZZZZ1", "D8:F9", "A1:XFD1048576", "B2:A1",
     "SUM(", "VLOOKUP(", "IF(", "(", ")", "+", "-", "*", "/", ",", "1", "0", "2.5",
     "99999999999999999999", "#REF!", "#DIV/0!", '"x"', " ", "'Sheet'!A1"])
formulas = st.lists(formula_tokens, max_size=12).map("".join)
template_bits = st.sampled_from(
    ["{{", "}}", "{%", "%}", "{#", "#}", " ", "依申请", ".", "本年新收", "总计", "机关名称",
     "年度", "values", "__class__", "__globals__", "__mro__", "lipsum", "cycler", "[", "]",
     "'", "(", ")", "if", "for i in range(3)", "endif", "endfor", "|length", "|upper", "~",
     "+", "-", "*", "**", "%", "9", "99999", "1", "0", "x", "none", "namespace()", ".format(1)",
     "range(", "'%9999d'", "|join", "|replace('x', 'yy')", *MARKUP, "\n"])
templates = st.lists(template_bits, max_size=15).map("".join)


@st.composite
def cell_xml(draw, ref: bytes) -> bytes:
    """A cell at ``ref`` with any type, style, formula and value."""
    # mostly what Excel writes, sometimes what a broken program would
    kind = draw(st.sampled_from([None, None, None, "n", "str", "inlineStr", "b", "e", "s", "d", "zz"]))
    style = draw(st.sampled_from([None, None, None, "0", "3", "7", "80", "-1", "x"]))
    attrs = b' r="' + ref + b'"'
    attrs += b' t="%s"' % kind.encode() if kind else b""
    attrs += b' s="%s"' % style.encode() if style else b""
    inner = b""
    if draw(st.booleans()):
        inner += b"<f>" + xml_text(draw(formulas)) + b"</f>"
    value = draw(st.one_of(numbers, texts, st.integers(-5, 50).map(str)))
    if kind == "inlineStr":
        inner += b"<is><t>" + xml_text(value) + b"</t></is>"
    elif draw(st.integers(0, 9)):
        inner += b"<v>" + xml_text(value) + b"</v>"
    if draw(st.integers(0, 19)) == 0:  # now and then, not even well-formed
        inner += value.encode("utf-8", "surrogatepass")
    return b"<c" + attrs + b">" + inner + b"</c>"


@st.composite
def cell_mutations(draw) -> tuple[str, dict[str, bytes]]:
    format_id = draw(st.sampled_from(sorted(FORMATS)))
    members = dict(workbook(format_id))
    layout = workbook_layout(FORMATS[format_id])
    parts = parts_of(format_id)
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(["data", "data", "meta", "narrative", "any"]))
        if target == "data":
            table = draw(st.sampled_from(sorted(layout.tables)))
            ts = layout.tables[table]
            part, ref = parts[ts.name], draw(st.sampled_from(sorted(ts.cells.values())))
        elif target == "meta":
            part, ref = parts[FORMATS[format_id].meta_sheet], draw(st.sampled_from(
                sorted(layout.meta_cells.values())))
        elif target == "narrative":
            sheet = draw(st.sampled_from([s.sheet for s in layout.narrative_sheets]))
            part, ref = parts[sheet], f"B{draw(st.integers(5, 8))}"
        else:
            part = draw(st.sampled_from(sorted(parts.values())))
            refs = re.findall(rb'<c r="([A-Z]+\d+)"', members[part])
            ref = draw(st.sampled_from(refs)).decode()
        if target == "narrative":
            text = draw(templates)
            new = b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), xml_text(text))
        else:
            new = draw(cell_xml(ref.encode()))
        members[part] = _replace_cell(members[part], ref.encode(), new)
    return format_id, members


def _replace_cell(xml: bytes, ref: bytes, new: bytes) -> bytes:
    for m in CELL.finditer(xml):
        if re.match(rb'<c r="' + ref + rb'"', m.group(0)):
            return xml[:m.start()] + new + xml[m.end():]
    row = int(re.sub(rb"[A-Z]", b"", ref))
    return xml.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (row, new))


@st.composite
def structure_mutations(draw) -> dict[str, bytes]:
    format_id = draw(st.sampled_from(sorted(FORMATS)))
    members = dict(workbook(format_id))
    names = sorted(members)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["rename sheet", "drop sheet", "duplicate sheet", "swap sheets",
                                    "drop row", "duplicate row", "merge", "drop merges",
                                    "drop member", "add member", "garbage member"]))
        wbxml = members.get("xl/workbook.xml", b"")
        sheets = re.findall(rb"<sheet [^>]*/>", wbxml)
        part = draw(st.sampled_from([n for n in names if n.startswith("xl/worksheets/")]))
        rows = re.findall(rb"<row\b[^>]*>.*?</row>", members.get(part, b""), re.S)
        if how == "rename sheet" and sheets:
            old = draw(st.sampled_from(sheets))
            name = b'name="' + xml_text(draw(texts)) + b'"'
            new = re.sub(rb'name="[^"]*"', lambda _, name=name: name, old)  # a \ in the name is text
            members["xl/workbook.xml"] = wbxml.replace(old, new)
        elif how == "drop sheet" and sheets:
            members["xl/workbook.xml"] = wbxml.replace(draw(st.sampled_from(sheets)), b"")
        elif how == "duplicate sheet" and sheets:
            one = draw(st.sampled_from(sheets))
            members["xl/workbook.xml"] = wbxml.replace(one, one + one)
        elif how == "swap sheets" and len(sheets) > 1:
            a, b = draw(st.lists(st.sampled_from(sheets), min_size=2, max_size=2, unique=True))
            members["xl/workbook.xml"] = (wbxml.replace(a, b"\0A").replace(b, a)
                                          .replace(b"\0A", b))
        elif how in ("drop row", "duplicate row") and rows and part in members:
            row = draw(st.sampled_from(rows))
            members[part] = members[part].replace(row, b"" if how == "drop row" else row + row)
        elif how == "merge" and part in members:
            ref = draw(st.sampled_from(["D8:E8", "A1:C3", "D10:D11", "B12:B13", "A1:A1",
                                        "J31:K40", "D8", "A1:XFD1048576", "A1:CV100", "X:Y"]))
            members[part] = members[part].replace(
                b"</mergeCells>", b'<mergeCell ref="' + ref.encode() + b'"/></mergeCells>')
        elif how == "drop merges" and part in members:
            members[part] = re.sub(rb"<mergeCells.*?</mergeCells>", b"", members[part], flags=re.S)
        elif how == "drop member":
            members.pop(draw(st.sampled_from(names)), None)
        elif how == "add member":
            members[draw(st.sampled_from(["xl/sharedStrings.xml", "xl/x.xml", "a/b"]))] = \
                draw(st.binary(max_size=64))
        elif how == "garbage member":
            name = draw(st.sampled_from(names))
            members[name] = draw(st.binary(max_size=200))
    return members


@st.composite
def xml_byte_mutations(draw) -> dict[str, bytes]:
    """Bytes changed inside one part, the zip itself intact."""
    members = dict(workbook(draw(st.sampled_from(sorted(FORMATS)))))
    name = draw(st.sampled_from(sorted(members)))
    data = bytearray(members[name])
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        what = draw(st.sampled_from(["set", "delete", "insert"]))
        byte = draw(st.sampled_from([*b"<>&\"'=/ 0", 0, 0xFF, 0xE4]))
        if what == "set":
            data[at] = byte
        elif what == "delete":
            del data[at]
        else:
            data.insert(at, byte)
    members[name] = bytes(data)
    return members


@st.composite
def zip_byte_mutations(draw) -> bytes:
    data = bytearray(pack(workbook(draw(st.sampled_from(sorted(FORMATS))))))
    how = draw(st.sampled_from(["flip", "truncate", "splice"]))
    if how == "truncate":
        return bytes(data[: draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        if how == "flip":
            data[at] ^= draw(st.integers(1, 255))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


# ---------------------------------------------------------------------------- the runs

COMMANDS = st.sampled_from(["check", "check --json", "build", "export"])


def answer(args: list[str], command: str, source: Path, capsys) -> tuple[int, str]:
    """Run the CLI once; whatever the input, the answer is an exit code 0–2 and Chinese,
    one sentence when refused, and a check names the file as typed, markup or not."""
    capsys.readouterr()
    code = main(args)
    stdout, stderr = capsys.readouterr()
    assert code in (0, 1, 2), (code, stderr)
    assert "Traceback" not in stdout + stderr
    assert "程序内部错误" not in stderr, stderr
    if code == 2:
        # refused (无法处理), or a published report whose tables could not all be read
        assert stderr.startswith(("无法处理:", "无法完成检查:")) and CJK.search(stderr), stderr
        assert stderr.count("\n") == 1, stderr
    elif command == "check --json":
        assert (json.loads(stdout)["errors"] > 0) == (code == 1)
    elif command == "check":
        assert CJK.search(stdout), stdout
        assert f"{source.name}:" in stdout, stdout
    return code, stderr


def run_everything(content: bytes, command: str, capsys, stem: str = "工作簿") -> None:
    """Run one command on ``content``; assert an answer, and nothing harmed or left over."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / f"x{stem}.xlsx"
        source.write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        out = folder / "报告.docx"
        args = {"check": ["check", str(source)], "check --json": ["check", "--json", str(source)],
                "build": [str(source), "-o", str(out)], "export": ["export", str(source)]}[command]
        code, _ = answer(args, command, source, capsys)
        assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
        assert out.exists() == (command == "build" and code == 0)
        assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


JSON_COMMANDS = st.sampled_from(["check", "check --json", "template"])
json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from([*MARKUP, "NaN", "sNaN", "Infinity", "1e999", "2024", "1800", "1.123456789",
                     "-0", "12.5", "", "2021", "2019", "2025-13-01", "{{ 'a' * 999 }}"]))
json_values = st.recursive(json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)


def _slots(node, out: list) -> list:
    """Every (container, key) of a JSON document, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        out.append((node, key))
        _slots(value, out)
    return out


@st.composite
def json_mutations(draw) -> bytes:
    """A valid interchange document with values replaced, removed or added; now and then
    the text itself cut or spliced."""
    data = json.loads(interchange(draw(st.sampled_from(sorted(FORMATS)))))
    for _ in range(draw(st.integers(1, 5))):
        slots = _slots(data, [])
        how = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add", "root"]))
        if how == "root" and draw(st.integers(0, 9)) == 0:
            data = draw(json_values)
            continue
        if not slots:
            break
        node, key = draw(st.sampled_from(slots))
        if how == "remove":
            del node[key]
        elif how == "add" and isinstance(node, dict):
            node[draw(st.sampled_from(["extra", "year", "format", "date", "agency", *MARKUP]))] = \
                draw(json_values)
        elif how == "add":
            node.append(draw(json_values))
        else:
            node[key] = draw(json_values)
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] if draw(st.booleans()) else text[:at] + draw(st.text(max_size=4)) + text[at:]
    return text.encode("utf-8", "surrogatepass")


def run_json(content: bytes, command: str, stem: str, capsys) -> None:
    """``check`` or ``template --data`` on a JSON file: an answer, nothing harmed."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / f"x{stem}.json"
        source.write_bytes(content)
        out = folder / "工作簿.xlsx"
        args = {"check": ["check", str(source)], "check --json": ["check", "--json", str(source)],
                "template": ["template", "--data", str(source), "-o", str(out)]}[command]
        code, stderr = answer(args, command, source, capsys)
        if code != 2 and command == "template":
            assert code == 0 and stderr == f"已生成标准工作簿:{out}\n", stderr
        assert source.read_bytes() == content
        assert out.exists() == (command == "template" and code == 0)
        assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@FUZZ
@given(content=zip_byte_mutations(), command=COMMANDS)
def test_mutated_zip_bytes_never_crash(content, command, capsys):
    run_everything(content, command, capsys)


@FUZZ
@given(members=xml_byte_mutations(), command=COMMANDS)
def test_mutated_xml_bytes_never_crash(members, command, capsys):
    run_everything(pack(members), command, capsys)


@FUZZ
@given(mutated=cell_mutations(), command=COMMANDS, stem=file_names)
def test_mutated_cells_never_crash(mutated, command, stem, capsys):
    run_everything(pack(mutated[1]), command, capsys, stem)


@FUZZ
@given(members=structure_mutations(), command=COMMANDS, stem=file_names)
def test_mutated_structure_never_crash(members, command, stem, capsys):
    run_everything(pack(members), command, capsys, stem)


@FUZZ
@given(content=json_mutations(), command=JSON_COMMANDS, stem=file_names)
def test_mutated_interchange_json_never_crash(content, command, stem, capsys):
    run_json(content, command, stem, capsys)
