"""The summary stage: every experiment's rows, from the files the compute jobs wrote, in ``summary.json``.

Each wing turns one experiment's files into summary sections (mappings of row lists, merged
key by key): :func:`planar_sections` for a 2-D experiment, :func:`model_sections` for a model
experiment. The stage runs every experiment of the config through its wing, in config order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

from momentumlab import sweep_summary

from momentumlab.model import sweep as model_sweep
from momentumlab.config import Config, Experiment
from momentumlab.files import read_json, write_json
from momentumlab.layout import ExperimentResults, ModelSummaryFiles, SummaryInputs
from momentumlab.ghosts import ghost_rows
from momentumlab.momentum_effect import momentum_effect_rows
from momentumlab.records import Section, experiment_summary, merge_sections
from momentumlab.runs import RunKey
from momentumlab.trajectory import load_runs
from momentumlab.tuning import resolve
from momentumlab.runner import problem_for
from momentumlab.eigenmodes import has_modes, mode_rows, mode_runs
from momentumlab.theory import theory_for


def planar_sections(experiment: Experiment, files: ExperimentResults) -> list[Section]:
    """A 2-D experiment's sections: what momentum adds, runs and agreement, its sweep and theory rows."""
    runs = load_runs(files.trajectories)
    seconds = {RunKey(optimizer, backend): value for backend, path in files.timings.items()
               for optimizer, value in read_json(path).items()}
    problem = problem_for(experiment, files.dataset)
    experiment = resolve(experiment, problem)
    sections = [{"momentum_effect": momentum_effect_rows(experiment, problem)},
                experiment_summary(experiment, problem, runs, seconds)]
    if files.sweep is not None:
        sections.append(sweep_summary.summary_section(experiment, files.sweep, files.spot_check, files.sweep_timings,
                                                                problem))
    if files.theory is not None:
        sections.append({"theory": theory_for(experiment, read_json(files.theory))})
    if has_modes(experiment):
        sections.append({"modes": mode_rows(experiment.name, mode_runs(experiment, problem, runs))})
    if any(spec.ghost_of for spec in experiment.optimizers):
        sections.append({"ghosts": ghost_rows(experiment, problem, runs)})
    return sections


def model_sections(files: ModelSummaryFiles) -> list[Section]:
    """A model experiment's sections: its runs and agreement with their wall times, and its sweep row."""
    section, seconds = read_json(files.summary), read_json(files.timings)
    for row in section["runs"]:
        row["seconds"] = seconds[RunKey.of_row(row).file_name]
    sections = [section]
    if files.sweep is not None:
        sections.append(model_sweep.summary_section(files.sweep, files.sweep_timing))
    return sections


def _sections(config: Config, inputs: SummaryInputs) -> Iterator[Section]:
    for experiment in config.experiments:
        yield from planar_sections(experiment, inputs.experiments[experiment.name])
    for model in config.model_experiments:
        yield from model_sections(inputs.models[model.name])


def summarize(config: Config, inputs: SummaryInputs) -> dict[str, Any]:
    """``summary.json``'s content: title, captions and every section of every experiment."""
    captions = {experiment.name: experiment.caption for experiment in config.experiments if experiment.caption}
    # A config of model experiments only still has (empty) 2-D sections.
    return {"title": config.title, "captions": captions, "runs": [], "agreement": [],
            **merge_sections(_sections(config, inputs))}


def write_summary(config: Config, inputs: SummaryInputs, path: str | Path) -> Mapping[str, Any]:
    """Write the summary of ``config`` from ``inputs`` to ``path`` (atomically); returns it."""
    summary = summarize(config, inputs)
    write_json(path, summary)
    return summary
