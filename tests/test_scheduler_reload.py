"""``oer schedule`` follows edits of the sources file (harvester/config_watch.py).

Two recorded sources on 127.0.0.1 (real Zenodo records, tests/oai_pages.py): ``steady``
(records 0-2) and ``added`` (records 6-8). A fake clock drives the runner and the
store's timestamps, as in test_operations.py; a wake-up of the scheduler is played by
hand: the ``oer-due`` job's trigger gives the next fire time, then its function runs the
batch. One test runs a real ``BackgroundScheduler`` to show that a sleeping scheduler
wakes for a new source (the ``oer-config`` job).
"""

from __future__ import annotations

import logging
import os
import queue
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from harvester import cli_ops, config_watch
from harvester.cli import cli
from harvester.cli_common import Home
from harvester.config_watch import ConfigWatch
from harvester.replay_server import Reply, ReplayServer
from harvester.scheduler import build_scheduler
from harvester.schedules import iso_utc
from harvester.store import Store
from fake_clock import FakeClock, patch_clock
from oai_pages import IDENTIFY, identifier, page, real_records

RECORDS = real_records()
STEADY_IDS = {f"steady:{identifier(r)}" for r in RECORDS[0:3]}
ADDED_IDS = {f"added:{identifier(r)}" for r in RECORDS[6:9]}
HEAD = "[harvest]\nmax_retries = 1\nbackoff_base_s = 0\n"


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return patch_clock(monkeypatch, day)


def one_page(records: list[bytes]) -> ReplayServer:
    return ReplayServer(lambda p: Reply(IDENTIFY) if p["verb"] == "Identify"
                        else Reply(page(records, empty_token=True)))


def source(name: str, url: str, schedule: str, enabled: bool = True, key: str = "schedule") -> str:
    return (f'\n[sources.{name}]\nbase_url = "{url}"\n{key} = "{schedule}"\n'
            f"enabled = {str(enabled).lower()}\n")


def scheduled(home: Home, watch: ConfigWatch, clock: FakeClock, reports: list):
    """The scheduler (not started), its ``oer-due`` trigger and batch."""
    scheduler = build_scheduler(home, watch, scheduler=BackgroundScheduler(timezone="UTC"),
                                on_report=reports.append, clock=clock, progress=lambda line: None)
    job = scheduler.get_job("oer-due")
    return job.trigger, job.func


def ran(report) -> list[tuple[str, str, int]]:
    return [(o.source, o.status, o.added) for o in report.sources]


def watch_log(caplog, level: int = logging.INFO) -> list[logging.LogRecord]:
    """What harvester.config_watch logged (other tests may have set the root logger to INFO)."""
    return [r for r in caplog.records if r.name == "harvester.config_watch" and r.levelno >= level]


def test_an_added_source_runs_a_disabled_one_stops_a_new_schedule_counts(tmp_path, clock, caplog):
    caplog.set_level(logging.INFO, logger="harvester.config_watch")
    home, path, reports = Home(tmp_path / "home"), tmp_path / "sources.toml", []
    with one_page(RECORDS[0:3]) as steady, one_page(RECORDS[6:9]) as added:
        path.write_text(HEAD + source("steady", steady.url, "0 */6 * * *"), encoding="utf-8")
        trigger, batch = scheduled(home, ConfigWatch(path), clock, reports)
        day = clock.now
        assert trigger.get_next_fire_time(None, clock.now) == day  # never harvested
        batch()
        assert ran(reports[-1]) == [("steady", "complete", 3)]
        assert trigger.get_next_fire_time(day, day) == day + timedelta(hours=6)

        # 00:10: a librarian adds a source; the next wake-up moves from 06:00 to now
        path.write_text(HEAD + source("steady", steady.url, "0 */6 * * *")
                        + source("added", added.url, "every 1h"), encoding="utf-8")
        clock.now = day + timedelta(minutes=10)
        assert trigger.get_next_fire_time(day, clock.now) == clock.now
        batch()
        assert ran(reports[-1]) == [("added", "complete", 3)]
        assert [(n.source, n.reason) for n in reports[-1].not_run] == [
            ("steady", f"not due until {iso_utc(day + timedelta(hours=6))}")]

        # 06:00: steady is due by its schedule, but the librarian disabled it
        path.write_text(HEAD + source("steady", steady.url, "0 */6 * * *", enabled=False)
                        + source("added", added.url, "every 1h"), encoding="utf-8")
        clock.now = day + timedelta(hours=6)
        batch()
        assert ran(reports[-1]) == [("added", "complete", 0)]  # unchanged records: 0 added
        assert trigger.get_next_fire_time(clock.now, clock.now) == day + timedelta(hours=7)

        # a new schedule for added: the next wake-up follows it
        path.write_text(HEAD + source("steady", steady.url, "0 */6 * * *", enabled=False)
                        + source("added", added.url, "every 2h"), encoding="utf-8")
        assert trigger.get_next_fire_time(clock.now, clock.now) == day + timedelta(hours=8)
    store = Store(home.store)
    try:
        assert len(store.runs_of("steady")) == 1 and len(store.runs_of("added")) == 2
        assert store.record_ids("steady") == STEADY_IDS
        assert store.record_ids("added") == ADDED_IDS
    finally:
        store.close()
    reloads = [r.getMessage().split(": reloaded ")[1] for r in watch_log(caplog)]
    assert reloads == ["(added: added)", "(changed: steady (enabled))",
                       "(changed: added (schedule))"]


