"""``oer licence``: show what we make of a pasted rights statement or licence URL."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from harvester.licence_table import licence_info
from harvester.licences import normalise_licence, statement_note
from harvester.policies import allows, policies_of

__all__ = ["describe_licence", "licence_command"]

_FLAGS = (("attribution", "BY", "attribution required"), ("share_alike", "SA", "share alike"),
          ("non_commercial", "NC", "non-commercial only"), ("no_derivatives", "ND", "no derivatives"))


def describe_licence(text: str) -> dict[str, Any]:
    """What the normaliser reads from one statement, as a JSON-ready dict.

    Args:
        text: A rights statement, licence URL, label or HTML snippet, as pasted.

    Returns:
        ``{"id", "url", "label", "status", "attribution", "share_alike",
        "non_commercial", "no_derivatives", "policies", "spdx", "allows", "scope_note",
        "note", "raw"}``: ``status`` is ``"known"``, ``"custom"`` or ``"unknown"``; the four
        flags are booleans, or ``None`` where the statement does not say (unknown licences,
        rights statements); ``policies`` lists the openness policies it satisfies
        (:data:`harvester.policies.POLICIES`); ``allows`` maps ``"commercial"`` and
        ``"derivatives"`` to True/False/None; ``note`` explains an unknown result.
    """
    licence = normalise_licence([text])
    info = licence_info(licence.id)
    return {
        "id": licence.id,
        "url": licence.url,
        "label": info.label if info else None,
        "status": licence.status,
        **{name: getattr(info, name) if info else None for name, _, _ in _FLAGS},
        "policies": list(policies_of(licence.id)),
        "spdx": info.spdx if info else None,
        "allows": {use: allows(licence.id, use) for use in ("commercial", "derivatives")},
        "scope_note": licence.scope_note,
        "note": statement_note(text),
        "raw": text,
    }


def _yes_no(value: bool | None) -> str:
    return "not stated" if value is None else "yes" if value else "no"


def _printable(text: str) -> str:
    """One line for a terminal: control characters (escape sequences) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@click.command("licence")
@click.argument("text", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
def licence_command(text: tuple[str, ...], fmt: str) -> None:
    """Show the licence we read from TEXT (a rights statement, URL or label).

    TEXT may be several words (they are joined by spaces) or '-' to read standard
    input (for HTML snippets). Example: oer licence "CC BY-SA 3.0 IGO"
    """
    if not text:
        raise click.UsageError('give the statement to read, e.g. oer licence "CC BY-SA 3.0 '
                               "IGO\" (or '-' to read it from standard input)")
    statement = sys.stdin.read() if text == ("-",) else " ".join(text)
    if not statement.strip():
        where = "standard input was empty" if text == ("-",) else "TEXT is blank"
        raise click.UsageError(f"nothing to read: {where}")
    result = describe_licence(statement)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"licence:     {result['id']}  ({result['status']})")
    if result["label"]:
        click.echo(f"label:       {result['label']}")
    if result["url"]:
        click.echo(f"url:         {result['url']}")
    if result["spdx"] and result["spdx"] != result["id"]:
        click.echo(f"SPDX:        {result['spdx']}")
    if result["status"] != "unknown":
        if result["attribution"] is not None:  # a licence, not a rights statement
            conditions = [f"{code} ({words})" for name, code, words in _FLAGS if result[name]]
            click.echo(f"conditions:  {', '.join(conditions) or 'none'}")
        click.echo(f"commercial use allowed: {_yes_no(result['allows']['commercial'])}; "
                   f"derivatives allowed: {_yes_no(result['allows']['derivatives'])}")
        click.echo(f"policies:    {', '.join(result['policies']) or 'none'}")
    if result["scope_note"]:
        click.echo(f"scope:       {_printable(result['scope_note'])}")
    if result["note"]:
        click.echo(f"note:        {result['note']}")
