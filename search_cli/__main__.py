"""`python -m search_cli` is `arkiv`."""

from search_cli.cli import main

main()
