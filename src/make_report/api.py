"""The Python API: the same verbs as the command line, usable without it.

Each function takes paths and options, returns data, and raises a ``MakeReportError``
(``core.errors``: a Chinese sentence in ``message``) only when the input or the request
cannot be used at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from make_report.checks.ratios import RatioValue, ratios
from make_report.checks.validate import validate
from make_report.checks.verdict import CONSISTENT, Verdicts, finding_status, verdicts
from make_report.core.errors import InputError, MakeReportError
from make_report.core.findings import Finding, Findings, Location
from make_report.core.model import Report
from make_report.core.record import record
from make_report.formats import UnknownFormat, format_for_year, get_format
from make_report.readers.xlsx import ReadResult, read_workbook
from make_report.rules import finding


@record(frozen=False)
class CheckResult:
    report: Report
    findings: Findings
    cells: dict[str, Location]
    source: Path
    unknown: frozenset[str] = frozenset()
    """Fields a published report's numbers could not be read for: no ratio rests on them."""
    verdicts: Verdicts | None = None
    unjudged: frozenset[str] = frozenset()
    """Cells that were not read (a published report's, or an incomplete import's), and every
    cell of a published table showing a number no cell could take (any may be misplaced):
    no rule resting on them holds."""
    published: bool = False

    @property
    def valid(self) -> bool:
        return self.findings.valid

    @property
    def incomplete(self) -> list[Finding]:
        """P1/P2: the tables (or the imported workbook) not completely read."""
        return [f for f in self.findings if f.rule in ("P1", "P2")]

    @property
    def verdict(self) -> str:
        return self.verdicts.overall if self.verdicts else ""

    @property
    def exit_code(self) -> int:
        """2 when a table could not be read completely (nothing can pass then); a published
        report passes only when every rule holds; a workbook when it has no errors."""
        if self.incomplete and self.published:
            return 2
        if self.published:
            return 0 if self.verdict == CONSISTENT else 1
        return 0 if self.valid else 1

    @property
    def ratios(self) -> list[RatioValue]:
        """The key ratios (实质公开率, 纠错率, each result's share), for display."""
        return ratios(self.report, self.unknown)

    def as_dict(self) -> dict[str, Any]:
        unjudged = set(self.unjudged)
        return {
            "file": self.source.name,
            "format": self.report.format.id,
            "errors": len(self.findings.errors),
            "warnings": len(self.findings.warnings),
            "verdict": self.verdict,
            "rules": [{"rule": r, "title": rule_title(r), "status": s}
                      for r, s in (self.verdicts.rules.items() if self.verdicts else ())],
            "findings": [{**f.as_dict(), "status": finding_status(f, unjudged)}
                         for f in self.findings],
            "ratios": [r.as_dict() for r in self.ratios],
        }


def rule_title(rule_id: str) -> str:
    from make_report.rules import RULES

    found = RULES.get(rule_id)
    return found.title if found else ""


MAX_JSON_BYTES = 10 * 1024 * 1024
"""Interchange JSON of one report is a few tens of KB; parsed, a byte can take 50 in memory."""
PUBLISHED = {".docx", ".html", ".htm", ".txt", ".mht", ".mhtml", ".pdf"}
"""Already-published reports, read by the importer rather than as workbooks."""


def read(path: str | Path, format_id: str | None = None) -> ReadResult:
    """A workbook (.xlsx), interchange JSON (.json) or a published report as a report."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        report, findings = _load_json(path, format_id)
        return ReadResult(report, findings, {}, path)
    if path.suffix.lower() in PUBLISHED:
        from make_report.importer import import_report

        imported = import_report(path, format_id=format_id)
        return ReadResult(imported.report, imported.findings, {}, path)
    return read_workbook(path, format_id)


def check(path: str | Path, format_id: str | None = None,
          previous: str | Path | None = None,
          docx_template: str | Path | None = None) -> CheckResult:
    """Read, then run every rule; findings are cell-addressed for workbooks. A published
    report is audited with its own labels; ``previous`` adds the cross-year rules;
    ``docx_template`` checks an office's Word template against this report."""
    path = Path(path)
    variant, failed = None, frozenset()
    published = path.suffix.lower() in PUBLISHED
    if published:
        from make_report.importer import import_and_audit

        imported = import_and_audit(path, format_id=format_id)
        result = ReadResult(imported.report, imported.findings, {}, path)
        unknown = set(imported.unread)
        # a number no cell could take: any cell of its table may be the misplaced one
        judged_unknown = set(imported.incomplete) | {
            f.key for f in imported.report.format.fields if f.table in imported.leftover}
        variant, failed = imported.variant_report(), imported.failed
        ratio_unknown = frozenset(imported.uncertain)
    else:
        result = read(path, format_id)
        result.findings.extend(validate(result.report, result.cells))
        result.findings.extend(template_findings(result.report, result.cells))
        unknown = judged_unknown = set(result.unknown)
        ratio_unknown = frozenset(result.unknown)
    if previous is not None:
        from make_report.checks.content import check_copied
        from make_report.checks.crossyear import check_years

        last = read(previous)
        mismatch = previous_mismatch(result.report, last.report)
        if mismatch:
            kind, params = mismatch
            result.findings.add(finding("Y0", Path(previous).name, kind=kind, **params))
        else:
            result.findings.extend(check_years(result.report, last.report, result.cells,
                                               unknown=unknown))
            result.findings.extend(check_copied(result.report, last.report))
    if docx_template is not None:
        _, found = fill_docx_template(result.report, docx_template, lay_out=False)
        result.findings.extend(found)
    judged = verdicts(result.report, result.findings, judged_unknown, variant, failed)
    return CheckResult(result.report, result.findings, result.cells, path, ratio_unknown, judged,
                       frozenset(judged_unknown), published)


