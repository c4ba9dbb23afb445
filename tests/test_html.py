"""The web page: head, order, every table value at its official place, escaping, a real browser."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from make_report.core.grid import table_grid
from make_report.core.model import Entry, Report
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.narrative.render import NarrativeError
from make_report.writers.html import render_html, stamp, write_html

ALL = pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=lambda f: f.id)
EVIL = "<script>alert(1)</script>"
VOID = {"meta", "col", "br", "img", "link", "input", "hr"}


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """Just enough of the DOM for the assertions: elements seen, texts by tag, tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, str]] = []
        self.tables: list[list[list[Cell]]] = []
        self.decl = ""
        self.stack: list[str] = []
        self.cell: Cell | None = None
        self.buf = ""

    def handle_decl(self, decl: str) -> None:
        self.decl = decl

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs_d = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs_d))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = Cell(tag, attrs_d)
            self.tables[-1][-1].append(self.cell)
        if tag not in VOID:
            self.stack.append(tag)
            self.buf = ""

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
        if tag in ("h1", "h2", "h3", "p", "title", "caption", "style"):
            self.texts.append((tag, self.buf))
        if tag in ("td", "th") and self.cell:
            self.cell.text, self.cell = self.buf, None

    def handle_data(self, data: str) -> None:
        self.buf += data

    def of(self, tag: str) -> list[str]:
        return [text for t, text in self.texts if t == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert not page.stack, page.stack
    return page


def resolve(rows: list[list[Cell]]) -> dict[tuple[int, int], tuple[Cell, int, int]]:
    """(row, col) -> (cell, its first row, its first col), placing spans as a browser does."""
    taken: dict[tuple[int, int], tuple[Cell, int, int]] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.attrs.get("rowspan", 1)), int(cell.attrs.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    assert (r + i, c + j) not in taken, f"overlap at {(r + i, c + j)}"
                    taken[(r + i, c + j)] = (cell, r, c)
            c += cs
    return taken


def shown(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def full_report(fmt, seed: int = 5, agency: str = "马鹿沟镇人民政府") -> Report:
    report = consistent_report(fmt, seed=seed, agency=agency)
    report.date = dt.date(2024, 1, 4)
    report.lead = "根据《中华人民共和国政府信息公开条例》,特向社会公布本年度报告。"
    report.narrative = {
        "overview": [Entry("(一)主动公开", ["本年度收到申请{{ 依申请.本年新收.总计 }}件。",
                                           "第二行\n第三行"])],
        "problems": [Entry(None, ["存在的问题:公开不够及时。"])],
    }
    return report


@ALL
def test_page_is_self_contained_chinese_and_script_free(fmt):
    html = render_html(full_report(fmt))
    page = parse(html)
    assert html.startswith("<!doctype html>")
    assert ("html", {"lang": "zh-CN"}) in page.tags
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert page.of("title") == [full_report(fmt).title]
    assert page.of("h1") == [full_report(fmt).title]
    names = {t for t, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(k.startswith("on") or k in ("src", "href") for _, a in page.tags for k in a)
    css = page.of("style")[0]
    assert "url(" not in css and "@import" not in css
    rules = [r.strip() for r in css.split("}") if r.strip()]
    assert all(r.startswith(".mr-report") for r in rules), "CSS must stay scoped"


@ALL
def test_section_headings_in_official_order(fmt):
    page = parse(render_html(full_report(fmt)))
    assert page.of("h2") == [s.title for s in fmt.sections]
    assert page.of("h3") == ["(一)主动公开"]


@ALL
@pytest.mark.parametrize("seed", [1, 2])
def test_every_table_value_sits_at_its_official_position(fmt, seed):
    report = consistent_report(fmt, seed=seed)
    report.values[next(f.key for f in fmt.fields if f.kind == "amount")] = Decimal("12.3400")
    page = parse(render_html(report))
    assert len(page.tables) == len(fmt.tables)
    for table, rows in zip(fmt.tables, page.tables, strict=True):
        grid = table_grid(table)
        placed = resolve(rows)
        assert max(r for r, _ in placed) + 1 == grid.n_rows
        assert max(c for _, c in placed) + 1 == grid.n_cols
        assert len(placed) == grid.n_rows * grid.n_cols, "holes in the table"
        for gc in grid.cells:
            cell, r0, c0 = placed[(gc.row, gc.col)]
            assert (r0, c0) == (gc.row, gc.col)
            want = shown(report.value(gc.field)) if gc.field else gc.text
            assert cell.text == want, (table.key, gc)
            assert cell.tag == ("td" if gc.role == "data" else "th")
            for i in range(gc.rowspan):
                for j in range(gc.colspan):
                    assert placed[(gc.row + i, gc.col + j)][0] is cell


@ALL
def test_amounts_keep_their_decimals(fmt):
    report = consistent_report(fmt)
    key = next(f.key for f in fmt.fields if f.kind == "amount")
    report.values[key] = Decimal("1681.0000")
    cells = [c.text for rows in parse(render_html(report)).tables for row in rows for c in row]
    assert "1681.0000" in cells


@ALL
def test_header_cells_carry_scope(fmt):
    page = parse(render_html(consistent_report(fmt)))
    for table, rows in zip(fmt.tables, page.tables, strict=True):
        ths = [c for row in rows for c in row if c.tag == "th"]
        assert all(c.attrs.get("scope") in {"col", "colgroup", "row", "rowgroup"} for c in ths)
        labels = {c.text: c.attrs["scope"] for c in ths}
        if table.key == "applications":
            assert labels["三、本年度办理结果"] == "rowgroup"
            assert labels["一、本年新收政府信息公开申请数量"] == "row"
            assert labels["法人或其他组织"] == "colgroup"
            assert labels["自然人"] == "col"
        if table.key == "review_litigation":
            assert labels["行政诉讼"] == "colgroup"
        if table.key == "active_disclosure":
            assert labels["第二十条第(一)项"] == "colgroup"
            assert labels["信息内容"] == "col"
    assert len(page.of("caption")) == len(fmt.tables)


@ALL
def test_markup_in_names_and_narrative_is_shown_not_run(fmt):
    report = full_report(fmt, agency=f"{EVIL}&镇")
    report.narrative["problems"] = [Entry(f"(一){EVIL}", [f"问题 {EVIL} \"引号\" & 'x'"])]
    html = render_html(report)
    page = parse(html)
    assert "<script" not in html
    assert not any(t == "script" for t, _ in page.tags)
    assert page.of("h1") == [f"{EVIL}&镇{report.year}年政府信息公开工作年度报告"]
    assert f"(一){EVIL}" in page.of("h3")
    assert f"问题 {EVIL} \"引号\" & 'x'" in page.of("p")
    assert page.of("p")[-2:] == [f"{EVIL}&镇", "2024年1月4日"]


@ALL
def test_narrative_templates_and_generated_sentences_as_in_word(fmt):
    report = full_report(fmt)
    page = parse(render_html(report))
    paras = page.of("p")
    total = report.value("applications.new_received.6")
    assert f"本年度收到申请{total}件。" in paras
    assert "第二行" in paras and "第三行" in paras
    assert any(p.startswith("本年度") and "申请" in p and p != f"本年度收到申请{total}件。"
               for p in paras), "applications summary sentence missing"
    assert "本年度未收取信息处理费。" in paras
    report.narrative["other"] = [Entry(None, ["本年度收取信息处理费0.5万元。"])]
    paras = parse(render_html(report)).of("p")
    assert "本年度未收取信息处理费。" not in paras
    assert "本年度收取信息处理费0.5万元。" in paras


def test_broken_narrative_template_names_the_cell():
    report = full_report(FORMATS["2021"])
    report.narrative["overview"][0].paragraphs[0] = "共{{ 依申请.不存在.总计 }}件"
    with pytest.raises(NarrativeError, match="一、总体情况!B7"):
        render_html(report, where={"narrative.overview.0.0": "一、总体情况!B7"})


def test_write_html_replaces_the_file_only_when_rendering_succeeds(tmp_path):
    report = full_report(FORMATS["2021"])
    path = tmp_path / "报告.html"
    write_html(report, path)
    assert path.read_text(encoding="utf-8") == stamp(render_html(report))
    report.narrative["overview"][0].paragraphs[0] = "{{ 未知 }}"
    with pytest.raises(NarrativeError):
        write_html(report, path)
    assert path.read_text(encoding="utf-8") == stamp(render_html(full_report(FORMATS["2021"])))
    assert [p.name for p in tmp_path.iterdir()] == ["报告.html"]
    assert path.stat().st_mode & 0o777 == 0o644, "a web server must be able to read it"


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("MAKE_REPORT_REQUIRE_BROWSER"):
        pytest.fail("MAKE_REPORT_REQUIRE_BROWSER is set but chromium is not installed")
    if found is None:
        pytest.skip("chromium not installed (set MAKE_REPORT_REQUIRE_BROWSER to require it)")
    return found


@ALL
def test_a_real_browser_renders_the_page(fmt, tmp_path):
    browser = _chromium()
    page = tmp_path / "report.html"
    write_html(full_report(fmt), page)
    shot = tmp_path / "shot.png"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.is_file(), done.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 60_000, "a page of text and tables compresses to far more than this"
