"""What the desk does, without HTTP: accounts, units, uploads and their checks, reviews,
roll-ups. Views call these; tests can too. Checks and builds go through ``make_report.api``."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from make_report.desk.auth import hash_password, new_password
from make_report.desk.models import (
    Audit,
    FindingNote,
    Office,
    Setting,
    Submission,
    Unit,
    User,
    make_engine,
    migrate,
    now,
)
from make_report.desk.storage import Store, safe_name

WORKBOOK = {".xlsx"}
PUBLISHED = {".docx", ".html", ".htm", ".txt"}
MAX_UPLOAD = 20 * 1024 * 1024
"""Bytes; a year's workbook is well under 1 MB."""

STATUS_ZH = {"none": "未提交", "errors": "有错误", "pending": "待审核",
             "returned": "已退回", "approved": "已通过"}
STATUS_ORDER = ("none", "errors", "pending", "returned", "approved")


class DeskError(Exception):
    """A Chinese sentence for the user: the request cannot be done."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Checked:
    errors: int
    warnings: int
    findings: list[dict]
    unusable: str | None
    verdict: str


def check_file(path: Path, shown_name: str, year: int | None = None) -> Checked:
    """Run the command line's check on a stored file; the page shows the same sentences.
    ``year``: the year being collected (S2 when the workbook is another year's)."""
    from make_report import api
    from make_report.checks.verdict import verdict_sentence
    from make_report.core.errors import InputError

    try:
        result = api.check(path)
    except InputError as exc:
        return Checked(0, 0, [], exc.message, f"{shown_name}:无法读取。{exc.message}")
    except Exception as exc:  # never a traceback for a clerk; the file is kept for the office
        from make_report.core.errors import internal_error

        message = internal_error(exc)
        return Checked(0, 0, [], message, f"{shown_name}:{message}")
    if year is not None and result.report.year != year:
        from make_report.core.layout import workbook_layout
        from make_report.rules import finding

        fmt = result.report.format
        sheet, cell = fmt.meta_sheet, workbook_layout(fmt).meta_cells["year"]
        result.findings.add(finding("S2", f"{sheet}!{cell}", fields=("year",), sheet=sheet,
                                    cells=(cell,), expected=year, found=result.report.year))
    items = [f.as_dict() for f in sorted(result.findings,
                                         key=lambda f: ("error", "warning", "info").index(
                                             f.severity))]
    return Checked(len(result.findings.errors), len(result.findings.warnings), items, None,
                   verdict_sentence(result.findings, shown_name)[0])


def check_stored(path: Path, suffix: str, shown: str, year: int | None) -> Checked:
    """``check_file`` on a stored file, through a private copy named by its suffix only
    (a module-level function, so that a worker process can run it)."""
    with _private_copy(path, suffix) as copy:
        return check_file(copy, shown, year)


def build_stored(path: Path, suffix: str, kind: str) -> bytes | None:
    """The Word (or HTML) report of a stored workbook, as the CLI builds it; None when the
    workbook has errors."""
    from make_report import api

    with _private_copy(path, suffix) as copy:
        out = copy.with_name("report.docx")
        result = api.build(copy, out, html=(kind == "html"))
        if not result.written:
            return None
        return (out if kind == "docx" else out.with_suffix(".html")).read_bytes()


@contextlib.contextmanager
def _private_copy(path: Path, suffix: str):
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="desk.") as tmp:
        copy = Path(tmp) / f"upload{suffix}"
        shutil.copyfile(path, copy)
        yield copy


def _warm_worker() -> None:
    """A worker process's start: load the checks, and leave when the server is gone (a
    server killed with -9 cannot stop its workers; they notice they have a new parent)."""
    import os
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    import make_report.api
    import make_report.checks.validate
    import make_report.checks.verdict
    import make_report.writers.docx  # noqa: F401


def _loaded() -> None:
    """Nothing: run once per worker so that each has started before the desk answers."""


