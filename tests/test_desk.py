"""The web desk through its pages (Starlette's test client): clerks, the office, security.

Runs against SQLite, and against PostgreSQL too when MAKE_REPORT_PG_URL is set (CI)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from desk_support import (
    PASSWORD,
    Browserless,
    Office,
    database_urls,
    fresh_database,
    workbook_bytes,
)
from make_report import api
from make_report.desk.app import create_app
from make_report.desk.auth import LoginLimiter


@pytest.fixture(scope="module", autouse=True)
def cheap_password_hashes():
    """argon2id at 1 MiB and one pass here, for speed: these tests run many logins in this
    process. The real server's hashes are checked for the production parameters in
    tests/test_desk_server.py."""
    from argon2 import PasswordHasher

    from make_report.desk import auth

    previous = auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    auth.use_hasher(previous)


@pytest.fixture(params=database_urls())
def db(request):
    return fresh_database(request.param)


@pytest.fixture
def office(tmp_path, db):
    return Office(create_app(db, tmp_path / "data"))


def messages(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="finding-message">([^<]*)<', page)]


def verdict(page: str) -> str:
    m = re.search(r'id="verdict">([^<]*)<', page)
    assert m, page
    return html.unescape(m.group(1))


def no_errors(text: str) -> bool:
    """The verdict of a clean upload: with warnings (没有错误…) or without (检查通过…)."""
    return "没有错误" in text or "检查通过" in text


A_WARNING = {"active_disclosure.fees_10k_yuan": Decimal("12000")}
"""A township's fee of 1亿元 (万元 cell): C14, a warning the office can dismiss."""


def status(page: str) -> str:
    m = re.search(r'id="status">([^<]*)<', page)
    assert m, page
    return m.group(1)


def cli_messages(data: bytes, tmp_path: Path, name: str = "填好的.xlsx") -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    order = ("error", "warning", "info")
    return [f.message for f in sorted(api.check(path).findings,
                                      key=lambda f: order.index(f.severity))]


# ---- a unit's clerk ------------------------------------------------------------------

def test_clerk_sees_every_finding_in_the_words_of_the_command_line(office, tmp_path):
    _, clerk = office.add_unit("某镇人民政府")
    bad = workbook_bytes("某镇人民政府", bad=True)
    r = clerk.upload(bad)
    assert r.status_code == 200 and r.url.path.startswith("/submission/")
    assert messages(r.text) == cli_messages(bad, tmp_path)
    assert any("三、依申请公开!J8" in m for m in messages(r.text))
    assert verdict(r.text).startswith("填好的.xlsx:发现 2 处错误")
    assert status(r.text) == "有错误"
    assert "report.docx" not in r.text  # no report while there are errors
    sub = r.url.path.rsplit("/", 1)[1]
    assert clerk.get(f"/submission/{sub}/report.docx").status_code == 400


def test_clerk_downloads_the_word_and_web_report_of_a_clean_upload(office, tmp_path):
    _, clerk = office.add_unit("某镇人民政府")
    r = clerk.upload(workbook_bytes("某镇人民政府"))
    assert no_errors(verdict(r.text))
    sub = r.url.path.rsplit("/", 1)[1]
    docx = clerk.get(f"/submission/{sub}/report.docx")
    assert docx.status_code == 200
    assert "filename*=UTF-8''" in docx.headers["content-disposition"]
    path = tmp_path / "got.docx"
    path.write_bytes(docx.content)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "某镇人民政府2024年政府信息公开工作年度报告" in text.replace("\n", "")
    page = clerk.get(f"/submission/{sub}/report.html")
    assert page.status_code == 200 and "某镇人民政府" in page.content.decode("utf-8")


def test_every_upload_is_kept_with_who_and_when(office):
    unit, clerk = office.add_unit("某镇人民政府")
    original = workbook_bytes("某镇人民政府", bad=True)
    first = clerk.upload(original, name="第一版.xlsx")
    second = clerk.upload(workbook_bytes("某镇人民政府"), name="第二版.xlsx")
    assert first.url != second.url
    page = clerk.get("/unit").text
    rows = re.findall(r"<tr>\s*<td data-label=\"次序\">.*?</tr>", page, re.S)
    assert len(rows) == 2
    assert "第二版.xlsx" in rows[0] and "第一版.xlsx" in rows[1]
    assert all("u0000" in row for row in rows)  # the clerk's login name
    # the first upload is still there, byte for byte
    old = clerk.get(first.url.path + "/file")
    assert old.content == original
    # the office sees both too
    assert "第一版.xlsx" in office.web.get(f"/units/{unit}").text


