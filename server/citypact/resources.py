"""Where the bundled ontology, shapes, queries and data are.

In a wheel they sit inside the package (``citypact/resources/...``, see pyproject.toml); in a
source checkout (editable install, tests) they are read from the top of the repository.
"""

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_NAMES = ("ontology", "shapes", "queries", "data/ttl", "data/built")


@cache
def resource_dir(name: str) -> Path:
    """The directory of a bundled resource: ``ontology``, ``shapes``, ``queries`` or ``data/ttl``.

    Raises FileNotFoundError when neither the packaged nor the checkout copy exists.
    """
    if name not in _NAMES:
        raise ValueError(f"unknown resource {name!r}; expected one of {_NAMES}")
    for candidate in (_PACKAGE_DIR / "resources" / name, _PACKAGE_DIR.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled resource directory {name!r} not found")


def ontology_files() -> list[Path]:
    """The ontology and vocabulary files (Turtle), sorted."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


def shape_files() -> list[Path]:
    """The SHACL shape files (Turtle), sorted."""
    return sorted(resource_dir("shapes").glob("*.ttl"))


def data_files() -> list[Path]:
    """The bundled instance data files (Turtle), sorted."""
    return sorted(resource_dir("data/ttl").glob("*.ttl"))


def built_dir() -> Path:
    """The directory of the graphs built from the pinned raw inputs (``citypact import lists``)."""
    try:
        return resource_dir("data/built")
    except FileNotFoundError:
        return _PACKAGE_DIR.parents[1] / "data" / "built"


def built_files() -> list[Path]:
    """The built graphs (gzipped N-Quads, one named graph per source), sorted; none when the
    repository was cloned without them."""
    try:
        return sorted(resource_dir("data/built").glob("*.nq.gz"))
    except FileNotFoundError:
        return []


def query_dir() -> Path:
    """The directory holding the named SPARQL queries."""
    return resource_dir("queries")


def static_dir() -> Path:
    """The site's static files (CSS, scripts, the vendored YASGUI and world atlas)."""
    return _PACKAGE_DIR / "static"
