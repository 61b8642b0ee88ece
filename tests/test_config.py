"""The sources file: the shipped entries, the schema's errors, kinds, OER_CONFIG, schedules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester import runner
from harvester.cli import cli
from harvester.config import HARVESTABLE_KINDS, load_config
from harvester.errors import ConfigError
from harvester.policies import POLICIES
from harvester.schedules import parse_schedule

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "config" / "sources.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    return str(caught.value)


def test_shipped_file_lists_the_required_real_sources():
    config = load_config(SHIPPED)
    s = config.sources
    assert s["unesdoc"].base_url == "https://unesdoc.unesco.org/in/rest/oai"
    assert (s["unesdoc-opendata"].kind, s["unesdoc-opendata"].dataset) == ("api", "doc001")
    assert s["iite"].kind == "spider" and not s["iite"].enabled
    assert s["iite"].start_urls == ("https://iite.unesco.org/publications/",)
    assert s["doab"].base_url == "https://directory.doabooks.org/oai/request"
    assert s["oapen"].base_url == "https://library.oapen.org/oai/request"
    assert s["zenodo-oer"].set_spec.startswith("user-") and not s["zenodo-oer"].enabled
    others = {"duepublico-oer", "tudelft-textbooks", "canal-u", "phaidra-univie-oer",
              "worldbank-okr"}
    assert others <= set(s) and all(s[n].kind == "oai" and s[n].enabled for n in others)


def test_every_shipped_source_has_a_title_a_valid_schedule_and_a_known_policy():
    config = load_config(SHIPPED)
    for source in config.sources.values():
        assert source.title and source.licence_policy in POLICIES
        assert parse_schedule(source.schedule, config.schedule.timezone)
        assert source.delay_s >= 1.0  # polite to every server
        if source.kind == "oai":
            assert source.base_url.startswith("https://")
        assert source.enabled is False or source.kind in HARVESTABLE_KINDS


def test_each_error_names_the_source_and_the_field(tmp_path):
    message = error_of(tmp_path, '[sources.doab]\nbase_url = "ftp://nope"\n'
                                 'shedule = "17 3 * * *"\nlicence_policy = "open"\n')
    lines = [line.strip() for line in message.splitlines()]
    assert lines[0].endswith("sources.toml: invalid configuration")
    assert "sources.doab.base_url: must be an http:// or https:// URL" in lines
    assert "sources.doab.shedule: unknown key (did you mean 'schedule'?)" in lines
    assert ("sources.doab.licence_policy: unknown licence policy 'open' "
            "(one of: free-cultural, unesco-oer, any-cc)") in lines


def test_unknown_keys_are_errors_in_every_section(tmp_path):
    message = error_of(tmp_path, '[schedule]\nparalel_sources = 2\n[reconcile]\nmax_delete = 3\n'
                                 '[sources.a]\nbase_url = "https://example.org/oai"\n')
    assert "schedule.paralel_sources: unknown key (did you mean 'parallel_sources'?)" in message
    assert "reconcile.max_delete: unknown key" in message


@pytest.mark.parametrize("schedule, expected", [
    ("17 3 * * 8", "'17 3 * * 8' is not a valid cron expression"),
    ("every 10s", "neither a five-field cron expression"),
    ("0 0 * * * *", "neither a five-field cron expression"),
    ("every 0m", "shorter than 60 s"),
])
def test_a_bad_schedule_is_named(tmp_path, schedule, expected):
    message = error_of(tmp_path, f'[sources.a]\nbase_url = "https://example.org/oai"\n'
                                 f'schedule = "{schedule}"\n')
    assert "sources.a.schedule: " in message and expected in message


def test_kind_is_checked_and_its_own_fields_are_required(tmp_path):
    assert "sources.x: unknown kind 'ftp' (one of: oai, sitemap, api, spider)" in error_of(
        tmp_path, '[sources.x]\nkind = "ftp"\n')
    message = error_of(tmp_path, '[sources.x]\nkind = "api"\napi = "opendatasoft-explore-v2.1"\n'
                                 'base_url = "https://data.unesco.org/api/explore/v2.1"\n')
    assert "sources.x.dataset: Field required" in message
    message = error_of(tmp_path, '[sources.x]\nkind = "sitemap"\nstart_urls = []\n')
    assert "sources.x.start_urls" in message


def test_the_table_key_is_the_id_and_a_name_key_is_refused(tmp_path):
    message = error_of(tmp_path, '[sources.a]\nname = "A"\nbase_url = "https://example.org/oai"\n')
    assert "sources.a.name: the table key is the source's id; put a human name in 'title'" in message


def test_a_bad_time_zone_is_refused(tmp_path):
    assert "unknown time zone 'Mars/Olympus'" in error_of(
        tmp_path, '[schedule]\ntimezone = "Mars/Olympus"\n')


def test_oer_config_env_var_chooses_the_file_and_errors_exit_2(tmp_path):
    bad = write(tmp_path, '[sources.a]\nbase_url = "https://example.org/oai"\ntimeout = 3\n')
    result = CliRunner().invoke(cli, ["sources", "list"],
                                env={"OER_CONFIG": str(bad), "OER_HOME": str(tmp_path)})
    assert result.exit_code == 2 and "sources.a.timeout: unknown key" in result.stderr


def test_a_named_source_of_a_kind_without_harvester_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.delitem(runner.HARVESTERS, "spider", raising=False)
    path = write(tmp_path, '[sources.iite]\nkind = "spider"\nspider = "unesco-iite"\n'
                           'start_urls = ["https://iite.unesco.org/publications/"]\n')
    result = CliRunner().invoke(cli, ["--config", str(path), "harvest", "iite"],
                                env={"OER_HOME": str(tmp_path)})
    assert result.exit_code == 2
    assert "[iite] kind 'spider' is not yet harvestable" in result.stderr


def test_cron_weekdays_follow_cron_not_apscheduler():
    friday = datetime(2026, 5, 1, 3, 17, tzinfo=UTC)
    sunday = datetime(2026, 5, 3, 3, 0, tzinfo=UTC)
    assert parse_schedule("0 3 * * 0").next_after(friday) == sunday
    assert parse_schedule("0 3 * * 7").next_after(friday) == sunday
    assert parse_schedule("0 3 * * 1-5").next_after(friday) == datetime(2026, 5, 4, 3, 0,
                                                                        tzinfo=UTC)


def test_cron_is_read_in_the_configured_time_zone_and_intervals_count_from_the_start():
    start = datetime(2026, 5, 1, 3, 17, tzinfo=UTC)
    # 03:00 in Paris is 01:00 UTC in summer (CEST, UTC+2).
    assert parse_schedule("0 3 * * *", "Europe/Paris").next_after(start) == datetime(
        2026, 5, 2, 1, 0, tzinfo=UTC)
    every = parse_schedule("every 6h")
    assert every.next_after(start) == datetime(2026, 5, 1, 9, 17, tzinfo=UTC)
    assert every.is_due(None, start) and not every.is_due(start, datetime(2026, 5, 1, 9, 16,
                                                                          tzinfo=UTC))
    assert len(parse_schedule("0 */6 * * *").fire_times(start, datetime(2026, 5, 2, 3, 17,
                                                                        tzinfo=UTC))) == 4


def comments_above(text: str, table: str) -> str:
    """The comment lines right above ``[table]`` in the sources file."""
    lines = text.splitlines()
    end = lines.index(f"[{table}]")
    start = end
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return "\n".join(lines[start:end])


def test_shipped_file_speaks_to_librarians_not_developers():
    """Its comments say what each source is and how to enable it, not where the code's
    notes, fixtures or issue tracker are."""
    text = SHIPPED.read_text(encoding="utf-8")
    for word in ("fixture", "issue", "brief", "shared/", "harvester/", "flux", "github.com",
                 "documented:", "recorded:", "unverified"):
        assert word not in text.lower(), word
    config = load_config(SHIPPED)
    for name, source in config.sources.items():
        about = comments_above(text, f"sources.{name}")
        assert len(about.splitlines()) >= 1, name  # every source says what it is
        if not source.enabled:  # … and a disabled one says why and how to enable it
            assert "Disabled" in about and "`oer sources check" in about, name
            assert "enabled = true" in about, name
