"""State shared by the sections: the data, the loaded store, the rdflib graph, the parameters.

Each section asks for what it needs with an ``ensure_*`` method, so a section still runs when the
one that would normally have prepared its input failed.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import BIN, BenchConfig, Results
from rdflib import Graph
from workload import Dataset, Params, bundled_files, generate_dataset, pick_params, rdflib_graph

from citypact.store.embedded import EmbeddedStore


@dataclass
class Context:
    """What the sections share."""

    cfg: BenchConfig
    results: Results
    dataset: Dataset | None = None
    store_dir: Path | None = None
    cli_load_seconds: float | None = None
    graph: Graph | None = None
    params: Params | None = None
    submission: Graph | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def ensure_dataset(self) -> Dataset:
        """The generated main data file."""
        if self.dataset is None:
            self.cfg.workdir.mkdir(parents=True, exist_ok=True)
            print(f"   generating about {self.cfg.triples:,} triples ...", flush=True)
            self.dataset = generate_dataset(self.cfg, self.cfg.triples, "synthetic")
            self.results.data.update(self.dataset.describe())
            print(f"   {self.dataset.triples:,} triples in {self.dataset.path}", flush=True)
        return self.dataset

    def ensure_store(self) -> Path:
        """The embedded store with the bundled data and the generated file, loaded with
        ``citypact load --data-dir DIR FILE`` (the time of that command is kept)."""
        if self.store_dir is None:
            dataset = self.ensure_dataset()
            target = self.cfg.workdir / "store"
            shutil.rmtree(target, ignore_errors=True)
            started = time.perf_counter()
            subprocess.run(
                [
                    str(BIN / "citypact"),
                    "load",
                    "--quiet",
                    "--data-dir",
                    str(target),
                    str(dataset.path),
                ],
                check=True,
                capture_output=True,
            )
            self.cli_load_seconds = time.perf_counter() - started
            self.store_dir = target
        return self.store_dir

    def open_store(self) -> EmbeddedStore:
        """Open the loaded store in this process (close it before starting a server on it)."""
        return EmbeddedStore(self.ensure_store())

    def ensure_params(self) -> Params:
        """Realistic parameters picked from the loaded store."""
        if self.params is None:
            store = self.open_store()
            try:
                self.params = pick_params(store)
            finally:
                store.close()
            for key, value in self.params.describe().items():
                self.results.data[f"parameter: {key}"] = value
        return self.params

    def ensure_graph(self, parsed: Graph | None = None) -> Graph:
        """The rdflib graph of the same data as the store (ontology, bundled data, generated)."""
        if self.graph is None:
            if parsed is None:
                parsed = rdflib_graph([self.ensure_dataset().path])
            for path in bundled_files():
                parsed.parse(path)
            self.graph = parsed
        return self.graph

    def all_files(self) -> list[Path]:
        """Every file a server must hold: the ontology, the bundled data and the generated data."""
        return bundled_files() + [self.ensure_dataset().path]
