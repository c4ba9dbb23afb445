"""The errors a user can cause, and their translation into one Chinese sentence.

Every error a clerk's input or command can cause derives from ``MakeReportError`` and
carries its sentence in ``message``: ``InputError`` (file or command unusable),
``formats.UnknownFormat``, ``core.interchange.InterchangeError``,
``narrative.NarrativeError``. ``user_message`` turns any exception into what a user reads;
the CLI (``cli.main``) and the batch worker (``api.batch_item``) are its only two callers that
decide what happens next (exit 2, or the file marked unusable).
"""

from __future__ import annotations

import errno
from pathlib import Path


class MakeReportError(Exception):
    """A Chinese sentence saying what is wrong with the input or the request (exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(MakeReportError):
    """The file or the command cannot be used at all."""


_BUSY = ("没有权限,或该文件正在 Word、Excel 或 WPS 中打开", "关闭该文件,或用 -o 换一个位置")
WRITE_REASONS = {
    errno.ENOSPC: ("磁盘空间不足", "清理磁盘空间,或用 -o 换一个位置"),
    errno.EDQUOT: ("磁盘配额已用完", "清理磁盘空间,或用 -o 换一个位置"),
    errno.EACCES: _BUSY,
    errno.EPERM: _BUSY,
    errno.EBUSY: _BUSY,
    errno.EROFS: ("所在的磁盘或文件夹是只读的", "用 -o 换一个位置"),
    errno.ENAMETOOLONG: ("文件名或路径过长", "用 -o 指定较短的文件名"),
    errno.ENOENT: ("所在文件夹不存在", "先创建该文件夹,或用 -o 换一个位置"),
    errno.EIO: ("磁盘读写出错", "检查磁盘或 U 盘,或用 -o 换一个位置"),
    errno.EEXIST: ("这里已有同名的文件,不能再建同名的文件夹", "删除或改名该文件,或用 -o 换一个位置"),
    errno.ENOTDIR: ("路径中有一级是文件而不是文件夹", "用 -o 换一个位置"),
}
READ_REASONS = {
    errno.EACCES: "没有权限读取,或文件正被其他程序独占",
    errno.EPERM: "没有权限读取,或文件正被其他程序独占",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOENT: "文件不存在",
    errno.EIO: "磁盘读写出错",
}
_NO_ACCESS = (errno.EACCES, errno.EPERM)
_READ_ADVICE = "请关闭 Excel 或 WPS 后再试"
_ACCESS_ADVICE = "请让电脑的管理员给您读取权限,或把它复制到您自己的文件夹,或关闭 Excel 或 WPS 后再试"


def _code(exc: OSError) -> str:
    return f"操作系统错误代码 {exc.errno}" if exc.errno else "操作系统报告了错误"


def write_error(path: str | Path, exc: OSError) -> InputError:
    """Why ``path`` could not be written, and that nothing already there was harmed."""
    why, advice = WRITE_REASONS.get(exc.errno or 0, (_code(exc), "用 -o 换一个位置"))
    return InputError(f"{Path(path).name}:未能写入,{why}。原有的同名文件(如有)保持不变,"
                      f"也没有留下不完整的文件。请{advice}后再试。")


def read_error(path: str | Path, exc: OSError, what: str = "") -> InputError:
    """Why ``path`` could not be read; ``what`` says what it is for (``--previous``)."""
    why = READ_REASONS.get(exc.errno or 0, _code(exc))
    advice = _ACCESS_ADVICE if exc.errno in _NO_ACCESS else _READ_ADVICE
    lead = f"{what} " if what else ""
    return InputError(f"{lead}{Path(path).name}:无法读取该文件,{why}。{advice}。")


def folder_error(path: str | Path, exc: OSError, writing: bool = False) -> InputError:
    """A folder that could not be listed (``writing``: created or written into)."""
    name = Path(path).name or str(path)
    if writing:
        if exc.errno in _NO_ACCESS or exc.errno == errno.EROFS:
            why = "没有权限在所在位置写入(或该位置是只读的)"
        else:
            why = WRITE_REASONS.get(exc.errno or 0, (_code(exc),))[0]
        return InputError(f"{name}:无法创建或写入该文件夹,{why}。请用 -o 换一个位置。")
    why = "没有权限打开该文件夹" if exc.errno in _NO_ACCESS else READ_REASONS.get(
        exc.errno or 0, _code(exc))
    return InputError(f"{name}:无法读取该文件夹,{why},其中的文件未处理。请让电脑的管理员给您"
                      "读取权限,或把其中的文件复制到您自己的文件夹后再试。")


def os_error(exc: OSError) -> InputError:
    """An OSError from somewhere unforeseen, still as one Chinese sentence."""
    name = Path(str(exc.filename)).name if exc.filename else "文件操作"
    code = exc.errno or 0
    if code in _NO_ACCESS:
        return InputError(f"{name}:操作失败,没有权限读取或写入该文件(或它所在的文件夹)。"
                          f"{_ACCESS_ADVICE}。")
    why = READ_REASONS.get(code) or WRITE_REASONS.get(code, (_code(exc),))[0]
    return InputError(f"{name}:操作失败,{why}。")


HELP = "用 make-report --help 查看用法。"


def usage_message(exc: Exception) -> str | None:
    """A command-line usage error (typer's click, vendored or not) in Chinese, else None."""
    kinds = {c.__name__ for c in type(exc).__mro__}
    if "ClickException" not in kinds:
        return None
    if "NoArgsIsHelpError" in kinds:
        return None  # the caller shows the help
    name = _param_name(exc)
    if "NoSuchOption" in kinds:
        return f"没有“{getattr(exc, 'option_name', '')}”这个选项。{HELP}"
    if "MissingParameter" in kinds:
        return f"命令缺少“{name}”。{HELP}"
    if "BadParameter" in kinds:
        return f"“{name}”的值无效,请检查。{HELP}"
    if "BadOptionUsage" in kinds:
        return f"选项“{getattr(exc, 'option_name', '')}”后面缺少值或用法有误。{HELP}"
    if "extra argument" in str(getattr(exc, "message", "")):
        return f"命令中有多余的参数(一次只处理一个工作簿,批量处理请用 make-report batch)。{HELP}"
    return f"命令用法有误。{HELP}"


def _param_name(exc: Exception) -> str:
    if hint := getattr(exc, "param_hint", None):
        return str(hint)
    param = getattr(exc, "param", None)
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "option":
        return "/".join(getattr(param, "opts", ()))
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()


def user_message(exc: BaseException) -> str | None:
    """The sentence a user reads for ``exc``: its own for a ``MakeReportError``, the
    operating system's reason for an ``OSError``; None for a bug (see ``internal_error``)."""
    if isinstance(exc, MakeReportError):
        return " ".join(exc.message.splitlines())  # one sentence, one line, wherever it came from
    if isinstance(exc, OSError):
        return os_error(exc).message
    if isinstance(exc, MemoryError):  # never "damaged": the file may be fine
        return ("内存不足,未能完成。请关闭其他程序后再试;如果文件很大,请检查其中是否有多余的内容。"
                "原有的文件保持不变。")
    return None


def internal_error(exc: BaseException) -> str:
    """Never a traceback for a clerk; MAKE_REPORT_DEBUG=1 shows it to a developer."""
    return (f"程序内部错误({type(exc).__name__})。请把所用的工作簿和这条信息发给技术支持;"
            "设置环境变量 MAKE_REPORT_DEBUG=1 可显示详细信息。")


def json_problem(exc: BaseException) -> str:
    """What is wrong with an interchange JSON file, without Python's English."""
    import json
    import re

    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列不符合 JSON 语法"
    if isinstance(exc, UnicodeDecodeError):
        return "文件不是 UTF-8 编码"
    if isinstance(exc, RecursionError):
        return "嵌套层数过多"
    if isinstance(exc, KeyError) and exc.args:
        return f"缺少“{exc.args[0]}”"
    text = str(exc)
    return text if re.search(r"[\u4e00-\u9fff]", text) else "内容的结构与交换格式不符"
