"""Configuration: one settings class, read from ``CITYPACT_*`` environment variables.

Every field is documented in README.md and in ``.env.example``; a test keeps the three in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """CityPact settings (environment variables prefixed ``CITYPACT_``)."""

    model_config = SettingsConfigDict(env_prefix="CITYPACT_", env_file=None, extra="ignore")

    host: str = Field("127.0.0.1", description="Address `citypact serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `citypact serve` listens on.")
    data_dir: Path = Field(
        Path("var/store"), description="Directory of the embedded Oxigraph store."
    )
    sparql_endpoint: str | None = Field(
        None,
        description="Remote SPARQL query endpoint URL; when set, no embedded store is opened.",
    )
    sparql_update_endpoint: str | None = Field(
        None, description="Remote SPARQL update endpoint URL (for loading and writes)."
    )
    sparql_user: str | None = Field(None, description="User name for the remote endpoints.")
    sparql_password: SecretStr | None = Field(
        None, description="Password for the remote endpoints."
    )
    sparql_auth: Literal["basic", "digest"] = Field(
        "basic", description="HTTP authentication scheme for the remote endpoints."
    )
    query_timeout: float = Field(
        30.0, gt=0, description="Server-side SPARQL timeout in seconds (clients may ask less)."
    )
    max_results: int = Field(
        100_000, gt=0, description="Most rows (or triples) one /sparql answer may hold."
    )
    log_level: str = Field("info", description="Log level of the server.")
    write_tokens: SecretStr | None = Field(
        None,
        description="Comma-separated bearer tokens allowed to submit and retract data; "
        "unset disables writes.",
    )
    max_body_bytes: int = Field(
        10_000_000, gt=0, description="Largest accepted RDF upload, in bytes."
    )
    rate_limit: int = Field(
        600,
        ge=0,
        description="Requests a minute each client may make to /sparql and /api "
        "(429 with Retry-After beyond); 0 disables the limit.",
    )
    rate_limit_burst: int = Field(
        120, gt=0, description="Requests a client may make at once before the rate applies."
    )
    max_concurrent_queries: int = Field(
        2,
        gt=0,
        description="SPARQL queries /sparql evaluates at once (timed-out ones count until "
        "they stop); beyond, requests queue within their time limit, then get 503.",
    )
    query_isolation: Literal["process", "thread"] = Field(
        "process",
        description="How /sparql runs queries on the embedded store: in worker processes, "
        "stopped at their timeout (process), or in threads, which run on to their end (thread).",
    )
    validation_engine: Literal["sparql", "pyshacl"] = Field(
        "sparql",
        description="How submissions and `citypact validate` check the shapes: compiled to SPARQL "
        "on Oxigraph (sparql) or with pySHACL (pyshacl, the reference; much slower).",
    )
    bundle: Literal["full", "core"] = Field(
        "full",
        description="What a new store is loaded with: full (the curated graph and the graphs "
        "built from the partnership lists in data/built) or core (the curated graph only).",
    )
    releases_dir: Path = Field(
        Path("var/releases"),
        description="Directory `citypact release` writes versioned releases into (one folder "
        "per version); the server lists and serves them under /dumps/releases/.",
    )
    # --- linked data: begin ---
    base_iri: str = Field(
        "https://w3id.org/citypact/",
        pattern=r"^https?://[^\s<>\"{}|\\^`]+/$",
        description="Base IRI of the entities this deployment serves: the path /id/... answers "
        "for {base}id/...; also used in links, VoID and the static export.",
    )
    # --- linked data: end ---

    def tokens(self) -> list[str]:
        """The configured write tokens (empty: writes disabled)."""
        if self.write_tokens is None:
            return []
        raw = self.write_tokens.get_secret_value()
        return [t.strip() for t in raw.split(",") if t.strip()]

    @property
    def backend(self) -> Literal["embedded", "remote"]:
        """Which store adapter the settings select."""
        return "remote" if self.sparql_endpoint else "embedded"
