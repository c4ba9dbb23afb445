"""The workbook reader's own parts, each on its own: the formula evaluator, the XML guard
(``xmlscan``) and the fast sheet parser (``sheetxml``), with openpyxl as the oracle."""

from __future__ import annotations

import datetime as dt
import io
import string
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_report.readers import formula, sheetxml, xmlscan
from make_report.readers.formula import FormulaError, TooComplex, Unsupported, evaluate, expand

# ------------------------------------------------------------------ formula.py

CELLS = {"A1": Decimal(1), "A2": Decimal(2), "B1": Decimal(10), "B2": Decimal("0.5")}


def value(text: str) -> Decimal:
    return evaluate(text, lambda ref: CELLS.get(ref, Decimal(0)))


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+2", 3), ("=7-2-1", 4), ("=2+3*4", 14), ("=(2+3)*4", 20), ("=9/3/3", 1),
    ("=-2", -2), ("=--2", 2), ("=+-2", -2), ("=-(1+1)", -2), ("= 1 + 2 ", 3),
    ("=A1+A2", 3), ("=$A$1+A$2", 3), ("=a1+b1", 11), ("=B2*4", 2),
    ("=SUM(A1:B2)", Decimal("13.5")), ("=sum(A1,A2,3)", 6), ("=SUM(A1:A2,B1)", 13),
    ("=SUM(B2:A1)", Decimal("13.5")), ("=SUM(SUM(A1:A2),1)", 4), ("=C9", 0),
    ("=1/3*3", 1), ("=0.1+0.2", Decimal("0.3")),
])
def test_each_formula_form(text, expected):
    assert value(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["=#REF!+1", "=A1/0", "=1/(A1-A1)", "=#DIV/0!", "=#N/A"])
def test_excel_errors_are_formula_errors(text):
    with pytest.raises(FormulaError):
        value(text)


@pytest.mark.parametrize("text", ["=AVERAGE(A1:A2)", "=A1&A2", "=1+", "=(1+2", "=SUM(A1:A2",
                                  "=1 2", "=Sheet2!A1", "=IF(A1,1,2)", "=A1:A2"])
def test_what_it_does_not_handle_is_unsupported(text):
    with pytest.raises(Unsupported):
        value(text)


