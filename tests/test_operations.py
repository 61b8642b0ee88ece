"""A day of schedules with a fake clock: ``oer harvest --due`` every 30 minutes against
four recorded sources on 127.0.0.1 (steady, slow, deferring, failing), then the run
reports, the lock and the status output.

The pages are real Zenodo records (tests/oai_pages.py). The fake clock drives the
runner, the store's timestamps (``harvester.store.utc_now``) and the harvester's
deferral check (``harvester.oai_harvest._now_iso``), so run starts, ``not_before`` and
schedules all live on the same fake day. The day is a year from now, so the deferring
server's ``Retry-After`` (an HTTP-date on that day, RFC 9110 §10.2.3) is far beyond the
in-process cap and defers the source (case C10).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester import runner
from harvester.cli import cli
from harvester.cli_common import Home
from harvester.config import load_config
from harvester.health import format_health, source_health
from harvester.locking import LockBusyError
from harvester.replay_server import Reply, ReplayServer
from harvester.runner import run_batch
from harvester.scheduler import due_sources, run_due
from harvester.schedules import iso_utc
from harvester.store import Store
from fake_clock import FakeClock, patch_clock
from oai_pages import IDENTIFY, page, real_records

RECORDS = real_records()
ROOT = Path(__file__).resolve().parent.parent
DEFER_UNTIL = timedelta(hours=5)

EXPECTED_RUNS = {  # source: [(HH:MM of the run's start, status)]
    "steady": [("00:00", "complete"), ("06:00", "complete"), ("12:00", "complete"),
               ("18:00", "complete")],                               # "0 */6 * * *"
    "slow": [("00:00", "complete"), ("08:00", "complete"), ("16:00", "complete")],  # every 8h
    "deferring": [("00:00", "deferred"), ("05:00", "complete")]      # back at not_before,
                 + [(f"{h:02d}:30", "complete") for h in range(6, 24, 2)],  # then "30 */2 * * *"
    "failing": [(f"{h:02d}:00", "failed") for h in range(0, 24, 4)],  # every 4h
}


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    day = (datetime.now(UTC) + timedelta(days=365)).replace(hour=0, minute=0, second=0,
                                                             microsecond=0)
    fake = patch_clock(monkeypatch, day)
    # the "iite" spider source must stay unharvestable here, whatever kinds get harvesters
    monkeypatch.delitem(runner.HARVESTERS, "spider", raising=False)
    return fake


def one_page(params: dict[str, str], records: list[bytes], delay_s: float = 0.0) -> Reply:
    if params["verb"] == "Identify":
        return Reply(IDENTIFY, delay_s=delay_s)
    return Reply(page(records, empty_token=True), delay_s=delay_s)


class Servers:
    """The four recorded sources, with the faults they play."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.day_start = clock.now
        self.gate = threading.Event()       # the slow server waits on it at 08:00
        self.gate.set()
        self.slow_entered = threading.Event()
        self.steady = ReplayServer(lambda p: one_page(p, RECORDS[0:3]))
        self.slow = ReplayServer(self._slow)
        self.deferring = ReplayServer(self._deferring)
        self.failing = ReplayServer(lambda p: Reply(b"<html>Internal Server Error</html>", 500,
                                                    (("Content-Type", "text/html"),)))

    def _slow(self, params: dict[str, str]) -> Reply:
        if params["verb"] == "ListRecords":
            self.slow_entered.set()
            self.gate.wait(30)
        return one_page(params, RECORDS[3:6], delay_s=0.05)

    def _deferring(self, params: dict[str, str]) -> Reply:
        back = self.day_start + DEFER_UNTIL
        if params["verb"] == "ListRecords" and self.clock.now < back:
            return Reply(b"Too Many Requests", 429, (("Content-Type", "text/plain"),
                                                     ("Retry-After", format_datetime(back, usegmt=True))))
        return one_page(params, RECORDS[6:9])

    def __enter__(self) -> Servers:
        for server in (self.steady, self.slow, self.deferring, self.failing):
            server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self.steady, self.slow, self.deferring, self.failing):
            server.__exit__(*exc)


