"""The index backends the contract tests run against (one entry per engine).

A new engine (Solr, OpenSearch…) adds a factory here; every test parametrised with
:data:`BACKENDS` then runs against it too. A factory that needs a server should
``pytest.skip`` with the reason when the server is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer import open_backend
from indexer.backend import IndexBackend


def _whoosh(index_dir: Path, **kwargs) -> IndexBackend:
    return open_backend(index_dir, **kwargs)


def _whoosh_matchers(index_dir: Path, **kwargs) -> IndexBackend:
    """Whoosh answering with its own matchers only (the fast path switched off)."""
    from indexer.whoosh_backend import WhooshBackend

    return WhooshBackend(index_dir, fast_path=False, **kwargs)


#: Engine name -> factory(index_dir, lock_timeout_s=…) returning an open backend.
BACKENDS: dict[str, Callable[..., IndexBackend]] = {"whoosh": _whoosh,
                                                    "whoosh-matchers": _whoosh_matchers}
