"""A consistent copy of the desk while it serves: the database as one SQLite file and every
stored file it names, in one .zip that unpacks into a data folder ``serve`` can start from.

SQLite is copied with SQLite's online backup API (a consistent snapshot even while the
server writes); PostgreSQL is copied table by table inside one REPEATABLE READ transaction
(one snapshot; no pg_dump needed). Stored files never change once written (content hash),
and every row's file is on disk before the row is committed, so copying the files named in
the snapshot afterwards gives a consistent pair.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import create_engine, select

from make_report.desk.models import Audit, Base, Submission
from make_report.desk.service import Desk
from make_report.writers.atomic import atomic_output

DB_NAME = "desk.sqlite3"


def backup(desk: Desk, target: Path) -> tuple[int, int]:
    """Write the backup .zip; returns (rows of submissions, stored files copied)."""
    with tempfile.TemporaryDirectory(prefix="desk-backup.") as tmp:
        copy = Path(tmp) / DB_NAME
        if desk.engine.dialect.name == "sqlite":
            raw = desk.engine.raw_connection()
            try:
                dst = sqlite3.connect(copy)
                raw.driver_connection.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                dst.close()
            finally:
                raw.close()
        else:
            _copy_tables(desk, copy)
        engine = create_engine(f"sqlite:///{copy}")
        with engine.connect() as conn:
            hashes = set(conn.scalars(select(Submission.sha256)))
            hashes |= set(conn.scalars(select(Audit.sha256)))
            rows = len(list(conn.scalars(select(Submission.id))))
        engine.dispose()
        with atomic_output(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(copy, DB_NAME)
            for digest in sorted(hashes):
                zf.write(desk.store.path(digest), f"files/{digest[:2]}/{digest}")
    return rows, len(hashes)


def _copy_tables(desk: Desk, copy: Path) -> None:
    dst = create_engine(f"sqlite:///{copy}")
    Base.metadata.create_all(dst)
    with desk.engine.connect().execution_options(isolation_level="REPEATABLE READ") as src, \
            dst.begin() as out:
        with src.begin():
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(table.select())]
                if rows:
                    out.execute(table.insert(), rows)
    dst.dispose()
