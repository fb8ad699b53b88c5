"""Storage faults on the embedded store: a read-only data directory and a full disk.

Writes fail with a clear error that names no internal path, nothing is half-written, and
reads keep working. The faults are real: a read-only bind mount and a small tmpfs filled to
the last byte (both need root, as in CI).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.settings import Settings

from .conftest import TEST_DATA, require

pytestmark = pytest.mark.slow

TOKEN = "fault-token-4Kq9"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
NEW_AGREEMENT = (TEST_DATA / "valid" / "new-agreement.ttl").read_bytes()


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, write_tokens=TOKEN, rate_limit=0)  # type: ignore[call-arg]


def _triples(client: TestClient) -> int:
    answer = client.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _reads_work(client: TestClient) -> None:
    city = client.get("/api/cities/jakarta")
    assert city.status_code == 200, city.text
    page = client.get("/id/city/jakarta", headers={"Accept": "text/html"})
    assert page.status_code == 200


def _assert_clear_failure(answer: object, status: int, words: str, root: Path) -> None:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    message = answer.json()["error"]["message"]  # type: ignore[attr-defined]
    assert words in message
    assert str(root) not in answer.text  # type: ignore[attr-defined]
    assert "Traceback" not in answer.text  # type: ignore[attr-defined]


@contextlib.contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """``source`` seen through a read-only bind mount at ``target``."""
    target.mkdir(parents=True)
    assert _mount("--bind", str(source), str(target))
    try:
        assert _mount("-o", "remount,ro,bind", str(target))
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_data_directory_serves_reads_and_refuses_writes(tmp_path: Path) -> None:
    require(_can_mount(), "root and mount (for a read-only bind mount)")
    store_dir = tmp_path / "store"
    with TestClient(create_app(_settings(store_dir))) as client:
        before = _triples(client)
    with read_only_view(store_dir, tmp_path / "ro") as view:
        with TestClient(create_app(_settings(view))) as client:
            _reads_work(client)
            answer = client.post("/api/submissions", content=NEW_AGREEMENT, headers=AUTH)
            _assert_clear_failure(answer, 503, "read-only", tmp_path)
            assert _triples(client) == before
    # Writable again: the same directory takes the submission.
    with TestClient(create_app(_settings(store_dir))) as client:
        answer = client.post("/api/submissions", content=NEW_AGREEMENT, headers=AUTH)
        assert answer.status_code == 201, answer.text


@contextlib.contextmanager
def small_disk(target: Path, megabytes: int) -> Iterator[Path]:
    target.mkdir(parents=True)
    assert _mount("-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _fill(disk: Path) -> Path:
    """Fill the disk to its last byte with one file; return it."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        block = b"\0" * (1 << 16)
        with contextlib.suppress(OSError):
            while True:
                out.write(block)
        with contextlib.suppress(OSError):
            while True:  # the last partial block, byte by byte
                out.write(b"\0")
    return filler


def test_a_full_disk_fails_writes_cleanly_and_keeps_reads(tmp_path: Path) -> None:
    require(_can_mount(), "root and mount (for a small tmpfs)")
    with small_disk(tmp_path / "disk", 256) as disk:
        store_dir = disk / "store"
        app = create_app(_settings(store_dir))
        with TestClient(app) as client:
            before = _triples(client)
            filler = _fill(disk)
            assert shutil.disk_usage(disk).free < 4096
            answer = client.post("/api/submissions", content=NEW_AGREEMENT, headers=AUTH)
            _assert_clear_failure(answer, 507, "full", tmp_path)
            _reads_work(client)
            assert _triples(client) == before
            assert client.get("/api/submissions").json()["count"] == 0
            filler.unlink()
            # RocksDB refuses writes after a failed one until the store is reopened: still a
            # clear 507 that says what to do, never a half-write.
            retry = client.post("/api/submissions", content=NEW_AGREEMENT, headers=AUTH)
            _assert_clear_failure(retry, 507, "restart", tmp_path)
            _reads_work(client)
        # After a restart the store takes writes again, and nothing half-written shows.
        with TestClient(create_app(_settings(store_dir))) as client:
            assert _triples(client) == before
            answer = client.post("/api/submissions", content=NEW_AGREEMENT, headers=AUTH)
            assert answer.status_code == 201, answer.text
