"""Look inside a workbook before python-calamine opens it. Returns come from outside the
federation's network (e-mail, USB sticks), so a file is treated as untrusted:

- size limits: the file, the sum of its parts once unpacked, and each part's compression ratio
  (a zip bomb unpacks a few KB into gigabytes). Declared sizes can lie, so every part is also
  unpacked here, as a stream, and zipfile stops at the declared size and checks the CRC;
- cell limits (ingest/find/cell_extent.py): calamine allocates the whole rectangle from A1 to
  the farthest cell, so one cell at XFD1048576 asks for 17 billion cells and the Rust allocator aborts the whole process
  (measured: SIGABRT, no Python exception). The farthest cell reference of each sheet is found
  with byte searches, and the common case (no column past Z, no row past 99 999) costs no
  per-cell Python work;
- XML: any DOCTYPE or ENTITY declaration is refused. calamine (quick-xml) does not expand
  entities anyway (measured: a billion-laughs part fails at once with "unrecognized entity");
  Excel never writes a DTD, so refusing them costs nothing;
- macros are never run (nothing here executes anything); a vbaProject.bin and links to other
  workbooks (xl/externalLinks/) are reported as warnings. Formulas saved without a value are
  reported cell by cell by the sheet reader; they are found (ingest/read/formulas.py) in this same
  streamed pass, so each sheet's XML is unpacked once for both, and so are the rows and columns
  a clerk hid (ingest/find/hidden_cells.py);
- the extension must say what the content is (ZIP_MAGIC: .xlsx/.xlsm, OLE_MAGIC: .xls): calamine
  picks its reader by the extension, so a renamed workbook is refused with the extension to use.

A CSV return is text: only its size is checked.

`inspect` raises UnsafeFile (with a Chinese reason for the clerk) when the file must not be
opened, else returns the warnings as ingest Problems; `inspect_workbook` also returns the
formula cells without a saved result and the hidden rows and columns."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.find.cell_extent import CHUNK, MIN_CELL_BYTES, SheetScan, whole_tags
from ingest.find.hidden_cells import HiddenCells, HiddenScan
from ingest.read import formulas
from ingest.report import Problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
OLE_VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
# Stream names in an OLE directory (UTF-16, NUL-terminated): a BIFF workbook (.xls; "Book" before
# Excel 97), and the encrypted package of a password-protected .xlsx.
OLE_WORKBOOK_STREAMS = tuple(f"{name}\0".encode("utf-16-le") for name in ("Workbook", "Book"))
OLE_ENCRYPTED_STREAM = "EncryptedPackage\0".encode("utf-16-le")
OPEN_XML_SUFFIXES = (".xlsx", ".xlsm")
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
ENCRYPTED = (
    "文件设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中打开，取消密码（文件 → 信息 → 保护工作簿 → "
    "用密码进行加密，清空密码），另存为 .xlsx 后重新报送"
)
NOT_A_WORKBOOK = f"文件无法打开：它不是 Excel 工作簿（可能是改了扩展名的网页、文本文件，或文件已损坏）。{RESAVE}"


class UnsafeFile(Exception):
    """The workbook is refused before it is opened; `reason` is Chinese and says what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """Generous for a return: the largest demo unit (a whole street's 会员名册) is 3.4 MB,
    26 MB unpacked, ratio 9, 0.43 million cells."""

    file_bytes: int = 100 << 20
    unpacked_bytes: int = 1 << 30
    parts: int = 10_000
    ratio: float = 100.0  # unpacked / packed, for parts above ratio_floor_bytes
    ratio_floor_bytes: int = 1 << 20
    cells: int = 20_000_000  # per sheet, rows × columns from A1 to the farthest cell


LIMITS = Limits()


@dataclass
class Inspection:
    """The guard's warnings, and sheet name → cells (row, column), 0-based, holding a formula
    with no saved result (formulas.formulas_without_value's answer); `formulas` is None when this
    pass could not map sheets to parts safely and the reader must ask formulas.py itself.
    `hidden`: sheet name → its hidden rows and columns (sheets with none are left out)."""

    problems: list[Problem]
    formulas: dict[str, set[tuple[int, int]]] | None
    hidden: dict[str, HiddenCells] = field(default_factory=dict)


def inspect(path: Path, source_file: str | None = None, limits: Limits = LIMITS) -> list[Problem]:
    """Raise UnsafeFile if the workbook must not be opened; else return its warnings."""
    return inspect_workbook(path, source_file, limits).problems


def inspect_workbook(path: Path, source_file: str | None = None, limits: Limits = LIMITS) -> Inspection:
    """`inspect`, and the formulas without a value found in the same pass over the sheets."""
    path = Path(path)
    source_file = source_file or path.name
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise UnsafeFile(
            f"文件有 {size / 2**20:.0f} MB，超过上限 {limits.file_bytes / 2**20:.0f} MB，未读取："
            "请删除无关的工作表、图片后重新报送，或分成几个文件报送"
        )
    if path.suffix.lower() == ".csv":
        return Inspection([], {})
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(ZIP_MAGIC):
        return _inspect_zip(path, source_file, limits)
    if magic == OLE_MAGIC:
        return Inspection(_inspect_ole(path, source_file), {})
    raise UnsafeFile(NOT_A_WORKBOOK)


