"""The `arkiv` command-line interface."""
