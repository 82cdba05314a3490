"""Keyed pseudonyms and where the key comes from."""

import hashlib
import hmac

from ingest.clean import pseudonymise
from ingest.clean.pseudonymise import Pseudonymiser, domain_key, load_key, pseudonym

ID = "11010519491231002X"


def test_pseudonym_is_keyed_hex_and_domain_separated():
    one = pseudonym(b"a" * 32, "person", ID)
    assert len(one) == 32 and int(one, 16) >= 0
    assert one != pseudonym(b"b" * 32, "person", ID)
    assert one != pseudonym(b"a" * 32, "card", ID)
    assert one not in hashlib.sha256(ID.encode()).hexdigest()  # not an unkeyed hash
    assert Pseudonymiser(b"a" * 32, "person")(ID) == one


def test_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("SHUSHUO_KEY", "ab" * 32)
    key, source = load_key(demo=False)
    assert key == bytes.fromhex("ab" * 32) and "SHUSHUO_KEY" in source
    assert not (tmp_path / "shushuo").exists()


def test_key_file_created_on_first_use_then_reused(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("SHUSHUO_KEY", raising=False)
    key, source = load_key(demo=False)
    path = tmp_path / "shushuo" / "pseudonym.key"
    assert path.exists() and "新建" in source and (path.stat().st_mode & 0o077) == 0
    again, source_again = load_key(demo=False)
    assert again == key and "新建" not in source_again


def test_demo_key_says_it_is_the_demo_key(monkeypatch):
    monkeypatch.setenv("SHUSHUO_KEY", "ab" * 32)
    key, source = load_key(demo=True)
    assert key == pseudonymise.DEMO_KEY and "演示" in source


def test_pseudonym_is_standard_hmac_sha256_under_the_domain_key():
    key = b"k" * 32
    expected = hmac.new(domain_key(key, "card"), b"4111111111111111", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymiser(key, "card")("4111111111111111") == expected
