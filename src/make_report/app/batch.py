"""Many workbooks at once, for disclosure offices: parallel, isolated, resumable by eye.

Each workbook is built in a worker process; one bad file becomes one line of the
report, never a stopped run. Outputs mirror the input folders and are named after the
workbook, so two files can never race for one output name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
    status: str  # built / errors / unusable
    agency: str = ""
    year: int | None = None
    format: str = ""
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    message: str = ""
    findings: list[dict] = field(default_factory=list)


def find_workbooks(folder: Path, skip: Path | None = None) -> list[Path]:
    """Every .xlsx below ``folder`` except Excel's ~$ lock files, hidden files and outputs."""
    out = []
    for path in sorted(folder.rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        if skip is not None and skip in path.parents:
            continue
        out.append(path)
    return out


def output_for(path: Path, root: Path, outdir: Path, suffix: str) -> Path:
    return outdir / path.relative_to(root).with_suffix(suffix)


def build_one(path: Path, root: Path, outdir: Path, options: BatchOptions) -> BatchItem:
    """Check and build one workbook; every failure is caught and described."""
    from make_report import api
    from make_report.core.errors import InputError

    name = str(path.relative_to(root))
    try:
        target = output_for(path, root, outdir, ".docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        result = api.build(path, target, force=options.force, templates=options.templates,
                           reference_docx=options.reference_docx, html=options.html)
    except InputError as exc:
        return BatchItem(name, "unusable", message=exc.message)
    except Exception as exc:  # a bug must not stop the other files
        return BatchItem(name, "unusable", message=f"{path.name}:内部错误({type(exc).__name__}),请将该文件发给技术支持。")
    check = result.check
    report = check.report
    status = "built" if result.written and check.valid else "errors"
    return BatchItem(
        name, status, report.agency, report.year, report.format.id,
        len(check.findings.errors), len(check.findings.warnings),
        [str(p) for p in result.outputs],
        check.findings.errors[0].message if check.findings.errors else
        "".join(f"原报告被编辑过,已另存为 {b.name}" for b in result.backups),
        [f.as_dict() for f in check.findings if f.severity == "error"],
    )


def run_batch(paths: list[Path], root: Path, outdir: Path, options: BatchOptions,
              jobs: int | None = None,
              progress: Callable[[BatchItem], None] | None = None) -> list[BatchItem]:
    """Build every path; on Ctrl-C, stop starting new files and return what finished."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    items: list[BatchItem] = []
    if jobs == 1:
        try:
            for path in paths:
                items.append(build_one(path, root, outdir, options))
                if progress:
                    progress(items[-1])
        except KeyboardInterrupt:
            raise BatchInterrupted(items) from None
        return items
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=200) as pool:
        try:
            for item in _as_finished(pool, paths, root, outdir, options, jobs):
                items.append(item)
                if progress:
                    progress(item)
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise BatchInterrupted(items) from None
    return items


def _as_finished(pool: ProcessPoolExecutor, paths: list[Path], root: Path, outdir: Path,
                 options: BatchOptions, jobs: int) -> Iterator[BatchItem]:
    """Keep a few tasks per worker in flight, so memory does not grow with the folder."""
    pending: set[Future[BatchItem]] = set()
    queue = iter(paths)
    while True:
        for path in queue:
            pending.add(pool.submit(build_one, path, root, outdir, options))
            if len(pending) >= jobs * 4:
                break
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()


class BatchInterrupted(Exception):
    """Ctrl-C: carries the items that finished before it."""

    def __init__(self, items: list[BatchItem]) -> None:
        super().__init__("interrupted")
        self.items = items


def write_report(items: list[BatchItem], outdir: Path, interrupted: bool = False) -> Path:
    from make_report.writers.atomic import write_text

    counts = {s: sum(1 for i in items if i.status == s) for s in ("built", "errors", "unusable")}
    data = {"interrupted": interrupted, "files": len(items), **counts,
            "items": [asdict(i) for i in sorted(items, key=lambda i: i.file)]}
    path = outdir / REPORT_NAME
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path
