"""Start real SPARQL 1.1 servers for the tests: an Oxigraph server and Virtuoso Open Source.

Plain functions, no pytest: the fixtures in ``conftest.py`` call :func:`start_oxigraph` /
:func:`start_virtuoso` with a temporary directory and :meth:`RunningServer.stop` at the end.
Each server gets free loopback ports and a fresh data directory inside the given
``workdir``; nothing is written outside it, and no system service is used or needed.
``scripts/install-test-servers.sh`` installs Virtuoso; the Oxigraph server comes from
the Python test extra (``oxigraph`` on PyPI, whose wheel ships the ``oxigraph`` binary).

Startup (spawn until the first query is answered), measured on the 2-core / 24 GB
machine, Oxigraph 0.5.13 and Virtuoso 7.2.5.3229 (Debian bookworm):

* Oxigraph server: ~0.1 s (fresh RocksDB directory).
* Virtuoso: ~2.5-3 s on a fresh database (it creates the database files and runs its
  built-in initialisation and a few checkpoints first), about 280 MB resident with the
  small buffer settings below. Stopping (SIGTERM: "quick shutdown") takes ~1-2 s, and
  removes its lock file; Oxigraph stops at once.

Default graph: the two servers differ, and the app needs one policy for both.

* Oxigraph keeps a real default graph of its own. A query without ``GRAPH``/``FROM``
  sees only that graph, so triples inserted into a named graph are NOT visible to
  ``SELECT * { ?s ?p ?o }``. The union of all graphs is used only when the server runs with
  ``--union-default-graph`` or a query sends the ``union-default-graph`` parameter.
  ``INSERT DATA { <s> <p> <o> }`` without ``GRAPH`` writes into that default graph.
* Virtuoso has no stored default graph: a query without ``FROM`` sees the union of ALL
  graphs, including Virtuoso's own system graphs (``http://www.openlinksw.com/schemas/
  virtrdf#``, ``http://www.w3.org/ns/ldp#``, ``http://localuriqaserver/sparql``: about 2,500
  triples on a fresh database). ``INSERT DATA`` without ``GRAPH`` is rejected (SP031, "No
  plain default graph specified") unless the request names one (``default-graph-uri``).
* Both servers: a union default graph is a bag: a triple stored in two graphs comes back
  twice. Both honour ``FROM <g>`` in the query and the ``default-graph-uri`` protocol
  parameter the same way (the default graph is then exactly ``<g>``), and ``GRAPH <g>``.

  Consistent policy: write only into named graphs (``GRAPH <g>`` in updates) and make
  every query say which graphs it reads (``FROM``/``FROM NAMED``, ``GRAPH`` or the
  ``default-graph-uri`` parameter); never rely on the bare default graph.

Virtuoso authentication: SPARQL Update goes to ``/sparql-auth`` with HTTP *digest* auth as
``dba``/``dba`` (the password of a freshly created database). That endpoint exists in a
fresh database and ``dba`` may update, so no set-up step (``isql-vt``) is needed, and the
anonymous ``/sparql`` endpoint stays read-only as in a real deployment: exercising the
credentials code path is the point. The alternative, ``GRANT SPARQL_UPDATE TO "SPARQL"``
through ``isql-vt``, would make ``/sparql`` writable without any credentials and needs
the SQL port and an extra process per start. Basic auth is not accepted by
``/sparql-auth`` (its challenge is ``Digest realm="SPARQL"``). The Graph Store Protocol is at
``/sparql-graph-crud-auth`` (digest, same user) and read-only at ``/sparql-graph-crud``.

Pitfalls: Virtuoso writes its log to stdout as well as to ``ErrorLogFile``; it is sent to a
file, never to an unread pipe (which would block the server once full). Ports are picked
by binding port 0 and closing it, so another process may take one before the server
binds it: a start that fails with "address in use" is retried with new ports. SPARQLWrapper
(urllib) honours ``http_proxy``: keep 127.0.0.1 in ``no_proxy`` when a proxy is set.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from types import TracebackType

STARTUP_TIMEOUT = 30.0
"""Seconds to wait for a server to answer its first query."""

STOP_TIMEOUT = 15.0
"""Seconds to wait after SIGTERM before SIGKILL."""

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # the password of a freshly created Virtuoso database

_ASK = urllib.parse.urlencode({"query": "ASK {}"})
_PORT_IN_USE = re.compile(r"address already in use|failed http listen|failed to start", re.I)
_START_ATTEMPTS = 3


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, then close)."""
    return _free_ports(1)[0]


