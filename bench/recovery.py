"""How many of the reference reports' hand-read numbers the importer recovers, per layout.

    MAKE_REPORT_SHARED=../shared .venv/bin/python bench/recovery.py [--no-pdf]

For every reference report with hand-read numbers (tests/data/ref_*.json and
shared/reference-reports/more/*.expected.json) and every layout the importer must read
(the report's text as found; its numbers with each row's cells run together, plain, with
site chrome, the whole body on one line; as Word exports the page to HTML and .mht; as a
PDF made by LibreOffice), counts the non-zero hand-read cells read right, read wrong (must
stay 0) and left empty. Prints a table and writes bench/recovery.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from importer_refs import DATA, expected_cells, load, shared_dir  # noqa: E402
from make_report.core.model import Report  # noqa: E402
from make_report.formats import FORMATS, get_format  # noqa: E402
from make_report.importer import import_report  # noqa: E402
from make_report.importer.tables import grid_table  # noqa: E402
from published import mht, run_together, word_html  # noqa: E402

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


def layouts(name: str, data: dict, fmt, want: dict, tmp: Path, pdf: bool) -> dict[str, Path]:
    base = shared_dir()
    out = {"as found": base / name}
    own = {k: v for k, v in want.items() if v is not None and k in fmt.field_map}
    if all(v is not None for k, v in want.items() if not k.startswith("applications.other_")):
        # a blank cell has no place in a run of digits: such reports are not run together
        rows = next((grid_table(f, "applications").rows for f in FORMATS.values()
                     if all(data["applications"].get(r.key) is not None
                            for r in grid_table(f, "applications").rows)), None)
        for label, mode in (("run together", {}), ("run together + chrome", {"chrome": True}),
                            ("one line", {"chrome": True, "one_line": True})):
            path = tmp / f"{label}.txt"
            path.write_text(run_together(want, fmt, "某县人民政府", data["year"], rows=rows,
                                         **mode), encoding="utf-8")
            out[label] = path
    report = Report(fmt, "某县人民政府", data["year"], values=own)
    page = word_html(report)
    (tmp / "word.html").write_bytes(page)
    (tmp / "saved.mht").write_bytes(mht(page))
    out["Word HTML"], out["MHT"] = tmp / "word.html", tmp / "saved.mht"
    if pdf:
        from make_report.writers.docx import write_docx
        from make_report.writers.pdf import convert_to_pdf, soffice

        if soffice():
            write_docx(report, tmp / "report.docx")
            convert_to_pdf([tmp / "report.docx"], [tmp / "report.pdf"])
            out["PDF"] = tmp / "report.pdf"
    return out


def measure(pdf: bool) -> dict:
    rows = []
    for name, data_file in REFS:
        path = shared_dir() / name
        data = load(data_file if data_file else path.with_name(path.stem + ".expected.json"))
        fmt = get_format(data["format"])
        want = expected_cells(data, fmt)
        with tempfile.TemporaryDirectory() as tmp:
            for layout, source in layouts(name, data, fmt, want, Path(tmp), pdf).items():
                result = import_report(source)
                got = {**result.report.values, **result.extra}
                nonzero = {k: v for k, v in want.items() if v not in (None, 0, "0")}
                right = sum(1 for k, v in nonzero.items()
                            if k in got and Decimal(str(got[k])) == Decimal(str(v)))
                wrong = sum(1 for k, v in want.items() if v is not None and k in got
                            and Decimal(str(got[k])) != Decimal(str(v)))
                rows.append({"report": name, "layout": layout, "nonzero": len(nonzero),
                             "recovered": right, "wrong": wrong})
    total = sum(r["nonzero"] for r in rows)
    return {"rows": rows, "nonzero": total,
            "recovered": sum(r["recovered"] for r in rows),
            "wrong": sum(r["wrong"] for r in rows),
            "share": round(sum(r["recovered"] for r in rows) / total, 4) if total else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice PDFs")
    args = parser.parse_args()
    if shared_dir() is None:
        sys.exit("reference reports not found: set MAKE_REPORT_SHARED")
    result = measure(not args.no_pdf)
    for r in result["rows"]:
        print(f"{r['report']:32} {r['layout']:24} {r['recovered']:>4}/{r['nonzero']:<4}"
              f" wrong {r['wrong']}")
    print(f"non-zero hand-read cells recovered: {result['recovered']}/{result['nonzero']} "
          f"= {result['share']:.1%}; read wrong: {result['wrong']}")
    (HERE / "recovery.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
