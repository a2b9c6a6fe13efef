"""Any result set as a download (CSV, JSONL, Parquet), the same bytes as `arkiv export`, and
its manifest at a twin URL.

The export is :func:`lokalarkiv.exporting.write_export`, run in a thread that writes into a
bounded queue the response streams from: memory stays constant however many rows match, and
a client that goes away stops the export.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from indexer.config import Config
from lokalarkiv.exporting import FORMATS, MEDIA_TYPES, ExportSpec, export_manifest, write_export
from lokalarkiv.params import Filters, check_sources
from web.app import render, state
from web.params import SEARCH_PARAMS, filter_values, link, query_text

CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 16  # at most this many chunks wait for the client: about 1 MB
_DONE = object()


def export_spec(request: Request) -> ExportSpec:
    """The ExportSpec a request asks for: the search's text and filters, the format, and
    whether to include the body.

    Raises:
        QueryError: a bad filter or format (one line).
    """
    params = request.query_params
    values = filter_values(params)
    values["sources"] = check_sources(state(request).config, values["sources"])
    return ExportSpec(
        query_text(params),
        Filters.from_mapping(values),
        params.get("format", "csv")[:20],
        with_body="1" in params.getlist("body") or not params.getlist("body"),
    )


def export_page(request: Request) -> Response:
    """GET /export: what will be exported, the formats, the download and manifest links."""
    pairs = [
        (k, v) for k, v in request.query_params.multi_items() if k in SEARCH_PARAMS or k == "lang"
    ]
    pairs = [(k, v) for k, v in pairs if k not in ("limit", "offset", "sort")]
    return render(
        request,
        "export.html",
        {
            "formats": FORMATS,
            "hidden": pairs,
            "q": request.query_params.get("q", ""),
            "manifest_href": link(
                "/export/manifest", pairs, format=request.query_params.get("format", "csv")
            ),
            "search_href": link("/", pairs),
        },
    )


class _QueueWriter(io.RawIOBase):
    """A raw binary stream that hands what is written to a bounded queue (a
    :class:`io.BufferedWriter` in front of it makes the pieces chunks): it blocks while the
    queue is full and fails once the reader has gone."""

    def __init__(self, out: queue.Queue[object], gone: threading.Event) -> None:
        super().__init__()
        self._out, self._gone = out, gone

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)  # (a buffer's memory is reused after this returns)
        while True:
            if self._gone.is_set():
                raise BrokenPipeError("the client went away")
            try:
                self._out.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue


def _run_export(
    config: Config, spec: ExportSpec, out: queue.Queue[object], gone: threading.Event
) -> None:
    writer = io.BufferedWriter(_QueueWriter(out, gone), buffer_size=CHUNK_BYTES)
    try:
        # no forked helper: this process has threads of its own (the bytes are the same)
        write_export(config, spec, writer, sha256=False, helper=False)
        writer.flush()
        end: object = _DONE
    except BaseException as exc:  # handed to the response, which ends the download
        end = exc
    while not gone.is_set():
        try:
            out.put(end, timeout=0.5)
            return
        except queue.Full:
            continue


async def _chunks(config: Config, spec: ExportSpec) -> AsyncIterator[bytes]:
    out: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    gone = threading.Event()
    worker = threading.Thread(
        target=_run_export, args=(config, spec, out, gone), name="arkiv-export", daemon=True
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
    spec = export_spec(request)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"arkiv-export-{stamp}.{spec.format}"
    return StreamingResponse(
        _chunks(state(request).config, spec),
        media_type=MEDIA_TYPES[spec.format],
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


def manifest_page(request: Request) -> Response:
    """GET /export/manifest: the manifest `arkiv export` writes beside its file, for the
    same parameters (the export is run to count and hash it; nothing is kept)."""
    config = state(request).config
    spec = export_spec(request)
    started = datetime.now(UTC)
    counter = _Counter()
    sink = io.BufferedWriter(counter, buffer_size=CHUNK_BYTES)
    result = write_export(config, spec, sink, helper=False)
    sink.flush()
    name = f"arkiv-export.{spec.format}"
    manifest = export_manifest(
        config, spec, result, file_name=name, file_bytes=counter.size, started=started
    )
    return JSONResponse(manifest)
