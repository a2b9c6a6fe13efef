"""The index folder: creating it, the description that says what it holds, removing it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import tantivy as tv

from indexer.errors import BackendUnavailable
from indexer.search.backends.tantivy.schema import (
    META_FILE,
    SCHEMA_VERSION,
    register_analyzers,
    schema,
)

__all__ = ["REBUILD_HINT", "check_meta", "create", "remove"]

REBUILD_HINT = "Rebuild it from the archive: `arkiv index --rebuild`."


def create(folder: Path) -> tv.Index:
    """A new, empty index in ``folder`` (made if missing), with its description written
    last. Raises ``BackendUnavailable``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        index = tv.Index(schema(), path=str(folder), reuse=False)
        register_analyzers(index)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "backend": "tantivy",
            "tantivy": getattr(tv, "__version__", "?"),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        tmp = folder / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        tmp.replace(folder / META_FILE)
    except (OSError, ValueError) as exc:
        raise BackendUnavailable(f"cannot create a search index in {folder}: {exc}") from exc
    return index


def check_meta(folder: Path) -> None:
    """Refuse (``BackendUnavailable``) a folder whose ``META_FILE`` is missing, unreadable or
    of another schema version."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackendUnavailable(
            f"{folder} has no {META_FILE}: not a Lokalarkiv index, or its build was interrupted",
            hint=REBUILD_HINT,
        ) from None
    except (OSError, ValueError) as exc:
        raise BackendUnavailable(
            f"the index description {folder / META_FILE} is damaged: {exc}", hint=REBUILD_HINT
        ) from exc
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if version != SCHEMA_VERSION:
        raise BackendUnavailable(
            f"the index at {folder} has schema version {version!r}; this version of "
            f"Lokalarkiv needs {SCHEMA_VERSION}",
            hint=REBUILD_HINT,
        )


def remove(folder: Path) -> None:
    """Remove the index folder, for a rebuild (a missing one is fine).

    Refuses (``BackendUnavailable``) to remove a non-empty folder that does not look like
    an index (no ``lokalarkiv-index.json`` and no Tantivy ``meta.json``), so a mistyped
    ``--index`` path never deletes someone's files.
    """
    if not folder.exists():
        return
    if not folder.is_dir():
        raise BackendUnavailable(f"{folder} is not a folder; not removing it")
    looks_like_index = (folder / META_FILE).exists() or (folder / "meta.json").exists()
    if not looks_like_index and any(folder.iterdir()):
        raise BackendUnavailable(
            f"{folder} does not look like a search index; not removing it",
            hint="Point --index at the index folder, or remove it yourself.",
        )
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise BackendUnavailable(f"cannot remove the index at {folder}: {exc}") from exc