def test_limits_nesting_range_and_length():
    deep = "=" + "(" * (formula.MAX_NESTING + 1) + "1" + ")" * (formula.MAX_NESTING + 1)
    with pytest.raises(Unsupported):
        value(deep)
    assert value("=" + "(" * 10 + "1" + ")" * 10) == 1
    with pytest.raises(Unsupported):
        expand("A1:CV101")  # 100 x 101 cells > MAX_RANGE
    assert len(expand("A1:CV100")) == formula.MAX_RANGE
    with pytest.raises(Unsupported):
        value("=" + "+".join(["1"] * (formula.MAX_FORMULA // 2 + 1)))
    assert issubclass(TooComplex, Unsupported)


def test_a_result_beyond_decimal_is_num_error():
    with pytest.raises(FormulaError, match="#NUM!"):
        evaluate("=A1*A1*A1", lambda ref: Decimal("1e400000000"))


def test_expand_lists_a_range_row_by_row():
    assert expand("B2:A1") == ["A1", "B1", "A2", "B2"] == expand("A1:B2")
    assert expand("C3") == ["C3"]


# ------------------------------------------------------------------ hand-made packages

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="{target}" Type="worksheet"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def package(sheet: str, *, strings: str | None = None, styles: str | None = None,
            target: str = "worksheets/sheet1.xml", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx: one sheet called 表一 with ``sheet`` as its sheetData and merges."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(target=target))
        zf.writestr("xl/worksheets/sheet1.xml", f"<worksheet {NS}>{sheet}</worksheet>")
        if strings is not None:
            zf.writestr("xl/sharedStrings.xml", f"<sst {NS}>{strings}</sst>")
        if styles is not None:
            zf.writestr("xl/styles.xml", f"<styleSheet {NS}>{styles}</styleSheet>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def rows(*cells: str) -> str:
    return "<sheetData><row r=\"1\">" + "".join(cells) + "</row></sheetData>"


def opened(tmp_path: Path, data: bytes) -> sheetxml.Workbook:
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    return sheetxml.Workbook(path)


def scan(data: bytes, **kw) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xmlscan.scan_parts(zf, **kw)


# ------------------------------------------------------------------ xmlscan.py

def test_a_plain_workbook_passes_the_scan():
    scan(package(rows('<c r="A1"><v>1</v></c>')))


@pytest.mark.parametrize("head", ['<!DOCTYPE x [<!ENTITY a "b">]>', '<!DOCTYPE worksheet>'])
def test_a_document_type_definition_is_refused(head):
    data = package("", extra={"xl/worksheets/sheet2.xml": f"{head}<worksheet {NS}/>".encode()})
    with pytest.raises(xmlscan.Refused) as caught:
        scan(data)
    assert caught.value.kind == "doctype"


def test_a_sheet_past_the_row_or_column_limit_is_refused_by_name():
    far = f"<sheetData><row r=\"{xmlscan.MAX_ROWS + 1}\"><c r=\"A{xmlscan.MAX_ROWS + 1}\"/></row></sheetData>"
    with pytest.raises(xmlscan.Refused) as caught:
        scan(package(far))
    assert (caught.value.kind, caught.value.sheet) == ("range", "表一")
    wide = rows(f'<c r="{xmlscan._letters(xmlscan.MAX_COLS + 1)}1"/>')
    with pytest.raises(xmlscan.Refused, match="range"):
        scan(package(wide))


def test_too_many_cells_or_a_huge_merge_is_refused(monkeypatch):
    monkeypatch.setattr(xmlscan, "MAX_CELLS", 5)
    scan(package(rows(*(f'<c r="{c}1"/>' for c in "ABCDE"))))
    with pytest.raises(xmlscan.Refused) as caught:
        scan(package(rows(*(f'<c r="{c}1"/>' for c in "ABCDEF"))))
    assert caught.value.kind == "cells"
    with pytest.raises(xmlscan.Refused) as caught:
        scan(package('<mergeCells><mergeCell ref="A1:C2"/></mergeCells>'))
    assert caught.value.kind == "merge"


def test_cells_without_addresses_are_counted_in_order():
    """<c> without r= follows the previous cell, as Excel reads it."""
    wide = "<sheetData><row>" + "<c/>" * (xmlscan.MAX_COLS + 1) + "</row></sheetData>"
    with pytest.raises(xmlscan.Refused, match="range"):
        scan(package(wide))


def test_the_element_limit_and_broken_xml():
    with pytest.raises(xmlscan.Refused) as caught:
        scan(package(rows(*('<c r="A1"/>',) * 20)), max_elements=10)
    assert caught.value.kind == "elements"
    broken = _with_sheet("<worksheet><oops></worksheet>")
    with pytest.raises(xmlscan.Refused, match="broken"):
        scan(broken)


def test_an_encoding_the_parsers_could_read_differently_is_refused():
    part = f'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet {NS}/>'.encode()
    with pytest.raises(xmlscan.Refused) as caught:
        scan(package("", extra={"xl/styles.xml": part}))
    assert caught.value.kind == "encoding"


def test_binary_parts_are_not_parsed():
    scan(package("", extra={"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(100)}))


# ------------------------------------------------------------------ sheetxml.py

def test_each_kind_of_cell(tmp_path):
    wb = opened(tmp_path, package(
        rows('<c r="A1"><v>42</v></c>',
             '<c r="B1"><v>8521.879999999999</v></c>',
             '<c r="C1"><v>2.00000000000000001</v></c>',
             '<c r="D1"><v>1234567890123456789012</v></c>',
             '<c r="E1" t="s"><v>0</v></c>',
             '<c r="F1" t="inlineStr"><is><t>内联</t></is></c>',
             '<c r="G1" t="b"><v>1</v></c>',
             '<c r="H1" t="e"><v>#REF!</v></c>',
             '<c r="I1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>',
             '<c r="J1"><f>SUM(A1:B1)</f><v>8563.88</v></c>',
             '<c r="K1"><f t="shared" si="0"/><v>3</v></c>',
             '<c r="L1" t="d"><v>2024-01-02T00:00:00</v></c>',
             '<c r="M1" s="1"/>'),
        strings="<si><t>共</t><r><t>享</t></r><rPh><t>きょう</t></rPh></si>"))
    ws = wb["表一"]
    got = {f"{c}1": (ws[f"{c}1"].value, ws[f"{c}1"].data_type) for c in "ABCDEFGHIJKLM"}
    assert got == {
        "A1": (42, "n"), "B1": (Decimal("8521.88"), "n"),
        "C1": (Decimal("2.00000000000000001"), "n"),
        "D1": (Decimal("1234567890123456789012"), "n"),
        "E1": ("共享", "s"), "F1": ("内联", "s"), "G1": (True, "b"), "H1": ("#REF!", "e"),
        "I1": ('="a"&"b"', "f"), "J1": ("=SUM(A1:B1)", "f"), "K1": ("=<shared>", "f"),
        "L1": (dt.datetime(2024, 1, 2), "d"), "M1": (None, "n"),
    }
    assert (ws["J1"].cached, ws["I1"].cached) == (Decimal("8563.88"), "ab")
    assert ws.cell(1, 1).value == 42 and ws.max_row == 1


def test_number_formats_make_dates_and_are_reported(tmp_path):
    styles = ('<numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
              '<numFmt numFmtId="165" formatCode="0.00&quot;万元&quot;"/></numFmts>'
              '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
              '<xf numFmtId="165"/><xf numFmtId="2"/></cellXfs>')
    wb = opened(tmp_path, package(rows('<c r="A1" s="1"><v>45292</v></c>',
                                       '<c r="B1" s="2"><v>45292.5</v></c>',
                                       '<c r="C1" s="3"><v>12.5</v></c>',
                                       '<c r="D1" s="4"><v>7</v></c>'), styles=styles))
    ws = wb["表一"]
    assert ws["A1"].value == dt.datetime(2024, 1, 1) and ws["A1"].data_type == "d"
    assert ws["B1"].value == dt.datetime(2024, 1, 1, 12)
    assert (ws["C1"].value, ws["C1"].number_format) == (Decimal("12.5"), '0.00"万元"')
    assert (ws["D1"].value, ws["D1"].number_format) == (7, "0.00")


def test_merges_and_an_absolute_sheet_target(tmp_path):
    data = package(rows('<c r="A1"><v>1</v></c>')
                   + '<mergeCells><mergeCell ref="A1:B2"/></mergeCells>',
                   target="/xl/worksheets/sheet1.xml")
    ws = opened(tmp_path, data)["表一"]
    [merge] = ws.merged_cells.ranges
    assert (merge.min_col, merge.min_row, merge.max_col, merge.max_row, str(merge)) == \
        (1, 1, 2, 2, "A1:B2")
    assert ws.coordinates(merge) == ["A1", "B1", "A2", "B2"]
    assert ws["Z9"] is sheetxml.EMPTY


def test_entities_are_never_expanded(tmp_path):
    """The reader reads through the guard: a DTD is refused before any cell is read."""
    sheet = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY big "BIG">]>'
             f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&big;</t>'
             '</is></c></row></sheetData></worksheet>')
    with pytest.raises(xmlscan.Refused) as caught:
        opened(tmp_path, _with_sheet(sheet))
    assert (caught.value.kind, caught.value.sheet) == ("doctype", "表一")


def _with_sheet(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(target="worksheets/sheet1.xml"))
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return buf.getvalue()


# ------------------------------------------------------------------ openpyxl as the oracle

TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,;:!?()[]{}+-*/%'\"#&<>"
               + "收到申请件数机关名称总计无—、·", min_size=1, max_size=20)
VALUES = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    # doubles a report could hold (subnormals below 1e-300 are written with more digits
    # than they keep, which sheetxml keeps as written: out of scope for a report)
    st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: f == 0 or 1e-300 < abs(f) < 1e300),
    st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False),
    TEXT.filter(lambda s: not s.startswith("=")),
    st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["=SUM(A1:B2)", "=A1+B1*2", "=1/3"]),
)
ADDRESSES = st.tuples(st.integers(1, 30), st.integers(1, 12))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.dictionaries(ADDRESSES, VALUES, min_size=1, max_size=25),
       merges=st.lists(st.tuples(ADDRESSES, st.integers(0, 2), st.integers(0, 2)), max_size=3))
