"""Dates as harvested to ISO 8601 at the precision the source gives.

Records say when something happened in many ways: ``2019``, ``2019-05``, W3CDTF and
ISO 8601 date-times (``2019-05-07T10:00:00Z``), European dotted dates (``07.05.2019``),
month names in several languages (``May 2019``, ``7. Mai 2019``), catalogue forms
(``c. 2019``, ``[2019?]``, ``1978.``) and intervals (``2000/2001``, ``1998-2001``).
:func:`normalise_date` reads each into a :class:`~harvester.record.DateValue` that keeps the
raw text beside an ISO 8601 value with exactly the precision given: a year stays a year,
never becomes ``2019-01-01``. Numeric day/month orders are read only when unambiguous
(dotted = day.month.year; ``a/b/yyyy`` only when one part is above 12). Text with month
names is read by :mod:`dateparser` (many languages); this module is its only importer.

Ref: ISO 8601-1:2019; W3C Date and Time Formats (W3CDTF), https://www.w3.org/TR/NOTE-datetime ;
EDTF (ISO 8601-2 §4, approximate ``~``), https://www.loc.gov/standards/datetime/ .
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from harvester.record import DateValue

__all__ = ["normalise_date", "pick_issued"]

#: Longest value read; longer text is not a date.
MAX_DATE_CHARS = 60

#: Roles that say "published", most specific first (DataCite, DCTERMS, schema.org, MODS).
ISSUED_ROLES: tuple[str, ...] = ("issued", "published", "available", "copyrighted", "created")

_APPROX_PREFIX = re.compile(
    r"^(?:c\.|ca\.?|circa|approx\.?|approximately|um|vers|env\.|environ|hacia|cerca de)\s*",
    re.IGNORECASE)
_APPROX_SUFFIX = re.compile(r"\s*[?~]$")
_TRAILING = re.compile(r"[\s.,;:]+$")
_YEAR = r"(\d{4})"
_ISO_DAYLIKE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
_HAS_YEAR = re.compile(r"\b\d{4}\b")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def normalise_date(raw: str, role: str | None = None) -> DateValue:
    """Read one date value to ISO 8601 at its own precision.

    Args:
        raw: The date as harvested, any text.
        role: What the date is (``"issued"``, ``"created"`` …), lower-cased and kept.

    Returns:
        A :class:`~harvester.record.DateValue` with ``raw`` unchanged and ``value`` /
        ``precision`` set when the text is a date: ``"2019"`` (year), ``"2019-05"``
        (month), ``"2019-05-07"`` (day), ``"2019-05-07T10:00Z"`` (minute),
        ``"2019-05-07T10:00:00Z"`` (second; offsets converted to UTC ``Z``, fractions
        dropped, no ``Z`` when the source gave no zone), or an interval ``"2000/2001"``.
        ``approximate`` is set for circa markers. ``value`` is ``None`` for text that is
        not a date or is ambiguous (``"05/07/2019"``).
    """
    role = role.strip().lower() if role and role.strip() else None
    if not isinstance(raw, str):
        return DateValue(raw=str(raw), role=role)
    value, precision, approximate = _read(raw.strip())
    return DateValue(raw=raw, value=value, precision=precision, approximate=approximate,
                     role=role)


def pick_issued(dates: Iterable[DateValue]) -> str | None:
    """Choose the resource's ``dcterms:issued`` among its dates.

    Args:
        dates: The record's dates in source order.

    Returns:
        The ISO value of the first readable date whose role comes first in
        :data:`ISSUED_ROLES`; when no readable date has one of those roles, the
        earliest readable date without a role (repositories list accession and
        availability dates beside the publication date in ``dc:date``, and the
        publication date is the earliest); ``None`` when no date is readable.
        Intervals count by their start.
    """
    readable = [d for d in dates if d.value]
    for wanted in ISSUED_ROLES:
        for item in readable:
            if item.role == wanted:
                return item.value.split("/")[0]
    untyped = [d.value.split("/")[0] for d in readable if d.role is None]
    return min(untyped) if untyped else None


@functools.lru_cache(maxsize=8192)
def _read(text: str) -> tuple[str | None, str | None, bool]:
    """(value, precision, approximate) of a stripped date text."""
    if not text or len(text) > MAX_DATE_CHARS:
        return None, None, False
    approximate = False
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].strip()
    stripped = _APPROX_PREFIX.sub("", text)
    if stripped != text:
        approximate, text = True, stripped
    stripped = _APPROX_SUFFIX.sub("", text)
    if stripped != text:
        approximate, text = True, stripped
    text = _TRAILING.sub("", text.strip("[] "))
    value, precision = _interval(text)
    if value is None:
        value, precision = _single(text)
    if value is None:
        return None, None, False
    return value, precision, approximate


def _interval(text: str) -> tuple[str | None, str | None]:
    """An ISO interval ``start/end`` from ``a/b`` (ISO parts) or ``yyyy-yyyy``."""
    match = _YEAR_RANGE.match(text)
    if match:
        start, end = match.groups()
        return (f"{start}/{end}", "year") if start <= end else (None, None)
    if text.count("/") == 1:
        left, right = (part.strip() for part in text.split("/"))
        if _ISO_DAYLIKE.match(left) and _ISO_DAYLIKE.match(right):
            start, precision = _single(left)
            end, _ = _single(right)
            if start and end and start <= end:
                return f"{start}/{end}", precision
    return None, None


def _single(text: str) -> tuple[str | None, str | None]:
    """(ISO value, precision) of one date, or (None, None)."""
    if re.fullmatch(_YEAR, text):
        return text, "year"
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        return _ymd(int(match[1]), int(match[2]), None)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or _COMPACT.match(text) \
        or _YMD_SLASHED.match(text)
    if match:
        return _ymd(int(match[1]), int(match[2]), int(match[3]))
    match = _DATETIME.match(text)
    if match:
        return _datetime(match)
    match = _DOTTED.match(text)
    if match:
        return _ymd(int(match[3]), int(match[2]), int(match[1]))
    match = _DOTTED_MONTH.match(text)
    if match:
        return _ymd(int(match[2]), int(match[1]), None)
    match = _SLASHED.match(text)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if first > 12 >= second:
            return _ymd(year, second, first)
        if second > 12 >= first:
            return _ymd(year, first, second)
        return None, None  # 05/07/2019: May 7 or 5 July? Do not guess.
    if _HAS_LETTER.search(text) and _HAS_YEAR.search(text):
        return _with_month_names(text)
    return None, None


def _ymd(year: int, month: int, day: int | None) -> tuple[str | None, str | None]:
    """ISO text for a validated year-month(-day)."""
    try:
        date(year, month, day or 1)
    except ValueError:
        return None, None
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def _datetime(match: re.Match[str]) -> tuple[str | None, str | None]:
    """ISO date-time at minute or second precision; offsets converted to UTC."""
    year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
    second = int(match[6]) if match[6] is not None else 0
    zone = match[7]
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None, None
    precision = "second" if match[6] is not None else "minute"
    suffix = ""
    if zone:
        if zone.upper() != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset_min = sign * (int(digits[:2]) * 60 + int(digits[2:]))
            moment -= timedelta(minutes=offset_min)
        suffix = "Z"
    pattern = "%Y-%m-%dT%H:%M:%S" if precision == "second" else "%Y-%m-%dT%H:%M"
    return moment.strftime(pattern) + suffix, precision


def _with_month_names(text: str) -> tuple[str | None, str | None]:
    """Read ``May 2019``, ``7. Mai 2019``, ``Dec 11, 2023`` with :mod:`dateparser`."""
    parsed = _parser().get_date_data(text)
    if parsed is None or parsed.date_obj is None:
        return None, None
    moment, period = parsed.date_obj, parsed.period
    if period == "year":
        return f"{moment.year:04d}", "year"
    if period == "month":
        return f"{moment.year:04d}-{moment.month:02d}", "month"
    if period == "day":
        return moment.strftime("%Y-%m-%d"), "day"
    return moment.strftime("%Y-%m-%dT%H:%M:%S"), "second"


@functools.cache
def _parser():
    """One shared :class:`dateparser.date.DateDataParser` (building one is slow)."""
    from dateparser.date import DateDataParser  # imported late: only text dates need it

    return DateDataParser(settings={
        "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False,
        "PARSERS": ["absolute-time"],
    })