def test_the_workbook_comes_prefilled_and_carries_last_years_report_over(office, tmp_path):
    _, clerk = office.add_unit("某镇人民政府")
    office.desk.set_setting("year", "2023")
    last = workbook_bytes("某镇人民政府", year=2023, seed=9)
    r = clerk.upload(last)
    assert no_errors(verdict(r.text))
    office.desk.set_setting("year", "2024")
    got = clerk.get("/unit/workbook")
    assert got.status_code == 200
    path = tmp_path / "new.xlsx"
    path.write_bytes(got.content)
    report = api.read(path).report
    assert (report.agency, report.year) == ("某镇人民政府", 2024)
    (tmp_path / "last.xlsx").write_bytes(last)
    before = api.read(tmp_path / "last.xlsx").report
    carried = [c for rule in report.format.year_rules for c in rule.carries if c.unchanged]
    assert carried
    for c in carried:
        assert report.values[c.target] == before.values[c.previous]


def test_a_blank_workbook_without_last_year(office, tmp_path):
    _, clerk = office.add_unit("某街道办事处")
    path = tmp_path / "blank.xlsx"
    path.write_bytes(clerk.get("/unit/workbook").content)
    report = api.read(path).report
    assert (report.agency, report.year) == ("某街道办事处", 2024)


def test_a_file_that_is_not_a_workbook_is_kept_and_said_in_chinese(office):
    _, clerk = office.add_unit("某镇人民政府")
    r = clerk.upload(b"PK\x03\x04 not really a zip", name="坏文件.xlsx")
    assert r.status_code == 200
    assert verdict(r.text).startswith("坏文件.xlsx:无法读取")
    assert status(r.text) == "有错误"
    r = clerk.upload(b"hello", name="说明.doc")
    assert r.status_code == 400 and "只能上传 .xlsx 文件" in r.text


# ---- the office ----------------------------------------------------------------------

def counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def test_dashboard_counts_each_status_and_filters(office):
    office.add_unit("甲单位")
    _, b = office.add_unit("乙单位")
    _, c = office.add_unit("丙单位")
    _, d = office.add_unit("丁单位")
    _, e = office.add_unit("戊单位")
    b.upload(workbook_bytes("乙单位", bad=True))
    c.upload(workbook_bytes("丙单位"))
    sub_d = d.upload(workbook_bytes("丁单位")).url.path
    sub_e = e.upload(workbook_bytes("戊单位", seed=5)).url.path
    r = office.web.post(sub_d + "/review", {"decision": "returned", "reason": "请补充第六部分"})
    assert status(r.text) == "已退回"
    page = office.web.get(sub_e).text
    for i, msg in enumerate(messages(page)):
        if "警告" in page:  # dismiss every warning with a reason, then approve
            office.web.post(sub_e + "/note", {"position": str(i), "decision": "dismissed",
                                              "reason": f"已电话核实:{msg[:10]}"})
    r = office.web.post(sub_e + "/review", {"decision": "approved", "reason": ""})
    assert status(r.text) == "已通过", r.text
    page = office.web.get("/office").text
    assert counts(page) == {"none": 1, "errors": 1, "pending": 1, "returned": 1, "approved": 1}
    assert "甲单位" in re.search(r'id="missing">(.*?)</p>', page, re.S).group(1)
    only = office.web.get("/office?status=pending").text
    table = re.search(r'<table class="stack" id="units">.*?</table>', only, re.S).group(0)
    assert "丙单位" in table and "乙单位" not in table
    # the unit reads the reason it was sent back
    assert "请补充第六部分" in d.get("/unit").text


