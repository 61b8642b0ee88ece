"""Every export format on real records and on hostile ones, read back with a real parser:
csv, json, rdflib (JSON-LD), lxml (oai_dc, validated against its content model), rispy,
bibtexparser, lxml.html and markdown-it (CommonMark)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from export_records import attribution_set, rigged, unesdoc_with_scope, zenodo_cc_by
from search.export import FORMATS, Selection, export_chunks
from search.export.attribution import attribute
from search.export.tabular import CSV_COLUMNS
from search.export.text import clean_text

# Hostile titles: formula starters, markup, control characters, bidi override and marks.
FORMULA = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A2)",
           "\t=tab first", "\r=cr first", "\u200f=after an RLM"]
MARKUP = "<script>alert('x')</script> & <b>bold</b> *em* [link](javascript:alert(1)) {a}%\\"
CONTROLS = "Bell\x07 NUL\x00 ESC\x1b[31m C1\x85 DEL\x7f end"
BIDI = "\u202eexe.tab\u202c and \u200fשלום\u200f"
HOSTILE = [*FORMULA, MARKUP, CONTROLS, BIDI]


def _records():
    base = zenodo_cc_by()[0]
    rigged_records = [rigged(base, title, id=f"{base.id}:rigged{n}") for n, title
                      in enumerate(HOSTILE)]
    rigged_records.append(rigged(base, "javascript URL", id=f"{base.id}:js",
                                 url="javascript:alert(1)"))
    scoped = unesdoc_with_scope()
    scoped = dataclasses.replace(scoped, id=scoped.id + "#imprint")  # ids are unique on a list
    return [*attribution_set(), scoped, *rigged_records]


RECORDS = _records()
EXPECTED_TITLES = [clean_text(r.title[0].value) for r in RECORDS]


def export(fmt: str, records=None, **kwargs) -> str:
    data = b"".join(export_chunks(RECORDS if records is None else records, fmt,
                                  Selection(**kwargs)))
    return data.decode("utf-8")


def test_cleaning_of_the_hostile_titles() -> None:
    assert clean_text(CONTROLS) == "Bell NUL ESC[31m C1 DEL end"
    assert clean_text(BIDI) == "exe.tab and \u200fשלום\u200f"  # override gone, RLM kept
    assert clean_text("\t=tab first") == "=tab first"


# -- CSV ---------------------------------------------------------------------------------

def test_csv_reads_back_with_neutralised_formulas() -> None:
    text = export("csv")
    assert text.startswith("\ufeff\"id\",\"title\"")  # BOM for Excel, every cell quoted
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = rows[1:1 + len(RECORDS)]
    titles = [row[1] for row in body]
    for title, expected in zip(titles, EXPECTED_TITLES, strict=True):
        if expected.lstrip("\u200f")[:1] in "=+-@":
            assert title == "'" + expected
        else:
            assert title == expected
    assert titles[EXPECTED_TITLES.index("=tab first")] == "'=tab first"
    for row in body:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
            assert not any(c in cell for c in "\x00\x07\x1b\x7f\x85\u202e")
    by_id = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in body}
    gms = by_id["datacite:oai:oai.datacite.org:1543869"]
    assert (gms["licence"], gms["licence_url"], gms["doi"], gms["language"]) == (
        "CC BY-NC-ND 3.0 DE", "https://creativecommons.org/licenses/by-nc-nd/3.0/de/",
        "10.3205/mbi000252", "de")
    assert by_id["oercommons:https://oercommons.org/courseware/lesson/65913/overview"][
        "attribution_missing"] == "author"
    assert by_id["unesdoc:ark:/48223/pf0000397002"]["licence_scope"] == ""
    assert by_id["unesdoc:ark:/48223/pf0000397002#imprint"]["licence_scope"].startswith(
        "The present license applies exclusively to the text content")
    # the summary follows an empty row
    tail = rows[1 + len(RECORDS):]
    assert tail[0] == [] and tail[1] == ["", f"Licence summary: {len(RECORDS)} resource(s) on "
                                                 "this list."]
    assert ["", "CC BY 4.0: 12"] in tail  # one real record, eleven rigged copies


# -- JSON lines and JSON-LD --------------------------------------------------------------

def test_jsonl_is_lossless_and_escaped() -> None:
    text = export("jsonl")
    assert "<" not in text and "\u202e" not in text and "\x85" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["kind"] for line in lines] == ["resource"] * len(RECORDS) + ["summary"]
    assert [line["record"]["title"][0]["value"] for line in lines[:-1]] == \
        [r.title[0].value for r in RECORDS]  # exactly as harvested, controls included
    assert lines[0]["attribution"]["text"] == attribute(RECORDS[0]).text
    assert lines[-1]["licences"][0] == {"id": "CC-BY-4.0", "name": "CC BY 4.0", "count": 12}
    assert lines[-1]["remix"]["compatible"] is False


def test_json_ld_parses_as_json_and_as_rdf() -> None:
    text = export("json-ld")
    doc = json.loads(text)
    items = [e["item"] for e in doc["itemListElement"]]
    assert doc["numberOfItems"] == len(RECORDS) == len(items)
    assert [i.get("name") for i in items] == EXPECTED_TITLES
    igo = items[1]
    assert (igo["license"], igo["inLanguage"], igo["author"][1]) == (
        "https://creativecommons.org/licenses/by-sa/3.0/igo/", ["es"], {"name": "Marquina, Mónica"})
    assert igo["creditText"] == attribute(RECORDS[1]).text
    pdm = items[5]
    assert pdm["@type"] == ["CreativeWork", "LearningResource"]
    assert pdm["educationalLevel"] == [{"@type": "DefinedTerm", "name": "graduate-professional",
                                        "termCode": "graduate-professional",
                                        "inDefinedTermSet": "oercommons"}]
    assert "url" not in items[-1]  # a javascript: URL is no link
    assert doc["licenceSummary"]["exported"] == len(RECORDS)
    # JSON-LD processing (offline: schema.org's context replaced by its @vocab)
    import rdflib

    doc["@context"][0] = {"@vocab": "https://schema.org/"}
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    licences = set(graph.objects(rdflib.URIRef("https://doi.org/10.3205/mbi000252"),
                                 schema.license))
    assert {str(x) for x in licences} == {"https://creativecommons.org/licenses/by-nc-nd/3.0/de/"}


# -- oai_dc XML ----------------------------------------------------------------------------

DC_ELEMENTS = ("title", "creator", "subject", "description", "publisher", "contributor", "date",
               "type", "format", "identifier", "source", "language", "relation", "coverage",
               "rights")


def oai_dc_schema(tmp_path) -> etree.XMLSchema:
    """The content model of oai_dc.xsd + simpledc20021212.xsd (the fifteen DC elements,
    repeatable, any order, text with optional xml:lang), written here: the official files
    import xml.xsd from the network."""
    dc = tmp_path / "dc.xsd"
    dc.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'targetNamespace="http://purl.org/dc/elements/1.1/" elementFormDefault="qualified">'
        '<xs:complexType name="elementType"><xs:simpleContent><xs:extension base="xs:string">'
        '<xs:anyAttribute namespace="http://www.w3.org/XML/1998/namespace" processContents="skip"/>'
        "</xs:extension></xs:simpleContent></xs:complexType>"
        + "".join(f'<xs:element name="{n}" type="dc:elementType"/>' for n in DC_ELEMENTS)
        + "</xs:schema>", encoding="utf-8")
    oai = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'targetNamespace="http://www.openarchives.org/OAI/2.0/oai_dc/" '
           'elementFormDefault="qualified">'
           f'<xs:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="{dc.as_uri()}"/>'
           '<xs:element name="dc"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">'
           + "".join(f'<xs:element ref="dc:{n}"/>' for n in DC_ELEMENTS)
           + "</xs:choice></xs:complexType></xs:element></xs:schema>")
    return etree.XMLSchema(etree.fromstring(oai.encode()))


def test_oai_dc_is_valid_and_escaped(tmp_path) -> None:
    text = export("oai_dc")
    root = etree.fromstring(text.encode("utf-8"))
    schema = oai_dc_schema(tmp_path)
    ns = {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
          "dc": "http://purl.org/dc/elements/1.1/"}
    records = root.findall("record")
    assert len(records) == len(RECORDS)
    for record in records:
        dc = record.find("oai_dc:dc", ns)
        schema.assertValid(dc)
    titles = [r.find("oai_dc:dc/dc:title", ns).text for r in records]
    assert titles == EXPECTED_TITLES
    igo = records[1].find("oai_dc:dc", ns)
    assert igo.find("dc:rights", ns).text == "https://creativecommons.org/licenses/by-sa/3.0/igo/"
    assert [e.text for e in igo.findall("dc:language", ns)] == ["es"]
    assert records[2].find("attribution").text == attribute(RECORDS[2]).text
    assert root.find("script") is None and not root.findall(".//script")
    summary = root.find("summary")
    assert summary.find("remix").get("compatible") == "false"
    assert summary.find("licence").get("id") == "CC-BY-4.0"


# -- RIS and BibTeX --------------------------------------------------------------------------

def test_ris_reads_back_with_rispy() -> None:
    text = export("ris")
    entries = rispy.loads(text)
    assert [e.get("title") for e in entries] == EXPECTED_TITLES
    gms = entries[3]
    assert gms["authors"] == ["Senst, Henriette", "Erling, Jens"]
    assert (gms["doi"], gms["urls"], gms["year"]) == ("10.3205/mbi000260",
                                                      ["https://doi.org/10.3205/mbi000260"], "2012")
    assert gms["notes"] == [attribute(RECORDS[3]).text]
    assert entries[4]["notes"][0].endswith("No attribution is required; crediting the work is "
                                           "a courtesy.")
    assert "urls" not in entries[-1]  # javascript: URL dropped
    assert "\r\nER  - \r\n" in text and "Licence summary" not in text


def test_bibtex_reads_back_with_bibtexparser() -> None:
    text = export("bibtex")
    # split authors before LaTeX decoding removes the braces that protect " and "
    lib = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(),
                                                             LatexDecodingMiddleware()])
    assert lib.failed_blocks == []
    assert len(lib.entries) == len(RECORDS)
    assert len({e.key for e in lib.entries}) == len(RECORDS)
    titles = [e["title"] for e in lib.entries]
    # pylatexenc decodes \textasciicircum{} to U+02C6; nothing else differs
    assert titles == [t.replace("^", "\u02c6") for t in EXPECTED_TITLES]
    gms = lib.entries[3]
    assert gms["author"] == ["Senst, Henriette", "Erling, Jens"]
    assert (gms["doi"], gms["year"]) == ("10.3205/mbi000260", "2012")
    unesco = lib.entries[1]
    assert unesco["author"] == [  # braced: one unit, its " and " does not split it
        "{UNESCO International Institute for Higher Education in Latin America and the Caribbean}",
        "Marquina, Mónica"]
    assert unesco["note"].endswith("is licensed under CC BY-SA 3.0 IGO "
                                   "(https://creativecommons.org/licenses/by-sa/3.0/igo/).")
    raw = bibtexparser.parse_string(text).entries[HOSTILE.index(MARKUP) - len(HOSTILE) - 1]
    assert raw["title"].endswith(r"[link](javascript:alert(1)) \{a\}\%\textbackslash{}")
    (comment,) = lib.comments
    assert comment.comment.startswith("Licence summary: 19 resource(s) on this list.")


# -- HTML and Markdown -----------------------------------------------------------------------

def test_html_parses_with_escaped_text_and_safe_links() -> None:
    text = export("html")
    doc = lxml_html.document_fromstring(text)
    assert doc.get("lang") == "en" and doc.find(".//main") is not None
    assert doc.findall(".//script") == [] and doc.findall(".//b") == []
    headings = doc.findall(".//ol/li/article/h2")
    assert [h.text_content() for h in headings] == [
        t if t else "Title not given in the source record" for t in EXPECTED_TITLES]
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert headings[1].get("lang") is None and headings[0].get("dir") == "auto"
    rtl = headings[EXPECTED_TITLES.index(clean_text(BIDI))]
    assert rtl.get("lang") == "en"
    attribution = doc.findall(".//p[@class='attribution']")[1]
    assert attribution.findall(".//bdi")[0].text_content().startswith("Mapeo de los sistemas")
    assert [a.get("href") for a in attribution.findall("a")] == [
        "https://unesdoc.unesco.org/ark:/48223/pf0000397002",
        "https://creativecommons.org/licenses/by-sa/3.0/igo/"]
    table = doc.find(".//section/table")
    assert table.find("caption").text == "Resources per licence"
    assert [th.text for th in table.findall(".//tbody/tr/th")][:2] == ["CC BY 4.0",
                                                                      "CC BY-NC-ND 3.0 DE"]


def _inline_text(token) -> str:
    return "".join(c.content for c in token.children if c.type in ("text", "code_inline"))


def test_markdown_parses_with_escaped_text_and_safe_links() -> None:
    text = export("markdown")
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    assert not [t for t in tokens if t.type == "html_block"]
    inlines = [t for t in tokens if t.type == "inline"]
    assert not [c for t in inlines for c in t.children if c.type == "html_inline"]
    hrefs = [c.attrs["href"] for t in inlines for c in t.children if c.type == "link_open"]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert [t.type for t in tokens if t.level == 0 and t.nesting == 1].count(
        "ordered_list_open") == 1
    start = next(n for n, t in enumerate(tokens) if t.type == "ordered_list_open")
    end = next(n for n, t in enumerate(tokens) if t.type == "ordered_list_close")
    listed = tokens[start:end]
    items = [n for n, t in enumerate(listed) if t.type == "list_item_open" and t.level == 1]
    assert len(items) == len(RECORDS)  # no title broke out of its list item, none made one
    # the first paragraph of each item is the title (bold, linked when there is a source)
    titles = [_inline_text(next(t for t in listed[n:] if t.type == "inline")) for n in items]
    assert titles == EXPECTED_TITLES
    rendered = md.render(text)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "javascript:" not in " ".join(hrefs)
    assert "| CC BY 4.0 | 12 |" in text


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_handles_an_empty_list_and_missing_records(fmt: str) -> None:
    text = b"".join(export_chunks([None, None], fmt, Selection())).decode("utf-8")
    if fmt == "ris":
        assert text == ""  # no records, and RIS has no place for the summary
    elif fmt in ("jsonl", "json-ld"):
        doc = json.loads(text.splitlines()[-1] if fmt == "jsonl" else text)
        summary = doc if fmt == "jsonl" else doc["licenceSummary"]
        assert (summary["exported"], summary["left_out"]["missing_from_store"]) == (0, 2)
    else:
        assert "Skipped: 2 search hit(s) no longer in the store." in text


# -- the helpers themselves --------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("\u200f=1", "'\u200f=1"), (" =1", "' =1"),
    ("1-1", "1-1"), ("a=b", "a=b"), ("", ""), ("“=quoted”", "“=quoted”"),
])
def test_neutralise_cell(cell: str, expected: str) -> None:
    from search.export.text import neutralise_cell

    assert neutralise_cell(cell) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://doi.org/10.3205/mbi000252", "https://doi.org/10.3205/mbi000252"),
    (" http://id.erudit.org/iderudit/1033634ar ", "http://id.erudit.org/iderudit/1033634ar"),
    ("javascript:alert(1)", None), ("data:text/html,<b>", None), ("//evil.example/x", None),
    ("https://a.example/x y", None), ('https://a.example/"onclick', None),
    ("https://a.example/\u202e", None), (None, None),
])
def test_safe_url(url, expected) -> None:
    from search.export.text import safe_url

    assert safe_url(url) == expected


def test_write_atomically_refuses_a_missing_directory(tmp_path) -> None:
    from search.export.stream import write_atomically

    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing" / "x.csv", [b"a"])
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "x.csv"
    assert write_atomically(target, [b"a", b"bc"]) == 3 and target.read_bytes() == b"abc"
    import os

    umask = os.umask(0o22)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
