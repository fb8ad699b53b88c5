"""The registry of named SPARQL queries in ``queries/``, and safe parameter binding.

Each ``.rq`` file opens with a comment block::

    # Question: Which partners of a city cooperate with it on a sector?
    # Parameters:
    #   ?city   (required) the city, e.g. <https://w3id.org/citypact/id/city/jakarta>
    #   ?sector (optional) a sector of the scheme
    # Columns: partner, partnerLabel, agreement, ...

and holds, for each parameter, a placeholder ``VALUES ?name { UNDEF }``. Binding replaces
``UNDEF`` with the N3 form of an rdflib term, so user input reaches the query only as a
validated RDF term, never as query text. Unbound optional parameters stay ``UNDEF``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from citypact import resources

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_PARAM_LINE = re.compile(r"^\?(\w+)\s+\((required|optional)\)\s*(.*)$")


class QueryError(Exception):
    """A named query that is missing, malformed, or bound wrongly."""


def _placeholder(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{\s*UNDEF\s*\}")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query."""

    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its text, the question it answers, its parameters and columns."""

    name: str
    path: Path
    text: str
    question: str
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = field(default=())

    def bind(self, **values: Node | Sequence[Node] | None) -> str:
        """The query text with parameters bound as RDF terms.

        A value may be one term or a sequence of terms (the query then runs for each). Every
        placeholder of a parameter is bound, so a query may repeat one inside subqueries,
        where Oxigraph would not push an outer binding.
        Raises QueryError for an unknown parameter, a missing required one, or a value that
        is not an rdflib IRI or literal.
        """
        known = {p.name: p for p in self.parameters}
        unknown = set(values) - set(known)
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s) {sorted(unknown)}")
        text = self.text
        for param in self.parameters:
            value = values.get(param.name)
            if value is None or (isinstance(value, list | tuple) and not value):
                if param.required:
                    raise QueryError(f"{self.name}: parameter ?{param.name} is required")
                continue
            terms = list(value) if isinstance(value, list | tuple) else [value]
            rendered = " ".join(_render(self.name, param.name, t) for t in terms)
            replacement = f"VALUES ?{param.name} {{ {rendered} }}"
            text = _placeholder(param.name).sub(replacement.replace("\\", "\\\\"), text)
        return text


def _render(query: str, name: str, term: object) -> str:
    if not isinstance(term, URIRef | Literal):
        raise QueryError(f"{query}: ?{name} must be an IRI or a literal")
    if isinstance(term, URIRef) and _BAD_IRI.search(str(term)):
        raise QueryError(f"{query}: ?{name} is not a valid IRI")
    return term.n3()


def _parse_header(name: str, text: str) -> tuple[str, tuple[Parameter, ...], tuple[str, ...]]:
    question, params = "", []
    columns: tuple[str, ...] = ()
    section = None
    for raw in text.splitlines():
        if not raw.startswith("#"):
            break
        line = raw.lstrip("#").strip()
        if line.startswith("Question:"):
            question, section = line.removeprefix("Question:").strip(), "question"
        elif line.startswith("Parameters:"):
            section = "parameters"
            rest = line.removeprefix("Parameters:").strip()
            if rest and rest.lower() != "none":
                raise QueryError(f"{name}: list parameters on their own lines")
        elif line.startswith("Columns:"):
            columns = tuple(
                c.strip() for c in line.removeprefix("Columns:").split(",") if c.strip()
            )
            section = "columns"
        elif section == "parameters" and (m := _PARAM_LINE.match(line)):
            params.append(Parameter(m.group(1), m.group(2) == "required", m.group(3)))
        elif section == "question" and line:
            question += " " + line
        elif section == "columns" and line:
            columns += tuple(c.strip() for c in line.split(",") if c.strip())
    if not question:
        raise QueryError(f"{name}: the header comment must state the question ('# Question:')")
    if not columns:
        raise QueryError(f"{name}: the header comment must list the columns ('# Columns:')")
    return question, tuple(params), columns


def load_query(path: Path, name: str | None = None) -> NamedQuery:
    """Load, check and parse one query file."""
    name = name or path.stem
    text = path.read_text(encoding="utf-8")
    question, params, columns = _parse_header(name, text)
    for param in params:
        if not _placeholder(param.name).search(text):
            raise QueryError(f"{name}: no placeholder 'VALUES ?{param.name} {{ UNDEF }}'")
    try:
        parseQuery(text)
    except Exception as err:  # noqa: BLE001 - the parser raises several exception types
        raise QueryError(f"{name}: does not parse: {err}") from err
    return NamedQuery(name, path, text, question, params, columns)


class QueryRegistry:
    """All named queries of a directory, loaded and parsed once."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or resources.query_dir()
        self.queries: dict[str, NamedQuery] = {}
        for path in sorted(self.directory.glob("*.rq")):
            query = load_query(path)
            self.queries[query.name] = query

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise QueryError(f"no query named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)
