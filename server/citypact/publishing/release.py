"""A citable, versioned release of the dataset (``citypact release``, ``make release``).

A release is one folder ``{releases_dir}/{version}/`` holding:

- ``dumps/``: every dump of ``/dumps/`` (Turtle, N-Triples, JSON-LD, TriG, and one N-Quads file
  per outside source's graph, under that source's licence);
- ``network/``: the network tables and graph files (:mod:`citypact.network.formats`);
- ``void.ttl``: the VoID and DCAT description with the version, the issue date, the licence of
  each named graph, and every file as a ``dcat:Distribution`` with its SHA-256 checksum
  (``spdx:checksum``);
- ``CITATION.cff``: how to cite the dataset (and the software and sources it rests on);
- ``CHANGELOG.md``: the partnerships added, changed and retracted since the previous release
  (``changes.csv``: the complete list);
- ``SHA256SUMS`` (``sha256sum -c`` checks it) and ``release.json`` (what the server reads).

The folder is written under a temporary name and renamed when complete, so a failed or
interrupted release leaves no half-written version behind; an existing version is never
overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from citypact import __version__
from citypact.network.formats import FILES as NETWORK_FILES
from citypact.network.formats import write_all
from citypact.network.tables import read_network
from citypact.publishing.dataset_description import (
    ReleasedVersion,
    dataset_state,
    describe_dataset,
)
from citypact.publishing.dumps import DUMPS, source_dumps, write_dump
from citypact.publishing.html_pages import DumpLink
from citypact.publishing.linked_data import IriSpace, by_suffix, serialize
from citypact.publishing.release_notes import changelog, changes_csv, citation, compare, read_edges
from citypact.store.port import Store

VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]{0,39}$")
SPDX = "http://spdx.org/rdf/terms#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


class ReleaseError(Exception):
    """A release that cannot be made (bad version, existing folder, remote store, ...)."""


@dataclass
class Release:
    """A release on disk, as ``release.json`` records it."""

    version: str
    issued: str
    directory: Path
    triples: int = 0
    fingerprint: list[object] = field(default_factory=list)
    partnerships: int = 0
    files: dict[str, dict[str, object]] = field(default_factory=dict)

    def as_version(self, current_fingerprint: object = None) -> ReleasedVersion:
        """The release as the dataset description links it."""
        current = current_fingerprint is not None and list(current_fingerprint) == self.fingerprint  # type: ignore[call-overload]
        return ReleasedVersion(self.version, self.issued, self.triples, current)


def list_releases(directory: Path) -> list[Release]:
    """The complete releases in ``directory``, newest first (by issue date, then version)."""
    found = []
    if not directory.is_dir():
        return []
    for child in directory.iterdir():
        record = child / "release.json"
        if not child.is_dir() or not VERSION.match(child.name) or not record.is_file():
            continue
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            found.append(
                Release(
                    str(data["version"]),
                    str(data["issued"]),
                    child,
                    int(data.get("triples", 0)),
                    list(data.get("fingerprint", [])),
                    int(data.get("partnerships", 0)),
                    dict(data.get("files", {})),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda r: (r.issued, r.version), reverse=True)


def network_links(directory: Path) -> list[DumpLink]:
    """The downloads page's rows for the network files and for each release (newest first)."""
    links = [
        DumpLink(f"/dumps/network/{f.name}", f.title, f.media_type, "the whole network")
        for f in NETWORK_FILES
    ]
    for release in list_releases(directory):
        links.append(
            DumpLink(
                f"/dumps/releases/{release.version}/",
                f"Release {release.version} ({release.issued})",
                "text/html",
                f"{release.partnerships} partnerships; dumps, network tables, void.ttl, "
                "CITATION.cff, CHANGELOG.md, SHA256SUMS",
            )
        )
    return links


def default_version(today: datetime | None = None) -> str:
    """A calendar version, ``YYYY.MM.DD``."""
    now = today or datetime.now(UTC)
    return now.strftime("%Y.%m.%d")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _void_with_checksums(
    triples: list[ox.Triple],
    space: IriSpace,
    version: str,
    sums: dict[str, str],
    sizes: dict[str, int],
) -> list[ox.Triple]:
    """The release's own files as distributions with their checksums and sizes."""
    ds = ox.NamedNode(space.dataset_iri)
    added = list(triples)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for number, (name, digest) in enumerate(sorted(sums.items()), start=1):
        url = ox.NamedNode(f"{space.base}dumps/releases/{version}/{name}")
        dist = ox.BlankNode(f"release{number}")
        checksum = ox.BlankNode(f"checksum{number}")
        added += [
            ox.Triple(ds, ox.NamedNode(DCAT + "distribution"), dist),
            ox.Triple(dist, rdf_type, ox.NamedNode(DCAT + "Distribution")),
            ox.Triple(dist, ox.NamedNode(DCT + "title"), ox.Literal(name)),
            ox.Triple(dist, ox.NamedNode(DCAT + "downloadURL"), url),
            ox.Triple(
                dist,
                ox.NamedNode(DCAT + "byteSize"),
                ox.Literal(
                    str(sizes[name]),
                    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"),
                ),
            ),
            ox.Triple(dist, ox.NamedNode(SPDX + "checksum"), checksum),
            ox.Triple(checksum, rdf_type, ox.NamedNode(SPDX + "Checksum")),
            ox.Triple(
                checksum,
                ox.NamedNode(SPDX + "algorithm"),
                ox.NamedNode(SPDX + "checksumAlgorithm_sha256"),
            ),
            ox.Triple(checksum, ox.NamedNode(SPDX + "checksumValue"), ox.Literal(digest)),
        ]
    return added


