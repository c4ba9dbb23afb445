"""Many workbooks at once, for disclosure offices: parallel, isolated, resumable by eye.

Each workbook is built in a worker process by the task the caller hands in
(``api.batch_item``); one bad file becomes one line of the report, never a stopped run. Outputs mirror the input folders and are named after the
workbook, so two files can never race for one output name.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_NAME = "batch-report.json"


@dataclass(frozen=True)
class BatchOptions:
    html: bool = False
    force: bool = False
    templates: Path | None = None
    reference_docx: Path | None = None


@dataclass
class BatchItem:
    file: str
    status: str  # built / errors / unusable / timeout / not_done
    agency: str = ""
    year: int | None = None
    format: str = ""
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    message: str = ""
    findings: list[dict] = field(default_factory=list)
    ratios: list[dict] = field(default_factory=list)
    """The key ratios (实质公开率, 纠错率, each result's share) a reviewer reads."""


@dataclass
class BatchRun:
    """What a batch over a folder did: one item per file, the JSON record, and whether
    Ctrl-C stopped it (``not_done``: the files it left)."""

    items: list[BatchItem]
    report: Path
    interrupted: bool = False
    finished: int = 0
    not_done: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 every file built, 1 some file has errors or could not be read, 2 interrupted."""
        if self.interrupted:
            return 2
        return 0 if all(i.status == "built" for i in self.items) else 1


def run_folder(folder: Path, outdir: Path | None, options: BatchOptions, jobs: int | None,
               *, task: Task, progress: Callable[[int, BatchItem | None], None] | None = None,
               hold_on_interrupt: bool = False) -> BatchRun:
    """Build every workbook below ``folder`` into ``outdir`` (default ``folder/报告``)
    and write batch-report.json there. ``progress(total, None)`` is called once the folder
    and the output folder are known to be usable, then ``progress(total, item)`` per file.
    Ctrl-C: the record is still written whole, with the files left as not done; with
    ``hold_on_interrupt`` Ctrl-C then stays ignored until ``release_interrupts``."""
    from make_report.core.errors import InputError

    if not folder.is_dir():
        raise InputError(f"{folder}:文件夹不存在。")
    outdir = outdir or folder / "报告"
    if not outdir.parent.is_dir():
        raise InputError(f"{outdir}:上级文件夹“{outdir.parent}”不存在。")
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}:已有同名的文件,不能用作输出文件夹。请用 -o 指定其他文件夹。")
    paths, problems = find_inputs(folder, skip=outdir)
    if not paths and not problems:
        raise InputError(f"{folder}:文件夹中没有 .xlsx 工作簿。")
    try:
        outdir.mkdir(exist_ok=True)
    except OSError as exc:
        from make_report.core.errors import folder_error

        raise folder_error(outdir, exc, writing=True) from None
    if not os.access(outdir, os.W_OK | os.X_OK):  # before any work, not at the record
        raise InputError(f"{outdir}:输出文件夹不可写(只读或没有权限),请用 -o 换一个位置。")
    if progress is not None:
        progress(len(paths), None)
    interrupted = False
    try:
        items = run_batch(paths, folder, outdir, options, jobs, task=task,
                          progress=(lambda item: progress(len(paths), item))
                          if progress is not None else None,
                          hold_on_interrupt=True)
    except (BatchInterrupted, KeyboardInterrupt) as exc:
        hold_interrupts()  # the record is written whole, however often Ctrl-C is pressed
        items, interrupted = getattr(exc, "items", []), True
    finished = {i.file for i in items}
    not_done = [n for n in (str(p.relative_to(folder)) for p in paths) if n not in finished]
    items = items + problems
    report = write_report(items, outdir, interrupted, not_done if interrupted else None)
    if interrupted and not hold_on_interrupt:
        release_interrupts()
    return BatchRun(items, report, interrupted, len(finished), not_done if interrupted else [])


def find_workbooks(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every workbook below ``folder`` (see ``find_inputs``), without the entries left out."""
    return find_inputs(folder, skip)[0]


def find_inputs(folder: Path, skip: Path | None = None, suffixes: tuple[str, ...] = (".xlsx",)
                ) -> tuple[list[Path], list[BatchItem]]:
    """Every .xlsx (any case: .XLSX, .Xlsx; or other ``suffixes``) below ``folder``, and an unusable item for
    each entry that could not be looked at: a folder without permission, a linked folder
    (never followed: it could loop). Left out without a word are only Excel's ~$ lock
    files, hidden files (our own temporaries among them) and ``skip``, this run's output
    folder; a folder that merely has its name is read."""
    found: list[Path] = []
    problems: list[BatchItem] = []
    skip_real = os.path.realpath(skip) if skip is not None else None

    def unreadable(exc: OSError) -> None:
        from make_report.core.errors import folder_error

        where = Path(exc.filename or folder)
        name = _relative(where, folder)
        name = (Path(folder).resolve().name or str(folder)) if name == "." else name
        problems.append(BatchItem(name, "unusable", message=folder_error(name, exc).message))

    for top, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(top)
        kept = []
        for d in sorted(dirs):
            path = here / d
            if skip_real is not None and os.path.realpath(path) == skip_real:
                continue
            if path.is_symlink():
                name = _relative(path, folder)
                problems.append(BatchItem(name, "unusable", message=f"{name}:这是指向其他位置的"
                                          "快捷方式(符号链接),未进入读取。请把其中的工作簿复制到本文件夹。"))
                continue
            kept.append(d)
        dirs[:] = kept
        for f in sorted(files):
            if f.lower().endswith(suffixes) and not f.startswith(("~$", ".")):
                found.append(here / f)
    return sorted(found), problems


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root)) or "."
    except ValueError:
        return str(path)


