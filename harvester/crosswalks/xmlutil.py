"""Small helpers the XML crosswalks share: clean text, ``xml:lang``, namespace-agnostic children.

Harvested XML is untrusted: text is trimmed and stripped of characters outside the XML 1.0
``Char`` production, markup inside text is kept as given (never unescaped or rendered), and
comments and processing instructions are ignored. :func:`clean`, :func:`lang_of` and
``XML_LANG`` come from :mod:`harvester.xml_text`, which the oai_dc crosswalk shares.

Ref: XML 1.0 §2.2 (Char) and §2.12 (xml:lang), https://www.w3.org/TR/xml/ .
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from harvester.record import LangString
from harvester.xml_text import XML_LANG, clean, lang_of

__all__ = ["XML_LANG", "children", "clean", "first", "header_fields", "lang_of", "lang_string",
           "local", "text_of", "unique"]

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def local(element: etree._Element) -> str:
    """The lower-case local name of an element (``""`` for comments and PIs)."""
    if not isinstance(element.tag, str):
        return ""
    return etree.QName(element).localname.lower()


def children(element: etree._Element | None, *names: str) -> Iterator[etree._Element]:
    """Direct child elements whose local name is one of ``names`` (any case, any namespace)."""
    if element is None:
        return
    wanted = {n.lower() for n in names}
    for child in element:
        if local(child) in wanted:
            yield child


def first(element: etree._Element | None, *path: str) -> etree._Element | None:
    """The first element down a path of local names, or ``None``."""
    node = element
    for name in path:
        node = next(children(node, name), None)
        if node is None:
            return None
    return node


def text_of(element: etree._Element | None, *, collapse: bool = False) -> str:
    """The cleaned text of an element and its descendants (``""`` for ``None``)."""
    if element is None:
        return ""
    return clean("".join(element.itertext()), collapse=collapse)


def lang_string(element: etree._Element, *, collapse: bool = False) -> LangString | None:
    """The element's text with its language, or ``None`` when the text is empty."""
    text = text_of(element, collapse=collapse)
    return LangString(text, lang_of(element)) if text else None


def unique(values: Iterable[Any]) -> tuple[Any, ...]:
    """``values`` without repeats, first-seen order kept."""
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return tuple(seen)


def header_fields(source: str, oai_identifier: str, datestamp: str,
                  set_specs: Iterable[str], metadata_prefix: str) -> dict[str, Any]:
    """The :class:`~harvester.record.Resource` fields that come from the OAI-PMH header."""
    return {"id": f"{source}:{oai_identifier}", "source": source,
            "oai_identifier": oai_identifier, "datestamp": datestamp,
            "metadata_prefix": metadata_prefix, "set_specs": tuple(set_specs)}
