"""``oer search``: query the index; a table on a terminal, JSON or JSON lines for scripts."""

from __future__ import annotations

import json
import re
import shutil

from collections.abc import Iterable

import click

from harvester.cli_common import Home, home_from
from harvester.policies import POLICIES, USES
from indexer.backend import (
    SORTS,
    IndexBackendError,
    IndexNotFoundError,
    IndexOutdatedError,
    SearchQuery,
    SearchResult,
)
from search.cli_options import YEAR_OPTION, year_ranges
from search.cli_pipe import stdout_may_close
from search.service import result_to_json
from search.service import search as run_search

_YEAR_RE = re.compile(r"^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$")
# C0/C1 controls, DEL and bidi overrides: harvested text must not drive the terminal.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def parse_year_range(text: str | None) -> tuple[int | None, int | None]:
    """``"2010-2020"``, ``"2010-"``, ``"-2020"`` or ``"2015"`` → ``(from, to)``, inclusive.

    Raises:
        click.BadParameter: for anything else, or FROM after TO.
    """
    if not text:
        return None, None
    match = _YEAR_RE.match(text)
    if not match or not (match.group(1) or match.group(3)):
        raise click.BadParameter(f"{text!r} is not YEAR or FROM-TO (e.g. 2010-2020)")
    low, dash, high = match.groups()
    year_from = int(low) if low else None
    year_to = int(high) if high else (None if dash else year_from)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise click.BadParameter(f"{year_from} is after {year_to}")
    return year_from, year_to


@click.command("search")
@click.argument("query", default="*")
@click.option("--license", "licences", multiple=True, metavar="ID",
              help="Only this licence id (repeatable, OR), e.g. CC-BY-4.0 or unknown.")
@click.option("--policy", "policies", multiple=True, type=click.Choice(list(POLICIES)),
              help="Only licences this openness policy accepts (repeatable, OR).")
@click.option("--allows", "uses", multiple=True, type=click.Choice(list(USES)),
              help="Only licences that allow this use (repeatable: all must be allowed).")
@click.option("--lang", "langs", multiple=True, metavar="TAG",
              help="Only this language (BCP 47; 'en' also matches 'en-US'; repeatable, OR).")
@click.option("--type", "types", multiple=True, help="Only this resource type (repeatable, OR).")
@click.option("--level", "levels", multiple=True,
              help="Only this educational level (repeatable, OR).")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable, OR).")
@YEAR_OPTION
@click.option("--sort", type=click.Choice(list(SORTS)), default="relevance", show_default=True,
              help="Order: best match, newest first, or title A-Z.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Hits per page.")
@click.option("--facets", "show_facets", is_flag=True,
              help="Also count records per licence, policy, language, type, source, year….")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True, help="Output: table for people, JSON or JSON lines for scripts.")
@click.pass_context
def search_command(ctx: click.Context, query: str, licences, policies, uses, langs, types, levels,
                   sources, years, sort, page, limit, show_facets, fmt) -> None:
    """Search the index. QUERY '*' (the default) matches every record.

    QUERY words are ANDed; "a phrase", OR, NOT, prefix* and fuzzy~ work ('NOT x':
    every record without x). Filters of different kinds are ANDed; a repeated filter
    is ORed (--allows: all required). Filter values ignore case; --license also takes
    a licence as written ('CC BY 4.0'), --lang a language code or name ('por').

    A page past the last one prints a note on stderr (JSON: empty hits); exit status 0.
    """
    filters = {"policy": policies, "allows": uses, "language": langs, "type": types,
               "level": levels, "source": sources}
    search_query = SearchQuery(text=query, licences=licences, limit=limit, page=page, sort=sort,
                               filters=filters, year_ranges=year_ranges(years),
                               facets=show_facets)
    home = home_from(ctx)
    print_search(home, search_query, fmt)
    warn_unknown_sources(home, sources)


