"""harvester.frozen: fast_init keeps the dataclass __init__'s behaviour; plain() = asdict()."""

from __future__ import annotations

import dataclasses
import inspect
import json
import pickle
from collections import namedtuple
from pathlib import Path

import pytest

from harvester.frozen import fast_init, json_text, plain
from harvester.oai_dc import map_oai_dc
from harvester.oai_response import OAIRecord, parse_response
from harvester.record import DateValue, Identifier, LangString, Licence, Resource, Term
from harvester.store_items import StoredItem

FIXTURES = Path(__file__).parent / "fixtures"


def _reference(cls: type) -> type:
    """The same class as ``dataclasses`` alone would build it (no fast_init)."""
    namespace = {"__annotations__": dict(cls.__annotations__), "__module__": cls.__module__}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            namespace[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f.name] = dataclasses.field(default_factory=f.default_factory)
    return dataclasses.dataclass(frozen=True, slots=True)(type(cls.__name__, (), namespace))


@pytest.mark.parametrize("cls", [LangString, Licence, Identifier, DateValue, Term, Resource,
                                 OAIRecord, StoredItem])
def test_fast_init_keeps_the_signature(cls: type) -> None:
    assert str(inspect.signature(cls)) == str(inspect.signature(_reference(cls)))
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


def test_fast_init_instances_behave_as_dataclass_ones() -> None:
    one = Resource(id="s:1", source="s", oai_identifier="1", datestamp="2020-01-01")
    two = Resource("s:1", "s", "1", "2020-01-01")
    assert one == two and hash(one) == hash(two)
    assert one.license == Licence() and one.title == () and one.url is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.title = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        Resource(id="s:1", source="s", oai_identifier="1")  # datestamp is required
    with pytest.raises(TypeError):
        Resource(id="s:1", source="s", oai_identifier="1", datestamp="d", colour="red")
    changed = dataclasses.replace(one, title=(LangString("Title", "en"),))
    assert changed.title[0].lang == "en" and one.title == ()
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert repr(LangString("a")) == "LangString(value='a', lang=None)"


def test_default_factory_runs_per_instance() -> None:
    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Bag:
        name: str
        items: list = dataclasses.field(default_factory=list)

    first, second = Bag("a"), Bag("b")
    assert first.items == [] and first.items is not second.items
    given = [1]
    assert Bag("c", given).items is given


def test_fast_init_refuses_what_it_cannot_reproduce() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Hook:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    for cls in (NoSlots, NotFrozen, Hook, KeywordOnly):
        with pytest.raises(TypeError, match="plain frozen dataclass"):
            fast_init(cls)


def test_plain_equals_asdict_on_real_records() -> None:
    page = parse_response((FIXTURES / "oai" / "zenodo-06-ListRecords.xml").read_bytes(),
                          verb="ListRecords")
    records = [map_oai_dc(r.metadata, source="zenodo", oai_identifier=r.identifier,
                          datestamp=r.datestamp, set_specs=r.set_specs) for r in page.records]
    assert records[0].license.id == "CC-BY-4.0"
    assert records[0].url == "https://doi.org/10.5281/zenodo.8435696"
    for record in records:
        assert record.to_dict() == dataclasses.asdict(record)
        assert (json.dumps(record.to_dict(), sort_keys=True)
                == json.dumps(dataclasses.asdict(record), sort_keys=True))
        assert Resource.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_plain_equals_asdict_on_unusual_values() -> None:
    Pair = namedtuple("Pair", "left right")
    odd = Resource(id="s:1", source="s", oai_identifier="1", datestamp="d",
                   title=(LangString("T"), "bare string"),
                   format=["a", "list"],  # type: ignore[arg-type]
                   url={"nested": [LangString("x", "fr")]},  # type: ignore[arg-type]
                   issued=Pair(1, LangString("y")))  # type: ignore[arg-type]
    assert plain(odd) == dataclasses.asdict(odd)
    assert type(plain(odd)["format"]) is list and type(plain(odd)["issued"]) is Pair
    kept = ("a", "b")
    assert plain(kept) is kept  # a tuple of scalars is immutable: not copied


def test_json_text_is_json_dumps_of_the_dict_on_real_records() -> None:
    page = parse_response((FIXTURES / "oai" / "erudit-01-ListRecords.xml").read_bytes(),
                          verb="ListRecords")
    records = [map_oai_dc(r.metadata, source="erudit", oai_identifier=r.identifier,
                          datestamp=r.datestamp, set_specs=r.set_specs) for r in page.records]
    assert len(records) == 46 and sum("fr" in r.language for r in records) == 40
    assert any(not c.isascii() for r in records for t in r.title for c in t.value)  # é …
    for record in records:
        assert record.to_json() == json.dumps(record.to_dict(), ensure_ascii=False)
        assert json_text(record) == record.to_json()


def test_json_text_of_unusual_values() -> None:
    class Text(str):
        pass

    Pair = namedtuple("Pair", "left right")
    odd = Resource(id=Text("s:\"1\"\\"), source="s\x00\x1f\u2028", oai_identifier="\U0001F4DA",
                   datestamp="d", title=(LangString("T", "en"), "bare", 3, 2.5, None, True),
                   format=["a", ("b",)],  # type: ignore[arg-type]
                   url={"k": [LangString("x")], "n": float("nan")},  # type: ignore[arg-type]
                   issued=Pair(1, LangString("y")),  # type: ignore[arg-type]
                   dates=(DateValue("c. 2019", "2019", "year", True, "issued"),))
    for value in (odd, odd.dates[0], (), ("a",), None, False, 1.5, Licence()):
        assert json_text(value) == json.dumps(plain(value), ensure_ascii=False), value
    with pytest.raises(TypeError):
        json_text(Resource(id="s:1", source="s", oai_identifier="1", datestamp="d",
                           url=object()))  # type: ignore[arg-type]


def test_fast_init_on_a_subclass_sets_inherited_slots() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Base:
        a: int

    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Child(Base):
        b: str = "x"

    child = Child(1)
    assert (child.a, child.b) == (1, "x") and child == Child(a=1, b="x")
