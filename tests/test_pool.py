"""The query worker pool: a starting worker is waited for, a busy one is not.

A request that finds no idle worker because one is still starting (at
startup, or replacing a worker killed at its time limit) must wait for it: on
a slow or loaded machine spawning a worker takes longer than the wait for a
busy one, and answering 503 "busy" then would be wrong.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from regimegraph.web.pool import Busy, Job, QueryPool, QueryTimeout

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { ?s ?p ?o }"


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "data.nq"
    path.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(300)),
                    encoding="utf-8")
    return path


def test_a_request_waits_for_a_worker_that_is_still_starting(dump: Path) -> None:
    pool = QueryPool(dump, size=1, timeout=5, wait=0.01)
    pool.start(wait=False)
    try:
        reply = pool.run(Job(query=QUICK, base_iri="http://example.org/"))
        assert reply.status == 200
    finally:
        pool.close()


def test_a_request_is_busy_when_every_worker_is_answering(dump: Path) -> None:
    pool = QueryPool(dump, size=1, timeout=3, wait=0.2)
    pool.start()
    try:
        outcome: list[BaseException] = []

        def hold_the_worker() -> None:
            try:
                pool.run(Job(query=SLOW, base_iri="http://example.org/"))
            except QueryTimeout as error:
                outcome.append(error)

        slow = threading.Thread(target=hold_the_worker)
        slow.start()
        while pool.idle():
            pass
        with pytest.raises(Busy):
            pool.run(Job(query=QUICK, base_iri="http://example.org/"))
        slow.join()
        assert outcome, "the slow query was meant to hold the only worker past its limit"
    finally:
        pool.close()


def test_one_request_at_a_time_goes_to_the_worker_that_answered_last(dump: Path) -> None:
    pool = QueryPool(dump, size=2, timeout=5)
    pool.start()
    taken: list[int] = []
    next_idle = pool._next_idle

    def recording() -> Any:
        worker = next_idle()
        taken.append(worker.process.pid)
        return worker

    pool._next_idle = recording  # type: ignore[method-assign]
    try:
        for _ in range(4):
            pool.run(Job(query=QUICK, base_iri="http://example.org/"))
    finally:
        pool.close()
    assert len(taken) == 4 and len(set(taken)) == 1, taken
