"""Speed and memory of make-report, measured the way the issues state the targets.

    .venv/bin/python bench/bench.py [-n 1000] [--repeat 3]

Generates N synthetic valid workbooks (cached under bench/.cache), then measures, with
medians over repeated runs: cold `make-report ONE.xlsx` and `make-report --help` wall
time, in-process time per report (read, validate, render, write), batch throughput with
1 and 2 jobs, and the peak memory (RSS summed over the batch's process tree). Prints a
table and writes bench/results.json.
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


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    import compileall

    import make_report

    # as installed from a wheel: bytecode compiled (PYTHONDONTWRITEBYTECODE would make every
    # whole-process run compile the package's source again)
    compileall.compile_dir(Path(make_report.__file__).parent, quiet=1)
    folder = make_workbooks(args.n)
    one = str(sorted(folder.glob("*.xlsx"))[0])
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wall([CLI, one, "-o", f"{tmp}/x.docx", "--force"], 1)  # a first run fills the caches
        results["cold_build_s"] = wall([CLI, one, "-o", f"{tmp}/x.docx", "--force"], args.repeat)
    results["help_s"] = wall([CLI, "--help"], args.repeat)
    results["check_s"] = wall([CLI, "check", one], args.repeat)
    results["in_process_ms"] = in_process_ms(folder, min(args.n, 50), args.repeat)
    for jobs in (1, 2):
        runs = [batch(folder, jobs) for _ in range(max(1, args.repeat - 1))]
        results[f"batch_{args.n}_{jobs}jobs_s"] = statistics.median(r[0] for r in runs)
        results[f"peak_rss_{jobs}jobs_mb"] = max(r[1] for r in runs)
    results["peak_rss_mb"] = max(results["peak_rss_1jobs_mb"], results["peak_rss_2jobs_mb"])
    report(results, args.n)


def report(results: dict[str, float], n: int) -> None:
    print(f"{'measure':<24}{'value':>12}{'target':>12}")
    for key, value in results.items():
        target = TARGETS.get(key.replace(f"batch_{n}_", "batch_1000_") if n == 1000 else key)
        mark = "" if target is None else ("  ok" if value <= target else "  OVER")
        print(f"{key:<24}{value:>12.3f}{'' if target is None else f'{target:>12.3f}'}{mark}")
    path = HERE / "results.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = {"n": n, "cpus": os.cpu_count(), "python": sys.version.split()[0], **results,
            "load_average_at_end": round(os.getloadavg()[0], 2)}
    if "compare" in old:
        data["compare"] = old["compare"]  # bench/compare.py's figures
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
