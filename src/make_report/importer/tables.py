"""Tables 二, 三 and 四 of a published report, read against the format description.

Row labels, row order and cell counts all come from ``make_report.formats``; where a
report drifts from its format (a 2021 table 三 with one (六)其他处理 row), the rows of
the other official format are tried, and the drift is reported. Column headers are only
compared (I2): numbers are always read in the official column order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import permutations

from make_report.core.model import Value
from make_report.core.spec import BlockTable, Format, GridTable, Row
from make_report.formats import FORMATS, format_for_year
from make_report.importer.result import Collector
from make_report.importer.text import find_label, norm, parse_value
from make_report.importer.walk import RowSpec, Token, Walk, groups, region_text, walk

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
    result = walk(tokens, specs)
    kinds = {f.key: f.kind for fmt in FORMATS.values() for f in fmt.fields}
    for spec, cells, own in result.placed:
        drifted = own is not None and own != norm(spec.label)
        if drifted:
            out.note("I3", f"{out.where(table)} 行标签“{own}”与官方表格的"
                     f"“{spec.label}”不一致,已按该行读取", table, spec.keys)
        out.own_label(spec.keys, own if drifted and own else spec.label)
        for key, token in zip(spec.keys, cells, strict=True):
            out.put(key, token, kinds.get(key, "count"), table)
    for spec, cells in result.short:
        found = "、".join(t.text or "空白" for t in cells) or "无"
        out.note("I1", f"{out.where(table)} “{spec.label}”一行只找到 {len(cells)} 个数"
                 f"({found}),应有 {spec.width} 个,无法确定各自所在的列,该行未读取",
                 table, spec.keys)
    for spec in result.missing:
        out.note("I1", f"{out.where(table)} 未找到“{spec.label}”一行的数字,该行未读取",
                 table, spec.keys)
    if result.unlabelled:
        names = "、".join(f"“{s.label}”" for s in result.unlabelled[:3])
        more = f"等 {len(result.unlabelled)} 行" if len(result.unlabelled) > 3 else ""
        out.note("I3", f"{out.where(table)} {names}{more}的数字前没有对应的行标签"
                 "(标签错位或缺失),已按官方表格的行序读取,请核对", table)
    out.unplaced(table, result.leftover)
    return result


def read_review(out: Collector, fmt: Format, tokens: Sequence[Token]) -> None:
    """Table 四: one row of cells; pieces split by labels are put back by its sum rules."""
    table = grid_table(fmt, "review_litigation")
    keys = [f.key for f in table.fields]
    runs = [v for _, v in groups(tokens) if any(t.kind == "value" for t in v)]
    if not runs:
        out.note("I1", f"{out.where(table.key)} 未找到数字,未读取", table.key,
                 tuple(keys))
        return
    cells = runs[0] if len(runs) == 1 else _rearrange(out, fmt, table.key, keys, runs)
    if len(cells) < len(keys):
        out.note("I1", f"{out.where(table.key)} 只找到 {len(cells)} 个数,"
                 f"应有 {len(keys)} 个,无法确定各自所在的列,未读取", table.key, tuple(keys))
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
    out.note("I2", f"{out.where(table)} 数据行有 {len(cells)} 格,多于官方的 "
             f"{len(keys)} 格;若其中的空白格只是网页排版多出的格子,则各格依次为 "
             f"{' '.join(t.text for t in numbers)},各组总计均与各项之和相符。"
             "已按空白格读取,请对照原表核对", table)


def _rearrange(out: Collector, fmt: Format, table: str, keys: list[str],
               runs: list[list[Token]]) -> list[Token | None]:
    """Pieces in the order closest to the text under which every sum rule holds; cells
    that differ between equally close orders stay unread (None)."""
    flat = [t for run in runs for t in run]
    best = _orders(fmt, table, keys, runs) if len(flat) == len(keys) else []
    if not best:
        out.note("I2", f"{out.where(table)} 数字被表头文字隔开,已按出现的顺序读取,"
                 "请核对", table)
        return list(flat)
    cells = [t if all(o[i].text == t.text for o in best) else None
             for i, t in enumerate(best[0])]
    unsure = [k for k, c in zip(keys, cells, strict=True) if c is None]
    out.note("I2", f"{out.where(table)} 数字在文本中顺序错乱,已按各组"
             "“总计 = 各项之和”复原" + (",请核对" if not unsure else ""), table)
    for key in unsure:
        out.note("I1", f"{out.where(table, key)} 有几种排列都符合勾稽关系,"
                 "无法确定该格的数字,未读取", table, (key,))
    return cells


def _orders(fmt: Format, table: str, keys: list[str],
            runs: list[list[Token]]) -> list[list[Token]]:
    if len(runs) > MAX_RUNS or any(t.kind != "value" for run in runs for t in run):
        return []
    found: dict[tuple[str, ...], tuple[int, list[Token]]] = {}
    for perm in permutations(range(len(runs))):
        seq = [t for k in perm for t in runs[k]]
        numbers = [parse_value(t.text, "count") for t in seq]
        if _consistent(fmt, table, dict(zip(keys, numbers, strict=True))):
            inversions = sum(a > b for i, a in enumerate(perm) for b in perm[i + 1:])
            found.setdefault(tuple(t.text for t in seq), (inversions, seq))
    if not found:
        return []
    least = min(n for n, _ in found.values())
    return [seq for n, seq in found.values() if n == least]


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
            out.note("I3", f"{out.where(table.key)} 未见“{block.title}”的标题", table.key)
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
            out.note("I3", f"{out.where(table)} {where}表头中未见“{label}”"
                     "(缺失或写法不同),按官方列序读取", table)
