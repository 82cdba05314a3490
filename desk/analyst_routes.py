"""The analyst's routes: the season's board, the 催报 list, starting a run or a release, a run's
page and its files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from desk import board, runs
from desk.season import current_period
from desk.session import SessionRoutes
from desk.web_base import OUTPUT_HEADERS, Denied, path_id


class AnalystRoutes(SessionRoutes):
    """The analyst's pages."""

    async def analyst_board(self, request: Request):
        user = self.need(request, "analyst")
        period = current_period(self.db)
        rows = board.unit_rows(self.db, period)
        last_run = self.db.one("select * from runs order by id desc limit 1")
        run_dir = Path(last_run["run_dir"]) if last_run and last_run["run_dir"] else None
        return self.page(
            request,
            "board.html",
            period=period,
            rows=rows,
            rates=board.rates(rows),
            chase=board.chase_list(rows),
            last_run=last_run,
            run_outputs=runs.outputs(run_dir) if run_dir and run_dir.is_dir() else [],
            audit=self.db.all("select * from audit order by id desc limit 15"),
            viewer=user,
        )

    async def analyst_chase(self, request: Request):
        user = self.need(request, "analyst")
        period = current_period(self.db)
        self.db.audit("download 催报名单", "", user=user, client=self.client(request))
        text = board.chase_csv(board.unit_rows(self.db, period))
        name = quote(f"催报名单_{period.label}.csv")
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    async def analyst_run(self, request: Request):
        user = self.need(request, "analyst")
        await self.checked_form(request)
        try:
            run_id = runs.start(self.db, self.paths, user["username"])
        except runs.RunRefused as refused:
            self.db.audit("run refused", str(refused), user=user, client=self.client(request))
            return self.page(request, "refused.html", 409, reason=str(refused))
        self.db.audit("run", f"#{run_id}", user=user, client=self.client(request))
        return RedirectResponse(f"/analyst/runs/{run_id}", 303)

    async def analyst_release(self, request: Request):
        user = self.need(request, "analyst")
        form = await self.checked_form(request)
        note = str(form.get("note", "")).strip()[:500]
        accept = form.get("accept_open_problems") == "1"
        argv = runs.release_command(self.paths, user["username"], note, accept)
        try:
            run_id = runs.start(self.db, self.paths, user["username"], "release", argv)
        except runs.RunRefused as refused:
            self.db.audit("release refused", str(refused), user=user, client=self.client(request))
            return self.page(request, "refused.html", 409, reason=str(refused))
        self.db.audit("release", f"#{run_id} {note}", user=user, client=self.client(request))
        return RedirectResponse(f"/analyst/runs/{run_id}", 303)

    async def analyst_run_page(self, request: Request):
        self.need(request, "analyst")
        run = self.db.one("select * from runs where id = ?", path_id(request.path_params["run_id"]))
        if run is None:
            raise Denied()
        run_dir = Path(run["run_dir"]) if run["run_dir"] else None
        return self.page(
            request,
            "run.html",
            run=run,
            log=runs.log_tail(run["log_path"]),
            outputs=runs.outputs(run_dir) if run_dir and run_dir.is_dir() else [],
        )

    async def analyst_run_file(self, request: Request):
        user = self.need(request, "analyst")
        run = self.db.one("select * from runs where id = ?", path_id(request.path_params["run_id"]))
        if run is None or not run["run_dir"]:
            raise Denied()
        root = Path(run["run_dir"]).resolve()
        path = (root / request.path_params["path"]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise Denied()
        self.db.audit(
            "download run output",
            f"run #{run['id']} {request.path_params['path'][:200]}",
            user=user,
            client=self.client(request),
        )
        if path.suffix in (".html", ".png", ".svg", ".css", ".js", ".json"):
            return FileResponse(path, headers=OUTPUT_HEADERS)
        return self.attachment(path, path.name)
