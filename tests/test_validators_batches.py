"""The numpy batch checks accept exactly what the one-by-one validators accept."""

import random

from ingest.clean.id_batches import birth_years_and_sexes, valid_card_numbers, valid_resident_ids
from ingest.clean.validators import InvalidValue, birth_year, card_number, id_check_char, resident_id, sex


def accepted(validate, raw):
    try:
        return validate(raw)
    except InvalidValue:
        return None


def id_candidates(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        region = rng.choice(["110102", "310101", "990101", "440305"])
        birth = f"{rng.randint(1890, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"
        first17 = f"{region}{birth}{rng.randint(0, 999):03d}"
        check = id_check_char(first17) if rng.random() < 0.7 else rng.choice("0123456789Xx")
        if rng.random() < 0.2:
            check = check.lower()
        out.append(first17 + check)
    out += [
        "11010519491231002X",
        "11010519491231002x",
        "1101051949123100 X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "A1010519491231002X",
    ]
    for birth in ("20000229", "19000229", "19490230", "19491300", "20991231", "18991231"):  # edge dates
        first17 = f"110105{birth}001"
        out.append(first17 + id_check_char(first17))
    return out


def test_resident_ids_batch_agrees_with_the_validator():
    candidates = id_candidates(random.Random(7), 5000)
    batch = valid_resident_ids(candidates)
    for raw in candidates:
        assert batch.get(raw) in (None, accepted(resident_id, raw)), raw
        if accepted(resident_id, raw) is not None and len(raw) == 18 and raw.isascii():
            assert batch.get(raw) == resident_id(raw), raw
    assert len(batch) > 1000  # plenty of valid ones took the batch path


def test_card_batch_agrees_with_the_validator():
    rng = random.Random(11)
    candidates = ["".join(rng.choice("0123456789") for _ in range(rng.randint(15, 20))) for _ in range(5000)]
    candidates += ["4111111111111111", "4111 1111 1111 1111"]
    batch = valid_card_numbers(candidates)
    for raw in candidates:
        expected = accepted(card_number, raw)
        if raw.isdigit():
            assert batch.get(raw) == expected, raw
        else:
            assert raw not in batch
    assert 300 < len(batch) < 1000  # about one in ten of the right length


def test_birth_years_and_sexes():
    ids = [resident_id("11010519491231002X"), resident_id("110105491231001")]
    years, sexes = birth_years_and_sexes(ids)
    assert years == [birth_year(i) for i in ids] and sexes == [sex(i) for i in ids]
