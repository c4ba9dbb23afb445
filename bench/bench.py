"""Speed and memory of make-report, measured the way the issues state the targets.

    .venv/bin/python bench/bench.py [-n 1000] [--repeat 3]     # about 4 minutes

Generates N synthetic valid workbooks (cached under bench/.cache), then measures, with
medians over repeated runs: cold `make-report ONE.xlsx`, `check ONE.xlsx` and `--help`
wall and CPU time, in-process time per report (read, validate, render, write), batch
throughput with 1 and 2 jobs, and the peak memory (RSS summed over the batch's process
tree). Prints a table and writes its figures under "bench" in bench/results.json, with
when they were measured, the load average before and after, and whether bytecode (.pyc)
was in place (bench/compare.py writes "compare" the same way).

Every process runs as on an installed copy: the package and its dependencies have their
bytecode compiled first (a wheel install does this), PYTHONDONTWRITEBYTECODE is removed
from the children's environment (this machine sets it; it would add ~80 ms of compiling
to every run), and make-report's cache folder is a private one under bench/.cache, warmed
by a first run as any first run warms the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = str(Path(sys.executable).with_name("make-report"))
TARGETS = {"cold_build_s": 0.2, "help_s": 0.15, "check_s": 0.15, "in_process_ms": 30.0,
           "batch_1000_2jobs_s": 25.0, "peak_rss_mb": 300.0}
"""Issue 13's targets (bench/compare.py measures the comparison with docxtpl)."""


DISTINCT = 100
"""Workbooks generated one by one; the others are copies of them (same size, same work)."""


