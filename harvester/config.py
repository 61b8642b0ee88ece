"""Configuration: where data lives (``OER_HOME``) and the sources file, validated.

The sources file is TOML (``config/sources.toml`` by default, or ``oer --config FILE``)::

    [harvest]                  # optional; these are the defaults
    connect_timeout_s = 10
    read_timeout_s = 60
    max_retries = 4
    max_retry_after_s = 120
    contact = ""               # URL or mailto: shown in our User-Agent

    [sources.doab]
    base_url = "https://directory.doabooks.org/oai/request"
    metadata_prefix = "oai_dc"
    set_spec = "…"             # optional OAI-PMH setSpec

Validation uses pydantic; models are frozen and reject unknown keys, so a typo is an
error (exit status 2), never a silent default.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harvester.errors import ConfigError

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
DEFAULT_CONFIG = Path("config/sources.toml")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HarvestSettings(_Frozen):
    """HTTP behaviour of every OAI-PMH request (units in the names)."""

    connect_timeout_s: float = Field(10.0, gt=0, le=300)
    read_timeout_s: float = Field(60.0, gt=0, le=3600)
    max_retries: int = Field(4, ge=0, le=20)
    backoff_base_s: float = Field(2.0, ge=0, le=600)
    max_retry_after_s: float = Field(120.0, ge=0, le=3600)
    max_restarts: int = Field(2, ge=0, le=10)
    max_empty_pages: int = Field(3, ge=1, le=100)
    contact: str = ""


class OAISource(_Frozen):
    """One OAI-PMH source.

    Attributes:
        name: Short name (lower case, digits, ``_.-``), used in record ids.
        base_url: The repository's OAI-PMH base URL (http or https).
        metadata_prefix: OAI-PMH ``metadataPrefix`` to harvest (``oai_dc``).
        set_spec: Optional ``setSpec`` to harvest only one set.
        until: Optional ``until`` bound (YYYY-MM-DD or full UTC datestamp).
        skip_identifiers: OAI identifiers never to store (known poison records).
    """

    name: str
    base_url: str
    metadata_prefix: str = "oai_dc"
    set_spec: str | None = None
    until: str | None = None
    skip_identifiers: frozenset[str] = frozenset()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("use 1-64 characters: a-z, 0-9, '_', '.', '-'")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value


class Config(_Frozen):
    """The whole configuration file."""

    harvest: HarvestSettings = HarvestSettings()
    sources: dict[str, OAISource] = {}


def load_config(path: Path) -> Config:
    """Read and validate a sources file.

    Args:
        path: A TOML file as described in this module's docstring.

    Returns:
        The validated configuration (sources keyed by name).

    Raises:
        ConfigError: the file is missing, not TOML, or fails validation (the message
            names the offending key).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    sources = data.get("sources", {})
    if isinstance(sources, dict):
        data["sources"] = {name: {**(body if isinstance(body, dict) else {}), "name": name}
                           for name, body in sources.items()}
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_explain(exc)}") from exc


def oer_home() -> Path:
    """Where store, index, state and logs live: ``$OER_HOME``, else the user data dir."""
    env = os.environ.get("OER_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("oer-harvester"))


def make_source(name: str, base_url: str, metadata_prefix: str = "oai_dc",
                set_spec: str | None = None) -> OAISource:
    """Validate an ad-hoc source given on the command line.

    Raises:
        ConfigError: a bad name or URL.
    """
    try:
        return OAISource(name=name, base_url=base_url, metadata_prefix=metadata_prefix,
                         set_spec=set_spec)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from exc


def _explain(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
