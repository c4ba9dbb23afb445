"""Why ``readers/sheetxml.py`` exists: openpyxl against it on the same standard workbook.

    .venv/bin/python bench/readers.py [WORKBOOK.xlsx] [--repeat 30]

Both open the workbook and read every cell of every sheet (value, number format, merges
as the reader needs them); prints the median milliseconds of each and their ratio.
sheetxml's time includes the guard (``xmlscan``): one expat pass both checks the package
and collects the cells, so this is everything the tool spends on reading the file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "example_inputs" / "合作市2023_已改正.xlsx"


def with_openpyxl(path: Path) -> int:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                n += cell.value is not None and bool(cell.number_format)
        n += len(ws.merged_cells.ranges)
    return n


def with_sheetxml(path: Path) -> int:
    from make_report.readers.sheetxml import Workbook

    wb = Workbook(path)
    n = 0
    for name in wb.sheetnames:
        ws = wb[name]
        n += sum(c.value is not None and bool(c.number_format) for c in ws.cells.values())
        n += len(ws.merged_cells.ranges)
    wb.close()
    return n


def median_ms(read, path: Path, repeat: int) -> float:
    read(path)  # imports and caches warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        read(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workbook", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    slow = median_ms(with_openpyxl, args.workbook, args.repeat)
    fast = median_ms(with_sheetxml, args.workbook, args.repeat)
    print(f"{args.workbook.name}: openpyxl {slow:.1f} ms, sheetxml {fast:.1f} ms "
          f"(x{slow / fast:.1f}), median of {args.repeat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
