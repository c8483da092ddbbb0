"""The Data page: what is stored (also ``/api/status``) and the upload form, which imports through the same
importer as ``teiki import`` (all or nothing) and then serves the new data."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response

from teiki.errors import TeikiError
from teiki.messages import say
from teiki.report.imports import columns_line
from teiki.shop.vocabulary import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES, TABLES
from teiki.web.registry import Section, Visit
from teiki.web.rendering import render, request_lang
from teiki.web.security import csrf_ok
from teiki.web.state import served

section = Section(tag="data")
UPLOAD_SUFFIXES = tuple(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES))
CHUNK = 1 << 20
NAME_BYTES = 200  # an uploaded file's name at most, in UTF-8 (file systems allow 255)
UPLOAD_PREFIX = "teiki-upload-"  # + the serving process's id: what a killed server leaves is found and removed


def status_dict(shop) -> dict:
    """The shop's :meth:`~teiki.Shop.status` as JSON-able values."""
    st = shop.status()
    return {"path": str(st.path), "customers": st.customers, "first_order": st.first_order,
            "last_order": st.last_order, "tables": [vars(t) for t in st.tables],
            "last_import": [{k: v for k, v in log.items()} for log in st.last_import]}


@section.api("/status", summary="What is stored: rows per table, order dates, last import")
def status(request: Request) -> dict:
    return served(request).cached(("status",), status_dict)


def _context(request: Request) -> dict:
    """The Data page's template context: the status, the tables and the upload limits."""
    lang = request_lang(request)
    return {"st": status(request), "tables": list(TABLES),
            "units": {name: "unit_orders" if spec.replace_whole_group else "unit_records"
                      for name, spec in TABLES.items()},
            "label": {name: f"{spec.ja} ({name})" if lang == "ja" else name for name, spec in TABLES.items()},
            "mb": request.app.state.access.max_upload_bytes // (1024 * 1024), "suffixes": ", ".join(UPLOAD_SUFFIXES)}


@section.page("/data", "data.html", title="page_data", nav="page_data")
def data(visit: Visit) -> dict:
    return _context(visit.request)


def _answer(request: Request, status_code: int = 200, **context: object) -> Response:
    """The Data page after an upload: with its message or error."""
    return render(request, "data.html", status_code, title="page_data", **_context(request), **context)


def safe_upload_name(name: str | None) -> str:
    """The base name of an uploaded file, reduced to letters, digits, ``._-`` (Japanese kept), with a known
    suffix (the longest that matches: ``.csv.gz`` before ``.gz``); anything else is refused. A long name is cut
    to :data:`NAME_BYTES`, its suffix kept. The file is then written only inside a fresh temporary folder."""
    base = re.sub(r"[^\w.\-]", "_", Path((name or "").replace("\\", "/")).name).lstrip(".")
    suffix = max((s for s in UPLOAD_SUFFIXES if base[-len(s):].lower() == s), key=len, default="")
    stem = base[: len(base) - len(suffix)]
    if not suffix or not stem:
        raise TeikiError("data_bad_name", name=name or "", choices=", ".join(UPLOAD_SUFFIXES))
    return stem.encode()[: NAME_BYTES - len(suffix)].decode(errors="ignore") + base[len(stem):]


@section.html.post("/data/upload")
async def upload(request: Request, file: Annotated[UploadFile | None, File()] = None,
                 csrf: Annotated[str, Form()] = "", table: Annotated[str, Form()] = "",
                 preset: Annotated[str, Form()] = ""):
    lang = request_lang(request)
    if not csrf_ok(request, csrf):
        return _answer(request, 403, error=say("csrf_failed", lang))
    access = request.app.state.access
    if file is None or not file.filename:
        return _answer(request, 400, error=say("data_no_file", lang))
    if table and table not in TABLES:
        return _answer(request, 400, error=say("bad_choice", lang, name="table", value=table,
                                                choices=", ".join(TABLES)))
    try:
        name = safe_upload_name(file.filename)
    except TeikiError as exc:
        return _answer(request, 400, error=exc.render(lang))
    # the folder goes on every way out: the import's answer, a refusal, an error, a client gone away
    with tempfile.TemporaryDirectory(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > access.max_upload_bytes:
                    return _answer(request, 413, error=say("data_too_big", lang,
                                                            mb=access.max_upload_bytes // (1024 * 1024)))
                out.write(chunk)
        try:
            result = served(request).import_files([path], table=table or None, preset=preset or None)
        except TeikiError as exc:
            return _answer(request, 400, error=say("data_failed", lang), detail=exc.render(lang))
    summary = ", ".join(f"{t.table}: +{t.counts.inserted:,} / ~{t.counts.replaced:,} / ={t.counts.unchanged:,}"
                        for t in result.tables)
    return _answer(request, message=say("data_done", lang, summary=summary),
                   columns=[columns_line(t, lang).strip() for t in result.tables])


def remove_uploads(root: Path | None = None, *, ours: bool = False) -> list[Path]:
    """Remove the upload folders of server processes that no longer run (a killed server leaves its uploads,
    customer data, in the temp folder) and, with ``ours``, this process's own; returns what was removed.
    Called when the dashboard starts and (``ours``) when it stops."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        pid = folder.name.removeprefix(UPLOAD_PREFIX).split("-", 1)[0]
        mine = pid == str(os.getpid())
        if not folder.is_dir() or (not ours if mine else pid.isdigit() and _running(int(pid))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

