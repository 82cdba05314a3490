"""The desk's security test list (docs/desk.md has it as a table with each result):

- every route × every role (own unit's clerk, another unit's clerk, analyst, publicity office) ×
  no session: who gets the page and who gets 404 / the sign-in page; a route added without a row
  here fails the test;
- path traversal in routes and in uploaded file names; odd and very long file names;
- XSS: a cell and a file name holding <script> show as text;
- CSRF: every POST without the session's token (or with another session's) is refused, and an
  upload so refused leaves nothing on disk;
- oversized uploads refused while streaming, before the file is complete; hostile uploads (zip
  bomb, entity attack, a renamed file) refused with the guard's message and never counted;
- brute-force sign-in: rate-limited per account and per address;
- cookies HttpOnly, SameSite, Secure when asked; security headers on every answer;
- two analysts pressing “run” at once get one run and a message."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time

import openpyxl
import pytest
from desk_helpers import TEST_KEY, TIANQIAO, YUETAN, csrf_of, make_desk, sign_in, upload
from starlette.routing import Mount
from starlette.testclient import TestClient
from test_hostile_files import LAUGHS, sheet_xml, workbook

from desk import runs, warm_runner
from desk.accounts import FAILURES_ALLOWED_PER_ADDRESS
from desk.app import create_app
from desk.store import UploadRefused, receive

# Who may use each route: path template → roles allowed ("any": also without a session).
ROUTES = {
    ("GET", "/"): "any",
    ("GET", "/login"): "any",
    ("POST", "/login"): "any",
    ("POST", "/logout"): "signed-in",
    ("GET", "/clerk"): {"clerk"},
    ("GET", "/clerk/template"): {"clerk"},
    ("POST", "/clerk/upload"): {"clerk"},
    ("POST", "/clerk/explain"): {"clerk"},
    ("GET", "/uploads/{upload_id}"): {"own clerk", "analyst"},
    ("GET", "/uploads/{upload_id}/feedback"): {"own clerk", "analyst"},
    ("GET", "/uploads/{upload_id}/file"): {"own clerk", "analyst"},
    ("POST", "/uploads/{upload_id}/explain"): {"own clerk"},
    ("GET", "/analyst"): {"analyst"},
    ("GET", "/analyst/chase.csv"): {"analyst"},
    ("POST", "/analyst/run"): {"analyst"},
    ("POST", "/analyst/release"): {"analyst"},
    ("GET", "/analyst/runs/{run_id}"): {"analyst"},
    ("GET", "/analyst/runs/{run_id}/files/{path:path}"): {"analyst"},
    ("GET", "/figures/"): {"analyst", "publicity"},
    ("GET", "/figures/{path:path}"): {"analyst", "publicity"},
}
WHO = {"own clerk": "s03", "other clerk": "s09", "analyst": "analyst", "publicity": "publicity", "nobody": None}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SHUSHUO_KEY", TEST_KEY)
    # the run and release buttons' access, not the pipeline: their process runs `sleep` instead of shushuo
    mp.setattr(warm_runner, "cold_argv", lambda args: ["sleep", "0.5"])
    yield make_desk(tmp_path_factory.mktemp("desk") / "desk")
    mp.undo()


@pytest.fixture(scope="module")
def app(desk):
    with TestClient(create_app(desk.config)) as client:
        yield client.app


@pytest.fixture(scope="module")
def clients(app, desk):
    made = {}
    for role, username in WHO.items():
        client = TestClient(app, follow_redirects=False)
        if username:
            assert sign_in(client, username, desk.passwords[username]).status_code == 303
        made[role] = client
    return made


@pytest.fixture(scope="module")
def s03_upload(clients, small_demo, tmp_path_factory):
    """An upload of 月坛 with a warning (a 填报日期 in the future) and so a 整改清单; and a finished run."""
    book = openpyxl.load_workbook(small_demo / YUETAN)
    book["填报说明"]["B8"].value = dt.datetime(2099, 1, 1)
    path = tmp_path_factory.mktemp("s03") / YUETAN
    book.save(path)
    answer = upload(clients["own clerk"], path)
    assert answer.status_code == 303
    return int(answer.headers["location"].rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def a_run(desk, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("run")
    (run_dir / "bulletin.html").write_text("<h1>公报</h1>", encoding="utf-8")
    return desk.db.execute(
        "insert into runs (started_at, started_by, state, finished_at, run_dir, message, log_path) "
        "values ('2019-02-01 09:00:00', 'analyst', 'done', '2019-02-01 09:01:00', ?, '运行完成', ?)",
        str(run_dir),
        str(run_dir / "run.log"),
    )


def test_every_route_is_in_the_access_table(app):
    served = {(m, r.path) for r in app.routes if not isinstance(r, Mount) for m in r.methods - {"HEAD"}}
    assert served == set(ROUTES)


def _allowed(rule, role: str) -> bool:
    if rule == "any":
        return True
    if rule == "signed-in":
        return role != "nobody"
    return role in rule or (role in ("own clerk", "other clerk") and "clerk" in rule)


def _request(client: TestClient, method: str, path: str, upload_no: int, run_no: int, small_demo):
    filler = "bulletin.html" if path.startswith("/analyst") else "index.html"
    url = path.replace("{path:path}", filler).format(upload_id=upload_no, run_id=run_no)
    if method == "GET":
        return client.get(url)
    token = client.cookies and _token(client)
    if path == "/clerk/upload":
        return client.post(url, data={"csrf": token}, files={"file": (TIANQIAO, (small_demo / TIANQIAO).read_bytes())})
    data = {"csrf": token, "rule": "x", "explanation": "说明", "username": "x", "password": "y"}
    return client.post(url, data=data)


def _token(client: TestClient) -> str:
    return csrf_of(client.get("/login").text)


@pytest.mark.parametrize("role", list(WHO))
def test_each_route_answers_each_role_as_the_table_says(clients, role, s03_upload, a_run, small_demo, desk):
    client = clients[role]
    for (method, path), rule in ROUTES.items():
        if path in ("/logout", "/login") and method == "POST":
            continue  # signing out or in here would change the session the other routes use: tested below
        answer = _request(client, method, path, s03_upload, a_run, small_demo)
        where = f"{role} {method} {path}"
        if _allowed(rule, role):
            assert answer.status_code in (200, 303, 400, 409), where
            if answer.status_code == 303:
                assert answer.headers["location"] != "/login" or path in ("/", "/login"), where
        elif role == "nobody":
            assert (answer.status_code, answer.headers.get("location")) in ((303, "/login"), (401, None)), where
        else:
            assert answer.status_code == 404, where
            assert "月坛" not in answer.text and "bulletin" not in answer.text, where


def test_another_units_clerk_sees_no_trace_of_its_files(clients, s03_upload):
    other = clients["other clerk"]
    for suffix in ("", "/feedback", "/file"):
        answer = other.get(f"/uploads/{s03_upload}{suffix}")
        assert answer.status_code == 404
        assert YUETAN not in answer.text
    assert YUETAN not in other.get("/clerk").text
    token = csrf_of(other.get("/clerk").text)
    answer = other.post(f"/uploads/{s03_upload}/explain", data={"csrf": token, "rule": "x", "explanation": "y"})
    assert answer.status_code == 404


def test_sign_out_needs_the_token_and_ends_the_session(app, desk):
    client = TestClient(app, follow_redirects=False)
    sign_in(client, "s09", desk.passwords["s09"])
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    assert client.get("/clerk").status_code == 200
    assert client.post("/logout", data={"csrf": csrf_of(client.get("/clerk").text)}).status_code == 303
    assert client.get("/clerk").headers["location"] == "/login"


@pytest.mark.parametrize(
    "path",
    [
        "/analyst/runs/{run}/files/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/analyst/runs/{run}/files/%2Fetc%2Fpasswd",
        "/analyst/runs/{run}/files/../../../etc/passwd",
        "/figures/..%2F..%2Fdesk.sqlite3",
        "/uploads/..%2F1/file",
        "/uploads/1%2F..%2F2/file",
        "/uploads/-1/file",
        "/uploads/99999999999999999999/file",
        "/static/..%2Fapp.py",
    ],
)
def test_traversal_in_a_route_gets_nothing(clients, a_run, path):
    answer = clients["analyst"].get(path.format(run=a_run))
    assert answer.status_code == 404
    assert "root:" not in answer.text and "import" not in answer.text and "SQLite" not in answer.text


@pytest.mark.parametrize(
    "name",
    [
        "../../../../tmp/evil.xlsx",
        "..\\..\\evil.xlsx",
        "/etc/passwd.xlsx",
        "月坛" * 200 + ".xlsx",
        "a\x00b\r\n<>|:*?.xlsx",
    ],
)
def test_file_names_are_never_trusted(clients, desk, small_demo, name):
    before = {p for p in desk.root.parent.rglob("*")}
    answer = upload(clients["other clerk"], small_demo / TIANQIAO, name=name)
    assert answer.status_code == 303
    created = {p for p in desk.root.parent.rglob("*")} - before
    assert all(p.is_relative_to(desk.root) for p in created), created
    assert not any("evil" in p.name or p.name == "passwd.xlsx" for p in created)
    assert all(len(p.name.encode()) <= 255 for p in created)
    page = clients["other clerk"].get(answer.headers["location"])
    assert page.status_code == 200 and "<>|" not in page.text


def test_script_in_a_cell_and_in_a_file_name_shows_as_text(clients, desk, small_demo, tmp_path):
    book = openpyxl.load_workbook(small_demo / TIANQIAO)
    book["会员名册"]["E4"].value = "<script>alert(1)</script>"
    path = tmp_path / TIANQIAO
    book.save(path)
    clerk = clients["other clerk"]
    answer = upload(clerk, path, name="<script>alert(2)</script>.xlsx")
    page = clerk.get(answer.headers["location"]).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;.xlsx" in page
    assert "<script>alert" not in clerk.get("/clerk").text
    assert "<script>alert" not in clients["analyst"].get("/analyst").text


def test_every_post_without_the_sessions_token_is_refused(clients, desk, s03_upload, small_demo):
    uploads_before = desk.db.one("select count(*) from uploads")[0]
    stored_before = sorted(desk.config.paths.store.rglob("*"))
    foreign = _token(clients["other clerk"])  # a valid token, of another session
    for token in ("", "forged", foreign):
        clerk = clients["own clerk"]
        files = {"file": (YUETAN, (small_demo / YUETAN).read_bytes())}
        assert clerk.post("/clerk/upload", data={"csrf": token}, files=files).status_code == 403
        assert clerk.post("/clerk/upload", files=files).status_code == 403  # no token at all
        explain = {"csrf": token, "rule": "x", "explanation": "y"}
        assert clerk.post(f"/uploads/{s03_upload}/explain", data=explain).status_code == 403
        assert clerk.post("/clerk/explain", data=explain).status_code == 403
        assert clients["analyst"].post("/analyst/run", data={"csrf": token}).status_code == 403
        assert clients["analyst"].post("/analyst/release", data={"csrf": token}).status_code == 403
        assert (
            TestClient(clients["nobody"].app).post("/login", data={"csrf": token, "username": "s03"}).status_code == 403
        )
    assert desk.db.one("select count(*) from uploads")[0] == uploads_before
    assert sorted(desk.config.paths.store.rglob("*")) == stored_before
    assert list(desk.config.paths.incoming.iterdir()) == []


def test_an_oversized_upload_is_refused_while_it_streams(tmp_path):
    """receive() stops reading at the first chunk past the limit: the rest is never written."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ntok\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n\r\n'
    ).encode()
    read = []

    async def chunks():
        yield head
        for _ in range(1000):  # 1000 × 64 KB = 64 MB offered; the limit is 1 MB
            read.append(1)
            yield b"x" * (64 << 10)

    incoming = tmp_path / "incoming"
    incoming.mkdir()
    with pytest.raises(UploadRefused) as caught:
        asyncio.run(receive(f"multipart/form-data; boundary={boundary}", chunks(), incoming, 1 << 20, lambda t: True))
    assert caught.value.status == 413 and "上限" in caught.value.reason
    assert len(read) <= 17  # stopped just past 1 MB
    assert list(incoming.iterdir()) == []


