"""`arkiv serve` as a user starts it: a subprocess on 127.0.0.1 and a free port, for the HTTP
and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.helpers import ROOT


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def stderr(self) -> str:
        """What the server has written to its standard error so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(data: Path, *args: str, ready_status: int = 200) -> Iterator[Served]:
    """`arkiv serve --data DATA ARGS` on a free port, until the block ends; waits (bounded)
    until it answers ``ready_status`` at /api."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the server stops, below)
    process = subprocess.Popen(
        [sys.executable, "-m", "search_cli", "serve", "--data", str(data), "--port", str(port),
         *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    served = Served(url, process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"arkiv serve stopped: {served.stderr()}")
            try:
                if httpx.get(f"{url}/api", timeout=2).status_code == ready_status:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("arkiv serve did not answer within 30 s")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
