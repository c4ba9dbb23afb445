"""The desk's web application (Starlette): routes, the per-request guard, responses.

Every route goes through ``page()``: it loads the signed-in account, refuses the wrong
role, parses a POST form with bounded sizes, checks its CSRF token, and runs the view in
a worker thread (checks and builds are CPU work; the event loop stays free). Views are
plain functions of a ``Ctx``; what the desk does lives in ``service.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from make_report.core.findings import SEVERITY_ZH
from make_report.desk import service as svc
from make_report.desk.auth import (
    MIN_PASSWORD,
    LoginLimiter,
    csrf_ok,
    csrf_token,
    verify_password,
)
from make_report.desk.models import Audit, Office, Submission, Unit, User
from make_report.desk.service import STATUS_ORDER, STATUS_ZH, Desk, DeskError

TEMPLATES = Path(__file__).parent / "templates"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SESSION_HOURS = 10
OFFICE, UNIT = "office", "unit"


@dataclass
class Ctx:
    request: Request
    desk: Desk
    user: User | None
    form: FormData | None
    session: dict
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, name: str, code: int = 200, **values: Any) -> HTMLResponse:
        html = ENV.get_template(name).render(
            user=self.user, csrf=csrf_token(self.session), year=self.desk.year,
            deadline=self.desk.deadline, today=dt.date.today(), **values)
        return HTMLResponse(html, status_code=code, headers=NO_STORE)

    def text(self, name: str, default: str = "", limit: int = 2000) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value[:limit] if isinstance(value, str) else default

    def file(self, name: str) -> tuple[str, bytes]:
        value = self.form.get(name) if self.form is not None else None
        if not isinstance(value, UploadFile) or not value.filename:
            raise DeskError("请先选择要上传的文件。")
        data = value.file.read(svc.MAX_UPLOAD + 1)
        if len(data) > svc.MAX_UPLOAD:
            raise DeskError(f"文件超过 {svc.MAX_UPLOAD // 1024 // 1024} MB,请确认是否选错了文件。")
        return value.filename, data


NO_STORE = {"Cache-Control": "no-store"}
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(STATUS_ZH=STATUS_ZH, SEVERITY_ZH=SEVERITY_ZH)
ENV.filters["bj"] = lambda t: (t + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S") if t else ""
"""Times are stored in UTC and shown in Beijing time."""


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def download(data: bytes, filename: str, media: str) -> Response:
    """A file download; the name (unit's, Chinese) is sent RFC 5987-encoded."""
    ascii_name = "report" + Path(filename).suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": disposition, **NO_STORE})


def page(view: Callable[[Ctx], Response], role: str | None = "any") -> Callable:
    """The guard every route passes: account and role, bounded form, CSRF, thread."""

    async def endpoint(request: Request) -> Response:
        desk: Desk = request.app.state.desk
        session = request.session
        user = await run_in_threadpool(_user, desk, session.get("uid"))
        if role is not None and user is None:
            return redirect("/login")
        if role not in (None, "any") and (user is None or user.role != role):
            raise HTTPException(404)
        form = None
        try:
            if request.method == "POST":
                try:
                    form = await request.form(max_files=2, max_fields=40,
                                              max_part_size=64 * 1024)
                except Exception:  # a malformed or oversized multipart body
                    return _error(request, desk, user, "提交的内容无法读取或超过大小限制。", 400)
                if not csrf_ok(session, form.get("csrf")):
                    return _error(request, desk, user,
                                  "页面已过期或来源不明(安全校验失败),请刷新页面后重试。", 403)
            ctx = Ctx(request, desk, user, form, session, dict(request.path_params))
            try:
                return await run_in_threadpool(view, ctx)
            except DeskError as exc:
                return _error(request, desk, user, exc.message, 400)
        finally:
            if form is not None:
                await form.close()

    endpoint.__name__ = view.__name__
    return endpoint


def _user(desk: Desk, uid: object) -> User | None:
    if not isinstance(uid, int):
        return None
    with desk.session() as s:
        return s.get(User, uid)


def _error(request: Request, desk: Desk, user: User | None, message: str,
           status: int) -> HTMLResponse:
    ctx = Ctx(request, desk, user, None, request.session)
    return ctx.render("error.html", code=status, message=message)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise HTTPException(404) from None


# ---- sign-in -------------------------------------------------------------------------

def setup(ctx: Ctx) -> Response:
    """First run without --init: the page that creates the office's administrator."""
    if ctx.desk.initialized():
        return redirect("/login")
    if ctx.form is None:
        return ctx.render("setup.html")
    password = ctx.text("password")
    if len(password) < MIN_PASSWORD or password != ctx.text("password2"):
        raise DeskError(f"密码至少 {MIN_PASSWORD} 位,且两次输入要一致。")
    ctx.desk.init_admin(ctx.text("office", limit=200), ctx.text("username", limit=80), password)
    return redirect("/login")


def login(ctx: Ctx) -> Response:
    if not ctx.desk.initialized():
        return redirect("/setup")
    if ctx.form is None:
        return ctx.render("login.html")
    username, password = ctx.text("username", limit=80).strip(), ctx.text("password", limit=200)
    host = ctx.request.client.host if ctx.request.client else "?"
    keys = (f"user:{username}", f"ip:{host}")
    limiter: LoginLimiter = ctx.request.app.state.limiter
    wait = limiter.blocked(*keys)
    if wait:
        minutes = (wait + 59) // 60
        return ctx.render("login.html", code=429, username=username,
                          message=f"登录失败次数过多,请 {minutes} 分钟后再试。")
    with ctx.desk.session() as s:
        user = s.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        limiter.failed(*keys)
        return ctx.render("login.html", code=401, username=username,
                          message="登录名或密码不正确。")
    limiter.succeeded(keys[0])
    ctx.session.clear()  # a fresh session: no fixation
    ctx.session["uid"] = user.id
    csrf_token(ctx.session)
    return redirect("/")


def logout(ctx: Ctx) -> Response:
    ctx.session.clear()
    return redirect("/login")


def home(ctx: Ctx) -> Response:
    assert ctx.user is not None
    return redirect("/office" if ctx.user.role == "office" else "/unit")


def password(ctx: Ctx) -> Response:
    assert ctx.user is not None
    if ctx.form is None:
        return ctx.render("password.html")
    with ctx.desk.session() as s:
        user = s.get(User, ctx.user.id)
        current = user.password_hash if user else None
    if not verify_password(current, ctx.text("old", limit=200)):
        raise DeskError("原密码不正确。")
    new = ctx.text("new", limit=200)
    if len(new) < MIN_PASSWORD or new != ctx.text("new2", limit=200):
        raise DeskError(f"新密码至少 {MIN_PASSWORD} 位,且两次输入要一致。")
    ctx.desk.reset_password(ctx.user.id, new)
    return ctx.render("done.html", message="密码已修改。")


def health(ctx: Ctx) -> Response:
    with ctx.desk.session() as s:
        s.execute(select(1))
    return PlainTextResponse("ok")


# ---- a unit's clerk ------------------------------------------------------------------

def unit_home(ctx: Ctx) -> Response:
    assert ctx.user is not None and ctx.user.unit_id is not None
    return unit_page(ctx, ctx.user.unit_id)


def unit_view(ctx: Ctx) -> Response:
    return unit_page(ctx, _int(ctx.params["unit_id"]))


def unit_page(ctx: Ctx, unit_id: int) -> Response:
    assert ctx.user is not None
    desk = ctx.desk
    with desk.session() as s:
        unit = desk.visible_unit(s, ctx.user, unit_id)
        if unit is None:
            raise HTTPException(404)
        history = list(s.scalars(select(Submission).where(
            Submission.unit_id == unit.id, Submission.year == desk.year)
            .order_by(Submission.id.desc())))
        names = _names(s, [h.uploaded_by for h in history])
        office = s.get(Office, unit.office_id)
    status = status_of(history[0] if history else None)
    return ctx.render("unit.html", unit=unit, history=history, status=status, names=names,
                      office=office)


def workbook(ctx: Ctx) -> Response:
    assert ctx.user is not None
    unit_id = ctx.user.unit_id if ctx.user.role == "unit" else _int(ctx.params.get("unit_id"))
    with ctx.desk.session() as s:
        unit = ctx.desk.visible_unit(s, ctx.user, unit_id or 0)
    if unit is None:
        raise HTTPException(404)
    year = ctx.desk.year
    data = ctx.desk.prefilled_workbook(unit, year)
    return download(data, f"{svc.safe_name(unit.name)}{year}年报工作簿.xlsx", XLSX)


def upload(ctx: Ctx) -> Response:
    assert ctx.user is not None
    unit_id = ctx.user.unit_id if ctx.user.role == "unit" else _int(ctx.text("unit_id"))
    filename, data = ctx.file("file")
    sub = ctx.desk.submit(ctx.user, unit_id or 0, filename, data)
    return redirect(f"/submission/{sub.id}")


def status_of(sub: Submission | None) -> str:
    if sub is None:
        return "none"
    if sub.review in ("returned", "approved"):
        return sub.review
    return "errors" if (sub.errors or sub.unusable) else "pending"


def submission(ctx: Ctx) -> Response:
    assert ctx.user is not None
    desk = ctx.desk
    with desk.session() as s:
        sub = desk.visible_submission(s, ctx.user, _int(ctx.params["sub_id"]))
        if sub is None:
            raise HTTPException(404)
        unit = s.get(Unit, sub.unit_id)
        newest = desk.latest(s, [sub.unit_id], sub.year).get(sub.unit_id)
        notes = desk.notes(s, sub.id) if ctx.user.role == "office" else {}
        history = desk.note_history(s, sub.id) if ctx.user.role == "office" else []
        blocking = desk.blocking(s, sub)
        names = _names(s, [sub.uploaded_by, sub.reviewed_by or 0]
                       + [n.by for n in history])
        rollup_findings, rollup_note = ([], "")
        if unit is not None and unit.rollup and ctx.user.role == "office":
            rollup_findings, rollup_note = desk.rollup_findings(s, unit, sub.year)
    return ctx.render("submission.html", sub=sub, unit=unit, status=status_of(sub),
                      is_newest=newest is not None and newest.id == sub.id, notes=notes,
                      history=history, blocking=blocking, names=names,
                      rollup_findings=rollup_findings, rollup_note=rollup_note)


def _sub_for(ctx: Ctx) -> Submission:
    assert ctx.user is not None
    with ctx.desk.session() as s:
        sub = ctx.desk.visible_submission(s, ctx.user, _int(ctx.params["sub_id"]))
        if sub is None:
            raise HTTPException(404)
        sub.unit  # noqa: B018 - load the unit before the session closes
        return sub


def report_file(ctx: Ctx) -> Response:
    sub = _sub_for(ctx)
    kind = ctx.params["kind"]
    if kind not in ("docx", "html"):
        raise HTTPException(404)
    data = ctx.desk.build(sub, kind)
    name = f"{svc.safe_name(sub.unit.name)}{sub.year}年政府信息公开工作年度报告.{kind}"
    return download(data, name, DOCX if kind == "docx" else "text/html; charset=utf-8")


def original(ctx: Ctx) -> Response:
    sub = _sub_for(ctx)
    return download(ctx.desk.store.read(sub.sha256),
                    f"{svc.safe_name(sub.unit.name)}_第{sub.id}次上传{sub.suffix}", XLSX)


# ---- the office ----------------------------------------------------------------------

def dashboard(ctx: Ctx) -> Response:
    assert ctx.user is not None
    desk, year = ctx.desk, ctx.desk.year
    wanted = ctx.request.query_params.get("status", "")
    office_filter = ctx.request.query_params.get("office", "")
    with desk.session() as s:
        offices = {o.id: o for o in s.scalars(select(Office).where(
            Office.id.in_(desk.office_ids(s, ctx.user.office_id))))}
        units = desk.units_of(s, ctx.user)
        latest = desk.latest(s, [u.id for u in units], year)
        audits = list(s.scalars(select(Audit).where(Audit.office_id == ctx.user.office_id)
                                .order_by(Audit.id.desc()).limit(20)))
        own = offices[ctx.user.office_id]
    rows = [(u, latest.get(u.id), status_of(latest.get(u.id))) for u in units]
    counts = {k: sum(1 for r in rows if r[2] == k) for k in STATUS_ORDER}
    shown = [r for r in rows if (not wanted or r[2] == wanted)
             and (not office_filter or str(r[0].office_id) == office_filter)]
    missing = [u for u, _, st in rows if st == "none"]
    return ctx.render("dashboard.html", rows=shown, counts=counts, total=len(rows),
                      wanted=wanted, offices=offices, office_filter=office_filter,
                      missing=missing, audits=audits, own=own,
                      children=[o for o in offices.values() if o.parent_id == own.id],
                      days_left=(desk.deadline - dt.date.today()).days)


def add_unit(ctx: Ctx) -> Response:
    assert ctx.user is not None
    office = ctx.text("office_id")
    unit, login, password = ctx.desk.add_unit(
        ctx.user, ctx.text("name", limit=300), ctx.text("username", limit=80),
        rollup=ctx.text("rollup") == "1", office_id=_int(office) if office else None)
    return ctx.render("accounts.html", accounts=[(unit.name, login, password)])


def import_units(ctx: Ctx) -> Response:
    assert ctx.user is not None
    _, data = ctx.file("file")
    return ctx.render("accounts.html", accounts=ctx.desk.add_units_from_excel(ctx.user, data))


def add_office(ctx: Ctx) -> Response:
    assert ctx.user is not None
    office, password = ctx.desk.add_office(ctx.user, ctx.text("name", limit=300),
                                           ctx.text("username", limit=80))
    return ctx.render("accounts.html", accounts=[(office.name, ctx.text("username").strip(),
                                                  password)])


def reset_unit_password(ctx: Ctx) -> Response:
    assert ctx.user is not None
    from make_report.desk.auth import new_password

    with ctx.desk.session() as s:
        unit = ctx.desk.visible_unit(s, ctx.user, _int(ctx.params["unit_id"]))
        if unit is None:
            raise HTTPException(404)
        account = s.scalar(select(User).where(User.unit_id == unit.id))
    if account is None:
        raise DeskError("该单位没有账号。")
    password = new_password()
    ctx.desk.reset_password(account.id, password)
    return ctx.render("accounts.html", accounts=[(unit.name, account.username, password)])


def review(ctx: Ctx) -> Response:
    assert ctx.user is not None
    sub_id = _int(ctx.params["sub_id"])
    ctx.desk.review(ctx.user, sub_id, ctx.text("decision"), ctx.text("reason"))
    return redirect(f"/submission/{sub_id}")


def note(ctx: Ctx) -> Response:
    assert ctx.user is not None
    sub_id = _int(ctx.params["sub_id"])
    ctx.desk.note(ctx.user, sub_id, _int(ctx.text("position")), ctx.text("decision"),
                  ctx.text("reason"))
    return redirect(f"/submission/{sub_id}#finding-{_int(ctx.text('position'))}")


def summary_download(ctx: Ctx) -> Response:
    assert ctx.user is not None
    year = ctx.desk.year
    return download(ctx.desk.summary_workbook(ctx.user, year), f"{year}年汇总表.xlsx", XLSX)


def approved_zip(ctx: Ctx) -> Response:
    assert ctx.user is not None
    year = ctx.desk.year
    return download(ctx.desk.approved_zip(ctx.user, year), f"{year}年已通过的报告.zip",
                    "application/zip")


def settings(ctx: Ctx) -> Response:
    assert ctx.user is not None
    with ctx.desk.session() as s:
        top = s.get(Office, ctx.user.office_id)
    if top is None or top.parent_id is not None:
        raise DeskError("年度和截止日期由最上级的公开办设置。")
    try:
        year = int(ctx.text("year"))
        deadline = dt.date.fromisoformat(ctx.text("deadline"))
    except ValueError:
        raise DeskError("请填写正确的年度(如 2025)和截止日期(如 2026-01-31)。") from None
    if not 2008 <= year <= 2100:
        raise DeskError("年度应在 2008 到 2100 之间。")
    ctx.desk.set_setting("year", str(year))
    ctx.desk.set_setting("deadline", deadline.isoformat())
    return redirect("/office")


def audit_upload(ctx: Ctx) -> Response:
    assert ctx.user is not None
    filename, data = ctx.file("file")
    row = ctx.desk.audit(ctx.user, filename, data)
    return redirect(f"/audit/{row.id}")


def audit_view(ctx: Ctx) -> Response:
    assert ctx.user is not None
    with ctx.desk.session() as s:
        row = s.get(Audit, _int(ctx.params["audit_id"]))
        if row is None or row.office_id not in ctx.desk.office_ids(s, ctx.user.office_id):
            raise HTTPException(404)
    return ctx.render("audit.html", audit=row)


def _names(s, ids: list[int]) -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return dict(s.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413) before anything reads them."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send)
            return
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, limited, send)


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
]
"""No scripts at all, no framing, no sniffing: the pages need none of it."""


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _too_large(send) -> None:
    body = "上传的文件太大(超过限制),请确认是否选错了文件。".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    text = {404: "没有这个页面,或您无权查看。", 405: "不支持这种操作。",
            413: "上传的文件太大(超过限制)。"}.get(status, "请求无法处理。")
    return HTMLResponse(f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
                        f"<title>{text}</title><p>{text}</p><p><a href=\"/\">返回首页</a></p>",
                        status_code=status)