def test_the_top_office_sets_the_year_and_deadline_every_page_shows(office):
    _, clerk = office.add_unit("某镇人民政府")
    assert "2024 年度" in office.web.get("/office").text
    r = office.web.post("/office/settings", {"year": "2025", "deadline": "2026-01-20"})
    assert r.status_code == 200 and r.url.path == "/office"
    assert "2025 年度" in r.text and "2026-01-20" in r.text
    # the clerk's page is at once the new year's
    assert "2025 年度报告" in clerk.get("/unit").text
    for bad in ({"year": "二〇二五", "deadline": "2026-01-31"}, {"year": "1999", "deadline": "2000-01-31"},
                {"year": "2025", "deadline": "明年一月"}):
        r = office.web.post("/office/settings", bad)
        assert r.status_code == 400, bad
    r = office.web.post("/office/offices", {"name": "甲县政务公开办", "username": "county_a"})
    county = Browserless(office.app)
    county.login("county_a", re.findall(r"<code>([^<]+)</code>", r.text)[1])
    r = county.post("/office/settings", {"year": "2030", "deadline": "2031-01-31"})
    assert r.status_code == 400 and "最上级的公开办" in r.text
    assert "2025 年度" in office.web.get("/office").text


def test_returning_needs_a_reason_and_approval_needs_no_errors(office):
    _, clerk = office.add_unit("某镇人民政府")
    bad = clerk.upload(workbook_bytes("某镇人民政府", bad=True)).url.path
    r = office.web.post(bad + "/review", {"decision": "approved", "reason": ""})
    assert r.status_code == 400 and "有错误的报告不能通过" in r.text
    r = office.web.post(bad + "/review", {"decision": "returned", "reason": "  "})
    assert r.status_code == 400 and "退回时请写明原因" in r.text
    assert status(office.web.get(bad).text) == "有错误"


def test_a_dismissed_warning_no_longer_blocks_approval_and_the_record_stays(office):
    _, clerk = office.add_unit("某镇人民政府")
    sub = clerk.upload(workbook_bytes("某镇人民政府", values=A_WARNING)).url.path
    page = office.web.get(sub).text
    warnings = len(messages(page))
    assert warnings >= 1
    r = office.web.post(sub + "/review", {"decision": "approved", "reason": ""})
    assert r.status_code == 400 and "还有未排除的警告" in r.text
    office.web.post(sub + "/note", {"position": "0", "decision": "confirmed", "reason": "确有遗漏"})
    for i in range(warnings):
        office.web.post(sub + "/note", {"position": str(i), "decision": "dismissed",
                                        "reason": "单位书面说明无此事项"})
    r = office.web.post(sub + "/review", {"decision": "approved", "reason": "同意"})
    assert status(r.text) == "已通过"
    assert "第 1 条 确认——确有遗漏" in r.text and "第 1 条 排除——单位书面说明无此事项" in r.text
    r = office.web.post(sub + "/note", {"position": "0", "decision": "dismissed", "reason": ""})
    assert r.status_code == 400 and "请写明" in r.text


def _approve(office, path: str) -> None:
    page = office.web.get(path).text
    for i in range(len(messages(page))):
        office.web.post(path + "/note", {"position": str(i), "decision": "dismissed",
                                         "reason": "核实无误"})
    r = office.web.post(path + "/review", {"decision": "approved", "reason": ""})
    assert status(r.text) == "已通过", r.text


def test_rollup_workbook_and_zip_of_approved_reports(office, tmp_path):
    _, a = office.add_unit("甲镇人民政府")
    _, b = office.add_unit("乙/镇..人民政府")
    _, c = office.add_unit("丙镇人民政府")
    _approve(office, a.upload(workbook_bytes("甲镇人民政府", seed=1)).url.path)
    _approve(office, b.upload(workbook_bytes("乙镇人民政府", seed=2)).url.path)
    c.upload(workbook_bytes("丙镇人民政府", bad=True))
    r = office.web.get("/office/approved.zip")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = sorted(zf.namelist())
        assert names == ["乙_镇..人民政府2024年政府信息公开工作年度报告.docx",
                         "甲镇人民政府2024年政府信息公开工作年度报告.docx"]
        assert all("/" not in n and not n.startswith(".") for n in names)
        assert zf.read(names[0])[:2] == b"PK"
    r = office.web.get("/office/summary.xlsx")
    assert r.status_code == 200
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = wb.worksheets[0]
    sources = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"甲镇人民政府", "乙/镇..人民政府", "丙镇人民政府"} <= sources


