#!/usr/bin/env python3
"""A stand-in for ``sbatch``: run one Snakemake jobscript in the background, isolated.

snakemake-executor-plugin-cluster-generic calls ``submit.py JOBSCRIPT`` from the working
directory and reads a job id from the first line we print. The job then runs in a
separate process, in a fresh private directory that holds nothing but symlinks to the
job's declared inputs and the workdir's config.yaml (the workflow sources are read from
the absolute Snakefile path),
so a rule that reads an undeclared file fails here as it would on a cluster node that
never received it. Declared outputs and logs are moved back into the working directory
(rename within the directory: atomic) before the plugin's ``jobfinished`` marker is
touched; a failed job touches ``jobfailed`` and hands back only its logs.

Every job appends ``<rule> <pid> <jobid>`` to ``logs/cluster/jobs.tsv`` (pid: the process
that ran the job); its own stdout/stderr go to ``logs/cluster/<rule>-<jobid>.out``.
Standard library only, so any python3 can run it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# The command line the plugin writes: cd WORKDIR && COMMAND && touch OK || (touch FAILED; exit 1)
COMMAND_LINE = re.compile(
    r"^cd (?P<workdir>\S+) && (?P<command>.+) && touch (?P<finished>'[^']*'|\S+)"
    r" \|\| \(touch (?P<failed>'[^']*'|\S+); exit 1\)\s*$"
)
JOB_LOG_DIR = Path("logs/cluster")


def parse_jobscript(path: str) -> dict[str, Any]:
    """The job's properties (rule, input, output, log) and its command, from a jobscript."""
    properties, match = None, None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# properties = "):
            properties = json.loads(line.removeprefix("# properties = "))
        elif line.startswith("cd "):
            match = COMMAND_LINE.match(line)
    if properties is None or match is None:
        raise SystemExit(f"submit.py: cannot parse jobscript {path}")
    return {
        "properties": properties,
        "command": match["command"],
        "finished": shlex.split(match["finished"])[0],
        "failed": shlex.split(match["failed"])[0],
    }


def submit(jobscript: str) -> None:
    """Start the job in a detached process and print its id (the process id)."""
    job = parse_jobscript(jobscript)
    job["workdir"] = os.getcwd()
    properties = job["properties"]
    JOB_LOG_DIR.mkdir(parents=True, exist_ok=True)
    out = open(JOB_LOG_DIR / f"{properties['rule']}-{properties['jobid']}.out", "w", encoding="utf-8")
    runner = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--run", json.dumps(job)],
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    print(runner.pid)


def stage_inputs(properties: dict[str, Any], workdir: Path, private: Path) -> None:
    """Symlink every declared input (relative paths only) into the private directory.

    ``config.yaml`` comes along when present: without ``--configfile`` the Snakefile reads
    it from the working directory, and Snakemake does not pass it on to the job.
    """
    workflow_config = ["config.yaml"] if (workdir / "config.yaml").is_file() else []
    for name in dict.fromkeys([*properties.get("input", []), *workflow_config]):
        if os.path.isabs(name):
            continue
        link = private / name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(workdir / name, link)


def hand_back(names: list[str], workdir: Path, private: Path) -> list[str]:
    """Move ``names`` from the private into the working directory; the ones missing."""
    missing = []
    for name in names:
        source, target = private / name, workdir / name
        if not os.path.lexists(source):
            missing.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.handback{os.getpid()}")
        shutil.move(source, staging)  # may copy across file systems; the rename below is atomic
        os.replace(staging, target)
    return missing


def run(job: dict[str, Any]) -> int:
    """Run the job's command in a private directory, then hand its outputs back."""
    properties, workdir = job["properties"], Path(job["workdir"])
    private = Path(tempfile.mkdtemp(prefix=f"momentumlab-{properties['rule']}-{properties['jobid']}-"))
    status = 1
    try:
        stage_inputs(properties, workdir, private)
        process = subprocess.Popen(["/bin/sh", "-c", job["command"]], cwd=private)
        with open(workdir / JOB_LOG_DIR / "jobs.tsv", "a", encoding="utf-8") as jobs:
            jobs.write(f"{properties['rule']}\t{process.pid}\t{properties['jobid']}\n")
        status = process.wait()
        hand_back(properties.get("log", []), workdir, private)
        if status == 0:
            missing = hand_back(properties.get("output", []), workdir, private)
            if missing:
                print(f"submit.py: declared outputs not written: {missing}", file=sys.stderr)
                status = 1
    finally:  # whatever happened, tell the plugin (it waits for one of the two markers)
        shutil.rmtree(private, ignore_errors=True)
        Path(job["finished"] if status == 0 else job["failed"]).touch()
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        sys.exit(run(json.loads(sys.argv[2])))
    if len(sys.argv) != 2:
        sys.exit("usage: submit.py JOBSCRIPT")
    submit(sys.argv[1])
