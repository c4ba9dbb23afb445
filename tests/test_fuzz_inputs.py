"""Fuzzing the other inputs: narrative template files (--templates), the style source
(--reference-docx), and published reports to import (.docx, .html). Whatever the bytes,
every run ends in exit 0, 1 or 2 with Chinese, never a traceback or 程序内部错误, and
leaves its inputs alone. MAKE_REPORT_FUZZ_EXAMPLES / 4 sets the examples per test."""

from __future__ import annotations

import functools
import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_report import api
from test_bad_inputs import valid_bytes
from test_fuzz import EXAMPLES, FUZZ, answer, templates

FEW = settings(FUZZ, max_examples=max(10, EXAMPLES // 4),
               suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.too_slow])
"""Each run builds a report: a quarter of the examples of the workbook fuzzing."""


@functools.cache
def published() -> dict[str, bytes]:
    """A report as this tool publishes it: the .docx and the .html."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "工作簿.xlsx"
        source.write_bytes(valid_bytes())
        api.build(source, Path(folder) / "报告.docx", html=True)
        return {s: (Path(folder) / f"报告{s}").read_bytes() for s in (".docx", ".html")}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def pack(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def mutate(draw, data: bytes, bytes_from: list[int]) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        what = draw(st.sampled_from(["set", "delete", "insert", "cut"]))
        byte = draw(st.sampled_from(bytes_from))
        if what == "set":
            out[at] = byte
        elif what == "delete":
            del out[at]
        elif what == "insert":
            out.insert(at, byte)
        else:
            del out[at:]
    return bytes(out)


XML_BYTES = [*b"<>&\"'=/ 0!", 0, 0xFF, 0xE4, 0xFE]


@st.composite
def docx_mutations(draw) -> bytes:
    """The published .docx with bytes changed in one part, or in the zip itself, or with
    a DTD, a foreign encoding or a huge part put in."""
    parts = members(published()[".docx"])
    how = draw(st.sampled_from(["part", "part", "zip", "prolog"]))
    if how == "zip":
        return mutate(draw, pack(parts), list(range(256)))
    name = draw(st.sampled_from(sorted(parts)))
    if how == "prolog":
        prolog = draw(st.sampled_from([
            b'<?xml version="1.0" encoding="GB18030"?>', b'<?xml version="1.0" encoding="UTF-16"?>',
            b'<!DOCTYPE x [<!ENTITY e "x">]>', b"\xfe\xff", b"\x00", b""]))
        parts[name] = prolog + parts[name].split(b"?>", 1)[-1]
    else:
        parts[name] = mutate(draw, parts[name], XML_BYTES)
    return pack(parts)


@st.composite
def html_mutations(draw) -> bytes:
    data = published()[".html"]
    if draw(st.integers(0, 4)) == 0:
        data = draw(st.sampled_from([b"\xff\xfe", b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"<?xml?>",
                                     "<p>".encode("gb18030") * 3])) + data
    return mutate(draw, data, [*XML_BYTES, *"年。<".encode()])


def run(args_of, name: str, content: bytes, capsys, command: str = "build") -> int:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "工作簿.xlsx"
        source.write_bytes(valid_bytes())
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        code, _ = answer([str(a) for a in args_of(folder, source, target)], command, target, capsys)
        assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
        assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
        return code


@FEW
@given(text=st.one_of(templates, st.binary(max_size=40).map(lambda b: b.decode("latin-1"))),
       encoding=st.sampled_from(["utf-8", "gbk", "utf-16", "utf-8-sig"]))
def test_mutated_template_files_never_crash(text, encoding, capsys):
    content = text.encode(encoding, "replace")
    run(lambda folder, source, target: [source, "-o", folder / "报告.docx", "--html",
                                        "--templates", folder / "模板"],
        "模板/narrative/applications_summary.j2", content, capsys)


@FEW
@given(content=docx_mutations())
def test_mutated_reference_docx_never_crashes(content, capsys):
    run(lambda folder, source, target: [source, "-o", folder / "报告.docx",
                                        "--reference-docx", target], "样式.docx", content, capsys)


@FEW
@given(content=docx_mutations(), command=st.sampled_from(["check", "import"]))
def test_mutated_published_docx_never_crashes(content, command, capsys):
    run(lambda folder, source, target: ["check", target] if command == "check"
        else ["import", target, "-o", folder / "新.xlsx"], "报告.docx", content, capsys, command)


@FEW
@given(content=html_mutations(), command=st.sampled_from(["check", "import"]))
def test_mutated_published_html_never_crashes(content, command, capsys):
    run(lambda folder, source, target: ["check", target] if command == "check"
        else ["import", target, "-o", folder / "新.xlsx"], "报告.html", content, capsys, command)


@functools.cache
def published_pdf() -> bytes:
    """A report as this tool publishes it as PDF (through LibreOffice)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "工作簿.xlsx"
        source.write_bytes(valid_bytes())
        api.build(source, Path(folder) / "报告.docx", pdf=True)
        return (Path(folder) / "报告.pdf").read_bytes()


PDF_BYTES = [*b"<>/()[]0 \nR", 0, 0xFF]


@st.composite
def pdf_mutations(draw) -> bytes:
    """The published PDF with bytes changed: in its objects, its streams, its tail."""
    data = published_pdf()
    if draw(st.integers(0, 5)) == 0:
        return data[: draw(st.integers(0, len(data)))]
    return mutate(draw, data, PDF_BYTES)


def test_mutated_published_pdf_never_crashes(capsys):
    from conftest import require_soffice

    require_soffice()
    published_pdf()  # once, outside the examples

    @FEW
    @given(content=pdf_mutations(), command=st.sampled_from(["check", "import"]))
    def examples(content, command):
        run(lambda folder, source, target: ["check", target] if command == "check"
            else ["import", target, "-o", folder / "新.xlsx"], "报告.pdf", content, capsys,
            command)

    examples()
