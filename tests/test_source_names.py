"""An ad-hoc ``--name`` already used in the store for another URL is refused, as a
configured one is (:mod:`harvester.source_names`): two repositories never share
records and a watermark."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from harvester.cli import cli
from harvester.replay_server import Reply, ReplayServer
from harvester.store import Store
from oai_pages import IDENTIFY, identifier, page, real_records

RECORDS = real_records()
FIRST, SECOND = RECORDS[0:3], RECORDS[3:6]
DELETED = "oai:zenodo.org:8433364"  # status="deleted" in the recorded Zenodo page


def serve(records: list[bytes]) -> ReplayServer:
    """A one-page repository on 127.0.0.1 holding ``records``."""
    return ReplayServer(lambda params: Reply(IDENTIFY if params["verb"] == "Identify"
                                             else page(records)))


def oer(home: Path, *args: str):
    return CliRunner().invoke(cli, list(args), env={"OER_HOME": str(home)},
                              catch_exceptions=False)


def test_a_second_repository_under_a_used_name_is_refused(tmp_path):
    first_ids = {f"adhoc:{identifier(r)}" for r in FIRST}
    with serve(FIRST) as first, serve(SECOND) as second:
        done = oer(tmp_path, "harvest", "--oai", first.url, "--name", "adhoc")
        assert done.exit_code == 0, done.stderr
        store = Store(tmp_path / "store.sqlite")
        watermark = store.load_state("adhoc").watermark
        assert store.record_ids("adhoc") == first_ids and watermark
        assert store.source_url("adhoc") == first.url
        store.close()

        for option in ("--oai", "--sitemap"):
            clash = oer(tmp_path, "harvest", option, second.url, "--name", "adhoc")
            assert clash.exit_code == 2, clash.stderr
            assert (f"'adhoc' was harvested with another URL ({first.url}); its records "
                    "and watermark would mix with this one's. Use another --name"
                    in clash.stderr)
        assert second.requests == []

        again = oer(tmp_path, "harvest", "--oai", first.url, "--name", "adhoc")
        assert again.exit_code == 0, again.stderr
        other = oer(tmp_path, "harvest", "--oai", second.url, "--name", "adhoc2")
        assert other.exit_code == 0, other.stderr

    store = Store(tmp_path / "store.sqlite")
    try:
        assert store.record_ids("adhoc") == first_ids
        assert store.record_ids("adhoc2") == {f"adhoc2:{identifier(r)}" for r in SECOND
                                                 if identifier(r) != DELETED}
        assert store.load_state("adhoc").watermark == watermark
    finally:
        store.close()
