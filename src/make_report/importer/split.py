"""Cells run together: every way to cut runs of digits into a row's cells that the rules allow.

A web page saved or copied as text often loses the separators between cells
(``一、本年新收政府信息公开申请数量80100000081``). What is known decides the cut: the number
of cells, that a count does not start with 0 unless it is 0, and each sum rule whose cells
all lie in the run (a row's 总计 is the sum of its parts). Only splits satisfying all of it
are returned; whether one is taken is for the caller (exactly one: yes; several: never).
"""

from __future__ import annotations

from collections.abc import Sequence

Line = tuple[tuple[int, ...], tuple[int, ...]]
"""A sum rule over cell positions: sum(left) == sum(right)."""

MAX_STEPS = 200_000
"""Cuts tried before giving up (then nothing is read): bounds time on any input."""
MAX_CANDIDATES = 50


class TooMany(Exception):
    """More cuts than ``MAX_STEPS`` would have to be tried."""


def splits(runs: Sequence[str], width: int, lines: Sequence[Line] = ()) -> list[tuple[int, ...]]:
    """All readings of ``runs`` (digit strings, each holding one or more whole cells) as
    ``width`` counts satisfying ``lines``; at most MAX_CANDIDATES + 1 of them.
    Raises TooMany when the search would be unbounded."""
    if not runs or any(not r.isascii() or not r.isdigit() for r in runs):
        return []
    if not len(runs) <= width <= sum(len(r) for r in runs):
        return []
    due: dict[int, list[Line]] = {}
    for line in lines:
        due.setdefault(max((*line[0], *line[1])), []).append(line)
    out: list[tuple[int, ...]] = []
    steps = [0]

    def go(t: int, o: int, cells: list[int]) -> None:
        if len(out) > MAX_CANDIDATES:
            return
        if t == len(runs):
            if len(cells) == width:
                out.append(tuple(cells))
            return
        text = runs[t]
        left_parts = width - len(cells)
        later_chars = sum(len(r) for r in runs[t + 1:])
        later_runs = len(runs) - t - 1
        longest = 1 if text[o] == "0" else len(text) - o
        for n in range(1, longest + 1):
            steps[0] += 1
            if steps[0] > MAX_STEPS:
                raise TooMany
            end = o + n
            done = end == len(text)
            # parts still to place must fit: each later run needs one, each char at most one
            rest = left_parts - 1
            if done and not later_runs <= rest <= later_chars:
                continue
            if not done and not (later_runs + 1 <= rest <= later_chars + len(text) - end):
                continue
            cells.append(int(text[o:end]))
            if all(_holds(line, cells) for line in due.get(len(cells) - 1, ())):
                go(t + 1, 0, cells) if done else go(t, end, cells)
            cells.pop()

    go(0, 0, [])
    return out


def _holds(line: Line, cells: list[int]) -> bool:
    return sum(cells[i] for i in line[0]) == sum(cells[i] for i in line[1])


def row_lines(equations: Sequence[tuple[Sequence[str], Sequence[str]]],
              keys: Sequence[str]) -> list[Line]:
    """The sum rules (left keys, right keys) lying wholly in one row, by cell position."""
    at = {k: i for i, k in enumerate(keys)}
    return [(tuple(at[k] for k in left), tuple(at[k] for k in right))
            for left, right in equations if all(k in at for k in (*left, *right))]
