"""The official tables' prepared skeletons (writers/docx_skeletons.py): a report laid out
from them is the python-docx path's report byte for byte, whatever its numbers; and a
skeleton kept on disk is used only when it is ours, intact and made from the current code
and format."""

from __future__ import annotations

import dataclasses
import os

import pytest

from make_report.app.output import save_docx
from make_report.core.model import Report
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers import docx_base, docx_skeletons
from make_report.writers.docx import build_document
from make_report.writers.docx_base import DOCUMENT, render_docx
from test_docx_fast import members


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MAKE_REPORT_CACHE", str(folder))
    docx_base.forget()
    docx_skeletons.forget()
    yield folder
    docx_base.forget()
    docx_skeletons.forget()


def both_paths_agree(report: Report, tmp_path) -> None:
    plain, fast = tmp_path / "plain.docx", tmp_path / "fast.docx"
    save_docx(build_document(report), plain)
    save_docx(render_docx(report), fast)
    assert members(fast) == members(plain)


def a_skeleton(table_index: int = 0):
    base = docx_base.prepared()
    table = FORMATS["2021"].tables[table_index]
    return table, base, docx_skeletons.skeleton(table, dict(base.members)[DOCUMENT],
                                                base.styles, base.key)


def table_files(folder):
    return sorted(folder.glob("docx-table-*.bin"))


def test_a_report_from_skeletons_is_the_python_docx_report(tmp_path, own_cache):
    report = consistent_report(FORMATS["2021"], seed=7, agency="某县人民政府")
    both_paths_agree(report, tmp_path)
    assert len(table_files(own_cache)) == len(FORMATS["2021"].tables)
    docx_skeletons.forget()  # now read from the disk
    both_paths_agree(report, tmp_path)


def test_numbers_the_skeleton_cannot_hold_as_they_are_are_written_as_lxml_writes_them(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=8)
    first, second = list(report.values)[:2]
    report.values[first] = "1<2 & 3>"  # never a real count; escaped by the element path
    report.values[second] = ""
    both_paths_agree(report, tmp_path)


def test_a_skeleton_kept_on_disk_is_the_one_made(own_cache):
    _, _, made = a_skeleton()
    assert made is not None and len(made.pieces) == len(made.fields) + 1
    docx_skeletons.forget()
    _, _, loaded = a_skeleton()
    assert loaded == made
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in table_files(own_cache))


def test_a_tampered_skeleton_is_not_used(own_cache, tmp_path):
    table, base, made = a_skeleton()
    key = docx_skeletons.cache_key(table, base.key)
    [cached] = [p for p in table_files(own_cache) if key in p.name]
    header, _, body = cached.read_bytes().partition(b"\n")
    # the same header (key and hash), a number's place moved
    cached.write_bytes(header + b"\n" + body.replace(b"<w:t>", b"<w:t>9", 1))
    assert docx_skeletons._load(key) is None
    docx_skeletons.forget()
    _, _, again = a_skeleton()
    assert again == made  # made afresh
    both_paths_agree(consistent_report(FORMATS["2021"], seed=9), tmp_path)


def test_a_skeleton_whose_header_was_changed_is_not_used(own_cache, tmp_path):
    import json

    table, base, made = a_skeleton()
    key = docx_skeletons.cache_key(table, base.key)
    [cached] = [p for p in table_files(own_cache) if key in p.name]
    line, _, body = cached.read_bytes().partition(b"\n")
    header = json.loads(line)
    told = [k for k in header if k not in ("key", "sha256")]
    assert told  # the header says something about the content (the order of the numbers)
    header[told[0]] = header[told[0]][::-1]  # same key, same content hash, order reversed
    cached.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert docx_skeletons._load(key) is None
    docx_skeletons.forget()
    _, _, again = a_skeleton()
    assert again == made
    both_paths_agree(consistent_report(FORMATS["2021"], seed=10), tmp_path)


