"""Importing the reference reports: every number as the report's own tables show it,
and the audit finding exactly what a careful reader finds in them."""

from __future__ import annotations

import functools
import io
import re
import tracemalloc
import zipfile

import pytest

from importer_refs import DATA, expected_cells, load, reference, same
from make_report.checks.validate import validate
from make_report.importer import audit, import_report
from published import UNDECIDABLE as LAYOUT_UNDECIDABLE

# (text, hand-read numbers, agency, year, format)
REFERENCES = [
    ("000_d12fae63e0bd492a.txt", DATA / "ref_000_malugou_2023.json", "马鹿沟镇人民政府", 2023, "2021"),
    ("001_24548c9bc9871823.txt", DATA / "ref_001_qingliu_2019.json", "安岳县清流镇人民政府", 2019, "2019"),
    ("002_a7d1ab90ef2b8173.txt", DATA / "ref_002_xinji_2022.json", "辛集镇", 2022, "2021"),
    ("003_23d160e7ec491542.txt", DATA / "ref_003_ciyin_2023.json", "", 2023, "2021"),
    ("004_1cf59b4176a625ae.txt", DATA / "ref_004_hezuo_2023.json", "合作市", 2023, "2021"),
    ("more/01_huaian_shi_2024.txt", None, "淮安市人民政府", 2024, "2021"),
    ("more/02_hongze_qu_2023.txt", None, "洪泽区人民政府", 2023, "2021"),
    ("more/03_hongze_qu_2024.txt", None, "淮安市洪泽区人民政府", 2024, "2021"),
]
IDS = [name.split("_")[0].removeprefix("more/") for name, *_ in REFERENCES]

UNDECIDABLE = {name: set(cells) for (name, layout), cells in LAYOUT_UNDECIDABLE.items()
               if layout == "as found"}
"""The raw PDF text of 01 scatters table 四 into five pieces; two orders of the litigation
groups satisfy every sum rule and every number the narrative states (13 4 8 1 26 /
12 1 1 6 20), so the importer reads 行政复议 and leaves the ten litigation cells unread,
naming both readings (P6), rather than guess which is which (tests/published.py says why)."""

# What a careful reader finds: (rule, row, column) of the audit's rule findings.
AUDIT = {
    "000_d12fae63e0bd492a.txt": set(),
    "001_24548c9bc9871823.txt": set(),
    "002_a7d1ab90ef2b8173.txt": set(),
    "003_23d160e7ec491542.txt": {("T1", "overview", None)},  # 行政诉讼1条 vs 0
    "004_1cf59b4176a625ae.txt": {
        ("A2", "total_handled", 0), ("A2", "total_handled", 6),  # 6 granted, (七)总计 0
        ("A3", "total_handled", 0), ("A3", "total_handled", 6),
        ("R1", "litigation_direct", 4),  # 0 + _ + 1 + _ = 1, 总计 5
        ("R1", "litigation_after_review", 4),  # 2 + 8 + 0 + 0 = 10, 总计 0
        ("T1", "overview", None),  # 本年度废止1件 vs 本年废止件数 0
    },
    "more/01_huaian_shi_2024.txt": set(),
    "more/02_hongze_qu_2023.txt": {("R1", "review", 4), ("R1", "litigation_after_review", 4)},
    "more/03_hongze_qu_2024.txt": {("T1", "overview", None)},  # 17 applications vs 95
}

