"""webui.memo: one computation per key even when threads ask at once; other keys never wait."""

from __future__ import annotations

import threading

import pytest

from webui.memo import Memo


def test_a_key_asked_by_two_threads_at_once_is_computed_once():
    memo = Memo(None, 4, name="test_memo:once")
    memo.clear()
    started, release, calls = threading.Event(), threading.Event(), []

    def compute():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(5)
        return object()

    results = {}
    first = threading.Thread(target=lambda: results.update(first=memo.get("k", compute)), name="first")
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: results.update(second=memo.get("k", compute)), name="second")
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the second caller waits for the first one's result"
    release.set()
    first.join(5), second.join(5)
    assert calls == ["first"]
    assert results["first"] is results["second"]


def test_a_failed_computation_lets_the_waiting_caller_compute_it():
    memo = Memo(None, 4, name="test_memo:failed")
    memo.clear()
    started, release = threading.Event(), threading.Event()

    def fails():
        started.set()
        release.wait(5)
        raise ValueError("bad run")

    errors, results = [], []

    def first():
        try:
            memo.get("k", fails)
        except ValueError as error:
            errors.append(error)

    a = threading.Thread(target=first)
    a.start()
    assert started.wait(5)
    b = threading.Thread(target=lambda: results.append(memo.get("k", lambda: "computed again")))
    b.start()
    release.set()
    a.join(5), b.join(5)
    assert [str(e) for e in errors] == ["bad run"]
    assert results == ["computed again"]
    assert memo.get("k", lambda: pytest.fail("kept")) == "computed again"


def test_another_key_does_not_wait_for_a_slow_one():
    memo = Memo(None, 4, name="test_memo:other")
    memo.clear()
    started, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=lambda: memo.get("slow", lambda: (started.set(), release.wait(5))))
    slow.start()
    assert started.wait(5)
    try:
        assert memo.get("fast", lambda: 42) == 42  # answered while "slow" is still being computed
    finally:
        release.set()
        slow.join(5)