def test_both_readers_see_what_openpyxl_wrote(tmp_path, cells, merges):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表"
    for (row, col), v in cells.items():
        ws.cell(row, col, v)
    for (row, col), down, right in merges:
        if down or right:
            try:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + down,
                               end_column=col + right)
            except ValueError:
                pass
    path = tmp_path / "oracle.xlsx"
    book.save(path)
    oracle = openpyxl.load_workbook(path)["表"]
    ours = sheetxml.Workbook(path)["表"]
    with zipfile.ZipFile(path) as zf:
        xmlscan.scan_parts(zf)  # what openpyxl writes always passes the guard
    for row in oracle.iter_rows():
        for cell in row:
            assert _same(ours[cell.coordinate].value, cell.value), cell.coordinate
    assert sorted(str(m) for m in ours.merged_cells.ranges) == \
        sorted(str(m) for m in oracle.merged_cells.ranges)


def _same(ours: object, theirs: object) -> bool:
    if isinstance(theirs, float):
        return isinstance(ours, int | Decimal) and Decimal(repr(theirs)) == Decimal(ours)
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return ours is theirs
    if isinstance(theirs, int):
        return ours == theirs and type(ours) is int
    return ours == theirs


# ------------------------------------------------------------------ one pass: guard and reader

def test_a_compiled_formula_keeps_no_values_and_looks_up_every_time():
    """A formula's program is shared by every workbook; its values never are."""
    text = "=SUM(A1:B1)+A2*2-SUM(A1,B2)"
    for cells in ({"A1": 1, "B1": 2, "A2": 3, "B2": 4}, {"A1": 10, "B1": 0, "A2": 0, "B2": 1}):
        seen: list[str] = []

        def lookup(ref: str, cells=cells, seen=seen) -> Decimal:
            seen.append(ref)
            return Decimal(cells[ref])

        expected = cells["A1"] + cells["B1"] + cells["A2"] * 2 - cells["A1"] - cells["B2"]
        assert evaluate(text, lookup) == expected
        assert seen == ["A1", "B1", "A2", "A1", "B2"]  # each reference, in order, each time
    assert formula.compiled(text) is formula.compiled(text)


