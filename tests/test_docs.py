"""Every documented command works as written (issue 16).

The shell (``sh``, ``bash``, ``console``) and ``python`` code blocks of README.md and docs/*.md
are found when the tests are collected, one test per block (``README.md:LINE``, the line of its
opening fence), so new documentation is covered without touching this file. Each block runs from
the repository root against a CityPact server started here, with its own data directory:

- The server ``make run`` starts (``127.0.0.1:8000``, ``localhost:8000``) becomes the test
  server; the default data directory ``var/store`` becomes the test's own store, which is also
  ``CITYPACT_DATA_DIR`` and holds the bundled data, as after ``make run``; ``/tmp/`` becomes a
  scratch directory. The server accepts the documented write token, ``change-me``. The server
  has a store of its own, so local commands that write a store (``import``, ``load``) may run
  while it serves.
- A ``sh`` or ``bash`` block runs as one ``bash -e -o pipefail`` script and must exit 0.
- A ``console`` block is a terminal transcript: a line starting with ``$ `` is a command (a line
  ending in ``\\`` goes on in the next), and the lines after it are what the command prints on
  the terminal (standard output and error; it runs on a pseudo-terminal, as for a reader). A line
  ``...`` stands for any number of lines, ``...`` within a line for any text. Every command must
  exit 0 and print what is written.
- A ``python`` block runs with this interpreter and must exit 0.
- No block may change the repository: ``git status --porcelain --ignored`` (caches aside) is the
  same after it as before.

A block is left out only by ``<!-- docs-test: skip REASON -->`` on the line just before its fence,
with a REASON of :data:`SKIP_REASONS`; any other marker fails. Blocks in other languages
(``text``, ``turtle``, ``sparql``, ``csv``, JSON samples, directory trees) are not commands and
are not run.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN_LANGUAGES = frozenset({"sh", "bash", "console", "python"})
SKIP_REASONS = {
    "needs-internet": "reaches a service on the internet (e.g. the Wikidata Query Service)",
    "long-running": "serves until stopped (make run, citypact serve) or runs the checks that "
    "run this test (make test, make bench)",
}
DOCUMENTED_ADDRESSES = ("127.0.0.1:8000", "localhost:8000")
DOCUMENTED_TOKEN = "change-me"
BLOCK_TIMEOUT = 300.0

# The server, data directory and scratch space the documents use, replaced by the test's own.
_DOCUMENTED_PLACES = re.compile(
    "|".join(re.escape(a) for a in DOCUMENTED_ADDRESSES) + r"|(?<![\w./-])(?:var/store\b|/tmp/)"
)
_FENCE = re.compile(r"^([ \t]*)(`{3,})\s*([\w+-]*)")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:(?P<body>.*?)-->\s*$")
_ANY_MARKER = re.compile(r"^\s*<!--\s*docs-test")  # an HTML comment line, not prose about one
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Entries of `git status --ignored` that running code changes by itself.
_CACHES = re.compile(r"__pycache__|\.pyc$|^!! \.(?:pytest|mypy|ruff)_cache/|^!! \.hypothesis/")


# --- finding the blocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced code block of a document."""

    document: str  # path from the repository root
    line: int  # line of the opening fence, from 1
    language: str  # the fence's info string, first word, lower case ("" for none)
    text: str
    marker: str | None = None  # body of a docs-test comment on the line before the fence

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"

    @property
    def runs(self) -> bool:
        """Whether the block is a command the test runs (or skips by its marker)."""
        return self.language in RUN_LANGUAGES

    def skip_reason(self) -> str | None:
        """The reason of the block's skip marker (None without one).

        ValueError for a marker that is not ``skip REASON`` with a known REASON."""
        if self.marker is None:
            return None
        words = self.marker.split()
        if len(words) != 2 or words[0] != "skip":
            raise ValueError(
                f"{self.id}: a docs-test marker reads `<!-- docs-test: skip REASON -->`, "
                f"not {self.marker.strip()!r}"
            )
        if words[1] not in SKIP_REASONS:
            raise ValueError(
                f"{self.id}: unknown docs-test skip reason {words[1]!r}; "
                f"known: {', '.join(SKIP_REASONS)}"
            )
        return words[1]


