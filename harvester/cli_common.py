"""What every ``oer`` subcommand shares: the paths under ``OER_HOME``, logging, config."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import click

from harvester.config import DEFAULT_CONFIG, Config, load_config, oer_home
from harvester.config_watch import ConfigWatch
from harvester.errors import ConfigError

LOG_MAX_BYTES = 5_000_000
"""Size at which ``logs/oer.log`` is rotated (bytes)."""
LOG_BACKUPS = 5
"""Rotated ``oer.log.N`` files kept."""


class Home:
    """The paths under ``OER_HOME``: ``store.sqlite``, ``index/``, ``logs/oer.log``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = root / "store.sqlite"
        self.index = root / "index"
        self.logs = root / "logs"


def setup_logging(home: Home, verbose: bool) -> None:
    """Log INFO and up to ``logs/oer.log``; errors (or INFO with ``-v``) to stderr."""
    home.logs.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = logging.handlers.RotatingFileHandler(  # rotated: 5 files of 5 MB
        home.logs / "oer.log", maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.ERROR)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(file_handler)
    root.addHandler(console)


def home_from(ctx: click.Context, root: Path | None = None) -> Home:
    """The ``OER_HOME`` paths (or ``root``), with logging set up for this command.

    Raises:
        click.UsageError: ``OER_HOME`` is not a writable directory (exit 2).
    """
    home = Home(root or oer_home())
    try:
        setup_logging(home, ctx.obj["verbose"])
    except OSError as exc:
        raise click.UsageError(f"OER_HOME {home.root} is not a writable directory: "
                               f"{exc.strerror or exc}") from exc
    return home


def config_from(ctx: click.Context, required: bool) -> Config:
    """The sources file given by ``oer --config``, else ``config/sources.toml``.

    Raises:
        click.UsageError: the file is invalid, or missing while ``required`` (exit 2).
    """
    path = ctx.obj["config_path"]
    if path is None:
        if not DEFAULT_CONFIG.exists() and not required:
            return Config()
        path = DEFAULT_CONFIG
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


def config_watch_from(ctx: click.Context) -> ConfigWatch:
    """The sources file as :func:`config_from` finds it (required), re-read when it changes.

    For ``oer schedule``, which runs until stopped (:mod:`harvester.config_watch`).

    Raises:
        click.UsageError: the file is missing or invalid at start (exit 2).
    """
    try:
        return ConfigWatch(ctx.obj["config_path"] or DEFAULT_CONFIG)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
