"""Helpers for the web desk tests: workbooks built in code, a signed-in test client."""

from __future__ import annotations

import functools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "office-pass-2024"


def workbook_bytes(agency: str, year: int = 2024, seed: int = 4, bad: bool = False,
                   values: dict | None = None) -> bytes:
    """A filled workbook with one warning (section 六 left empty); ``bad`` also breaks one
    total so the checks find errors. The same arguments give the same bytes (made once)."""
    if values is None:
        return _workbook(agency, year, seed, bad)
    return _make_workbook(agency, year, seed, bad, values)


@functools.lru_cache(maxsize=64)
def _workbook(agency: str, year: int, seed: int, bad: bool) -> bytes:
    return _make_workbook(agency, year, seed, bad, None)


def _make_workbook(agency: str, year: int, seed: int, bad: bool, values: dict | None) -> bytes:
    report = consistent_report(FORMATS["2021"], seed=seed, agency=agency)
    report.year = year
    if values:
        report.values.update(values)
    report.narrative["other"] = []  # one warning (B2) for the office to confirm or dismiss
    if bad:
        key = "applications.new_received.6"
        report.values[key] = report.values[key] + 7
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wb.xlsx"
        write_workbook(report.format, path, report)
        return path.read_bytes()


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)


class Browserless:
    """A TestClient session: log in, post forms with the page's CSRF token."""

    def __init__(self, app) -> None:
        import warnings

        with warnings.catch_warnings():  # Starlette asks for httpx2; httpx works the same
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        self.client = TestClient(app, base_url="http://127.0.0.1", follow_redirects=True)
        self.token = ""

    def get(self, url: str, **kw):
        r = self.client.get(url, **kw)
        if "text/html" in r.headers.get("content-type", "") and CSRF.search(r.text):
            self.token = csrf_of(r.text)
        return r

    def post(self, url: str, data: dict | None = None, files: dict | None = None, **kw):
        if not self.token:
            self.get("/login")
        payload = {"csrf": self.token, **(data or {})}
        r = self.client.post(url, data=payload, files=files, **kw)
        if "text/html" in r.headers.get("content-type", "") and CSRF.search(r.text):
            self.token = csrf_of(r.text)
        return r

    def login(self, username: str, password: str):
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})

    def upload(self, data: bytes, name: str = "填好的.xlsx", unit_id: int | None = None):
        extra = {"unit_id": str(unit_id)} if unit_id else {}
        return self.post("/upload", extra, files={"file": (name, data, "application/octet-stream")})


def database_urls() -> list[str]:
    """SQLite always; PostgreSQL too when MAKE_REPORT_PG_URL names one (CI starts it)."""
    import os

    urls = ["sqlite"]
    if os.environ.get("MAKE_REPORT_PG_URL"):
        urls.append("postgresql")
    return urls


def fresh_database(kind: str) -> str | None:
    """None (the data folder's SQLite), or a PostgreSQL URL of this test process's own
    database (made on first use, every desk table dropped), so that two runs against one
    server do not meet."""
    import os

    if kind == "sqlite":
        return None
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from make_report.desk.models import Base, make_engine

    base = os.environ["MAKE_REPORT_PG_URL"]
    name = f"desk_test_{os.getpid()}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()
    return url


class Office:
    """A desk with an office administrator signed in, and helpers to add units."""

    def __init__(self, app) -> None:
        self.app = app
        self.desk = app.state.desk
        self.desk.init_admin("某县政务公开办", "admin", PASSWORD)
        self.desk.set_setting("year", "2024")
        self.web = Browserless(app)
        r = self.web.login("admin", PASSWORD)
        assert r.url.path == "/office", r.text

    def add_unit(self, name: str, **form) -> tuple[int, Browserless]:
        """Adds a unit through the page; returns its id and its clerk, signed in."""
        r = self.web.post("/office/units", {"name": name, **form})
        assert r.status_code == 200, r.text
        login, password = re.findall(r"<code>([^<]+)</code>", r.text)[:2]
        clerk = Browserless(self.app)
        r = clerk.login(login, password)
        assert r.url.path == "/unit", r.text
        from make_report.desk.models import Unit

        with self.desk.session() as s:
            from sqlalchemy import select

            unit_id = s.scalar(select(Unit.id).where(Unit.name == name))
        return unit_id, clerk


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "make_report.cli.main", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``make-report serve`` in a subprocess on 127.0.0.1, ready when /health answers."""

    def __init__(self, data_dir: Path, db: str | None) -> None:
        import httpx

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
                "--port", str(self.port), "--workers", "1"] + (["--db", db] if db else [])
        self.proc = subprocess.Popen([sys.executable, "-m", "make_report.cli.main", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(1200):  # bounded: at most about two minutes on a loaded machine
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.stderr.read().decode())
            try:
                if httpx.get(self.url + "/health", timeout=2).text == "ok":
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError("the server did not answer /health")

    def children(self) -> list[int]:
        """The server's child processes (its check workers), from /proc."""
        pid = self.proc.pid
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def kill(self) -> None:
        """SIGKILL: nothing of the server gets to clean up."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stderr.close()

    def client(self, username: str, password: str):
        import httpx

        c = httpx.Client(base_url=self.url, timeout=60)
        token = CSRF.search(c.get("/login").text).group(1)
        r = c.post("/login", data={"csrf": token, "username": username, "password": password})
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"], follow_redirects=True).text
        return c, CSRF.search(page).group(1)


def init_desk(data_dir: Path, db: str | None) -> None:
    extra = ["--db", db] if db else []
    done = cli("serve", "--init", "--data-dir", str(data_dir), "--office", "某县政务公开办",
                "--admin", "admin", *extra, env={"MAKE_REPORT_INIT_PASSWORD": PASSWORD})
    assert done.returncode == 0, done.stderr
    assert "已创建管理员账号 admin" in done.stderr
    again = cli("serve", "--init", "--data-dir", str(data_dir), "--office", "x", "--admin", "b",
                 *extra, env={"MAKE_REPORT_INIT_PASSWORD": PASSWORD})
    assert again.returncode == 2 and "已经有账号" in again.stderr


def add_unit_on(server: Server, name: str) -> tuple[str, str]:
    c, token = server.client("admin", PASSWORD)
    r = c.post("/office/units", data={"csrf": token, "name": name})
    login, password = re.findall(r"<code>([^<]+)</code>", r.text)[:2]
    c.close()
    return login, password
