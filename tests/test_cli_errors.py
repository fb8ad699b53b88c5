"""Every CLI error names the file or option at fault and exits with the documented code
(issue 16): 0 ok, 1 validation failed, 2 unreadable input or bad usage (see the docstring of
``citypact.cli`` and the README's "Exit codes").

The commands are found by walking the parser, as in ``test_cli_help.py``; each is given an
unknown option, a bad value for each typed option and, where it reads files, a missing file and
a file that does not parse. The tables below say how to call each command; a new command fails
:func:`test_every_command_is_in_the_tables` until it is added to them.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from citypact.cli import main

from .conftest import ROOT, TEST_DATA
from .test_cli_help import PARSERS

VALID_TTL = str(TEST_DATA / "valid" / "new-agreement.ttl")
ARTICLE = str(TEST_DATA / "articles" / "001_054a8cbca290f82a.txt")
TWINNING = str(TEST_DATA / "import" / "wikidata-twinning.json")
TABLE = str(ROOT / "examples" / "sister-cities.csv")
RAW = str(ROOT / "data" / "raw")
SERVER = "http://127.0.0.1:9"  # never reached: every case fails before sending anything

LEAVES = [path for path, parser in PARSERS if parser.get_default("func") is not None]
LEAF_PARSERS = dict(PARSERS)

# Arguments a command accepts (STORE, TMP: the test's store and scratch directory). The error
# cases add to them or replace a file in them.
VALID: dict[tuple[str, ...], list[str]] = {
    ("validate",): [VALID_TTL],
    ("serve",): ["--port", "8000", "--data-dir", "STORE"],
    ("load",): [VALID_TTL, "--data-dir", "STORE", "--no-bundle"],
    ("submit",): [VALID_TTL, "--server", SERVER],
    ("extract",): [ARTICLE],
    ("query",): ["sectors", "--data-dir", "STORE"],
    ("export-site",): ["TMP/site", "--data-dir", "STORE"],
    ("generate",): ["TMP/out.ttl", "--cities", "2", "--agreements", "1"],
    ("import", "wikidata"): [TWINNING, "--data-dir", "STORE"],
    ("import", "csv"): [TABLE, "--data-dir", "STORE"],
    ("import", "lists"): ["--raw-dir", RAW, "--out-dir", "TMP/out"],
    ("export", "wikidata"): ["--data-dir", "STORE"],
    ("export", "network"): ["TMP/network", "--data-dir", "STORE", "--format", "csv"],
    ("release",): ["--data-dir", "STORE", "--output-dir", "TMP/releases"],
    ("diff", "wikidata"): [TWINNING, "--data-dir", "STORE"],
}
# How each command that reads a file is given one (FILE), and the name of a file it would read
# that is missing; the others read none.
READS: dict[tuple[str, ...], tuple[list[str], str]] = {
    ("validate",): (["FILE"], "missing.ttl"),
    ("load",): (["FILE", "--data-dir", "STORE", "--no-bundle"], "missing.ttl"),
    ("submit",): (["FILE", "--server", SERVER], "missing.ttl"),
    ("extract",): (["FILE"], "missing.txt"),
    ("query",): (["FILE"], "missing.rq"),
    ("import", "wikidata"): (["FILE", "--data-dir", "STORE"], "missing.json"),
    ("import", "csv"): (["FILE", "--data-dir", "STORE"], "missing.csv"),
    ("import", "lists"): (["--raw-dir", "FILE", "--out-dir", "TMP/out"], "missing-raw"),
    ("export", "wikidata"): (["--compare", "FILE", "--data-dir", "STORE"], "missing.json"),
    ("diff", "wikidata"): (["FILE", "--data-dir", "STORE"], "missing.json"),
}
READS_NOTHING = {("serve",), ("export-site",), ("generate",), ("export", "network"), ("release",)}
# A file each reading command cannot parse, and what the message must say (its name, and the
# line where the format has lines).
BROKEN = {
    "bad.ttl": "@prefix ex: <https://example.org/> .\nex:a ex:b\n",
    "bad.json": '{"head":\n',
    "bad.csv": 'city,country\n"Jakarta,Indonesia\n',
    "bad.rq": "SELECT ?s WHERE {\n",
    "latin1.txt": "Pemerintah Provinsi DKI Jakarta dan Kuala Lumpur sepakat \xe9",
}
SYNTAX: dict[tuple[str, ...], tuple[str, str]] = {
    ("validate",): ("bad.ttl", "bad.ttl:3"),
    ("load",): ("bad.ttl", "bad.ttl:3"),
    ("submit",): ("bad.ttl", "bad.ttl:3"),
    ("extract",): ("latin1.txt", "latin1.txt"),
    ("query",): ("bad.rq", "bad.rq"),
    ("import", "wikidata"): ("bad.json", "bad.json: line 2"),
    ("import", "csv"): ("bad.csv", "bad.csv"),
    ("import", "lists"): ("bad.csv", "bad.csv"),  # a file where a directory of lists belongs
    ("export", "wikidata"): ("bad.json", "bad.json: line 2"),
    ("diff", "wikidata"): ("bad.json", "bad.json: line 2"),
}
# Values the parser takes but the command refuses: (arguments, what the message must name).
REFUSED_VALUES: list[tuple[list[str], str]] = [
    (["validate", "--format", "nope", VALID_TTL], "--format"),
    (["submit", VALID_TTL, "--server", SERVER, "--format", "nope"], "--format"),
    (["submit", VALID_TTL, "--server", "127.0.0.1:8000"], "--server"),
    (["load", VALID_TTL, "--data-dir", "STORE", "--graph", "not an IRI"], "--graph"),
    (["load", VALID_TTL, "--endpoint", "localhost:7878/query"], "--endpoint"),
    (["load", VALID_TTL, "--update-endpoint", "localhost:7878/update"], "--update-endpoint"),
    (["serve", "--endpoint", "localhost:7878/query"], "--endpoint"),
    (["query", "sectors", "--endpoint", "localhost:7878/query"], "--endpoint"),
    (["query", "no_such_query", "--data-dir", "STORE"], "no_such_query"),
    (["extract", ARTICLE, "--date", "11/08/2025"], "--date"),
    (["extract", ARTICLE, "--url", "www.example.org/news"], "--url"),
    (["generate", "TMP/out.ttl", "--cities", "1"], "--cities"),
    (["generate", "TMP/out.ttl", "--agreements", "0"], "--agreements"),
    (["generate", "TMP/out.ttl", "--namespace", "https://example.org/x"], "--namespace"),
    (["export-site", "TMP/site", "--base-iri", "example.org"], "--base-iri"),
    (["export-site", "TMP/site", "--site-url", "example.org"], "--site-url"),
    (["import", "wikidata", "--data-dir", "STORE"], "--endpoint"),
    (
        ["import", "wikidata", "TMP/t.json", "--endpoint", "query.wikidata.org"],
        "query.wikidata.org",
    ),
    (["import", "wikidata", TWINNING, "--server", "example.org"], "--server"),
    (["import", "csv", TABLE, "--server", "example.org"], "--server"),
    (["export", "network", "TMP/n", "--data-dir", "STORE", "--country", "XX"], "--country"),
    (["export", "network", "TMP/n", "--data-dir", "STORE", "--sector", "nope"], "--sector"),
    (["export", "network", "TMP/n", "--data-dir", "STORE", "--year-to", "199x"], "--year-to"),
    (["release", "--data-dir", "STORE", "--output-dir", "TMP/r", "--version", "../x"], "--version"),
    (["release", "--data-dir", "STORE", "--base-iri", "example.org"], "--base-iri"),
]


@pytest.fixture
def place(tmp_path: Path) -> Callable[[list[str]], list[str]]:
    """Arguments with STORE, TMP and the broken files' names made paths of this test."""
    for name, text in BROKEN.items():
        (tmp_path / name).write_bytes(text.encode("latin-1"))
    names = {"STORE": str(tmp_path / "store"), "TMP": str(tmp_path)}

    def fill(argv: list[str]) -> list[str]:
        out = []
        for arg in argv:
            for key, value in names.items():
                if arg == key or arg.startswith(key + "/"):
                    arg = value + arg[len(key) :]
            out.append(str(tmp_path / arg) if arg in BROKEN else arg)
        return out

    return fill


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code of ``citypact ARGV`` (argparse's own exits included) and its stderr."""
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    return code, capsys.readouterr().err


def assert_refused(argv: list[str], names: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(argv, capsys)
    assert code == 2, f"citypact {' '.join(argv)} exited {code}:\n{err}"
    assert names in err, f"citypact {' '.join(argv)}: the message does not name {names!r}:\n{err}"
    assert "Traceback" not in err


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path)


def test_every_command_is_in_the_tables() -> None:
    assert set(LEAVES) == set(VALID), "add the command to VALID"
    assert set(LEAVES) == set(READS) | READS_NOTHING, "add the command to READS or READS_NOTHING"
    assert set(READS) == set(SYNTAX)


@pytest.mark.parametrize("path", LEAVES, ids=_id)
def test_an_unknown_option_is_named(
    path: tuple[str, ...], place: Callable[[list[str]], list[str]], capsys: pytest.CaptureFixture
) -> None:
    assert_refused([*path, *place(VALID[path]), "--no-such-option"], "--no-such-option", capsys)


def _typed_options() -> list[tuple[tuple[str, ...], str, str]]:
    """(command, option, a value it refuses) for every option with choices or a number type."""
    cases = []
    for path in LEAVES:
        for action in LEAF_PARSERS[path]._actions:
            if not action.option_strings or isinstance(action, argparse._HelpAction):
                continue
            if action.choices is not None:
                cases.append((path, action.option_strings[0], "no-such-choice"))
            elif action.type is not None and action.type is not Path:
                cases.append((path, action.option_strings[0], "1x"))
    return cases


TYPED = _typed_options()


@pytest.mark.parametrize(
    ("path", "option", "value"), TYPED, ids=[f"{_id(p)} {o}" for p, o, _ in TYPED]
)
def test_a_bad_value_of_a_typed_option_is_named(
    path: tuple[str, ...],
    option: str,
    value: str,
    place: Callable[[list[str]], list[str]],
    capsys: pytest.CaptureFixture,
) -> None:
    assert_refused([*path, *place(VALID[path]), option, value], option, capsys)


def test_the_walk_finds_typed_options() -> None:
    options = {(path, option) for path, option, _ in TYPED}
    assert {(("serve",), "--port"), (("query",), "--timeout"), (("validate",), "--lang")} <= (
        options
    )


@pytest.mark.parametrize(
    ("argv", "names"), REFUSED_VALUES, ids=[" ".join(a[:1] + [n]) for a, n in REFUSED_VALUES]
)
def test_a_value_the_command_refuses_is_named(
    argv: list[str],
    names: str,
    place: Callable[[list[str]], list[str]],
    capsys: pytest.CaptureFixture,
) -> None:
    assert_refused(place(argv), names, capsys)


@pytest.mark.parametrize("path", list(READS), ids=_id)
def test_a_missing_file_is_named(
    path: tuple[str, ...],
    place: Callable[[list[str]], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    template, name = READS[path]
    missing = str(tmp_path / name)
    argv = [missing if arg == "FILE" else arg for arg in place(template)]
    assert_refused([*path, *argv], missing, capsys)


@pytest.mark.parametrize("path", list(SYNTAX), ids=_id)
def test_a_file_that_does_not_parse_is_named(
    path: tuple[str, ...], place: Callable[[list[str]], list[str]], capsys: pytest.CaptureFixture
) -> None:
    broken, names = SYNTAX[path]
    argv = [broken if arg == "FILE" else arg for arg in READS[path][0]]
    assert_refused([*path, *place(argv)], names, capsys)


@pytest.mark.parametrize(
    "path", [p for p in LEAVES if "--data-dir" in LEAF_PARSERS[p]._option_string_actions], ids=_id
)
def test_a_data_directory_that_is_a_file_is_named(
    path: tuple[str, ...],
    place: Callable[[list[str]], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    not_a_directory = tmp_path / "store.txt"
    not_a_directory.write_text("a file, not a store\n")
    argv = [*path, *place(VALID[path]), "--data-dir", str(not_a_directory)]
    assert_refused(argv, str(not_a_directory), capsys)


def test_a_bad_setting_in_the_environment_is_named(
    monkeypatch: pytest.MonkeyPatch,
    place: Callable[[list[str]], list[str]],
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("CITYPACT_QUERY_TIMEOUT", "soon")
    assert_refused(
        place(["query", "sectors", "--data-dir", "STORE"]), "CITYPACT_QUERY_TIMEOUT", capsys
    )


def test_validation_failures_still_exit_1(capsys: pytest.CaptureFixture) -> None:
    code, _ = run(["validate", str(TEST_DATA / "invalid" / "agreement-missing-date.ttl")], capsys)
    assert code == 1


# --- regressions: each of these crashed or exited with another code before issue 16 ------------


def test_load_of_a_missing_file_exits_2_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """It raised FileNotFoundError from os.path.getsize (exit 1, a traceback)."""
    missing = str(tmp_path / "nope.ttl")
    assert_refused(["load", missing, "--data-dir", str(tmp_path / "store")], missing, capsys)


def test_extract_with_a_url_that_is_no_iri_exits_2_not_a_traceback(
    capsys: pytest.CaptureFixture,
) -> None:
    """`--url notaurl` became the source's schema:url and broke the validation query (exit 1,
    QuerySyntaxError)."""
    assert_refused(["extract", ARTICLE, "--url", "notaurl"], "--url", capsys)
    assert_refused(["extract", ARTICLE, "--url", "https://example.org/a<b>"], "--url", capsys)


def test_extract_with_a_bad_date_names_the_option(capsys: pytest.CaptureFixture) -> None:
    """The message was Python's own ("Invalid isoformat string: 'nope'")."""
    assert_refused(["extract", ARTICLE, "--date", "nope"], "--date", capsys)


def test_export_wikidata_into_a_missing_directory_exits_2_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`-o` into a directory that does not exist raised FileNotFoundError (exit 1)."""
    target = str(tmp_path / "no" / "statements.txt")
    argv = ["export", "wikidata", "-o", target, "--data-dir", str(tmp_path / "store")]
    assert_refused(argv, target, capsys)


def test_an_endpoint_that_is_no_url_exits_2_not_a_traceback(capsys: pytest.CaptureFixture) -> None:
    """SPARQLWrapper raised ValueError('unknown url type') from `query` (exit 1) and from the
    app's start-up under `serve` (exit 3)."""
    assert_refused(["query", "sectors", "--endpoint", "notaurl"], "--endpoint", capsys)
    assert_refused(["serve", "--endpoint", "notaurl"], "--endpoint", capsys)


def test_export_site_with_a_base_iri_that_is_no_iri_exits_2_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The base IRI skipped the settings' validation and broke the VoID (exit 1, ValueError);
    a --site-url that is no URL was written into the sitemap."""
    site = str(tmp_path / "site")
    assert_refused(["export-site", site, "--base-iri", "nope"], "--base-iri", capsys)
    assert_refused(["export-site", site, "--site-url", "nope"], "--site-url", capsys)
    assert not Path(site).exists()


def test_a_timeout_that_is_not_positive_exits_2_not_a_traceback(
    capsys: pytest.CaptureFixture,
) -> None:
    """`--timeout -1` reached socket.settimeout (exit 1, ValueError) in submit and import, and
    `query` reported a query timed out after -1 s."""
    assert_refused(
        ["submit", VALID_TTL, "--server", SERVER, "--timeout", "-1"], "--timeout", capsys
    )
    assert_refused(["import", "csv", TABLE, "--timeout", "0"], "--timeout", capsys)
    assert_refused(["query", "sectors", "--timeout", "nan"], "--timeout", capsys)


def test_query_of_a_missing_rq_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A missing .rq file (or a misspelt query name) was run as query text: exit 1 with a parse
    error at 1:1 that named neither."""
    missing = str(tmp_path / "partners.rq")
    assert_refused(["query", missing], missing, capsys)
    assert_refused(["query", "partners_by_sectors"], "partners_by_sectors", capsys)


def test_submit_of_a_file_that_does_not_parse_names_it_before_sending(
    place: Callable[[list[str]], list[str]], capsys: pytest.CaptureFixture
) -> None:
    """The server's 400 was printed without the file's name; the file is now parsed first (the
    server at SERVER is never reached), like `citypact validate` does."""
    assert_refused(place(["submit", "bad.ttl", "--server", SERVER]), "bad.ttl:3:", capsys)


def test_serve_on_a_port_out_of_range_exits_2_not_a_traceback(
    capsys: pytest.CaptureFixture,
) -> None:
    """Port 99999 reached socket.bind (exit 1, OverflowError)."""
    assert_refused(["serve", "--port", "99999"], "--port", capsys)


@pytest.mark.slow
def test_serve_on_a_port_in_use_exits_2_naming_it(tmp_path: Path) -> None:
    """uvicorn exited 3, which is no documented code."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "citypact.cli", "serve", "--port", port]
            + ["--data-dir", str(tmp_path / "store")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert f"127.0.0.1:{port} (--host, --port)" in done.stderr
