"""Read the records of a recorded OAI-PMH or SRU response (tests/fixtures) for the crosswalk tests."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

FIXTURES = Path(__file__).parent / "fixtures"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
SRW = "{http://www.loc.gov/zing/srw/}"
SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def parse(relative: str) -> etree._Element:
    """The root element of a fixture file, parsed without entities or network."""
    return etree.parse(str(FIXTURES / relative), SAFE).getroot()


def oai_records(relative: str) -> list[tuple[dict, etree._Element | None]]:
    """``(header kwargs, metadata element or None)`` for each ``record`` of an OAI-PMH response."""
    records = []
    for record in parse(relative).iter(f"{OAI}record"):
        header = record.find(f"{OAI}header")
        metadata = record.find(f"{OAI}metadata")
        element = None
        if metadata is not None:
            element = next((c for c in metadata if isinstance(c.tag, str)), None)
        records.append(({
            "oai_identifier": header.findtext(f"{OAI}identifier"),
            "datestamp": header.findtext(f"{OAI}datestamp"),
            "set_specs": tuple(s.text for s in header.findall(f"{OAI}setSpec")),
        }, element))
    return records


def sru_records(relative: str) -> list[tuple[str, etree._Element]]:
    """``(recordIdentifier, record element)`` for each SRU ``record``."""
    result = []
    for record in parse(relative).iter(f"{SRW}record"):
        data = record.find(f"{SRW}recordData")
        element = next(c for c in data if isinstance(c.tag, str))
        result.append((record.findtext(f"{SRW}recordIdentifier").strip(), element))
    return result