def output_for(path: Path, root: Path, outdir: Path, suffix: str) -> Path:
    """Where a workbook's report goes: the same place below ``outdir``; a character in
    its name that could disguise it (a bidi override, ESC, a zero-width space) is written
    as ``_u202e_``, so the report's name shows what was there and two names never meet."""
    from make_report.core.safe import UNSAFE

    parts = [UNSAFE.sub(lambda m: f"_u{ord(m.group()):04x}_", part)
             for part in path.relative_to(root).parts]
    return outdir.joinpath(*parts).with_suffix(suffix)


FILE_TIMEOUT = 300.0
"""Seconds one workbook may take; a report takes about one. Past it the file is 超时."""
MAX_JOBS = 32
RECYCLE_AFTER = 200
"""Files a worker builds before a fresh one takes over (memory never creeps up)."""


def max_jobs() -> int:
    """Workers worth running on this machine: its usable cores (at most ``MAX_JOBS``)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


Task = Callable[[Path, Path, Path, BatchOptions], BatchItem]
"""Builds one workbook as its item and never raises: ``api.batch_item`` (handed in, since
this layer sits below the API)."""


def run_batch(paths: list[Path], root: Path, outdir: Path, options: BatchOptions,
              jobs: int | None = None,
              progress: Callable[[BatchItem], None] | None = None, *,
              task: Task, timeout: float = FILE_TIMEOUT,
              hold_on_interrupt: bool = False) -> list[BatchItem]:
    """Build every path in worker processes; return one item per path.

    A worker that dies (killed for lack of memory, say) or runs past ``timeout`` costs
    only its file, which is recorded as unusable or ``timeout``; a fresh worker goes on.
    Ctrl-C: no new files start, the ones under way finish and are recorded, then
    ``BatchInterrupted`` carries every finished item; a second Ctrl-C stops the ones
    under way at once (their outputs were never put in place). With ``hold_on_interrupt``
    Ctrl-C stays ignored after ``BatchInterrupted`` until the caller, having written its
    record, calls ``release_interrupts``.
    """
    import make_report.writers.docx
    import make_report.writers.html  # noqa: F401  (loaded once, before the workers fork)

    jobs = max(1, min(jobs or max_jobs(), max_jobs(), len(paths) or 1))
    pool = _Pool(jobs, task, root, outdir, options, timeout)
    items: list[BatchItem] = []

    def record(item: BatchItem) -> None:
        items.append(item)
        if progress:
            try:
                progress(item)
            except KeyboardInterrupt:
                pool.interrupts += 1

    # Ctrl-C only counts: the loop looks at the count where stopping loses nothing
    previous = _set_interrupt_handler(pool.interrupted)
    try:
        pool.run(list(paths), record)
    except KeyboardInterrupt:  # pressed before our handler was in place
        pool.interrupts += 1
    finally:
        if pool.interrupts and hold_on_interrupt:
            hold_interrupts()  # until the caller has recorded them: release_interrupts()
        elif previous is not None:
            signal.signal(signal.SIGINT, previous)
        pool.stop()
    if pool.interrupts:
        raise BatchInterrupted(items)
    return items


def _set_interrupt_handler(handler: Callable[[int, object], None]) -> object | None:
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, handler)


class _Worker:
    """One process building one file at a time; its pipe carries paths and items."""

    def __init__(self, ctx, task: Task, root: Path, outdir: Path, options: BatchOptions) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, task, root, outdir, options),
                                   daemon=True)
        self.process.start()
        child.close()
        self.path: Path | None = None
        self.started = 0.0
        self.done = 0

    def give(self, path: Path) -> None:
        self.path, self.started = path, time.monotonic()
        self.conn.send(path)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _serve(conn, task: Task, root: Path, outdir: Path, options: BatchOptions) -> None:
    """The worker's loop: Ctrl-C is the parent's to handle, never a worker's traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            item = task(path, root, outdir, options)
        except BaseException:
            os._exit(70)
        conn.send(item)


