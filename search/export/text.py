"""Make harvested text safe for each export format: one cleaning step, then per-format escaping.

Harvested text is untrusted. Every writer first passes values through :func:`clean_text`,
then escapes for its own syntax:

* :func:`clean_text` removes what no export should carry: C0/C1 control characters and DEL
  (XML 1.0 forbids most of them; terminals and spreadsheets act on them), the Unicode bidi
  *embedding, override and isolate* controls U+202A–U+202E and U+2066–U+2069 (they reorder
  the text after them: the "Trojan Source" spoofing, CVE-2021-42574), U+FEFF, the
  non-characters U+FFFE/U+FFFF and lone surrogates (not encodable in UTF-8). It keeps the
  bidi *marks* LRM U+200E, RLM U+200F and ALM U+061C: they carry no state and right-to-left
  text needs them. Whitespace runs become one space (or, with ``multiline``, one line break
  between paragraphs).
* :func:`neutralise_cell` stops spreadsheet formulas (CSV injection).
* :func:`bibtex_escape`, :func:`markdown_escape` escape the special characters of BibTeX
  and CommonMark; :func:`json_dumps` escapes ``<``, ``>``, ``&`` so JSON can sit inside a
  ``<script>`` element; HTML uses :func:`html.escape`; XML is written by lxml.
* :func:`safe_url` lets only absolute ``http(s)`` URLs become links.

Ref: Unicode UAX #9 (bidi controls), https://www.unicode.org/reports/tr9/ ; XML 1.0 §2.2
(Char); OWASP, CSV Injection, https://owasp.org/www-community/attacks/CSV_Injection ;
CommonMark 0.31 §2.4 (backslash escapes); BibTeX: Patashnik, "BibTeXing" (1988) §4.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

__all__ = ["bibtex_escape", "clean_text", "is_language_tag", "json_dumps", "markdown_escape",
           "neutralise_cell", "safe_url"]

# C0 except TAB/LF/CR, DEL, C1, bidi embeddings/overrides/isolates, BOM, non-characters,
# lone surrogates.
_DROP_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      "\ufeff\ufffe\uffff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SPACE_RE = re.compile(r"[^\S\n]+")  # whitespace except LF (U+2028/2029 are made LF first)
_ANY_SPACE_RE = re.compile(r"\s+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# xs:language (XML Schema Part 2 §3.3.3): the syntax of xml:lang and HTML lang values.
_LANGUAGE_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
# Invisible characters a spreadsheet may skip before the trigger.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u061c\u2060 "

_BIBTEX = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#",
                         "$": r"\$", "%": r"\%", "&": r"\&", "_": r"\_",
                         "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"})
# CommonMark: any ASCII punctuation may be backslash-escaped. Writers never put a value at
# the start of a line (and cleaned values have no line breaks), so only the characters that
# open inline markup need it: emphasis, code spans, links and images, raw HTML and
# autolinks, entities, strikethrough (GFM) and table cells (GFM).
_MARKDOWN_RE = re.compile(r"([\\`*_\[\]<>&~|])")
# JSON keeps every character (lossless) but writes these as \uXXXX escapes: HTML-significant
# ones, JS line separators, BOM, DEL, C1 controls, the bidi controls (visible, never acted
# on) and lone surrogates (not encodable as UTF-8).
_JSON_UNSAFE_RE = re.compile("[<>&\u2028\u2029\ufeff\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                             "\ud800-\udfff]")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """``value`` without control characters, bidi overrides and stray whitespace.

    Args:
        value: Harvested text, or ``None``.
        multiline: Keep paragraph breaks (at most one blank line in a row); otherwise
            every whitespace run, line breaks included, becomes one space.

    Returns:
        The cleaned text, stripped; ``""`` for ``None``.
    """
    if not value:
        return ""
    if value.isprintable() and "  " not in value:  # fast path: no controls, no odd spaces
        return value.strip()
    text = _SURROGATE_RE.sub("\ufffd", _DROP_RE.sub("", value))
    if not multiline:
        return _ANY_SPACE_RE.sub(" ", text).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n") \
        .replace("\u2029", "\n\n")
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def neutralise_cell(value: str) -> str:
    """A spreadsheet cell that cannot start a formula.

    A value whose first visible character is ``=``, ``+``, ``-``, ``@``, TAB, CR or LF
    gets a leading apostrophe, which spreadsheets show as text (OWASP's advice); the
    writer also quotes every cell and doubles embedded quotes.

    Args:
        value: Cell text.

    Returns:
        ``value`` or ``"'" + value``.

    Ref: https://owasp.org/www-community/attacks/CSV_Injection
    """
    visible = value.lstrip(_INVISIBLE)
    if visible[:1] in FORMULA_TRIGGERS or (value[:1] in FORMULA_TRIGGERS):
        return "'" + value
    return value


def bibtex_escape(value: str) -> str:
    """``value`` with BibTeX/LaTeX special characters escaped (``{`` → ``\\{``, ``%`` → ``\\%``…).

    Braces are always escaped, so a field value can never close its own delimiters.
    """
    return value.translate(_BIBTEX)


def markdown_escape(value: str) -> str:
    """``value`` with CommonMark's inline markup characters backslash-escaped
    (``*`` → ``\\*``, ``[`` → ``\\[``, ``<`` → ``\\<``, ``&`` → ``\\&``, ``|`` → ``\\|``…).

    For values inside a line only: line-start markup (``#``, ``-``, ``1.``, ``>``) is not
    escaped, so callers must not start a line with a value.

    Ref: CommonMark 0.31 §2.4, https://spec.commonmark.org/0.31.2/#backslash-escapes
    """
    return _MARKDOWN_RE.sub(r"\\\1", value)


def json_dumps(data: Any) -> str:
    """Compact JSON (UTF-8 text, not ASCII-escaped), lossless, with ``<``, ``>``, ``&``,
    U+2028/U+2029, U+FEFF, DEL, C1 controls, bidi controls and lone surrogates written as
    ``\\uXXXX``
    (C0 controls already are): the same JSON value, safe inside an HTML ``<script>``
    element, and no invisible character acts on a terminal or editor."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def is_language_tag(value: str | None) -> bool:
    """True when ``value`` has the syntax of a language tag (``xs:language``: ``"en"``,
    ``"pt-BR"``), so it may go into ``xml:lang`` or HTML ``lang``."""
    return bool(value) and _LANGUAGE_RE.match(value) is not None


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute ``http(s)`` URL without spaces or controls, else ``None``.

    Keeps ``javascript:`` and ``data:`` URLs out of links.
    """
    if not url:
        return None
    url = url.strip()
    if _ANY_SPACE_RE.search(url) or _DROP_RE.search(url) or "<" in url or ">" in url \
            or '"' in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
