"""The submission desk (报送平台): units upload their returns and see at once what to fix; the analyst
sees the whole season on one page and runs the report on the current uploads.

A small Starlette application (desk/app.py; its routes by who uses them: desk/session.py,
desk/clerk_routes.py, desk/analyst_routes.py, desk/figures_routes.py) served by uvicorn
(`shushuo serve`). Its state is one SQLite file under the data folder (desk/db.py); uploads are
kept content-addressed and never overwritten (desk/store.py); each upload is checked by ingest
alone (desk/checking.py); the inbox folder holds each unit's current file and is what the run
reads (desk/inbox.py)."""
