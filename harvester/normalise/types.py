"""Resource types to the DCMI Type Vocabulary, keeping the source's own terms elsewhere.

Every format names types in its own vocabulary: ``dc:type`` free text and
``info:eu-repo/semantics/…`` URIs, DataCite ``resourceTypeGeneral``, MODS
``typeOfResource``, schema.org ``@type``, UNESDOC ``type``, LOM
``learningResourceType``. :data:`DCMI_TYPE_OF` is the one reviewable table that maps them
(lower-cased) to the twelve DCMI Type terms; a term not in the table maps to nothing, never
to a guess. Media types (``video/mp4``) are a fallback when no type term maps.

Ref: DCMI Type Vocabulary, https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/ ;
DataCite Metadata Schema 4.5 Appendix 1 (resourceTypeGeneral); MODS 3.7 ``typeOfResource``;
OpenAIRE/DRIVER info:eu-repo publication types; schema.org type hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DCMI_TYPES", "DCMI_TYPE_OF", "dcmi_types"]

#: The DCMI Type Vocabulary terms.
DCMI_TYPES: tuple[str, ...] = (
    "Collection", "Dataset", "Event", "Image", "InteractiveResource", "MovingImage",
    "PhysicalObject", "Service", "Software", "Sound", "StillImage", "Text",
)

_TEXT_TERMS = (
    # dc:type free text and info:eu-repo/semantics local names (lower-cased)
    "text", "article", "journal article", "journalarticle", "book", "book chapter",
    "bookpart", "book part", "chapter", "thesis", "doctoralthesis", "masterthesis",
    "bachelorthesis", "studentthesis", "dissertation", "report", "technical report",
    "workingpaper", "working paper", "preprint", "conferenceobject", "conference paper",
    "conferencepaper", "conferenceproceeding", "proceedings", "review", "annotation",
    "contributiontoperiodical", "periodical", "journal", "patent", "technicaldocumentation",
    "researchproposal", "lecture notes", "manuscript", "letter", "newspaper", "serial",
    "programme and meeting document", "document", "monograph", "textbook", "standard",
    "peerreview", "outputmanagementplan", "studyregistration", "datapaper",
    # schema.org types
    "scholarlyarticle", "newsarticle", "blogposting", "textdigitaldocument",
    # LOM learningResourceType (IEEE 1484.12.1 §5.2 vocabulary)
    "narrative text",
)

#: Source type term (lower-case) -> DCMI Type term.
DCMI_TYPE_OF: dict[str, str] = {
    **{term.lower(): term for term in DCMI_TYPES},
    **{f"http://purl.org/dc/dcmitype/{term}".lower(): term for term in DCMI_TYPES},
    **dict.fromkeys(_TEXT_TERMS, "Text"),
    "moving image": "MovingImage", "video": "MovingImage", "film": "MovingImage",
    "audiovisual": "MovingImage", "videoobject": "MovingImage", "movie": "MovingImage",
    "moving image-film": "MovingImage",
    "still image": "StillImage", "photograph": "StillImage", "photo": "StillImage",
    "imageobject": "StillImage", "photograph (still image)": "StillImage",
    "image": "Image", "map": "Image", "maps": "Image", "cartographic": "Image",
    "diagram": "Image", "figure": "Image", "graph": "Image", "chart": "Image",
    "sound": "Sound", "audio": "Sound", "audioobject": "Sound", "podcast": "Sound",
    "sound recording": "Sound", "sound recording-musical": "Sound",
    "sound recording-nonmusical": "Sound", "podcastepisode": "Sound",
    "dataset": "Dataset", "data set": "Dataset", "data": "Dataset",
    "software": "Software", "computer program": "Software", "softwareapplication":
    "Software", "softwaresourcecode": "Software", "computationalnotebook": "Software",
    "software, multimedia": "Software",
    "interactive resource": "InteractiveResource", "interactiveresource": "InteractiveResource",
    "simulation": "InteractiveResource", "interactive simulation": "InteractiveResource",
    "quiz": "InteractiveResource", "exercise": "InteractiveResource",
    "questionnaire": "InteractiveResource", "self assessment": "InteractiveResource",
    "collection": "Collection", "collectionpage": "Collection",
    "event": "Event", "lecture": "Event", "service": "Service",
    "physical object": "PhysicalObject", "physicalobject": "PhysicalObject",
    "three dimensional object": "PhysicalObject", "instrument": "PhysicalObject",
}

_MEDIA_PREFIX: dict[str, str] = {
    "video/": "MovingImage", "audio/": "Sound", "image/": "StillImage", "text/": "Text",
    "application/pdf": "Text", "application/epub": "Text", "application/msword": "Text",
}

_EU_REPO = "info:eu-repo/semantics/"


def dcmi_types(terms: Iterable[str], media_types: Iterable[str] = ()) -> tuple[str, ...]:
    """DCMI Type terms for a record's type values.

    Args:
        terms: The source's type terms in any case (``"Journal Article"``,
            ``"info:eu-repo/semantics/article"``, ``"Software"``, ``"VideoObject"``,
            ``"http://purl.org/dc/dcmitype/Text"``).
        media_types: ``dcterms:format`` values, used only when no term maps.

    Returns:
        The distinct DCMI terms in first-seen order; ``()`` when nothing maps.
    """
    found: list[str] = []
    for term in terms:
        key = " ".join(str(term).split()).lower()
        if key.startswith(_EU_REPO):
            key = key[len(_EU_REPO):]
        key = key.removeprefix("https://schema.org/").removeprefix("http://schema.org/")
        dcmi = DCMI_TYPE_OF.get(key)
        if dcmi and dcmi not in found:
            found.append(dcmi)
    if not found:
        for media in media_types:
            key = str(media).strip().lower()
            for prefix, dcmi in _MEDIA_PREFIX.items():
                if key.startswith(prefix) and dcmi not in found:
                    found.append(dcmi)
    return tuple(found)
