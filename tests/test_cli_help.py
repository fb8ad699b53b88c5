"""`citypact --help` and the help of every command, nested ones included, end with examples,
and every example parses with the real parser, so they cannot drift from the options (issue 16).

The commands are found by walking the parser (argparse keeps sub-commands in the ``choices`` of
its ``_SubParsersAction``), so a new command is checked without touching this file.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator

import pytest

from citypact.cli import build_parser

from .conftest import ROOT

_HEADING = re.compile(r"^examples?:$")
# An argument that names a file of the repository (the examples use real ones where they read).
_REPOSITORY_FILE = re.compile(r"^(?:tests|examples|queries|data|ontology|shapes)/\S+\.\w+$")


def command_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """The parser and every sub-command's parser, depth first, with the words that select it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from command_parsers(sub, (*path, name))


PARSERS = list(command_parsers(build_parser()))


def examples_in(help_text: str) -> list[str]:
    """The example lines under the ``example:``/``examples:`` heading of a help text."""
    lines = help_text.splitlines()
    starts = [i for i, line in enumerate(lines) if _HEADING.match(line)]
    if not starts:
        return []
    found = []
    for line in lines[starts[-1] + 1 :]:
        if not line.startswith("  ") or not line.strip():
            break
        found.append(line.strip())
    return found


def test_the_walk_finds_every_command() -> None:
    paths = {path for path, _ in PARSERS}
    assert {
        (),
        ("validate",),
        ("serve",),
        ("load",),
        ("submit",),
        ("extract",),
        ("query",),
        ("export-site",),
        ("generate",),
        ("import",),
        ("import", "wikidata"),
        ("import", "csv"),
        ("export",),
        ("export", "wikidata"),
        ("diff",),
        ("diff", "wikidata"),
    } <= paths


@pytest.mark.parametrize(
    ("path", "parser"), PARSERS, ids=[" ".join(("citypact", *p)) for p, _ in PARSERS]
)
def test_help_ends_with_examples_that_parse(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    help_text = parser.format_help()
    examples = examples_in(help_text)
    assert examples, f"`{' '.join(('citypact', *path, '--help'))}` shows no example:\n{help_text}"
    for example in examples:
        words = shlex.split(example, comments=True)
        assert words[0] == "citypact", example
        assert tuple(words[1 : 1 + len(path)]) == path, f"{example!r} is not `{' '.join(path)}`"
        try:
            args = build_parser().parse_args(words[1:])
        except SystemExit as stop:
            pytest.fail(f"the example {example!r} does not parse (exit {stop.code})")
        assert callable(getattr(args, "func", None)), f"{example!r} selects no command"
        for word in words[1:]:
            if _REPOSITORY_FILE.match(word):
                assert (ROOT / word).is_file(), f"{example!r} names {word}, which does not exist"


def test_examples_are_read_from_the_help_text() -> None:
    """The reader of the help text: the last heading, indented lines up to a blank line."""
    text = "usage: x\n\noptions:\n  -h\n\nexamples:\n  citypact a\n  citypact b  # c\n\nmore\n"
    assert examples_in(text) == ["citypact a", "citypact b  # c"]
    assert examples_in("usage: x\n\noptions:\n  -h, --help  show this help\n") == []


def test_descriptions_are_still_wrapped() -> None:
    """Examples keep their lines, while a long description is wrapped as before."""
    parser = dict(PARSERS)[("validate",)]
    help_text = parser.format_help()
    assert "Validate RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) as new triples added" in (
        help_text.replace("\n", " ")
    )
    description = help_text.split("\n\n")[1]
    assert description.count("\n") >= 2 and max(map(len, description.splitlines())) <= 100


def test_the_console_command_shows_the_examples() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "citypact.cli", "import", "wikidata", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "examples:\n  citypact import wikidata tests/data/import/wikidata-twinning.json\n" in (
        done.stdout
    )
