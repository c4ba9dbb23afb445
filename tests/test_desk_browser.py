"""The desk as people use it: real headless Chromium (Debian's) driven by Playwright.

The office and two units log in, upload good and bad workbooks, read the findings on the
page, download and open the .docx, send back and approve. Screenshots of the main pages go
to docs/desk/ when MAKE_REPORT_SCREENSHOTS is set (the README shows them). Skips without
chromium unless MAKE_REPORT_REQUIRE_BROWSER is set."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from desk_support import (
    PASSWORD,
    Server,
    database_urls,
    fresh_database,
    init_desk,
    workbook_bytes,
)
from make_report import api

SHOTS = Path(__file__).parent.parent / "docs" / "desk"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    required = os.environ.get("MAKE_REPORT_REQUIRE_BROWSER")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("MAKE_REPORT_REQUIRE_BROWSER is set but playwright is not installed")
        pytest.skip("playwright not installed")
    if found is None and required:
        pytest.fail("MAKE_REPORT_REQUIRE_BROWSER is set but chromium is not installed")
    if found is None:
        pytest.skip("chromium not installed (set MAKE_REPORT_REQUIRE_BROWSER to require it)")
    return found


@pytest.fixture(params=database_urls())
def server(request, tmp_path):
    _chromium()
    db = fresh_database(request.param)
    data = tmp_path / "desk"
    init_desk(data, db)
    from make_report.desk.service import Desk

    desk = Desk(db, data)
    desk.set_setting("year", "2024")
    desk.engine.dispose()
    srv = Server(data, db)
    yield srv
    srv.kill()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=ARGS)
        real = b.new_context

        def new_context(**kw):  # a loaded CI machine may take long to check or build
            ctx = real(**kw)
            ctx.set_default_timeout(180_000)
            ctx.set_default_navigation_timeout(180_000)
            return ctx

        b.new_context = new_context
        yield b
        b.close()


def shot(page, name: str) -> None:
    if os.environ.get("MAKE_REPORT_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("登录名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => { for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  for (const e of document.querySelectorAll('a, button, label, td, th, p, h1, h2, span, strong, summary')) {
    if (!e.offsetParent || !e.textContent.trim()) continue;
    const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(e.tagName + ' ' + e.textContent.trim().slice(0, 20) + ' ' + ratio.toFixed(2));
  }
  return bad;
}"""


