"""Client SPARQL queries in worker processes, so that a query past its deadline is stopped.

pyoxigraph cannot interrupt a query: one long join or aggregate runs to its end inside Oxigraph,
whatever the thread that started it wants. So ``/sparql`` queries on the embedded store run in
worker processes, each with its own read-only view of the store (RocksDB lets readers open it
beside the writing server). At its deadline the server answers 503 and kills the worker, which
frees its CPU and memory at once, and a fresh worker takes its place.

A worker reopens its view when the store has changed since it opened it: the server counts its
writes (``EmbeddedStore.generation``) and sends the count with each query. Workers are fresh
interpreters (``python -m citypact.store.workers``) talking over a socket pair: no fork of a
threaded server holding RocksDB. At most ``size`` workers exist; a query waits for a free one
within its own time limit, then gets 503.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from citypact.store import port as store_module
from citypact.store.gate import take_slot
from citypact.store.port import QueryOptions, QueryResult, QueryTimeout, StoreError

log = logging.getLogger("citypact.store.queries")


VIEW_ATTEMPTS = 4


class ViewUnavailable(StoreError):
    """A worker could not read the store (its view kept missing compacted files)."""

    status = 503


class WorkerLost(StoreError):
    """The worker process evaluating a query died."""

    status = 503


_ERRORS: dict[str, type[StoreError]] = {
    cls.__name__: cls
    for cls in (
        store_module.StoreError,
        store_module.QuerySyntaxError,
        store_module.QueryRefused,
        store_module.QueryTimeout,
        store_module.ResultTooLarge,
        WorkerLost,
        ViewUnavailable,
    )
}


def _serve(path: str, conn: Connection) -> None:
    """A worker's loop: one query at a time, on a read-only view of the store at ``path``."""
    import pyoxigraph as ox

    from citypact.store.embedded import EmbeddedStore

    view: EmbeddedStore | None = None
    seen = -1
    while True:
        try:
            text, options, generation = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[object, ...] = ("error", "ViewUnavailable", "no attempt")
        # Several attempts: a read-only view can miss files that the writing server compacts
        # away while the view opens or reads (RocksDB deletes obsolete SST files); a fresh
        # view, a moment later, sees the current ones.
        for attempt in range(VIEW_ATTEMPTS):
            try:
                if view is None or generation != seen or attempt:
                    view = None  # close the old view before opening the new one
                    view = EmbeddedStore.wrap(ox.Store.read_only(path), read_only=True)
                    seen = generation
                reply = ("ok", view.query(text, options))
                break
            except StoreError as err:
                if type(err) is not StoreError:  # the query's own fault: no retry
                    reply = ("error", type(err).__name__, str(err))
                    break
                reply = ("error", "ViewUnavailable", str(err))
            except Exception as err:  # noqa: BLE001 - reported to the parent, which logs it
                reply = ("error", "ViewUnavailable", f"cannot read the store ({err})")
            view = None
            time.sleep(0.05 * (attempt + 1))
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self, path: Path) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
                [sys.executable, "-m", "citypact.store.workers", str(path), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(ours.detach())

    def ask(self, text: str, options: QueryOptions, generation: int) -> tuple[object, ...] | None:
        """Send a query; the reply, or None when the deadline passed first (worker killed)."""
        try:
            self.conn.send((text, options, generation))
            if self.conn.poll(options.timeout):
                reply: tuple[object, ...] = self.conn.recv()
                return reply
        except (EOFError, OSError) as err:  # the worker died (a crash in the store library)
            log.error("query worker %s stopped: %s", self.process.pid, err)
            self.kill()
            return ("error", "WorkerLost", "the query worker stopped unexpectedly; retry")
        self.kill()
        return None

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class QueryProcessPool:
    """At most ``size`` worker processes evaluating client queries on the store at ``path``."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._free = threading.Semaphore(size)
        self.killed = 0

    @property
    def workers(self) -> list[int]:
        """Process ids of the idle workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._idle]

    def _take(self) -> _Worker:
        """An idle live worker, or a new one (the caller holds a slot)."""
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.kill()
        return _Worker(self.path)

    def _give_back(self, worker: _Worker | None) -> None:
        """Return the slot (and the worker, if it is still usable)."""
        if worker is not None and worker.alive:
            with self._lock:
                self._idle.append(worker)
        self._free.release()

    def _run(
        self, text: str, options: QueryOptions, generation: int, state: dict[str, bool]
    ) -> QueryResult:
        with self._lock:
            if state["dropped"]:  # the request was cancelled before this thread started
                raise QueryTimeout("query abandoned before it started")
            state["started"] = True
        worker: _Worker | None = None
        try:
            worker = self._take()
            reply = worker.ask(text, options, generation)
        except BaseException:
            if worker is not None:
                worker.kill()
            self._give_back(None)
            raise
        if reply is None:
            self.killed += 1
            self._give_back(None)
            raise QueryTimeout(f"query timed out after {options.timeout:g} s; it was stopped")
        self._give_back(worker)
        if reply[0] == "ok":
            return reply[1]  # type: ignore[return-value]
        _, name, message = reply
        if name == "ViewUnavailable":
            log.warning("query worker could not read the store: %s", message)
        raise _ERRORS.get(str(name), StoreError)(str(message))

    async def run(self, text: str, options: QueryOptions, generation: int) -> QueryResult:
        """Evaluate ``text`` in a worker; QueryTimeout (worker killed) past the time limit."""
        waited = await take_slot(self._free, self.size, options.timeout)
        remaining = max(options.timeout - waited, 0.1)
        bounded = QueryOptions(
            timeout=remaining,
            max_results=options.max_results,
            default_graphs=options.default_graphs,
            named_graphs=options.named_graphs,
        )
        state = {"started": False, "dropped": False}
        try:
            return await run_in_threadpool(self._run, text, bounded, generation, state)
        except QueryTimeout:
            with self._lock:
                state["dropped"] = True
            raise QueryTimeout(
                f"query timed out after {options.timeout:g} s; it was stopped"
            ) from None
        except BaseException:
            with self._lock:
                never_ran = not state["started"]
                state["dropped"] = True
            if never_ran:
                self._free.release()
            raise

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


if __name__ == "__main__":
    _serve(sys.argv[1], Connection(int(sys.argv[2])))
