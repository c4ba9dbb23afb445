"""The command line: a thin typer shell over ``make_report.api``.

Heavy libraries are imported inside the commands so that ``--help`` stays fast. Exit
codes are mapped once, in ``main``: 0 done, 1 the data has errors, 2 the input or the
command is unusable (``core.errors.user_message``) or a bug (a Chinese sentence, never a
traceback; MAKE_REPORT_DEBUG=1 re-raises a bug).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="政府信息公开工作年度报告:标准工作簿 → 官方格式 Word 文档。\n\n"
         "常用:make-report 工作簿.xlsx  (生成报告);make-report check 工作簿.xlsx  (只检查)",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

def _version(value: bool) -> None:
    if value:
        from make_report import __version__

        typer.echo(f"make-report {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号")] = False,
) -> None:
    """政府信息公开工作年度报告:标准工作簿 → 官方格式 Word 文档。"""


FormatOpt = Annotated[str | None, typer.Option("--format", help="强制使用的格式:2021 或 2019")]
PreviousOpt = Annotated[Path | None, typer.Option(
    "--previous", help="上一年的报告或工作簿,用于跨年度检查(上年结转等)")]
DocxTemplateOpt = Annotated[Path | None, typer.Option(
    "--docx-template", help="本单位的 Word 模板(.docx,含 {{ 占位符 }}),报告填入其中")]


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="要写出的 .xlsx 文件")],
    agency: Annotated[str | None, typer.Option("--agency", help="机关名称")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度,默认上一年")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="从数据 JSON 填写")] = None,
    from_report: Annotated[Path | None, typer.Option(
        "--from", help="从上一年的报告(.xlsx/.docx/.pdf/.html/.mht/.txt)开始:结转数和标题预先填好")] = None,
    format_id: FormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
    docx: Annotated[bool, typer.Option(
        "--docx", help="改为生成本单位 Word 模板(.docx,含全部占位符和说明)")] = False,
) -> None:
    """生成标准工作簿(空白,用 --data 的数据填写,或用 --from 从上一年报告开始)。"""
    from make_report import api

    if docx:
        path = api.docx_template(output, year=year, agency=agency, format_id=format_id,
                                 force=force)
        _say(f"已生成 Word 模板:{path}")
        return
    path = api.template(output, year=year, agency=agency, data=data, format_id=format_id,
                        force=force, previous=from_report)
    _say(f"已生成标准工作簿:{path}")


@app.command()
def check(
    workbook: Annotated[Path, typer.Argument(
        help="填写好的工作簿 .xlsx,数据 .json,或已发布的报告 .docx/.pdf/.html/.mht/.txt")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出检查结果")] = False,
    previous: PreviousOpt = None,
    format_id: FormatOpt = None,
    docx_template: DocxTemplateOpt = None,
) -> None:
    """检查工作簿(或已发布的报告)中的数字和勾稽关系,不生成报告。"""
    from make_report import api

    result = api.check(workbook, format_id, previous, docx_template)
    if as_json:
        _json(result.as_dict())
    else:
        from make_report.cli.console import print_findings, print_ratios

        print_findings(result.findings, workbook.name, result.verdict if result.published else "")
        print_ratios(result.ratios)
    if result.exit_code == 2:
        _say(incomplete_sentence(workbook.name, result.incomplete, "无法完成检查"))
    raise typer.Exit(result.exit_code)


def incomplete_sentence(name: str, findings: list, lead: str) -> str:
    """What stops a pass: each table not completely read, in one sentence."""
    parts = ";".join(f.message for f in findings)
    return f"{lead}:{name} {parts}。表格读不全时不能判定报告一致。"


@app.command()
def export(
    workbook: Annotated[Path, typer.Argument(help="填写好的工作簿 .xlsx")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写出的 .json")] = None,
    format_id: FormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """把工作簿中的数据导出为交换格式 JSON。"""
    from make_report import api

    if output is not None:
        _say(f"已导出:{api.export_to(workbook, output, format_id=format_id, force=force)}")
        return
    _json(api.export(workbook, format_id))


@app.command()
def build(
    workbook: Annotated[Path, typer.Argument(help="填写好的工作簿 .xlsx")],
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="输出的 .docx,默认与工作簿同一文件夹")] = None,
    force: Annotated[bool, typer.Option("--force", help="有错误也生成;覆盖被编辑过的旧报告")] = False,
    templates: Annotated[Path | None, typer.Option("--templates", help="自定义文字模板文件夹")] = None,
    reference_docx: Annotated[Path | None, typer.Option("--reference-docx",
                                                        help="使用该 Word 文档中的样式")] = None,
    html: Annotated[bool, typer.Option("--html", help="同时生成网页版(.html)")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成 PDF(需要 LibreOffice)")] = False,
    previous: PreviousOpt = None,
    format_id: FormatOpt = None,
    docx_template: DocxTemplateOpt = None,
    unsealed: Annotated[bool, typer.Option(
        "--unsealed", help="不加盖印章:落款按 GB/T 9704 7.3.5.2 排列(默认按加盖印章居中)")] = False,
) -> None:
    """生成 Word 报告(默认命令:make-report 工作簿.xlsx)。"""
    from make_report import api
    from make_report.cli.console import print_findings

    result = api.build(workbook, output, force=force, templates=templates,
                       reference_docx=reference_docx, format_id=format_id, html=html, pdf=pdf,
                       previous=previous, docx_template=docx_template, sealed=not unsealed)
    shown = [f for f in result.check.findings if f.severity != "info"]
    if shown or not result.written:
        print_findings(result.check.findings, workbook.name)
    for backup in result.backups:
        _say(f"原有的同名报告在生成后被编辑过(或不是本工具生成的),已先另存为:{backup}")
    for path in result.outputs:
        _say(f"已生成:{path}")
    if not result.written:
        _say("因有错误,未生成报告(改正后重试,或加 --force 强制生成)。")
    raise typer.Exit(0 if result.check.valid else 1)


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="存放工作簿的文件夹(含子文件夹)")],
    outdir: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="输出文件夹,默认为 文件夹/报告")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数,默认全部核心")] = None,
    html: Annotated[bool, typer.Option("--html", help="同时生成网页版(.html)")] = False,
    force: Annotated[bool, typer.Option("--force", help="有错误也生成;覆盖被编辑过的旧报告")] = False,
) -> None:
    """批量检查并生成一个文件夹中的全部工作簿。"""
    from make_report.cli.batch import run

    raise typer.Exit(run(folder, outdir, jobs, html, force))


@app.command()
def summary(
    folder: Annotated[Path, typer.Argument(help="存放工作簿的文件夹(含子文件夹)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="汇总表 .xlsx")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的汇总表")] = False,
) -> None:
    """汇总一个文件夹中全部工作簿的主要数字和三张表。"""
    from make_report import api
    from make_report.cli.console import make_console, shown

    items = api.summary(folder, output, force=force)
    included = sum(1 for i in items if i.included)
    console = make_console(stderr=True)
    for item in sorted(items, key=lambda i: i.source):
        if item.duplicate is not None:  # a warning: the other file of the pair is summed
            console.print(shown(f"注意:{item.duplicate.message}"))
        elif not item.included:
            console.print(shown(f"未纳入汇总:{item.source}:{item.reason}"))
    console.print(shown(f"已生成汇总表:{output}(找到 {len(items)} 个文件,{included} 个纳入汇总,"
                        f"{len(items) - included} 个未纳入)"))
    raise typer.Exit(0 if all(i.included or i.duplicate for i in items) else 1)


@app.command("import")
def import_(
    report: Annotated[Path, typer.Argument(help="已发布的报告 .docx/.pdf/.html/.mht/.txt")],
    output: Annotated[Path, typer.Option("-o", "--output", help="写出的标准工作簿 .xlsx")],
    format_id: FormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """把已发布的报告导入为标准工作簿;读不出的格子留空并逐个列出。"""
    from make_report import api
    from make_report.cli.console import print_findings

    path, findings = api.import_published(report, output, force=force, format_id=format_id)
    if len(findings):
        print_findings(findings, report.name)
    incomplete = [f for f in findings if f.rule == "P1"]
    if incomplete:
        _say(incomplete_sentence(report.name, incomplete, "导入不完整"))
        _say(f"已导入为标准工作簿:{path}(未读出的单元格留空,并在“基本信息”中列出)")
        raise typer.Exit(1)
    _say(f"已导入为标准工作簿:{path}")


@app.command()
def audit(
    folder: Annotated[Path, typer.Argument(help="存放已发布报告(.docx/.pdf/.html/.mht/.txt)的文件夹(含子文件夹)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="审核结果 .xlsx")],
    html: Annotated[bool, typer.Option("--html", help="同时生成网页版审核结果(.html)")] = False,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的审核结果")] = False,
) -> None:
    """审核一个文件夹中全部已发布的报告:每份报告一行(一致/不一致/无法读取)。"""
    from make_report.cli.audit import run

    raise typer.Exit(run(folder, output, html, force))


@app.command()
def explain(
    rule: Annotated[str | None, typer.Argument(help="规则编号,如 A2;不写则列出全部规则")] = None,
) -> None:
    """列出全部检查规则,或说明一条规则的含义和改法。"""
    from make_report.cli.explain import explain as show

    show(rule)


@app.command()
def serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="数据库地址,默认为数据文件夹中的 SQLite;或 postgresql://用户:密码@主机/库")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="数据文件夹(上传的文件、数据库)")]
        = Path("报送平台数据"),
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    init: Annotated[bool, typer.Option("--init", help="创建公开办管理员账号后退出")] = False,
    backup: Annotated[Path | None, typer.Option(
        "--backup", help="把数据库和全部文件备份到一个 .zip 后退出(服务运行时也可以)")] = None,
    office: Annotated[str | None, typer.Option("--office", help="--init 时的公开办名称")] = None,
    admin: Annotated[str | None, typer.Option("--admin", help="--init 时的管理员登录名")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=64, help="检查和生成报告的进程数,默认等于 CPU 核心数")] = None,
    https: Annotated[bool, typer.Option(
        "--https", help="平台在 HTTPS 反向代理之后:登录 Cookie 只经 HTTPS 发送")] = False,
) -> None:
    """启动网页报送平台:各单位在浏览器中上传工作簿,公开办审核、汇总。"""
    from make_report.cli.serve import run

    raise typer.Exit(run(db, data_dir, host, port, init, backup, office, admin, workers,
                         https))


def _json(data: object) -> None:
    """JSON on the terminal: a character that could disguise text stays a \\uXXXX escape
    (the same JSON, nothing raw on the screen)."""
    import json

    from make_report.core.safe import visible

    typer.echo(visible(json.dumps(data, ensure_ascii=False, indent=1)))


def _say(text: str) -> None:
    from make_report.core.safe import visible

    typer.echo(visible(text), err=True)


def command_names() -> list[str]:
    """The names of the registered commands, as typer names them."""
    return [c.name or c.callback.__name__.lower().replace("_", "-")  # type: ignore[union-attr]
            for c in app.registered_commands]


def _only(name: str, names: list[str]) -> typer.Typer:
    """The app with only the command this run uses, so typer inspects one signature rather
    than all of them (~10 ms); the app itself for ``--help`` and the like."""
    if name not in names:
        return app
    import copy

    one = copy.copy(app)
    one.registered_commands = [c for c, n in zip(app.registered_commands, names, strict=True)
                               if n == name]
    return one


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``make-report FILE.xlsx`` means ``make-report build FILE.xlsx``."""
    from make_report.cli import zh
    from make_report.core.errors import internal_error, usage_message, user_message

    args = list(sys.argv[1:] if argv is None else argv)
    names = command_names()
    if args and args[0] not in names and not args[0].startswith("-"):
        if mistyped := zh.mistyped_command(args[0], names):
            from make_report.core.safe import visible

            typer.secho(visible(mistyped), err=True, fg="red")
            return 2
        args.insert(0, "build")
    zh.install()
    try:
        command = zh.localise(typer.main.get_command(_only(args[0], names) if args else app))
        code = command.main(args, prog_name="make-report", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("已中止。", err=True)
        return 2
    except Exception as exc:  # the one boundary: a sentence, exit 2, never a traceback
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]
            return 2
        message = user_message(exc) or usage_message(exc)
        if message is None and os.environ.get("MAKE_REPORT_DEBUG"):
            raise
        from make_report.core.safe import visible

        typer.secho(f"无法处理:{visible(message or internal_error(exc))}", err=True, fg="red")
        return 2
    if code == 130:  # Ctrl-C: typer turns KeyboardInterrupt into 130; ours are 0, 1, 2
        typer.echo("已中止:未完成的文件没有写入,原有的文件保持不变。", err=True)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
