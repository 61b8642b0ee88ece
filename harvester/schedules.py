"""When a source is harvested: cron expressions and fixed intervals.

A source's ``schedule`` in ``config/sources.toml`` is one of:

- a five-field cron expression, ``"minute hour day-of-month month day-of-week"``
  (``"17 3 * * *"``: every day at 03:17), or one of the aliases ``@hourly``,
  ``@daily``, ``@weekly``, ``@monthly``, ``@yearly``. Evaluated in the configured
  time zone (``[schedule] timezone``, default UTC). Day of week follows cron(8):
  0 and 7 are Sunday. Parsed by croniter, which implements those semantics
  (APScheduler's ``CronTrigger.from_crontab`` numbers weekdays from Monday, so
  ``"0 3 * * 0"`` would fire on Mondays there).
- ``"every N<unit>"`` with unit ``m`` (minutes), ``h`` (hours) or ``d`` (days):
  ``"every 6h"`` is due six hours after the previous run started.

A source is *due* at ``now`` when it never ran, or when the first fire time after
its last run's start is not later than ``now``: a run missed while the machine was
off is made up once, not once per missed slot.

Ref: cron(8)/crontab(5) (POSIX ``crontab``, Vixie cron aliases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

_EVERY = re.compile(r"^every\s+(\d+)\s*([mhd])$")
_UNIT_S = {"m": 60, "h": 3600, "d": 86400}
_ALIASES = frozenset({"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly",
                      "@annually"})
MIN_INTERVAL_S = 60
"""Shortest schedule period allowed (seconds): harvesting a repository more often is rude."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed schedule.

    Attributes:
        text: The schedule as written in the sources file.
        cron: The cron expression, or ``None`` for an interval.
        interval_s: The interval in seconds, or ``None`` for a cron expression.
        tz: Time zone the cron expression is read in (intervals do not need one).
    """

    text: str
    cron: str | None = None
    interval_s: int | None = None
    tz: tzinfo = UTC

    def next_after(self, when: datetime) -> datetime:
        """The first fire time strictly after ``when``.

        Args:
            when: An aware datetime (a run's start).

        Returns:
            An aware UTC datetime.
        """
        when = _aware(when)
        if self.interval_s is not None:
            return when + timedelta(seconds=self.interval_s)
        fire = croniter(self.cron, when.astimezone(self.tz)).get_next(datetime)
        return fire.astimezone(UTC)

    def is_due(self, last_start: datetime | None, now: datetime) -> bool:
        """True when the source never ran or a fire time has passed since ``last_start``."""
        return last_start is None or self.next_after(last_start) <= _aware(now)

    def fire_times(self, after: datetime, until: datetime, limit: int = 1000) -> list[datetime]:
        """Fire times in ``(after, until]``, at most ``limit`` of them (UTC)."""
        out: list[datetime] = []
        when = self.next_after(after)
        until = _aware(until)
        while when <= until and len(out) < limit:
            out.append(when)
            when = self.next_after(when)
        return out


def parse_schedule(text: str, tz: str | tzinfo = "UTC") -> Schedule:
    """Parse a schedule string of the sources file.

    Args:
        text: ``"17 3 * * *"``, ``"@daily"`` or ``"every 6h"`` (see the module docstring).
        tz: IANA time zone name (``"Europe/Paris"``) or a tzinfo, for cron expressions.

    Returns:
        The schedule.

    Raises:
        ValueError: not a five-field cron expression nor ``every N<m|h|d>``, an
            interval under :data:`MIN_INTERVAL_S`, or an unknown time zone.
    """
    zone = time_zone(tz) if isinstance(tz, str) else tz
    value = " ".join(text.strip().split())
    match = _EVERY.match(value)
    if match:
        seconds = int(match.group(1)) * _UNIT_S[match.group(2)]
        if seconds < MIN_INTERVAL_S:
            raise ValueError(f"interval {value!r} is shorter than {MIN_INTERVAL_S} s")
        return Schedule(text=text, interval_s=seconds, tz=zone)
    if value.lower() not in _ALIASES and len(value.split(" ")) != 5:
        raise ValueError(f"{text!r} is neither a five-field cron expression "
                         "('minute hour day month weekday', e.g. '17 3 * * *') "
                         "nor 'every N' with m, h or d (e.g. 'every 6h')")
    if not croniter.is_valid(value):
        raise ValueError(f"{text!r} is not a valid cron expression")
    return Schedule(text=text, cron=value, tz=zone)


def time_zone(name: str) -> tzinfo:
    """An IANA time zone by name (``"UTC"``, ``"Europe/Paris"``).

    Raises:
        ValueError: unknown name.
    """
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like "
                         "'Europe/Paris')") from exc


def parse_utc(value: str | None) -> datetime | None:
    """An ISO 8601 UTC timestamp from the store (``2026-05-01T03:17:00Z``), or ``None``."""
    if not value:
        return None
    return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))


def iso_utc(when: datetime) -> str:
    """``when`` as ``YYYY-MM-DDThh:mm:ssZ`` (the store's format)."""
    return _aware(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