def test_an_oversized_upload_gets_a_message_and_leaves_nothing(desk, small_demo, tmp_path):
    small = make_desk(tmp_path / "small-desk", upload_limit=20_000)
    with TestClient(create_app(small.config), follow_redirects=False) as client:
        sign_in(client, "s03", small.passwords["s03"])
        answer = upload(client, small_demo / YUETAN)
        assert answer.status_code == 413
        assert "上限" in answer.text
        assert list(small.config.paths.incoming.iterdir()) == []
        assert not any(small.config.paths.store.rglob("*")) or all(
            p.is_dir() for p in small.config.paths.store.rglob("*")
        )
        assert small.db.one("select count(*) from uploads")[0] == 0


def _hostile(tmp_path):
    bomb = workbook(tmp_path / "bomb.xlsx", sheet_xml(extra=" " * (8 << 20)).encode())
    laughs = workbook(tmp_path / "laughs.xlsx", LAUGHS + sheet_xml().split("?>", 1)[1])
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(b"<html><body>not a workbook</body></html>")
    return {"压缩": bomb, "DOCTYPE": laughs, "不是 Excel": renamed}


def test_hostile_uploads_are_refused_with_the_guards_message(clients, desk, tmp_path):
    clerk = clients["other clerk"]
    for words, path in _hostile(tmp_path).items():
        answer = upload(clerk, path)
        number = int(answer.headers["location"].rsplit("/", 1)[1])
        row = desk.db.one("select verdict, counted, result_json from uploads where id = ?", number)
        assert (row["verdict"], row["counted"]) == ("refused", 0), path.name
        reasons = " ".join(p["reason"] for p in json.loads(row["result_json"])["problems"])
        assert words in reasons, (path.name, reasons)
        assert 'id="verdict">有误' in clerk.get(answer.headers["location"]).text


