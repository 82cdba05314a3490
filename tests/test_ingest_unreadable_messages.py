"""What a clerk is told about a file that cannot be opened: in Chinese only (the library's own
English words about file internals help nobody), and, when the extension says the other Excel
format than the content (an .xlsx renamed .xls, an .xls renamed .xlsx), which extension to use."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import xlwt
from test_ingest_workbook_builder import headers_of, write_return

from ingest.find.file_guard import OLE_MAGIC, Limits, UnsafeFile, inspect
from ingest.read.reader import read_workbook

KEY = b"unreadable-messages-key" * 2
HIDDEN_EXTENSIONS = "（看不到扩展名时：用 Excel 或 WPS 打开，另存为 .xlsx 后报送）"  # Windows hides them by default
WORDS_A_CLERK_KNOWS = re.compile(r"Excel|WPS|CSV|\.xlsx|\.xlsm|\.xls")


def reason_for(path: Path) -> str:
    outcome = read_workbook(path, path.parent, KEY)
    (problem,) = outcome.problems
    assert outcome.file.status == "unreadable" and problem.severity == "rejected"
    return problem.reason


def assert_plain_chinese(reason: str) -> None:
    assert not re.search(r"[A-Za-z]", WORDS_A_CLERK_KNOWS.sub("", reason)), reason


@pytest.fixture
def an_xlsx(tmp_path) -> Path:
    return write_return(tmp_path / "src" / "a.xlsx", {"培训": (headers_of("trainings"), [])})


def test_an_xlsx_renamed_xls_is_told_to_rename_it_back(tmp_path, an_xlsx):
    path = shutil.copy(an_xlsx, tmp_path / "月报.xls")
    assert reason_for(Path(path)) == (
        f"文件扩展名与内容不符：这是 .xlsx 文件，扩展名却是 .xls，请改回 .xlsx 后重新报送{HIDDEN_EXTENSIONS}"
    )


def test_an_xlsx_renamed_xls_is_told_its_extension_before_any_limit_trips(tmp_path, an_xlsx):
    path = Path(shutil.copy(an_xlsx, tmp_path / "月报.xls"))
    for limits in (Limits(unpacked_bytes=10), Limits(cells=1), Limits(parts=1)):
        with pytest.raises(UnsafeFile) as refused:
            inspect(path, limits=limits)
        assert refused.value.reason.startswith("文件扩展名与内容不符：这是 .xlsx 文件"), limits


def test_an_xls_renamed_xlsx_is_told_to_rename_it_back(tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("填报说明").write(2, 0, "填报单位")
    book.save(str(tmp_path / "月报.xlsx"))
    assert reason_for(tmp_path / "月报.xlsx") == (
        f"文件扩展名与内容不符：这是 .xls 文件，扩展名却是 .xlsx，请改回 .xls 后重新报送{HIDDEN_EXTENSIONS}"
    )


def test_a_macro_workbook_renamed_xls_is_told_xlsm(tmp_path, an_xlsx):
    path = tmp_path / "月报.XLS"
    with zipfile.ZipFile(an_xlsx) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr("xl/vbaProject.bin", b"\0" * 64)
    assert "这是 .xlsm 文件，扩展名却是 .xls，请改回 .xlsm" in reason_for(path)


def test_a_password_protected_xlsx_is_not_called_renamed(tmp_path):
    """An encrypted .xlsx is an OLE file too: the guard names the password, and what to do, not an extension."""
    path = tmp_path / "加密.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 512 + "EncryptedPackage\0".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(UnsafeFile) as caught:
        inspect(path)
    assert (
        "密码" in caught.value.reason and "另存为 .xlsx" in caught.value.reason and "扩展名" not in caught.value.reason
    )


def test_another_ole_document_named_xlsx_is_not_a_workbook(tmp_path):
    path = tmp_path / "文档.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 512 + "WordDocument\0".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(UnsafeFile, match="不是 Excel 工作簿"):
        inspect(path)


def test_a_zip_that_is_no_workbook_is_explained_in_chinese(tmp_path):
    path = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    reason = reason_for(path)
    assert reason.startswith("文件无法打开：") and "另存为 .xlsx" in reason
    assert_plain_chinese(reason)


def test_a_truncated_workbook_is_explained_in_chinese(tmp_path, an_xlsx):
    path = tmp_path / "半截.xlsx"
    path.write_bytes(an_xlsx.read_bytes()[: an_xlsx.stat().st_size // 2])
    reason = reason_for(path)
    assert "损坏或不完整" in reason
    assert_plain_chinese(reason)
