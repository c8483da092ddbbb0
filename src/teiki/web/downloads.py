"""Tables on the web: what a reader may see of them, and whole tables as CSV (UTF-8 with BOM) or Excel files
with formula-looking text made inert (teiki.report.export). Names, phones and e-mails go only to logged-in
users (see teiki.web.security)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
from fastapi import Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from teiki.report.export import write_csv, write_xlsx
from teiki.web.security import logged_in

PERSONAL = ("name", "phone", "email")
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sees_personal(request: Request) -> bool:
    """Whether the reader may see customers' names, phones and e-mails."""
    return logged_in(request, request.app.state.access)


def visible(request: Request, table: pa.Table) -> pa.Table:
    """``table`` without the personal columns unless the reader is logged in."""
    if sees_personal(request):
        return table
    return table.drop_columns([c for c in PERSONAL if c in table.column_names])


def file_response(table: pa.Table, name: str, fmt: str, sheet: str = "list") -> FileResponse:
    """``table`` as a downloaded file ``name.fmt`` (written in a temporary folder removed after sending)."""
    folder = Path(tempfile.mkdtemp(prefix="teiki-list-"))
    safe = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name)  # a campaign's name may hold "/"
    path = folder / (safe.encode()[:200].decode(errors="ignore") + f".{fmt}")  # file systems allow 255 bytes
    try:
        records = table.to_pylist()
        if fmt == "csv":
            write_csv(records, path, columns=table.column_names)
        else:
            write_xlsx({sheet: records}, path)
    except BaseException:
        _remove(folder)
        raise
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name, background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
