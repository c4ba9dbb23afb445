"""The fast Word path (prepared package, lxml only) writes what the python-docx path writes:
the same members, in the same order, with the same bytes apart from the timestamps; and
its cache on disk is used only when it is ours, intact and made from the current code."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from make_report.app.output import edited_reason, save_docx
from make_report.core.model import Entry, Report, zero_values
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers import docx_base
from make_report.writers.docx import build_document
from make_report.writers.docx_base import render_docx
from make_report.writers.xlsx_template import write_workbook


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MAKE_REPORT_CACHE", str(folder))
    docx_base.forget()
    yield folder
    docx_base.forget()


def reports() -> list[Report]:
    long_agency = Report(FORMATS["2021"], "某某自治州某某县某某镇人民政府办公室", 2023,
                         date=dt.date(2024, 1, 4), values=zero_values(FORMATS["2021"]))
    odd = consistent_report(FORMATS["2021"], seed=2, agency="A&B<县>")
    odd.narrative = {"overview": [Entry("(一)主动公开", [
        "  前后有空格  ", "制表\t符", "换行\n和\r\n回车", "收到申请{{ 依申请.本年新收.总计 }}件。",
        "控制\x01字符"])], "problems": [Entry(None, ["问题 & <改进> 措施"])]}
    old = consistent_report(FORMATS["2019"], seed=3, agency="某县人民政府")
    for i, key in enumerate(long_agency.values):
        amount = isinstance(long_agency.values[key], Decimal)
        long_agency.values[key] = Decimal("1681.50") if amount else i
    return [long_agency, odd, old, Report(FORMATS["2021"], "", 2022,
                                          values=zero_values(FORMATS["2021"]))]


def members(path: Path) -> list[tuple]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, i.compress_type, i.external_attr,
                 _untimed(i.filename, zf.read(i))) for i in zf.infolist()]


def _untimed(name: str, blob: bytes) -> bytes:
    if name == "docProps/core.xml":
        return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"(time)", blob)
    return blob


def same(a: docx_base.Base | None, b: docx_base.Base) -> bool:
    """The same package (core.xml's times aside: each report sets its own)."""
    return a is not None and a.styles == b.styles and \
        [(n, _untimed(n, x)) for n, x in a.members] == [(n, _untimed(n, x)) for n, x in b.members]


@pytest.mark.parametrize("index", range(4))
def test_fast_path_writes_the_same_bytes_as_python_docx(index, tmp_path):
    report = reports()[index]
    plain, fast = tmp_path / "plain.docx", tmp_path / "fast.docx"
    save_docx(build_document(report), plain)
    doc = render_docx(report)
    assert isinstance(doc, docx_base.PackagedDocx)  # the fast path was taken
    save_docx(doc, fast)
    assert members(fast) == members(plain)
    assert edited_reason(fast) is None  # its stamp is recognised: --force is not needed


def test_the_cache_on_disk_gives_the_same_package(own_cache):
    built = docx_base.prepared()
    [cached] = own_cache.glob("docx-base-*.bin")
    docx_base.forget()
    assert docx_base.prepared() == built
    assert same(built, docx_base.build())
    assert cached.stat().st_mode & 0o777 == 0o600
    assert own_cache.stat().st_mode & 0o777 == 0o700


def test_a_tampered_cache_is_not_used(own_cache):
    docx_base.prepared()
    [cached] = own_cache.glob("docx-base-*.bin")
    header, _, body = cached.read_bytes().partition(b"\n")
    # the same header (key and hash), other content
    cached.write_bytes(header + b"\n" + body[:-1] + bytes([body[-1] ^ 1]))
    docx_base.forget()
    assert docx_base._load(docx_base.cache_key()) is None
    assert same(docx_base.prepared(), docx_base.build())


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_cache_others_can_write_is_not_used(own_cache):
    docx_base.prepared()
    os.chmod(own_cache, 0o777)
    assert docx_base._load(docx_base.cache_key()) is None
    os.chmod(own_cache, 0o700)
    [cached] = own_cache.glob("docx-base-*.bin")
    os.chmod(cached, 0o666)
    assert docx_base._load(docx_base.cache_key()) is None


def test_the_cache_key_follows_the_style_builders(monkeypatch, tmp_path):
    key = docx_base.cache_key()
    styles = tmp_path / "docx_styles.py"
    styles.write_text((docx_base.HERE / "docx_styles.py").read_text() + "\n# changed\n")
    monkeypatch.setattr(docx_base, "SOURCES", (*docx_base.SOURCES[:1], styles,
                                               *docx_base.SOURCES[2:]))
    assert docx_base.cache_key() != key


def test_without_a_cache_folder_the_report_is_the_same(monkeypatch, tmp_path):
    monkeypatch.setenv("MAKE_REPORT_CACHE", "off")
    report = reports()[1]
    save_docx(render_docx(report), tmp_path / "a.docx")
    save_docx(build_document(report), tmp_path / "b.docx")
    assert members(tmp_path / "a.docx") == members(tmp_path / "b.docx")


def test_too_long_a_title_fails_the_same_way_on_both_paths():
    report = reports()[2]
    report.agency = "县" * 300
    with pytest.raises(ValueError, match="255") as plain:
        build_document(report)
    with pytest.raises(ValueError, match="255") as fast:
        render_docx(report)
    assert str(plain.value) == str(fast.value)


def test_building_a_report_loads_no_python_docx(tmp_path, own_cache):
    report = consistent_report(FORMATS["2021"], seed=4, agency="某镇人民政府")
    write_workbook(report.format, tmp_path / "wb.xlsx", report)
    docx_base.prepared()  # the cache is warm, as after a first run
    code = ("import sys\nfrom make_report.cli.main import main\n"
            f"code = main([{str(tmp_path / 'wb.xlsx')!r}, '-o', {str(tmp_path / 'r.docx')!r}])\n"
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'docx', 'openpyxl', 'pydantic'}))")
    env = {**os.environ, "MAKE_REPORT_CACHE": str(own_cache)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == "0 []"
    assert edited_reason(tmp_path / "r.docx") is None


@pytest.fixture
def frozen_clock(monkeypatch):
    """One instant for the zip's time stamps and the core properties' dates, so whole
    files can be compared byte for byte."""
    import time

    from make_report.writers import docx

    at = dt.datetime(2024, 1, 4, 9, 30, 12)
    properties = docx.core_properties
    monkeypatch.setattr(time, "time", lambda: at.timestamp())
    monkeypatch.setattr(docx, "core_properties",
                        lambda report: {**properties(report), "created": at, "modified": at})


@pytest.mark.parametrize("index", range(4))
def test_the_fast_path_writes_python_docx_s_file_byte_for_byte(index, tmp_path, frozen_clock):
    report = reports()[index]
    plain, fast = tmp_path / "plain.docx", tmp_path / "fast.docx"
    save_docx(build_document(report), plain)
    doc = render_docx(report)
    assert doc.deflated  # the unchanged members were deflated once, with the package
    save_docx(doc, fast)
    assert fast.read_bytes() == plain.read_bytes()


def test_where_the_container_would_differ_zipfile_writes_it(tmp_path, frozen_clock,
                                                            monkeypatch):
    monkeypatch.setattr(docx_base.docx_zip, "matches_zipfile", lambda members: False)
    base = docx_base.prepared()
    assert base is not None and base.deflated == ()
    report = reports()[1]
    save_docx(build_document(report), tmp_path / "plain.docx")
    save_docx(render_docx(report), tmp_path / "fast.docx")
    assert (tmp_path / "fast.docx").read_bytes() == (tmp_path / "plain.docx").read_bytes()


def test_the_container_writer_is_checked_against_zipfile(monkeypatch):
    from make_report.writers import docx_zip

    members = [("a.xml", b"<a/>" * 50), ("word/\u6587.xml", b""), ("b.bin", bytes(range(256)))]
    assert docx_zip.matches_zipfile(members)
    # a container that differs from zipfile's in one byte is told apart
    monkeypatch.setattr(docx_zip, "SYSTEM", 0 if docx_zip.SYSTEM else 3)
    assert not docx_zip.matches_zipfile(members)


def test_a_clock_before_1980_fails_as_zipfile_fails(monkeypatch, tmp_path):
    import time

    with pytest.raises(ValueError) as theirs:
        zipfile.ZipInfo("a.xml", (1975, 5, 1, 0, 0, 0))
    doc = render_docx(reports()[0])
    assert doc.deflated  # the container is ours to write
    monkeypatch.setattr(time, "time", lambda: dt.datetime(1975, 5, 1).timestamp())
    with pytest.raises(ValueError) as ours:
        save_docx(doc, tmp_path / "fast.docx")
    assert str(ours.value) == str(theirs.value)
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]  # nothing half written


def test_a_cached_deflated_member_that_is_not_its_content_is_not_used(own_cache):
    """The cache is ours and intact, yet what it holds must agree with itself: a member
    deflated from other content would put a wrong CRC in every report."""
    import dataclasses

    from make_report.writers.docx_zip import deflate

    base = docx_base.prepared()
    wrong = dataclasses.replace(base, deflated=tuple(
        (name, deflate(b"<other/>") if name == "word/styles.xml" else packed)
        for name, packed in base.deflated))
    docx_base._store(base.key, wrong)
    assert docx_base._load(base.key) is None
    docx_base._store(base.key, base)
    assert docx_base._load(base.key) == base