def test_a_compiled_formula_fails_where_the_formula_does():
    """What a look-up raises before the formula stops making sense comes first, as when
    the formula was evaluated while parsed; a division by zero is found on the values."""
    def cycle(ref: str) -> Decimal:
        raise FormulaError("循环引用")

    for _ in range(2):  # compiled once, then from the cache
        with pytest.raises(FormulaError, match="循环引用"):
            evaluate("=A1+(", cycle)
        with pytest.raises(Unsupported):
            evaluate("=1+(", cycle)
        assert value("=A1/B1") == Decimal("0.1")
        with pytest.raises(FormulaError, match="#DIV/0!"):
            evaluate("=A1/B1", lambda ref: Decimal(ref == "A1"))


def test_the_reader_reads_what_the_guard_read(tmp_path):
    """One expat pass: a cell's value is the text of its <v> up to any child (a comment
    or an instruction ends it, as lxml read it), a shared string joins the text around a
    comment, and a cell whose only child is a comment is a cell (with its format)."""
    styles = '<cellXfs><xf numFmtId="0"/><xf numFmtId="2"/></cellXfs>'
    wb = opened(tmp_path, package(
        rows('<c r="A1"><v>1<!--x-->2</v></c>', '<c r="B1"><v>3<?pi x?>4</v></c>',
             '<c r="C1" t="s"><v>0</v></c>', '<c r="D1" s="1"><!--note--></c>',
             '<c r="E1" s="1"></c>', '<c r="F1"><v><![CDATA[5]]>6</v></c>',
             '<c r="G1" t="inlineStr"><is><t>甲</t><r><t>乙</t></r>'
             '<rPh><t>へい</t></rPh></is></c>'),
        strings="<si><t>共<!--x-->享</t></si>", styles=styles))
    ws = wb["表一"]
    assert [ws[f"{c}1"].value for c in "ABCDFG"] == [1, 3, "共享", None, 56, "甲乙"]
    assert ws["D1"].number_format == "0.00" and ws["E1"] is sheetxml.EMPTY


def test_a_part_nested_deeper_than_any_workbook_is_unreadable(tmp_path):
    deep = "<x>" * xmlscan.MAX_DEPTH + "</x>" * xmlscan.MAX_DEPTH
    wb = opened(tmp_path, package(rows(f'<c r="A1"><v>1</v>{deep}</c>')))
    with pytest.raises(sheetxml.Unreadable):
        wb["表一"]
    shallow = "<x>" * 200 + "</x>" * 200
    assert opened(tmp_path, package(rows(f'<c r="A1"><v>1</v>{shallow}</c>')))["表一"]["A1"].value == 1


def test_a_part_named_as_a_sheet_is_checked_whatever_its_name(tmp_path):
    """The reader reads the sheets the workbook names; each is checked as XML (its
    encoding too) even when neither its name nor the relationships' root says XML."""
    rels = RELS.format(target="worksheets/sheet1.bin").replace("Relationships", "Links")
    part = f'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet {NS}/>'.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.bin", part)
    with pytest.raises(xmlscan.Refused) as caught:
        scan(buf.getvalue(), collect=True)
    assert caught.value.kind == "encoding"
    scan(buf.getvalue())  # the guard alone (a Word document's) does not read workbooks


