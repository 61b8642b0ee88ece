"""README.md, .ci/run and config/sources.toml stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from harvester.cli import cli
from harvester.config import load_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return block.strip().splitlines()


def test_readme_starts_with_two_setup_commands_and_ci_runs_the_test_one():
    install_demo, install_test = setup_commands()
    assert install_demo.endswith("oer demo") and "pip install ." in install_demo
    assert install_test.endswith("python -m pytest") and "'.[test]'" in install_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_test in ci.splitlines()


def test_readme_embeds_the_real_help():
    help_text = CliRunner().invoke(cli, ["--help"], prog_name="oer").output
    assert f"$ oer --help\n{help_text}" in README


def test_shipped_sources_file_is_valid():
    config = load_config(ROOT / "config" / "sources.toml")
    assert {"doab", "oapen", "unesdoc"} <= set(config.sources)
    assert all(s.base_url.startswith("https://") for s in config.sources.values()
               if s.kind == "oai")
