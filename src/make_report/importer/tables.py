"""Tables 二, 三 and 四 of a published report, read against the format description.

Row labels, row order and cell counts all come from ``make_report.formats``; where a
report drifts from its format (a 2021 table 三 with one (六)其他处理 row), the rows of
the other official format are tried, and the drift is reported. Column headers are only
compared (I2): numbers are always read in the official column order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import permutations, product

from make_report.core.model import Value
from make_report.core.spec import BlockTable, Format, GridTable, Row
from make_report.formats import FORMATS, format_for_year
from make_report.importer.result import Collector
from make_report.importer.split import MAX_CANDIDATES, TooMany, row_lines, splits
from make_report.importer.text import find_label, norm, parse_value
from make_report.importer.walk import RowSpec, Token, Walk, groups, region_text, run_of, walk
from make_report.rules import finding

MAX_RUNS = 7
"""Table 四 split into more pieces than this is read in text order, not rearranged."""
WINDOW = 2
"""A header label may be spread over this many times its length (PDF text interleaves)."""


def choose_format(text: str, year: int | None) -> tuple[Format, bool]:
    """(format, decided by table 二's labels): the format whose own labels table 二 shows."""
    scores = {fid: sum(1 for label in _own_labels(fmt) if norm(label) in text)
              for fid, fmt in FORMATS.items()}
    best = max(scores, key=lambda fid: scores[fid])
    if scores[best] and list(scores.values()).count(scores[best]) == 1:
        return FORMATS[best], True
    return format_for_year(year or max(f.years[0] for f in FORMATS.values())), False


def _own_labels(fmt: Format) -> set[str]:
    """Labels of table 二 that no other format's table 二 has."""
    def labels(f: Format) -> set[str]:
        t = f.table("active_disclosure")
        assert isinstance(t, BlockTable)
        return {x for b in t.blocks for x in (b.title, *(c.label for c in b.columns),
                                               *(r.label for r in b.rows))}
    others = set().union(*(labels(f) for f in FORMATS.values() if f is not fmt))
    return labels(fmt) - others


def block_specs(table: BlockTable) -> list[RowSpec]:
    rows: dict[str, list[str]] = {}
    for f in table.fields:
        rows.setdefault(f.row, []).append(f.key)
    labels = {r.key: r.label for b in table.blocks for r in b.rows}
    return [RowSpec(key, labels[key], tuple(keys)) for key, keys in rows.items()]


def grid_specs(table: GridTable, rows: Sequence[Row]) -> list[RowSpec]:
    return [RowSpec(r.key, r.label, tuple(f"{table.key}.{r.key}.{leaf.key}"
                                          for leaf in table.leaves)) for r in rows]


def application_rows(fmt: Format, text: str) -> tuple[Row, ...]:
    """The official row list whose own rows the text shows; the most specific wins."""
    own = grid_table(fmt, "applications").rows
    variants = [own, *{grid_table(f, "applications").rows for f in FORMATS.values()} - {own}]
    common = set.intersection(*({r.key for r in v} for v in variants))
    present = [v for v in variants
               if all(find_label(r.label, text) for r in v if r.key not in common)]
    return max(present, key=len) if present else own


def grid_table(fmt: Format, key: str) -> GridTable:
    table = fmt.table(key)
    assert isinstance(table, GridTable)
    return table


def read_rows(out: Collector, table: str, tokens: Sequence[Token],
              specs: Sequence[RowSpec]) -> Walk:
    """Tables 二 and 三: walk the official rows, keep each cell, report what drifted."""
    result = walk(tokens, specs, _fits(table))
    kinds = {f.key: f.kind for fmt in FORMATS.values() for f in fmt.fields}
    for spec, cells, own in result.placed:
        drifted = own is not None and own != norm(spec.label)
        if drifted:
            out.note("I3", "own_label", out.where(table), table, spec.keys, own=own,
                     label=spec.label)
        out.own_label(spec.keys, own if drifted and own else spec.label)
        for key, token in zip(spec.keys, cells, strict=True):
            out.put(key, token, kinds.get(key, "count"), table)
    for spec, cells in result.short:
        found = "、".join(t.text or "空白" for t in cells) or "无"
        out.note("I1", "row_short", out.where(table), table, spec.keys, label=spec.label,
                 count=len(cells), numbers=found, width=spec.width)
    for spec, cells in result.crowded:
        found = "、".join(t.text or "空白" for t in cells)
        out.note("I1", "row_crowded", out.where(table), table, spec.keys, label=spec.label,
                 count=len(cells), numbers=found, width=spec.width)
    for spec, cells in result.wrapped:
        out.note("I1", "row_wrapped", out.where(table), table, spec.keys, label=spec.label,
                 numbers="”“".join(t.text for t in cells))
    for spec in result.missing:
        out.note("I1", "row_missing", out.where(table), table, spec.keys, label=spec.label)
    if result.unlabelled:
        names = "、".join(f"“{s.label}”" for s in result.unlabelled[:3])
        more = f"等 {len(result.unlabelled)} 行" if len(result.unlabelled) > 3 else ""
        out.note("I3", "unlabelled", out.where(table), table, names=names + more)
    out.unplaced(table, result.leftover)
    if result.runs:
        read_runs(out, table, result.runs)
    return result


def _fits(table: str) -> Callable[[RowSpec, str], bool]:
    """Whether a digit string can be a row's cells run together under its own sum rules."""
    lines = table_lines(table)

    def fits(spec: RowSpec, text: str) -> bool:
        inside = [(left, right) for _, left, right in lines
                  if set(left) | set(right) <= set(spec.keys)]
        try:
            return bool(splits([text], spec.width, row_lines(inside, spec.keys)))
        except TooMany:
            return True
    return fits


WHOLE_ROW = "*"
"""RowSpec key of table 四's one row of 15 cells across its three groups."""
MAX_COMBINATIONS = 20_000
"""Readings of several ambiguous rows tried together against the rules across rows."""
SHOWN_CANDIDATES = 4


def table_lines(table: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(rule id, left keys, right keys) of every format's sum rules on ``table``."""
    out = []
    for fmt in FORMATS.values():
        for eq in fmt.equations:
            if eq.table == table:
                out.extend((eq.id, tuple(left), tuple(right)) for _, left, right in fmt.lines(eq))
    return list(dict.fromkeys(out))


def read_runs(out: Collector, table: str,
              runs: Sequence[tuple[RowSpec, list[Token], str | None]]) -> None:
    """Rows whose cells ran together: each row's own sum rules cut its digits, the rules
    across rows then choose among what is left; a cell is read only when every remaining
    reading agrees on it."""
    lines = table_lines(table)
    options: dict[str, list[tuple[int, ...]]] = {}
    for spec, tokens, own in runs:
        if spec.key != WHOLE_ROW:
            out.own_label(spec.keys, own or spec.label)
        inside = [(r, left, right) for r, left, right in lines
                  if set(left) | set(right) <= set(spec.keys)]
        text = " ".join(t.text for t in tokens)
        try:
            found = splits([t.text for t in tokens], spec.width,
                           row_lines([(left, right) for _, left, right in inside], spec.keys))
        except TooMany:
            out.note("I1", "run_too_many", _row_place(out, table, spec), table, spec.keys,
                     text=text)
            continue
        if not found:
            rules = "、".join(dict.fromkeys(f"{rule_title(r)}({r})" for r, *_ in inside)) \
                or "计数不以 0 开头"
            _no_reading(out, table, spec, [t.text for t in tokens], rules)
            out.failed.update(r for r, *_ in inside)
            continue
        options[spec.key] = found
    specs = {spec.key: spec for spec, _, _ in runs}
    texts = {spec.key: " ".join(t.text for t in tokens) for spec, tokens, _ in runs}
    options = _across_rows(out, lines, specs, options)
    for key, found in options.items():
        if len(found) > 1:
            found = _by_narrative(out, table, specs[key], found)
        _take(out, table, specs[key], texts[key], found)


def _no_reading(out: Collector, table: str, spec: RowSpec, runs: list[str], rules: str) -> None:
    """P4: no cut satisfies the row's sum rules, so the row is wrong whatever its cells hold.
    The cuts the column count and "a count does not start with 0" allow still fix some
    cells (the same in every cut): those are read, the rest left empty and the cuts named."""
    try:
        bare = splits(runs, spec.width)
    except TooMany:
        bare = []
    if not bare or len(bare) > MAX_CANDIDATES:
        unsure, left = spec.keys, "这些格子留空"
    else:
        shown = " / ".join(" ".join(map(str, f)) for f in bare[:SHOWN_CANDIDATES])
        more = " 等" if len(bare) > SHOWN_CANDIDATES else ""
        unsure = tuple(k for i, k in enumerate(spec.keys) if len({f[i] for f in bare}) > 1)
        left = (f"按列数和计数不以 0 开头只能读作 {shown},已照此读取" if not unsure else
                f"按列数和计数不以 0 开头可读作 {shown}{more},各种读法相同的格子已读取,其余留空")
        for i, key in enumerate(spec.keys):
            if key not in unsure:
                out.put(key, Token("value", str(bare[0][i]), 0), "count", table)
    out.findings.add(finding("P4", _row_place(out, table, spec), table=table,
                             fields=unsure or spec.keys, found=" ".join(runs),
                             count=spec.width, rules=rules, left=left))


def _by_narrative(out: Collector, table: str, spec: RowSpec,
                  found: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Readings the numbers the narrative states agree with (收到申请 N 件, 行政诉讼 N 件,
    其中结果维持 N 件, 制发规范性文件 N 件); if the narrative agrees with none, it decides
    nothing."""
    kept, said = narrative_filter(out, [dict(zip(spec.keys, f, strict=True)) for f in found])
    if said:
        out.note("I3", "run_by_claims", _row_place(out, table, spec), table, spec.keys,
                 said=said)
    return [tuple(r[k] for k in spec.keys) for r in kept]  # type: ignore[misc]


def narrative_filter(out: Collector, readings: list[dict[str, Value]]
                     ) -> tuple[list[dict[str, Value]], str]:
    """The readings (field key -> number) every number the narrative states agrees with,
    claim by claim, and what the narrative said that narrowed them ("" if nothing did).
    A claim stated with two different numbers, or agreeing with no reading, decides nothing."""
    from make_report.core.numerals import parse_count

    kept, said = readings, []
    for fmt in FORMATS.values():
        for claim in fmt.claims:
            keys = set(claim.keys)
            if not kept or not all(k in kept[0] or k in out.values for k in keys) \
                    or keys <= set(out.values):
                continue
            stated = {parse_count(m.group(1)) for text in out.narrative
                      for m in claim.regex.finditer(text)} - {None}
            if len(stated) != 1:
                continue
            want = stated.pop()
            agree = [r for r in kept if sum(r[k] if k in r else out.values[k]  # type: ignore[misc]
                                            for k in claim.keys) == want]
            if agree and len(agree) < len(kept):
                kept = agree
                said.append(f"{claim.what} {want}")
    return kept, "、".join(dict.fromkeys(said))


def _across_rows(out: Collector, lines: list, specs: dict[str, RowSpec],
                 options: dict[str, list[tuple[int, ...]]]) -> dict[str, list[tuple[int, ...]]]:
    """Readings of the ambiguous rows that, with the rows read plainly, satisfy the rules
    across rows; if none does (the report itself may be wrong), each row keeps its own."""
    open_ = [k for k, found in options.items() if len(found) > 1]
    size = 1
    for k in open_:
        size *= len(options[k])
    if not open_ or size > MAX_COMBINATIONS:
        return options
    fixed = {specs[k].keys[i]: v for k, found in options.items() if len(found) == 1
             for i, v in enumerate(found[0])}
    known = {**out.values, **out.extra, **fixed}
    keys_of = {k: set(specs[k].keys) for k in open_}
    touching = [(left, right) for _, left, right in lines
                if any(set(left) & ks or set(right) & ks for ks in keys_of.values())]
    kept: dict[str, set[tuple[int, ...]]] = {k: set() for k in open_}
    for combo in product(*(options[k] for k in open_)):
        values = dict(known)
        for k, found in zip(open_, combo, strict=True):
            values.update(zip(specs[k].keys, found, strict=True))
        if all(sum(values[x] for x in left) == sum(values[x] for x in right)
               for left, right in touching
               if all(x in values for x in (*left, *right))):
            for k, found in zip(open_, combo, strict=True):
                kept[k].add(found)
    if not any(kept.values()):
        return options
    return {k: ([f for f in found if f in kept[k]] if k in kept else found)
            for k, found in options.items()}


def _take(out: Collector, table: str, spec: RowSpec, text: str,
          found: list[tuple[int, ...]]) -> None:
    place = _row_place(out, table, spec)
    if len(found) == 1:
        out.findings.add(finding("P5", place, table=table, fields=spec.keys, found=text,
                                 expected=" ".join(map(str, found[0]))))
    else:
        shown = " / ".join(" ".join(map(str, f)) for f in found[:SHOWN_CANDIDATES])
        more = f" 等(超过 {MAX_CANDIDATES} 种)" if len(found) > MAX_CANDIDATES else \
            (" 等" if len(found) > SHOWN_CANDIDATES else "")
        count = f"{MAX_CANDIDATES} 种以上" if len(found) > MAX_CANDIDATES else len(found)
        out.findings.add(finding("P3", place, table=table, fields=spec.keys, found=text,
                                 count=count, candidates=shown + more))
    line = 0
    for i, key in enumerate(spec.keys):
        if all(f[i] == found[0][i] for f in found):
            out.put(key, Token("value", str(found[0][i]), line), "count", table)


def _row_place(out: Collector, table: str, spec: RowSpec) -> str:
    if spec.key == WHOLE_ROW:
        return f"{out.where(table)} 数据行"
    label = out.labels.get(spec.keys[0], spec.label).split("·")[0]
    return f"{out.where(table)} “{label}”一行"


def rule_title(rule_id: str) -> str:
    from make_report.rules import rule

    return rule(rule_id).title


def read_review(out: Collector, fmt: Format, tokens: Sequence[Token]) -> None:
    """Table 四: one row of cells; pieces split by labels are put back by its sum rules."""
    table = grid_table(fmt, "review_litigation")
    keys = [f.key for f in table.fields]
    runs = [v for _, v in groups(tokens) if any(t.kind == "value" for t in v)]
    if not runs:
        out.note("I1", "no_numbers", out.where(table.key), table.key, tuple(keys))
        return
    flat = [t for run in runs for t in run]
    if len(flat) == 1 and run_of(flat, len(keys)):
        read_runs(out, table.key, [(RowSpec(WHOLE_ROW, "", tuple(keys)), flat, None)])
        return
    cells = runs[0] if len(runs) == 1 else _rearrange(out, fmt, table.key, keys, runs)
    if len(cells) < len(keys):
        out.note("I1", "table_short", out.where(table.key), table.key, tuple(keys),
                 count=len(cells), width=len(keys))
        return
    for key, token in zip(keys, cells, strict=False):
        if token is not None:
            out.put(key, token, "count", table.key)
    out.unplaced(table.key, [t for t in cells[len(keys):] if t is not None])
    if len(cells) > len(keys):
        _surplus_blanks(out, fmt, table.key, keys, [t for t in cells if t is not None])


def _surplus_blanks(out: Collector, fmt: Format, table: str, keys: list[str],
                    cells: list[Token]) -> None:
    """More cells than the table has: if the numbers alone fill it and every sum rule then
    holds, the blanks may be a web page's layout cells; say so, and let a person decide."""
    numbers = [t for t in cells if t.kind == "value"]
    values = [parse_value(t.text, "count") for t in numbers]
    if len(numbers) != len(keys) or not _consistent(fmt, table, dict(zip(keys, values,
                                                                         strict=True))):
        return
    out.note("I2", "wide_row", out.where(table), table, count=len(cells), width=len(keys),
             numbers=" ".join(t.text for t in numbers))


def _rearrange(out: Collector, fmt: Format, table: str, keys: list[str],
               runs: list[list[Token]]) -> list[Token | None]:
    """Pieces split by header text: in the text's order if every sum rule then holds (as any
    table is read); otherwise every order of the pieces under which every sum rule holds
    is a candidate, the numbers the narrative states narrow them, and a cell is read only
    when every remaining candidate agrees on it. Nearness to the text's order decides
    nothing: in 01 the text puts 复议后起诉 before 行政复议's 总计."""
    flat = [t for run in runs for t in run]
    orders = _orders(fmt, table, keys, runs) if len(flat) == len(keys) else []
    if not orders:
        out.note("I2", "split_by_headers", out.where(table), table)
        return list(flat)
    if [t.text for t in orders[0]] == [t.text for t in flat]:
        return list(flat)
    readings = [dict(zip(keys, (parse_value(t.text, "count") for t in o), strict=True))
                for o in orders]
    kept, said = narrative_filter(out, readings)  # type: ignore[arg-type]
    best = [orders[readings.index(r)] for r in kept]
    cells = [t if all(o[i].text == t.text for o in best) else None
             for i, t in enumerate(best[0])]
    unsure = tuple(k for k, c in zip(keys, cells, strict=True) if c is None)
    how = "各组“总计 = 各项之和”" + (f"和正文所述“{said}”" if said else "")
    out.note("I2", "reordered_unsure" if unsure else "reordered", out.where(table), table,
             how=how)
    if unsure:
        at = [i for i, k in enumerate(keys) if k in unsure]
        shown = " / ".join(" ".join(o[i].text for i in at) for o in best[:SHOWN_CANDIDATES])
        names = "、".join(dict.fromkeys(out.labels.get(k, k).split("·")[0] for k in unsure))
        out.findings.add(finding(
            "P6", f"{out.where(table)} {names}", table=table, fields=unsure,
            found=" | ".join(" ".join(t.text for t in run) for run in runs),
            count=len(best), candidates=shown + (" 等" if len(best) > SHOWN_CANDIDATES else ""),
            rules=how))
    return cells


def _orders(fmt: Format, table: str, keys: list[str],
            runs: list[list[Token]]) -> list[list[Token]]:
    """Every distinct reading of the pieces, in some order, under which every sum rule
    holds; the text's own order first when it is one of them."""
    if len(runs) > MAX_RUNS or any(t.kind != "value" for run in runs for t in run):
        return []
    found: dict[tuple[str, ...], list[Token]] = {}
    for perm in permutations(range(len(runs))):
        seq = [t for k in perm for t in runs[k]]
        numbers = [parse_value(t.text, "count") for t in seq]
        if _consistent(fmt, table, dict(zip(keys, numbers, strict=True))):
            found.setdefault(tuple(t.text for t in seq), seq)
    return list(found.values())


def _consistent(fmt: Format, table: str, values: dict[str, Value | None]) -> bool:
    if any(v is None for v in values.values()):
        return False
    return all(sum(values[k] for k in left) == sum(values[k] for k in right)  # type: ignore[misc]
               for eq in fmt.equations if eq.table == table
               for _line, left, right in fmt.lines(eq))


# --- column headers: drift only (I2); numbers are read in the official column order ---

def present(label: str, text: str) -> bool:
    """``label`` in ``text``, or its characters in order within a short stretch of it."""
    want = norm(label)
    if want in text:
        return True
    for start in (i for i, ch in enumerate(text) if ch == want[0]):
        pos, end = start, start + WINDOW * len(want)
        for ch in want:
            pos = text.find(ch, pos, end)
            if pos < 0:
                break
            pos += 1
        else:
            return True
    return False


def scattered(label: str, text: str) -> bool:
    """Every character of ``label`` somewhere in ``text``: aligned PDF columns cut a
    multi-level header into pieces line by line (商业 科研 / 企业 机构)."""
    want = norm(label)
    return all(text.count(ch) >= want.count(ch) for ch in set(want))


def grid_notes(out: Collector, table: GridTable, tokens: Sequence[Token]) -> None:
    """Table 三: leaf headers before the first row label, however the layout cut them."""
    text = region_text(tokens)
    first = text.find(norm(table.rows[0].label))
    header = text[:first] if first > 0 else ""
    if not header:
        return
    _missing(out, table.key, "", [leaf.label for leaf in table.leaves], header, scattered)


def block_notes(out: Collector, table: BlockTable, tokens: Sequence[Token]) -> None:
    """Table 二: each block's title, and its column headers before its first row label."""
    text = region_text(tokens)
    pos = 0
    for block in table.blocks:
        start = text.find(norm(block.title), pos)
        if start < 0:
            out.note("I3", "no_block_title", out.where(table.key), table.key,
                     title=block.title)
            continue
        end = text.find(norm(block.rows[0].label), start)
        header = text[start:end] if end > start else text[start:]
        _missing(out, table.key, f"{block.title} ", [c.label for c in block.columns], header,
                 present)
        pos = max(end, start)


def _missing(out: Collector, table: str, where: str, labels: list[str], header: str,
             found: Callable[[str, str], bool]) -> None:
    for label in labels:
        if not found(label, header):
            out.note("I3", "no_column", out.where(table), table, block=where, label=label)
