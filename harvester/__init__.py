"""oer-harvester: harvest OER metadata, normalise it to DCTERMS, store and index it."""

__version__ = "0.1.0"