def fill_docx_template(report: Report, template: str | Path, *, templates: Path | None = None,
                       where: dict[str, str] | None = None, lay_out: bool = True):
    """An office's Word template filled with the report: ``(document, findings)``; the
    document must not be saved when a finding is an error."""
    import docx as python_docx

    from make_report.importer.source import sniff_docx
    from make_report.narrative.parts import report_parts
    from make_report.writers.docx_template import fill

    template = Path(template)
    _require_file(template, "--docx-template")
    if template.suffix.lower() != ".docx":
        raise InputError(f"--docx-template {template.name}:Word 模板应是 .docx 文件"
                         "(.dotx、.docm 或 .doc 请在 Word 中另存为 .docx)。")
    sniff_docx(template)
    try:
        doc = python_docx.Document(str(template))
    except MemoryError:  # never called damaged: the file may be fine
        raise
    except Exception:  # python-docx: a .dotx/.docm content type, a part missing
        raise InputError(f"--docx-template {template.name}:无法作为 Word 文档打开,"
                         "请在 Word 或 WPS 中另存为 .docx 后再试。") from None
    parts = list(report_parts(report, templates=templates, where=where))
    return doc, fill(doc, report, template.name, parts, lay_out_parts=lay_out)


def _require_file(path: Path, option: str) -> None:
    if not path.exists():  # a folder or a pipe is said as such by the checks that follow
        raise InputError(f"{option} {path.name}:找不到该文件。")


def previous_mismatch(report: Report, last: Report) -> tuple[str, dict[str, Any]] | None:
    """Why ``last`` is not this agency's report of the year before, as rule Y0's kind and
    values (None if it is)."""
    if last.year != report.year - 1:
        return "year", {"last_year": last.year, "year": report.year}
    this, that = ("".join(a.split()) for a in (report.agency, last.agency))
    if this and that and this != that:
        return "agency", {"last_agency": last.agency.strip(), "agency": report.agency.strip()}
    return None


def import_published(path: str | Path, output: str | Path, *, force: bool = False,
                     format_id: str | None = None) -> tuple[Path, Findings]:
    """A published report (.docx/.pdf/.html/.mht/.txt) as a standard workbook; unread cells stay empty."""
    from make_report.app.output import new_output
    from make_report.importer import import_report
    from make_report.writers.xlsx_template import write_workbook

    output = new_output(output, ".xlsx", [Path(path)], force)
    imported = import_report(path, format_id=format_id)
    doubts = [f.message for f in imported.findings
              if f.rule == "P1" and f.table in imported.leftover and not f.fields]
    write_workbook(imported.report.format, output, imported.report, imported.incomplete, doubts,
                   exclusive=not force)
    return output, imported.findings


def template_findings(report: Report, cells: dict[str, Location]) -> list[Finding]:
    """J1: narrative cells whose template expressions cannot be rendered."""
    texts = [(k, t) for k, t in _narrative_texts(report) if "{" in t]
    if not texts:
        return []  # without loading jinja2: plain text cannot fail to render
    from make_report.narrative.names import render_context
    from make_report.narrative.plain import Budget, render_plainly

    context, out, budget = render_context(report), [], Budget()
    for key, text in texts:
        if render_plainly(text, context, budget):
            continue  # only names of numbers and text: renders, charged as the sandbox would
        from make_report.narrative.render import NarrativeError, render_text

        loc = cells.get(key)
        try:
            render_text(text, context, str(loc) if loc else key, budget)
        except NarrativeError as exc:
            out.append(finding("J1", str(loc) if loc else key, kind=exc.kind, **exc.params,
                               fields=(key,),
                               sheet=loc.sheet if loc else None,
                               cells=(loc.cell,) if loc else ()))
            if budget.left <= 0:
                break  # the report's allowance is spent: one finding says so
    return out