async def server_error(request: Request, exc: Exception) -> Response:
    from make_report.core.errors import internal_error

    return HTMLResponse(f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
                        f"<p>{internal_error(exc)}</p><p><a href=\"/\">返回首页</a></p>",
                        status_code=500)


def secret_key(data_dir: Path) -> str:
    """The cookie-signing key, made once per data folder (owner-only)."""
    path = Path(data_dir) / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def warm_up() -> None:
    """Load what the first upload would otherwise load while a clerk waits: the readers,
    checks and writers, and the compiled page templates."""
    import make_report.api
    import make_report.app.summary
    import make_report.checks.validate
    import make_report.checks.verdict
    import make_report.writers.docx
    import make_report.writers.html  # noqa: F401

    for name in ENV.list_templates():
        ENV.get_template(name)


def create_app(db_url: str | None, data_dir: str | Path, *, https_only: bool = False,
               limiter: LoginLimiter | None = None, workers: int = 0) -> Starlette:
    desk = Desk(db_url, Path(data_dir), workers=workers)
    warm_up()
    desk.start_workers()
    O, U = OFFICE, UNIT  # noqa: E741
    routes = [
        Route("/health", page(health, None)),
        Route("/setup", page(setup, None), methods=["GET", "POST"]),
        Route("/login", page(login, None), methods=["GET", "POST"]),
        Route("/logout", page(logout, "any"), methods=["POST"]),
        Route("/", page(home)),
        Route("/password", page(password, "any"), methods=["GET", "POST"]),
        Route("/unit", page(unit_home, U)),
        Route("/unit/workbook", page(workbook, U)),
        Route("/upload", page(upload, "any"), methods=["POST"]),
        Route("/units/{unit_id:int}", page(unit_view)),
        Route("/units/{unit_id:int}/workbook", page(workbook, O)),
        Route("/units/{unit_id:int}/password", page(reset_unit_password, O),
              methods=["POST"]),
        Route("/submission/{sub_id:int}", page(submission)),
        Route("/submission/{sub_id:int}/report.{kind}", page(report_file)),
        Route("/submission/{sub_id:int}/file", page(original)),
        Route("/submission/{sub_id:int}/review", page(review, O), methods=["POST"]),
        Route("/submission/{sub_id:int}/note", page(note, O), methods=["POST"]),
        Route("/office", page(dashboard, O)),
        Route("/office/units", page(add_unit, O), methods=["POST"]),
        Route("/office/units/import", page(import_units, O), methods=["POST"]),
        Route("/office/offices", page(add_office, O), methods=["POST"]),
        Route("/office/settings", page(settings, O), methods=["POST"]),
        Route("/office/summary.xlsx", page(summary_download, O)),
        Route("/office/approved.zip", page(approved_zip, O)),
        Route("/office/audit", page(audit_upload, O), methods=["POST"]),
        Route("/audit/{audit_id:int}", page(audit_view, O)),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=svc.MAX_UPLOAD + 256 * 1024),
            Middleware(SessionMiddleware, secret_key=secret_key(desk.data_dir),
                       session_cookie="desk_session", max_age=SESSION_HOURS * 3600,
                       same_site="lax", https_only=https_only),
        ],
        exception_handlers={HTTPException: not_found, 500: server_error},
    )
    app.state.desk = desk
    app.state.limiter = limiter or LoginLimiter()
    return app


def count_units(desk: Desk) -> int:
    with desk.session() as s:
        return s.scalar(select(func.count()).select_from(Unit)) or 0