def test_units_added_from_an_excel_list(office, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "登录名"])
    ws.append(["县教育局", "jyj"])
    ws.append(["县卫健委", None])
    ws.append([None, None])
    ws.append(["  县  民政局 ", ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = office.web.post("/office/units/import", files={"file": ("名单.xlsx", buf.getvalue(),
                                                                "application/octet-stream")})
    assert r.status_code == 200, r.text
    rows = re.findall(r'<td data-label="名称">([^<]+)</td><td data-label="登录名"><code>([^<]+)'
                      r'</code></td><td data-label="初始密码"><code>([^<]+)</code>', r.text)
    assert rows[0][:2] == ("县教育局", "jyj")
    assert [n for n, _, _ in rows] == ["县教育局", "县卫健委", "县 民政局"]
    clerk = Browserless(office.app)
    assert clerk.login("jyj", rows[0][2]).url.path == "/unit"
    # the same list again: all or nothing, nothing added twice
    again = office.web.post("/office/units/import",
                            files={"file": ("名单.xlsx", buf.getvalue(), "application/octet-stream")})
    assert again.status_code == 400 and "名单第 2 行:单位“县教育局”已经在名单中" in again.text
    assert counts(office.web.get("/office").text)["none"] == 3


def test_published_reports_are_audited(office, tmp_path):
    wb = tmp_path / "某镇.xlsx"
    wb.write_bytes(workbook_bytes("某镇人民政府"))
    built = api.build(wb, tmp_path / "某镇人民政府2024年报告.docx", html=True)
    assert built.written
    for path in built.outputs:
        r = office.web.post("/office/audit", files={"file": (path.name, path.read_bytes(),
                                                             "application/octet-stream")})
        assert r.status_code == 200 and r.url.path.startswith("/audit/")
        assert verdict(r.text) == (api.check(path).findings and
                                   __import__("make_report.cli.console", fromlist=["verdict"])
                                   .verdict(api.check(path).findings, path.name).plain)
        assert messages(r.text) == [f.message for f in sorted(
            api.check(path).findings,
            key=lambda f: ("error", "warning", "info").index(f.severity))]
    r = office.web.post("/office/audit", files={"file": ("x.xlsx", b"PK", "application/zip")})
    assert r.status_code == 400


# ---- offices above offices -------------------------------------------------------------

def test_a_city_sees_its_counties_units_and_a_county_only_its_own(office):
    r = office.web.post("/office/offices", {"name": "甲县政务公开办", "username": "county_a"})
    county_a_pw = re.findall(r"<code>([^<]+)</code>", r.text)[1]
    r = office.web.post("/office/offices", {"name": "乙县政务公开办", "username": "county_b"})
    county_b_pw = re.findall(r"<code>([^<]+)</code>", r.text)[1]
    county_a, county_b = Browserless(office.app), Browserless(office.app)
    assert county_a.login("county_a", county_a_pw).url.path == "/office"
    assert county_b.login("county_b", county_b_pw).url.path == "/office"
    r = county_a.post("/office/units", {"name": "甲县教育局"})
    login, pw = re.findall(r"<code>([^<]+)</code>", r.text)[:2]
    county_b.post("/office/units", {"name": "乙县教育局"})
    office.add_unit("市本级单位")
    clerk = Browserless(office.app)
    clerk.login(login, pw)
    sub = clerk.upload(workbook_bytes("甲县教育局")).url.path
    city = office.web.get("/office").text
    assert all(n in city for n in ("甲县教育局", "乙县教育局", "市本级单位"))
    assert counts(city)["none"] == 2 and counts(city)["pending"] == 1
    mine = county_a.get("/office").text
    assert "甲县教育局" in mine and "乙县教育局" not in mine and "市本级单位" not in mine
    assert county_b.get(sub).status_code == 404
    assert county_a.get(sub).status_code == 200 and office.web.get(sub).status_code == 200
    # a county cannot put a unit under its neighbour or its parent
    with office.desk.session() as s:
        from sqlalchemy import select

        from make_report.desk.models import Office as OfficeRow

        ids = dict(s.execute(select(OfficeRow.name, OfficeRow.id)).all())
    r = county_b.post("/office/units", {"name": "偷放的单位", "office_id": str(ids["甲县政务公开办"])})
    assert r.status_code == 400 and "偷放的单位" not in county_a.get("/office").text


def test_a_rollup_report_must_equal_the_sum_of_its_units(office):
    from make_report.core.synthetic import consistent_report
    from make_report.formats import FORMATS

    fmt = FORMATS["2021"]
    a, b = consistent_report(fmt, seed=1), consistent_report(fmt, seed=2)
    _, ca = office.add_unit("甲单位")
    _, cb = office.add_unit("乙单位")
    _, total = office.add_unit("本县汇总", rollup="1")
    ca.upload(workbook_bytes("甲单位", seed=1))
    total_sub = total.upload(workbook_bytes("本县汇总", seed=1)).url.path
    assert "尚有 1 个单位未上传报告" in office.web.get(total_sub).text
    cb.upload(workbook_bytes("乙单位", seed=2))
    page = office.web.get(total_sub).text
    s1 = [m for m in messages(page) if "本级汇总报告为" in m]
    assert s1, page
    key = "applications.new_received.0"
    want = a.values[key] + b.values[key]
    assert any(f"本级汇总报告为 {a.values[key]},所属 2 个单位的报告合计为 {want}" in m
               for m in s1)
    summed = {k: a.values[k] + b.values[k] for k in a.values}
    total_sub = total.upload(workbook_bytes("本县汇总", values=summed)).url.path
    page = office.web.get(total_sub).text
    assert not [m for m in messages(page) if "本级汇总报告为" in m]
    assert "汇总报告与 2 个单位的合计逐格相符" in page


# ---- nobody sees what is not theirs ----------------------------------------------------

def _fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids.get(m.group(1), "docx")), path)


