"""The imprint of a publication's PDF: licence statement, copyright holder, co-publishers, ISBN.

UNESCO publications (and the IITE's) state their licence on the imprint page, the back
of the title page, in a fixed formula::

    Published in 2020 by the United Nations Educational, Scientific and Cultural
    Organization, 7, place de Fontenoy, 75352 Paris 07 SP, France and the UNESCO Institute
    for Information Technologies in Education, 8 Kedrova St., Bldg. 3, Moscow, 117292,
    Russian Federation
    © UNESCO IITE 2020
    ISBN 978-5-6043940-1-4
    This publication is available in Open Access under the Attribution-ShareAlike 3.0 IGO
    (CC-BY-SA 3.0 IGO) license (http://creativecommons.org/licenses/by-sa/3.0/igo/). …
    The present license applies exclusively to the text content of the publication.

:func:`read_pdf_text` takes the text of the first pages with pypdf (pure Python, nothing
run or fetched); :func:`parse_imprint` reads the formula: the sentences that name a licence
(read later by :func:`harvester.licences.normalise_licence`, which also keeps the scope
sentence), the ``©`` holders and year, the "Published … by" parties, the ISBNs.

Ref: UNESCO Open Access Policy (2013) and its imprint wording,
https://www.unesco.org/en/open-access/policy ; ISO 2108 (ISBN).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from harvester.licences import parse_licence, scope_note_of

log = logging.getLogger(__name__)

__all__ = ["IMPRINT_PAGES", "Imprint", "ImprintError", "parse_imprint", "read_imprint",
           "read_pdf_text"]

#: Pages read from the start of a PDF: cover, title page, imprint, contents.
IMPRINT_PAGES = 4
#: Characters of text kept from those pages.
MAX_IMPRINT_CHARS = 20_000

_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?P<y1>(?:19|20)\d{2})[,\s]+(?P<h1>[^\n©]{2,120}?)"
    r"|(?P<h2>[^\n©\d]{2,120}?)[,\s]+(?P<y2>(?:19|20)\d{2}))\s*(?:\n|$|\.)", re.IGNORECASE)
_PUBLISHED = re.compile(r"published\s+(?:in\s+(?P<year>(?:19|20)\d{2})\s+)?(?:jointly\s+)?by\s+"
                        r"(?P<parties>.+?)(?:\n\s*\n|©|\bISBN\b|\.\s|$)", re.IGNORECASE | re.DOTALL)
_PARTY_SPLIT = re.compile(r",?\s+and\s+(?:the\s+)?(?=[A-Z])")
_PARTY_END = re.compile(r",\s*\d|\s*\(|,\s*(?:BP|P\.?O\.? Box)\b")
_PROTECTED = re.compile(r"Scientific\s+and\s+Cultural", re.IGNORECASE)
_HOLDER_SPLIT = re.compile(r"\s+(?:and|&)\s+|\s*/\s*|,\s*")
_ISBN = re.compile(r"\bISBN(?:-1[03])?[:\s]*((?:97[89][\s-]?)?\d[\d\s-]{7,15}[\dXx])\b")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z©(])")
_OWN_LINE = re.compile(r"^\s*(?:©|\(c\)|copyright\b|ISBN|ISSN|e-?ISBN)", re.IGNORECASE)
_KEEP = "\x00"  # stands for a space inside a protected name while parties are split


class ImprintError(ValueError):
    """The bytes are not a readable PDF (not a PDF, encrypted, broken)."""


@dataclass(frozen=True, slots=True)
class Imprint:
    """What a publication's first pages say about its rights.

    Attributes:
        text: The text read (whitespace as pypdf gives it, at most :data:`MAX_IMPRINT_CHARS`).
        pages_read: How many pages it came from.
        licence_statements: Sentences that name a licence or a copyright notice, in order
            (``parse_licence`` reads something from each).
        copyright: The ``©`` lines as printed (``"© UNESCO IITE 2020"``).
        rights_holders: Holders named after ``©`` (``"UNESCO IITE"``).
        year: The copyright or publication year, or ``None``.
        publishers: The parties of "Published … by" without their addresses.
        isbns: ISBNs as printed (hyphens kept).
    """

    text: str
    pages_read: int = 0
    licence_statements: tuple[str, ...] = ()
    copyright: tuple[str, ...] = ()
    rights_holders: tuple[str, ...] = ()
    year: str | None = None
    publishers: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()


def read_pdf_text(data: bytes, max_pages: int = IMPRINT_PAGES) -> tuple[str, int]:
    """The text of a PDF's first pages.

    Args:
        data: The file as downloaded.
        max_pages: Pages read from the start.

    Returns:
        ``(text, pages read)``; pages are joined with blank lines.

    Raises:
        ImprintError: not a PDF (no ``%PDF-`` header in the first 1 KiB), encrypted with
            a password, or unreadable by pypdf.
    """
    if b"%PDF-" not in data[:1024]:
        raise ImprintError("not a PDF (no %PDF- header)")
    from pypdf import PdfReader  # the only pypdf import
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImprintError("encrypted PDF")
        texts = []
        for page in list(reader.pages)[:max_pages]:
            texts.append(page.extract_text() or "")
            if sum(map(len, texts)) > MAX_IMPRINT_CHARS:
                break
    except ImprintError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise ImprintError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return "\n\n".join(texts)[:MAX_IMPRINT_CHARS], len(texts)


def _sentences(text: str) -> list[str]:
    """Sentences of imprint text, whitespace collapsed; ``©`` and ISBN lines stand alone
    (pypdf drops blank lines, so a notice would otherwise run into the next sentence)."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if _OWN_LINE.match(line):
            chunks += [[line], []]
        elif line.strip():
            chunks[-1].append(line)
        else:
            chunks.append([])
    return [s for chunk in chunks for s in (" ".join(p.split()) for p in
                                            _SENTENCE.split("\n".join(chunk))) if s]


