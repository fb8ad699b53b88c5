"""The `citypact validate` command: exit codes, messages and report formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citypact.cli import main

from .conftest import TEST_DATA

NO_DATE = TEST_DATA / "invalid" / "agreement-missing-date.ttl"
NO_DATE_IRI = "https://w3id.org/citypact/id/agreement/test-agreement-without-date"


def test_bundled_data_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "conforms: 0 violation(s)" in out


def test_valid_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(TEST_DATA / "valid" / "new-agreement.ttl")]) == 0
    assert "conforms" in capsys.readouterr().out


def test_agreement_without_date_exits_1_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(NO_DATE)]) == 1
    out = capsys.readouterr().out
    assert "agreement:test-agreement-without-date" in out or NO_DATE_IRI in out
    assert "does NOT conform" in out
    assert "cp:date" in out


def test_json_report_names_focus_node_and_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--report-format", "json", str(NO_DATE)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    hits = [
        r
        for r in report["results"]
        if r["focus_node"] == NO_DATE_IRI and r["path"] == "https://w3id.org/citypact/ontology#date"
    ]
    assert hits and all(r["severity"] == "Violation" for r in hits)
    assert hits[0]["shape"] == "https://w3id.org/citypact/shapes#AgreementShape"


def test_indonesian_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--lang", "id", "--report-format", "json", str(NO_DATE)]) == 1
    report = json.loads(capsys.readouterr().out)
    messages = [r["message"] for r in report["results"] if r["focus_node"] == NO_DATE_IRI]
    assert any("tanggal" in m for m in messages)


def test_turtle_report_is_a_shacl_report(capsys: pytest.CaptureFixture[str]) -> None:
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    assert main(["validate", "--report-format", "turtle", str(NO_DATE)]) == 1
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in graph
    assert (None, SH.focusNode, None) in graph


def test_truncated_turtle_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (TEST_DATA / "valid" / "new-agreement.ttl").read_text(encoding="utf-8")
    cut = text[: len(text) * 2 // 3]
    broken = tmp_path / "truncated.ttl"
    broken.write_text(cut, encoding="utf-8")
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err
    line = cut.count("\n") + 1
    assert f"truncated.ttl:{line}:" in err or f"line {line}" in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.ttl")]) == 2
    assert "nope.ttl" in capsys.readouterr().err


def test_unknown_extension_needs_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "data.txt"
    path.write_text((TEST_DATA / "valid" / "new-agreement.ttl").read_text(encoding="utf-8"))
    assert main(["validate", str(path)]) == 2
    assert "--format" in capsys.readouterr().err
    assert main(["validate", "--format", "turtle", str(path)]) == 0


def test_other_formats_are_read(tmp_path: Path) -> None:
    from rdflib import Graph

    graph = Graph().parse(TEST_DATA / "valid" / "new-agreement.ttl")
    for ext, fmt in ((".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")):
        path = tmp_path / f"agreement{ext}"
        graph.serialize(path, format=fmt)
        assert main(["validate", str(path)]) == 0, ext


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    warn_only = TEST_DATA / "valid" / "place-without-coordinates.ttl"
    assert main(["validate", str(warn_only)]) == 0
    assert main(["validate", "--strict", str(warn_only)]) == 1


def test_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "citypact.cli", "validate", str(NO_DATE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "test-agreement-without-date" in proc.stdout


def test_validate_a_whole_store_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--data-dir` with no files validates every named graph of an existing store, read-only."""
    store = tmp_path / "store"
    assert (
        main(["load", "--data-dir", str(store), str(TEST_DATA / "valid" / "new-agreement.ttl")])
        == 0
    )
    capsys.readouterr()
    assert main(["validate", "--data-dir", str(store), "--report-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["conforms"] is True
    assert main(["load", "--data-dir", str(store), str(NO_DATE)]) == 0
    capsys.readouterr()
    assert main(["validate", "--data-dir", str(store), "--report-format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert NO_DATE_IRI in {r["focus_node"] for r in report["results"]}


def test_validate_files_against_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With files and `--data-dir`, the files are validated as additions to that store."""
    store = tmp_path / "store"
    assert main(["load", "--data-dir", str(store), str(NO_DATE)]) == 0
    assert (
        main(["validate", "--data-dir", str(store), str(TEST_DATA / "valid" / "new-agreement.ttl")])
        == 0
    )
    assert main(["validate", "--data-dir", str(store), str(NO_DATE)]) == 1


def test_validate_a_missing_store_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "no store" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_both_engines_report_the_same(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--engine", engine, "--report-format", "json", str(NO_DATE)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {(r["focus_node"], r["constraint"]) for r in report["results"]} >= {
        (NO_DATE_IRI, "http://www.w3.org/ns/shacl#MinCountConstraintComponent")
    }


def test_load_of_a_file_over_the_progress_threshold_draws_the_bar_and_stores_it(
    tmp_path: Path,
) -> None:
    """Regression (issue 16): `citypact load` of a file over 5 MB crashed with
    AttributeError ('_GeneratorContextManager' has no attribute 'read'): tqdm's wrapattr is a
    context manager, not a file. The bar must be drawn to a terminal and the triples stored."""
    import fcntl
    import os
    import pty
    import select as select_module
    import struct
    import termios

    from citypact.store.embedded import PROGRESS_THRESHOLD, EmbeddedStore

    big = tmp_path / "big.nt"
    lines = 0
    with big.open("w", encoding="utf-8") as out:
        while out.tell() <= PROGRESS_THRESHOLD + 100_000:
            out.write(
                f"<https://example.org/s{lines}> <https://example.org/p> "
                f'"value number {lines} padded to make the line a little longer" .\n'
            )
            lines += 1
    assert big.stat().st_size > PROGRESS_THRESHOLD
    store_dir = tmp_path / "store"
    leader, follower = pty.openpty()  # stderr is a terminal, as for a user at a shell
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "citypact.cli", "load", str(big), "--data-dir", str(store_dir)],
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select_module.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, drawn.decode(errors="replace")[-2000:]
    text = drawn.decode(errors="replace")
    assert "big.nt" in text and "100%" in text, text[-2000:]
    assert "\r" in text  # a bar redrawn in place, not a line per update
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        rows = store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <https://example.org/p> ?o } }"
        ).rows
    finally:
        store.close()
    assert int(rows[0]["n"].value) == lines