def test_no_route_gives_a_unit_anything_of_another_unit(office):
    from starlette.routing import Route

    a_id, a = office.add_unit("甲单位")
    b_id, b = office.add_unit("乙单位")
    b_sub = b.upload(workbook_bytes("乙单位")).url.path
    b_sub_id = int(b_sub.rsplit("/", 1)[1])
    audit = office.web.post("/office/audit", files={"file": ("r.txt", "无内容".encode(),
                                                             "text/plain")})
    audit_id = int(audit.url.path.rsplit("/", 1)[1])
    before = b.get(b_sub).text
    ids = {"unit_id": b_id, "sub_id": b_sub_id, "audit_id": audit_id}
    tried = 0
    for route in office.app.routes:
        assert isinstance(route, Route)
        if not route.param_convertors:
            continue
        url = _fill(route.path, ids)
        for method in sorted(route.methods - {"HEAD"}):
            if method == "GET":
                r = a.get(url)
            else:
                r = a.post(url, {"decision": "approved", "reason": "x", "position": "0"})
            assert r.status_code == 404, (method, url, r.status_code)
            assert "乙单位" not in r.text
            tried += 1
    assert tried == 9  # every route with an id: 6 GET, 3 POST
    # uploading "for" another unit by naming it lands on one's own unit, never on B
    r = a.post("/upload", {"unit_id": str(b_id)},
               files={"file": ("x.xlsx", workbook_bytes("甲单位"), "application/octet-stream")})
    assert r.status_code == 200 and "甲单位" in r.text
    assert b.get(b_sub).text == before
    assert "甲单位" not in office.web.get(f"/units/{b_id}").text
    # and the office-only pages are not there for a clerk
    for url in ("/office", "/office/summary.xlsx", "/office/approved.zip"):
        assert a.get(url).status_code == 404
    for url in ("/office/units", "/office/offices", "/office/settings", "/office/audit"):
        assert a.post(url, {"name": "x", "username": "y"}).status_code == 404
    assert a_id != b_id


