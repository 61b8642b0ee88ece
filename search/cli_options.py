"""The QUERY argument and search filters shared by ``oer search`` and ``oer export``.

:func:`filter_options` declares them once (same names, help and checks as ``oer search``)
and hands the command one :class:`Filters` value instead of ten parameters::

    @click.command("export")
    @filter_options
    def export_command(filters: Filters, …):
        query = filters.search_query(licence_rules=False)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import click

from harvester.policies import POLICIES, USES
from indexer.backend import SORTS, SearchQuery

__all__ = ["YEAR_OPTION", "Filters", "filter_options", "year_ranges"]


@dataclass(frozen=True, slots=True)
class Filters:
    """What the shared options asked for.

    Attributes:
        text: QUERY (``"*"``: every record).
        licences: ``--license`` ids (ORed).
        policies: ``--policy`` names (ORed).
        uses: ``--allows`` uses (all required).
        langs: ``--lang`` BCP 47 tags (ORed).
        types: ``--type`` values (ORed).
        levels: ``--level`` values (ORed).
        sources: ``--source`` names (ORed).
        year_ranges: ``--year`` values as inclusive ``(first, last)`` ranges, either end
            ``None`` for open (ORed, as :attr:`indexer.backend.SearchQuery.year_ranges`).
        sort: ``--sort`` (one of :data:`indexer.backend.SORTS`).
    """

    text: str
    licences: tuple[str, ...]
    policies: tuple[str, ...]
    uses: tuple[str, ...]
    langs: tuple[str, ...]
    types: tuple[str, ...]
    levels: tuple[str, ...]
    sources: tuple[str, ...]
    year_ranges: tuple[tuple[int | None, int | None], ...]
    sort: str

    def search_query(self, *, licence_rules: bool = True, limit: int = 10, page: int = 1,
                     facets: bool = False) -> SearchQuery:
        """The index query.

        Args:
            licence_rules: Put ``policy``/``allows`` in the index filters; False when the
                caller applies them itself (``oer export`` counts what they leave out).
            limit: Hits per page.
            page: Page number.
            facets: Count facet values.
        """
        filters = {"language": self.langs, "type": self.types, "level": self.levels,
                   "source": self.sources}
        if licence_rules:
            filters.update(policy=self.policies, allows=self.uses)
        return SearchQuery(text=self.text, licences=self.licences, limit=limit, page=page,
                           sort=self.sort, filters=filters, year_ranges=self.year_ranges,
                           facets=facets)


YEAR_OPTION = click.option(
    "--year", "years", multiple=True, metavar="YEARS",
    help="Only these years: 2015, 2010-2020, 2010- (from) or -2020 (until); inclusive. "
         "Repeat to OR: --year 2014 --year 2015.")
"""``--year`` of ``oer search`` and ``oer export``: the ``year`` of ``/api/search``."""


def year_ranges(texts: tuple[str, ...]) -> tuple[tuple[int | None, int | None], ...]:
    """``--year`` values → inclusive ``(first, last)`` ranges, ORed by the index.

    Blank values are skipped, as ``/api/search`` skips a blank ``year``
    (:meth:`search.web.SearchParams.year_ranges`); each value is read by
    :func:`search.cli_search.parse_year_range`.

    Args:
        texts: The ``--year`` values, in any order.

    Returns:
        One range per value, e.g. ``("2014", "2010-")`` → ``((2014, 2014), (2010, None))``.

    Raises:
        click.BadParameter: for a value that is not YEAR or FROM-TO, or FROM after TO
            (exit 2; names ``--year``).
    """
    # oer search owns the year syntax; imported when run, so cli_search may use us too.
    from search.cli_search import parse_year_range

    ranges = []
    for text in texts:
        if not text.strip():
            continue
        try:
            ranges.append(parse_year_range(text))
        except click.BadParameter as exc:
            exc.param_hint = "'--year'"
            raise
    return tuple(ranges)


_OPTIONS = (
    click.argument("query", default="*"),
    click.option("--license", "licences", multiple=True, metavar="ID",
                 help="Only this licence id (repeatable, OR), e.g. CC-BY-4.0 or unknown."),
    click.option("--policy", "policies", multiple=True, type=click.Choice(list(POLICIES)),
                 help="Only licences this openness policy accepts (repeatable, OR)."),
    click.option("--allows", "uses", multiple=True, type=click.Choice(list(USES)),
                 help="Only licences that allow this use (repeatable: all must be allowed)."),
    click.option("--lang", "langs", multiple=True, metavar="TAG",
                 help="Only this language (BCP 47; 'en' also matches 'en-US'; repeatable, OR)."),
    click.option("--type", "types", multiple=True,
                 help="Only this resource type (repeatable, OR)."),
    click.option("--level", "levels", multiple=True,
                 help="Only this educational level (repeatable, OR)."),
    click.option("--source", "sources", multiple=True,
                 help="Only this source (repeatable, OR)."),
    YEAR_OPTION,
    click.option("--sort", type=click.Choice(list(SORTS)), default="relevance",
                 show_default=True, help="Order: best match, newest first, or title A-Z."),
)
_NAMES = ("query", "licences", "policies", "uses", "langs", "types", "levels", "sources",
          "years", "sort")


def filter_options(command: Callable) -> Callable:
    """Add QUERY and the search filters to a click command; it receives ``filters``.

    Raises (at invocation):
        click.BadParameter: for a ``--year`` that is not YEAR or FROM-TO (exit 2).
    """
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        values = {name: kwargs.pop(name) for name in _NAMES}
        kwargs["filters"] = Filters(
            text=values["query"], licences=values["licences"], policies=values["policies"],
            uses=values["uses"], langs=values["langs"], types=values["types"],
            levels=values["levels"], sources=values["sources"],
            year_ranges=year_ranges(values["years"]), sort=values["sort"])
        return command(*args, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
