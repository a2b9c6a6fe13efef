"""DATA/runs/run-<id>.json: a run's report where a monitoring script can pick it up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_report_file"]


def write_report_file(data_dir: Path, run_id: int, report: dict[str, Any]) -> Path:
    """Write the report (atomically) and a copy as DATA/runs/latest.json; returns its path."""
    folder = data_dir / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{run_id:06d}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    (folder / "latest.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path
