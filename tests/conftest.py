"""Shared test fixtures: a store in a temporary OER_HOME, a replay server, a no-wait client."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Random tests (Hypothesis) draw the same examples on every run, so CI cannot pass or fail
# by chance; `HYPOTHESIS_PROFILE=explore` draws new ones, 25 times as many, to hunt for
# bugs (then pin what it finds as a fixed case).
settings.register_profile("ci", derandomize=True, max_examples=40, print_blob=True)
settings.register_profile("explore", max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

sys.path.insert(0, str(Path(__file__).parent))

from harvester.oai_client import ClientSettings, OAIClient, RetryPolicy  # noqa: E402
from harvester.store import Store  # noqa: E402


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the client asked for, instead of sleeping."""
    return []


@pytest.fixture
def make_client(sleeps):
    """A client for a test server: short timeouts, and waits recorded, not slept."""

    def make(url: str, *, max_retries: int = 3, read_timeout_s: float = 5.0,
             max_retry_after_s: float = 60.0) -> OAIClient:
        settings = ClientSettings(connect_timeout_s=2.0, read_timeout_s=read_timeout_s,
                                  retry=RetryPolicy(max_retries=max_retries, backoff_base_s=0.01,
                                                    max_retry_after_s=max_retry_after_s))
        return OAIClient(url, settings, sleep=sleeps.append)

    return make

