"""A small in-process cache for results whose computation draws a progress bar.

``st.cache_data`` records every element a cached function draws and replays it on a hit; a progress
bar drawn into a slot made outside the function cannot be replayed (``CacheReplayClosureError``, the
second visitor of a shared big-sweep link). ``memo`` caches only the return value: a miss runs the
function with its progress callback, a hit draws nothing. Results are shared, never copied: callers
must not change them.

Streamlit runs a page's script afresh on every rerun, so the decorated function is a new object each
time; the results live here, in one store per function (file and name), and survive reruns and sessions.

A key is computed once even when several threads ask for it at the same time (a class on one link moving
to the same setting, a slider's preview and its rerun): the later callers wait for the first one's result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_STORES: dict[str, OrderedDict[Hashable, Any]] = {}
_COMPUTING: dict[str, dict[Hashable, threading.Event]] = {}  # per store: the keys being computed now
_LOCK = threading.Lock()


class Memo(Generic[R]):
    """Least-recently-used cache of ``func(*key)`` with at most ``max_entries`` results."""

    def __init__(self, func: Callable[..., R] | None, max_entries: int, *, name: str | None = None) -> None:
        """``func`` computes a result from its key (``None``: results come only through ``get``); the
        store is named after it, or ``name``."""
        self.func, self.max_entries = func, max_entries
        name = name or f"{func.__code__.co_filename}:{func.__qualname__}"  # type: ignore[union-attr]
        with _LOCK:
            self._results = _STORES.setdefault(name, OrderedDict())
            self._computing = _COMPUTING.setdefault(name, {})

    def __call__(self, *key: Hashable, progress: Callable[[float], None] | None = None) -> R:
        """The cached result for ``key``; on a miss, computed with ``progress`` (never part of the key)."""
        assert self.func is not None, "a Memo without a function is filled through get()"
        return self.get(key, lambda: self.func(*key, progress=progress))

    def get(self, key: Hashable, compute: Callable[[], R]) -> R:
        """The cached result for ``key``; on a miss, ``compute()`` (for arguments that are not part of
        the key, such as an object whose fingerprint is). While another thread computes the same key,
        wait for its result (if it fails, compute it here)."""
        while True:
            with _LOCK:
                if key in self._results:
                    self._results.move_to_end(key)
                    return self._results[key]
                other = self._computing.get(key)
                if other is None:
                    self._computing[key] = threading.Event()
                    break
            other.wait()
        try:
            result = compute()  # outside the lock: other sessions keep going
            with _LOCK:
                self._results[key] = result
                self._results.move_to_end(key)
                while len(self._results) > self.max_entries:
                    self._results.popitem(last=False)
        finally:
            with _LOCK:
                self._computing.pop(key).set()
        return result

    def __contains__(self, key: tuple) -> bool:
        with _LOCK:
            return key in self._results

    def clear(self) -> None:
        with _LOCK:
            self._results.clear()


def clear_all() -> None:
    """Forget every stored result of every function (what ``st.cache_data.clear()`` is to Streamlit's
    caches): for tests that replace a computation and must not get an earlier result."""
    with _LOCK:
        for results in _STORES.values():
            results.clear()


def memo(max_entries: int) -> Callable[[Callable[..., R]], Memo[R]]:
    """Decorator: ``@memo(16) def f(a, b, progress=None)``; call ``f(a, b, progress=callback)``."""
    return lambda func: Memo(func, max_entries)
