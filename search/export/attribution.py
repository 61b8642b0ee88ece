"""Attribution lines per Creative Commons' recommended practice: Title, Author, Source, Licence.

CC asks reusers to name the **T**itle, the **A**uthor, the **S**ource (a link to where the
work is found) and the **L**icence (its name and a link to the deed), e.g.::

    "Aus der AGMB" by Hentschel, Eike (source: https://doi.org/10.3205/mbi000252) is licensed
    under CC BY-NC-ND 3.0 DE (https://creativecommons.org/licenses/by-nc-nd/3.0/de/).

Rules kept here:

* Licence names are CC's short names with version and port (``CC BY-SA 3.0 IGO``,
  ``CC BY-NC-ND 3.0 DE``, ``CC BY 4.0``), read from the licence table id.
* CC0 and the Public Domain Mark require no attribution; the line still credits the work,
  "is marked with CC0 1.0", and says that crediting is a courtesy. A licence of the table
  without the BY element (CC SA 1.0, NC 1.0 …) says the same.
* Nothing is invented: a missing title, author, source link or licence URL is named as
  missing ("author not given in the source record"), and :attr:`Attribution.missing` lists
  which parts are.
* A scope note of the source ("The present license applies exclusively to the text content
  of the publication.") is quoted after the line.
* Rights statements, "all rights reserved" and unidentified licences get no "is licensed
  under": the line says what the record states and that it is not an open licence.

Ref: CC, Recommended practices for attribution,
https://wiki.creativecommons.org/wiki/Recommended_practices_for_attribution ;
CC licence deeds (short names, e.g. https://creativecommons.org/licenses/by-sa/3.0/igo/);
CC0 1.0 deed, https://creativecommons.org/publicdomain/zero/1.0/ ; Public Domain Mark 1.0,
https://creativecommons.org/publicdomain/mark/1.0/ .
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harvester.licence_table import LicenceInfo, licence_info
from harvester.record import Resource
from search.export.text import clean_text, safe_url

__all__ = ["Attribution", "KINDS", "MISSING", "attribute", "licence_name", "render"]

#: What an attribution line is: ``"required"`` (the licence requires credit), ``"courtesy"``
#: (CC0, PDM, a licence without BY), ``"statement"`` (a rights statement or "all rights
#: reserved": not an open licence) or ``"unknown"`` (no licence identified).
KINDS: tuple[str, ...] = ("required", "courtesy", "statement", "unknown")

#: How each missing part is named.
MISSING: dict[str, str] = {
    "title": "title not given in the source record",
    "author": "author not given in the source record",
    "source": "source link not given in the source record",
    "licence URL": "licence URL not known",
    "licence": "licence not identified",
}


@dataclass(frozen=True, slots=True)
class Attribution:
    """The TASL facts of one resource, and the line they make.

    Attributes:
        kind: One of :data:`KINDS`.
        title: The first title, cleaned, or ``None`` when the record has none.
        title_lang: BCP 47 tag of the title, or ``None``.
        authors: Creator names in record order, cleaned (``"Senst, Henriette"``).
        source_url: Landing page (``http(s)`` only), or ``None``.
        licence_id: Licence table id, or ``"unknown"``.
        licence_name: Short name (``"CC BY-SA 3.0 IGO"``), a table label for other
            statements, or ``None`` when no licence was identified.
        licence_url: Canonical licence or statement URL, or ``None``.
        scope_note: The source's own limit of what the licence covers, verbatim, or ``None``.
        raw_statement: For ``unknown`` and ``statement`` kinds, the rights statement as
            harvested (cleaned, at most 300 characters), else ``None``.
        missing: Keys of :data:`MISSING` for the parts the record lacks.
    """

    kind: str
    title: str | None
    title_lang: str | None
    authors: tuple[str, ...]
    source_url: str | None
    licence_id: str
    licence_name: str | None
    licence_url: str | None
    scope_note: str | None
    raw_statement: str | None
    missing: tuple[str, ...]

    @property
    def text(self) -> str:
        """The plain-text line: URLs in parentheses after what they link."""
        return render(self)


def licence_name(info: LicenceInfo | None) -> str | None:
    """CC's short name of a licence (``"CC BY-NC-ND 3.0 DE"``, ``"CC0 1.0"``,
    ``"Public Domain Mark 1.0"``), the table label for any other row, ``None`` for unknown.

    Args:
        info: A licence table row, or ``None``.
    """
    if info is None:
        return None
    if info.family == "cc":
        # CC-{elements}-{version}[-{PORT}]: elements are the tokens before the version
        tokens = info.id.split("-")[1:]
        at = next(i for i, t in enumerate(tokens) if t[:1].isdigit())
        name = f"CC {'-'.join(tokens[:at])} {tokens[at]}"
        return f"{name} {tokens[at + 1]}" if len(tokens) > at + 1 else name
    if info.id == "CC0-1.0":
        return "CC0 1.0"
    return info.label


def _kind(info: LicenceInfo | None) -> str:
    if info is None:
        return "unknown"
    if info.family in ("cc0", "pdm"):
        return "courtesy"
    if info.family in ("rightsstatements", "arr", "custom"):
        return "statement"
    return "required" if info.attribution else "courtesy"


def attribute(resource: Resource) -> Attribution:
    """The attribution facts of ``resource`` (pure; reads the licence table).

    Args:
        resource: A normalised record.

    Returns:
        Its :class:`Attribution`; the licence URL is the record's, else the table's.
    """
    info = licence_info(resource.license.id)
    title = clean_text(resource.title[0].value) if resource.title else ""
    authors = tuple(a for a in (clean_text(c.value) for c in resource.creator) if a)
    source = safe_url(resource.url)
    lic_url = safe_url(resource.license.url) or (safe_url(info.url) if info else None)
    kind = _kind(info)
    missing = [part for part, absent in (("title", not title), ("author", not authors),
                                         ("source", not source)) if absent]
    if info is None:
        missing.append("licence")
    elif not lic_url:
        missing.append("licence URL")
    raw = None
    if kind in ("unknown", "statement"):
        raw = clean_text(resource.license.raw or " | ".join(r.value for r in resource.rights))
        raw = (raw[:299] + "…" if len(raw) > 300 else raw) or None
    return Attribution(
        kind=kind, title=title or None, title_lang=resource.title[0].lang if title else None,
        authors=authors, source_url=source, licence_id=resource.license.id,
        licence_name=licence_name(info), licence_url=lic_url,
        scope_note=clean_text(resource.license.scope_note) or None, raw_statement=raw,
        missing=tuple(missing))


#: Public-domain tools: a work "is marked with" them rather than "licensed under".
_MARKS = frozenset({"CC0-1.0", "CC-PDM-1.0"})


def _plain_link(text: str, href: str) -> str:
    return text if text == href else f"{text} ({href})"


def render(a: Attribution, *, escape: Callable[[str], str] = str,
           link: Callable[[str, str], str] | None = None,
           isolate: Callable[[str], str] = str) -> str:
    """The attribution line of ``a`` in one output syntax.

    Args:
        a: The facts.
        escape: Escapes text for the syntax (``html.escape``, :func:`markdown_escape`…);
            the identity for plain text.
        link: ``link(escaped_text, url) -> str`` makes a link (HTML ``<a>``, Markdown
            ``[text](url)``); ``None`` for plain text, where the URL follows in parentheses
            and the source is named as ``(source: URL)``.
        isolate: Wraps the escaped title and author names (HTML ``<bdi>``), so that
            right-to-left text does not reorder the sentence around it.

    Returns:
        One line (the scope note, when any, as a second sentence).
    """
    linked = link is not None
    make = link or _plain_link
    if a.title:
        title = isolate(escape(a.title))
        title = f"“{make(title, a.source_url) if linked and a.source_url else title}”"
    else:
        title = escape("This resource")
    who = (escape(" by ") + escape("; ").join(isolate(escape(n)) for n in a.authors)
           if a.authors else "")
    notes = [] if a.title else [escape(MISSING["title"])]
    if not a.authors:
        notes.append(escape(MISSING["author"]))
    if not a.source_url:
        notes.append(escape(MISSING["source"]))
    elif not (linked and a.title):  # a linked title already points to the source
        notes.append(escape("source: ") + make(escape(a.source_url), a.source_url))
    where = escape(" (") + escape("; ").join(notes) + escape(")") if notes else ""
    lic = escape(a.licence_name or "")
    if a.licence_url:
        lic = make(lic, a.licence_url)
    elif a.licence_name:
        lic += escape(f" ({MISSING['licence URL']})")
    head = title + who + where
    if a.kind == "required":
        line = head + escape(" is licensed under ") + lic + escape(".")
    elif a.kind == "courtesy":
        verb = " is marked with " if a.licence_id in _MARKS else " is licensed under "
        if a.licence_id == "LicenseRef-Public-Domain":
            line = head + escape(": stated by the source to be in the public domain "
                                 "(no mark or dedication given).")
        else:
            line = head + escape(verb) + lic + escape(".")
        line += escape(" No attribution is required; crediting the work is a courtesy.")
    elif a.kind == "statement":
        line = head + escape(": ") + lic + escape(". Not an open licence: reuse needs the "
                                                   "rights holder's permission unless the "
                                                   "statement or the law allows it.")
        if a.raw_statement:
            line += escape(f" The record states: “{a.raw_statement}”.")
    else:
        stated = (f"the record states: “{a.raw_statement}”" if a.raw_statement
                  else "the record gives no rights statement")
        line = head + escape(f": {MISSING['licence']} ({stated}). Check the terms at the "
                             "source before reuse.")
    if a.scope_note:
        line += escape(f" Scope stated by the source: “{a.scope_note}”")
    return line
