"""The docs keep up with the code: every command has help and a README section."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from search_cli.cli import COMMANDS, arkiv

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_a_readme_section(name: str) -> None:
    result = CliRunner().invoke(arkiv, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"### `arkiv {name}`" in README


def test_exit_codes_are_documented() -> None:
    result = CliRunner().invoke(arkiv, ["--help"])
    for code in ("0", "1", "2", "3", "4"):
        assert f"  {code}  " in result.output
        assert f"| {code} |" in README


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    assert "scripts/demo" in README
    assert "scripts/test" in README
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