def test_a_part_named_as_a_sheet_is_held_to_a_sheet_s_limits_whatever_its_root():
    """The reader collects the cells of every part the workbook names as a sheet, so the
    row, column and cell limits hold there even when its root is not <worksheet>."""
    far = (f'<foo {NS}><sheetData><row r="{xmlscan.MAX_ROWS + 1}">'
           f'<c r="A{xmlscan.MAX_ROWS + 1}"><v>1</v></c></row></sheetData></foo>')
    data = package("", target="worksheets/odd.xml", extra={"xl/worksheets/odd.xml": far.encode()})
    with pytest.raises(xmlscan.Refused) as caught:
        scan(data, collect=True)
    assert (caught.value.kind, caught.value.sheet) == ("range", "表一")


def test_what_a_hostile_workbook_holds_is_not_kept_for_the_next_one(tmp_path):
    """The per-process memories (row numbers of addresses, merged areas' cells) keep only
    what a standard workbook has: a batch of hostile files cannot grow them by gigabytes."""
    long_ref = "A" * 40 + "1"
    wb = opened(tmp_path, package(rows(f'<c r="{long_ref}"><v>1</v></c>', '<c r="B1"><v>2</v></c>')
                                  + '<mergeCells><mergeCell ref="A2:Z100"/></mergeCells>'))
    areas = sheetxml._coordinates.cache_info().currsize
    sheet = wb["表一"]
    [merge] = sheet.merged_cells.ranges
    assert len(sheet.coordinates(merge)) == 26 * 99
    assert sheetxml._coordinates.cache_info().currsize == areas
    assert long_ref not in sheetxml._ROWS


def test_a_sheet_that_is_also_another_part_is_read_as_both(tmp_path):
    """Never in a real workbook: the shared strings named as a sheet as well."""
    wb = opened(tmp_path, package(rows('<c r="A1" t="s"><v>0</v></c>'),
                                  strings='<si><t>甲</t></si><c r="B2"><v>7</v></c>',
                                  target="sharedStrings.xml"))
    ws = wb["表一"]
    assert (ws["B2"].value, ws.max_row) == (7, 2)
    assert wb.strings == ["甲"]


def test_a_part_read_before_is_counted_and_collected_as_the_first_time(monkeypatch):
    """Parts a batch's workbooks share (styles, theme) are parsed once per process; the
    next workbook gets the same collection and the same element count, so the element
    limit refuses the same part whether the part was read before or not."""
    styles = '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    data = package(rows('<c r="A1" s="1"><v>45292</v></c>'), styles=styles,
                   extra={"xl/theme/theme1.xml": b"<theme>" + b"<a/>" * 50 + b"</theme>",
                          "docProps/app.xml": b"<Properties><x/></Properties>"})
    counted: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            parser = xmlscan.expat.ParserCreate()
            parser.StartElementHandler = lambda tag, attrs: counted.append(tag)
            parser.Parse(zf.read(name), True)
    total = len(counted)

    def collect(**kw):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return xmlscan.scan_parts(zf, collect=True, **kw)

    monkeypatch.setattr(xmlscan, "_SEEN", {})
    fresh = collect().parts
    assert xmlscan._SEEN  # the styles, theme and properties were kept
    assert collect().parts == fresh  # and serve the next workbook
    collect(max_elements=total)
    refusals = []
    for read_before in (False, True):
        if not read_before:
            monkeypatch.setattr(xmlscan, "_SEEN", {})
        with pytest.raises(xmlscan.Refused) as caught:
            collect(max_elements=total - 1)
        refusals.append((caught.value.kind, caught.value.part))
        kept = {key[0] for key in xmlscan._SEEN}
        assert ("docProps/app.xml" in kept) is read_before  # a refused part is never kept
        collect()
    assert refusals[0] == refusals[1] == ("elements", "docProps/app.xml")


def test_reading_a_workbook_needs_no_lxml(tmp_path):
    """The one expat pass is the whole reader: checking a workbook never imports lxml
    (tens of milliseconds of a cold start)."""
    import subprocess
    import sys

    from make_report import api

    path = api.template(tmp_path / "t.xlsx", agency="某局", year=2023)
    code = ("import sys\nfrom make_report.readers.xlsx import read_workbook\n"
            f"read_workbook({str(path)!r})\nprint(sorted(m for m in sys.modules if 'lxml' in m))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
