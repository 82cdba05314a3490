"""Which unit a file comes from, by where it came from rather than by what its cover says: the
account that uploaded it (a submission desk, later), else its file name, else the nearest folder
inside the input folder that names a unit. One matcher for every place a unit is recognised in
a name: the identity check of a return (ingest/load/current.py: a file from one unit whose cover
names another is held) and the attribution of a file that could not be loaded
(ingest/workbooks/submission_status.py) both read it.

A name counts when it holds a unit's name, short name or alias (domain/units.yaml); a name
inside a longer matched name of another unit (金融街 in 金融街楼宇) does not count, and a name
naming two units, or none, says nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from domain.schema import Unit, units

FILE_NAME, FOLDER, UPLOADER = "file_name", "folder", "uploader"


@dataclass(frozen=True)
class Origin:
    unit_code: str
    unit_name: str
    by: str  # FILE_NAME | FOLDER | UPLOADER
    text: str  # the file name, the folder or the account that names the unit

    def phrase(self) -> str:
        """Where the file came from, as a clerk reads it: 文件名“德胜_2018年度.xlsx”表明这是德胜街道工会服务站的报表."""
        if self.by == UPLOADER:
            return f"本文件由{self.unit_name}的账号（{self.text}）上传"
        place = "文件名" if self.by == FILE_NAME else "所在文件夹"
        return f"{place}“{self.text}”表明这是{self.unit_name}的报表"


def unit_named_in(text: str) -> Unit | None:
    """The one unit whose name, short name or alias `text` holds; None for none or several."""
    found = [
        (name, unit) for unit in units() for name in {unit.name, unit.short, *unit.aliases} if name and name in text
    ]
    kept = {
        unit.code: unit
        for name, unit in found
        if not any(name != longer and name in longer and other.code != unit.code for longer, other in found)
    }
    if len(kept) != 1:
        return None
    (unit,) = kept.values()
    return unit


def origin_of(source_file: str, uploader: str | None = None) -> Origin | None:
    """Where `source_file` (relative to the input folder, '/'-separated) came from.

    `uploader`: the unit code of the account that sent the file, when a submission desk knows it
    (the hook for a claimed unit): it outranks any name. Otherwise the file name, then the
    folders from the nearest outwards; None when nothing names a unit."""
    if uploader:
        unit = next((u for u in units() if u.code == uploader), None)
        if unit is None:
            raise ValueError(f"上传账号的单位代码 {uploader} 不在 domain/units.yaml 中")
        return Origin(unit.code, unit.name, UPLOADER, unit.name)
    path = PurePosixPath(source_file)
    if (unit := unit_named_in(path.stem)) is not None:
        return Origin(unit.code, unit.name, FILE_NAME, path.name)
    for folder in reversed(path.parent.parts):
        if (unit := unit_named_in(folder)) is not None:
            return Origin(unit.code, unit.name, FOLDER, folder)
    return None
