"""A non-editable install ships the ontology, shapes, queries and data inside the package."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("citypact-*.whl")
    return path


def test_wheel_contains_resources(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for prefix in ("ontology/", "shapes/", "queries/", "data/ttl/"):
        files = [n for n in names if n.startswith(f"citypact/resources/{prefix}")]
        assert files, f"no {prefix} in wheel"
    for expected in (
        "citypact/resources/ontology/citypact.ttl",
        "citypact/resources/queries/partners_by_sector.rq",
    ):
        assert expected in names


def test_installed_cli_finds_bundled_files(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # Reuse the dependencies already installed for the tests (no network), but not citypact
    # itself: a .pth line adds the path without processing the editable install's own .pth.
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import citypact.resources as r; print(r.resource_dir('shapes'))"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert where.startswith(site), where
    proc = subprocess.run(
        [str(env_dir / "bin" / "citypact"), "validate"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "conforms: 0 violation(s)" in proc.stdout
