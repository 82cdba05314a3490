"""The publicity office's route (the analyst's too): the latest release as published, its site and
published documents, and nothing else of the release folder."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse

from desk.session import SessionRoutes
from desk.web_base import OUTPUT_HEADERS, Denied
from shushuo import releases

# What the publicity office may open in a release folder: the site and the published documents.
PUBLISHED = ("site/", "charts/", "bulletin.", "figures.", "revision.")


class FiguresRoutes(SessionRoutes):
    """The released figures."""

    async def figures(self, request: Request):
        """The latest release as published: its site (site/index.html, linking ../bulletin.html and
        the exports) and the published files; nothing else of the release folder (its warehouse,
        整改清单 and 提交情况 are the analyst's)."""
        user = self.need(request, "publicity", "analyst")
        latest = releases.latest(releases.default_root(self.paths.build))
        wanted = request.path_params.get("path") or ""
        if latest is None and wanted in ("", "index.html"):
            return self.page(request, "figures.html", release=None)
        if latest is None:
            raise Denied()
        if wanted in ("", "index.html"):
            return RedirectResponse("/figures/site/index.html", 303)
        root = latest.path.resolve()
        path = (root / wanted).resolve()
        relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else None
        if relative is None or not relative.startswith(PUBLISHED) or not path.is_file():
            raise Denied()
        if relative == "site/index.html":
            self.db.audit("view released figures", latest.label, user=user, client=self.client(request))
        if path.suffix in (".html", ".png", ".svg", ".css", ".js", ".json", ".md", ".csv"):
            return FileResponse(path, headers=OUTPUT_HEADERS)
        return self.attachment(path, path.name)