def _free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: the sockets stay open until all are picked."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


@dataclass
class RunningServer:
    """A server process started by this module and the endpoints it serves."""

    query_url: str
    """SPARQL 1.1 Query endpoint."""
    update_url: str
    """SPARQL 1.1 Update endpoint (authenticated for Virtuoso)."""
    gsp_url: str | None
    """Graph Store Protocol endpoint (``?graph=`` / ``?default``), or None."""
    user: str | None
    """User for ``update_url`` (and ``gsp_url``); None when no auth is needed."""
    password: str | None
    process: subprocess.Popen[bytes]
    name: str = "server"
    log_path: Path | None = None
    """The file that receives the server's stdout and stderr."""
    data_dir: Path | None = None
    startup_seconds: float = 0.0
    """Time from spawning the process until it answered a query."""

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the server and any children (its process group), and wait for them."""
        _terminate(self.process, timeout)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's output, for error messages."""
        return _tail(self.log_path, lines)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# --- availability -------------------------------------------------------------------------


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI: next to ``sys.executable`` (the venv's bin/) first, then PATH."""
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    """The Virtuoso server ``virtuoso-t`` (Debian: /usr/bin/virtuoso-t), or None."""
    found = shutil.which("virtuoso-t")
    if found:
        return found
    for candidate in (
        "/usr/bin/virtuoso-t",
        "/usr/local/bin/virtuoso-t",
        "/usr/local/virtuoso-opensource/bin/virtuoso-t",
        "/opt/virtuoso-opensource/bin/virtuoso-t",
    ):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def oxigraph_available() -> bool:
    """Whether the Oxigraph server CLI is installed and runs."""
    binary = oxigraph_binary()
    if binary is None:
        return False
    try:
        result = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and "oxigraph" in result.stdout.lower()


def virtuoso_available() -> bool:
    """Whether the Virtuoso server binary ``virtuoso-t`` is installed."""
    return virtuoso_binary() is not None


# --- Oxigraph -----------------------------------------------------------------------------


def start_oxigraph(
    workdir: Path, *, timeout: float = STARTUP_TIMEOUT, union_default_graph: bool = False
) -> RunningServer:
    """Start ``oxigraph serve`` on 127.0.0.1 with a fresh data directory in ``workdir``.

    Returns once the server answers a query; raises RuntimeError (with the server's
    output) if it does not within ``timeout`` seconds. No authentication. With
    ``union_default_graph`` the default graph is the union of the named graphs, as CityPact's
    remote backend requires.
    """
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph CLI was not found (pip install oxigraph)")
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, _START_ATTEMPTS + 1):
        port = free_port()
        data_dir = Path(tempfile.mkdtemp(prefix="oxigraph-data-", dir=workdir))
        log_path = workdir / "oxigraph.log"
        base = f"http://127.0.0.1:{port}"
        server = RunningServer(
            query_url=f"{base}/query",
            update_url=f"{base}/update",
            gsp_url=f"{base}/store",
            user=None,
            password=None,
            process=_spawn(
                [binary, "serve", "--location", str(data_dir), "--bind", f"127.0.0.1:{port}"]
                + (["--union-default-graph"] if union_default_graph else []),
                log_path=log_path,
                cwd=workdir,
            ),
            name="oxigraph",
            log_path=log_path,
            data_dir=data_dir,
        )
        if _wait_ready(server, [(f"{server.query_url}?{_ASK}", None)], timeout, attempt):
            return server
    raise AssertionError("unreachable")  # _wait_ready raises on the last attempt


# --- Virtuoso -----------------------------------------------------------------------------

_VIRTUOSO_INI = """\
; Generated by tests/servers.py: a throw-away Virtuoso instance for the test suite.
; Every path is inside {workdir}; ports are loopback-only.
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = ., {workdir}
; small memory: ~85 MB of buffers on a 2-core machine shared with the tests
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
MaxQueryMem          = 256M
ThreadsPerQuery      = 2
AsyncQueueMaxThreads = 4
MaxStaticCursorRows  = 5000

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {vsp}
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
Charset              = UTF-8

[SPARQL]
; no ResultSetMaxRows / MaxQueryExecutionTime: results are never silently truncated
"""