def test_a_format_the_desk_does_not_read_is_refused_before_it_is_kept(clients, desk, small_demo):
    answer = upload(clients["other clerk"], small_demo / TIANQIAO, name="return.exe")
    assert answer.status_code == 415
    assert ".xlsx" in answer.text


def test_brute_force_sign_in_is_limited_per_account_and_per_address(tmp_path):
    limited = make_desk(tmp_path / "limited-desk")
    with TestClient(create_app(limited.config), follow_redirects=False) as client:
        for _ in range(5):
            assert sign_in(client, "s03", "wrong").status_code == 401
        refused = sign_in(client, "s03", limited.passwords["s03"])  # even the right password, now
        assert refused.status_code == 429 and "分钟后再试" in refused.text
        # another clerk at the same address still signs in (an office may share one address) …
        assert sign_in(client, "s09", limited.passwords["s09"]).status_code == 303
        # … until the address has failed FAILURES_ALLOWED_PER_ADDRESS times: guessing names from it is refused
        for number in range(FAILURES_ALLOWED_PER_ADDRESS - 5):
            assert sign_in(client, f"guess{number}", "wrong").status_code == 401
        assert sign_in(client, "analyst", limited.passwords["analyst"]).status_code == 429
    failures = limited.db.all("select action from audit where action like 'sign-in%'")
    assert [f["action"] for f in failures].count("sign-in failed") == FAILURES_ALLOWED_PER_ADDRESS


