"""The clerk's routes: the unit's page, its blank return, an upload (streamed, stored, checked),
上报说明 for a warning; and one upload's page, 整改清单 and original file, which the analyst opens
too. A clerk sees only their own unit: every route that takes an upload id checks the upload's unit
against the account's."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk import board, checking, inbox, run_warnings
from desk.db import now
from desk.season import current_period, task_sheets, unit
from desk.session import SessionRoutes
from desk.store import UploadRefused, keep, receive, stored_path, too_large
from desk.web_base import Denied, path_id
from ingest.workbooks.writer import write_return

DRAIN_BYTES = 16 << 20


class ClerkRoutes(SessionRoutes):
    """The clerk's pages and one upload's pages."""

    async def clerk_home(self, request: Request):
        user = self.need(request, "clerk")
        period = current_period(self.db)
        rows = board.unit_rows(self.db, period, only=user["unit_code"])
        uploads = self.db.all(
            "select * from uploads where unit_code = ? and period_id = ? order by id desc", user["unit_code"], period.id
        )
        return self.page(
            request,
            "clerk.html",
            period=period,
            unit=unit(user["unit_code"]),
            sheets=task_sheets(user["unit_code"]),
            row=rows[0],
            uploads=[(u, board.status_of(self.db, dict(u))) for u in uploads],
            run_warnings=run_warnings.open_for_unit(
                self.db, run_warnings.last_outcomes(self.db), user["unit_code"], rows[0].current
            ),
            limit_mb=self.config.upload_limit / (1 << 20),
        )

    async def clerk_template(self, request: Request):
        user = self.need(request, "clerk")
        period = current_period(self.db)
        the_unit = unit(user["unit_code"])
        name = inbox.inbox_name(the_unit.code, period, "x.xlsx")
        path = self.paths.root / "templates" / period.label / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_return(path, the_unit.name, period.start, period.end, {})
        self.db.audit("download template", name, user=user, client=self.client(request))
        return self.attachment(path, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    async def clerk_upload(self, request: Request):
        user = self.need(request, "clerk")
        limit = self.config.upload_limit
        declared = request.headers.get("content-length")
        try:
            if declared and declared.isdigit() and int(declared) > limit + (64 << 10):
                raise too_large(limit)
            got = await receive(
                request.headers.get("content-type", ""),
                request.stream(),
                self.paths.incoming,
                limit,
                lambda token: self.csrf_ok(request, token),
            )
        except UploadRefused as refused:
            self.db.audit("upload refused", refused.reason, user=user, client=self.client(request))
            return await self.refused_page(request, refused)
        name = got.filename or ""
        if not checking.accepted(name):
            if got.path is not None:
                got.path.unlink(missing_ok=True)
            reason = "只接收 .xlsx、.xlsm、.xls 或 .csv 格式的报表：请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
            self.db.audit("upload refused", f"{name[:200]}: {reason}", user=user, client=self.client(request))
            return await self.refused_page(request, UploadRefused(reason, 415))
        keep(got, self.paths.store)
        period = current_period(self.db)
        upload_id = self.db.execute(
            "insert into uploads (period_id, unit_code, user_id, original_name, sha256, size, uploaded_at, client)"
            " values (?, ?, ?, ?, ?, ?, ?, ?)",
            period.id,
            user["unit_code"],
            user["id"],
            name[:1000],
            got.sha256,
            got.size,
            now(),
            self.client(request),
        )
        self.db.audit(
            "upload",
            f"#{upload_id} {name[:200]} {got.size} 字节 sha256 {got.sha256}",
            user=user,
            client=self.client(request),
        )
        await self.run_check(upload_id)
        return RedirectResponse(f"/uploads/{upload_id}", 303)

    async def refused_page(self, request: Request, refused: UploadRefused) -> Response:
        # Read (and drop) what is left of the body, up to DRAIN_BYTES: a browser shows nothing of an
        # answer sent mid-upload. Past that the connection is closed and the browser shows its error.
        drained = 0
        try:
            async for chunk in request.stream():
                drained += len(chunk)
                if drained > DRAIN_BYTES:
                    break
        except Exception:  # the client went away: nothing to drain
            pass
        return self.page(request, "refused.html", refused.status, reason=refused.reason)

    async def clerk_explain(self, request: Request):
        """An 上报说明 for one of the last run's 核实性 warnings, kept with the unit's current upload."""
        user = self.need(request, "clerk")
        form = await self.checked_form(request)
        rule, text = str(form.get("rule", "")), str(form.get("explanation", "")).strip()
        current = board.unit_rows(self.db, current_period(self.db), only=user["unit_code"])[0].current
        warnings = run_warnings.open_for_unit(self.db, run_warnings.last_outcomes(self.db), user["unit_code"], current)
        if current is None or rule not in {w["check_id"] for w in warnings} or not text or len(text) > 2000:
            return self.page(
                request, "refused.html", 400, reason="请针对页面上列出的一条核实性提醒填写上报说明（不超过 2000 字）。"
            )
        self.save_explanation(current, rule, text, user)
        self.db.audit("上报说明", f"#{current['id']} {rule}", user=user, client=self.client(request))
        return RedirectResponse("/clerk#checks", 303)

    def save_explanation(self, upload: dict, rule: str, text: str, user) -> None:
        self.db.execute(
            "insert into explanations (upload_id, unit_code, rule, explanation, explained_by, explained_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict (upload_id, rule) do update set explanation = excluded.explanation, "
            "explained_by = excluded.explained_by, explained_at = excluded.explained_at",
            upload["id"],
            upload["unit_code"],
            rule,
            text,
            user["username"],
            now(),
        )
        inbox.rebuild(self.db, current_period(self.db), self.paths.store, self.paths.inbox)

    def upload_for(self, user, upload_id: int) -> dict:
        """The upload if this user may see it: a clerk only their unit's; the analyst any."""
        row = self.db.one("select * from uploads where id = ?", upload_id)
        if (
            row is None
            or user["role"] == "publicity"
            or (user["role"] == "clerk" and row["unit_code"] != user["unit_code"])
        ):
            raise Denied()
        return dict(row)

    # --- one upload: result, 整改清单, original, explanations --------------------------------------------
    async def upload_page(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, path_id(request.path_params["upload_id"]))
        result = json.loads(upload["result_json"] or "{}")
        explained = {
            row["rule"]: dict(row)
            for row in self.db.all("select * from explanations where upload_id = ?", upload["id"])
        }
        latest = self.db.row(
            "select max(id) as id from uploads where unit_code = ? and period_id = ?",
            upload["unit_code"],
            upload["period_id"],
        )
        return self.page(
            request,
            "upload.html",
            upload=upload,
            result=result,
            status=board.status_of(self.db, upload),
            explained=explained,
            unit=unit(upload["unit_code"]),
            is_latest=latest["id"] == upload["id"],
        )

    async def upload_feedback(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, path_id(request.path_params["upload_id"]))
        result = json.loads(upload["result_json"] or "{}")
        if not result.get("feedback"):
            raise Denied()
        relative = result["feedback"][0]
        path = (self.paths.checks / str(upload["id"]) / relative).resolve()
        if not path.is_relative_to(self.paths.checks.resolve()) or not path.is_file():
            raise Denied()
        self.db.audit("download 整改清单", f"#{upload['id']}", user=user, client=self.client(request))
        return self.attachment(
            path, Path(relative).name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    async def upload_file(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, path_id(request.path_params["upload_id"]))
        self.db.audit("download upload", f"#{upload['id']}", user=user, client=self.client(request))
        return self.attachment(
            stored_path(self.paths.store, upload["sha256"]), checking.upload_name(upload["original_name"])
        )

    async def upload_explain(self, request: Request):
        user = self.need(request, "clerk")
        upload = self.upload_for(user, path_id(request.path_params["upload_id"]))
        form = await self.checked_form(request)
        rule, text = str(form.get("rule", "")), str(form.get("explanation", "")).strip()
        warnings = {
            p["rule"]
            for p in json.loads(upload["result_json"] or "{}").get("problems", [])
            if p["severity"] == "warning"
        }
        if rule not in warnings or not text or len(text) > 2000:
            return self.page(
                request, "refused.html", 400, reason="请针对页面上列出的一条提醒填写上报说明（不超过 2000 字）。"
            )
        self.save_explanation(upload, rule, text, user)
        self.db.audit("上报说明", f"#{upload['id']} {rule}", user=user, client=self.client(request))
        return RedirectResponse(f"/uploads/{upload['id']}#warnings", 303)
