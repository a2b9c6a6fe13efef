"""Any result set as a download (CSV, JSONL, Parquet), the same bytes as `arkiv export`, and
its manifest at a twin URL.

The export is :func:`lokalarkiv.exporting.write_export`, run in a thread that writes into a
bounded queue the response streams from: memory stays constant however many rows match, and
a client that goes away stops the export.
"""

from __future__ import annotations

import importlib
import io
import queue
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from indexer.errors import QueryError
from lokalarkiv.params import Filters, check_sources
from web.app import error_response, render, state
from web.i18n import translator
from web.params import SEARCH_PARAMS, filter_values, link, query_text

CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 16  # at most this many chunks wait for the client: about 1 MB
_DONE = object()


def exporting() -> ModuleType | None:
    """The export API (lokalarkiv.exporting), or None where this version lacks it."""
    try:
        return importlib.import_module("lokalarkiv.exporting")
    except ImportError:
        return None


def export_spec(request: Request, module: ModuleType) -> Any:
    """The ExportSpec a request asks for: the search's text and filters, the format, and
    whether to include the body."""
    params = request.query_params
    fmt = params.get("format", "csv")
    if fmt not in module.FORMATS:
        raise QueryError(
            f"unknown format {fmt[:20]!r}", hint=f"Formats: {', '.join(module.FORMATS)}."
        )
    values = filter_values(params)
    values["sources"] = check_sources(state(request).config, values["sources"])
    return module.ExportSpec(
        query_text(params),
        Filters.from_mapping(values),
        fmt,
        with_body="1" in params.getlist("body") or not params.getlist("body"),
    )


def export_page(request: Request) -> Response:
    """GET /export: what will be exported, the formats, the download and manifest links."""
    module = exporting()
    pairs = [
        (k, v) for k, v in request.query_params.multi_items() if k in SEARCH_PARAMS or k == "lang"
    ]
    pairs = [(k, v) for k, v in pairs if k not in ("limit", "offset", "sort")]
    formats = module.FORMATS if module else ()
    return render(
        request,
        "export.html",
        {
            "available": module is not None,
            "formats": formats,
            "hidden": pairs,
            "q": request.query_params.get("q", ""),
            "manifest_href": link(
                "/export/manifest", pairs, format=request.query_params.get("format", "csv")
            ),
            "search_href": link("/", pairs),
        },
    )


class _QueueWriter(io.RawIOBase):
    """A writable binary stream that hands its bytes, in chunks, to a bounded queue; it
    blocks while the queue is full and fails once the reader has gone."""

    def __init__(self, out: queue.Queue[object], gone: threading.Event) -> None:
        super().__init__()
        self._out, self._gone, self._buffer = out, gone, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_BYTES:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        return len(data)

    def flush_all(self) -> None:
        if self._buffer:
            self._send(bytes(self._buffer))
            self._buffer.clear()

    def _send(self, item: object) -> None:
        while True:
            if self._gone.is_set():
                raise BrokenPipeError("the client went away")
            try:
                self._out.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def _run_export(
    module: ModuleType, config: Any, spec: Any, out: queue.Queue[object], gone: threading.Event
) -> None:
    writer = _QueueWriter(out, gone)
    try:
        # no forked helper: this process has threads of its own (the bytes are the same)
        module.write_export(config, spec, writer, sha256=False, helper=False)
        writer.flush_all()
        end: object = _DONE
    except BaseException as exc:  # handed to the response, which ends the download
        end = exc
    while not gone.is_set():
        try:
            out.put(end, timeout=0.5)
            return
        except queue.Full:
            continue


async def _chunks(module: ModuleType, config: Any, spec: Any) -> AsyncIterator[bytes]:
    out: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    gone = threading.Event()
    worker = threading.Thread(
        target=_run_export, args=(module, config, spec, out, gone), name="arkiv-export", daemon=True
    )
    worker.start()
    try:
        while True:
            item = await anyio.to_thread.run_sync(out.get)
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        gone.set()


def export_download(request: Request) -> Response:
    """GET /export/download: the file, streamed as it is written."""
    module = exporting()
    if module is None:
        t = translator("sv")
        return error_response(request, 501, t("Export is not available in this version."))
    spec = export_spec(request, module)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"arkiv-export-{stamp}.{spec.format}"
    return StreamingResponse(
        _chunks(module, state(request).config, spec),
        media_type=module.MEDIA_TYPES[spec.format],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


class _Counter(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def export_manifest(request: Request) -> Response:
    """GET /export/manifest: the manifest `arkiv export` writes beside its file, for the
    same parameters (the export is run to count and hash it; nothing is kept)."""
    module = exporting()
    if module is None:
        return error_response(request, 501, "export is not available in this version")
    spec = export_spec(request, module)
    started = datetime.now(UTC)
    sink = _Counter()
    result = module.write_export(state(request).config, spec, sink, helper=False)
    name = f"arkiv-export.{spec.format}"
    manifest = module.export_manifest(
        state(request).config, spec, result, file_name=name, file_bytes=sink.size, started=started
    )
    return JSONResponse(manifest)