def test_unknown_and_known_accounts_take_alike_to_refuse(app, desk):
    client = TestClient(app, follow_redirects=False)
    timings = {}
    for name in ("analyst", "no-such-account"):
        started = time.perf_counter()
        assert sign_in(client, name, "wrong").status_code == 401
        timings[name] = time.perf_counter() - started
    assert timings["no-such-account"] > timings["analyst"] / 5  # both verify an Argon2 hash


def test_cookies_and_headers(app, desk, tmp_path):
    client = TestClient(app, follow_redirects=False)
    answer = sign_in(client, "s03", desk.passwords["s03"])
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/clerk")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    secure = make_desk(tmp_path / "secure-desk", secure_cookies=True)
    with TestClient(create_app(secure.config), base_url="https://desk.example", follow_redirects=False) as client:
        assert "secure" in sign_in(client, "s03", secure.passwords["s03"]).headers["set-cookie"].lower()


def test_two_analysts_pressing_run_get_one_run_and_a_message(desk, monkeypatch, small_demo):
    (desk.config.paths.inbox / TIANQIAO).write_bytes((small_demo / TIANQIAO).read_bytes())
    monkeypatch.setattr(warm_runner, "cold_argv", lambda args: ["sleep", "3"])
    first = runs.start(desk.db, desk.config.paths, "analyst")
    with pytest.raises(runs.RunRefused) as caught:
        runs.start(desk.db, desk.config.paths, "analyst2")
    assert "已有一次运行正在进行" in str(caught.value) and "analyst" in str(caught.value)
    assert desk.db.one("select count(*) from runs where state = 'running'")[0] == 1
    deadline = time.monotonic() + 20
    while desk.db.one("select state from runs where id = ?", first)["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert desk.db.one("select state from runs where id = ?", first)["state"] == "done"


def test_every_upload_and_download_is_in_the_audit_log(desk, s03_upload, clients):
    clients["own clerk"].get(f"/uploads/{s03_upload}/file")
    actions = {(row["action"], row["username"]) for row in desk.db.all("select * from audit")}
    for wanted in [("sign-in", "s03"), ("upload", "s03"), ("download upload", "s03")]:
        assert wanted in actions
    assert any(action == "status" for action, _ in actions)  # each check's verdict
    row = desk.db.one("select client from audit where action = 'upload' limit 1")
    assert row["client"]