def check_accessible(page) -> None:
    """Every visible control has a label, text has WCAG AA contrast (4.5:1), nothing
    overflows sideways, the page says it is Chinese."""
    unlabeled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')].filter(e =>
        !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)""")
    assert unlabeled == []
    assert page.evaluate(CONTRAST) == []
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the window"


def test_office_and_two_units_work_through_the_year(server, browser, tmp_path):
    office = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    o = office.new_page()
    login(o, server.url, "admin", PASSWORD)
    assert o.url.endswith("/office")
    accounts = {}
    for name in ("甲镇人民政府", "乙镇人民政府"):
        o.get_by_label("单位名称", exact=True).fill(name)
        o.get_by_role("button", name="添加", exact=True).click()
        cells = o.locator("#accounts code").all_inner_texts()
        accounts[name] = cells[:2]
        o.goto(server.url + "/office")
    check_accessible(o)

    # unit A: keyboard-only login, a bad workbook, then a good one
    a_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    a = a_ctx.new_page()
    a.goto(server.url + "/login")
    shot(a, "login")
    from playwright.sync_api import expect

    # the name field has focus (autofocus): waited for, or the first keys may land nowhere
    expect(a.get_by_label("登录名", exact=True)).to_be_focused()
    a.keyboard.type(accounts["甲镇人民政府"][0])
    a.keyboard.press("Tab")
    a.keyboard.type(accounts["甲镇人民政府"][1])
    a.keyboard.press("Enter")
    try:
        a.wait_for_url("**/unit", timeout=60_000)
    except Exception as e:  # say where the login stopped, not only that it timed out
        raise AssertionError(f"login did not reach /unit: {a.url}\n"
                             f"{a.inner_text('body')[:400]}") from e
    with a.expect_download() as dl:
        a.get_by_role("link", name="下载 2024 年工作簿").click()
    blank = tmp_path / "blank.xlsx"
    dl.value.save_as(blank)
    assert api.read(blank).report.agency == "甲镇人民政府"
    bad = tmp_path / "甲镇_有误.xlsx"
    bad.write_bytes(workbook_bytes("甲镇人民政府", bad=True))
    a.get_by_label("工作簿(.xlsx)").set_input_files(str(bad))
    a.get_by_role("button", name="上传并检查").click()
    a.wait_for_url("**/submission/*")
    shown = a.locator(".finding-message").all_inner_texts()
    order = ("error", "warning", "info")
    assert shown == [f.message for f in sorted(api.check(bad).findings,
                                               key=lambda f: order.index(f.severity))]
    assert "发现 2 处错误" in a.locator("#verdict").inner_text()
    shot(a, "unit-findings")
    a.goto(server.url + "/unit")
    good = tmp_path / "甲镇.xlsx"
    good.write_bytes(workbook_bytes("甲镇人民政府"))
    a.get_by_label("工作簿(.xlsx)").set_input_files(str(good))
    a.get_by_role("button", name="上传并检查").click()
    a.wait_for_url("**/submission/*")
    a_sub = a.url
    with a.expect_download() as dl:
        a.get_by_role("link", name="下载 Word 报告(.docx)").click()
    docx = tmp_path / "a.docx"
    dl.value.save_as(docx)
    from docx import Document

    assert "甲镇人民政府" in "".join(p.text for p in Document(str(docx)).paragraphs)
    a.goto(server.url + "/unit")
    assert a.locator("#history tbody tr").count() == 2
    check_accessible(a)
    shot(a, "unit")

    # unit B uploads a good workbook
    b_ctx = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    b = b_ctx.new_page()
    login(b, server.url, *accounts["乙镇人民政府"])
    b.wait_for_url("**/unit")
    check_accessible(b)
    shot(b, "unit-phone")
    other = tmp_path / "乙镇.xlsx"
    other.write_bytes(workbook_bytes("乙镇人民政府", seed=5))
    b.get_by_label("工作簿(.xlsx)").set_input_files(str(other))
    b.get_by_role("button", name="上传并检查").click()
    b.wait_for_url("**/submission/*")
    b_sub = b.url
    check_accessible(b)
    # B cannot open A's upload
    assert b.goto(a_sub).status == 404

    # the office: counts, send A back, approve B after dismissing its warnings
    o.goto(server.url + "/office")
    assert o.locator('[data-count="pending"]').inner_text() == "2"
    shot(o, "office-dashboard")
    o.goto(a_sub)
    o.get_by_label("意见(退回时必填,单位会看到)").fill("第六部分请补充本年度的其他事项")
    o.get_by_role("button", name="退回修改").click()
    assert o.locator("#status").inner_text() == "已退回"
    o.goto(b_sub)
    n = o.locator(".finding-message").count()
    for i in range(n):
        row = o.locator(f"#finding-{i}")
        if not row.locator("summary").count():  # a 提示 (info) needs no word from the office
            continue
        row.locator("summary").click()
        row.get_by_label("理由").fill("单位已书面说明")
        row.get_by_role("button", name="排除(不是问题)").click()
    shot(o, "office-review")
    check_accessible(o)
    o.get_by_role("button", name="通过").click()
    assert o.locator("#status").inner_text() == "已通过"
    o.goto(server.url + "/office")
    assert o.locator('[data-count="approved"]').inner_text() == "1"
    assert o.locator('[data-count="returned"]').inner_text() == "1"
    o.set_viewport_size({"width": 390, "height": 844})  # the office's dashboard on a phone
    check_accessible(o)
    o.set_viewport_size({"width": 1366, "height": 768})
    with o.expect_download() as dl:
        o.get_by_role("link", name="下载全部已通过的报告(.zip)").click()
    import zipfile

    zipped = tmp_path / "approved.zip"
    dl.value.save_as(zipped)
    assert zipfile.ZipFile(zipped).namelist() == ["乙镇人民政府2024年政府信息公开工作年度报告.docx"]

    # A reads why it was sent back
    a.goto(server.url + "/unit")
    assert a.locator("#unit-status").inner_text() == "已退回"
    assert "第六部分请补充本年度的其他事项" in a.locator("[role=alert]").inner_text()
    assert re.search(r"已退回", a.content())
