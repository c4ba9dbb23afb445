"""``make-report serve``: the office's web desk (the ``desk`` extra: Starlette, uvicorn …)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from make_report.core.errors import InputError


def _desk_modules() -> None:
    try:
        import argon2  # noqa: F401
        import sqlalchemy  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise InputError(f"网页报送平台需要额外的组件({exc.name}),请先安装:"
                         "pip install 'make-report[desk]'") from None


def _return_memory() -> None:
    """glibc keeps freed memory in per-thread arenas and, after a large block (an argon2
    hash is 19 MiB) is freed, serves later large blocks from them too; under many request
    threads the server would grow by hundreds of MB. A fixed mmap threshold (which also
    stops that adjustment) and two arenas keep it flat. No-op off glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
            libc.mallopt(-8, 2)  # M_ARENA_MAX
    except OSError:
        pass


def run(db: str | None, data_dir: Path, host: str, port: int, init: bool,
        backup: Path | None, office: str | None, admin: str | None,
        workers: int | None = None, https: bool = False) -> int:
    _desk_modules()
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        return _run(db, data_dir, host, port, init, backup, office, admin, workers, https)
    except ArgumentError:
        raise InputError("--db:数据库地址的写法无法识别。应写作 postgresql://用户:密码@主机/库,"
                         "或不写(使用数据文件夹中的 SQLite)。") from None
    except SQLAlchemyError:
        raise InputError(f"--db {_without_password(db)}:无法打开或连接该数据库。请检查主机、端口、"
                         "库名、用户名和密码,数据库服务是否已启动,SQLite 文件所在的文件夹是否存在。"
                         ) from None


def _without_password(db: str | None) -> str:
    """The database address as it may be shown: never its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(db).render_as_string(hide_password=True) if db else "(数据文件夹中的 SQLite)"
    except Exception:
        return ""


def _run(db: str | None, data_dir: Path, host: str, port: int, init: bool,
         backup: Path | None, office: str | None, admin: str | None,
         workers: int | None, https: bool) -> int:
    from make_report.desk.service import Desk, DeskError

    if db is None and not data_dir.exists() and not init:
        data_dir.mkdir(parents=True)
    desk = Desk(db, data_dir)
    if backup is not None:
        from make_report.desk.backup import backup as write_backup

        if backup.suffix.lower() != ".zip":
            raise InputError(f"{backup.name}:备份文件名应以 .zip 结尾。")
        rows, files = write_backup(desk, backup)
        typer.echo(f"已备份:{backup}({rows} 次上传,{files} 个文件)", err=True)
        return 0
    if init:
        if desk.initialized():
            raise InputError("该数据库已经有账号,不需要再初始化。")
        office = office or typer.prompt("公开办名称")
        admin = admin or typer.prompt("管理员登录名", default="admin")
        password = os.environ.get("MAKE_REPORT_INIT_PASSWORD") or typer.prompt(
            "管理员密码(至少 8 位)", hide_input=True, confirmation_prompt=True)
        if len(password) < 8:
            raise InputError("密码至少 8 位。")
        try:
            desk.init_admin(office, admin, password)
        except DeskError as exc:
            raise InputError(exc.message) from None
        typer.echo(f"已创建管理员账号 {admin}。", err=True)
        return 0
    import uvicorn

    _return_memory()

    from make_report.desk.app import create_app

    desk.engine.dispose()
    app = create_app(db, data_dir, workers=workers or os.cpu_count() or 1, https_only=https)
    typer.echo(f"报送平台已启动:http://{host}:{port}/ (按 Ctrl-C 停止)", err=True)
    if not app.state.desk.initialized():
        typer.echo("尚未创建管理员:打开上面的网址按提示创建,或运行 make-report serve --init。",
                   err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    timeout_graceful_shutdown=10)
    finally:
        app.state.desk.close()
    return 0
