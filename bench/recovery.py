"""How many of the reference reports' hand-read numbers the importer recovers, per layout.

    MAKE_REPORT_SHARED=../shared .venv/bin/python bench/recovery.py [--no-pdf]

For every reference report with hand-read numbers (tests/data/ref_*.json and
shared/reference-reports/more/*.expected.json) and every layout the importer must read
(tests/published.py ``layouts``: the report's text as found; its numbers with each row's
cells run together, plain, with site chrome, the whole body on one line, under the
report's own 总体情况; as Word exports the page to HTML and .mht; as a PDF made by
LibreOffice), counts the non-zero hand-read cells read right, read wrong (must stay 0) and
left empty, with why for each one left empty (``UNDECIDABLE``: two readings or more fit
every known fact). Prints a table and writes bench/recovery.json.
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

from importer_refs import REFS, expected_cells, hand_read_data, shared_dir  # noqa: E402
from make_report.formats import get_format  # noqa: E402
from make_report.importer import import_report  # noqa: E402
from published import UNDECIDABLE, layouts  # noqa: E402


def measure(pdf: bool) -> dict:
    rows = []
    for name, data_file in REFS:
        data = hand_read_data(shared_dir() / name, data_file)
        want = expected_cells(data, get_format(data["format"]))
        nonzero = {k: v for k, v in want.items() if v not in (None, 0, "0")}
        with tempfile.TemporaryDirectory() as tmp:
            for layout, source in layouts(name, data_file, tmp, pdf=pdf).items():
                result = import_report(source)
                got = {**result.report.values, **result.extra}
                right = sum(1 for k, v in nonzero.items()
                            if k in got and Decimal(str(got[k])) == Decimal(str(v)))
                wrong = sum(1 for k, v in want.items() if v is not None and k in got
                            and Decimal(str(got[k])) != Decimal(str(v)))
                missed = sorted(k for k in nonzero if k not in got)
                why = UNDECIDABLE.get((name, layout), {})
                row = {"report": name, "layout": layout, "nonzero": len(nonzero),
                       "recovered": right, "wrong": wrong}
                if missed:
                    row["undecidable"] = {k: why.get(k, "NOT EXPLAINED: a miss to fix")
                                          for k in missed}
                rows.append(row)
    total = sum(r["nonzero"] for r in rows)
    recovered = sum(r["recovered"] for r in rows)
    return {"rows": rows, "nonzero": total, "recovered": recovered,
            "wrong": sum(r["wrong"] for r in rows),
            "undecidable": sum(len(r.get("undecidable", {})) for r in rows),
            "unexplained": sum(1 for r in rows for why in r.get("undecidable", {}).values()
                               if why.startswith("NOT EXPLAINED")),
            "share": round(recovered / total, 4) if total else 1.0}


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
          f"= {result['share']:.1%}; read wrong: {result['wrong']}; left empty because the "
          f"text does not decide them: {result['undecidable']} (unexplained: "
          f"{result['unexplained']})")
    (HERE / "recovery.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
