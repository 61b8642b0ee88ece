"""Readable lists for people: HTML and Markdown, each entry with its attribution line.

**HTML**: one standalone, accessible page: ``lang="en"``, a ``<main>`` landmark, an ordered
list of ``<article>`` entries each headed by its linked title (``<h2>``, with the title's
``lang`` when the record gives one and ``dir="auto"``), the attribution line (title and
names in ``<bdi>``, so right-to-left text does not reorder the sentence), a description
list of licence, date, language and type, and a visible "Licence not identified" marker on
kept unknown licences; the licence summary is a ``<table>`` with a caption and header cells,
then the remix check. Every harvested value is escaped (:func:`html.escape`, quotes too);
only ``http(s)`` URLs become links. No script, no external resources.

**Markdown** (CommonMark): a numbered list, each item the linked title, the attribution line
and the licence; the summary as a table and bullet list. Harvested text is
backslash-escaped (:func:`~search.export.text.markdown_escape`), links use the
``[text](<url>)`` form with ``http(s)`` URLs only, so no value can open markup, raw HTML or
a link of its own.

Ref: WCAG 2.2 (1.3.1 Info and Relationships, 3.1.1/3.1.2 Language of Page/Parts);
HTML Living Standard, the ``bdi`` element; CommonMark 0.31.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator

from harvester.record import Resource
from search.export.attribution import render
from search.export.selection import Entry, ListSummary, Selection, remix_sentence
from search.export.text import clean_text, is_language_tag, markdown_escape

__all__ = ["write_html", "write_markdown"]

TITLE = "Open educational resources: list with attribution"
INTRO = ("Each entry names the title, author, source and licence, as Creative Commons "
         "recommends for attribution. Check each resource's licence before reuse.")
_STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;max-width:60rem;margin:auto;"
          "padding:1rem}h2{font-size:1.15rem;margin-bottom:.25rem}dl{display:grid;"
          "grid-template-columns:max-content 1fr;gap:0 1rem}dt{font-weight:bold}"
          ".unknown{color:#8a1f11;font-weight:bold}table{border-collapse:collapse}"
          "th,td{border:1px solid #888;padding:.25rem .5rem;text-align:left}")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _a(text: str, href: str) -> str:
    return f'<a href="{_esc(href)}">{text}</a>'


def _details(entry: Entry) -> list[tuple[str, str]]:
    """(label, plain value) pairs shown under an entry."""
    r, a = entry.resource, entry.attribution
    pairs = [("Published", r.issued or ""), ("Language", ", ".join(r.language)),
             ("Type", ", ".join(r.dcmi_type)), ("Source", clean_text(r.source))]
    return [(k, clean_text(v)) for k, v in pairs if v] + (
        [("Missing", ", ".join(a.missing))] if a.missing else [])


def html_entry(entry: Entry, position: int) -> str:
    """One ``<li>`` of the HTML list."""
    a = entry.attribution
    lang = f' lang="{_esc(a.title_lang)}"' if is_language_tag(a.title_lang) else ""
    title = _esc(a.title) if a.title else "<i>Title not given in the source record</i>"
    if a.source_url:
        title = _a(title, a.source_url)
    line = render(a, escape=_esc, link=_a, isolate=lambda s: f"<bdi>{s}</bdi>")
    licence = _esc(a.licence_name or "Licence not identified")
    if a.licence_url:
        licence = _a(licence, a.licence_url)
    rows = [f"<dt>Licence</dt><dd>{licence}</dd>"]
    rows += [f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in _details(entry)]
    marker = ('<p class="unknown">Licence not identified: check the terms at the source '
              "before reuse.</p>" if entry.status == "unknown" else "")
    return (f'<li><article aria-labelledby="r{position}"><h2 id="r{position}" dir="auto"{lang}>'
            f'{title}</h2>{marker}<p class="attribution">{line}</p><dl>{"".join(rows)}</dl>'
            "</article></li>\n")


def html_summary(s: ListSummary) -> str:
    """The summary ``<section>``: licence table, what was left out, the remix check."""
    rows = "".join(f"<tr><th scope=\"row\">{_esc(name)}</th><td>{count:,}</td></tr>"
                   for _, name, count in s.by_licence)
    notes = [line for line in s.lines()[1:] if line.startswith(("Left out", "Skipped"))]
    remix = remix_sentence(s.remix, heading="")
    reasons = "".join(f"<li>{_esc(r)}</li>" for r in s.remix.reasons)
    return ('<section aria-labelledby="summary"><h2 id="summary">Licence summary</h2>'
            f"<p>{s.exported:,} resource(s) on this list.</p>"
            "<table><caption>Resources per licence</caption><thead><tr>"
            '<th scope="col">Licence</th><th scope="col">Resources</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            + "".join(f"<p>{_esc(n)}</p>" for n in notes)
            + f'<h3>Remix check</h3><p>{_esc(remix)}</p>'
            + (f"<ul>{reasons}</ul>" if reasons else "") + "</section>\n")


def write_html(resources: Iterable[Resource | None], selection: Selection | None = None, *,
               summary: bool = True) -> Iterator[str]:
    """Stream the HTML page.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Add the licence summary section.
    """
    selection = selection or Selection()
    yield ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_esc(TITLE)}</title><style>{_STYLE}</style></head>\n"
           f"<body><main><h1>{_esc(TITLE)}</h1><p>{_esc(INTRO)}</p>\n<ol>\n")
    position = 0
    for entry in selection.entries(resources):
        position += 1
        yield html_entry(entry, position)
    yield "</ol>\n"
    if summary:
        yield html_summary(selection.summary())
    yield "</main></body></html>\n"


def _md_link(text: str, href: str) -> str:
    return f"[{text}](<{href}>)"


def markdown_entry(entry: Entry, position: int) -> str:
    """One numbered item of the Markdown list (title line, attribution, licence)."""
    a = entry.attribution
    title = markdown_escape(a.title) if a.title else "*Title not given in the source record*"
    if a.source_url:
        title = _md_link(title, a.source_url)
    line = render(a, escape=markdown_escape, link=_md_link)
    licence = markdown_escape(a.licence_name or "Licence not identified")
    if a.licence_url:
        licence = _md_link(licence, a.licence_url)
    details = "; ".join(f"{k}: {markdown_escape(v)}" for k, v in _details(entry))
    pad = " " * len(f"{position}. ")  # continuation lines stay inside the list item
    marker = (f"{pad}**Licence not identified: check the terms at the source before "
              "reuse.**\n\n" if entry.status == "unknown" else "")
    return (f"{position}. **{title}**\n\n{marker}{pad}{line}\n\n{pad}Licence: {licence}"
            + (f"; {details}" if details else "") + "\n\n")


def markdown_summary(s: ListSummary) -> str:
    """The summary: heading, licence table, what was left out, the remix check."""
    out = ["## Licence summary", "", f"{s.exported:,} resource(s) on this list.", "",
           "| Licence | Resources |", "| --- | ---: |"]
    out += [f"| {markdown_escape(name)} | {count:,} |" for _, name, count in s.by_licence]
    out.append("")
    for line in s.lines()[1:]:
        if line.startswith(("Left out", "Skipped")):
            out += [markdown_escape(line), ""]
    remix = remix_sentence(s.remix, heading="")
    out += ["### Remix check", "", markdown_escape(remix), ""]
    out += [f"- {markdown_escape(r)}" for r in s.remix.reasons]
    return "\n".join(out) + "\n"


def write_markdown(resources: Iterable[Resource | None], selection: Selection | None = None, *,
                   summary: bool = True) -> Iterator[str]:
    """Stream the Markdown list.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Add the licence summary.
    """
    selection = selection or Selection()
    yield f"# {markdown_escape(TITLE)}\n\n{markdown_escape(INTRO)}\n\n"
    position = 0
    for entry in selection.entries(resources):
        position += 1
        yield markdown_entry(entry, position)
    if summary:
        yield markdown_summary(selection.summary())
