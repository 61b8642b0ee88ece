"""Reference-manager formats: RIS (Zotero, EndNote, Mendeley) and BibTeX.

**RIS**: one record per resource (``TY`` … ``ER``), CRLF line ends, UTF-8. Values are one
line each (cleaned: no line breaks, controls or bidi overrides), so no value can start a
tag line of its own. ``N1`` carries the attribution line, ``DB`` the source. RIS has no
place for a note about the whole file (a trailing record would be imported as a bogus
reference), so RIS lists carry **no licence summary**; ``oer export`` prints it on stderr.

**BibTeX**: one ``@misc`` entry per resource (BibTeX has no type for learning resources,
datasets or videos, and ``@article``/``@book`` require fields the records rarely have).
Text fields are escaped (:func:`~search.export.text.bibtex_escape`: ``{ } \\ # $ % & _ ~ ^``);
names without a comma, and names containing " and ", are braced as one unit, since the
record does not say which part is the family name or whether it is an organisation.
``url`` and ``doi`` stay verbatim (biblatex reads them so) with ``{``, ``}``, ``\\`` and
spaces percent-encoded. Keys are ``{source}_{local id}_{6 hex of SHA-1 of the record id}``:
unique without remembering earlier keys. The licence summary ends the file as an
``@comment{…}``, which BibTeX and biblatex ignore. UTF-8 is written as is (biber and
modern BibTeX read UTF-8).

Ref: RIS format, https://en.wikipedia.org/wiki/RIS_(file_format) (Research Information
Systems tag list, as read by Zotero's RIS translator); Patashnik, "BibTeXing" (1988);
biblatex manual §2.2 (``url``, ``doi``, ``date`` fields).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from harvester.record import Resource
from search.export.selection import Entry, Selection
from search.export.text import bibtex_escape, clean_text

__all__ = ["RIS_TYPES", "bibtex_entry", "ris_record", "write_bibtex", "write_ris"]

#: Source type word (lower-case, searched in the record's types) or DCMI type -> RIS ``TY``.
RIS_TYPES: tuple[tuple[str, str], ...] = (
    ("journalarticle", "JOUR"), ("article", "JOUR"), ("book chapter", "CHAP"),
    ("bookchapter", "CHAP"), ("chapter", "CHAP"), ("book", "BOOK"), ("thesis", "THES"),
    ("dissertation", "THES"), ("report", "RPRT"), ("conference", "CPAPER"),
    ("movingimage", "VIDEO"), ("video", "VIDEO"), ("sound", "SOUND"), ("dataset", "DATA"),
    ("software", "COMP"), ("stillimage", "FIGURE"), ("image", "FIGURE"),
    ("interactiveresource", "ELEC"), ("course", "ELEC"),
)
_YEAR_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_KEY_RE = re.compile(r"[^A-Za-z0-9]+")
_VERBATIM = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"})


def _ris_type(resource: Resource) -> str:
    words = [t.lower() for t in resource.dcmi_type] + [clean_text(t.value).lower()
                                                      for t in resource.type]
    for word, ris in RIS_TYPES:
        if any(word in w for w in words):
            return ris
    return "GEN"


def _doi(resource: Resource) -> str | None:
    return next((i.value for i in resource.identifiers if i.scheme == "doi"), None)


def ris_record(entry: Entry) -> list[tuple[str, str]]:
    """The ``(tag, value)`` lines of one entry, ``TY`` first and ``ER`` last."""
    r, a = entry.resource, entry.attribution
    lines = [("TY", _ris_type(r)), ("ID", clean_text(r.id))]
    if a.title:
        lines.append(("TI", a.title))
    lines += [("AU", name) for name in a.authors]
    lines += [("PB", clean_text(p.value)) for p in r.publisher if clean_text(p.value)]
    date = _YEAR_RE.match(r.issued or "")
    if date:
        year, month, day = date.groups()
        lines.append(("PY", year))
        lines.append(("DA", f"{year}/{month or ''}/{day or ''}/"))
    if r.description:
        lines.append(("AB", clean_text(r.description[0].value)))
    lines += [("KW", clean_text(s.value)) for s in r.subject if clean_text(s.value)]
    if r.language:
        lines.append(("LA", "; ".join(r.language)))
    if a.source_url:
        lines.append(("UR", a.source_url))
    doi = _doi(r)
    if doi:
        lines.append(("DO", clean_text(doi)))
    lines += [("SN", i.value) for i in r.identifiers if i.scheme in ("isbn", "issn")]
    lines.append(("N1", a.text))
    lines.append(("DB", clean_text(r.source)))
    lines.append(("ER", ""))
    return [(tag, value) for tag, value in lines if value or tag == "ER"]


def write_ris(resources: Iterable[Resource | None], selection: Selection | None = None, *,
              summary: bool = True) -> Iterator[str]:
    """Stream RIS records, one chunk per resource (``summary`` is ignored: see the module).

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Accepted for a uniform writer signature; RIS has no place for it.
    """
    selection = selection or Selection()
    for entry in selection.entries(resources):
        yield "".join(f"{tag}  - {value}\r\n" for tag, value in ris_record(entry)) + "\r\n"


def bibtex_key(resource: Resource) -> str:
    """A citation key unique per record id (``"zenodo_8433037_3f2a1c"``)."""
    local = _KEY_RE.sub("", resource.oai_identifier.rsplit(":", 1)[-1].rsplit("/", 1)[-1])
    source = _KEY_RE.sub("", resource.source)
    digest = hashlib.sha1(resource.id.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return "_".join(p for p in (source[:20], local[:30], digest) if p)


def _bib_name(name: str) -> str:
    text = bibtex_escape(name)
    return text if "," in name and " and " not in name.lower() else "{" + text + "}"


def bibtex_entry(entry: Entry) -> str:
    """The ``@misc{…}`` entry of one resource."""
    r, a = entry.resource, entry.attribution
    fields: list[tuple[str, str]] = []
    if a.title:
        fields.append(("title", bibtex_escape(a.title)))
    if a.authors:
        fields.append(("author", " and ".join(_bib_name(n) for n in a.authors)))
    publishers = [clean_text(p.value) for p in r.publisher if clean_text(p.value)]
    if publishers:
        fields.append(("publisher", bibtex_escape("; ".join(publishers))))
    date = _YEAR_RE.match(r.issued or "")
    if date:
        fields.append(("year", date.group(1)))
        fields.append(("date", date.group(0)))
    doi = _doi(r)
    if doi:
        fields.append(("doi", clean_text(doi).translate(_VERBATIM)))
    if a.source_url:
        fields.append(("url", a.source_url.translate(_VERBATIM)))
    if r.language:
        fields.append(("language", bibtex_escape(", ".join(r.language))))
    keywords = [clean_text(s.value) for s in r.subject if clean_text(s.value)]
    if keywords:
        fields.append(("keywords", bibtex_escape(", ".join(keywords))))
    fields.append(("note", bibtex_escape(a.text)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(r)},\n{body}\n}}\n\n"


def write_bibtex(resources: Iterable[Resource | None], selection: Selection | None = None, *,
                 summary: bool = True) -> Iterator[str]:
    """Stream BibTeX entries, then the summary as ``@comment{…}``.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Append the ``@comment`` summary.
    """
    selection = selection or Selection()
    for entry in selection.entries(resources):
        yield bibtex_entry(entry)
    if summary:
        lines = "\n".join(bibtex_escape(line) for line in selection.summary().lines())
        yield f"@comment{{{lines}}}\n"
