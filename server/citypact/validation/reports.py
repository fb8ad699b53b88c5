"""Rendering SHACL validation reports as text, JSON or RDF."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from citypact.namespaces import ENTITY_KINDS, bind_prefixes
from citypact.validation.validator import ValidationReport, ValidationResult

REPORT_FORMATS = ("text", "json", "turtle", "jsonld")

_NAMES = Graph()
bind_prefixes(_NAMES)
for _kind in ENTITY_KINDS:
    _NAMES.bind(_kind, f"https://w3id.org/citypact/id/{_kind}/")
_NAMES.bind("shape", "https://w3id.org/citypact/shapes#")


def short(node: Node | None) -> str:
    """A readable form of a term: prefixed name for IRIs, N3 for literals, '-' for none."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        try:
            return _NAMES.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - fall back to the full IRI
            return f"<{node}>"
    return node.n3()


def result_to_dict(result: ValidationResult, lang: str = "en") -> dict[str, Any]:
    """One result as a JSON-ready dict (full IRIs, message in ``lang``)."""
    return {
        "focus_node": str(result.focus_node),
        "path": str(result.path) if result.path is not None else None,
        "value": str(result.value) if result.value is not None else None,
        "message": result.message(lang),
        "shape": str(result.node_shape) if result.node_shape is not None else None,
        "constraint": str(result.constraint) if result.constraint is not None else None,
        "severity": result.severity,
    }


def report_to_dict(report: ValidationReport, lang: str = "en", strict: bool = False) -> dict:
    """The report as a JSON-ready summary."""
    return {
        "conforms": report.conforms(strict),
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [result_to_dict(r, lang) for r in report.results],
    }


def render_text(report: ValidationReport, lang: str = "en", strict: bool = False) -> str:
    """A readable report grouped by focus node."""
    lines: list[str] = []
    for focus, group in groupby(report.results, key=lambda r: r.focus_node):
        lines.append(short(focus))
        for r in group:
            lines.append(f"  {r.severity}: {r.message(lang)}")
            lines.append(f"    path: {short(r.path)}   value: {short(r.value)}")
            lines.append(f"    shape: {short(r.node_shape)}   constraint: {short(r.constraint)}")
        lines.append("")
    verdict = "conforms" if report.conforms(strict) else "does NOT conform"
    lines.append(
        f"{verdict}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        + (" (strict: warnings fail)" if strict else "")
    )
    return "\n".join(lines)


def render(
    report: ValidationReport, fmt: str = "text", lang: str = "en", strict: bool = False
) -> str:
    """Render in one of REPORT_FORMATS."""
    if fmt == "text":
        return render_text(report, lang, strict)
    if fmt == "json":
        return json.dumps(report_to_dict(report, lang, strict), indent=2, ensure_ascii=False)
    if fmt in ("turtle", "jsonld"):
        bind_prefixes(report.graph)
        return report.graph.serialize(format="turtle" if fmt == "turtle" else "json-ld")
    raise ValueError(f"unknown report format {fmt!r}; expected one of {REPORT_FORMATS}")
