"""PDF through LibreOffice, the office suite we test against, when it is installed.

LibreOffice lays a document out once as it loads it, and in that first layout a heading
kept with the next paragraph (``w:keepNext``) can stay at the foot of a page when that
paragraph only moves to the next page later, once the pages after it are laid out (its
keep-with-next check looks at the next paragraph while that one's place is still being
worked out). Word keeps them together, and so does LibreOffice as soon as the kept
paragraphs are looked at again. So each document is exported by a small Basic macro that
touches the keep-with-next setting of every paragraph that has it (off and on: the
document is not changed, only laid out again) before it writes the PDF. Should the macro
not run (another LibreOffice without Basic, say), the plain ``--convert-to`` is used.
"""

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

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub ExportAll(sList As String)
    On Error GoTo Done
    Dim iFile As Integer, sLine As String, parts
    iFile = FreeFile
    Open sList For Input As #iFile
    Do While Not EOF(iFile)
        Line Input #iFile, sLine
        If Len(sLine) &gt; 0 Then
            parts = Split(sLine, Chr(9))
            ExportOne(parts(0), parts(1))
        End If
    Loop
    Close #iFile
Done:
    StarDesktop.terminate()
End Sub

Sub ExportOne(sIn As String, sOut As String)
    On Error GoTo Failed
    Dim load(0) As New com.sun.star.beans.PropertyValue
    load(0).Name = "Hidden" : load(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(sIn, "_blank", 0, load())
    If IsNull(oDoc) Then Exit Sub
    nPages = oDoc.getCurrentController().getPropertyValue("PageCount")
    oEnum = oDoc.getText().createEnumeration()
    Do While oEnum.hasMoreElements()
        oPar = oEnum.nextElement()
        If oPar.supportsService("com.sun.star.text.Paragraph") Then
            If oPar.ParaKeepTogether Then oPar.ParaKeepTogether = True
        End If
    Loop
    Dim pdf(0) As New com.sun.star.beans.PropertyValue
    pdf(0).Name = "FilterName" : pdf(0).Value = "writer_pdf_Export"
    oDoc.storeToURL(sOut, pdf())
    oDoc.close(True)
    Exit Sub
Failed:
    On Error Resume Next
    If Not IsNull(oDoc) Then oDoc.close(True)
End Sub
</script:module>
"""
"""``ExportAll(list)``: each line of the list is ``docx URL <TAB> pdf URL``; LibreOffice
quits when the list is done (or a step fails), so a run never hangs on its own."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(documents: list[Path], targets: list[Path], timeout: int = 600) -> None:
    """Convert .docx files in one LibreOffice run (starting it costs seconds)."""
    exe = soffice()
    if exe is None:
        raise InputError(MISSING)
    with tempfile.TemporaryDirectory(prefix="make-report-pdf-") as tmp:
        folder = Path(tmp)
        profile = folder / "profile"
        produced = [folder / f"{i}.pdf" for i in range(len(documents))]
        if _install_macro(exe, profile, timeout):
            listing = folder / "documents.txt"
            listing.write_text("".join(f"{Path(doc).resolve().as_uri()}\t{pdf.as_uri()}\n"
                                       for doc, pdf in zip(documents, produced, strict=True)),
                               encoding="ascii")  # file URLs are percent-encoded ASCII
            _soffice(exe, profile, [f'macro:///Standard.Module1.ExportAll("{listing}")'],
                     timeout)
        missing = [(doc, pdf) for doc, pdf in zip(documents, produced, strict=True)
                   if not pdf.exists()]
        if missing:
            plain = folder / "plain"
            _soffice(exe, profile, ["--convert-to", "pdf", "--outdir", str(plain),
                                    *(str(doc) for doc, _ in missing)], timeout)
            for doc, pdf in missing:
                if (plain / f"{Path(doc).stem}.pdf").exists():
                    (plain / f"{Path(doc).stem}.pdf").replace(pdf)
        for doc, pdf, target in zip(documents, produced, targets, strict=True):
            if not pdf.exists():
                raise InputError(f"{Path(doc).name}:LibreOffice 未能转换为 PDF。")
            with atomic_output(target) as out:
                shutil.copyfile(pdf, out)


def _soffice(exe: str, profile: Path, args: list[str], timeout: int) -> None:
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           *args]
    try:
        subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise InputError("LibreOffice 转换 PDF 超时,请稍后重试。") from None


def _install_macro(exe: str, profile: Path, timeout: int) -> bool:
    """A fresh profile with the export macro in its Standard library (LibreOffice writes
    its own default library when it first starts, so the profile is made first)."""
    _soffice(exe, profile, ["--terminate_after_init"], timeout)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.parent.is_dir():
        return False
    module.write_text(MACRO, encoding="utf-8")
    return True