class _Pool:
    def __init__(self, jobs: int, task: Task, root: Path, outdir: Path, options: BatchOptions,
                 timeout: float) -> None:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.args = (task, root, outdir, options)
        self.root, self.outdir, self.timeout = root, outdir, timeout
        self.jobs = jobs
        self.workers: list[_Worker] = []
        self.interrupts = 0

    def interrupted(self, *_: object) -> None:
        self.interrupts += 1

    def _spawn(self) -> _Worker:
        worker = _Worker(self.ctx, *self.args)
        self.workers.append(worker)
        return worker

    def run(self, paths: list[Path], record: Callable[[BatchItem], None]) -> None:
        """Until every path is done; after one Ctrl-C, until the ones under way are;
        after two, at once."""
        queue = list(reversed(paths))
        while self.interrupts < 2 and ((queue and not self.interrupts) or self.busy()):
            while queue and not self.interrupts and len(self.busy()) < self.jobs:
                idle = next((w for w in self.workers if w.path is None), None) or self._spawn()
                idle.give(queue.pop())
            if self.busy():
                self.collect(record)

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.path is not None]

    def collect(self, record: Callable[[BatchItem], None]) -> None:
        """Wait for a result, a death or a deadline; record whatever happened."""
        from multiprocessing.connection import wait as wait_any

        busy = self.busy()
        deadline = min(w.started for w in busy) + self.timeout
        waits = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        # a short wait: Ctrl-C only sets a count, which is looked at in between
        ready = set(wait_any(waits, timeout=min(0.2, max(0.0, deadline - time.monotonic()))))
        for worker in busy:
            self._check(worker, ready, record)

    def _check(self, worker: _Worker, ready: set, record: Callable[[BatchItem], None]) -> None:
        path = worker.path
        assert path is not None
        if worker.conn in ready or worker.process.sentinel in ready:
            try:
                if worker.conn.poll():
                    item = worker.conn.recv()
                    worker.path, worker.done = None, worker.done + 1
                    record(item)
                    if worker.done >= RECYCLE_AFTER:
                        self._retire(worker)
                    return
            except (EOFError, OSError):
                pass
            worker.process.join(5)  # its pipe closed as it died: let it be reaped
            code = worker.process.exitcode
            self._replace(worker)
            record(_lost(path, self.root, "died", code))
        elif time.monotonic() - worker.started >= self.timeout:
            self._replace(worker)
            record(_lost(path, self.root, "timeout", None))

    def _retire(self, worker: _Worker) -> None:
        try:
            worker.conn.send(None)
        except OSError:
            pass
        worker.stop()
        self.workers.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        """Stop a worker that died or hung, and sweep away its unfinished outputs."""
        path = worker.path
        worker.stop()
        self.workers.remove(worker)
        if path is not None:
            _remove_temporaries(output_for(path, self.root, self.outdir, ".docx"))

    def stop(self) -> None:
        for worker in list(self.workers):
            path = worker.path
            worker.stop()
            if path is not None:
                _remove_temporaries(output_for(path, self.root, self.outdir, ".docx"))
        self.workers = []


