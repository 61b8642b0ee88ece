"""The ``oer`` command end to end: harvest → store → index → search, status, exit codes,
and a harvest killed with SIGKILL after page 2 that resumes without loss or duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester.cli import cli
from harvester.replay_server import Reply, ReplayServer
from harvester.store import Store
from oai_pages import IDENTIFY, as_deleted, identifier, page, real_records

RECORDS = real_records()
DELETED = "oai:zenodo.org:8433364"
LIVE_IDS = {f"zenodo:{identifier(r)}" for r in RECORDS} - {f"zenodo:{DELETED}"}
ROOT = Path(__file__).resolve().parent.parent


def chained_pages() -> dict[str | None, bytes]:
    return {None: page(RECORDS[0:3], "T1", complete_list_size=9),
            "T1": page(RECORDS[3:6], "T2", complete_list_size=9),
            "T2": page(RECORDS[6:9], complete_list_size=9)}


def serve(pages: dict[str | None, bytes], gate: threading.Event | None = None) -> ReplayServer:
    """Identify + pages by token; with ``gate``, the T2 request waits until it is set."""

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        token = params.get("resumptionToken")
        if gate is not None and token == "T2":
            gate.wait(30)
        return Reply(pages[token])

    return ReplayServer(respond)


def oer(home: Path, *args: str):
    result = CliRunner().invoke(cli, list(args), env={"OER_HOME": str(home)},
                                catch_exceptions=False)
    return result


def search_json(home: Path, *args: str) -> dict:
    result = oer(home, "search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_harvest_then_search_json_shape(tmp_path):
    with serve(chained_pages()) as server:
        result = oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
    assert result.exit_code == 0, result.output
    assert "[zenodo] page 2: +3 records (6 total, 1 deleted; ~9 expected)" in result.stderr
    everything = search_json(tmp_path, "*", "--limit", "50")
    assert everything["total"] == 8
    assert {h["id"] for h in everything["hits"]} == LIVE_IDS
    hit = search_json(tmp_path, "PocketCoffea")["hits"][0]
    assert hit["id"] == "zenodo:oai:zenodo.org:8435696"
    assert hit["url"] == "https://doi.org/10.5281/zenodo.8435696"
    assert hit["license"] == {"id": "CC-BY-4.0",
                              "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert hit["source"] == "zenodo" and hit["score"] > 0
    assert set(hit) >= {"id", "title", "url", "license", "language", "source", "score"}
    by_licence = search_json(tmp_path, "*", "--license", "CC-BY-4.0", "--limit", "50")
    assert 0 < by_licence["total"] < 8
    assert {h["license"]["id"] for h in by_licence["hits"]} == {"CC-BY-4.0"}


def test_status_and_exit_code_of_an_incomplete_source(tmp_path):
    truncated = {None: page(RECORDS[0:3], complete_list_size=350)}
    with serve(truncated) as server:
        result = oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
    assert result.exit_code == 1
    assert "[zenodo] incomplete: 3 added" in result.stderr and "347 missing" in result.stderr
    status = oer(tmp_path, "status").stdout
    block = status[status.index("zenodo [not configured]"):]  # ad hoc: not in sources.toml
    assert "  records: 3 live, 0 deleted, 0 quarantined\n" in block
    assert "  last run: incomplete at " in block
    assert "3 added, 0 updated, 0 deleted, 0 quarantined" in block
    assert "  last success: never\n" in block and "347 missing" in block


def test_deleted_record_leaves_the_index(tmp_path):
    pages = {None: page(RECORDS[0:3], empty_token=True)}
    with serve(pages) as server:  # one base URL: a name is one repository (source_names)
        oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
        assert search_json(tmp_path, "PocketCoffea")["total"] == 1
        pages[None] = page([as_deleted(RECORDS[0])], empty_token=True)
        result = oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
    assert result.exit_code == 0 and "-1 removed" in result.stderr
    assert search_json(tmp_path, "PocketCoffea")["total"] == 0
    assert search_json(tmp_path, "*")["total"] == 2


def test_usage_and_config_errors_exit_2(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text('[sources.x]\nbase_url = "ftp://nope"\ntimeout = 3\n')
    result = oer(tmp_path, "--config", str(bad), "harvest")
    assert result.exit_code == 2
    assert "sources.x.base_url" in result.stderr and "sources.x.timeout" in result.stderr
    assert oer(tmp_path, "harvest", "--oai", "http://127.0.0.1:9/oai").exit_code == 2
    good = tmp_path / "ok.toml"
    good.write_text('[sources.a]\nbase_url = "http://127.0.0.1:9/oai"\n')
    result = oer(tmp_path, "--config", str(good), "harvest", "b")
    assert result.exit_code == 2 and "unknown source(s): b" in result.stderr


def test_search_before_any_harvest_says_so(tmp_path):
    result = oer(tmp_path, "search", "*")
    assert result.exit_code == 1 and "no index yet" in result.stderr


def test_configured_sources_file_is_harvested(tmp_path):
    with serve(chained_pages()) as server:
        config = tmp_path / "sources.toml"
        config.write_text(f'[harvest]\nread_timeout_s = 5\n\n[sources.zenodo]\n'
                          f'base_url = "{server.url}"\nmetadata_prefix = "oai_dc"\n')
        result = oer(tmp_path, "--config", str(config), "harvest", "zenodo")
    assert result.exit_code == 0, result.stderr
    assert search_json(tmp_path, "*")["total"] == 8


def test_demo_runs_offline_on_recorded_data(tmp_path):
    result = oer(tmp_path, "demo", "--home", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.stderr
    assert "[rcaap] complete: 103 added" in result.stderr
    assert "[calpoly] complete: 208 added" in result.stderr
    assert "record(s) match" in result.stdout
    assert search_json(tmp_path / "demo", "*")["total"] == 311


@pytest.mark.parametrize("kill_after_pages", [2])
def test_killed_harvest_resumes_with_the_same_records(tmp_path, kill_after_pages):
    """SIGKILL while page 3 is in flight (pages 1-2 stored), then resume."""
    env = {**os.environ, "OER_HOME": str(tmp_path / "killed"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    gate = threading.Event()
    with serve(chained_pages(), gate) as server:
        proc = subprocess.Popen([sys.executable, "-m", "harvester", "harvest", "--oai",
                                 server.url, "--name", "zenodo"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not any(r.get("resumptionToken") == "T2" for r in server.requests):
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        gate.set()
        store = Store(tmp_path / "killed" / "store.sqlite")
        state = store.load_state("zenodo")
        assert (state.status, state.token, state.pages, state.seen) == ("incomplete", "T2", 2, 6)
        assert len(store.record_ids()) == 5  # page 2 held the deleted header
        store.close()
        before = len(server.requests)
        resumed = oer(tmp_path / "killed", "harvest", "--oai", server.url, "--name", "zenodo")
        assert resumed.exit_code == 0, resumed.stderr
        assert server.requests[before + 1] == {"verb": "ListRecords", "resumptionToken": "T2"}
        assert "resuming an unfinished list at page 3" in resumed.stderr
    with serve(chained_pages()) as server:
        assert oer(tmp_path / "clean", "harvest", "--oai", server.url,
                   "--name", "zenodo").exit_code == 0
    killed, clean = (Store(tmp_path / d / "store.sqlite") for d in ("killed", "clean"))
    assert killed.record_ids() == clean.record_ids() == LIVE_IDS
    assert killed.count(include_deleted=True) == clean.count(include_deleted=True) == 9
    for record_id in LIVE_IDS:
        assert killed.raw_versions(record_id) == clean.raw_versions(record_id)
    assert search_json(tmp_path / "killed", "*", "--limit", "50")["total"] == 8


def test_a_deferred_source_does_not_stop_the_others(tmp_path):
    """C10 across sources: one answers 429 with a one-day Retry-After, the other harvests."""

    def busy(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        return Reply(b"", 429, (("Retry-After", "86400"),))

    with serve(chained_pages()) as good, ReplayServer(busy) as slow:
        config = tmp_path / "sources.toml"
        config.write_text(f'[sources.busy]\nbase_url = "{slow.url}"\n\n'
                          f'[sources.zenodo]\nbase_url = "{good.url}"\n')
        result = oer(tmp_path, "--config", str(config), "harvest")
    assert result.exit_code == 1
    assert "[busy] deferred" in result.stderr and "[zenodo] complete: 8 added" in result.stderr
    assert search_json(tmp_path, "*")["total"] == 8


def _harvest_until_page_2_is_asked(home: Path, server: ReplayServer) -> subprocess.Popen:
    """``oer harvest --oai`` of ``server`` as source ``zenodo`` in a child process, returned
    once it has asked for page 2 (token ``T1``)."""
    env = {**os.environ, "OER_HOME": str(home),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "harvester", "harvest", "--oai",
                             server.url, "--name", "zenodo"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not any(r.get("resumptionToken") == "T1" for r in server.requests):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    return proc


def test_first_ctrl_c_stops_after_the_page_indexes_it_and_the_next_run_resumes(tmp_path):
    """SIGINT while page 2 is in flight: page 2 is stored, the run ends incomplete (exit
    130) with its token kept, the index has pages 1-2, and the next run resumes at T2."""
    pages = chained_pages()

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        token = params.get("resumptionToken")
        return Reply(pages[token], delay_s=1.5 if token == "T1" else 0)

    with ReplayServer(respond) as server:
        proc = _harvest_until_page_2_is_asked(tmp_path, server)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        assert "stopping after the current page" in stderr
        assert "stopped on request after page 2" in stderr
        store = Store(tmp_path / "store.sqlite")
        state = store.load_state("zenodo")
        assert (state.status, state.token, state.pages) == ("incomplete", "T2", 2)
        store.close()
        assert search_json(tmp_path, "*")["total"] == 5  # pages 1-2 indexed (1 deleted)
        again = oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
    assert again.exit_code == 0 and "resuming an unfinished list at page 3" in again.stderr
    assert search_json(tmp_path, "*")["total"] == 8


def test_second_ctrl_c_aborts_at_once_and_the_next_run_resumes(tmp_path):
    """Two SIGINTs while page 2 takes 20 s: exit 130 at once (not when the page arrives,
    not click's exit 1); page 1 stays stored and the next run resumes after it."""
    pages = chained_pages()
    slow = [True]  # page 2 takes 20 s until the abort

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        token = params.get("resumptionToken")
        return Reply(pages[token], delay_s=20 if token == "T1" and slow[0] else 0)

    with ReplayServer(respond) as server:
        proc = _harvest_until_page_2_is_asked(tmp_path, server)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=10)  # the page in flight would take 20 s
        assert proc.returncode == 130, stderr
        assert "aborted; the next run resumes from the last stored page" in stderr
        assert "Aborted!" not in stderr and "Traceback" not in stderr
        store = Store(tmp_path / "store.sqlite")
        state = store.load_state("zenodo")
        assert (state.token, state.pages) == ("T1", 1)
        store.close()
        slow[0] = False
        again = oer(tmp_path, "harvest", "--oai", server.url, "--name", "zenodo")
    assert again.exit_code == 0 and "resuming an unfinished list at page 2" in again.stderr
    assert search_json(tmp_path, "*")["total"] == 8


