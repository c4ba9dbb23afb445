"""The README's promises: its set-up commands, its test command and every CLI command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from make_report.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def opening_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, re.S)[:2]


def test_main_job_runs_on_a_workbook_in_example_inputs():
    words = shlex.split(opening_commands()[0].split("&&")[-1])
    assert words[0] == ".venv/bin/make-report"
    assert (ROOT / words[1]).is_file() and words[1].startswith("example_inputs/")


def test_ci_runs_the_readme_test_command():
    test_command = opening_commands()[1].split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_every_command_is_documented():
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    undocumented = [n for n in names if f"make-report {n}" not in README]
    assert undocumented == []