def test_a_skeleton_kept_under_another_key_is_not_used(own_cache):
    table, base, _ = a_skeleton(0)
    other, _, _ = a_skeleton(1)
    key, other_key = (docx_skeletons.cache_key(t, base.key) for t in (table, other))
    [cached] = [p for p in table_files(own_cache) if key in p.name]
    # table 二's file under table 三's name: its header's key gives it away
    cached.with_name(f"docx-table-{other_key}.bin").write_bytes(cached.read_bytes())
    assert docx_skeletons._load(other_key) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_skeleton_others_can_write_is_not_used(own_cache):
    table, base, _ = a_skeleton()
    key = docx_skeletons.cache_key(table, base.key)
    [cached] = [p for p in table_files(own_cache) if key in p.name]
    os.chmod(cached, 0o666)
    assert docx_skeletons._load(key) is None


def test_the_key_follows_the_table_the_package_and_the_layout_code(monkeypatch, tmp_path):
    table = FORMATS["2021"].tables[1]
    key = docx_skeletons.cache_key(table, "package")
    relabelled = dataclasses.replace(table, corner=table.corner + "(改)")
    assert docx_skeletons.cache_key(relabelled, "package") != key
    assert docx_skeletons.cache_key(table, "another package") != key
    source = tmp_path / "docx_tables.py"
    source.write_text((docx_skeletons.HERE / "docx_tables.py").read_text() + "\n# changed\n")
    monkeypatch.setattr(docx_skeletons, "SOURCES", (source, *docx_skeletons.SOURCES[1:]))
    monkeypatch.setattr(docx_skeletons, "_SOURCE_DIGEST", [])
    assert docx_skeletons.cache_key(table, "package") != key


def test_skeletons_of_older_code_are_removed(own_cache):
    own_cache.mkdir(mode=0o700)
    old = own_cache / "docx-table-000000000000-0123.bin"
    old.write_bytes(b"")
    a_skeleton()
    assert not old.exists() and table_files(own_cache)


def test_a_changed_table_gets_its_own_skeleton(tmp_path):
    fmt = FORMATS["2021"]
    report = consistent_report(fmt, seed=10)
    both_paths_agree(report, tmp_path)
    table = fmt.tables[1]
    changed = dataclasses.replace(table, corner=table.corner + "(改)")
    report.format = dataclasses.replace(
        fmt, tables=tuple(changed if t is table else t for t in fmt.tables))
    both_paths_agree(report, tmp_path)
    assert "(改)".encode() in render_docx(report).body


def test_without_a_cache_folder_skeletons_are_made_in_memory(monkeypatch, tmp_path):
    monkeypatch.setenv("MAKE_REPORT_CACHE", "off")
    both_paths_agree(consistent_report(FORMATS["2019"], seed=11), tmp_path)
    assert a_skeleton()[2] is not None


def test_a_label_holding_the_skeleton_s_marker_is_built_as_elements(tmp_path):
    fmt = FORMATS["2021"]
    report = consistent_report(fmt, seed=12)
    table = fmt.tables[1]
    marked = dataclasses.replace(table, corner=table.corner + docx_skeletons.MARK)
    report.format = dataclasses.replace(
        fmt, tables=tuple(marked if t is table else t for t in fmt.tables))
    base = docx_base.prepared()
    assert docx_skeletons.build(marked, dict(base.members)[DOCUMENT], base.styles) is None
    both_paths_agree(report, tmp_path)


@pytest.mark.skipif(os.name == "nt", reason="POSIX links")
def test_a_skeleton_reached_through_a_link_is_not_used(own_cache, tmp_path):
    table, base, _ = a_skeleton()
    key = docx_skeletons.cache_key(table, base.key)
    [cached] = [p for p in table_files(own_cache) if key in p.name]
    elsewhere = tmp_path / "elsewhere.bin"
    cached.rename(elsewhere)
    cached.symlink_to(elsewhere)
    assert docx_skeletons._load(key) is None