def test_every_form_needs_the_sessions_csrf_token(office):
    from starlette.routing import Route

    _, clerk = office.add_unit("甲单位")
    sub = clerk.upload(workbook_bytes("甲单位")).url.path
    other = Browserless(office.app)
    other.get("/login")
    stolen = other.token
    posts = [r for r in office.app.routes if isinstance(r, Route) and "POST" in r.methods]
    assert len(posts) >= 12
    sub_id = int(sub.rsplit("/", 1)[1])
    for route in posts:
        url = _fill(route.path, {"sub_id": sub_id, "unit_id": 1, "audit_id": 1})
        for token in (None, stolen, ""):
            data = {"decision": "approved", "reason": "x", "name": "新单位", "username": "n"}
            if token is not None:
                data["csrf"] = token
            r = office.web.client.post(url, data=data)
            assert r.status_code == 403, (url, token)
            assert "安全校验失败" in r.text
    assert status(office.web.get(sub).text) == "待审核"
    assert "新单位" not in office.web.get("/office").text


def test_login_is_rate_limited(tmp_path, db):
    now = [1000.0]
    app = create_app(db, tmp_path / "data",
                     limiter=LoginLimiter(5, 300, ip_attempts=7, clock=lambda: now[0]))
    Office(app)
    web = Browserless(app)
    for _ in range(5):
        r = web.login("admin", "wrong-password")
        assert r.status_code == 401 and "登录名或密码不正确" in r.text
    r = web.login("admin", PASSWORD)  # even the right password waits now
    assert r.status_code == 429 and "登录失败次数过多,请 5 分钟后再试" in r.text
    other = Browserless(app)  # units behind one address are not locked out by one name …
    assert other.login("nobody", "x").status_code == 401
    assert other.login("nobody2", "x").status_code == 401
    assert other.login("nobody3", "x").status_code == 429  # … but the address has its own limit
    now[0] += 301
    assert web.login("admin", PASSWORD).url.path == "/office"


def test_uploads_over_the_limit_are_refused_before_they_are_read(tmp_path, db, monkeypatch):
    from make_report.desk import service

    monkeypatch.setattr(service, "MAX_UPLOAD", 40_000)
    office = Office(create_app(db, tmp_path / "data"))
    _, clerk = office.add_unit("甲单位")
    r = clerk.upload(b"PK" + b"x" * 400_000)
    assert r.status_code == 413 and "太大" in r.text
    r = clerk.upload(b"PK" + b"x" * 41_000)  # under the body limit, over the file limit
    assert r.status_code == 400 and "超过" in r.text
    assert not list((tmp_path / "data" / "files").rglob("*.*"))
    assert not [p for p in (tmp_path / "data" / "files").rglob("*") if p.is_file()]


def test_uploaded_names_never_become_paths(office, tmp_path):
    _, clerk = office.add_unit("甲单位")
    data = workbook_bytes("甲单位")
    for name in ("../../../../evil.xlsx", "..\\..\\evil.xlsx", "/etc/passwd.xlsx",
                 "a\x00b.xlsx"):
        r = clerk.upload(data, name=name)
        assert r.status_code == 200, name
    root = tmp_path / "data"
    stored = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert all(re.fullmatch(r"files/[0-9a-f]{2}/[0-9a-f]{64}", p) for p in stored
               if p.startswith("files/")), stored
    assert not [p for p in stored if "evil" in p or "passwd" in p]
    assert not list(tmp_path.parent.rglob("evil.xlsx"))
    page = clerk.get("/unit").text
    assert "evil.xlsx" in page and "../" not in page and "passwd.xlsx" in page