def warn_unknown_sources(home: Home, sources: Iterable[str]) -> None:
    """Warn on stderr about each source filter that names no source in the index.

    A misspelt ``--source`` would otherwise just match nothing. One cheap query per
    source (a page of one hit); the sources present are listed only when one is missing.
    """
    missing = []
    try:
        for name in dict.fromkeys(sources):
            found = run_search(home.index, SearchQuery("*", filters={"source": (name,)},
                                                       limit=1, snippets=False))
            if found.total == 0:
                missing.append(name)
        if not missing:
            return
        present = run_search(home.index, SearchQuery("*", limit=1, facets=True,
                                                     snippets=False)).facets.get("source", ())
    except IndexBackendError:  # the search itself has reported it
        return
    known = ", ".join(v.value for v in present) or "none"
    for name in missing:
        click.echo(f"warning: no source named {clean(name)!r} in the index "
                   f"(sources: {clean(known)})", err=True)


def clean(text: str) -> str:
    """``text`` without terminal control characters (harvested data is untrusted)."""
    return _CONTROL_RE.sub("\ufffd", text)


def print_search(home: Home, query: SearchQuery, fmt: str) -> None:
    """Run ``query`` on the index under ``home`` and print it as a table, JSON or JSON lines.

    JSON is ``{"total", "page", "pages", "hits": [...], "facets"?, "suggestion"}``
    (:func:`search.service.result_to_json`); JSON lines is one hit per line. A page past
    the last one prints ``page N is past the last page (M)`` on stderr (JSON: empty
    ``hits``; the table: nothing more). A reader that closes stdout early
    (``| head -1``) ends the command quietly with status 0 (:mod:`search.cli_pipe`).

    Raises:
        click.ClickException: no index yet, or one built by an older version (exit 1).
        SystemExit: code 0, when stdout was closed by its reader.
    """
    try:
        result = run_search(home.index, query)
    except IndexNotFoundError as exc:
        raise click.ClickException(f"no index yet under {home.root}: run `oer harvest` "
                                   "(or `oer demo`) first") from exc
    except IndexOutdatedError as exc:
        raise click.ClickException(f"{exc}") from exc
    past_end = bool(result.total) and not result.hits and query.page > result.pages
    if past_end:
        click.echo(f"page {query.page} is past the last page ({result.pages}); "
                   f"{result.total:,} record(s) match", err=True)
    data = result_to_json(result, facets=query.facets)
    with stdout_may_close():
        if fmt == "json":
            click.echo(json.dumps(data, ensure_ascii=False))
        elif fmt == "jsonl":
            for hit in data["hits"]:
                click.echo(json.dumps(hit, ensure_ascii=False))
        elif not past_end:
            print_table(result, query)


def print_table(result: SearchResult, query: SearchQuery) -> None:
    """A readable listing sized to the terminal: title line, then licence/language/year/source."""
    width = max(40, shutil.get_terminal_size((100, 24)).columns)
    first = query.offset + 1
    shown = (f"; showing {first}-{query.offset + len(result.hits)} (page {result.page} of "
             f"{result.pages})") if result.hits else ""
    click.echo(f"{result.total:,} record(s) match{shown}")
    if result.suggestion:
        click.echo(f"Did you mean: {clean(result.suggestion)}")
    for n, h in enumerate(result.hits, start=first):
        title = clean(h.title or "(no title)")
        prefix = f"{n:>3}. "
        click.echo(prefix + _cut(title, width - len(prefix)))
        meta = "  ".join(part for part in (
            h.license_id, ", ".join(h.language) or "-", (h.date or "")[:4], h.source) if part)
        click.echo(" " * len(prefix) + _cut(clean(meta), width - len(prefix)))
        click.echo(" " * len(prefix) + _cut(clean(h.url or h.id), width - len(prefix)))
        if h.snippet:
            text = "".join(f"[{s}]" if hit else s for s, hit in h.snippet)
            click.echo(" " * len(prefix) + _cut(clean(text), width - len(prefix)))
    for name, values in result.facets.items():
        if values:
            shown = ", ".join(f"{'*' if v.selected else ''}{clean(v.value)} ({v.count:,})"
                              for v in values[:12])
            click.echo(_cut(f"{name}: {shown}", width))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"
