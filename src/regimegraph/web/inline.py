"""Queries run on the request's own thread, with a watchdog for the time limit.

Why on the request's thread: until session 9 every query was handed to a
worker process, and the hand-off was most of what separated our endpoint from
the Oxigraph server on small queries. Measured at 1M triples
(benchmarks/RESULTS.md, session 9), regimes-in-force-on-date: 1.59x the Oxigraph
server's p50 through the worker processes, 1.59x handed to a thread of the
same process, 1.16x run by the thread that read the request. Any hand-off
costs the wake-up of a thread that was idle, slow on a virtual machine.

pyoxigraph cannot stop a query (no cancellation; it ignores signals), so the
time limit is kept by a watchdog thread: a query past it has its client
answered with a 503 over the connection itself (`AnswerNow`, which the server
gives in the WSGI environ: server.py), and `on_overrun` is called, by which
`regimegraph serve` replaces the whole serving process (supervisor.py), the
only way to end the query. Until then the runaway keeps its slot.

Where the server gives no `AnswerNow` (Flask's test client, the --debug
server), the query runs on a helper thread while the request's thread waits
for it with the time limit: the hand-off costs ~1 ms, and a query past its
limit runs on to its end (`on_overrun` is still called).
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from ..stores.base import QueryStore
from .answers import Busy, Job, QueryTimeout, Reply, answer

log = logging.getLogger(__name__)

# The environ key under which server.py puts a request's AnswerNow.
ANSWER_NOW = "regimegraph.answer_now"

AnswerNow = Callable[[int, Sequence[tuple[str, str]], bytes], None]
"""Send a whole response (status, headers, body) on a request's connection, then close it."""


def overrun_message(timeout: float) -> str:
    """What the client of a query past its limit reads (the watchdog's 503 and /sparql's)."""
    return (f"the query ran past the {timeout:g} s time limit and was stopped; "
            "simplify it or add a LIMIT")


def retry_after(timeout: float) -> str:
    """Retry-After for a 503 of the endpoint: a query's time limit, in whole seconds."""
    return str(max(1, math.ceil(timeout)))


class AlreadyAnswered(Exception):
    """The watchdog answered this request (its query ran past the limit): send nothing more."""


@dataclass(eq=False)
class _Running:
    deadline: float
    answer_now: AnswerNow
    overrun: bool = field(default=False)


class InlineRunner:
    """Runs jobs with a time limit on at most `slots` threads at once.

    `wait`: how long a request waits for a free slot before `Busy` (default:
    the time limit, as long as a query in a slot can take). `serial`: one
    query at a time whatever the slots (rdflib's query parser is not
    thread-safe).
    """

    def __init__(self, store: QueryStore, slots: int, timeout: float,
                 wait: float | None = None, on_overrun: Callable[[], None] | None = None,
                 serial: bool = False) -> None:
        self.store = store
        self.timeout = timeout
        self.wait = timeout if wait is None else wait
        self.on_overrun = on_overrun
        self.overruns = 0
        self._slots = threading.Semaphore(slots)
        self._serial = threading.Lock() if serial else None
        self._lock = threading.Lock()
        self._running: set[_Running] = set()
        self._helpers = ThreadPoolExecutor(slots, thread_name_prefix="query")
        self._closed = threading.Event()
        # The watchdog looks at the running queries every `tick` seconds instead
        # of being woken per request: a wake-up per request is what this module
        # exists to avoid. A query is answered at most `tick` after its limit.
        self.tick = min(0.2, max(0.02, timeout / 10))
        self._watchdog = threading.Thread(target=_watch, args=(weakref.ref(self), self._closed),
                                          name="query-watchdog", daemon=True)
        self._watchdog.start()

    def run(self, job: Job, answer_now: AnswerNow | None = None) -> Reply:
        """The job's reply; raises Busy, QueryTimeout, or AlreadyAnswered (after a 503 sent)."""
        if not self._slots.acquire(timeout=self.wait):
            raise Busy
        if answer_now is None:
            return self._run_beside(job)
        entry = _Running(time.monotonic() + self.timeout, answer_now)
        with self._lock:
            self._running.add(entry)
        try:
            reply = self._answer(job)
        finally:
            with self._lock:
                self._running.discard(entry)
            self._slots.release()
        if entry.overrun:
            raise AlreadyAnswered
        return reply

    def running(self) -> int:
        """Queries running now (runaways included)."""
        with self._lock:
            return len(self._running)

    def overrunning(self) -> int:
        """Queries running past their limit, already answered: they end with the process."""
        with self._lock:
            return sum(1 for entry in self._running if entry.overrun)

    def close(self) -> None:
        self._closed.set()
        self._helpers.shutdown(wait=False, cancel_futures=True)

    def _answer(self, job: Job) -> Reply:
        if self._serial is None:
            return answer(self.store, job)
        with self._serial:
            return answer(self.store, job)

    def _run_beside(self, job: Job) -> Reply:
        try:
            future = self._helpers.submit(self._answer, job)
        except RuntimeError:  # closed
            self._slots.release()
            raise Busy from None
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return future.result(self.timeout)
        except FutureTimeout:
            self._overran()
            raise QueryTimeout from None

    def _check(self) -> None:
        if not self._running:  # idle: allocate nothing (so never set off a collection here)
            return
        now = time.monotonic()
        with self._lock:
            late = [e for e in self._running if not e.overrun and e.deadline <= now]
            for entry in late:
                entry.overrun = True
        for entry in late:
            self._answer_late(entry)

    def _answer_late(self, entry: _Running) -> None:
        headers = [("Content-Type", "text/plain; charset=utf-8"),
                   ("Retry-After", retry_after(self.timeout))]
        with contextlib.suppress(OSError):
            entry.answer_now(503, headers, (overrun_message(self.timeout) + "\n").encode())
        self._overran()

    def _overran(self) -> None:
        with self._lock:
            self.overruns += 1
        if self.on_overrun is not None:
            try:
                self.on_overrun()
            except Exception:  # the 503 is sent; a failed report must not stop the watchdog
                log.exception("reporting a query past its time limit failed")
        else:
            log.warning("a query ran past its time limit; it runs on in this process "
                        "until it ends (only `regimegraph serve` replaces the process)")


def _watch(runner: weakref.ref[InlineRunner], closed: threading.Event) -> None:
    """The watchdog's loop; it ends with its runner (closed, or no longer referenced).

    It holds its runner only while it checks, so a runner no one uses is
    freed and its watchdog ends; and it allocates nothing while no query
    runs: a garbage collection set off on this thread would drop there
    pyoxigraph results that belong to other threads (answers.py).
    """
    while True:
        found = runner()
        if found is None:
            return
        tick = found.tick
        found._check()
        del found
        if closed.wait(tick):
            return
