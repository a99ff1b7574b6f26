"""Command line: ``python -m momentumlab check CONFIG [--set key.path=value ...]``.

``check`` validates a config as the workflow does and prints its job plan: every job's
estimated peak memory and wall time beside the budget. It exits 1 with the workflow's own
one-line refusal when the config is invalid or a job is over budget, before any job runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

from momentumlab.config import Config, ConfigError, budget_violation, estimate_jobs, load_yaml, parse_command_line_values, parse_config
from momentumlab.config.budget import format_duration, format_size


def _with_override(raw: dict[str, Any], assignment: str) -> dict[str, Any]:
    """``raw`` with ``key.path=value`` set (the value read as YAML, as ``--config`` does)."""
    path, sep, value = assignment.partition("=")
    if not sep or not path:
        raise ConfigError(f"config error: --set wants key.path=value, got {assignment!r}")
    node = raw
    *parents, leaf = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"config error at {path}: {key} is not a mapping")
    node[leaf] = parse_command_line_values({leaf: value})[leaf]
    return raw


def plan_table(config: Config) -> str:
    """The job plan as an aligned text table: job, memory, time, and which limit a job breaks."""
    limit_bytes = config.budget.max_job_memory_mb * 1e6
    limit_seconds = config.budget.max_job_minutes * 60.0
    rows = [("job", "memory", "time", "")]
    for job in estimate_jobs(config):
        over = [name for name, used, limit in (("memory", job.memory_bytes, limit_bytes), ("time", job.seconds, limit_seconds))
                if used > limit]
        rows.append((job.job, format_size(job.memory_bytes), format_duration(job.seconds),
                     f"over budget ({', '.join(over)})" if over else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def check(path: str, assignments: Sequence[str] = ()) -> int:
    """Print the plan of the config at ``path``; 0 when every job fits, 1 otherwise."""
    try:
        raw = load_yaml(path)
        for assignment in assignments:
            raw = _with_override(raw, assignment)
        config = parse_config(raw, check_budget=False)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(plan_table(config))
    budget = f"budget: {config.budget.max_job_memory_mb:g} MB and {config.budget.max_job_minutes:g} min per job"
    refusal = budget_violation(config)
    if refusal:
        print(f"{budget}; refused:", file=sys.stdout)
        print(refusal, file=sys.stderr)
        return 1
    print(f"{budget}; every job fits.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="python -m momentumlab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    checker = commands.add_parser("check", help="validate a config and print its job plan with estimates")
    checker.add_argument("config", help="a YAML config (e.g. config.yaml)")
    checker.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY.PATH=VALUE",
                         help="override one key, as snakemake's --config does (repeatable)")
    arguments = parser.parse_args(argv)
    return check(arguments.config, arguments.assignments)


if __name__ == "__main__":
    raise SystemExit(main())
