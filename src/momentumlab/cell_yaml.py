"""The config that reproduces one sweep cell: every setting it ran with, numbers that round-trip exactly.

A cell of a sweep runs the sweep's method with the options and schedule of the experiment's first
optimizer of that method, for ``sweep.steps`` steps. :func:`cell_template` writes that as a new
experiment entry (YAML, flow style) in which only the cell's learning rate and momentum are left as
the placeholders :data:`LR` and :data:`MOMENTUM`; :func:`fill` puts them in (the report's explorer
does the same in JavaScript with ``String(x)``, which is also a shortest round-trip representation).
Numbers are written by :func:`yaml_number`: Python's ``repr`` (the shortest text that parses back to
the same float64), with ``.0`` added to a mantissa without a point so that YAML 1.1 reads a float.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from momentumlab.config import Experiment, ModelExperiment
from momentumlab.optim import MOMENTUM_KEY
from momentumlab.problems import PROBLEM_TYPES
from momentumlab.schedules import Schedule
from momentumlab.sweep import SweepGrid

LR = "@lr@"
MOMENTUM = "@momentum@"
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def yaml_number(value: float | int) -> str:
    """``value`` as YAML that parses back to the same float64 (ints stay ints)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        raise ValueError(f"{text} has no place in a config")
    mantissa, _, exponent = text.partition("e")
    if exponent and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def flow(value: Any) -> str:
    """``value`` (mappings, sequences, strings, numbers, booleans) as a YAML flow node."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, str):
        return value if value in (LR, MOMENTUM) or _PLAIN.match(value) and value not in ("true", "false", "null") else repr_string(value)
    return yaml_number(value)


def repr_string(text: str) -> str:
    """A double-quoted YAML string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def optimizer_entry(method: str, lr: float | str, momentum: float | str | None, options: Mapping[str, Any],
                    schedule: Schedule) -> dict[str, Any]:
    """Every hyperparameter of a run as a config optimizer entry (Keras' names; the schedule if not constant)."""
    entry: dict[str, Any] = {"method": method, "lr": lr}
    key = MOMENTUM_KEY[method]
    if key:
        entry[key] = momentum
    entry.update(options)
    if schedule.kind != "constant":
        entry["schedule"] = schedule.as_dict()
    return entry


def cell_template(experiment: Experiment, grid: SweepGrid, name: str = "cell") -> str:
    """A new experiment ``<experiment>_cell`` whose one optimizer ``name`` is a cell of ``grid`` (the
    experiment's sweep or a tuning grid), its lr and momentum left as :data:`LR` and :data:`MOMENTUM`."""
    problem = PROBLEM_TYPES[experiment.problem]
    entry: dict[str, Any] = {"problem": experiment.problem}
    if experiment.params:
        entry["params"] = dict(experiment.params)
    entry.update(start=list(grid.start), steps=grid.steps)
    if problem.has_minimum:
        entry["tolerance"] = grid.tolerance
    if problem.has_data:
        entry["seed"] = experiment.seed
    entry.update(backends=["numpy"], sweep={"enabled": False})
    optimizer = optimizer_entry(grid.method, LR, MOMENTUM, grid.options, grid.schedule)
    return _experiment_yaml(f"{experiment.name}_cell", entry, name, optimizer)


def model_cell_template(spec: ModelExperiment, entry: Mapping[str, Any], name: str = "cell") -> str:
    """A new model experiment ``<experiment>_cell`` that trains one cell of ``spec``'s sweep (``entry``: its
    validated config entry): seed 0's start and minibatches, ``sweep.steps`` steps, the sweep's method, its lr
    and momentum left as placeholders."""
    cell: dict[str, Any] = {key: entry[key] for key in ("problem", "dataset", "params", "batch_size") if key in entry}
    cell.update(steps=spec.sweep.steps, tolerance=spec.tolerance, seed=spec.seed, seeds=1, backends=["numpy"],
                sweep={"enabled": False})
    method = spec.sweep.method
    optimizer = {"method": method, "lr": LR, **({"momentum": MOMENTUM} if MOMENTUM_KEY[method] else {})}
    return _experiment_yaml(f"{spec.name}_cell", cell, name, optimizer)


def _experiment_yaml(experiment: str, entry: Mapping[str, Any], name: str, optimizer: Mapping[str, Any]) -> str:
    lines = ["# a new experiment, under experiments:", f"{experiment}:"]
    lines += [f"  {key}: {flow(value)}" for key, value in entry.items()]
    lines += ["  optimizers:", f"    {name}: {flow(optimizer)}"]
    return "\n".join(lines) + "\n"


def fill(template: str, lr: float, momentum: float) -> str:
    """``template`` with the cell's ``lr`` and ``momentum`` in place."""
    return template.replace(LR, yaml_number(lr)).replace(MOMENTUM, yaml_number(momentum))
