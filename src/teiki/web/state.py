"""The served shop: one read-only connection, a cache of computed results, and imports that swap it.

The dashboard holds the database open read-only, so ``teiki kpi`` and other
readers still work beside it. An upload closes that connection, imports
through the same importer as ``teiki import`` (all or nothing), reopens it
and empties the cache. Every use of the connection holds one lock: DuckDB
connections are not for concurrent use, and the cache makes waiting short.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import teiki
from teiki.shop import Shop

if TYPE_CHECKING:
    from starlette.requests import Request

T = TypeVar("T")
CACHE_ENTRIES = 256


class ServedShop:
    """A shop database served to the dashboard, with its results cached until the next import."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            teiki.open(self.path).close()  # an empty store, so the Data page can import into it
        self._lock = threading.RLock()
        self._cache: OrderedDict[Hashable, object] = OrderedDict()
        self.generation = 0  # bumped by every import; part of every cache key
        self.upgraded_from: int | None = None
        self._shop = self._open()
        self._memo = MemoShop(self)

    def _open(self) -> teiki.Shop:
        shop = teiki.open(self.path, read_only=True)
        self.upgraded_from = self.upgraded_from or shop.upgraded_from
        return shop

    def cached(self, key: Hashable, compute: Callable[[teiki.Shop], T]) -> T:
        """``compute(shop)``, remembered under ``key`` until the next import (least recently used dropped
        beyond :data:`CACHE_ENTRIES`). Errors are not cached."""
        with self._lock:
            full = (self.generation, key)
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[return-value]
            value = compute(self._memo)
            self._cache[full] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            return value

    def call(self, method: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``method(shop, *args, **kwargs)`` for a method of :class:`teiki.Shop` (``Shop.kpis``), cached
        (arguments must be hashable)."""
        key = ("call", method, args, tuple(sorted(kwargs.items())))
        return self.cached(key, lambda _: method(self._shop, *args, **kwargs))

    def run(self, work: Callable[[teiki.Shop], T]) -> T:
        """``work(shop)`` under the lock, not cached."""
        with self._lock:
            return work(self._shop)

    def import_files(self, paths: list[Path], *, table: str | None = None, preset: str | None = None):
        """Import through :meth:`teiki.Shop.import_files` on a writable connection, then serve the result.

        On any error the importer has changed nothing; the read-only connection is reopened either way.
        """
        with self._lock:
            self._shop.close()
            try:
                with teiki.open(self.path) as writable:
                    return writable.import_files(paths, table=table, preset=preset)
            finally:
                self._shop = self._open()
                self._cache.clear()
                self.generation += 1

    def close(self) -> None:
        with self._lock:
            self._shop.close()


def served(request: Request) -> ServedShop:
    """The shop the app serves."""
    return request.app.state.shop


class MemoShop:
    """The served shop as cached computations (the page-data functions) see it: a method call answers from the
    cache, so what one page computed serves the next; a call whose arguments cannot be a cache key (an
    assessment object) runs as it is."""

    def __init__(self, served: ServedShop) -> None:
        self._served = served

    def __getattr__(self, name: str):
        method = getattr(Shop, name, None)
        if not inspect.isfunction(method):  # a property or plain attribute
            return getattr(self._served._shop, name)
        return functools.partial(self._memo, method)

    def _memo(self, method: Callable[..., T], *args: object, **kwargs: object) -> T:
        try:
            hash((args, tuple(kwargs.items())))
        except TypeError:
            return method(self._served._shop, *args, **kwargs)
        return self._served.call(method, *args, **kwargs)