class Desk:
    """The desk's state: the database and the file store under one data folder.

    ``workers`` > 0 runs checks and builds in that many worker processes (``serve`` uses
    one per CPU: the checks are Python, so threads alone would use one core); 0 runs them
    in the calling thread."""

    def __init__(self, db_url: str | None, data_dir: Path, workers: int = 0) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{(self.data_dir / 'desk.sqlite3').resolve()}"
        self.engine = make_engine(self.db_url)
        migrate(self.engine)
        self.store = Store(self.data_dir)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.workers = workers
        self._pool = None
        self._pool_lock = threading.Lock()

    def _run(self, fn, *args):
        """``fn(*args)`` in a worker process when there are workers, else here."""
        if not self.workers:
            return fn(*args)
        from concurrent.futures.process import BrokenProcessPool

        future = self._run_async(fn, *args)
        pool = self._pool
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (out of memory?): start afresh next time
            with self._pool_lock:
                if self._pool is pool:
                    self._pool = None
            raise DeskError("服务器处理该文件时出错,文件已保存;请稍后重新上传或联系公开办。") from None

    def start_workers(self) -> None:
        """Start the worker processes now (each loads the checks), not at the first upload."""
        if self.workers:
            futures = [self._run_async(_loaded) for _ in range(self.workers)]
            for f in futures:
                f.result()

    def _run_async(self, fn, *args):
        with self._pool_lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_worker)
            return self._pool.submit(fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()

    def session(self) -> Session:
        return self.sessions()

    # ---- settings -------------------------------------------------------------------
    def setting(self, key: str, default: str) -> str:
        with self.session() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as s:
            row = s.get(Setting, key)
            if row:
                row.value = value
            else:
                s.add(Setting(key=key, value=value))
            s.commit()

    @property
    def year(self) -> int:
        return int(self.setting("year", str(dt.date.today().year - 1)))

    @property
    def deadline(self) -> dt.date:
        return dt.date.fromisoformat(self.setting("deadline", f"{self.year + 1}-01-31"))

    # ---- accounts and bodies --------------------------------------------------------
    def initialized(self) -> bool:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(User)) > 0

    def init_admin(self, office_name: str, username: str, password: str) -> User:
        """The first office and its administrator; refused once any account exists."""
        with self.session() as s:
            if s.scalar(select(func.count()).select_from(User)):
                raise DeskError("已经初始化过,不能再创建管理员。")
            office = Office(name=office_name.strip() or "政务公开办")
            s.add(office)
            s.flush()
            user = User(username=username.strip(), password_hash=hash_password(password),
                        role="office", office_id=office.id)
            s.add(user)
            s.commit()
            return user

    def add_user(self, s: Session, username: str, role: str, *, office_id: int | None = None,
                 unit_id: int | None = None, password: str | None = None) -> tuple[User, str]:
        username = username.strip()
        if not username or len(username) > 80:
            raise DeskError("登录名不能为空,且不超过 80 个字。")
        if s.scalar(select(User).where(User.username == username)):
            raise DeskError(f"登录名“{username}”已被使用,请换一个。")
        password = password or new_password()
        user = User(username=username, password_hash=hash_password(password), role=role,
                    office_id=office_id, unit_id=unit_id)
        s.add(user)
        s.flush()
        return user, password

    def office_ids(self, s: Session, office_id: int) -> list[int]:
        """The office and every office below it."""
        out, todo = [], [office_id]
        while todo:
            current = todo.pop()
            out.append(current)
            todo.extend(s.scalars(select(Office.id).where(Office.parent_id == current)))
        return out

    def add_office(self, user: User, name: str, username: str) -> tuple[Office, str]:
        name = name.strip()
        if not name or len(name) > 200:
            raise DeskError("公开办名称不能为空,且不超过 200 个字。")
        with self.session() as s:
            office = Office(name=name, parent_id=user.office_id)
            s.add(office)
            s.flush()
            _, password = self.add_user(s, username, "office", office_id=office.id)
            s.commit()
            return office, password

    def add_unit(self, user: User, name: str, username: str = "", rollup: bool = False,
                 office_id: int | None = None) -> tuple[Unit, str, str]:
        """A unit and its clerk's account; returns the login name and initial password."""
        name = " ".join(name.split())
        if not name or len(name) > 200:
            raise DeskError("单位名称不能为空,且不超过 200 个字。")
        with self.session() as s:
            target = office_id or user.office_id
            if target not in self.office_ids(s, user.office_id):
                raise DeskError("只能在本公开办或下级公开办中添加单位。")
            if s.scalar(select(Unit).where(Unit.office_id == target, Unit.name == name)):
                raise DeskError(f"单位“{name}”已经在名单中。")
            unit = Unit(office_id=target, name=name, rollup=rollup)
            s.add(unit)
            s.flush()
            login = username.strip() or f"u{unit.id:05d}"
            _, password = self.add_user(s, login, "unit", unit_id=unit.id)
            s.commit()
            return unit, login, password

    def add_units_from_excel(self, user: User, data: bytes) -> list[tuple[str, str, str]]:
        """Units from an Excel list: first column 单位名称, optional second column 登录名.
        All or nothing: one bad line and no unit is added."""
        rows = read_unit_list(data)
        out = []
        with self.session() as s:
            existing = set(s.scalars(select(Unit.name).where(Unit.office_id == user.office_id)))
            for n, (name, _login) in enumerate(rows, start=2):
                if name in existing:
                    raise DeskError(f"名单第 {n} 行:单位“{name}”已经在名单中。")
                existing.add(name)
            for name, login in rows:
                unit = Unit(office_id=user.office_id, name=name)
                s.add(unit)
                s.flush()
                login = login or f"u{unit.id:05d}"
                _, password = self.add_user(s, login, "unit", unit_id=unit.id)
                out.append((name, login, password))
            s.commit()
        return out

    def reset_password(self, user_id: int, password: str) -> None:
        with self.session() as s:
            account = s.get(User, user_id)
            if account is None:
                raise DeskError("账号不存在。")
            account.password_hash = hash_password(password)
            s.commit()

    # ---- what a user may see ------------------------------------------------------------
    def visible_unit(self, s: Session, user: User, unit_id: int) -> Unit | None:
        unit = s.get(Unit, unit_id)
        if unit is None:
            return None
        if user.role == "unit":
            return unit if unit.id == user.unit_id else None
        return unit if unit.office_id in self.office_ids(s, user.office_id) else None

    def visible_submission(self, s: Session, user: User, sub_id: int) -> Submission | None:
        sub = s.get(Submission, sub_id)
        if sub is None or self.visible_unit(s, user, sub.unit_id) is None:
            return None
        return sub

    # ---- uploads ------------------------------------------------------------------------
    def submit(self, user: User, unit_id: int, filename: str, data: bytes) -> Submission:
        suffix = upload_suffix(filename, WORKBOOK)
        if len(data) > MAX_UPLOAD:
            raise DeskError(f"文件超过 {MAX_UPLOAD // 1024 // 1024} MB,请确认是否选错了文件。")
        if not data:
            raise DeskError("文件是空的,请重新选择填写好的工作簿。")
        shown = display_name(filename)
        with self.session() as s:
            unit = self.visible_unit(s, user, unit_id)
            if unit is None:
                raise DeskError("没有这个单位。")
            year = self.year
        digest = self.store.put(data)  # durable before the row that names it
        checked = self._run(check_stored, self.store.path(digest), suffix, shown, year)
        with self.session() as s:
            sub = Submission(unit_id=unit_id, year=year, filename=shown, suffix=suffix,
                             sha256=digest, size=len(data), uploaded_by=user.id,
                             errors=checked.errors, warnings=checked.warnings,
                             unusable=checked.unusable, findings=checked.findings,
                             verdict=checked.verdict)
            s.add(sub)
            s.commit()
            return sub

    def audit(self, user: User, filename: str, data: bytes) -> Audit:
        suffix = upload_suffix(filename, PUBLISHED | _pdf())
        if len(data) > MAX_UPLOAD:
            raise DeskError(f"文件超过 {MAX_UPLOAD // 1024 // 1024} MB。")
        shown = display_name(filename)
        digest = self.store.put(data)
        checked = self._run(check_stored, self.store.path(digest), suffix, shown, None)
        with self.session() as s:
            row = Audit(office_id=user.office_id, filename=shown, suffix=suffix, sha256=digest,
                        size=len(data), uploaded_by=user.id, errors=checked.errors,
                        warnings=checked.warnings, unusable=checked.unusable,
                        findings=checked.findings, verdict=checked.verdict)
            s.add(row)
            s.commit()
            return row

    # ---- status ---------------------------------------------------------------------
    def latest(self, s: Session, unit_ids: list[int], year: int) -> dict[int, Submission]:
        if not unit_ids:
            return {}
        newest = (select(Submission.unit_id, func.max(Submission.id).label("sid"))
                  .where(Submission.year == year, Submission.unit_id.in_(unit_ids))
                  .group_by(Submission.unit_id).subquery())
        rows = s.scalars(select(Submission).join(newest, Submission.id == newest.c.sid))
        return {r.unit_id: r for r in rows}

    def notes(self, s: Session, sub_id: int) -> dict[int, FindingNote]:
        """The latest note on each finding of a submission."""
        out: dict[int, FindingNote] = {}
        for note in s.scalars(select(FindingNote).where(FindingNote.submission_id == sub_id)
                              .order_by(FindingNote.id)):
            out[note.position] = note
        return out

    def note_history(self, s: Session, sub_id: int) -> list[FindingNote]:
        return list(s.scalars(select(FindingNote).where(FindingNote.submission_id == sub_id)
                              .order_by(FindingNote.id)))

    def blocking(self, s: Session, sub: Submission) -> list[int]:
        """Findings that stop approval: every error, and warnings not dismissed."""
        notes = self.notes(s, sub.id)
        out = []
        for i, f in enumerate(sub.findings or []):
            if f["severity"] == "error":
                out.append(i)
            elif f["severity"] == "warning":
                note = notes.get(i)
                if note is None or note.decision != "dismissed":
                    out.append(i)
        return out

    # ---- review ---------------------------------------------------------------------
    def review(self, user: User, sub_id: int, decision: str, reason: str) -> Submission:
        reason = reason.strip()
        with self.session() as s:
            sub = self.visible_submission(s, user, sub_id)
            if sub is None or user.role != "office":
                raise DeskError("没有这份报告。")
            newest = self.latest(s, [sub.unit_id], sub.year).get(sub.unit_id)
            if newest is None or newest.id != sub.id:
                raise DeskError("该单位已经上传了更新的版本,请审核最新版本。")
            if decision == "returned":
                if not reason:
                    raise DeskError("退回时请写明原因,单位会看到这段话。")
            elif decision == "approved":
                if sub.unusable or sub.errors:
                    raise DeskError("有错误的报告不能通过,请退回。")
                if self.blocking(s, sub):
                    raise DeskError("还有未排除的警告:请逐条确认或排除(写明理由)后再通过。")
            else:
                raise DeskError("未知的操作。")
            sub.review, sub.review_reason = decision, reason or None
            sub.reviewed_by, sub.reviewed_at = user.id, now()
            s.commit()
            return sub

    def note(self, user: User, sub_id: int, position: int, decision: str, reason: str) -> None:
        reason = reason.strip()
        if decision not in ("confirmed", "dismissed"):
            raise DeskError("未知的操作。")
        if not reason:
            raise DeskError("请写明确认或排除的理由。")
        with self.session() as s:
            sub = self.visible_submission(s, user, sub_id)
            if sub is None or user.role != "office":
                raise DeskError("没有这份报告。")
            if not 0 <= position < len(sub.findings or []):
                raise DeskError("没有这条问题。")
            s.add(FindingNote(submission_id=sub.id, position=position, decision=decision,
                              reason=reason[:2000], by=user.id))
            s.commit()

    # ---- outputs --------------------------------------------------------------------
    def build(self, sub: Submission, kind: str) -> bytes:
        """The Word (or HTML) report of a submission without errors, built as the CLI does."""
        if sub.unusable or sub.errors:
            raise DeskError("报告有错误,改正并重新上传后才能生成。")
        data = self._run(build_stored, self.store.path(sub.sha256), sub.suffix, kind)
        if data is None:
            raise DeskError("报告有错误,改正并重新上传后才能生成。")
        return data

    def prefilled_workbook(self, unit: Unit, year: int) -> bytes:
        """This year's workbook with the unit's name and year; last year's carry-over
        when last year's report (approved, else the newest without errors) is on the desk."""
        import tempfile

        from make_report import api

        with self.session() as s:
            last = s.scalars(select(Submission).where(
                Submission.unit_id == unit.id, Submission.year == year - 1,
                Submission.errors == 0, Submission.unusable.is_(None))
                .order_by((Submission.review == "approved").desc(), Submission.id.desc())
            ).first()
        with tempfile.TemporaryDirectory(prefix="desk.") as tmp:
            out = Path(tmp) / "workbook.xlsx"
            if last is not None:
                with self.store.as_file(last.sha256, last.suffix) as prev:
                    api.template(out, agency=unit.name, previous=prev)
            else:
                api.template(out, year=year, agency=unit.name)
            return out.read_bytes()

    def summary_items(self, s: Session, units: list[Unit], subs: dict[int, Submission]):
        """Each unit's newest upload as a roll-up line, named by the unit."""
        from make_report import api
        from make_report.app.summary import SummaryItem, item_from_check
        from make_report.core.errors import InputError

        items = []
        for unit in units:
            sub = subs.get(unit.id)
            if sub is None:
                continue
            with self.store.as_file(sub.sha256, sub.suffix) as path:
                try:
                    item = item_from_check(api.check(path))
                except InputError as exc:
                    item = SummaryItem(unit.name, None, None, "unusable", exc.message)
            items.append((unit, sub, item._replace(source=unit.name)))
        return items

    def summary_workbook(self, user: User, year: int) -> bytes:
        import tempfile

        from make_report.app.summary import write_summary

        with self.session() as s:
            units = self.units_of(s, user)
            subs = self.latest(s, [u.id for u in units], year)
            items = [i for _, _, i in self.summary_items(s, [u for u in units if not u.rollup],
                                                          subs)]
        with tempfile.TemporaryDirectory(prefix="desk.") as tmp:
            out = Path(tmp) / "summary.xlsx"
            write_summary(items, out)
            return out.read_bytes()

    def approved_zip(self, user: User, year: int) -> bytes:
        buf = io.BytesIO()
        with self.session() as s:
            units = self.units_of(s, user)
            subs = self.latest(s, [u.id for u in units], year)
            chosen = [(u, subs[u.id]) for u in units
                      if u.id in subs and subs[u.id].review == "approved"]
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            used: set[str] = set()
            for unit, sub in chosen:
                name = f"{safe_name(unit.name)}{year}年政府信息公开工作年度报告"
                if name in used:
                    name += f"_{unit.id}"
                used.add(name)
                zf.writestr(f"{name}.docx", self.build(sub, "docx"))
        return buf.getvalue()

    def units_of(self, s: Session, user: User) -> list[Unit]:
        if user.role == "unit":
            return list(s.scalars(select(Unit).where(Unit.id == user.unit_id)))
        return list(s.scalars(select(Unit).where(Unit.office_id.in_(
            self.office_ids(s, user.office_id))).order_by(Unit.office_id, Unit.id)))

    def rollup_findings(self, s: Session, unit: Unit, year: int) -> tuple[list[dict], str]:
        """S1: a body's own roll-up report against the sum of its units' reports.

        Returns findings and a note; checked only when every unit's newest upload passes."""
        from make_report.app.summary import rollups
        from make_report.core.findings import place
        from make_report.rules import finding

        members = [u for u in s.scalars(select(Unit).where(Unit.office_id == unit.office_id))
                   if not u.rollup]
        subs = self.latest(s, [unit.id] + [u.id for u in members], year)
        if unit.id not in subs or not members:
            return [], ""
        missing = [u.name for u in members if u.id not in subs]
        if missing:
            return [], f"尚有 {len(missing)} 个单位未上传报告,暂不核对汇总。"
        lines = self.summary_items(s, [unit, *members], subs)
        own = lines[0][2]
        parts = [i for _, _, i in lines[1:]]
        bad = [i.source for i in parts if not i.included]
        if not own.included or bad:
            return [], f"有 {len(bad)} 个单位的报告未通过检查,暂不核对汇总。"
        sums = [r for r in rollups(parts) if r.format.id == own.report.format.id]
        if not sums or len(sums[0].sources) != len(parts):
            return [], "各单位的报告格式与汇总报告不一致,无法核对。"
        fmt, total = own.report.format, sums[0].values
        out = []
        for f in fmt.fields:
            have, want = own.report.value(f.key), total[f.key]
            if have != want:
                prefix, _, _ = place([f.key], None, f.label, fmt.table_name(f.table))
                out.append(finding("S1", prefix, table=f.table, row=f.row,
                                   column=f.column_index, fields=(f.key,), expected=want,
                                   found=have, count=len(parts)).as_dict())
        return out, "" if out else f"汇总报告与 {len(parts)} 个单位的合计逐格相符。"


