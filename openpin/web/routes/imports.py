"""Import candidates from a CSV file or JSON Resume, with a per-row error report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from openpin.candidate.importers import ImportFileError
from openpin.candidate.importing import import_candidates
from openpin.candidate.schemas import ImportResult
from openpin.web.forms import form_data
from openpin.web.session import current_viewer, login_required, signed_in
from openpin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(login_required)])

# Same ceiling as the API; bigger files belong to `openpin import`, which commits in batches.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ACCEPTED_SUFFIXES = (".csv", ".json")


def _page(
    request: Request,
    result: ImportResult | None = None,
    error: str = "",
    filename: str = "",
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "result": result,
        "error": error,
        "filename": filename,
        "active": "/candidates",
    }
    return render(request, "imports/page.html", context, status_code=status_code)


def _read_upload(form: FormData) -> tuple[str, bytes]:
    """The uploaded file's name and bytes, or a plain-words reason it cannot be used."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValueError("Choose a file first: a .csv export or a JSON Resume (.json) file.")
    name = upload.filename
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise ValueError(f"“{name}” is not a .csv or .json file. Save or export it as CSV first.")
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise ValueError(f"“{name}” is empty. Check that you picked the right file.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            "The file is larger than 200 MB. Split it into smaller files, or import it from the "
            "command line with `openpin import`."
        )
    return name, data


@router.get("/import")
def import_page(request: Request) -> Response:
    current_viewer(request)
    return _page(request)


@router.post("/import")
def import_file(request: Request, form: FormData = Depends(form_data)) -> Response:
    try:
        filename, data = _read_upload(form)
        # A problem with the whole file (not UTF-8, no known header) surfaces here, outside the
        # transaction, so rows read before it are rolled back: a file goes in whole or not at all.
        with signed_in(request) as (session, viewer):
            region = request.app.state.settings.candidate.default_phone_region
            result = import_candidates(
                session, viewer.workspace_id, viewer.user_id, filename, data, default_region=region
            )
    except ValueError as exc:
        return _page(request, error=str(exc), status_code=422)
    except ImportFileError as exc:
        message = f"Nothing was imported from “{filename}”. {exc.message} {exc.hint}".strip()
        return _page(request, error=message, status_code=422)
    return _page(request, result=result, filename=filename)