def _narrative_texts(report: Report) -> list[tuple[str, str]]:
    out = [("lead", report.lead), ("contact", report.contact)]
    for section, entries in report.narrative.items():
        for i, entry in enumerate(entries):
            out += [(f"narrative.{section}.{i}.{j}", p) for j, p in enumerate(entry.paragraphs)]
    return out


@record(frozen=False)
class BuildResult:
    check: CheckResult
    outputs: list[Path]
    backups: list[Path] = field(default_factory=list)
    """Hand-edited reports (.docx, .html) ``--force`` replaced, each kept first beside it as
    ``…(已编辑备份).docx`` / ``.html``."""

    @property
    def written(self) -> bool:
        return bool(self.outputs)


def build(path: str | Path, output: str | Path | None = None, *, force: bool = False,
          templates: Path | None = None, reference_docx: Path | None = None,
          format_id: str | None = None, html: bool = False, pdf: bool = False,
          previous: str | Path | None = None,
          docx_template: str | Path | None = None, sealed: bool = True) -> BuildResult:
    """Check, then write the Word report (and HTML, PDF); with errors nothing is written
    unless ``force``. With ``docx_template`` the report is poured into the office's own
    Word document; a template that cannot be filled writes nothing, ``force`` or not.
    ``sealed=False``: a report without a seal, signed as GB/T 9704 7.3.5.2 says."""
    from make_report.app.output import check_target, default_output, keep_edited, save_docx
    from make_report.writers.docx_base import render_docx

    source = Path(path)
    if source.suffix.lower() in PUBLISHED:
        raise InputError(
            f"{source.name}:这是已发布的报告,生成报告需要填好的工作簿(.xlsx)。请先用 "
            f"make-report import {source.name} -o 工作簿.xlsx 把它导入为工作簿,核对后再生成;"
            f"只想检查它,请用 make-report check {source.name}。")
    result = check(source, format_id, previous, docx_template)
    if (not result.valid and not force) or _template_errors(result):
        return BuildResult(result, [])
    target = Path(output) if output else default_output(source, result.report.title, ".docx")
    if target.suffix.lower() != ".docx":
        raise InputError(f"{target.name}:输出文件名应以 .docx 结尾。")
    check_target(target, source, force)
    _check_style_sources(templates, reference_docx)
    where = {k: str(v) for k, v in result.cells.items()}
    if docx_template is not None:  # NarrativeError: a MakeReportError, the caller's to show
        doc, _ = fill_docx_template(result.report, docx_template, templates=templates,
                                    where=where)
    else:
        doc = _with_reference(reference_docx, lambda: render_docx(
            result.report, templates=templates, reference_docx=reference_docx, where=where,
            sealed=sealed))
    outputs = [target]
    extra = [(html, ".html"), (pdf, ".pdf")]
    for wanted, suffix in extra:
        if wanted:
            check_target(target.with_suffix(suffix), source, force)
    kept = [target, *([target.with_suffix(".html")] if html else [])] if force else []
    backups = [b for b in map(keep_edited, kept) if b is not None]
    beside = {}
    if html:  # rendered first, written with the document: both in place, or neither
        from make_report.writers.html import render_html, stamp

        beside[target.with_suffix(".html")] = stamp(
            render_html(result.report, templates=templates, where=where))
    save_docx(doc, target, beside)
    outputs += list(beside)
    if pdf:
        from make_report.writers.pdf import convert_to_pdf

        convert_to_pdf([target], [target.with_suffix(".pdf")])
        outputs.append(target.with_suffix(".pdf"))
    return BuildResult(result, outputs, backups)


def _with_reference(reference_docx: Path | None, make):
    """Build with the reference's styles; a reference that opens but whose styles or
    sections cannot be used (damaged in ways no check foresees) is one sentence."""
    if reference_docx is None:
        return make()
    try:
        return make()
    except (MakeReportError, MemoryError):
        raise
    except Exception:
        if os.environ.get("MAKE_REPORT_DEBUG"):
            raise
        raise InputError(f"--reference-docx {Path(reference_docx).name}:无法使用其中的样式"
                         "(文件已损坏或内容不完整)。请在 Word 中另存为 .docx 后再试,"
                         "或不用 --reference-docx。") from None


