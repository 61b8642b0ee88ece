"""A clock the test moves by hand, patched into the store and the harvester.

Used by the schedule tests (tests/test_operations.py, tests/test_scheduler_reload.py).
"""

from __future__ import annotations

from datetime import datetime

from harvester.schedules import iso_utc


class FakeClock:
    """An aware UTC clock the test moves by hand (set :attr:`now`)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def iso(self) -> str:
        return iso_utc(self.now)


def patch_clock(monkeypatch, start: datetime) -> FakeClock:
    """A :class:`FakeClock` at ``start`` (aware, UTC) that the store's and the harvester's
    timestamps read."""
    fake = FakeClock(start)
    monkeypatch.setattr("harvester.store.utc_now", fake.iso)
    monkeypatch.setattr("harvester.oai_harvest._now_iso", fake.iso)
    return fake
