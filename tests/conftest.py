"""Shared fixtures: the tiny workflow, run once per test session in a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


@pytest.fixture(scope="session")
def tiny_workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temp dir in which `snakemake --cores 2 --configfile tests/tiny.yaml` has finished."""
    workdir = tmp_path_factory.mktemp("tiny_workflow")
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--cores", "2",
               "--configfile", str(REPO / "tests" / "tiny.yaml")]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=1200)
    (workdir / "console.txt").write_text(result.stdout + result.stderr, encoding="utf-8")  # what the user saw
    if result.returncode != 0:
        pytest.fail(f"the tiny workflow failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return workdir


@pytest.fixture(scope="session")
def snakemake_in():
    """Run this repository's Snakefile in a folder: ``snakemake_in(workdir, *args)`` -> CompletedProcess."""

    def run(workdir: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), *map(str, args)]
        return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def file_digests():
    """``file_digests(folder)``: the sha256 of every file under ``folder``, keyed by relative path."""
    import hashlib

    def digests(folder: Path) -> dict[str, str]:
        files = (path for path in sorted(folder.rglob("*")) if path.is_file())
        return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}

    return digests


@pytest.fixture(scope="session")
def summary_numbers():
    """``summary_numbers(path)``: summary.json without its wall times (``*seconds`` keys), to compare runs."""
    import json

    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if not key.endswith("seconds")}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return lambda path: strip(json.loads(Path(path).read_text(encoding="utf-8")))