def _template_errors(result: CheckResult) -> bool:
    return any(f.rule.startswith("D") and f.severity == "error" for f in result.findings)


def docx_template(path: str | Path, *, year: int | None = None, agency: str | None = None,
                  format_id: str | None = None, force: bool = False) -> Path:
    """Write a starting Word template with every placeholder and a short guide inside."""
    from make_report.app.output import new_output
    from make_report.writers.atomic import atomic_output, save_through_memory
    from make_report.writers.docx_template import starter_template

    path = new_output(path, ".docx", [], force)
    year = year or _default_year()
    report = Report(_format(format_id, year), agency or "", year)
    doc = starter_template(report)
    with atomic_output(path) as tmp:
        save_through_memory(doc.save, tmp)
    return path


def export_to(path: str | Path, output: str | Path, *, format_id: str | None = None,
              force: bool = False) -> Path:
    """Write a workbook's interchange JSON to a new file (never over the workbook)."""
    import json

    from make_report.app.output import new_output
    from make_report.writers.atomic import write_text

    target = new_output(output, ".json", [Path(path)], force)
    write_text(target, json.dumps(export(path, format_id), ensure_ascii=False, indent=1) + "\n",
               exclusive=not force)
    return target


def batch_item(path: Path, root: Path, outdir: Path, options: Any) -> Any:
    """Check and build one workbook of a batch as its line (``app.batch.BatchItem``); the
    worker's error boundary: every failure is caught and said in one sentence."""
    from make_report.app.batch import BatchItem, output_for
    from make_report.core.errors import user_message

    name = str(path.relative_to(root))
    try:
        target = output_for(path, root, outdir, ".docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        result = build(path, target, force=options.force, templates=options.templates,
                       reference_docx=options.reference_docx, html=options.html)
    except Exception as exc:  # a bug must not stop the other files
        message = user_message(exc) or (f"{path.name}:内部错误({type(exc).__name__}),"
                                        "请将该文件发给技术支持。")
        return BatchItem(name, "unusable", message=message)
    check = result.check
    report = check.report
    status = "built" if result.written and check.valid else "errors"
    return BatchItem(
        name, status, report.agency, report.year, report.format.id,
        len(check.findings.errors), len(check.findings.warnings),
        [str(p) for p in result.outputs],
        check.findings.errors[0].message if check.findings.errors else
        "".join(f"原报告被编辑过,已另存为 {b.name}" for b in result.backups),
        [f.as_dict() for f in check.findings if f.severity == "error"],
        [r.as_dict() for r in check.ratios],
    )


def batch(folder: str | Path, output: str | Path | None = None, *, jobs: int | None = None,
          html: bool = False, force: bool = False, progress=None,
          hold_on_interrupt: bool = False) -> Any:
    """Check and build every workbook under ``folder`` in parallel, into ``output`` (default
    ``folder/报告``), with batch-report.json beside them (``app.batch.BatchRun``: the items,
    the record, whether Ctrl-C stopped it). ``progress(total, item)``: see
    ``app.batch.run_folder``."""
    from make_report.app.batch import BatchOptions, run_folder

    return run_folder(Path(folder), Path(output) if output is not None else None,
                      BatchOptions(html=html, force=force), jobs, task=batch_item,
                      progress=progress, hold_on_interrupt=hold_on_interrupt)


def summary(folder: str | Path, output: str | Path, *, force: bool = False) -> list:
    """Check every workbook under ``folder`` and write the roll-up workbook."""
    from make_report.app.batch import find_inputs
    from make_report.app.output import new_output
    from make_report.app.summary import write_summary
    from make_report.checks.summary import SummaryItem

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}:文件夹不存在。")
    paths, problems = find_inputs(folder)
    inputs = [p for p in paths if p.resolve() != Path(output).resolve()]
    if len(inputs) < len(paths) and _is_report_workbook(Path(output)):
        raise InputError(f"{Path(output).name}:这是要汇总的工作簿之一,汇总表不能写在它上面"
                         "(加 --force 也不行)。请用 -o 指定其他文件名。")
    target = new_output(output, ".xlsx", inputs, force)
    items = summary_items(inputs, root=folder)
    items += [SummaryItem(p.file, None, None, "unusable", p.message) for p in problems]
    write_summary(items, target)
    return items