def _remove_temporaries(target: Path) -> None:
    """The temporary files ``atomic_output`` makes beside ``target`` (.stem.XXXX.suffix.tmp)."""
    import contextlib

    for tmp in target.parent.glob(f".{glob_escape(target.stem)}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def _lost(path: Path, root: Path, why: str, exitcode: int | None) -> BatchItem:
    """The item of a file whose worker died or ran out of time."""
    name = str(path.relative_to(root))
    if why == "timeout":
        return BatchItem(name, "timeout", message=f"{path.name}:处理时间过长,已停止处理该文件"
                         "(其他文件不受影响)。请检查该文件是否过大或含有异常内容。")
    killed = exitcode is not None and exitcode < 0 and -exitcode == signal.SIGKILL
    why_zh = "可能是内存不足" if killed else "程序意外退出"
    return BatchItem(name, "unusable", message=f"{path.name}:处理该文件时工作进程意外终止({why_zh}),"
                     "未生成报告(其他文件不受影响)。请检查该文件是否过大或已损坏。")


class BatchInterrupted(Exception):
    """Ctrl-C: carries the items that finished before it."""

    def __init__(self, items: list[BatchItem]) -> None:
        super().__init__("interrupted")
        self.items = items


STATUSES = ("built", "errors", "unusable", "timeout", "not_done")


def write_report(items: list[BatchItem], outdir: Path, interrupted: bool = False,
                 not_done: list[str] | None = None) -> Path:
    """batch-report.json: every file, finished or not (``not_done``: left by Ctrl-C).
    Written with Ctrl-C held back, so a second one cannot leave half a record."""
    from make_report.core.safe import visible
    from make_report.writers.atomic import write_text

    items = items + [BatchItem(name, "not_done", message="已中断,未处理") for name in not_done or []]
    counts = {s: sum(1 for i in items if i.status == s) for s in STATUSES}
    data = {"interrupted": interrupted, "files": len(items), **counts,
            "items": [asdict(i) for i in sorted(items, key=lambda i: i.file)]}
    path = outdir / REPORT_NAME
    # a name's hidden or undecodable character (a lone surrogate) as a \uXXXX escape:
    # the same JSON, always UTF-8
    text = visible(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"
    with held_interrupts():
        write_text(path, text)
    return path


class held_interrupts:
    """Ctrl-C is ignored until the block is done (main thread only; elsewhere a no-op)."""

    def __enter__(self) -> None:
        self.old = hold_interrupts()

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)


def hold_interrupts() -> object | None:
    """Ignore Ctrl-C from here on; returns the handler before (None off the main thread)."""
    return _set_interrupt_handler(signal.SIG_IGN)  # type: ignore[arg-type]


def release_interrupts() -> None:
    """Ctrl-C stops the program again (Python's own handler)."""
    _set_interrupt_handler(signal.default_int_handler)
