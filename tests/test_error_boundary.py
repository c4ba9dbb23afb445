"""One error boundary: every user mistake in a command's file, format or year option is
answered with a Chinese sentence and exit code 2 (or 0/1), never 程序内部错误."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

import pytest
import typer

from make_report import api
from make_report.cli.main import app, main
from make_report.core.errors import InputError, MakeReportError, user_message
from make_report.core.interchange import InterchangeError
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS, UnknownFormat
from make_report.narrative.render import NarrativeError
from make_report.writers.xlsx_template import write_workbook

BAD_FORMATS = ["2020", "abc", "", "２０２１"]
BAD_YEARS = ["1990", "0", "-1", "99999", "abc"]
BAD_NUMBERS = ["0", "-3", "many"]
BAD_RULES = ["Z9", "a", "blank"]
BAD_DATABASES = ["garbage", "sqlite:////nonexistent/folder/desk.db",
                 "postgresql://user:secret@127.0.0.1:1/desk"]
BAD_PATHS = ["missing.xlsx", "folder", "empty.xlsx", "garbage.docx", "garbage.json",
             "wrong.png"]


def base_invocations(inputs: dict[str, Path], out: Path) -> dict[str, list[str]]:
    """A working invocation of every command; each case changes one option of one."""
    return {
        "template": ["template", "-o", str(out / "t.xlsx")],
        "template data": ["template", "-o", str(out / "t.xlsx"), "--data", str(inputs["json"])],
        "template from": ["template", "-o", str(out / "t.xlsx"), "--from",
                          str(inputs["published"])],
        "check": ["check", str(inputs["workbook"])],
        "check published": ["check", str(inputs["published"])],
        "check json": ["check", str(inputs["json"])],
        "export": ["export", str(inputs["workbook"])],
        "build": ["build", str(inputs["workbook"]), "-o", str(out / "r.docx")],
        "batch": ["batch", str(inputs["folder"]), "-o", str(out / "batch"), "--jobs", "1"],
        "summary": ["summary", str(inputs["folder"]), "-o", str(out / "s.xlsx")],
        "import": ["import", str(inputs["published"]), "-o", str(out / "i.xlsx")],
        "build json": ["build", str(inputs["json"]), "-o", str(out / "r.docx")],
        "explain": ["explain"],
        "audit": ["audit", str(inputs["reports"]), "-o", str(out / "a.xlsx")],
        # --backup makes serve write one backup and exit instead of serving
        "serve": ["serve", "--data-dir", str(out / "desk"), "--backup", str(out / "b.zip")],
    }


def commands() -> dict[str, typing.Callable]:
    return {c.name or c.callback.__name__: c.callback for c in app.registered_commands}


def options(callback: typing.Callable) -> list[tuple[str, str, str | None]]:
    """(kind, parameter name, option flag or None for an argument) of every parameter that
    names a file, a format, a year, a count or a rule."""
    hints = typing.get_type_hints(callback, include_extras=True)
    out = []
    for name in inspect.signature(callback).parameters:
        hint = hints[name]
        meta = next((m for m in getattr(hint, "__metadata__", ())
                     if isinstance(m, typer.models.ParameterInfo)), None)
        flag = None
        if isinstance(meta, typer.models.OptionInfo):
            decls = (meta.default, *meta.param_decls)  # Annotated: the first flag is "default"
            flag = next(d for d in decls if isinstance(d, str) and d.startswith("--"))
        inner = typing.get_args(hint)[0] if hasattr(hint, "__metadata__") else hint
        kinds = set(typing.get_args(inner)) | {inner}
        if Path in kinds:
            out.append(("path", name, flag))
        elif name == "format_id":
            out.append(("format", name, flag))
        elif name == "year":
            out.append(("year", name, flag))
        elif int in kinds and bool not in kinds:
            out.append(("number", name, flag))
        elif name == "rule":
            out.append(("rule", name, flag))
        elif name == "db":
            out.append(("db", name, flag))
    return out


VALUES = {"path": BAD_PATHS, "format": BAD_FORMATS, "year": BAD_YEARS, "number": BAD_NUMBERS,
          "rule": BAD_RULES, "db": BAD_DATABASES}
BASES = ["template", "template data", "template from", "check", "check published",
         "check json", "export", "build", "build json", "batch", "summary", "import", "explain",
         "audit", "serve"]
"""The keys of ``base_invocations``: a command, then what its main input is."""
CASES = [(base, flag, kind, value)
         for base in BASES
         for kind, _name, flag in options(commands()[base.split()[0]])
         for value in VALUES[kind]]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    report.year = 2024
    folder = root / "inbox"
    folder.mkdir()
    workbook = folder / "单位.xlsx"
    write_workbook(report.format, workbook, report)
    published = api.build(workbook, root / "published.docx").outputs[0]
    (root / "reports").mkdir()
    (root / "reports" / "某镇.docx").write_bytes(published.read_bytes())
    api.export_to(workbook, root / "data.json")
    (root / "folder").mkdir()
    (root / "empty.xlsx").write_bytes(b"")
    (root / "garbage.docx").write_bytes(bytes(range(256)) * 4)
    (root / "garbage.json").write_text("{not json", encoding="utf-8")
    (root / "wrong.png").write_bytes(b"\x89PNG\r\n")
    return {"workbook": workbook, "folder": folder, "published": published,
            "json": root / "data.json", "root": root, "reports": root / "reports"}


def with_value(args: list[str], flag: str | None, value: str) -> list[str]:
    args = list(args)
    if flag is None:  # the command's argument
        return [args[0], value, *args[2:]] if len(args) > 1 else [args[0], value]
    if flag in args:
        args[args.index(flag) + 1] = value
    elif flag == "--output" and "-o" in args:
        args[args.index("-o") + 1] = value
    else:
        args += [flag, value]
    return args


def test_every_command_has_a_working_invocation(inputs, tmp_path, capsys):
    bases = base_invocations(inputs, tmp_path)
    assert set(bases) == set(BASES)
    assert {b.split()[0] for b in bases} == set(commands())
    for name in bases:
        out = tmp_path / name.replace(" ", "_")
        out.mkdir()
        assert main(base_invocations(inputs, out)[name]) in (0, 1), \
            (name, capsys.readouterr().err)


def test_the_walk_covers_every_kind_of_option():
    assert {(b, f) for b, f, _k, _v in CASES} >= {
        ("check published", "--format"), ("import", "--format"), ("template", "--year"),
        ("build", "--reference-docx"), ("batch", None), ("template from", "--format"),
        ("serve", "--db")}


@pytest.mark.parametrize(("base", "flag", "kind", "value"), CASES,
                         ids=[f"{b}-{f or 'arg'}-{v or 'empty'}" for b, f, _k, v in CASES])
def test_no_user_mistake_is_an_internal_error(base, flag, kind, value, inputs, tmp_path,
                                              capsys):
    if kind == "path":
        value = str(inputs["root"] / value)
    args = with_value(base_invocations(inputs, tmp_path)[base], flag, value)
    code = main(args)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "程序内部错误" not in err and "Traceback" not in err, (args, err)
    if code == 2:
        assert err.startswith("无法处理:") or "已中断" in err, err
    assert "secret" not in err  # a database password is never shown


@pytest.mark.parametrize("error", [InputError, UnknownFormat, InterchangeError, NarrativeError])
def test_every_user_error_derives_from_one_base_carrying_its_sentence(error):
    exc = error("一句中文")
    assert isinstance(exc, MakeReportError) and user_message(exc) == "一句中文"


def test_a_bug_has_no_user_message():
    assert user_message(KeyError("x")) is None
