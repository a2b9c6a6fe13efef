"""The archive (SQLite + WARC), configuration, and the search backends."""