def find_blocks(text: str, document: str) -> list[Block]:
    """Every fenced code block of a Markdown text, in order; a fence indented in a list item
    gives its lines without that indentation."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence, language = opening.group(1), opening.group(2), opening.group(3).lower()
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        body = [
            line[len(indent) :] if line.startswith(indent) else line
            for line in lines[index + 1 : end]
        ]
        marker = _MARKER.match(lines[index - 1]) if index > 0 else None
        blocks.append(
            Block(
                document,
                index + 1,
                language,
                "\n".join(body) + "\n",
                marker.group("body") if marker else None,
            )
        )
        index = end + 1
    return blocks


def stray_markers(text: str, document: str) -> list[str]:
    """docs-test comments that are not on the line just before the fence of a block that runs."""
    marked = {b.line - 1 for b in find_blocks(text, document) if b.runs and b.marker is not None}
    return [
        f"{document}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if _ANY_MARKER.search(line) and number not in marked
    ]


def documented_blocks() -> list[Block]:
    """The blocks of README.md and docs/*.md that are commands."""
    found = []
    for path in DOCUMENTS:
        name = path.relative_to(ROOT).as_posix()
        found += [b for b in find_blocks(path.read_text(encoding="utf-8"), name) if b.runs]
    return found


BLOCKS = documented_blocks()


# --- console transcripts ----------------------------------------------------------------------


@dataclass
class Step:
    """One command of a console transcript and the lines it is shown to print."""

    command: str
    expected: list[str] = field(default_factory=list)


def console_steps(text: str) -> list[Step]:
    """The commands of a console block (``$ ``, continued after a trailing ``\\``) with the
    output under each."""
    steps: list[Step] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("$ "):
            if not steps:
                raise ValueError(f"a console block starts with a `$ ` command, not {line!r}")
            steps[-1].expected.append(line)
            continue
        command = line[2:]
        while command.endswith("\\") and index < len(lines):
            command += "\n" + lines[index]
            index += 1
        steps.append(Step(command))
    return steps


def terminal_lines(output: str) -> list[str]:
    """Output as a terminal shows it: CRLF as newlines, a line redrawn after a carriage return
    as its last drawing, no colour codes, no trailing spaces or blank lines at the end."""
    lines = []
    for raw in _ANSI.sub("", output).replace("\r\n", "\n").split("\n"):
        lines.append(raw.rstrip("\r").split("\r")[-1].rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines are the ``expected`` ones, where a line ``...`` stands for any
    number of lines and ``...`` within a line for any text on that line."""
    wanted = [line.rstrip() for line in expected]
    while wanted and not wanted[-1]:
        wanted.pop()
    pattern = ""
    for line in wanted:
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += "[^\n]*?".join(re.escape(part) for part in line.split("...")) + r"\n"
    text = "".join(line + "\n" for line in actual)
    return re.fullmatch(pattern, text) is not None


# --- running ----------------------------------------------------------------------------------


@dataclass
class DocsEnvironment:
    """Where the blocks run: the server's port, the data directory, a scratch directory."""

    port: int
    data_dir: Path
    scratch: Path
    env: dict[str, str]
    root: Path = ROOT  # where blocks run, and what they must not change

    def localise(self, text: str) -> str:
        """The block with the documented server, data directory and /tmp/ replaced by ours
        (in one pass, so a replacement is never replaced again)."""

        def ours(found: re.Match[str]) -> str:
            if found.group(0) in DOCUMENTED_ADDRESSES:
                return f"127.0.0.1:{self.port}"
            return str(self.data_dir) if found.group(0) == "var/store" else f"{self.scratch}/"

        return _DOCUMENTED_PLACES.sub(ours, text)


# Settings of the test suite (tests/conftest.py) that hold for the documented commands too: which
# bundle a new store is loaded with.
KEPT_SETTINGS = frozenset({"CITYPACT_BUNDLE"})


def without_citypact_settings(environ: dict[str, str]) -> dict[str, str]:
    """The environment without CITYPACT_* variables (but :data:`KEPT_SETTINGS`), so the
    caller's settings cannot leak into the documented commands."""
    return {k: v for k, v in environ.items() if not k.startswith("CITYPACT_") or k in KEPT_SETTINGS}


def block_environment(data_dir: Path) -> dict[str, str]:
    """The environment of a block: this interpreter's scripts (``citypact``) first on PATH,
    CITYPACT_DATA_DIR the test's store, unbuffered Python so output keeps its order."""
    env = without_citypact_settings(dict(os.environ))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CITYPACT_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_on_terminal(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float = BLOCK_TIMEOUT
) -> tuple[int, str]:
    """Run ``command`` in ``cwd`` with standard output and error on a new pseudo-terminal
    (standard input empty); its exit code and what it printed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        close_fds=True,
        start_new_session=True,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise TimeoutError(f"still running after {timeout:.0f} s: {command}")
            ready, _, _ = select.select([leader], [], [], min(left, 1.0))
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    code = process.wait(timeout=30)
    return code, b"".join(chunks).decode("utf-8", errors="replace")


def repository_state(root: Path) -> set[str] | None:
    """``git status --porcelain --ignored`` without caches; None outside a git checkout."""
    if not (root / ".git").exists():
        return None
    listing = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line for line in listing.splitlines() if line and not _CACHES.search(line)}


def run_block(block: Block, where: DocsEnvironment) -> None:
    """Run one block; pytest.fail with the block, the command and its output when it fails."""
    text = where.localise(block.text)
    before = repository_state(where.root)
    if block.language == "console":
        for step in console_steps(text):
            command = ["bash", "-e", "-o", "pipefail", "-c", step.command]
            code, output = run_on_terminal(command, where.env, where.root)
            shown = terminal_lines(output)
            if code != 0:
                pytest.fail(
                    f"{block.id}: `{step.command}` exited {code}:\n" + "\n".join(shown[-60:])
                )
            if not output_matches(step.expected, shown):
                pytest.fail(
                    f"{block.id}: `{step.command}` printed something else.\n--- documented:\n"
                    + "\n".join(step.expected)
                    + "\n--- printed:\n"
                    + "\n".join(shown[:80])
                )
    else:
        command = (
            [sys.executable, "-c", text]
            if block.language == "python"
            else ["bash", "-e", "-o", "pipefail", "-c", text]
        )
        done = subprocess.run(
            command,
            cwd=where.root,
            env=where.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=BLOCK_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            output = done.stdout.decode("utf-8", errors="replace")
            pytest.fail(
                f"{block.id}: the {block.language} block exited {done.returncode}:\n{text}\n"
                f"--- output:\n{output[-6000:]}"
            )
    after = repository_state(where.root)
    if before is not None and after is not None and after - before:
        pytest.fail(
            f"{block.id} changed the repository while it ran (write to a temporary path "
            "instead; or was another process editing the checkout?):\n"
            + "\n".join(sorted(after - before))
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"citypact serve exited {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"citypact serve did not answer {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def docs_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocsEnvironment]:
    """A running `citypact serve` (its own store, the documented token) and a data directory
    holding the bundled data, as `make run` leaves it."""
    from citypact.store.backends import ensure_bundled_data
    from citypact.store.embedded import EmbeddedStore

    base = tmp_path_factory.mktemp("docs")
    data_dir, scratch = base / "store", base / "tmp"
    scratch.mkdir()
    store = EmbeddedStore(data_dir)
    try:
        ensure_bundled_data(store)
    finally:
        store.close()
    port = free_port()
    server_env = without_citypact_settings(dict(os.environ))
    server_env.update(
        CITYPACT_WRITE_TOKENS=DOCUMENTED_TOKEN,
        CITYPACT_RATE_LIMIT="0",
        CITYPACT_LOG_LEVEL="warning",
    )
    log = base / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "citypact.cli", "serve", "--port", str(port)]
            + ["--data-dir", str(base / "server-store")],
            cwd=ROOT,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/health", server, log)
        yield DocsEnvironment(port, data_dir, scratch, block_environment(data_dir))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the documented blocks --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_documented_block_runs_as_written(block: Block, request: pytest.FixtureRequest) -> None:
    try:
        reason = block.skip_reason()
    except ValueError as err:
        pytest.fail(str(err))
    if reason is not None:
        pytest.skip(f"docs-test: skip {reason} ({SKIP_REASONS[reason]})")
    run_block(block, request.getfixturevalue("docs_environment"))


def test_every_marker_is_known_and_placed(capsys: pytest.CaptureFixture[str]) -> None:
    """Skip markers stand just before the fence of a block that runs, with a known reason; the
    count of skipped blocks per reason is printed."""
    stray = []
    for path in DOCUMENTS:
        stray += stray_markers(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert not stray, "docs-test markers not just before a shell, console or Python block:\n" + (
        "\n".join(stray)
    )
    reasons: Counter[str] = Counter()
    for block in BLOCKS:
        reason = block.skip_reason()  # raises on an unknown reason
        if reason is not None:
            reasons[reason] += 1
    with capsys.disabled():
        counts = ", ".join(f"{reason}: {reasons[reason]}" for reason in SKIP_REASONS)
        print(f"\ndocumented blocks: {len(BLOCKS)} found, skipped by reason: {counts}")


def test_the_documents_have_blocks_that_run() -> None:
    """The collection works: README.md has shell and console blocks, and most of them run."""
    languages = Counter(b.language for b in BLOCKS if b.document == "README.md")
    assert languages["sh"] >= 5 and languages["console"] >= 3, languages
    assert sum(1 for b in BLOCKS if b.marker is None) > len(BLOCKS) * 3 // 4


def test_the_csv_sample_is_the_example_file() -> None:
    """README's sister-city table is examples/sister-cities.csv, the file its commands import."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [sample] = [b for b in find_blocks(readme, "README.md") if b.language == "csv"]
    assert sample.text == (ROOT / "examples" / "sister-cities.csv").read_text(encoding="utf-8")


# --- the machinery itself ---------------------------------------------------------------------

SAMPLE = """# Title

```sh
echo one
```

<!-- docs-test: skip needs-internet -->
```bash
curl https://query.wikidata.org/
```

```turtle
<a> <b> <c> .
```

<!-- docs-test: skip because-i-say-so -->
```console
$ echo two \\
    three
two three
```

```
a tree/
```

- a list item:

  ```python
  print("indented")
  ```
"""


def test_blocks_are_found_with_their_line_language_and_marker() -> None:
    blocks = find_blocks(SAMPLE, "SAMPLE.md")
    assert [(b.line, b.language, b.runs) for b in blocks] == [
        (3, "sh", True),
        (8, "bash", True),
        (12, "turtle", False),
        (17, "console", True),
        (23, "", False),
        (29, "python", True),
    ]
    assert blocks[-1].text == 'print("indented")\n'
    assert blocks[0].text == "echo one\n" and blocks[0].id == "SAMPLE.md:3"
    assert blocks[0].skip_reason() is None
    assert blocks[1].skip_reason() == "needs-internet"
    with pytest.raises(ValueError, match="unknown docs-test skip reason 'because-i-say-so'"):
        blocks[3].skip_reason()
    assert stray_markers(SAMPLE, "SAMPLE.md") == []
    moved = SAMPLE.replace("skip needs-internet -->\n```bash", "skip needs-internet -->\n\n```bash")
    assert stray_markers(moved, "SAMPLE.md") == [
        "SAMPLE.md:7: <!-- docs-test: skip needs-internet -->"
    ]


def test_a_console_transcript_is_commands_and_their_output() -> None:
    steps = console_steps("$ echo a \\\n   b\na b\n$ true\n$ seq 3\n1\n...\n")
    assert [(s.command, s.expected) for s in steps] == [
        ("echo a \\\n   b", ["a b"]),
        ("true", []),
        ("seq 3", ["1", "..."]),
    ]
    with pytest.raises(ValueError, match="starts with"):
        console_steps("output before any command\n$ true\n")


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        (["s,p,o", "..."], ["s,p,o", "a,b,c", "d,e,f"], True),
        (["s,p,o", "..."], ["s,p,o"], True),
        (["s,p,o", "..."], ["x,p,o", "a,b,c"], False),
        (["...", "last"], ["first", "second", "last"], True),
        (["...", "last"], ["first", "last", "after"], False),
        (['{"data":[...],"count":1}'], ['{"data":[{"a":1}],"count":1}'], True),
        (['{"data":[...],"count":1}'], ['{"data":[{"a":1}],"count":2}'], False),
        (
            ["accepted: ... (28 triples, 0 warning(s))"],
            ["accepted: g/1 (28 triples, 0 warning(s))"],
            True,
        ),
        (["one"], ["one", "two"], False),
        ([], [], True),
        ([], ["something"], False),
        (["a", "", ""], ["a"], True),
    ],
)
def test_output_is_matched_line_by_line_with_ellipses(
    expected: list[str], actual: list[str], matches: bool
) -> None:
    assert output_matches(expected, actual) is matches


def test_terminal_output_is_read_as_a_reader_sees_it() -> None:
    printed = "a  \r\n\x1b[1mb\x1b[0m\r\n 10%\r100%\r\ns,p,o\r\r\n\r\n"  # CSV's CRLF on a tty
    assert terminal_lines(printed) == ["a", "b", "100%", "s,p,o"]


def _machinery_environment(tmp_path: Path) -> DocsEnvironment:
    return DocsEnvironment(8000, tmp_path / "store", tmp_path, block_environment(tmp_path))


def test_a_console_block_passes_only_when_it_prints_what_is_written(tmp_path: Path) -> None:
    where = _machinery_environment(tmp_path)
    good = Block("T.md", 1, "console", "$ printf 'x\\ny\\n' && echo err >&2\nx\n...\nerr\n")
    run_block(good, where)
    bad = Block("T.md", 1, "console", "$ echo hello\ngoodbye\n")
    with pytest.raises(pytest.fail.Exception, match="printed something else"):
        run_block(bad, where)
    failing = Block("T.md", 1, "console", "$ false\n")
    with pytest.raises(pytest.fail.Exception, match="exited 1"):
        run_block(failing, where)


def test_shell_and_python_blocks_must_exit_0(tmp_path: Path) -> None:
    where = _machinery_environment(tmp_path)
    run_block(Block("T.md", 1, "sh", "true\necho fine\n"), where)
    run_block(Block("T.md", 1, "python", "import sys\nprint(sys.version)\n"), where)
    with pytest.raises(pytest.fail.Exception, match="exited 1"):
        run_block(Block("T.md", 1, "sh", "false | cat\necho not reached\n"), where)
    with pytest.raises(pytest.fail.Exception, match="exited 3"):
        run_block(Block("T.md", 1, "python", "raise SystemExit(3)\n"), where)


def test_a_block_that_writes_into_the_repository_fails(tmp_path: Path) -> None:
    """In a repository of its own: a new file, an ignored directory, a changed tracked file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".gitignore").write_text("/build/\n")
    for git in (["init", "-q"], ["add", ".gitignore"], ["commit", "-q", "-m", "start"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *git],
            cwd=repo,
            check=True,
        )
    where = DocsEnvironment(8000, tmp_path / "store", tmp_path, block_environment(tmp_path), repo)
    run_block(Block("T.md", 1, "sh", "echo fine > /dev/null\n"), where)
    for writes in (
        "echo probe > new.txt",
        "mkdir build && touch build/wheel",
        "echo more >> .gitignore",
    ):
        with pytest.raises(pytest.fail.Exception, match="changed the repository"):
            run_block(Block("T.md", 1, "sh", writes + "\n"), where)


def test_documented_addresses_and_paths_are_localised(tmp_path: Path) -> None:
    where = DocsEnvironment(4321, tmp_path / "store", tmp_path / "tmp", {})
    text = (
        "curl http://127.0.0.1:8000/sparql http://localhost:8000/ ; citypact validate "
        "--data-dir var/store ; curl -o /tmp/x.gz ; ls /var/tmp/y other/var/store"
    )
    assert where.localise(text) == (
        f"curl http://127.0.0.1:4321/sparql http://127.0.0.1:4321/ ; citypact validate "
        f"--data-dir {tmp_path}/store ; curl -o {tmp_path}/tmp/x.gz ; ls /var/tmp/y other/var/store"
    )
