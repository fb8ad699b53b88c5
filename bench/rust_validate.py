"""Run shacl-rust in its own process (the benchmark can then stop it at a time limit).

Usage: python bench/rust_validate.py DATA.ttl SHAPES.ttl — prints, as JSON, the focus nodes of
the violations by constraint component.
"""

from __future__ import annotations

import json
import sys

import shacl_rust


def main(data: str, shapes: str) -> None:
    """Validate and print {component: [focus nodes]} for results of severity Violation."""
    report = shacl_rust.validate_file(data, shapes)
    out: dict[str, list[str]] = {}
    for result in report["results"]:
        if not str(result.get("severity", "")).endswith("#Violation>"):
            continue
        component = str(result["sourceConstraintComponent"]).strip("<>").rsplit("#", 1)[-1]
        out.setdefault(component, []).append(str(result["focusNode"]).strip("<>"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
