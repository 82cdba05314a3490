"""No resident ID number and no name leaves ingest. Every column of every table of the
warehouse and every file a run writes (html, md, json, csv, xlsx and docx unzipped, png text
chunks, anything else as bytes) is searched for an 18-character string with a valid GB 11643
check character and a real birth date; the same search finds the IDs of the input workbooks,
so it is known to work."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest
import python_calamine as calamine

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def looks_like_resident_id(text: str) -> bool:
    """Check character and birth date only (no region test): wider than the validator, on purpose."""
    if sum(int(d) * w for d, w in zip(text[:17], WEIGHTS, strict=True)) % 11 != "10X98765432".index(text[17].upper()):
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def ids_in(text: str) -> set[str]:
    return {m for m in ID_LIKE.findall(text) if looks_like_resident_id(m)}


def png_texts(data: bytes) -> list[str]:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG: where matplotlib writes its metadata."""
    texts, at = [], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"tEXt":
            texts.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            texts.append(key.decode("latin-1") + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            flag, rest = rest[0], rest[2:]
            text = rest.split(b"\0", 2)[-1]
            texts.append(key.decode("latin-1") + (zlib.decompress(text) if flag else text).decode("utf-8", "replace"))
        at += 12 + length
    return texts


def file_texts(path: Path) -> list[str]:
    """Everything a person could read out of a file, as text."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":  # xlsx, docx: the XML parts
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    if data[:4] == b"PAR1":  # the raw tables' Parquet files (compressed): every value, as text
        with duckdb.connect() as con:
            columns = [r[0] for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
            cells = ", ".join(f'cast("{c}" as varchar)' for c in columns)
            return [
                " ".join(map(str, row))
                for row in con.execute(f"select {cells} from read_parquet(?)", [str(path)]).fetchall()
            ]
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return [*png_texts(data), data.decode("latin-1")]
    return [data.decode("utf-8", "replace")]


def warehouse_values(warehouse: Path, pattern: str | None = None) -> set[str]:
    """Distinct values of every column of every table and view, as text (an ID stored as a
    BIGINT would show too); with `pattern`, only values matching it (done in DuckDB)."""
    found: set[str] = set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns order by all"
        ).fetchall()
        for schema, table, column in columns:
            value = f'cast("{column}" as varchar)'
            where = f"where regexp_matches({value}, '{pattern}')" if pattern else f"where {value} is not null"
            rows = con.execute(f'select distinct {value} from "{schema}"."{table}" {where}').fetchall()
            found.update(v for (v,) in rows)
    return found


def names_in_returns(folder: Path) -> set[str]:
    """Every 姓名 (name) cell of the input workbooks."""
    names = set()
    for path in folder.glob("*.xlsx"):
        book = calamine.CalamineWorkbook.from_path(str(path))
        for sheet in book.sheet_names:
            rows = book.get_sheet_by_name(sheet).to_python()
            header = next((r for r in rows[:10] if "姓名" in r), None)
            if header:
                column = header.index("姓名")
                names.update(
                    r[column] for r in rows[rows.index(header) + 1 :] if isinstance(r[column], str) and r[column]
                )
    return names


def test_the_search_finds_the_ids_of_the_input_workbooks(small_demo):
    """Positive control: the same search, on what the clerks send, finds many IDs."""
    found = set()
    for path in sorted(small_demo.glob("*_2018年度.xlsx"))[:3]:
        for text in file_texts(path):
            found |= ids_in(text)
    assert len(found) > 20
    assert not ids_in("110105********002X 0110105194912310029 11010519491231002Xa")  # masked or embedded


def test_no_table_or_column_of_the_warehouse_holds_a_resident_id(small_run):
    candidates = warehouse_values(small_run.run_dir / "warehouse.duckdb", "[0-9]{17}[0-9Xx]")
    leaked = {i for value in candidates for i in ids_in(value)}
    assert not leaked, f"{len(leaked)} ID numbers in the warehouse"


def test_no_name_from_the_returns_is_in_the_warehouse(small_demo, small_run):
    names = names_in_returns(small_demo)
    assert len(names) > 100
    assert not names & warehouse_values(small_run.run_dir / "warehouse.duckdb")


def test_no_output_file_of_the_run_holds_a_resident_id(small_run):
    files = [
        p for p in sorted(small_run.run_dir.rglob("*")) if p.is_file() and not p.name.startswith("warehouse.duckdb")
    ]
    kinds = {p.suffix for p in files}
    assert {".html", ".md", ".json", ".csv", ".xlsx", ".docx", ".png", ".parquet"} <= kinds, kinds
    leaked = {
        p.relative_to(small_run.run_dir).as_posix(): ids
        for p in files
        if (ids := set().union(*map(ids_in, file_texts(p))))
    }
    assert not leaked


def test_png_text_chunks_are_read(tmp_path):
    """The PNG reader above sees metadata, so an ID written there would be found."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "11010519491231002X")
    info.add_itxt("Title", "身份证 11010519491231002X", zip=True)
    Image.new("RGB", (2, 2)).save(tmp_path / "x.png", pnginfo=info)
    texts = png_texts((tmp_path / "x.png").read_bytes())
    assert sum("11010519491231002X" in t for t in texts) == 2


@pytest.mark.parametrize("text", ["11010519491231002X", "身份证号：11010519491231002x。"])
def test_the_search_sees_an_id_in_text(text):
    assert ids_in(text)


def test_the_warehouse_search_sees_ids_in_text_and_integer_columns(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw; create table raw.t (a varchar, b bigint)")
        con.execute("insert into raw.t values ('x 11010519491231002X y', 440301198001010018)")
    candidates = warehouse_values(warehouse, "[0-9]{17}[0-9Xx]")
    assert set().union(*map(ids_in, candidates)) == {"11010519491231002X", "440301198001010018"}
