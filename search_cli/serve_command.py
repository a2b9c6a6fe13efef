"""`arkiv serve`: the newsroom web app (package ``web``) on this machine, or beyond it with
access control configured."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from search_cli.options import data_option, make_config


@click.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--hash-password",
    is_flag=True,
    help="Read a password or token from standard input, print its hash for arkiv.toml, and exit.",
)
def serve(
    data_dir: Path | None, config_file: Path | None, host: str, port: int, hash_password: bool
) -> None:
    """Serve the archive to a browser: search, articles and their versions, the pages as
    fetched, people, status and export, each with a JSON twin under /api.

    Listens on 127.0.0.1 only unless --host says otherwise; any other address needs access
    control in arkiv.toml ([web] tokens and users, hashed with --hash-password).

    \b
    Examples:
      arkiv serve --data ./data
      echo -n 'a long passphrase' | arkiv serve --hash-password
    """
    from web.security import access_from_config, is_loopback
    from web.security import hash_password as make_hash

    if hash_password:
        if sys.stdin.isatty():
            secret = click.prompt("Password or token", hide_input=True, confirmation_prompt=True,
                                  err=True)  # fmt: skip
        else:
            secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            raise click.ClickException("nothing on standard input to hash")
        click.echo(make_hash(secret))
        return
    config = make_config(config_file, data_dir=data_dir)
    access = access_from_config(config.web)
    if not is_loopback(host) and not access.configured:
        raise click.ClickException(
            f"--host {host} reaches beyond this machine and no access control is configured:"
            ' add tokens = ["<hash>"] or a [web.users] table to the [web] section of'
            " arkiv.toml (make a hash with `arkiv serve --hash-password`)"
        )
    import uvicorn

    from lokalarkiv.export_parquet import keep_freed_memory
    from web.app import create_app

    keep_freed_memory()  # before the server's threads: a Parquet download sets it otherwise

    key = config.web.get("secret")
    app = create_app(config, access, key if isinstance(key, str) else None)
    click.echo(f"serving {config.data_dir} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(
        app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=True
    )
