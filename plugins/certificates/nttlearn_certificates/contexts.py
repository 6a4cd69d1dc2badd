"""The JSON-LD contexts an Open Badges 3.0 credential names, served from files in this package.

Canonicalizing a credential (to sign or verify it) needs the documents behind its ``@context``
URLs. Fetching them at run time would make every signature depend on the network and on whoever
answers at those URLs, so the contexts are shipped here (``contexts/README.md`` says where each
comes from) and the loader refuses every other URL.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError

CREDENTIALS_V2_URL = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTROLLED_IDENTIFIERS_V1_URL = "https://www.w3.org/ns/cid/v1"
CONTEXTS_DIR = Path(__file__).parent / "contexts"
CONTEXT_FILES = {
    CREDENTIALS_V2_URL: "credentials-v2.jsonld",
    OPEN_BADGES_V3_URL: "ob-v3p0-context-3.0.3.json",
    CONTROLLED_IDENTIFIERS_V1_URL: "cid-v1.jsonld",
}

RESOLVED_CONTEXT_CACHE_SIZE = 64

DocumentLoader = Any  # pyld's loader contract: Callable[[str, dict], RemoteDocument]


class ContextNotAllowedError(JsonLdError):
    """A credential named a JSON-LD context this platform does not ship."""


def load_document(url: str, options: dict | None = None) -> dict:
    """pyld document loader: return a shipped context for its URL; refuse every other URL."""
    filename = CONTEXT_FILES.get(url)
    if filename is None:
        raise ContextNotAllowedError(
            _(
                "The JSON-LD context %(url)s is not one this platform ships; it was not loaded.",
                url=url,
            ),
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_context_text(filename)),
        # pyld keeps a resolved remote context in the resolver's cache only when it is tagged.
        "tag": "static",
    }


def context_resolver(document_loader: DocumentLoader = load_document) -> ContextResolver:
    """Return a pyld context resolver with a cache of its own.

    pyld's default resolver shares one process-wide cache keyed by URL; a context resolved
    there by some other loader would be used without asking ours. The cache is bounded because
    inline contexts (in credentials sent to be verified) are cached too.
    """
    return ContextResolver(_resolved_contexts(document_loader), document_loader)


@cache
def _context_text(filename: str) -> str:
    return (CONTEXTS_DIR / filename).read_text(encoding="utf-8")


class _BoundedCache:
    """The least-recently-used mapping pyld's resolver needs (`get`, item assignment), thread-safe."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@lru_cache(maxsize=8)
def _resolved_contexts(document_loader: DocumentLoader) -> _BoundedCache:
    return _BoundedCache(RESOLVED_CONTEXT_CACHE_SIZE)
