"""The query runner (web/inline.py): slots, the time limit, the watchdog's answer.

A store that sleeps before answering stands in for a slow query: time.sleep
releases the GIL as pyoxigraph does, and ends by itself, so no test leaves a
runaway behind. Real runaways go to a real `regimegraph serve`
(tests/test_serve_supervisor.py).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from regimegraph.config import Settings
from regimegraph.store import memory_store
from regimegraph.stores import OxigraphStore
from regimegraph.web import create_app
from regimegraph.web.answers import Busy, Job, QueryTimeout
from regimegraph.web.inline import AlreadyAnswered, InlineRunner

QUICK = "ASK { ?s ?p ?o }"
SLOW = "ASK { ?s ?p ?o } # slow"


class SleepyStore:
    """Answers as the real store does, after `delay` seconds for a query marked slow."""

    def __init__(self, inner: Any, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def query(self, query: str, **options: Any) -> Any:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if "slow" in query:
                time.sleep(self.delay)
            return self.inner.query(query, **options)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def store(tmp_path: Path) -> OxigraphStore:
    dump = tmp_path / "data.nq"
    dump.write_text("<urn:s> <urn:p> <urn:o> <urn:g> .\n", encoding="utf-8")
    return OxigraphStore(memory_store(dump))


def job(text: str) -> Job:
    return Job(query=text, base_iri="http://example.org/",
               accept="application/sparql-results+json")


class Client:
    """Stands in for a connection: records what the watchdog sends on it."""

    def __init__(self, store: SleepyStore | None = None) -> None:
        self.sent: list[tuple[int, dict[str, str], bytes]] = []
        self.store = store
        self.running_then = -1

    def __call__(self, status: int, headers: Sequence[tuple[str, str]], body: bytes) -> None:
        if self.store is not None:
            self.running_then = self.store.running
        self.sent.append((status, dict(headers), body))


def test_a_query_within_its_limit_is_answered_on_the_calling_thread(
        store: OxigraphStore) -> None:
    runner = InlineRunner(store, slots=1, timeout=5)
    seen: list[str] = []
    original = store.query

    def recording(query: str, **options: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(query, **options)

    store.query = recording  # type: ignore[method-assign]
    try:
        reply = runner.run(job(QUICK), Client())
    finally:
        runner.close()
    assert reply.status == 200 and b"true" in reply.body
    assert seen == [threading.current_thread().name]


def test_the_watchdog_answers_a_query_past_its_limit(store: OxigraphStore) -> None:
    told: list[str] = []
    sleepy = SleepyStore(store, 1.5)
    runner = InlineRunner(sleepy, slots=2, timeout=0.3,  # type: ignore[arg-type]
                          on_overrun=lambda: told.append("overrun"))
    client = Client(sleepy)
    try:
        with pytest.raises(AlreadyAnswered):
            runner.run(job(SLOW), client)
        [(status, headers, body)] = client.sent
        assert status == 503 and headers["Retry-After"] == "1"
        assert b"ran past the 0.3 s time limit" in body
        assert client.running_then == 1  # answered while the query still ran
        assert told == ["overrun"] and runner.overruns == 1
        assert runner.running() == 0
    finally:
        runner.close()


def test_a_runaway_keeps_its_slot_until_it_ends(store: OxigraphStore) -> None:
    sleepy = SleepyStore(store, 1.0)
    runner = InlineRunner(sleepy, slots=1, timeout=0.2, wait=0.05)  # type: ignore[arg-type]
    failed: list[BaseException] = []

    def runaway() -> None:
        try:
            runner.run(job(SLOW), Client())
        except AlreadyAnswered as error:
            failed.append(error)

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        while sleepy.running == 0:
            time.sleep(0.01)
        with pytest.raises(Busy):
            runner.run(job(QUICK), Client())
        thread.join()
        assert failed and runner.overrunning() == 0
        assert runner.run(job(QUICK), Client()).status == 200  # the slot is free again
    finally:
        runner.close()


def test_without_a_connection_the_query_runs_beside_and_times_out(
        store: OxigraphStore) -> None:
    sleepy = SleepyStore(store, 0.8)
    told: list[str] = []
    runner = InlineRunner(sleepy, slots=1, timeout=0.2, wait=0.05,  # type: ignore[arg-type]
                          on_overrun=lambda: told.append("overrun"))
    try:
        with pytest.raises(QueryTimeout):
            runner.run(job(SLOW))
        assert told == ["overrun"]
        with pytest.raises(Busy):  # the helper thread still holds the only slot
            runner.run(job(QUICK))
        deadline = time.monotonic() + 10
        while sleepy.running and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)
        assert runner.run(job(QUICK)).status == 200
    finally:
        runner.close()


def test_serial_runs_one_query_at_a_time(store: OxigraphStore) -> None:
    sleepy = SleepyStore(store, 0.2)
    runner = InlineRunner(sleepy, slots=3, timeout=5, serial=True)  # type: ignore[arg-type]
    threads = [threading.Thread(target=runner.run, args=(job(SLOW), Client()))
               for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        runner.close()
    assert sleepy.most_at_once == 1


def test_the_query_page_has_the_endpoints_time_limit(kb_cache: Path) -> None:
    from regimegraph.web.sparql import runner, start_runner, stop_runner

    app = create_app(Settings.from_env(query_timeout=0.3, workers=1))
    start_runner(app)
    running = runner(app)
    running.store = SleepyStore(running.store, 1.0)  # type: ignore[assignment]
    try:
        client = app.test_client()
        response = client.get("/query", query_string={"query": SLOW})
        assert response.status_code == 503
        assert b"time limit of 0.3 s" in response.data
        deadline = time.monotonic() + 10
        while running.store.running and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.02)
        time.sleep(0.05)
        quick = "SELECT ?code WHERE { council:E10000025 rg:gssCode ?code }"
        again = client.get("/query", query_string={"query": quick})
        assert again.status_code == 200 and b"E10000025" in again.data
    finally:
        stop_runner(app)


def test_no_query_result_is_left_for_another_thread_to_drop(store: OxigraphStore) -> None:
    # pyoxigraph's results may only be dropped on the thread that made them. A
    # query saying "service" is parsed by rdflib for the read-only check, which
    # leaves cycles reaching answer()'s frame: a result held there would be
    # dropped by the collector below, on this thread (a RuntimeError, which
    # pytest reports as an unraisable exception).
    import gc

    from regimegraph.web.answers import answer

    text = 'SELECT ?service WHERE { BIND("SERVICE <http://127.0.0.1:9/> {}" AS ?service) }'
    replies = []
    thread = threading.Thread(target=lambda: replies.append(answer(store, job(text))))
    thread.start()
    thread.join()
    assert replies[0].status == 200
    dropped: list[str] = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda raised: dropped.append(repr(raised.exc_value))
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert dropped == []


def test_a_runner_no_one_holds_takes_its_watchdog_with_it(store: OxigraphStore) -> None:
    # Every app made (each test makes some) gets a runner: its watchdog must
    # not tick on forever once the app is gone.
    runner = InlineRunner(store, slots=1, timeout=0.2)
    watchdog = runner._watchdog
    assert watchdog.is_alive()
    del runner
    watchdog.join(30)
    assert not watchdog.is_alive()
    closed = InlineRunner(store, slots=1, timeout=0.2)
    closed.close()
    closed._watchdog.join(30)
    assert not closed._watchdog.is_alive()