def write_config(path: Path, servers: Servers) -> Path:
    path.write_text(f"""
[harvest]
connect_timeout_s = 2
read_timeout_s = 20
max_retries = 1
backoff_base_s = 0

[schedule]
parallel_sources = 4
warn_after_failed_runs = 3

[sources.steady]
base_url = "{servers.steady.url}"
schedule = "0 */6 * * *"

[sources.slow]
base_url = "{servers.slow.url}"
schedule = "every 8h"

[sources.deferring]
base_url = "{servers.deferring.url}"
schedule = "30 */2 * * *"

[sources.failing]
base_url = "{servers.failing.url}"
schedule = "every 4h"

[sources.iite]
kind = "spider"
spider = "unesco-iite"
start_urls = ["https://iite.unesco.org/publications/"]
schedule = "0 5 * * *"

[sources.off]
base_url = "https://example.org/oai"
schedule = "0 * * * *"
enabled = false
""", encoding="utf-8")
    return path


def oer_in_subprocess(home: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OER_HOME": str(home), "OER_CONFIG": str(config),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "harvester", "--quiet", *args],
                          env=env, capture_output=True, text=True, timeout=60)


def test_a_day_of_schedules(tmp_path, clock):
    home = Home(tmp_path / "home")
    with Servers(clock) as servers:
        config_path = write_config(tmp_path / "sources.toml", servers)
        config = load_config(config_path)
        reports = {}
        for tick in range(48):
            clock.now = servers.day_start + timedelta(minutes=30 * tick)
            hhmm = clock.now.strftime("%H:%M")
            if hhmm == "08:00":
                reports[hhmm] = run_while_slow_holds_the_lock(home, config, config_path, servers)
            else:
                reports[hhmm] = run_due(home, config, clock=clock, progress=lambda line: None)

    store = Store(home.store)
    try:
        for name, expected in EXPECTED_RUNS.items():
            runs = list(reversed(store.runs_of(name, limit=100)))
            assert [(r["started_at"][11:16], r["status"]) for r in runs] == expected, name
        assert store.count("steady") == 3 and store.count("deferring") == 3
        # RECORDS[3:6] holds the recording's one deleted header (oai:zenodo.org:8433364)
        assert (store.count("slow"), store.count("slow", include_deleted=True)) == (2, 3)
        health = {h.source: h for h in source_health(store, config, clock.now + timedelta(minutes=29))}
    finally:
        store.close()

    # -- run reports: one per tick where something ran, naming what ran and what did not
    ran_at = {t for runs in EXPECTED_RUNS.values() for t, _ in runs}
    files = sorted((home.root / "reports").glob("*.json"))
    assert len(files) == len(ran_at)
    for hhmm, report in reports.items():
        expected = {n: status for n, runs in EXPECTED_RUNS.items() for t, status in runs
                    if t == hhmm}
        assert {s.source: s.status for s in report.sources} == expected, hhmm
        assert (report.report_path is not None) == bool(expected), hhmm
        if expected:
            data = json.loads(report.report_path.read_text(encoding="utf-8"))
            assert data["trigger"] == "due" and data["started_at"][11:16] == hhmm
            assert {s["source"]: s["status"] for s in data["sources"]} == expected
            assert data["exit_status"] == (0 if set(expected.values()) == {"complete"} else 1)
            assert {"source": "iite", "reason": "kind 'spider' is not yet harvestable"} in data["not_run"]
            assert "off" not in {n["source"] for n in data["not_run"]}
            assert (home.root / data["log"]).is_file()
    first = json.loads(reports["00:00"].report_path.read_text(encoding="utf-8"))
    by_source = {s["source"]: s for s in first["sources"]}
    assert by_source["steady"]["added"] == 3 and by_source["steady"]["run_id"] is not None
    assert by_source["failing"]["message"].startswith("HTTPStatusError: HTTP 500 after 2 tries")
    assert "Retry-After" in by_source["deferring"]["message"]
    assert first["index"] == {"upserted": 5, "deleted": 0, "error": None}  # 3 steady + 2 slow
    at_four = json.loads(reports["04:00"].report_path.read_text(encoding="utf-8"))
    back = iso_utc(clock.now.replace(hour=0, minute=0) + DEFER_UNTIL)
    assert {"source": "deferring",
            "reason": f"deferred until {back} (the server asked us to wait)"} in at_four["not_run"]

    # -- the run log: JSON lines, each worker's lines carry its source
    log_lines = [json.loads(line) for line in
                 (home.root / first["log"]).read_text(encoding="utf-8").splitlines()]
    finished = {e["source"]: e["data"]["status"] for e in log_lines
                if e.get("event") == "source-finished"}
    assert finished == {"steady": "complete", "slow": "complete", "deferring": "deferred",
                        "failing": "failed"}

    # -- health: failures, deferral, counts
    failing = health["failing"]
    assert failing.last_success is None and failing.failed_runs >= 3
    assert failing.last_failure["started_at"].endswith("T20:00:00Z")
    assert failing.last_failure["message"].startswith("HTTPStatusError: HTTP 500 after 2 tries")
    assert "not completed in the last 3 or more runs (never completed)" in failing.warnings
    deferring = health["deferring"]
    assert deferring.last_success["started_at"].endswith("T22:30:00Z")
    assert deferring.last_failure["status"] == "deferred" and deferring.warnings == []
    assert (health["steady"].records, health["steady"].last_run["unchanged"]) == (3, 3)
    assert health["steady"].next_due.endswith("T00:00:00Z")  # the next day
    assert health["iite"].next_due is None and health["iite"].last_run is None

    # -- oer status (text and JSON) on the same store
    result = CliRunner().invoke(cli, ["--config", str(config_path), "status"],
                                env={"OER_HOME": str(home.root)})
    assert result.exit_code == 0, result.output
    assert "failing [oai, schedule 'every 4h']" in result.stdout
    assert ("  WARNING: not completed in the last 3 or more runs (never completed)"
            in result.stdout)
    assert "  records: 3 live, 0 deleted, 0 quarantined" in result.stdout
    as_json = CliRunner().invoke(cli, ["--config", str(config_path), "status", "--format", "json"],
                                 env={"OER_HOME": str(home.root)})
    sources = {s["source"]: s for s in json.loads(as_json.stdout)["sources"]}
    assert sources["slow"]["last_success"]["started_at"].endswith("T16:00:00Z")
    assert sources["failing"]["last_failure"]["status"] == "failed"
    assert format_health(health["failing"])[0] == "failing [oai, schedule 'every 4h']"


