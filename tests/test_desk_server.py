"""The desk as a real server process: --init, kill -9 at any moment, --backup while serving.

The server runs as ``make-report serve`` on 127.0.0.1; readiness is polled on /health
(bounded), never waited for by the clock."""

from __future__ import annotations

import hashlib
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")

from desk_support import (  # noqa: E402
    Server,
    add_unit_on,
    cli,
    database_urls,
    fresh_database,
    init_desk,
    workbook_bytes,
)


@pytest.fixture(params=database_urls())
def db(request):
    return fresh_database(request.param)


def _upload(c: httpx.Client, token: str, data: bytes, name: str) -> int:
    r = c.post("/upload", data={"csrf": token},
               files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


@contextmanager
def _unit_on_a_running_desk(tmp_path: Path, db: str | None):
    """A new desk served as a real process with one unit logged in; killed on the way out."""
    data_dir = tmp_path / "desk"
    init_desk(data_dir, db)
    server = Server(data_dir, db)
    try:
        login, password = add_unit_on(server, "某镇人民政府")
        c, token = server.client(login, password)
        yield data_dir, server, (login, password), c, token
    finally:
        server.kill()


def _consistent(data_dir: Path, db: str | None) -> list[tuple[int, str, str]]:
    """Every submission row's stored file exists and has the row's hash."""
    from sqlalchemy import select

    from make_report.desk.models import Submission
    from make_report.desk.service import Desk

    desk = Desk(db, data_dir)
    with desk.session() as s:
        rows = [(r.id, r.filename, r.sha256) for r in s.scalars(select(Submission))]
    for _, _, digest in rows:
        assert hashlib.sha256(desk.store.read(digest)).hexdigest() == digest
    desk.engine.dispose()
    return rows


def _production_hashes(data_dir: Path) -> None:
    """Every account's password hash (made by the server and the CLI) is argon2id with the
    desk's production parameters: 19 MiB, 2 passes."""
    from sqlalchemy import select

    from make_report.desk.auth import PRODUCTION
    from make_report.desk.models import User
    from make_report.desk.service import Desk

    want = f"$argon2id$v=19$m={PRODUCTION.memory_cost},t={PRODUCTION.time_cost},p=1$"
    assert PRODUCTION.memory_cost >= 19 * 1024 and PRODUCTION.time_cost >= 2
    desk = Desk(None, data_dir)
    with desk.session() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    desk.engine.dispose()
    assert len(hashes) == 2 and all(h.startswith(want) for h in hashes), hashes


def test_an_acknowledged_upload_survives_kill_9(tmp_path, db):
    with _unit_on_a_running_desk(tmp_path, db) as (data_dir, server, account, c, token):
        sent = {f"第{i}版.xlsx": workbook_bytes("某镇人民政府", seed=i) for i in range(7)}
        acknowledged: dict[int, str] = {}
        enough = threading.Event()

        def keep_uploading() -> None:
            for name, data in sent.items():
                try:
                    acknowledged[_upload(c, token, data, name)] = name
                except (httpx.HTTPError, AssertionError):
                    return  # the server died under this request: not acknowledged
                if len(acknowledged) == 4:
                    enough.set()
            enough.set()

        worker = threading.Thread(target=keep_uploading)
        worker.start()
        assert enough.wait(timeout=300)
        workers = server.children()
        assert workers  # checks run in worker processes …
        server.kill()  # while the fifth upload is on its way
        worker.join(timeout=120)
        c.close()
    assert len(acknowledged) >= 4
    for _ in range(600):  # … which leave by themselves when the server is killed
        if not [p for p in workers if Path(f"/proc/{p}").exists()]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"worker processes outlived the killed server: {workers}")
    rows = {sid: (name, digest) for sid, name, digest in _consistent(data_dir, db)}
    for sid, name in acknowledged.items():
        assert rows[sid][0] == name
        assert rows[sid][1] == hashlib.sha256(sent[name]).hexdigest()
    server = Server(data_dir, db)  # and the restarted desk shows them
    try:
        c, _ = server.client(*account)
        for sid, name in acknowledged.items():
            page = c.get(f"/submission/{sid}")
            assert page.status_code == 200 and name in page.text
            assert c.get(f"/submission/{sid}/file").content == sent[name]
        c.close()
    finally:
        server.kill()


def test_backup_while_serving_restores_into_a_working_desk(tmp_path, db):
    with _unit_on_a_running_desk(tmp_path, db) as (data_dir, server, account, c, token):
        first = workbook_bytes("某镇人民政府", seed=1)
        sid = _upload(c, token, first, "第一版.xlsx")
        stop = threading.Event()

        def keep_uploading() -> None:  # the desk keeps working during the backup
            for i in range(20):
                if stop.is_set():
                    return
                _upload(c, token, workbook_bytes("某镇人民政府", seed=i % 3), f"{i}.xlsx")

        worker = threading.Thread(target=keep_uploading)
        worker.start()
        extra = ["--db", db] if db else []
        done = cli("serve", "--backup", str(tmp_path / "备份.zip"), "--data-dir",
                    str(data_dir), *extra)
        stop.set()
        worker.join(timeout=300)
        c.close()
        assert done.returncode == 0, done.stderr
        assert "已备份" in done.stderr
    restored = tmp_path / "restored"
    with zipfile.ZipFile(tmp_path / "备份.zip") as zf:
        zf.extractall(restored)
    rows = _consistent(restored, None)  # the backup is always a SQLite data folder
    assert sid in [r[0] for r in rows]
    _production_hashes(restored)
    server = Server(restored, None)
    try:
        c, _ = server.client(*account)
        assert c.get(f"/submission/{sid}/file").content == first
        assert "第一版.xlsx" in c.get("/unit").text
        c.close()
    finally:
        server.kill()