def make_release(
    store: Store,
    directory: Path,
    space: IriSpace,
    version: str | None = None,
    check: Callable[[], None] = lambda: None,
    say: Callable[[str], None] = lambda _message: None,
    timeout: float = 600.0,
) -> Release:
    """Write a release of the store's data into ``directory/{version}``.

    Raises ReleaseError for a malformed or existing version, or a store that cannot be dumped
    (a remote endpoint); ``check`` is called between steps and raises to stop (a deadline).
    """
    from citypact.store.embedded import EmbeddedStore

    if not isinstance(store, EmbeddedStore):
        raise ReleaseError("a release dumps the embedded store (--data-dir), not a remote endpoint")
    version = version or default_version()
    if not VERSION.match(version):
        raise ReleaseError(
            f"--version: {version!r} is not a version (digits first, then letters, digits, "
            "'.', '+' or '-', at most 40 characters)"
        )
    target = directory / version
    if target.exists():
        raise ReleaseError(f"{target} exists already: releases are never overwritten")
    previous = next(iter(list_releases(directory)), None)
    issued = datetime.now(UTC).date().isoformat()
    work = directory / f".{version}.partial"
    if work.exists():
        shutil.rmtree(work)
    (work / "dumps").mkdir(parents=True)
    try:
        oxi = store.oxigraph
        for dump in [*DUMPS, *source_dumps(oxi)]:
            check()
            say(f"dumps/{dump.name}")
            with (work / "dumps" / dump.name).open("wb") as handle:
                write_dump(oxi, dump, handle)
        say("network tables")
        network = read_network(store, timeout, check)
        write_all(network, work / "network", check)
        state = dataset_state(store, timeout)
        released = ReleasedVersion(version, issued, 0, True)
        older = [r.as_version() for r in list_releases(directory)]
        void = describe_dataset(store, space, state.modified, timeout, older, released)
        triples = next(
            (
                int(t.object.value)
                for t in void
                if t.subject == ox.NamedNode(space.dataset_iri)
                and t.predicate.value == "http://rdfs.org/ns/void#triples"
                and isinstance(t.object, ox.Literal)
            ),
            0,
        )
        say("CHANGELOG.md, CITATION.cff")
        (work / "CHANGELOG.md").write_text(
            changelog(work / "network" / "edges.csv", previous, version, issued), encoding="utf-8"
        )
        old = read_edges(previous.directory / "network" / "edges.csv") if previous else {}
        (work / "changes.csv").write_text(
            changes_csv(compare(old, read_edges(work / "network" / "edges.csv"))),
            encoding="utf-8",
            newline="",
        )
        (work / "CITATION.cff").write_text(
            citation(
                store, space, version, issued, len(network.edges), len(network.nodes), timeout
            ),
            encoding="utf-8",
        )
        files = sorted(p for p in work.rglob("*") if p.is_file())
        sums = {p.relative_to(work).as_posix(): _sha256(p) for p in files}
        sizes = {p.relative_to(work).as_posix(): p.stat().st_size for p in files}
        turtle = by_suffix("ttl")
        assert turtle is not None
        (work / "void.ttl").write_bytes(
            serialize(_void_with_checksums(void, space, version, sums, sizes), turtle)
        )
        for name in ("void.ttl",):
            sums[name] = _sha256(work / name)
            sizes[name] = (work / name).stat().st_size
        (work / "SHA256SUMS").write_text(
            "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())),
            encoding="utf-8",
        )
        record = {
            "version": version,
            "issued": issued,
            "software": f"citypact {__version__}",
            "triples": triples,
            "fingerprint": list(state.fingerprint),
            "partnerships": len(network.edges),
            "places": len(network.nodes),
            "previous": previous.version if previous else None,
            "files": {n: {"sha256": sums[n], "bytes": sizes[n]} for n in sorted(sums)},
        }
        (work / "release.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        check()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Release(
        version,
        issued,
        target,
        triples,
        list(state.fingerprint),
        len(network.edges),
        record["files"],  # type: ignore[arg-type]
    )
