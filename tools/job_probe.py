"""Per-job records of a Snakemake run: each job's rule, wildcards, wall and CPU time and peak memory.

Every Python process of the run loads ``PROBE`` (a ``sitecustomize`` module on ``PYTHONPATH``,
which Python imports at start-up); a Snakemake job's script process appends, at exit, one JSON
line to ``$MOMENTUMLAB_JOB_RECORDS``: its job (rule and wildcards), start and end time, CPU
seconds (its own and its waited-for children's, such as ffmpeg), its peak resident memory
(``VmHWM``), its files and whether it imported
TensorFlow or matplotlib. Used by ``benchmarks/pipeline.py``, ``benchmarks/budget.py`` and the
budget's calibration test (``tests/test_budget_calibration.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Sequence

SNAKEMAKE = Path(sys.executable).with_name("snakemake")

PROBE = '''
import atexit, json, os, resource, sys, time

_STARTED = time.time()


def _files(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _files(v)]
    if isinstance(value, (list, tuple)):
        return [f for v in value for f in _files(v)]
    return []


def _peak_bytes():
    """VmHWM: the peak resident size of this process's own memory since its exec (ru_maxrss would also
    count the RSS of the Snakemake process it was forked from)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _record():
    job = getattr(sys.modules.get("__main__"), "snakemake", None)
    if job is None:
        return
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    record = {
        "rule": job.rule, "wildcards": dict(job.wildcards.items()), "start": _STARTED, "end": time.time(),
        "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "children_cpu": children.ru_utime + children.ru_stime,
        "peak_bytes": _peak_bytes(), "children_max_rss_bytes": children.ru_maxrss * 1024,
        "input": _files(list(job.input)), "output": _files(list(job.output)),
        "tensorflow": "tensorflow" in sys.modules, "matplotlib": "matplotlib" in sys.modules,
    }
    with open(os.environ["MOMENTUMLAB_JOB_RECORDS"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\\n")


atexit.register(_record)
'''


def install_probe(folder: Path) -> Path:
    """Write the probe as ``folder/sitecustomize.py``; returns ``folder`` (to put on ``PYTHONPATH``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
    return folder


def probed_environment(source: Path, probe: Path, records: Path) -> dict[str, str]:
    """The environment of a probed run: the package under ``source`` first, then the probe."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(source), str(probe)])
    env["MOMENTUMLAB_JOB_RECORDS"] = str(records)
    env["PATH"] = os.pathsep.join([str(SNAKEMAKE.parent), env.get("PATH", "")])
    return env


def read_records(records: Path) -> list[dict[str, Any]]:
    """The job records a probed run appended (none if no job ran)."""
    if not records.exists():
        return []
    return [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines() if line]


def run_probed(snakefile: Path, workdir: Path, source: Path, arguments: Sequence[str],
               timeout: float = 1800) -> tuple[subprocess.CompletedProcess, list[dict[str, Any]]]:
    """``snakemake -s SNAKEFILE ARGUMENTS`` in ``workdir`` with every job probed: (the process, the records)."""
    probe = install_probe(workdir / ".probe")
    records = workdir / ".probe" / "jobs.jsonl"
    records.unlink(missing_ok=True)
    command = [str(SNAKEMAKE), "-s", str(snakefile), *map(str, arguments)]
    result = subprocess.run(command, cwd=workdir, env=probed_environment(source, probe, records), capture_output=True,
                            text=True, timeout=timeout)
    return result, read_records(records)


def peak_bytes(record: dict[str, Any]) -> int:
    """A job's peak memory: the peak resident size of its script's process (``VmHWM``). Child processes
    (ffmpeg) are not in it: their ``ru_maxrss`` counts the job's own pages they were forked with."""
    return int(record["peak_bytes"])