def _inspect_ole(path: Path, source_file: str) -> list[Problem]:
    """An .xls (BIFF: at most 65 536 × 256 cells, so no cell limit is needed) or an encrypted
    .xlsx, refused with what to do (an encrypted .xls, whose password is inside the workbook
    stream, calamine reports: reader.py gives the same reason). Named .xlsx/.xlsm without being
    encrypted, it is an .xls renamed (or no workbook at all)."""
    data = path.read_bytes()
    if OLE_ENCRYPTED_STREAM in data:  # named before calamine opens it, whatever the extension says
        raise UnsafeFile(ENCRYPTED)
    if path.suffix.lower() in OPEN_XML_SUFFIXES:
        if any(stream in data for stream in OLE_WORKBOOK_STREAMS):
            raise UnsafeFile(wrong_suffix(".xls", path.suffix))
        raise UnsafeFile(NOT_A_WORKBOOK)
    if OLE_VBA_STREAM in data:
        return [_macro_warning(source_file)]
    return []


def wrong_suffix(actual: str, suffix: str) -> str:
    """calamine picks its reader by the extension, so a workbook whose extension says the other
    format cannot be opened until it is renamed back. Windows hides extensions by default, so
    the clerk who cannot see one is told how to get a right one without renaming."""
    return (
        f"文件扩展名与内容不符：这是 {actual} 文件，扩展名却是 {suffix.lower()}，请改回 {actual} 后重新报送"
        "（看不到扩展名时：用 Excel 或 WPS 打开，另存为 .xlsx 后报送）"
    )


def _open_xml_suffix(names: list[str]) -> str | None:
    """The extension a zip package should have: .xlsm with a macro project, .xlsx; None when it
    is not an Excel workbook (a Word or WPS document, an .xlsb, any other zip)."""
    if "xl/workbook.xml" not in names:
        return None
    return ".xlsm" if any(PurePosixPath(n).name.lower() == "vbaproject.bin" for n in names) else ".xlsx"


def _inspect_zip(path: Path, source_file: str, limits: Limits) -> Inspection:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if path.suffix.lower() not in OPEN_XML_SUFFIXES:  # a package named .xls: say so before any limit
                actual = _open_xml_suffix(names)
                raise UnsafeFile(wrong_suffix(actual, path.suffix) if actual else NOT_A_WORKBOOK)
            _check_declared(archive.infolist(), limits)
            sheets = _sheet_names(archive)
            problems = _package_warnings(names, source_file)
            formula_parts = _formula_parts(archive) if formulas.is_open_xml(path) else {}
            found: dict[str, set[tuple[int, int]]] = {}
            hidden: dict[str, HiddenCells] = {}
            for info in archive.infolist():
                _scan_part(archive, info, sheets, limits, formula_parts, found, hidden)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError, NotImplementedError, OSError):
        raise UnsafeFile(f"文件无法打开：文件已损坏或不完整，可能是拷贝或下载中断。{RESAVE}") from None
    if formula_parts is None:
        return Inspection(problems, None, hidden)
    by_sheet = {name: found[part] for name, part in formula_parts.items() if found.get(part)}
    return Inspection(problems, by_sheet, hidden)