def test_an_invalid_edit_keeps_the_last_good_configuration_logs_once_and_recovers(
        tmp_path, clock, caplog):
    caplog.set_level(logging.INFO, logger="harvester.config_watch")
    home, path, reports = Home(tmp_path / "home"), tmp_path / "sources.toml", []
    with one_page(RECORDS[0:3]) as steady, one_page(RECORDS[6:9]) as added:
        good = HEAD + source("steady", steady.url, "0 */6 * * *")
        path.write_text(good, encoding="utf-8")
        watch = ConfigWatch(path)
        trigger, batch = scheduled(home, watch, clock, reports)
        day = clock.now
        batch()
        assert ran(reports[-1]) == [("steady", "complete", 3)]

        # a typo: the whole file is refused, the running configuration stays
        path.write_text(good + source("added", added.url, "every 1h", key="shedule"),
                        encoding="utf-8")
        for minutes in (10, 20, 30):  # several wake-ups: one log line
            clock.now = day + timedelta(minutes=minutes)
            assert trigger.get_next_fire_time(day, clock.now) == day + timedelta(hours=6)
        clock.now = day + timedelta(hours=6)
        batch()  # the harvests go on with the last good configuration
        assert ran(reports[-1]) == [("steady", "complete", 0)]
        errors = watch_log(caplog, logging.ERROR)
        assert len(errors) == 1
        assert "sources.added.shedule: unknown key (did you mean 'schedule'?)" in errors[0].message
        assert "still running the configuration read at" in errors[0].message
        assert "sources.added.shedule: unknown key" in watch.error

        # another bad version (not TOML): logged once more
        path.write_text(good + '\n[sources.added]\nbase_url = "', encoding="utf-8")
        batch()
        assert trigger.get_next_fire_time(day, clock.now) == day + timedelta(hours=12)
        errors = watch_log(caplog, logging.ERROR)
        assert len(errors) == 2 and "not valid TOML" in errors[1].message

        # fixed: taken at the next look, the new source runs
        path.write_text(good + source("added", added.url, "every 1h"), encoding="utf-8")
        clock.now = day + timedelta(hours=6, minutes=10)
        assert trigger.get_next_fire_time(day, clock.now) == clock.now
        batch()
        assert ran(reports[-1]) == [("added", "complete", 3)]
        assert watch.error is None
    assert len(watch_log(caplog, logging.ERROR)) == 2
    assert watch_log(caplog)[-1].getMessage().endswith("is valid again: reloaded (added: added)")
    store = Store(home.store)
    try:
        assert store.record_ids() == STEADY_IDS | ADDED_IDS
    finally:
        store.close()