def make_workbooks(n: int) -> Path:
    from make_report.core.synthetic import consistent_report
    from make_report.formats import FORMATS
    from make_report.writers.xlsx_template import write_workbook

    folder = HERE / ".cache" / f"workbooks-{n}"
    if folder.is_dir() and len(list(folder.glob("*.xlsx"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    formats = [FORMATS["2021"]] * 4 + [FORMATS["2019"]]
    for i in range(min(n, DISTINCT)):
        fmt = formats[i % len(formats)]
        report = consistent_report(fmt, seed=i, agency=f"基准测试第{i}单位")
        write_workbook(fmt, folder / f"wb{i:05d}.xlsx", report)
    for i in range(DISTINCT, n):  # the rest: copies, as fast to make as to read
        shutil.copy(folder / f"wb{i % DISTINCT:05d}.xlsx", folder / f"wb{i:05d}.xlsx")
    return folder


def child_env() -> dict[str, str]:
    """The environment of every measured process: bytecode as installed, a private cache."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cache = HERE / ".cache" / "make-report-cache"
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    cache.chmod(0o700)
    env["MAKE_REPORT_CACHE"] = str(cache)
    return env


def compile_bytecode() -> bool:
    """Compile the package and every dependency a run imports, as a wheel install does;
    True when every module they import has its .pyc in place."""
    import compileall
    import importlib.util

    code = ("import sys, make_report.api, make_report.cli.entry, make_report.cli.main, "
            "make_report.writers.docx_base, make_report.narrative.render, rich.console, "
            "make_report.writers.docx_styles, make_report.importer; "
            "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) "
            "if getattr(m, '__file__', None)))")
    files = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=child_env()).stdout.splitlines()
    sources = [f for f in files if f.endswith(".py")]
    for path in sources:
        compileall.compile_file(path, quiet=2)
    return all(Path(importlib.util.cache_from_source(f)).exists() for f in sources)


def environment(pyc: bool) -> dict[str, object]:
    """What the figures were measured on: time, machine, load before, bytecode."""
    return {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "cpus": os.cpu_count(), "python": sys.version.split()[0],
            "load_average_before": round(os.getloadavg()[0], 2), "pyc": pyc,
            "PYTHONDONTWRITEBYTECODE_removed": "PYTHONDONTWRITEBYTECODE" in os.environ}


def run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the process and its children."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=child_env())
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def wall(cmd: list[str], repeat: int) -> float:
    return wall_and_cpu(cmd, repeat)[0]


def wall_and_cpu(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``repeat`` runs."""
    runs = [run_timed(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def in_process_ms(folder: Path, count: int, repeat: int) -> float:
    from make_report import api

    paths = sorted(folder.glob("*.xlsx"))[:count]
    with tempfile.TemporaryDirectory() as tmp:
        api.build(paths[0], Path(tmp) / "warm.docx")
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            for i, path in enumerate(paths):
                api.build(path, Path(tmp) / f"{i}.docx", force=True)
            runs.append((time.perf_counter() - start) / len(paths) * 1000)
    return statistics.median(runs)


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def batch(folder: Path, jobs: int) -> tuple[float, float]:
    """Seconds and peak tree RSS (MB) of one batch run."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([CLI, "batch", str(folder), "-o", out, "--jobs", str(jobs)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=child_env())
        peak = [0]

        def sample() -> None:
            while proc.poll() is None:
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        proc.wait()
        sampler.join()
        seconds = time.perf_counter() - start
    return seconds, peak[0] / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="synthetic workbooks (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    pyc = compile_bytecode()
    meta = environment(pyc)
    os.environ["MAKE_REPORT_CACHE"] = child_env()["MAKE_REPORT_CACHE"]  # in-process runs too
    folder = make_workbooks(args.n)
    one = str(sorted(folder.glob("*.xlsx"))[0])
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wall([CLI, one, "-o", f"{tmp}/x.docx", "--force"], 1)  # a first run fills the caches
        results["cold_build_s"], results["cold_build_cpu_s"] = wall_and_cpu(
            [CLI, one, "-o", f"{tmp}/x.docx", "--force"], args.repeat)
    results["help_s"], results["help_cpu_s"] = wall_and_cpu([CLI, "--help"], args.repeat)
    results["check_s"], results["check_cpu_s"] = wall_and_cpu([CLI, "check", one], args.repeat)
    results["in_process_ms"] = in_process_ms(folder, min(args.n, 50), args.repeat)
    for jobs in (1, 2):
        runs = [batch(folder, jobs) for _ in range(max(1, args.repeat - 1))]
        results[f"batch_{args.n}_{jobs}jobs_s"] = statistics.median(r[0] for r in runs)
        results[f"peak_rss_{jobs}jobs_mb"] = max(r[1] for r in runs)
    results["peak_rss_mb"] = max(results["peak_rss_1jobs_mb"], results["peak_rss_2jobs_mb"])
    report(results, args.n, {**meta, "repeat": args.repeat})


def report(results: dict[str, float], n: int, meta: dict[str, object]) -> None:
    print(f"{'measure':<24}{'value':>12}{'target':>12}")
    for key, value in results.items():
        target = TARGETS.get(key.replace(f"batch_{n}_", "batch_1000_") if n == 1000 else key)
        mark = "" if target is None else ("  ok" if value <= target else "  OVER")
        print(f"{key:<24}{value:>12.3f}{'' if target is None else f'{target:>12.3f}'}{mark}")
    print(f"load average {meta['load_average_before']} before, {os.getloadavg()[0]:.2f} after; "
          f"bytecode in place: {meta['pyc']}")
    write_results("bench", {"n": n, **{k: round(v, 4) for k, v in results.items()}, **meta,
                            "load_average_after": round(os.getloadavg()[0], 2)})


def write_results(section: str, figures: dict[str, object]) -> None:
    """bench/results.json: this script's section replaced, the other script's kept; figures
    of older layouts (before the sections) dropped as stale."""
    path = HERE / "results.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = {k: old[k] for k in ("bench", "compare") if isinstance(old.get(k), dict)}
    if "compare" in data and "measured_at" not in data["compare"]:
        del data["compare"]  # an older layout: its figures are stale
    data[section] = figures
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
