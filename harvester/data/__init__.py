"""Packaged data tables: the licence table (``licences.tsv``) and CC ports (``cc-ports.tsv``)."""
