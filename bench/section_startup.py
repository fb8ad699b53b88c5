"""e. Start-up and memory: from launching `citypact serve` on the existing big store to the first
answered API request; the server's peak RSS under the HTTP benchmark (measured in section c)."""

from __future__ import annotations

from common import BIN, Figure, Section
from context import Context
from servers import ServerProcess, free_port

STARTUP_LIMIT = 3.0
RSS_LIMIT = 1.5e9


def start_once(ctx: Context, url_path: str, number: int) -> float:
    """Launch the server, wait for the first 200 on ``url_path``, stop it; returns seconds."""
    port = free_port()
    server = ServerProcess(
        "citypact",
        [
            str(BIN / "citypact"),
            "serve",
            "--data-dir",
            str(ctx.ensure_store()),
            "--port",
            str(port),
        ],
        ctx.cfg.workdir / "logs" / f"citypact-startup-{number}.log",
        # No rate limit: the benchmark is one client making many requests on purpose.
        env={"CITYPACT_LOG_LEVEL": "warning", "CITYPACT_RATE_LIMIT": "0"},
        port=port,
    ).start()
    try:
        return server.wait_until(server.base + url_path, 120)
    finally:
        server.stop()


def run(ctx: Context, section: Section) -> None:
    """Repeated cold starts; then the RSS target from the HTTP section."""
    params = ctx.ensure_params()
    url_path = f"/api/cities/{params.city_slug}/partners?sector={params.sector_slug}"
    figure = section.add(
        Figure(
            "`citypact serve` launch → first answered /api request",
            [start_once(ctx, url_path, n) for n in range(ctx.cfg.startup_reps)],
            note=f"existing store in {ctx.ensure_store().name}/; GET {url_path}",
        )
    )
    median = figure.median or 0.0
    ctx.results.target(
        f"e. start-up to first answered request < {STARTUP_LIMIT:g} s",
        figure.cell(),
        median < STARTUP_LIMIT,
    )
    peak = ctx.notes.get("peak_rss")
    ctx.results.target(
        f"e. server peak RSS under the HTTP benchmark ≤ {RSS_LIMIT / 1e9:g} GB",
        "–" if peak is None else f"{int(peak) / 1e9:.2f} GB (VmHWM)",
        None if peak is None else int(peak) <= RSS_LIMIT,
    )
