"""``oer schedule`` (APScheduler), the run lock from the command line, ``--quiet``, the
politeness delay."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from harvester.cli import cli
from harvester.cli_common import Home
from harvester.config import load_config
from harvester.locking import run_lock
from harvester.replay_server import Reply, ReplayServer
from harvester.runner import PoliteClient
from harvester.scheduler import NextDueTrigger, build_scheduler, next_due
from harvester.schedules import parse_schedule, parse_utc
from harvester.store import Store
from oai_pages import IDENTIFY, page, real_records

RECORDS = real_records()


def serve(status: int = 200) -> ReplayServer:
    def respond(params: dict[str, str]) -> Reply:
        if status != 200:
            return Reply(b"<html>error</html>", status, (("Content-Type", "text/html"),))
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        return Reply(page(RECORDS[0:3], empty_token=True))

    return ReplayServer(respond)


def config_file(tmp_path: Path, url: str, schedule: str = "17 3 * * *") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f'[harvest]\nmax_retries = 1\nbackoff_base_s = 0\n\n'
                    f'[sources.zenodo]\nbase_url = "{url}"\nschedule = "{schedule}"\n',
                    encoding="utf-8")
    return path


def oer(tmp_path: Path, *args: str):
    return CliRunner().invoke(cli, list(args), env={"OER_HOME": str(tmp_path / "home")})


def test_the_scheduler_runs_a_due_source_then_waits_for_its_next_slot(tmp_path):
    home = Home(tmp_path / "home")
    with serve() as server:
        config = load_config(config_file(tmp_path, server.url))
        reports, ran = [], threading.Event()
        scheduler = build_scheduler(home, config, scheduler=BackgroundScheduler(timezone="UTC"),
                                    on_report=lambda r: (reports.append(r), ran.set()),
                                    progress=lambda line: None)
        scheduler.start()
        try:
            assert ran.wait(30), "the never-harvested source was not run"
        finally:
            scheduler.shutdown(wait=True)
    report = reports[0]
    assert report.trigger == "schedule" and report.sources[0].status == "complete"
    assert report.report_path.name.endswith("-schedule.json")
    store = Store(home.store)
    try:
        start = parse_utc(store.last_runs()[0]["started_at"])
        after = start + timedelta(seconds=1)
        expected = parse_schedule("17 3 * * *").next_after(start)
        assert next_due(config, store, after) == expected
    finally:
        store.close()
    trigger = NextDueTrigger(lambda now: expected)
    assert trigger.get_next_fire_time(None, after) == expected
    # never a busy loop: at least a minute between two wake-ups
    assert trigger.get_next_fire_time(after, after) == max(expected, after + timedelta(seconds=60))
    assert NextDueTrigger(lambda now: None).get_next_fire_time(None, after) == after + timedelta(hours=1)


def test_a_second_scheduler_on_the_same_home_is_refused(tmp_path):
    config = config_file(tmp_path, "http://127.0.0.1:9/oai")
    with run_lock(tmp_path / "home", "oer schedule", name="schedule.lock"):
        result = oer(tmp_path, "--config", str(config), "schedule")
    assert result.exit_code == 1 and "schedule.lock" in result.stderr


def test_harvest_exits_1_when_another_run_holds_the_lock(tmp_path):
    config = config_file(tmp_path, "http://127.0.0.1:9/oai")
    with run_lock(tmp_path / "home", "test"):
        result = oer(tmp_path, "--config", str(config), "harvest")
    assert result.exit_code == 1
    assert "another oer run holds the lock" in result.stderr and "'test'" in result.stderr
    assert not (tmp_path / "home" / "reports").exists()


def test_index_exits_1_when_another_run_holds_the_lock(tmp_path):
    config = config_file(tmp_path, "http://127.0.0.1:9/oai")
    with run_lock(tmp_path / "home", "oer harvest (due)"):
        result = oer(tmp_path, "--config", str(config), "index", "--rebuild")
    assert result.exit_code == 1
    assert "oer index --rebuild: another oer run holds the lock" in result.stderr
    assert "'oer harvest (due)'" in result.stderr
    assert not (tmp_path / "home" / "index").exists()
    result = oer(tmp_path, "--config", str(config), "index")  # lock free again
    assert result.exit_code == 0, result.stderr
    assert "0 records indexed" in result.stdout


def test_quiet_prints_only_what_went_wrong(tmp_path):
    with serve() as good:
        ok = oer(tmp_path, "--config", str(config_file(tmp_path, good.url)), "--quiet",
                 "harvest", "--due")
        assert (ok.exit_code, ok.stderr, ok.stdout) == (0, "", "")
        loud = oer(tmp_path, "--config", str(config_file(tmp_path, good.url)), "harvest", "--due")
        assert loud.exit_code == 0
        assert loud.stderr.startswith("[zenodo] not run: not due until ")
        assert "nothing to harvest now" in loud.stderr
    with serve(status=500) as bad:
        failed = oer(tmp_path, "--config", str(config_file(tmp_path, bad.url)), "--quiet",
                     "harvest", "zenodo")
    assert failed.exit_code == 1
    assert failed.stderr.startswith("[zenodo] failed: 0 added")
    assert "HTTP 500 after 2 tries" in failed.stderr and "report:" not in failed.stderr
    reports = sorted((tmp_path / "home" / "reports").glob("*.json"))
    assert [json.loads(p.read_text())["trigger"] for p in reports] == ["due", "manual"]


def test_due_refuses_source_names(tmp_path):
    result = oer(tmp_path, "--config", str(config_file(tmp_path, "http://127.0.0.1:9/oai")),
                 "harvest", "--due", "zenodo")
    assert result.exit_code == 2 and "--due takes no SOURCE" in result.stderr


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def request(self, verb: str, **params: str) -> str:
        self.calls.append(verb)
        return verb


def test_polite_client_waits_between_requests_not_before_the_first():
    waits: list[float] = []
    client = PoliteClient(_Recorder(), delay_s=30.0, sleep=waits.append)
    assert client.request("Identify") == "Identify" and waits == []
    client.request("ListRecords", metadataPrefix="oai_dc")
    assert len(waits) == 1 and 0 < waits[0] <= 30.0
    assert client.calls == ["Identify", "ListRecords"]  # attributes pass through


def test_run_reports_are_pruned_to_keep_reports(tmp_path):
    from harvester.run_report import BatchReport, write_report
    for minute in range(5):
        stamp = datetime(2026, 5, 1, 3, minute, tzinfo=UTC).strftime("%Y%m%dT%H%M%SZ")
        write_report(tmp_path, BatchReport(trigger="due", started_at="x"), f"{stamp}-due", keep=3)
    names = [p.name for p in sorted((tmp_path / "reports").glob("*.json"))]
    assert names == ["20260501T030200Z-due.json", "20260501T030300Z-due.json",
                     "20260501T030400Z-due.json"]