def _formula_parts(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """formulas.sheet_parts (sheet name → part), read here only when the two small parts it
    parses are small and hold no DTD (the scan below refuses those anyway); else None. A layout
    it cannot read (no workbook.xml, bad XML) means no check, as in formulas_without_value."""
    try:
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(part).file_size > CHUNK or b"<!" in archive.read(part):
                return None
        return formulas.sheet_parts(archive)
    except (KeyError, ElementTree.ParseError):
        return {}


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.parts:
        raise UnsafeFile(f"工作簿内部含 {len(infos)} 个部件，超过上限 {limits.parts}，未读取：{RESAVE}")
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked_bytes:
        raise UnsafeFile(
            f"工作簿解压后有 {total / 2**20:.0f} MB，超过上限 {limits.unpacked_bytes / 2**20:.0f} MB，"
            f"未读取（可能是“压缩炸弹”）：{RESAVE}"
        )
    for info in infos:
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise UnsafeFile(
                f"工作簿部件 {info.filename} 的压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                f"未读取（可能是“压缩炸弹”）：{RESAVE}"
            )


def _package_warnings(names: list[str], source_file: str) -> list[Problem]:
    problems = []
    if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
        problems.append(_macro_warning(source_file))
    links = sorted(n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml"))
    if links:
        problems.append(
            _warning(
                source_file,
                None,
                f"工作簿含有 {len(links)} 个指向其他文件的外部链接：链接不会被更新，只读取保存时的数值。"
                "请核对引用的数字，最好把公式“选择性粘贴为数值”后重新报送",
            )
        )
    return problems


def _macro_warning(source_file: str) -> Problem:
    return _warning(
        source_file, None, "工作簿含有宏（VBA）：宏不会被运行，只读取单元格中的数据。如不需要宏，请另存为 .xlsx 后报送"
    )


def _warning(source_file: str, sheet: str | None, reason: str) -> Problem:
    return Problem(source_file, sheet, None, None, None, "warning", reason)


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → sheet name as the clerk sees it ('xl/worksheets/sheet2.xml' → '会员名册').
    Parsed only after the two small parts passed the DTD check; {} if anything is odd."""
    try:
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(part).file_size > CHUNK:
                return {}
            _refuse_dtd(archive.read(part), part)
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    names = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rel_id, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            names[str(PurePosixPath(part))] = sheet.get("name", "")
    return names


def _refuse_dtd(data: bytes, part: str) -> None:
    if b"!" in data and b"<!" in data and (b"<!DOCTYPE" in data or b"<!ENTITY" in data):  # memchr first
        raise UnsafeFile(
            f"工作簿部件 {part} 含有 XML 实体声明（DOCTYPE/ENTITY）：Excel 不会这样保存，"
            f"可能是恶意构造的文件，未读取：{RESAVE}"
        )


_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*(\d+)""")
MIN_STRING_BYTES = len(b"<si/>")


def _check_declared_strings(head: bytes, info: zipfile.ZipInfo, limits: Limits) -> None:
    """calamine reserves room for the number of shared strings the part declares before reading
    one (measured: uniqueCount="4000000000" asks for 96 GB and the process aborts). A part cannot
    hold more strings than it has bytes for, nor a sheet more than its cell limit."""
    found = _UNIQUE_COUNT.search(head)
    if found is None:
        return
    declared = int(found.group(1)) if len(found.group(1)) <= 12 else 10**12
    if declared > min(info.file_size // MIN_STRING_BYTES, limits.cells):
        raise UnsafeFile(
            f"工作簿部件 {info.filename} 声明有 {declared:,} 个文字，与其实际内容不符，文件可能是恶意构造的，"
            f"未读取：{RESAVE}"
        )


_NEGATIVE_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*(-[^<]{1,40})<")
FAR_NEGATIVE = -1e8  # days: a date-formatted cell from about -1.07e8 makes calamine panic (measured)


def _refuse_far_negative(data: bytes, sheet: str) -> None:
    """calamine panics turning a date-formatted cell into a date when the number is a huge
    negative one (measured: -1e20 → "TimeDelta::milliseconds out of bounds", with a Rust
    backtrace on the console). No cell of a return means such a number (amounts and counts are
    not negative), and Excel shows it as ######## in a date cell, so the file is refused."""
    for text in _NEGATIVE_VALUE.findall(data):
        try:
            number = float(text)
        except ValueError:
            continue
        if not number > FAR_NEGATIVE:  # NaN included
            raise UnsafeFile(
                f"工作表“{sheet}”中有绝对值过大的负数（{text.decode('ascii', 'replace')}），Excel 不会保存这样的数，"
                f"文件可能被其他程序改过，未读取：请用 Excel 或 WPS 打开检查，改正后另存为 .xlsx 再报送"
            )


def _scan_part(
    archive,
    info: zipfile.ZipInfo,
    sheets: dict[str, str],
    limits: Limits,
    formula_parts: dict[str, str] | None,
    found: dict[str, set[tuple[int, int]]],
    hidden: dict[str, HiddenCells],
) -> None:
    """Unpack one part as a stream (zipfile stops at the declared size and verifies the CRC, so a
    part larger than it claims fails here); XML parts are searched for DTDs, sheets measured and
    searched for hidden rows and columns (into `hidden`, sheet name → them), and the sheets'
    parts fed to the formula scan (into `found`, part → cells)."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    strings = info.filename.lower().endswith("sharedstrings.xml")
    # the stream stops at the declared size, so a part declared small cannot hold too many cells
    scan = (
        SheetScan(sheets.get(info.filename, info.filename), count_cells=info.file_size > limits.cells * MIN_CELL_BYTES)
        if info.filename.startswith("xl/worksheets/")
        else None
    )
    cells = formulas.FormulaScan() if formula_parts and info.filename in formula_parts.values() else None
    hiding = HiddenScan() if scan is not None and info.filename in sheets else None
    carry = b""
    with archive.open(info) as stream:
        while block := stream.read(CHUNK):
            if cells is not None:
                cells.feed(block)
            if not is_xml:
                continue
            data, carry = whole_tags(carry + block)
            _refuse_dtd(data, info.filename)
            if strings:
                _check_declared_strings(data, info, limits)
            if scan:
                scan.feed(data)
                if b"-" in data and b"v>-" in data:  # one byte is a memchr; negative numbers are rare in a return
                    _refuse_far_negative(data, scan.sheet)
            if hiding is not None:
                hiding.feed(data)
    if carry and is_xml:
        _refuse_dtd(carry, info.filename)
    if cells is not None:
        found[info.filename] = cells.finish()
    if hiding is not None and (hidden_here := hiding.finish()):
        hidden[sheets[info.filename]] = hidden_here
    if scan is not None:
        if scan.bound() > limits.cells:
            scan.exact(archive, info, limits.cells)
        if (reason := scan.refusal(limits.cells, RESAVE)) is not None:
            raise UnsafeFile(reason)