def test_an_unchanged_file_is_not_parsed_again_but_a_same_size_save_is_seen(tmp_path,
                                                                             monkeypatch):
    loads = []
    real_load = config_watch.load_config
    monkeypatch.setattr(config_watch, "load_config", lambda p: loads.append(p) or real_load(p))
    path = tmp_path / "sources.toml"
    path.write_text(HEAD + source("steady", "http://127.0.0.1:9/oai", "every 6h"), encoding="utf-8")
    hour_ago_ns = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago_ns, hour_ago_ns))
    watch = ConfigWatch(path)
    first = watch.current()
    assert [watch.current() for _ in range(3)] == [first] * 3 and len(loads) == 1
    os.utime(path)  # touched, same bytes: read and hashed, not parsed
    assert watch.current() is first and len(loads) == 1
    # saved again in the same timestamp tick with the same size: stat cannot tell,
    # but the last read was within the racy window, so the bytes are compared
    mtime_ns = path.stat().st_mtime_ns
    path.write_text(HEAD + source("steady", "http://127.0.0.1:9/oai", "every 7h"), encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    assert watch.current().sources["steady"].schedule == "every 7h" and len(loads) == 2


def test_a_missing_file_keeps_the_configuration_and_is_taken_back(tmp_path, caplog):
    path = tmp_path / "sources.toml"
    text = HEAD + source("steady", "http://127.0.0.1:9/oai", "every 6h")
    path.write_text(text, encoding="utf-8")
    watch = ConfigWatch(path)
    first = watch.current()
    path.unlink()  # an editor that saves by delete + write, caught in between
    assert watch.current() is first and watch.current() is first
    errors = watch_log(caplog, logging.ERROR)
    assert len(errors) == 1 and f"configuration file not found: {path}" in errors[0].message
    path.write_text(text.replace("every 6h", "every 8h"), encoding="utf-8")
    assert watch.current().sources["steady"].schedule == "every 8h" and watch.error is None


def test_a_sleeping_scheduler_wakes_for_a_new_source(tmp_path):
    home, path, reports = Home(tmp_path / "home"), tmp_path / "sources.toml", queue.Queue()
    with one_page(RECORDS[0:3]) as steady, one_page(RECORDS[6:9]) as added:
        path.write_text(HEAD + source("steady", steady.url, "17 3 * * *"), encoding="utf-8")
        scheduler = build_scheduler(home, ConfigWatch(path),
                                    scheduler=BackgroundScheduler(timezone="UTC"),
                                    on_report=reports.put, config_check_s=0.2,
                                    progress=lambda line: None)
        scheduler.start()
        try:
            assert ran(reports.get(timeout=30)) == [("steady", "complete", 3)]
            # asleep for at least a minute (MIN_WAKE_GAP_S): only the file check can wake it
            assert scheduler.get_job("oer-due").next_run_time > datetime.now(UTC) + timedelta(
                seconds=30)
            path.write_text(HEAD + source("steady", steady.url, "17 3 * * *")
                            + source("added", added.url, "every 1h"), encoding="utf-8")
            assert ran(reports.get(timeout=30)) == [("added", "complete", 3)]
        finally:
            scheduler.shutdown(wait=True)
    store = Store(home.store)
    try:
        assert store.record_ids("added") == ADDED_IDS
    finally:
        store.close()


def test_oer_schedule_watches_the_file_given_and_refuses_an_invalid_one_at_start(tmp_path,
                                                                                 monkeypatch):
    built = []

    class Idle:
        def start(self) -> None:
            pass

        def shutdown(self, wait: bool = True) -> None:
            pass

    monkeypatch.setattr(cli_ops, "build_scheduler",
                        lambda home, config, **kw: built.append(config) or Idle())
    path = tmp_path / "sources.toml"
    path.write_text(HEAD + source("steady", "http://127.0.0.1:9/oai", "every 6h"), encoding="utf-8")
    env = {"OER_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(cli, ["--config", str(path), "schedule"], env=env)
    assert result.exit_code == 0, result.stderr
    assert isinstance(built[0], ConfigWatch) and built[0].path == path
    assert f"1 enabled source(s) in {path} (edits are picked up)" in result.stderr
    path.write_text(HEAD + source("steady", "http://127.0.0.1:9/oai", "every 6h", key="shedule"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "schedule"], env=env)
    assert result.exit_code == 2 and "sources.steady.shedule: unknown key" in result.stderr
    assert len(built) == 1