def test_sessions_are_signed_httponly_samesite_and_passwords_argon2(office):
    clerk = Browserless(office.app)
    r = clerk.client.get("/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    with office.desk.session() as s:
        from sqlalchemy import select

        from make_report.desk.models import User

        hashes = list(s.scalars(select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    secure = Browserless(create_app(None, office.desk.data_dir, https_only=True))
    assert "secure" in secure.client.get("/login").headers["set-cookie"].lower()
    # a forged cookie is no session
    forged = Browserless(office.app)
    forged.client.cookies.set("desk_session", "eyJ1aWQiOiAxfQ==.forged.sig")
    assert forged.get("/office").url.path == "/login"


def test_a_workbook_of_another_year_is_an_error_naming_its_cell(office):
    _, clerk = office.add_unit("某镇人民政府")
    r = clerk.upload(workbook_bytes("某镇人民政府", year=2023))
    found = [m for m in messages(r.text) if "本次收集的是 2024 年" in m]
    assert len(found) == 1 and re.match(r"\S+!B\d+ 工作簿是 2023 年的报告", found[0]), found
    assert status(r.text) == "有错误"


def test_pages_forbid_scripts_framing_and_sniffing(office):
    r = office.web.get("/office")
    assert "script-src" not in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text


def test_the_first_run_page_creates_the_administrator_once(tmp_path, db):
    app = create_app(db, tmp_path / "data")
    web = Browserless(app)
    r = web.get("/login")
    assert r.url.path == "/setup"
    r = web.post("/setup", {"office": "某市政务公开办", "username": "boss", "password": "short",
                            "password2": "short"})
    assert r.status_code == 400 and "密码至少 8 位" in r.text
    r = web.post("/setup", {"office": "某市政务公开办", "username": "boss",
                            "password": PASSWORD, "password2": PASSWORD})
    assert r.url.path == "/login"
    assert web.get("/setup").url.path == "/login"  # never again
    r = web.client.post("/setup", data={"csrf": web.token, "office": "x", "username": "evil",
                                        "password": PASSWORD, "password2": PASSWORD})
    assert web.login("evil", PASSWORD).status_code == 401
    assert web.login("boss", PASSWORD).url.path == "/office"
    assert "某市政务公开办" in web.get("/office").text


def test_passwords_are_changed_by_their_owner_and_reset_by_the_office(office):
    unit_id, clerk = office.add_unit("甲单位")
    login = re.search(r'class="who">(\S+)', clerk.get("/unit").text).group(1)
    r = clerk.post("/password", {"old": "wrong", "new": "new-pass-123", "new2": "new-pass-123"})
    assert r.status_code == 400 and "原密码不正确" in r.text
    r = office.web.post(f"/units/{unit_id}/password")
    fresh = re.findall(r"<code>([^<]+)</code>", r.text)[1]
    again = Browserless(office.app)
    assert again.login(login, fresh).url.path == "/unit"
    r = again.post("/password", {"old": fresh, "new": "new-pass-123", "new2": "new-pass-123"})
    assert "密码已修改" in r.text
    assert Browserless(office.app).login(login, fresh).status_code == 401
    assert Browserless(office.app).login(login, "new-pass-123").url.path == "/unit"


def test_the_command_line_does_not_load_the_web_libraries():
    import subprocess
    import sys

    code = ("import sys\nfrom make_report.cli.main import main\nmain(['--help'])\n"
            "main(['check', '--help'])\n"
            "print(sorted(m for m in ('starlette', 'sqlalchemy', 'uvicorn', 'argon2', "
            "'make_report.desk') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_backup_names_a_zip(tmp_path):
    from make_report.cli.main import main

    assert main(["serve", "--data-dir", str(tmp_path / "d"), "--backup",
                 str(tmp_path / "备份.tar")]) == 2
    assert not (tmp_path / "备份.tar").exists()


def test_an_older_database_is_migrated_step_by_step_once(tmp_path, monkeypatch):
    from sqlalchemy import select, text

    from make_report.desk import models
    from make_report.desk.models import Setting, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    assert migrate(engine) == models.SCHEMA_VERSION  # a new database: the current tables
    ran = []

    def step(conn) -> None:
        ran.append(1)
        conn.execute(text("ALTER TABLE unit ADD COLUMN region VARCHAR(40)"))

    monkeypatch.setattr(models, "SCHEMA_VERSION", models.SCHEMA_VERSION + 1)
    monkeypatch.setitem(models.MIGRATIONS, models.SCHEMA_VERSION, step)
    assert migrate(engine) == models.SCHEMA_VERSION and ran == [1]
    assert migrate(engine) == models.SCHEMA_VERSION and ran == [1]  # not twice
    with engine.connect() as conn:
        assert conn.scalar(select(Setting.value).where(Setting.key == "schema")) == str(
            models.SCHEMA_VERSION)
        assert "region" in [r[1] for r in conn.execute(text("PRAGMA table_info(unit)"))]
    engine.dispose()
