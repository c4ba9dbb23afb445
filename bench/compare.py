"""make-report against the generic tool, side by side, in one run (issue 13, point 4).

    .venv/bin/pip install -e '.[bench]'     # docxtpl, only for this comparison
    .venv/bin/python bench/compare.py [--repeat 7] [--batch-repeat 3]   # about 3 minutes

Measures, as whole processes and as medians of ``--repeat`` runs interleaved so that both
sides see the same machine load:

* ``make-report ONE.xlsx`` against ``bench/docxtpl_pipeline.py ONE.xlsx`` (openpyxl reads
  the workbook, docxtpl fills a template with the same three tables and narrative);
* ``make-report batch`` of 20 workbooks (``--jobs 1``, and the default of all cores)
  against the pipeline over the same 20 workbooks in one process;
* ``make-report --help`` and ``make-report check ONE.xlsx``.

Prints the ratios and writes them under "compare" in bench/results.json, with when they
were measured, the load average before and after, and whether bytecode was in place. The
workbooks are bench.py's synthetic ones. Every process runs as on an installed copy (see
bench.py: bytecode compiled for the package and its dependencies, PYTHONDONTWRITEBYTECODE
removed from the children's environment, a private cache folder) and one build first warms
make-report's cache (the prepared Word package, the compiled narrative templates), as any
first run does. The machine's load shows in the absolute numbers: compare the ratios, and
the CPU times, which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import (  # noqa: E402
    CLI,
    child_env,
    compile_bytecode,
    environment,
    make_workbooks,
    write_results,
)

PIPELINE = str(HERE / "docxtpl_pipeline.py")
TARGETS = {"single_ratio": 3.0, "batch20_ratio": 4.0, "cold_build_s": 0.2, "help_s": 0.15,
           "check_s": 0.15}


def spec_and_templates(folder: Path) -> tuple[Path, Path]:
    """The pipeline's inputs: which cells hold what (from the format data), and one docxtpl
    template per format with the official headings, the three tables (merged as in the
    official layout, data cells as placeholders) and loops for the narrative."""
    import docx

    from make_report.core.grid import table_grid
    from make_report.core.layout import META_ROWS, NARRATIVE_FIRST_ROW, workbook_layout
    from make_report.formats import FORMATS

    spec: dict = {"meta_sheet": FORMATS["2021"].meta_sheet,
                  "narrative_first_row": NARRATIVE_FIRST_ROW}
    folder.mkdir(parents=True, exist_ok=True)
    for fid, fmt in FORMATS.items():
        layout = workbook_layout(fmt)
        names: dict[str, str] = {}
        fields = []
        for key, (sheet, cell) in layout.field_cells.items():
            names[key] = f"f{len(names)}"
            fields.append([names[key], sheet, cell])
        spec[fid] = {"id": fid, "meta": {k: layout.meta_cells[k] for k, _, _ in META_ROWS},
                     "fields": fields,
                     "narrative": [[s.key, s.sheet] for s in fmt.narrative_sections]}
        doc = docx.Document()
        doc.add_paragraph("{{ title }}")
        doc.add_paragraph("{{ lead }}")
        for section in fmt.sections:
            doc.add_paragraph(section.title)
            if section.table:
                grid = table_grid(fmt.table(section.table))
                table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
                table.style = "Table Grid"
                for cell in grid.cells:
                    target = table.cell(cell.row, cell.col)
                    if cell.rowspan > 1 or cell.colspan > 1:
                        target = target.merge(table.cell(cell.row + cell.rowspan - 1,
                                                         cell.col + cell.colspan - 1))
                    target.text = f"{{{{ v.{names[cell.field]} }}}}" if cell.field else cell.text
            else:
                for line in (f"{{%p for e in s_{section.key} %}}", "{{ e.heading }}",
                             "{%p for p in e.paragraphs %}", "{{ p }}", "{%p endfor %}",
                             "{%p endfor %}"):
                    doc.add_paragraph(line)
        doc.add_paragraph("{{ contact }}")
        doc.add_paragraph("{{ agency }}")
        doc.add_paragraph("{{ date }}")
        doc.save(folder / f"{fid}.docx")
    spec_path = folder / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return spec_path, folder


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False, env=child_env())
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu


def medians(commands: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float]]:
    """Each command ``repeat`` times, interleaved, so they share the same load: the median
    wall time and the median CPU time."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            runs[name].append(timed(cmd))
    return {name: (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
            for name, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7,
                        help="runs of each single-file measurement (median; default 7)")
    parser.add_argument("--batch-repeat", type=int, default=3,
                        help="runs of each batch of 20 (median; default 3)")
    args = parser.parse_args()
    meta = environment(compile_bytecode())
    workbooks = sorted(make_workbooks(20).glob("*.xlsx"))
    one = str(workbooks[0])
    spec, templates = spec_and_templates(HERE / ".cache" / "docxtpl")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        out_a, out_b = Path(tmp, "a"), Path(tmp, "b")
        out_a.mkdir()
        out_b.mkdir()
        batch_dir = Path(tmp, "twenty")
        batch_dir.mkdir()
        for path in workbooks:
            shutil.copy(path, batch_dir / path.name)
        timed([CLI, one, "-o", str(out_a / "warm.docx"), "--force"])  # a first run: caches
        single = medians({
            "make_report": [CLI, one, "-o", str(out_a / "one.docx"), "--force"],
            "docxtpl": [py, PIPELINE, str(spec), str(templates), str(out_b), one],
            "help": [CLI, "--help"],
            "check": [CLI, "check", one],
        }, args.repeat)
        batch = medians({
            "make_report_1job": [CLI, "batch", str(batch_dir), "-o", str(out_a / "r1"),
                                 "--jobs", "1", "--force"],
            "make_report_all": [CLI, "batch", str(batch_dir), "-o", str(out_a / "r2"),
                                "--force"],
            "docxtpl": [py, PIPELINE, str(spec), str(templates), str(out_b),
                        *map(str, workbooks)],
        }, max(1, args.batch_repeat))
    results = {
        "cold_build_s": single["make_report"][0], "docxtpl_single_s": single["docxtpl"][0],
        "single_ratio": single["docxtpl"][0] / single["make_report"][0],
        "help_s": single["help"][0], "check_s": single["check"][0],
        "batch20_1job_s": batch["make_report_1job"][0],
        "batch20_all_cores_s": batch["make_report_all"][0],
        "docxtpl_batch20_s": batch["docxtpl"][0],
        "batch20_ratio": batch["docxtpl"][0] / batch["make_report_1job"][0],
        "batch20_ratio_all_cores": batch["docxtpl"][0] / batch["make_report_all"][0],
        # CPU time is less sensitive to a busy machine than wall time
        "cold_build_cpu_s": single["make_report"][1], "docxtpl_single_cpu_s": single["docxtpl"][1],
        "single_cpu_ratio": single["docxtpl"][1] / single["make_report"][1],
        "help_cpu_s": single["help"][1], "check_cpu_s": single["check"][1],
        "batch20_1job_cpu_s": batch["make_report_1job"][1],
        "docxtpl_batch20_cpu_s": batch["docxtpl"][1],
        "batch20_cpu_ratio": batch["docxtpl"][1] / batch["make_report_1job"][1],
    }
    print(f"{'measure':<26}{'value':>10}{'target':>10}")
    for key, value in results.items():
        target = TARGETS.get(key)
        mark = ""
        if target is not None:
            ok = value >= target if key.endswith("ratio") else value <= target
            mark = "  ok" if ok else "  MISSED"
        shown = f"{value:>10.3f}" if isinstance(value, float) else f"{value:>10}"
        print(f"{key:<26}{shown}{'' if target is None else f'{target:>10.2f}'}{mark}")
    print(f"load average {meta['load_average_before']} before, {os.getloadavg()[0]:.2f} after; "
          f"bytecode in place: {meta['pyc']}")
    write_results("compare", {**{k: round(v, 4) for k, v in results.items()}, **meta,
                              "repeat": args.repeat, "batch_repeat": args.batch_repeat,
                              "load_average_after": round(os.getloadavg()[0], 2)})


if __name__ == "__main__":
    main()
