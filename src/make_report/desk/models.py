"""The desk's tables (SQLAlchemy 2), and a small versioned migration step.

SQLite (WAL, synchronous=FULL) is the embedded default; the same tables run on PostgreSQL.
Files are never stored in the database: a submission names its file by content hash
(see ``storage.py``), so a row is committed only after its file is safely on disk.

Migrations: ``SCHEMA_VERSION`` and ``MIGRATIONS`` below. A new database gets the current
tables from the metadata; an older one runs each step after its recorded version. This is
simpler than Alembic for a handful of tables and keeps the desk a single command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Office(Base):
    """A disclosure office (政务公开办); a city office has county offices below it."""

    __tablename__ = "office"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Unit(Base):
    """A body that reports to an office. ``rollup`` marks the office's own roll-up report
    (e.g. the county's report over its units), which must equal the sum of the units."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    rollup: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    office: Mapped[Office] = relationship()


class User(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # "office" or "unit"
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class CheckedUpload:
    """The columns an upload and its check share (a submission, an audited report): the
    stored file by content hash, who and when, and what the checks found."""

    filename: Mapped[str] = mapped_column(String(255))  # shown only, never a path
    suffix: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    unusable: Mapped[str | None] = mapped_column(Text)  # the InputError sentence
    verdict: Mapped[str] = mapped_column(Text, default="")  # the CLI's one-line verdict
    findings: Mapped[list] = mapped_column(JSON, default=list)


class Submission(CheckedUpload, Base):
    """One upload, kept forever: who, when, the stored file, what the checks found."""

    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    review: Mapped[str | None] = mapped_column(String(10))  # None, "returned", "approved"
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    unit: Mapped[Unit] = relationship()


class FindingNote(Base):
    """The office's word on one finding of one submission: confirmed or dismissed, why."""

    __tablename__ = "finding_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the finding's place in the list
    decision: Mapped[str] = mapped_column(String(10))  # "confirmed" or "dismissed"
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Audit(CheckedUpload, Base):
    """A published report (.docx/.html/.txt) the office uploaded to audit."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)


SCHEMA_VERSION = 1
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Step n brings a version n-1 database to version n (none yet beyond the first)."""


def make_engine(url: str) -> Engine:
    """An engine; for SQLite: WAL, full fsync on commit, foreign keys, a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        # a connection for each request thread (anyio's default is 40): none is opened
        # and closed per request under load
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=40, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> int:
    """Create or upgrade the tables; returns the schema version now in place."""
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        row = conn.execute(select(Setting.value).where(Setting.key == "schema")).first()
        version = int(row[0]) if row else 0
        if version == 0:
            conn.execute(Setting.__table__.insert().values(key="schema",
                                                           value=str(SCHEMA_VERSION)))
            return SCHEMA_VERSION
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](conn)
        if version != SCHEMA_VERSION:
            conn.execute(text("UPDATE setting SET value = :v WHERE key = 'schema'"),
                         {"v": str(SCHEMA_VERSION)})
    return SCHEMA_VERSION