# What the import itself must say (rule, severity, words of the message).
IMPORT_NOTES = {
    "000_d12fae63e0bd492a.txt": [("I1", "warning", "2023年1226"), ("I3", "info", "自然人")],
    "001_24548c9bc9871823.txt": [("I3", "info", "六、其他需要报告的事项")],
    "003_23d160e7ec491542.txt": [("I2", "warning", "未找到标题")],
    "004_1cf59b4176a625ae.txt": [
        ("I1", "warning", "未经复议直接起诉·结果纠正 单元格为空白"),
        ("I1", "warning", "未经复议直接起诉·尚未审结 单元格为空白"),
        ("I1", "warning", "多出的数字“1”"), ("I3", "info", "现行有效件数"),
        # 18 cells for 15: without the 3 blanks every group would add up; a person decides
        ("I2", "warning", "9 0 2 0 11 0 1 5 2 8 0 0 0 1 1,各组总计均与各项之和相符"),
    ],
    "more/01_huaian_shi_2024.txt": [
        ("I3", "info", "按官方表格的行序读取"), ("I2", "warning", "顺序错乱"),
        ("P6", "warning", "有 2 种排列都符合各组“总计 = 各项之和”和正文所述“行政复议 351”:"
                          "12 1 1 6 20 13 4 8 1 26 / 13 4 8 1 26 12 1 1 6 20")],
    "more/02_hongze_qu_2023.txt": [("I2", "warning", "(六)其他处理"),
                                   ("I3", "info", "2.其他法律行政止公开")],
    "more/03_hongze_qu_2024.txt": [("I2", "warning", "(六)其他处理"),
                                   ("I3", "info", "2.其他法律行政止公开")],
}


def _expected(name, data_file, fmt):
    path = reference(name)
    data = load(data_file if data_file else path.with_name(path.stem + ".expected.json"))
    return expected_cells(data, fmt)


@pytest.mark.parametrize(("name", "data_file", "agency", "year", "fmt_id"), REFERENCES, ids=IDS)
def test_reference_numbers_match_the_reports_own_tables(name, data_file, agency, year, fmt_id):
    result = import_report(reference(name))
    fmt = result.report.format
    undecidable = UNDECIDABLE.get(name, set())
    wrong = []
    for key, want in _expected(name, data_file, fmt).items():
        got = result.report.values.get(key, result.extra.get(key))
        if key in undecidable:
            assert key in result.uncertain and got is None
        elif want is None:
            assert key in result.unread and key not in result.report.values, key
        elif not same(want, got):
            wrong.append((key, want, got))
    assert wrong == []
    assert not set(result.unread) - {k for k, v in _expected(name, data_file, fmt).items()
                                     if v is None} - undecidable


@pytest.mark.parametrize(("name", "data_file", "agency", "year", "fmt_id"), REFERENCES, ids=IDS)
def test_reference_title_year_and_format(name, data_file, agency, year, fmt_id):
    report = import_report(reference(name)).report
    assert (report.agency, report.year, report.format.id) == (agency, year, fmt_id)


@pytest.mark.parametrize("name", list(AUDIT), ids=IDS)
def test_audit_finds_what_a_careful_reader_finds(name):
    result = import_report(reference(name))
    found = {(f.rule, f.row, f.column) for f in audit(result) if f.rule[0] in "ANRT"}
    assert found == AUDIT[name]
    if name not in UNDECIDABLE:  # nothing left unknown: plain validate says the same
        assert {(f.rule, f.row, f.column) for f in validate(result.report)
                if f.rule[0] in "ANRT"} == AUDIT[name]


@pytest.mark.parametrize("name", list(IMPORT_NOTES), ids=lambda n: n.split("_")[0])
def test_import_reports_what_it_could_not_read_or_what_drifted(name):
    findings = import_report(reference(name)).findings
    for rule, severity, words in IMPORT_NOTES[name]:
        assert any(f.rule == rule and f.severity == severity and words in f.message
                   for f in findings), (rule, words, [f.message for f in findings])


def test_blank_litigation_cells_of_004_stay_unread_not_zero():
    result = import_report(reference("004_1cf59b4176a625ae.txt"))
    blank = ["review_litigation.litigation_direct.1", "review_litigation.litigation_direct.3"]
    assert result.blank == blank and result.unread == blank
    assert not set(blank) & set(result.report.values)
    assert result.labels[blank[0]] == "未经复议直接起诉·结果纠正"


def test_single_other_row_of_a_2021_report_is_kept_apart_and_checked():
    result = import_report(reference("more/02_hongze_qu_2023.txt"))
    assert result.variant == "2019"
    assert result.extra == {f"applications.other_processing.{c}": 0 for c in range(7)}
    assert {f"applications.other_other.{c}" for c in range(7)} <= set(result.uncertain)


def test_mangled_date_is_left_empty():
    assert import_report(reference("000_d12fae63e0bd492a.txt")).report.date is None