def parse_imprint(text: str, pages_read: int = 0) -> Imprint:
    """Read the licence, copyright and publishers out of imprint text.

    Args:
        text: Text of the first pages (see :func:`read_pdf_text`).
        pages_read: Kept on the result.

    Returns:
        The imprint; fields the text does not give are empty.
    """
    text = text[:MAX_IMPRINT_CHARS]
    statements = []
    for sentence in _sentences(text):
        if ((parse_licence(sentence) is not None or scope_note_of(sentence))
                and sentence not in statements):
            statements.append(sentence)
    copyright_lines, holders, year = [], [], None
    for match in _COPYRIGHT.finditer(text):
        copyright_lines.append(" ".join(match.group(0).split()).rstrip("."))
        year = year or match.group("y1") or match.group("y2")
        holder = (match.group("h1") or match.group("h2") or "").strip(" ,.")
        for name in _HOLDER_SPLIT.split(holder):
            if name.strip() and name.strip() not in holders:
                holders.append(name.strip())
    publishers = []
    published = _PUBLISHED.search(text)
    if published:
        year = year or published.group("year")
        parties = _PROTECTED.sub(lambda m: m.group(0).replace(" ", _KEEP),
                                 " ".join(published.group("parties").split()))
        for part in _PARTY_SPLIT.split(parties):
            name = _PARTY_END.split(part, maxsplit=1)[0].replace(_KEEP, " ").strip(" ,.")
            name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
            if name and name not in publishers:
                publishers.append(name)
    isbns = list(dict.fromkeys(" ".join(m.group(1).split()) for m in _ISBN.finditer(text)))
    return Imprint(text=text, pages_read=pages_read, licence_statements=tuple(statements),
                   copyright=tuple(dict.fromkeys(copyright_lines)), rights_holders=tuple(holders),
                   year=year, publishers=tuple(publishers), isbns=tuple(isbns))


def read_imprint(data: bytes, max_pages: int = IMPRINT_PAGES) -> Imprint:
    """:func:`read_pdf_text` then :func:`parse_imprint`.

    Raises:
        ImprintError: as :func:`read_pdf_text`.
    """
    text, pages = read_pdf_text(data, max_pages)
    return parse_imprint(text, pages)
