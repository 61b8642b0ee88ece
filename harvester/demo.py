"""``oer demo``: harvest real recorded responses served on 127.0.0.1, offline.

The package ships real ListRecords pages of two repositories (``demo_data/``, see its
README.md); each is served by a :class:`~harvester.replay_server.ReplayServer` and
harvested through the same code path as a real endpoint.
"""

from __future__ import annotations

from contextlib import ExitStack
from importlib import resources

from harvester.config import OAISource
from harvester.replay_server import ReplayServer, recorded_responder
from indexer.backend import SearchQuery

DEMO_SOURCES = {
    "rcaap": ["rcaap-p1.xml", "rcaap-p2.xml"],
    "calpoly": ["calpoly-p1.xml", "calpoly-p2.xml", "calpoly-p3.xml"],
}
"""Demo source name → its recorded ListRecords pages, in list order."""

DEMO_QUERIES = (
    SearchQuery(text="climate change", limit=3),
    SearchQuery(text="*", licences=("CC-BY-4.0", "CC-BY-NC-4.0"), limit=3),
)
"""The sample searches run after the demo harvest."""


def _data(name: str) -> bytes:
    return resources.files("harvester.demo_data").joinpath(name).read_bytes()


def start_demo_servers(stack: ExitStack) -> list[OAISource]:
    """Start one replay server per demo source; they stop when ``stack`` closes.

    Returns:
        The demo sources, with ``base_url`` pointing at their 127.0.0.1 servers.
    """
    sources = []
    for name, pages in DEMO_SOURCES.items():
        responder = recorded_responder(_data(f"{name}-identify.xml"), [_data(p) for p in pages])
        server = stack.enter_context(ReplayServer(responder))
        sources.append(OAISource(name=name, base_url=server.url))
    return sources
