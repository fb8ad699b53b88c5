"""Check ``readonly``: the data directory mounted read-only; reads work, writes get 503."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import httpx
from reliability_config import NEW_AGREEMENT, SPARQL_JSON, TOKEN, Config
from reliability_harness import Data, Target, Workload, client, start_citypact, timed_get
from reliability_report import Report, markdown_table, ms


def can_mount() -> bool:
    """Root and mount(8): needed for a read-only bind mount."""
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def read_only_view(source: Path, target: Path):  # type: ignore[no-untyped-def]
    """``source`` seen through a read-only bind mount at ``target`` (root)."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(source), str(target)], check=True, capture_output=True)
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], check=True, capture_output=True
        )
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


def count_triples(http: httpx.Client, base: str) -> int:
    """Triples in every named graph."""
    answer = http.get(
        f"{base}/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": SPARQL_JSON},
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def check_readonly(
    cfg: Config, report: Report, data: Data, workload: Workload, lines: list[str]
) -> None:
    """`citypact serve` on a read-only bind mount of the loaded store."""
    name = "Read-only data directory: writes fail with a clear error, reads keep working"
    if not can_mount():
        report.check(name, False, "not run: needs root and mount(8) for a read-only bind mount")
        return
    print("   read-only data directory ...", flush=True)
    view = cfg.workdir / "store-read-only"
    with read_only_view(data.store, view):
        probe = view / ".write-probe"
        try:
            probe.write_text("x")
            writable = True
        except OSError as err:
            writable, refusal = False, err.strerror
        if writable:
            probe.unlink()
            report.check(name, False, "the bind mount did not make the directory read-only")
            return
        server = start_citypact(cfg, "citypact-read-only", view)
        try:
            with client(120) as http:
                before = count_triples(http, server.base)
                submitted = http.post(
                    f"{server.base}/api/submissions",
                    content=NEW_AGREEMENT.read_bytes(),
                    headers={
                        "Authorization": f"Bearer {TOKEN}",
                        "Content-Type": "text/turtle",
                    },
                )
                reads = [timed_get(http, server.base, t) for t in workload.cheap]
                reads.append(
                    timed_get(
                        http, server.base, Target("GET /api/cities/jakarta", "/api/cities/jakarta")
                    )
                )
                after = count_triples(http, server.base)
                listed = http.get(f"{server.base}/api/submissions").json().get("count")
        finally:
            server.stop()
    try:
        message = submitted.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = ""
    leaks = [w for w in ("Traceback", str(cfg.workdir)) if w in submitted.text]
    reads_ok = all(200 <= status < 300 for status, _s, _b in reads)
    lines += [
        f"The loaded store bind-mounted read-only (`mount --bind` then `remount,ro,bind`; "
        f'a write there fails with "{refusal}", even as root), `citypact serve` started on it.',
        "",
        markdown_table(
            ["what", "value"],
            [
                ("POST /api/submissions (a valid agreement)", f"{submitted.status_code}"),
                ("its body", f"`{submitted.text[:300]}`"),
                ("internal paths or traces in it", ", ".join(leaks) or "none"),
                (
                    "reads meanwhile",
                    ", ".join(f"{s} in {ms(t)}" for s, t, _b in reads),
                ),
                ("triples before / after the write", f"{before:,} / {after:,}"),
                ("submissions listed after", str(listed)),
            ],
        ),
        "",
    ]
    clear = submitted.status_code in (503, 507) and bool(message) and not leaks
    report.check(
        name,
        clear and reads_ok and before == after,
        f'write → {submitted.status_code} "{message[:80]}"; {len(reads)} reads '
        f"{'all 2xx' if reads_ok else 'NOT all 2xx'}; triples unchanged: {before == after}",
    )
