"""The returns of the dbt model tests: a few units' submissions for 2018, each row an edge case of
a definition (口径). The expected figures are worked out by hand in tests/test_models_indicators.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from fixtures_warehouse import person, submit

PERIOD = (date(2018, 1, 1), date(2018, 12, 31))
d = date


def fill(con) -> None:
    # 西长安街 (S01) sent a return, then a corrected one: only the later 填报日期 counts.
    s01_old = submit(
        con, "S01", PERIOD, filled_on=d(2019, 1, 5), name="S01_初报.xlsx", modified_at=datetime(2019, 1, 20)
    )
    s01 = submit(con, "S01", PERIOD, filled_on=d(2019, 1, 10), name="S01_更正.xlsx", modified_at=datetime(2019, 1, 11))
    # 新街口 (S02): two files with the same 填报日期: the later modified file counts.
    s02_old = submit(
        con, "S02", PERIOD, filled_on=d(2019, 1, 8), name="S02_a.xlsx", modified_at=datetime(2019, 1, 8, 9)
    )
    s02 = submit(con, "S02", PERIOD, filled_on=d(2019, 1, 8), name="S02_b.xlsx", modified_at=datetime(2019, 1, 8, 17))
    c01 = submit(con, "C01", PERIOD, filled_on=d(2019, 1, 9))
    f00 = submit(con, "F00", PERIOD, filled_on=d(2019, 1, 9))
    # 月坛 (S03) only sent last year's return: nothing of it counts for 2018.
    s03_2017 = submit(con, "S03", (d(2017, 1, 1), d(2017, 12, 31)), filled_on=d(2018, 1, 9))

    member = dict(
        grassroots_union="某公司工会", union_credit_code="81110102MA00000000", person_sex="男", person_birth_year=1980
    )
    s01.add_many(
        "members",
        [
            dict(member, person_key=person("A"), joined_on=d(2010, 1, 1)),
            dict(member, person_key=person("B"), joined_on=d(2018, 12, 31)),
            dict(member, person_key=person("C"), joined_on=d(2015, 6, 1)),
            dict(member, person_key=person("D"), joined_on=d(2019, 2, 1)),  # joined after the period
        ],
    )
    s02.add_many(
        "members",
        [
            dict(member, person_key=person("A"), joined_on=d(2012, 1, 1)),  # also listed by S01
            dict(member, person_key=person("E"), joined_on=d(2016, 1, 1)),
            dict(member, person_key=person("F"), joined_on=d(2016, 1, 1)),
        ],
    )
    s01_old.add("members", **member, person_key=person("G"), joined_on=d(2011, 1, 1))
    s02_old.add("members", **member, person_key=person("H"), joined_on=d(2011, 1, 1))
    s03_2017.add("members", **member, person_key=person("I"), joined_on=d(2011, 1, 1))

    card = dict(status="正常", issued_on=d(2018, 3, 1))
    s01.add_many(
        "cards",
        [
            dict(card, holder_key=person("A"), card_key=person("card-A1"), activated_on=d(2018, 3, 2)),
            dict(card, holder_key=person("B"), card_key=person("card-B"), status="注销", cancelled_on=d(2018, 6, 1)),
            dict(
                card,
                holder_key=person("C"),
                card_key=person("card-C"),
                status="注销",
                cancelled_on=d(2019, 3, 1),
                activated_on=d(2018, 5, 1),
            ),  # cancelled after the end
            dict(card, holder_key=person("N"), card_key=person("card-N"), activated_on=d(2018, 3, 2)),  # not a member
        ],
    )
    s02.add_many(
        "cards",
        [
            dict(card, holder_key=person("A"), card_key=person("card-A2")),  # A's second card
            dict(card, holder_key=person("E"), card_key=person("card-E"), issued_on=d(2019, 1, 5)),
            dict(card, holder_key=person("F"), card_key=person("card-F"), status="注销"),  # no date
        ],
    )
    s01_old.add("cards", **card, holder_key=person("G"), card_key=person("card-G"))

    use = dict(service_item="法律咨询")
    s01.add_many(
        "service_uses",
        [
            dict(use, user_key=person("A"), served_on=d(2018, 6, 1)),
            dict(use, user_key=person("A"), served_on=d(2018, 7, 1)),
            dict(use, user_key=person("C"), served_on=d(2017, 12, 1)),  # before the period
            dict(use, user_key=person("N"), served_on=d(2018, 8, 1)),
        ],
    )
    s01_old.add("service_uses", **use, user_key=person("A"), served_on=d(2018, 9, 1))
    f00.add_many(
        "card_service_items",
        [
            dict(item_name="公园年票", category="文体", online_on=d(2017, 1, 1)),
            dict(item_name="电影优惠", category="文体", online_on=d(2017, 1, 1), offline_on=d(2018, 6, 1)),
            dict(item_name="体检优惠", category="健康", online_on=d(2019, 2, 1)),
            dict(item_name="法律援助", category="维权", online_on=d(2017, 1, 1), offline_on=d(2019, 3, 1)),
            dict(item_name="公园年票", category="文体", online_on=d(2018, 5, 1)),  # the same item again: one item
        ],
    )

    _bargaining(s01, s02)
    _care(s01, s01_old, s02, c01, f00)
    _other_flows(s01, c01, f00)


def _bargaining(s01, s02) -> None:
    contract = dict(form="单独", signed_on=d(2016, 12, 1), enterprises_covered=1, workers_covered=100)
    s01.add_many(
        "contracts",
        [
            dict(
                contract,
                contract_no="HT-1",
                category="综合集体合同",
                valid_from=d(2017, 1, 1),
                valid_to=d(2019, 12, 31),
            ),
            dict(
                contract,
                contract_no="HT-2",
                category="工资专项集体协议",
                valid_from=d(2018, 1, 1),
                valid_to=d(2020, 12, 31),
            ),
            dict(
                contract,
                contract_no="HT-3",
                category="综合集体合同",
                valid_from=d(2015, 1, 1),
                valid_to=d(2017, 12, 31),
            ),
            dict(
                contract,
                contract_no="HT-4",
                category="女职工专项集体合同",
                valid_from=d(2017, 1, 1),
                valid_to=d(2020, 12, 31),
            ),
            dict(
                contract,
                contract_no="HT-R",
                category="综合集体合同",
                form="区域性",
                enterprises_covered=3,
                valid_from=d(2018, 1, 1),
                valid_to=d(2021, 12, 31),
            ),
            # Signed after the period end, its term starting inside it: not in force at the end.
            dict(
                contract,
                contract_no="HT-5",
                category="综合集体合同",
                signed_on=d(2019, 1, 15),
                valid_from=d(2018, 7, 1),
                valid_to=d(2021, 6, 30),
            ),
        ],
    )
    s02.add(
        "contracts",
        **dict(
            contract,
            contract_no="HT-R",
            category="综合集体合同",
            form="区域性",
            enterprises_covered=3,
            valid_from=d(2018, 1, 1),
            valid_to=d(2021, 12, 31),
        ),
    )
    s01.add_many(
        "enterprises",
        [
            dict(enterprise_name="甲", credit_code="C1", employees=100, contract_no="HT-1", wage_agreement_no="HT-2"),
            dict(
                enterprise_name="乙",
                credit_code="C2",
                employees=50,
                contract_no="HT-3",  # expired
                wage_agreement_no="HT-5",
            ),  # signed after the end
            dict(enterprise_name="丙", credit_code="C3", employees=30, contract_no="HT-4"),  # 女职工专项
            dict(enterprise_name="丁", credit_code="C4", employees=20, contract_no="HT-R"),
            dict(enterprise_name="戊", credit_code="C5", employees=10, contract_no="HT-X"),  # no such contract
        ],
    )
    s02.add_many(
        "enterprises",
        [
            dict(enterprise_name="丁", credit_code="C4", employees=25, contract_no="HT-R"),  # listed twice
            dict(enterprise_name="己", credit_code="C6", employees=40, contract_no="HT-R"),  # S01's regional contract
            dict(enterprise_name="庚", credit_code="C7", employees=60, contract_no="HT-2"),  # wage no. in wrong column
        ],
    )


def _care(s01, s01_old, s02, c01, f00) -> None:
    pay = dict(recipient_key=person("P"), hardship_kind="深度困难", goods_value=D("0"))
    s01.add_many(
        "aid_payments",
        [
            dict(
                pay,
                recipient_category="在档困难职工",
                programme="送温暖",
                cash=D("1000.50"),
                goods_value=D("200.25"),
                paid_on=d(2018, 1, 15),
            ),
            dict(pay, recipient_category="困难劳模", programme="送温暖", cash=D("500.00"), paid_on=d(2018, 12, 31)),
            dict(pay, recipient_category="其他职工", programme="送温暖", cash=D("300.00"), paid_on=d(2018, 5, 1)),
            dict(
                pay, recipient_category="在档困难职工", programme="金秋助学", cash=D("2000.10"), paid_on=d(2018, 8, 1)
            ),
            dict(pay, recipient_category="在档困难职工", programme="送温暖", cash=D("999.00"), paid_on=d(2017, 12, 31)),
        ],
    )
    s02.add(
        "aid_payments",
        **dict(
            pay,
            recipient_category="在档困难职工",
            programme="送温暖",
            cash=D("100.01"),
            goods_value=D("0.99"),
            paid_on=d(2018, 2, 1),
        ),
    )
    s01_old.add(
        "aid_payments",
        **dict(pay, recipient_category="在档困难职工", programme="送温暖", cash=D("7777.00"), paid_on=d(2018, 2, 1)),
    )

    case = dict(cause="欠薪", workers=1)
    s01.add_many(
        "mediation_cases",
        [
            dict(
                case,
                case_no="K1",
                accepted_on=d(2018, 4, 1),
                closed_on=d(2018, 5, 1),
                outcome="调解成功",
                amount=D("10000.00"),
            ),
            dict(
                case,
                case_no="K2",
                accepted_on=d(2018, 4, 1),
                closed_on=d(2018, 6, 1),
                outcome="调解不成",
                amount=D("5000.00"),
            ),
            dict(
                case,
                case_no="K3",
                accepted_on=d(2018, 4, 1),
                closed_on=d(2018, 7, 1),
                outcome="撤回",
                amount=D("1000.00"),
            ),
            dict(case, case_no="K4", accepted_on=d(2018, 11, 1), amount=D("3000.00")),  # still open
            dict(
                case,
                case_no="K5",
                accepted_on=d(2018, 12, 1),
                closed_on=d(2019, 1, 10),
                outcome="调解成功",
                amount=D("7000.00"),
            ),
            dict(
                case,
                case_no="K6",
                accepted_on=d(2017, 12, 1),
                closed_on=d(2017, 12, 20),
                outcome="调解成功",
                amount=D("6000.00"),
            ),
        ],
    )
    s02.add(
        "mediation_cases",
        **dict(
            case,
            case_no="K1",
            accepted_on=d(2018, 2, 1),
            closed_on=d(2018, 3, 1),
            outcome="调解成功",
            amount=D("2500.50"),
        ),
    )

    plan = dict(enrolled=0, beneficiaries=0, claims=D("0"))
    f00.add_many(
        "mutual_insurance",
        [
            dict(plan, plan="保费型保障计划", enrolled=300, beneficiaries=12, claims=D("1000.00")),
            dict(plan, plan="在职职工医疗互助保障计划", enrolled=500, beneficiaries=40, claims=D("88888.88")),
        ],
    )
    s01.add("mutual_insurance", **dict(plan, plan="保费型保障计划", enrolled=999))  # not the federation's

    care = dict(recipient_key=person("R1"), recipient_sex="女", programme="两癌筛查")
    s01.add_many(
        "women_care",
        [
            dict(care, given_on=d(2018, 3, 1)),
            dict(care, given_on=d(2018, 9, 1)),  # the same woman again
            dict(care, recipient_key=person("R2"), given_on=d(2018, 4, 1)),
            dict(care, recipient_key=person("R3"), programme="母婴关爱", given_on=d(2018, 5, 1)),
            dict(care, recipient_key=person("R4"), given_on=d(2019, 1, 2)),
            dict(care, recipient_key=person("R5"), recipient_sex="男", given_on=d(2018, 6, 1)),  # a man's ID
        ],
    )
    station = dict(station_name="服务站", retired_assistants=0, social_workers=0)
    s01.add_many(
        "stations",
        [
            dict(station, qualified=True, star_applied=True, retired_assistants=1, social_workers=3),
            dict(station, qualified=False, star_applied=False, retired_assistants=2, social_workers=4),
        ],
    )
    c01.add("stations", **dict(station, qualified=True, star_applied=False, social_workers=1))


def _other_flows(s01, c01, f00) -> None:
    s01.add_many(
        "trainings",
        [
            dict(
                class_name="班1", category="通用能力", trainee_unit="甲公司", started_on=d(2018, 3, 1), person_times=100
            ),
            dict(
                class_name="班2", category="通用能力", trainee_unit="乙公司", started_on=d(2018, 9, 1), person_times=50
            ),
            dict(
                class_name="班3", category="专业技能", trainee_unit="丙公司", started_on=d(2018, 4, 1), person_times=70
            ),
            dict(
                class_name="班4", category="通用能力", trainee_unit="丁公司", started_on=d(2017, 11, 1), person_times=30
            ),
            dict(
                class_name="班5", category="通用能力", trainee_unit="甲公司", started_on=d(2018, 10, 1), person_times=10
            ),
        ],
    )
    f00.add_many(
        "migrant_students",
        [
            dict(student_key=person("S1"), school="某大学", amount=D("5000"), funded_on=d(2018, 3, 1)),
            dict(student_key=person("S1"), school="某大学", amount=D("5000"), funded_on=d(2018, 9, 1)),
            dict(student_key=person("S2"), school="某大学", amount=D("5000"), funded_on=d(2018, 5, 1)),
            dict(student_key=person("S3"), school="某大学", amount=D("5000"), funded_on=d(2019, 1, 1)),
        ],
    )
    s01.add_many(
        "job_events",
        [
            dict(event_name="春风行动", category="招聘会", held_on=d(2018, 3, 1), placed=10),
            dict(event_name="专场", category="专项招聘会", held_on=d(2018, 4, 1), placed=5),
            dict(event_name="指导", category="职业指导", held_on=d(2018, 5, 1), placed=3),
            dict(event_name="旧年", category="招聘会", held_on=d(2017, 12, 1), placed=100),
        ],
    )
    s01.add_many(
        "model_worker_services",
        [
            dict(worker_key=person("W1"), service="疗休养", served_on=d(2018, 6, 1)),
            dict(worker_key=person("W1"), service="疗休养", served_on=d(2018, 8, 1)),
            dict(worker_key=person("W2"), service="体检", served_on=d(2018, 7, 1)),
            dict(worker_key=person("W3"), service="体检", served_on=d(2019, 1, 1)),
        ],
    )
    s01.add_many(
        "summer_relief",
        [
            dict(site="甲", delivered_on=d(2018, 7, 1), amount=D("1234.56"), packs=100),
            dict(site="乙", delivered_on=d(2018, 8, 1), amount=D("100.44"), packs=20),
            dict(site="丙", delivered_on=d(2017, 8, 1), amount=D("500.00"), packs=50),
        ],
    )
    s01.add_many(
        "matchmaking_events",
        [
            dict(event_name="联谊1", level="市级", held_on=d(2018, 2, 1), participants=30),
            dict(event_name="联谊2", level="区级", held_on=d(2018, 10, 1), participants=20),
            dict(event_name="联谊0", level="区级", held_on=d(2017, 10, 1), participants=40),
        ],
    )
    f00.add_many(
        "social_org_activities",
        [
            dict(activity_name="招聘", category="就业", held_on=d(2018, 3, 1), served=100),
            dict(activity_name="演出", category="文化", held_on=d(2018, 4, 1), served=50),
            dict(activity_name="球赛", category="体育", held_on=d(2019, 2, 1), served=80),
        ],
    )