def test_unusable_oer_home_and_corrupt_store_are_one_line_errors(tmp_path):
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    result = oer(a_file, "status")
    assert result.exit_code == 2
    assert f"OER_HOME {a_file} is not a writable directory" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.sqlite").write_bytes(b"this is no database" * 100)
    result = oer(home, "index", "--rebuild")
    assert result.exit_code == 1
    assert "store.sqlite is not a readable oer store" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_harvest_arguments_are_checked_before_any_request(tmp_path):
    with serve(chained_pages()) as server:
        bad_date = oer(tmp_path, "harvest", "--oai", server.url, "--name", "z",
                       "--from", "yesterday")
        assert bad_date.exit_code == 2 and "--from 'yesterday'" in bad_date.stderr
        alone = oer(tmp_path, "harvest", "--name", "z")
        assert alone.exit_code == 2 and "only go with --oai" in alone.stderr
        config = tmp_path / "sources.toml"
        config.write_text('[sources.doab]\nbase_url = "https://directory.doabooks.org/oai/request"\n')
        clash = oer(tmp_path, "--config", str(config), "harvest", "--oai", server.url,
                    "--name", "doab")
        assert clash.exit_code == 2 and "configured source with another URL" in clash.stderr
        assert server.requests == []


def test_demo_never_writes_into_oer_home(tmp_path):
    result = oer(tmp_path / "mine", "demo")
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "mine" / "store.sqlite").exists()
    assert "demo OER_HOME: " in result.stderr and str(tmp_path / "mine") not in result.stderr
