"""``oer export``: a search as a licence-compliant list (CSV, RIS, BibTeX, HTML …) with attribution."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from harvester.cli_common import home_from
from indexer.backend import IndexBackendError, IndexNotFoundError
from search.cli_options import Filters, filter_options
from search.cli_pipe import exit_on_closed_stdout
from search.cli_search import warn_unknown_sources
from search.export import FORMATS, Selection
from search.export.stream import export_stream, write_atomically
from search.service import index_exists


def _format_for(path: Path | None) -> str | None:
    """The format whose extension ``path`` has (``list.bib`` -> ``bibtex``), or ``None``."""
    if path is None:
        return None
    return next((f.name for f in FORMATS.values() if f.extension == path.suffix.lower()), None)


def choose_format(fmt: str | None, output: Path | None) -> str:
    """The export format: ``--format``, else the ``-o`` file's extension, else ``csv`` (stdout).

    Raises:
        click.UsageError: ``-o`` names a file whose extension (or lack of one) maps to no
            format and ``--format`` is not given (exit 2): never a silent CSV in
            ``list.docx``.
    """
    if fmt:
        return fmt
    if output is None:
        return "csv"
    found = _format_for(output)
    if found is None:
        known = ", ".join(f"{f.extension} ({f.name})" for f in FORMATS.values())
        what = f"extension {output.suffix!r}" if output.suffix else "no extension"
        raise click.UsageError(f"cannot tell the export format of {output.name} ({what}): "
                               f"give --format, or name the file with one of {known}")
    return found


def done_line(format_name: str, exported: int, output: Path | None, size: int) -> str:
    """The stderr note of a finished export.

    Returns:
        ``wrote 12 records (html) to climate.html, 1,379 bytes``, or ``… to standard output``.
    """
    records = f"{exported:,} record{'' if exported == 1 else 's'}"
    where = f"{output}" if output is not None else "standard output"
    return f"wrote {records} ({format_name}) to {where}, {size:,} bytes"


def check_output(path: Path) -> None:
    """Refuse an output path that cannot take a new file, before any work is done.

    Raises:
        click.BadParameter: a directory, a missing or unwritable directory (exit 2).
    """
    if path.is_dir():
        raise click.BadParameter(f"{path} is a directory", param_hint="'-o'")
    parent = path.parent
    if not parent.is_dir():
        raise click.BadParameter(f"directory {parent} does not exist", param_hint="'-o'")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise click.BadParameter(f"directory {parent} is not writable", param_hint="'-o'")
    if path.exists() and not os.access(path, os.W_OK):
        raise click.BadParameter(f"{path} is not writable", param_hint="'-o'")


@click.command("export")
@filter_options
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Output format (default: from the -o file's extension; csv on stdout).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (complete or not at all); default or '-': stdout.")
@click.option("--include-unknown", is_flag=True,
              help="Keep records whose licence could not be identified, marked as such.")
@click.option("--no-summary", "no_summary", is_flag=True,
              help="Leave the licence summary out of the file (it still goes to stderr).")
@click.pass_context
def export_command(ctx: click.Context, filters: Filters, fmt: str | None, output: Path | None,
                   include_unknown: bool, no_summary: bool) -> None:
    """Export search results with attribution and a licence summary.

    Every record matching QUERY and the filters goes on the list.

    Formats: csv (spreadsheets; UTF-8 with BOM), jsonl, json-ld (schema.org/LRMI),
    oai_dc (XML), ris (Zotero, EndNote), bibtex, html, markdown. Each entry names title,
    author, source and licence as Creative Commons recommends; the list ends with how
    many resources carry each licence and which licences a combined work could carry.

    Records whose licence could not be identified are left out, unless --include-unknown
    (kept, marked). --policy and --allows leave out the records whose licence does not
    meet them. The summary counts each record left out once, under one reason: with
    --policy or --allows, unidentified licences are counted under them. Other filters are
    those of `oer search`; QUERY '*' (the default) exports everything.
    """
    if output == Path("-"):
        output = None
    if output is not None:
        check_output(output)
    fmt = choose_format(fmt, output)
    home = home_from(ctx)
    if not index_exists(home.index) or not home.store.exists():
        raise click.ClickException(f"no index yet under {home.root}: run `oer harvest` "
                                   "(or `oer demo`) first")
    selection = Selection(filters.policies, filters.uses, include_unknown)
    query = filters.search_query(licence_rules=False)
    export_format, chunks = export_stream(home.index, home.store, query, fmt, selection,
                                          summary=not no_summary)
    try:
        if output is not None:
            size = write_atomically(output, chunks)
        else:
            stdout = sys.stdout.buffer
            size = 0
            for chunk in chunks:
                stdout.write(chunk)
                size += len(chunk)
            stdout.flush()
    except BrokenPipeError:  # `oer export … | head`: the reader left; not an error
        exit_on_closed_stdout()
    except OSError as exc:
        raise click.ClickException(f"cannot write {output or 'stdout'}: "
                                   f"{exc.strerror or exc}") from exc
    except (IndexNotFoundError, IndexBackendError) as exc:
        raise click.ClickException(str(exc)) from exc
    warn_unknown_sources(home, filters.sources)
    if not ctx.obj.get("quiet"):
        summary = selection.summary()
        click.echo(done_line(export_format.name, summary.exported, output, size), err=True)
        for line in summary.lines():
            click.echo(line, err=True)
