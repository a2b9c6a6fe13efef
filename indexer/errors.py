"""The exception tree; library code raises these, only the CLI turns them into messages.

    ArkivError
    ├── ConfigError          a config or sources file is wrong (path, line, problem)
    ├── ArchiveError         the SQLite archive or a WARC file cannot be opened or written
    ├── LockedError          another run holds the archive's lock
    └── BackendError         the search index failed
        ├── BackendUnavailable   the index or server cannot be reached / opened
        ├── QueryError           a query or filter value is invalid
        └── IndexingError        documents could not be written to the index

Every error carries a ``hint``: what the user can do next.
"""

from __future__ import annotations


class ArkivError(Exception):
    """Base of all expected Lokalarkiv failures."""

    default_hint = "Run the command with --help to see its options."

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint or self.default_hint


class ConfigError(ArkivError):
    default_hint = "Fix the file named above and run the command again."


class ArchiveError(ArkivError):
    default_hint = "Check that --data points at a writable folder (env ARKIV_DATA)."


class LockedError(ArkivError):
    default_hint = "Wait for the other run to finish; a lock left by a dead process is taken over."


class BackendError(ArkivError):
    default_hint = "Rebuild the index from the archive with `arkiv index --rebuild`."


class BackendUnavailable(BackendError):
    default_hint = "Check that the index folder exists and is readable, or the server is up."


class QueryError(BackendError):
    default_hint = "Check the filter values; `arkiv search --help` lists them."


class IndexingError(BackendError):
    default_hint = "Run `arkiv index` again; the archive is unchanged and it resumes."