def upload_suffix(filename: str, allowed: set[str]) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in allowed:
        kinds = "、".join(sorted(allowed))
        raise DeskError(f"只能上传 {kinds} 文件。")
    return suffix


def display_name(filename: str) -> str:
    """The upload's name as shown on the page: its last path part, bounded in length."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-120:] or "upload"


def _pdf() -> set[str]:
    from make_report import api

    return {".pdf"} if ".pdf" in api.PUBLISHED else set()


def read_unit_list(data: bytes) -> list[tuple[str, str]]:
    """Names (and optional login names) from the first sheet; a header row is skipped."""
    from make_report.core.errors import InputError

    if len(data) > MAX_UPLOAD:
        raise DeskError("名单文件太大。")
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        raw = []
        for n, row in enumerate(ws.iter_rows(max_col=2, values_only=True)):
            if n > 5000:
                raise DeskError("名单超过 5000 行,请分批添加。")
            raw.append(row)
        wb.close()
    except DeskError:
        raise
    except (InputError, Exception) as exc:  # not an .xlsx the library can read
        raise DeskError("无法读取名单:请上传 .xlsx 文件,第一列为单位名称。") from exc
    out: list[tuple[str, str]] = []
    for n, row in enumerate(raw):
        cells = [("" if c is None else " ".join(str(c).split())) for c in (*row, None, None)[:2]]
        name, login = cells
        if n == 0 and name in ("单位名称", "名称", "单位"):
            continue
        if not name:
            continue
        if len(name) > 200:
            raise DeskError(f"名单第 {n + 1} 行:单位名称超过 200 个字。")
        out.append((name, login))
    if not out:
        raise DeskError("名单中没有单位名称(第一列)。")
    return out
