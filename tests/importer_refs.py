"""Where the reference reports are, and their hand-read numbers as field key -> value.

Shared by the tests and by bench/recovery.py (which puts this folder on its path)."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from make_report.core.spec import Format, GridTable

DATA = Path(__file__).parent / "data"

REFS = [
    ("000_d12fae63e0bd492a.txt", DATA / "ref_000_malugou_2023.json"),
    ("001_24548c9bc9871823.txt", DATA / "ref_001_qingliu_2019.json"),
    ("002_a7d1ab90ef2b8173.txt", DATA / "ref_002_xinji_2022.json"),
    ("003_23d160e7ec491542.txt", DATA / "ref_003_ciyin_2023.json"),
    ("004_1cf59b4176a625ae.txt", DATA / "ref_004_hezuo_2023.json"),
    ("more/01_huaian_shi_2024.txt", None),
    ("more/02_hongze_qu_2023.txt", None),
    ("more/03_hongze_qu_2024.txt", None),
]
"""Every reference report with hand-read numbers: (its text, its numbers; None: the
more/ report's own .expected.json)."""


def shared_dir() -> Path | None:
    """``shared/`` beside the checkout (X/main, X/shared), or $MAKE_REPORT_SHARED."""
    candidates = [Path(os.environ["MAKE_REPORT_SHARED"])] if "MAKE_REPORT_SHARED" in os.environ else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared")
    for path in candidates:
        if (path / "reference-reports").is_dir():
            return path / "reference-reports"
    return None


def reference(name: str) -> Path:
    base = shared_dir()
    if base is None:
        pytest.skip("reference reports not found: put shared/ beside the repository "
                    "or set MAKE_REPORT_SHARED to its path")
    return base / name


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def hand_read_data(path: Path, data_file: Path | None) -> dict:
    """The hand-read numbers of the reference report at ``path``."""
    return load(data_file if data_file else path.with_name(path.stem + ".expected.json"))


def overview(path: Path) -> str:
    """What the report's 一、总体情况 says, its wrapped lines joined and page numbers
    dropped: a page whose table cells ran together still has its own text."""
    text = path.read_text(encoding="utf-8")
    start = text.find("一、总体情况")
    end = text.find("二、主动公开", start)
    if start < 0 or end < 0:
        return ""
    lines = (x.strip() for x in text[start + len("一、总体情况"):end].splitlines())
    return "".join(x for x in lines if x and not re.fullmatch(r"-\s*\d+\s*-|\f", x))


def expected_cells(data: dict, fmt: Format) -> dict[str, object]:
    """Field key -> expected value (None: the report leaves the cell blank or lacks it),
    plus the keys of rows the format lacks (a 2021 report's single (六) row)."""
    review = data["review_litigation"]
    if isinstance(review, list):  # more/*.expected.json: one list of 15
        table = fmt.table("review_litigation")
        data = {**data, "review_litigation": {}}
        for f, value in zip(table.fields, review, strict=True):
            data["review_litigation"].setdefault(f.row, []).append(value)
    out: dict[str, object] = {}
    for f in fmt.fields:
        out[f.key] = _dig(data, fmt, f.table, f.row, f.column)
    for row, values in data["applications"].items():
        if values is not None and f"applications.{row}.0" not in out:
            out.update({f"applications.{row}.{i}": v for i, v in enumerate(values)})
    return out


def _dig(data: dict, fmt: Format, table: str, row: str, column: str | None) -> object:
    node = data[table].get(row)
    if node is None:
        return None
    if isinstance(fmt.table(table), GridTable):
        return node[int(column or 0)]
    return node if column is None else node[column]


def same(expected: object, found: object) -> bool:
    if expected is None or found is None:
        return expected is found
    return Decimal(str(expected)) == Decimal(str(found))
