"""Amounts in 万元 that were typed in 元 (rules C14, C15): a township's fee cell of 1亿元
and more, or the text stating the cell's number in 元."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from make_report.checks.paragraphs import SENTENCE, Paragraph, Places, around
from make_report.core.findings import Finding, Location, place
from make_report.core.model import Report, format_value, is_number
from make_report.rules import finding
from make_report.rules.families import content as data


def check_units(report: Report, pars: Sequence[Paragraph], places: Places,
                cells: Mapping[str, Location] | None) -> Iterator[Finding]:
    """C14 and C15 on every amount of the format (all amounts are in 万元)."""
    township = bool(re.search(data.TOWNSHIP, report.agency.strip()))
    limit = data.AMOUNT_LIMITS_10K_YUAN["township" if township else "other"]
    level = "乡镇、街道的金额" if township else "一个机关的金额"
    for f in report.format.fields:
        value = report.value(f.key)
        if f.kind != "amount" or not is_number(value) or not value:
            continue
        prefix, sheet, addr = place([f.key], cells, f.label, report.format.table_name(f.table))
        at = {"place": prefix, "sheet": sheet, "cells": addr, "table": f.table, "row": f.row,
              "column": f.column_index}
        if value >= limit:
            yield finding("C14", found=format_value(value), level=level, limit=limit,
                          fields=(f.key,), **at)
        for par, excerpt in _yuan_mentions(pars, f.row_label, Decimal(value)):
            where = {**places.of(par), "table": f.table, "fields": (f.key, par.key)}
            yield finding("C15", found=format_value(value), excerpt=excerpt, **where)


def _yuan_mentions(pars: Sequence[Paragraph], label: str,
                   value: Decimal) -> Iterator[tuple[Paragraph, str]]:
    """Sentences about the row (its label, or its last two characters: 收费) stating the
    cell's number in 元."""
    topic = re.compile(f"{re.escape(label)}|{re.escape(label[-2:])}")
    for par in pars:
        for sentence in SENTENCE.findall(par.text):
            if not topic.search(sentence):
                continue
            for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?<!万)元", sentence):
                if Decimal(m.group(1)) == value:
                    yield par, around(sentence, m.group(0))
                    break
