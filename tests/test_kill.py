"""SIGKILL at random points, restart until done: exactly the records of an uninterrupted run.

A 10-page list (30 records) is served slowly on 127.0.0.1; ``oer harvest`` runs in a
subprocess and is killed after a random delay, then restarted, until a run exits 0.
The store must then hold exactly what an uninterrupted run stores (same ids, same
raw versions), and the index must open and agree with the store.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harvester.replay_server import Reply, ReplayServer
from harvester.store import Store
from oai_pages import IDENTIFY, identifier, page, real_records

ROOT = Path(__file__).resolve().parent.parent
PAGE_DELAY_S = 0.15


def thirty_records() -> list[bytes]:
    """30 distinct records: the 9 real Zenodo records, with identifiers suffixed -k0…-k3."""
    out = []
    for copy in range(4):
        for record in real_records():
            ident = identifier(record)
            out.append(record.replace(ident.encode(), f"{ident}-k{copy}".encode()))
    return out[:30]


RECORDS = thirty_records()
PAGES = {None if n == 0 else f"P{n}": page(RECORDS[n * 3:n * 3 + 3],
                                           f"P{n + 1}" if n < 9 else None,
                                           complete_list_size=30, cursor=n * 3)
         for n in range(10)}


def respond(params: dict[str, str]) -> Reply:
    if params["verb"] == "Identify":
        return Reply(IDENTIFY)
    return Reply(PAGES[params.get("resumptionToken")], delay_s=PAGE_DELAY_S)


def harvest(home: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "OER_HOME": str(home),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "harvester", "harvest", "--oai", url,
                             "--name", "k"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def search_total(home: Path) -> int:
    env = {**os.environ, "OER_HOME": str(home),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-m", "harvester", "search", "*", "--format", "json"],
                         env=env, capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)["total"]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("clean")
    with ReplayServer(respond) as server:
        assert harvest(home, server.url).wait(timeout=120) == 0
    return home


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_random_kills_end_with_the_records_of_an_uninterrupted_run(tmp_path, clean_run, seed):
    rng = random.Random(seed)
    kills = 0
    with ReplayServer(respond) as server:
        for _attempt in range(12):
            proc = harvest(tmp_path, server.url)
            deadline = time.monotonic() + rng.uniform(0.4, 2.2)
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.01)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                kills += 1
                continue
            assert proc.returncode == 0
            break
        else:
            proc = harvest(tmp_path, server.url)
            assert proc.wait(timeout=120) == 0
    assert kills >= 1, "the seed never killed a run; widen the delays"
    killed, clean = Store(tmp_path / "store.sqlite"), Store(clean_run / "store.sqlite")
    try:
        assert killed.record_ids() == clean.record_ids()
        assert len(killed.record_ids()) == 27  # 30 records, 3 of them deleted headers
        for record_id in clean.record_ids():
            assert killed.raw_versions(record_id) == clean.raw_versions(record_id)
        assert killed.count(include_deleted=True) == 30
    finally:
        killed.close()
        clean.close()
    assert search_total(tmp_path) == 27
