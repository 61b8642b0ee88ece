"""``python -m harvester`` runs the ``oer`` command."""

from harvester.cli import main

main()