def audit(folder: str | Path, output: str | Path, *, html: bool = False, force: bool = False,
          progress=None) -> list:
    """Check every published report under ``folder``; write one row per report (and each
    finding) to ``output`` (.xlsx), and the same as a web page with ``html``."""
    from make_report.app.audit import find_reports, run_audit
    from make_report.app.output import new_output
    from make_report.writers.audit_xlsx import write_audit_workbook

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}:文件夹不存在。")
    target = new_output(output, ".xlsx", [], force)
    page = new_output(target.with_suffix(".html"), ".html", [], force) if html else None
    paths, problems = find_reports(folder, skip=[target] + ([page] if page else []))
    if not paths and not problems:
        raise InputError(f"{folder}:文件夹中没有已发布的报告(.docx、.pdf、.html、.htm、.mht、.txt)。")
    if progress is not None:
        progress(len(paths), None)
    items = run_audit(paths, folder, check, (lambda item: progress(len(paths), item))
                      if progress is not None else None) + problems
    beside = {}
    if page is not None:  # written with the workbook, in one step: never half a set
        from make_report.writers.audit_html import render_audit_html

        beside[page] = render_audit_html(items)
    write_audit_workbook(items, target, beside)
    return items


def summary_items(paths: Iterable[str | Path], format_id: str | None = None,
                  root: str | Path | None = None) -> list:
    """Each file checked, as a line of the summary (``checks.summary.SummaryItem``); a file that
    cannot be read is an ``unusable`` line. Files are named by their path below ``root``;
    a second report of the same agency and year is a ``duplicate`` line (X2)."""
    from make_report.app.summary import collect

    return collect(paths, lambda path: check(path, format_id), root=root)


def _is_report_workbook(path: Path) -> bool:
    """A filled standard workbook (it has the meta sheet), not an old summary or other file."""
    import zipfile

    from make_report.formats import FORMATS

    meta = next(iter(FORMATS.values())).meta_sheet
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            return info.file_size < 1 << 20 and f'name="{meta}"'.encode() in zf.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return False


def export(path: str | Path, format_id: str | None = None) -> dict[str, Any]:
    """The interchange JSON of a workbook."""
    from make_report.core.interchange import report_to_dict

    return report_to_dict(read(path, format_id).report)


def template(path: str | Path, *, year: int | None = None, agency: str | None = None,
             data: str | Path | None = None, format_id: str | None = None,
             force: bool = False, previous: str | Path | None = None) -> Path:
    """Write the standard workbook: blank, filled from interchange JSON, or started from
    last year's report (``previous``: agency, next year, carry-over, headings)."""
    from make_report.app.output import new_output
    from make_report.writers.xlsx_template import write_workbook

    path = new_output(path, ".xlsx", [Path(p) for p in (data, previous) if p], force)
    if previous is not None:
        from make_report.importer import next_year_report

        report = next_year_report(read(previous).report)
    elif data is not None:
        report, findings = _load_json(Path(data), format_id)
        if findings.errors:
            raise InputError(f"{Path(data).name}:{findings.errors[0].message}")
    else:
        year = year or _default_year()
        report = Report(_format(format_id, year), "", year)  # no values: blank input cells
    if agency:
        report.agency = agency
    write_workbook(report.format, path, report, exclusive=not force)
    return path


def _default_year() -> int:
    import datetime as dt

    return dt.date.today().year - 1


def _format(format_id: str | None, year: int):
    try:
        return get_format(format_id) if format_id else format_for_year(year)
    except UnknownFormat as exc:
        raise InputError(str(exc)) from None


def _load_json(path: Path, format_id: str | None) -> tuple[Report, Findings]:
    from make_report.core.interchange import report_from_dict
    from make_report.readers.sniff import read_input

    if not path.exists():
        raise InputError(f"{path.name}:文件不存在。")
    raw = read_input(path, "报告数据 JSON 通常不到 1 MB", MAX_JSON_BYTES)
    import json

    try:
        data = json.loads(raw.decode("utf-8-sig"))
        if format_id:
            data["format"] = format_id
        return report_from_dict(data)
    except UnknownFormat as exc:  # a ValueError too: catch it first
        raise InputError(f"{path.name}:{exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        from make_report.core.errors import json_problem

        raise InputError(f"{path.name}:不是有效的报告数据 JSON({json_problem(exc)})。") from None


def _check_style_sources(templates: Path | None, reference_docx: Path | None) -> None:
    """--templates must be a folder and --reference-docx a real Word document."""
    if templates is not None and not Path(templates).is_dir():
        raise InputError(f"--templates {templates}:找不到该文件夹。")
    if reference_docx is None:
        return
    from make_report.importer.source import check_reference_docx

    check_reference_docx(Path(reference_docx))
