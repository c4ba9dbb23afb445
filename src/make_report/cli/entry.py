"""The ``make-report`` program: the main job without loading typer, everything else through it.

A clerk's ``make-report 工作簿.xlsx`` (or ``check 工作簿.xlsx``) has nothing for a command-line
framework to do, yet loading typer and click takes about a third of a 0.2 s run. When the
command line is one of the plain forms below, the command's body (``cli/commands.py``, the
same one typer calls) runs directly, inside the same error boundary as ``cli/main.py``;
any other command line, option, spelling or doubt goes to typer (``cli.main.main``),
which parses it exactly as before:

    [build] FILE [--force] [-o OUT | --output OUT | --output=OUT]
    check FILE [--json]

FILE has a suffix (so it cannot be a mistyped command name) and does not start with ``-``.
"""

from __future__ import annotations

import errno
import gc
import os
import sys

TYPE_CHECKING = False  # typing's own costs an import before main sets the threshold
if TYPE_CHECKING:
    from pathlib import Path

FLAGS = {"build": {"--force": "force"}, "check": {"--json": "as_json"}}
VALUES = {"build": {"-o": "output", "--output": "output"}, "check": {}}


def plain(args: list[str]) -> tuple[str, Path, dict] | None:
    """(command, file, options) when ``args`` is a plain form of build or check, else None."""
    from pathlib import Path  # here, after main has set the collector's threshold

    if args and args[0] in FLAGS:
        command, rest = args[0], args[1:]
    elif args and not args[0].startswith("-"):  # the file first: typer's main inserts build
        command, rest = "build", args
    else:
        return None
    flags, values = FLAGS[command], VALUES[command]
    file: str | None = None
    options: dict = {}
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg in flags:
            key, given = flags[arg], True
        elif name in values:
            if not eq:
                i += 1
                value = rest[i] if i < len(rest) else ""
            if not value or value.startswith("-"):
                return None
            key, given = values[name], Path(value)
        elif not arg.startswith("-") and file is None and arg:
            file = arg
            i += 1
            continue
        else:
            return None  # anything else, typer decides (and words any error)
        if key in options:
            return None
        options[key] = given
        i += 1
    if file is None or not Path(file).suffix:
        return None
    return command, Path(file), options


def _utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


def run(args: list[str]) -> int | None:
    """The exit code of a plain build or check, or None: typer must handle ``args``."""
    found = plain(args)
    if found is None or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None  # an unusual console: click's writers handle its encoding
    command, file, options = found
    from make_report.cli import commands

    try:
        if command == "check":
            return commands.check(file, **options)
        return commands.build(file, **options)
    except KeyboardInterrupt:  # as typer's 130 in cli.main.main
        commands.say("已中止:未完成的文件没有写入,原有的文件保持不变。")
        return 2
    except EOFError:  # as typer: an empty line, then click's Abort in cli.main.main
        sys.stderr.write("\n")
        commands.say("已中止。")
        return 2
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # as typer: the reader went away, quietly exit 1
            from click.utils import PacifyFlushWrapper

            sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
            sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
            sys.exit(1)
        return _failed(exc)
    except Exception as exc:  # the boundary of cli.main.main, worded the same
        return _failed(exc)


def _failed(exc: Exception) -> int:
    from make_report.core.errors import internal_error, user_message

    message = user_message(exc)
    if message is None and os.environ.get("MAKE_REPORT_DEBUG"):
        raise exc
    import typer  # only now: the colour and console handling of cli.main's message

    from make_report.core.safe import visible

    typer.secho(f"无法处理:{visible(message or internal_error(exc))}", err=True, fg="red")
    return 2


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the program itself, not a caller in the same process
        # One short run: Python's default collects young objects every 700 allocations and
        # walks all that the imports made over and over, 10-20 ms of a 0.2 s run. Every
        # 50,000 still bounds what unreachable cycles can hold to a few megabytes. Any
        # other command (a desk server, a batch) runs with Python's default.
        default = gc.get_threshold()
        gc.set_threshold(50_000, 20, 20)
    args = list(sys.argv[1:] if argv is None else argv)
    code = run(args)
    if code is not None:
        if argv is None:  # the process ends now: its last collection, at exit, need not
            gc.freeze()   # walk every object the run made once more (10-30 ms)
        return code
    if argv is None:
        gc.set_threshold(*default)
    from make_report.cli.main import main as full

    return full(args)


if __name__ == "__main__":
    sys.exit(main())