def start_virtuoso(workdir: Path, *, timeout: float = STARTUP_TIMEOUT) -> RunningServer:
    """Start ``virtuoso-t +foreground`` with a new database and ``virtuoso.ini`` in ``workdir``.

    The SQL and HTTP servers listen on free ports of 127.0.0.1. Returns once both the
    anonymous ``/sparql`` endpoint and the digest-authenticated ``/sparql-auth`` endpoint
    (user ``dba``, password ``dba``) answer; raises RuntimeError with the server's log if
    they do not within ``timeout`` seconds.

    Why ``/sparql-auth`` with digest auth as ``dba`` (see also the module docstring): it
    works on a fresh database with no set-up step, so startup needs no ``isql-vt`` round
    trip, and it keeps the anonymous endpoint read-only, so the tests exercise the
    credentials the app needs against a production Virtuoso. Returned URLs: query
    ``/sparql``, update ``/sparql-auth``, Graph Store ``/sparql-graph-crud-auth``.
    """
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError(
            "virtuoso-t was not found (bash scripts/install-test-servers.sh installs it)"
        )
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, _START_ATTEMPTS + 1):
        sql_port, http_port = _free_ports(2)
        db_dir = Path(tempfile.mkdtemp(prefix="virtuoso-db-", dir=workdir))
        vsp_dir = db_dir / "vsp"
        vsp_dir.mkdir()
        ini = workdir / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(
                workdir=workdir, db=db_dir, vsp=vsp_dir, sql_port=sql_port, http_port=http_port
            ),
            encoding="utf-8",
        )
        log_path = workdir / "virtuoso.out"
        base = f"http://127.0.0.1:{http_port}"
        server = RunningServer(
            query_url=f"{base}/sparql",
            update_url=f"{base}/sparql-auth",
            gsp_url=f"{base}/sparql-graph-crud-auth",
            user=VIRTUOSO_USER,
            password=VIRTUOSO_PASSWORD,
            process=_spawn(
                [binary, "+foreground", "+configfile", str(ini)], log_path=log_path, cwd=db_dir
            ),
            name="virtuoso",
            log_path=log_path,
            data_dir=db_dir,
        )
        probes: list[tuple[str, tuple[str, str] | None]] = [
            (f"{server.query_url}?{_ASK}", None),
            (f"{server.update_url}?{_ASK}", (VIRTUOSO_USER, VIRTUOSO_PASSWORD)),
        ]
        if _wait_ready(server, probes, timeout, attempt):
            return server
    raise AssertionError("unreachable")  # _wait_ready raises on the last attempt


# --- process helpers ----------------------------------------------------------------------


def _spawn(cmd: list[str], *, log_path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own session (so stop() can signal its whole process group)."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_ready(
    server: RunningServer,
    probes: list[tuple[str, tuple[str, str] | None]],
    timeout: float,
    attempt: int,
) -> bool:
    """Poll the probe URLs until each answers 200.

    Returns True when ready, False when the server died because a port was taken and
    another attempt is allowed; raises RuntimeError otherwise (stopping the server).
    """
    started = time.monotonic()
    deadline = started + timeout
    pending = list(probes)
    last_error = "no answer yet"
    while pending:
        code = server.process.poll()
        if code is not None:
            output = server.log_tail()
            if attempt < _START_ATTEMPTS and _PORT_IN_USE.search(output):
                return False
            raise RuntimeError(
                f"{server.name} exited with code {code} before answering "
                f"{server.query_url}; its output:\n{output}"
            )
        url, credentials = pending[0]
        try:
            with _opener(url, credentials).open(url, timeout=5) as response:
                response.read()
                if response.status == 200:
                    pending.pop(0)
                    continue
                last_error = f"HTTP {response.status} from {url}"
        except urllib.error.HTTPError as exc:
            last_error = f"HTTP {exc.code} from {url}: {exc.read()[:300]!r}"
        except (urllib.error.URLError, OSError, HTTPException) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"{server.name} did not answer within {timeout:.0f} s ({last_error}); "
                f"its output:\n{server.log_tail()}"
            )
        time.sleep(0.1)
    server.startup_seconds = time.monotonic() - started
    return True


def _opener(url: str, credentials: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    """A urllib opener that ignores proxy settings and, given credentials, does digest auth."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *credentials)
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, SIGKILL it after ``timeout`` s, reap the leader."""
    pgid = process.pid  # start_new_session=True: the server leads its own process group
    if process.poll() is None:
        _signal_group(pgid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL)
            process.wait(timeout)
    # Children that outlived the leader (none expected) are in the same group.
    _signal_group(pgid, signal.SIGKILL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _tail(path: Path | None, lines: int) -> str:
    if path is None or not path.exists():
        return "(no output)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"