def test_narrative_sections_keep_their_headings_and_paragraphs():
    report = import_report(reference("004_1cf59b4176a625ae.txt")).report
    headings = [e.heading for e in report.narrative["overview"]]
    assert headings == [None, "(一)主动公开情况", "(二)依申请公开情况", "(三)政府信息管理情况",
                        "(四)政府信息平台建设情况", "(五)监督保障情况"]
    assert report.narrative["overview"][2].paragraphs[0].startswith("2023年全年共收到")
    assert report.narrative["other"][0].paragraphs[0].startswith("按照《国务院办公厅")
    assert "关闭窗口" not in str(report.narrative)


def test_own_section_order_of_001_maps_its_practices_into_the_overview():
    report = import_report(reference("001_24548c9bc9871823.txt")).report
    assert [e.heading for e in report.narrative["overview"]][1:] == [
        "(一)强化组织领导,责任落实到位", "(二)充实信息内容,及时发布到位",
        "(三)创新公开形式,提高宣传力度"]
    assert report.lead.startswith("2019年,清流镇政府信息公开工作")
    assert "网站标识码" not in str(report.narrative)


def test_pdf_text_paragraphs_are_joined_across_lines_and_pages():
    report = import_report(reference("more/01_huaian_shi_2024.txt")).report
    overview = report.narrative["overview"]
    assert overview[1].heading == "(一)主动公开情况"
    assert len(overview[1].paragraphs) == 1 and "-1-" not in overview[1].paragraphs[0]
    assert "努力传递政府声音" in overview[1].paragraphs[0]
    assert report.lead.startswith("本报告由淮安市人民政府办公室")


# ------------------------------------------------------------------ unusable published reports

SAVE_AS_DOCX = "请在 Word 或 WPS 中打开,另存为“Word 文档(*.docx)”后再试。"
DAMAGED = f"报告.docx:文件已损坏或不是有效的 Word 文档,无法读取。{SAVE_AS_DOCX}"
BROKEN_ZIP = f"报告.docx:文件已损坏(可能下载或复制不完整),无法打开。{SAVE_AS_DOCX}"
HOSTILE = "Word 和 WPS 保存的文档不会有这种内容,可能是恶意构造的文件,已拒绝读取。"
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY l0 "lol">'
          + b"".join(b'<!ENTITY l%d "%s">' % (i + 1, b"&l%d;" % i * 10) for i in range(9)) + b"]>")


