"""Admin: import a ratings file (upload) with the importer ``newsprism sources import
--ratings`` uses, and show its report."""

from __future__ import annotations

import csv
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile
from starlette.responses import Response

from newsprism.sources.rating_formats import FORMATS
from newsprism.sources.rating_import import (
    UNKNOWN_SHOWN,
    RatingImportReport,
    import_ratings_file,
)
from newsprism.web.admin_session import (
    AdminSession,
    admin_page,
    admin_render,
    check_csrf,
    logged_in,
)

router = APIRouter()

MAX_UPLOAD_BYTES = 20_000_000  # the largest published ratings sets are a few MB
# The ratings table's column widths (store/schema.py), as the CLI checks them.
MAX_LENGTHS = {"rater": 64, "licence": 128, "rated_on": 32}
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SAFE_NAME = re.compile(r"[^\w.-]+")

_TOO_LARGE = f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB."
AdminPage = Annotated[AdminSession, Depends(admin_page)]


@router.get("/ratings", response_class=HTMLResponse)
def ratings_page(request: Request, session: AdminPage) -> Response:
    return _page(request, session)


def _page(
    request: Request,
    session: AdminSession,
    *,
    report: RatingImportReport | None = None,
    file_name: str | None = None,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return admin_render(
        request,
        "admin/ratings.html",
        {
            "formats": list(FORMATS),
            "report": report,
            "file_name": file_name,
            "unknown_shown": UNKNOWN_SHOWN,
            "errors": errors or [],
            "values": values or {},
        },
        session=session,
        status_code=status_code,
    )


@router.post("/ratings", response_class=HTMLResponse)
async def ratings_import(request: Request) -> Response:
    """Upload and import. The session is checked before the body is read, and the
    body's size before it is parsed: nobody but the admin makes this server store a
    file, and no file larger than the limit is stored."""
    session = logged_in(request)  # 401 before anything is read
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 100_000:
        raise HTTPException(status_code=413, detail=_TOO_LARGE)
    async with request.form(max_files=1, max_fields=10) as form:
        csrf = form.get("csrf")
        check_csrf(session, csrf if isinstance(csrf, str) else None)
        upload = form.get("file")
        fields = {
            key: value.strip() if isinstance(value := form.get(key), str) else ""
            for key in ("format", "rater", "licence", "rated_on")
        }
        add_outlets = form.get("add_outlets") in ("true", "on", "1")
        errors = _problems(fields)
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors.append("Choose a ratings file to upload.")
        elif upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            errors.append(_TOO_LARGE)
        if errors:
            return _page(request, session, errors=errors, values=fields, status_code=400)
        assert isinstance(upload, UploadFile)
        name = _SAFE_NAME.sub("_", Path(upload.filename or "").name)[:100] or "ratings.csv"
        # The importer reads files and writes in one transaction: off the event loop.
        outcome = await run_in_threadpool(_import, request, upload, name, fields, add_outlets)
    if isinstance(outcome, str):
        return _page(request, session, errors=[outcome], values=fields, status_code=400)
    return _page(request, session, report=outcome, file_name=name, values=fields)


def _problems(fields: dict[str, str]) -> list[str]:
    errors = [
        f"The {key.replace('_', ' ')} must be at most {most} characters."
        for key, most in MAX_LENGTHS.items()
        if len(fields[key]) > most
    ]
    # Dates are compared as text to find a rater's newest rating: ISO only.
    if fields["rated_on"] and not _ISO_DATE.fullmatch(fields["rated_on"]):
        errors.append("The date must be YYYY, YYYY-MM or YYYY-MM-DD.")
    if fields["format"] and fields["format"] not in FORMATS:
        errors.append(f"Unknown format; choose one of {', '.join(FORMATS)}.")
    return errors


def _import(
    request: Request, upload: UploadFile, name: str, fields: dict[str, str], add_outlets: bool
) -> RatingImportReport | str:
    """The import report, or why the file could not be imported."""
    with tempfile.TemporaryDirectory(prefix="newsprism-ratings-") as folder:
        path = Path(folder) / name
        with path.open("wb") as saved:
            while chunk := upload.file.read(1 << 20):
                saved.write(chunk)
        try:
            return import_ratings_file(
                request.app.state.engine,
                path,
                format=fields["format"] or None,
                rater=fields["rater"] or None,
                licence=fields["licence"] or None,
                rated_on=fields["rated_on"] or None,
                add_outlets=add_outlets,
                today=date.today(),
            )
        except (ValueError, csv.Error) as error:  # a file its format cannot read
            return str(error)
