"""Real harvested records for search tests: recorded OAI-PMH pages mapped by our crosswalk.

Sources (see tests/fixtures/README.md and harvester/demo_data/README.md): Zenodo
(English, one Russian and one Ukrainian record), Érudit (French and English), RCAAP
(Portuguese and English), Cal Poly Digital Commons (English).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from harvester.cli_common import Home
from harvester.oai_dc import map_oai_dc
from harvester.oai_response import parse_response
from harvester.record import Resource
from harvester.store import SourceState, Store, StoredItem
from indexer.lifecycle import update_index

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "oai"
DEMO = ROOT / "harvester" / "demo_data"

PAGES: dict[str, tuple[Path, ...]] = {
    "zenodo": tuple(FIXTURES / f"zenodo-{n}-ListRecords.xml" for n in ("01", "06", "10", "09")),
    "erudit": (FIXTURES / "erudit-01-ListRecords.xml",),
    "rcaap": (DEMO / "rcaap-p1.xml", DEMO / "rcaap-p2.xml"),
    "calpoly": (DEMO / "calpoly-p1.xml", DEMO / "calpoly-p2.xml", DEMO / "calpoly-p3.xml"),
}


@lru_cache(maxsize=1)
def real_items() -> tuple[StoredItem, ...]:
    """Every live record of the pages above as the harvester hands them to the store
    (exact bytes and the resource mapped from oai_dc), in page order, one per id."""
    out: dict[str, StoredItem] = {}
    for source, paths in PAGES.items():
        for path in paths:
            page = parse_response(path.read_bytes(), verb="ListRecords")
            for rec in page.records:
                if rec.deleted or rec.metadata is None:
                    continue
                resource = map_oai_dc(rec.metadata, source=source, oai_identifier=rec.identifier,
                                      datestamp=rec.datestamp, set_specs=rec.set_specs)
                out[resource.id] = StoredItem(resource.id, rec.identifier, rec.datestamp, False,
                                              rec.raw, page.encoding, rec.namespaces, resource)
    return tuple(out.values())


def real_resources() -> tuple[Resource, ...]:
    """The resources of :func:`real_items`."""
    return tuple(item.resource for item in real_items())


def fill_store(store: Store, items) -> None:
    """Save ``items`` into ``store`` as harvest runs, one per source."""
    by_source: dict[str, list[StoredItem]] = {}
    for item in items:
        by_source.setdefault(item.record_id.split(":", 1)[0], []).append(item)
    for source, source_items in by_source.items():
        run_id = store.start_run(source, None, None, "2026-08-10T08:56:30Z")
        store.save_page(run_id, source_items, SourceState(source=source))
        store.finish_run(run_id, "complete", None, SourceState(source=source, status="complete"))


def indexed_home(root: Path, items=None) -> Home:
    """An ``OER_HOME`` at ``root`` whose store holds ``items`` (default: :func:`real_items`)
    and whose index is built from it, as a harvest leaves them."""
    home = Home(root)
    store = Store(home.store)
    try:
        fill_store(store, real_items() if items is None else items)
        update_index(store, home.index)
    finally:
        store.close()
    return home


def by_id(record_id: str) -> Resource:
    """One record of :func:`real_resources` by id."""
    return next(r for r in real_resources() if r.id == record_id)
