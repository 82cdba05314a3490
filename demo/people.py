"""The demo's people. A person is a pure function of (pool, index): the same index gives the
same name and ID number in any process, so one unit's worker can list a member of another
unit (a person listed twice) without sharing state. Pools use disjoint ID sequence ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from demo.identifiers import resident_id, slot_person

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
MALE_CHARS = "伟强磊军勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志海东亮成"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷倩颖洁晶欣怡慧佳琪璐悦蕾薇莉萍岚丹露楠月"
NEUTRAL_CHARS = "文晓春子一新立永雨思嘉云晨安乐天可心如清若"

BEIJING_REGIONS = ("110102",) * 6 + ("110101", "110105", "110106", "110108", "110114", "110115")
OTHER_REGIONS = (
    "130102",
    "130602",
    "131002",
    "410102",
    "411302",
    "370102",
    "371302",
    "340102",
    "510104",
    "420102",
    "230102",
    "150102",
    "140105",
    "120101",
    "360102",
    "430102",
)

MASK = (1 << 64) - 1


def mix(*values: int) -> int:
    """splitmix64 over the values: a cheap, stable pseudo-random draw for a person's traits."""
    z = 0x9E3779B97F4A7C15
    for v in values:
        z = (z + v * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
    return z


@dataclass(frozen=True)
class Pool:
    """People of one kind: ages at the period end and their own ID sequence numbers."""

    code: int
    min_age: int
    max_age: int
    sequences: range
    migrant_share: float  # share born outside Beijing


MEMBERS = Pool(1, 18, 65, range(0, 400), 0.22)
MODEL_WORKERS = Pool(2, 45, 65, range(400, 450), 0.05)
NON_MEMBERS = Pool(3, 18, 65, range(450, 475), 0.35)
STUDENTS = Pool(4, 18, 24, range(475, 500), 1.0)


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    female: bool
    born: date
    migrant: bool

    @property
    def sex(self) -> str:
        return "女" if self.female else "男"


def person(pool: Pool, index: int, period_end: date) -> Person:
    """The person number `index` of `pool`, aged pool.min_age..pool.max_age at `period_end`."""
    earliest = _years_before(period_end, pool.max_age + 1) + timedelta(days=1)  # not yet max_age + 1
    latest = _years_before(period_end, pool.min_age)  # already min_age
    born, sequence = slot_person(index, earliest, (latest - earliest).days + 1, pool.sequences)
    h = mix(pool.code, index)
    female = h % 100 < 48
    migrant = (h >> 8) % 1000 < pool.migrant_share * 1000
    regions = OTHER_REGIONS if migrant else BEIJING_REGIONS
    region = regions[(h >> 20) % len(regions)]
    return Person(resident_id(region, born, sequence, female), _name(h >> 28, female), female, born, migrant)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _name(h: int, female: bool) -> str:
    chars = FEMALE_CHARS if female else MALE_CHARS
    surname = SURNAMES[h % len(SURNAMES)]
    first = (chars + NEUTRAL_CHARS)[(h >> 8) % (len(chars) + len(NEUTRAL_CHARS))]
    if (h >> 16) % 3 == 0:
        return surname + first
    return surname + first + chars[(h >> 20) % len(chars)]