def run_while_slow_holds_the_lock(home: Home, config, config_path: Path, servers: Servers):
    """At 08:00 the slow source blocks mid-harvest: other runs must find the lock held."""
    servers.gate.clear()
    servers.slow_entered.clear()
    done: dict = {}
    worker = threading.Thread(target=lambda: done.update(
        report=run_due(home, config, clock=servers.clock, progress=lambda line: None)))
    worker.start()
    try:
        assert servers.slow_entered.wait(30)
        with pytest.raises(LockBusyError) as busy:  # a manual run of another source waits
            run_batch(home, config, [config.sources["steady"]], trigger="manual")
        assert busy.value.holder["command"] == "oer harvest (due)"
        other_process = oer_in_subprocess(home.root, config_path, "harvest", "steady")
        assert other_process.returncode == 1
        assert "another oer run holds the lock" in other_process.stderr
        # nothing else is due at 08:00, so a cron job finding the lock held just exits 0
        assert run_due(home, config, clock=servers.clock).sources == []
    finally:
        servers.gate.set()
        worker.join(60)
    return done["report"]


def test_nothing_due_writes_no_report_and_exits_0(tmp_path, clock):
    home = Home(tmp_path / "home")
    with Servers(clock) as servers:
        config = load_config(write_config(tmp_path / "sources.toml", servers))
        run_due(home, config, clock=clock, progress=lambda line: None)
        clock.now += timedelta(minutes=10)
        store = Store(home.store)
        try:
            due, not_run = due_sources(config, store, clock.now)
        finally:
            store.close()
        assert due == []
        assert {n.source: n.reason for n in not_run}["steady"] == (
            f"not due until {iso_utc(clock.now.replace(minute=0) + timedelta(hours=6))}")
        report = run_due(home, config, clock=clock, progress=lambda line: None)
    assert report.sources == [] and report.exit_status == 0 and report.report_path is None
    assert len(list((home.root / "reports").glob("*.json"))) == 1