@functools.cache
def docx_members() -> dict[str, bytes]:
    import docx

    document = docx.Document()
    document.add_paragraph("某县人民政府2024年政府信息公开工作年度报告")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def docx_bytes(change=lambda members: members, method=zipfile.ZIP_DEFLATED) -> bytes:
    members = change(dict(docx_members()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def edit(part: str, how) -> bytes:
    return docx_bytes(lambda m: {**m, part: how(m[part])})


def without(part: str) -> bytes:
    return docx_bytes(lambda m: {k: v for k, v in m.items() if k != part})


def garbled_stream() -> bytes:
    """A zip whose headers are fine but whose document.xml stream is not deflate data."""
    data = bytearray(docx_bytes())
    start = data.index(b"word/document.xml") + len(b"word/document.xml")
    for i in range(start + 10, start + 60):
        data[i] ^= 0x5A
    return bytes(data)


def bomb() -> bytes:
    """document.xml says it unpacks to 300 MB."""
    data = docx_bytes(lambda m: {**m, "word/document.xml": b"<w/>" + b" " * (300 << 20)})
    return data


UNUSABLE = [
    ("broken XML", "报告.docx", edit("word/document.xml", lambda d: d[: len(d) // 2]),
     f"报告.docx:部件 word/document.xml 不是完整有效的 XML,文件已损坏,无法读取。{SAVE_AS_DOCX}"),
    ("no document part", "报告.docx", without("word/document.xml"),
     f"报告.docx:压缩包中没有 Word 文档内容,不是有效的 .docx 文件。{SAVE_AS_DOCX}"),
    ("no content types", "报告.docx", without("[Content_Types].xml"), DAMAGED),
    ("relationship to a missing part", "报告.docx",
     edit("_rels/.rels", lambda d: d.replace(b"word/document.xml", b"word/nothere.xml")), DAMAGED),
    ("document without a body", "报告.docx",
     edit("word/document.xml", lambda d: re.sub(rb"<w:body>.*</w:body>", b"", d, flags=re.S)), DAMAGED),
    ("garbled deflate stream", "报告.docx", garbled_stream(), BROKEN_ZIP),
    ("truncated zip", "报告.docx", docx_bytes()[:3000], BROKEN_ZIP),
    ("entity expansion", "报告.docx", edit("word/document.xml", lambda d: LAUGHS + d),
     f"报告.docx:部件 word/document.xml 含有 XML 文档类型定义(DOCTYPE 或 ENTITY),{HOSTILE}"),
    ("zip bomb", "报告.docx", bomb,  # built when the test runs, not at collection
     "报告.docx:文件解压后过大(300 MB),可能是恶意构造的压缩文件,已拒绝读取。"),
    ("too many members", "报告.docx",
     docx_bytes(lambda m: {**m, **{f"word/media/{i}.bin": b"" for i in range(1000)}}),
     f"报告.docx:压缩包中的文件过多({len(docx_members()) + 1000} 个),不是正常的 Word 文档,已拒绝读取。"),
    ("a workbook named .docx", "报告.docx",
     docx_bytes(lambda m: {"xl/workbook.xml": b"<workbook/>"}),
     "报告.docx:这是 Excel 工作簿,不是 Word 文档。工作簿的文件名应以 .xlsx 结尾。"),
    ("a .doc named .docx", "报告.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
     f"报告.docx:这是 Word 97-2003 文档(.doc)格式,本工具只读取 .docx。{SAVE_AS_DOCX}"),
    ("an encrypted document", "报告.docx",
     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le"),
     "报告.docx:文档设置了打开密码,无法读取。请在 Word 或 WPS 中取消密码后再试。"),
    ("random bytes", "报告.docx", bytes(range(256)),
     f"报告.docx:不是有效的 Word 文档(.docx),无法读取。{SAVE_AS_DOCX}"),
    ("an empty document", "报告.docx", b"", "报告.docx:文件是空的(0 字节),可能未保存完整。"),
    ("an empty page", "报告.html", b"", "报告.html:文件是空的(0 字节),可能未保存完整。"),
    ("an empty text", "报告.txt", b"", "报告.txt:文件是空的(0 字节),可能未保存完整。"),
    ("a page declaring entities", "报告.html",
     LAUGHS + "<html><body><p>&l9;某县2024年政府信息公开工作年度报告</p></body></html>".encode(),
     "报告.html:网页中含有 XML 实体定义(ENTITY),正常的网页不会有这种内容,可能是恶意构造的文件,已拒绝读取。"),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), UNUSABLE, ids=[c[0] for c in UNUSABLE])
@pytest.mark.parametrize("command", ["check", "import"])
def test_an_unusable_report_is_one_chinese_sentence(tmp_path, capsys, case, name, content, message,
                                                    command):
    from make_report.cli.main import main

    source = tmp_path / name
    content = content() if callable(content) else content
    source.write_bytes(content)
    argv = (["check", str(source)] if command == "check"
            else ["import", str(source), "-o", str(tmp_path / "工作簿.xlsx")])
    capsys.readouterr()
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"无法处理:{message}\n")
    assert not re.search(r"\((?:[A-Z][a-z]+)+(?:Error|Exception)?\)", err)  # no (ValueError)
    assert source.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("suffix", [".docx", ".html", ".txt"])
def test_a_report_larger_than_any_report_is_refused_unread(tmp_path, suffix):
    from make_report.core.errors import InputError

    source = tmp_path / f"报告{suffix}"
    with source.open("wb") as fh:  # sparse: 60 MB on paper, nothing read
        fh.truncate(60 << 20)
    with pytest.raises(InputError) as caught:
        import_report(source)
    assert caught.value.message == f"报告{suffix}:文件过大(60 MB),年度报告通常不到 10 MB。"


def test_a_zip_bomb_is_refused_in_little_memory(tmp_path):
    from make_report.core.errors import InputError

    source = tmp_path / "报告.docx"
    source.write_bytes(bomb())
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="解压后过大"):
            import_report(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20
