"""harvester.xml_text: XML 1.0 Char cleaning (with its printable fast path) and xml:lang."""

from __future__ import annotations

import sys

from lxml import etree

from harvester.crosswalks import xmlutil
from harvester.xml_text import _NON_XML_CHARS, XML_LANG, clean, lang_of


def test_printable_characters_are_all_xml_chars() -> None:
    # clean() skips the regex for text that is printable once TAB/LF/CR are set aside; that
    # is exact only if no such character is outside XML 1.0 Char. Checked for every code
    # point of this Python's Unicode database.
    leaks = [hex(code) for code in range(sys.maxunicode + 1)
             if (chr(code).isprintable() or chr(code) in "\t\n\r")
             and _NON_XML_CHARS.match(chr(code))]
    assert leaks == []


def test_clean_removes_every_non_xml_character() -> None:
    assert clean(" \x00Open\x0b text\ufffe\x1f book \t\n") == "Open text book"
    assert clean("line one\nline\x01 two\r\n") == "line one\nline two"
    assert clean("\ud800lone surrogate\uffff") == "lone surrogate"
    assert clean("\U0001F4DA tab\there") == "\U0001F4DA tab\there"
    assert clean("\xa0Objetivos: É importante\xad") == "Objetivos: É importante\xad"
    assert clean("  a \n\t b  ", collapse=True) == "a b"
    assert clean(None) == "" and clean("") == ""


def test_clean_of_text_a_lenient_parser_let_through() -> None:
    # lxml's recover mode keeps a C0 control that the strict parser refuses.
    root = etree.fromstring(b"<a>Intro&#1;duction</a>", etree.XMLParser(recover=True))
    assert "\x01" in root.text
    assert clean(root.text) == "Introduction"


def test_lang_of_inherits_and_reads_bcp47() -> None:
    root = etree.fromstring(
        b'<r xml:lang="pt_BR"><a><b/></a><c xml:lang=""><d/></c><e xml:lang="x-none"/></r>')
    assert lang_of(root.find("a/b")) == "pt-BR"
    assert lang_of(root.find("c/d")) is None  # "" = language unknown (XML 1.0 §2.12)
    assert lang_of(root.find("e")) is None  # private use: not a language
    assert lang_of(etree.fromstring(b"<r/>")) is None
    assert root.get(XML_LANG) == "pt_BR"


def test_crosswalk_helpers_are_the_shared_ones() -> None:
    assert xmlutil.clean is clean and xmlutil.lang_of is lang_of
    assert xmlutil.XML_LANG == XML_LANG
