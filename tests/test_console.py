"""What a clerk reads on screen: text from workbooks is shown as typed, never as markup.

Square brackets are ordinary in Chinese documents and file names (``报告[b].xlsx``,
``【2024】``), and a narrative cell may hold anything; none of it may restyle the output,
vanish from it or stop the tool.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from make_report.cli.main import main
from make_report.core.model import Entry
from make_report.core.synthetic import consistent_narrative, consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

FMT = FORMATS["2021"]
CLAIM = "本年收到[/b]申请999件"
AGENCY = "示例[b]县[/red]:warning:人民政府"


def workbook(path: Path, agency: str = AGENCY, claim: str = CLAIM, negative: bool = False) -> Path:
    report = consistent_report(FMT, seed=11, agency=agency)
    report.date = dt.date(2025, 1, 20)
    report.narrative = consistent_narrative()
    for s in FMT.narrative_sections:
        report.narrative[s.key].append(Entry("(九)情况", [f"{claim}。"]))
    if negative:
        report.values["applications.new_received.0"] = -1
    write_workbook(FMT, path, report)
    return path


def flat(text: str) -> str:
    """The output without the table's borders and line breaks (long cells wrap)."""
    return re.sub(r"[\s│┃║|]+", "", text)


def test_check_shows_markup_like_text_verbatim(tmp_path, capsys):
    source = workbook(tmp_path / "报告[b].xlsx")
    capsys.readouterr()
    assert main(["check", str(source)]) == 0  # warnings only
    out, err = capsys.readouterr()
    assert err == ""
    assert "“收到[/b]申请999件”" in flat(out)
    assert "报告[b].xlsx:没有错误,有 3 处警告,请核对。" in out


def test_build_shows_markup_like_text_verbatim(tmp_path, capsys):
    source = workbook(tmp_path / "报告[red].xlsx")
    target = tmp_path / "[b]报告.docx"
    capsys.readouterr()
    assert main([str(source), "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert "“收到[/b]申请999件”" in flat(out)
    assert "报告[red].xlsx:没有错误" in out
    assert err == f"已生成:{target}\n"
    assert target.exists()


def test_errors_with_markup_keep_their_exit_code(tmp_path, capsys):
    source = workbook(tmp_path / "[bold]有误[on red].xlsx", negative=True)
    capsys.readouterr()
    assert main(["check", str(source)]) == 1
    out, _ = capsys.readouterr()
    assert "[bold]有误[on red].xlsx:发现" in out
    assert "“收到[/b]申请999件”" in flat(out)


def test_batch_shows_file_agency_and_message_verbatim(tmp_path, capsys):
    folder = tmp_path / "收到[b]"
    folder.mkdir()
    workbook(folder / "[red]甲.xlsx")
    workbook(folder / "乙[b].xlsx", negative=True)
    capsys.readouterr()
    assert main(["batch", str(folder), "-o", str(tmp_path / "报告"), "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    shown = flat(err)
    assert "[red]甲.xlsx" in shown and "乙[b].xlsx" in shown
    assert flat(AGENCY) in shown
    assert "共 2 个:已生成 1,有错误 1,无法读取 0" in err
    assert "程序内部错误" not in out + err
