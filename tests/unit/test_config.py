"""Configuration priority: defaults < arkiv.toml < environment < flags."""

from pathlib import Path

import pytest

from indexer.config import load_config
from indexer.errors import ConfigError


def test_defaults_follow_xdg(tmp_path: Path) -> None:
    config = load_config(env={"XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert config.data_dir == tmp_path / "lokalarkiv"
    assert config.archive_path == tmp_path / "lokalarkiv" / "archive.sqlite3"
    assert config.backend == "tantivy"


def test_priority(tmp_path: Path) -> None:
    file = tmp_path / "arkiv.toml"
    file.write_text('data = "/from/file"\nbackend = "meilisearch"\ncontact = "red@e.se"\n')
    env = {"ARKIV_DATA": "/from/env"}
    assert load_config(file, env=env).data_dir == Path("/from/env")
    assert load_config(file, env=env, data_dir="/from/flag").data_dir == Path("/from/flag")
    assert load_config(file, env={}).backend == "meilisearch"
    assert load_config(file, env={}).contact == "red@e.se"


def test_secret_not_in_repr() -> None:
    config = load_config(env={"MEILI_MASTER_KEY": "hemligt"})
    assert config.meili_key == "hemligt"
    assert "hemligt" not in repr(config)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("data = ", "invalid TOML"),
        ('dta = "/x"', "unknown key 'dta'"),
        ('backend = "solr"', "unknown backend 'solr'"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "arkiv.toml"
    file.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_config(file, env={})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})
