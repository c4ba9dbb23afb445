"""PDF through LibreOffice, the office suite we test against, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from make_report.core.errors import InputError
from make_report.writers.atomic import atomic_output

MISSING = ("未找到 LibreOffice,无法生成 PDF(Word 报告已生成)。"
           "请安装 LibreOffice(Debian/Ubuntu:apt install libreoffice-writer)后重试,"
           "或在 Word/WPS 中打开报告另存为 PDF。")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(documents: list[Path], targets: list[Path], timeout: int = 600) -> None:
    """Convert .docx files in one LibreOffice run (starting it costs seconds)."""
    exe = soffice()
    if exe is None:
        raise InputError(MISSING)
    with tempfile.TemporaryDirectory(prefix="make-report-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, *map(str, documents)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError("LibreOffice 转换 PDF 超时,请稍后重试。") from None
        for doc, target in zip(documents, targets, strict=True):
            produced = Path(tmp) / f"{doc.stem}.pdf"
            if not produced.exists():
                raise InputError(f"{doc.name}:LibreOffice 未能转换为 PDF。")
            with atomic_output(target) as out:
                shutil.copyfile(produced, out)
