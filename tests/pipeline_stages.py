"""The pipeline run in-process on a config: each rule's job through the library calls its script makes, in the
rules' order (data sets, runs, sweeps and spot checks, theory, model training and sweeps → summary → render →
deck → report).

Every file goes where ``layout`` puts it under ``root``, so each stage reads what the stages before it wrote,
as the jobs do. The summary, deck and report stages are the very functions their scripts call.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab import layout
from momentumlab.config import Config, Experiment
from momentumlab.files import read_npz, write_json, write_npz
from momentumlab.report import build_report
from momentumlab.deck.slides import write_deck
from momentumlab.summary import write_summary
from momentumlab.runner import problem_for

DECK_DATE = datetime.date(2026, 1, 1)  # a fixed date: the deck's bytes do not depend on the day


def _at(root: Path, path: str) -> Path:
    """``path`` (a layout path) under ``root``, its folder made as Snakemake makes an output's."""
    located = root / path
    located.parent.mkdir(parents=True, exist_ok=True)
    return located


def compute_experiment(experiment: Experiment, root: Path) -> None:
    """make_dataset, tune, optimize (each backend), sweep_chunk, sweep_gather, sweep_spot_check and theory of one 2-D experiment."""
    from momentumlab.datasets import make_dataset
    from momentumlab.records import theory_rows
    from momentumlab.runner import optimize_experiment
    from momentumlab.sweep import gather_chunks, load_result, save_chunk, save_result, spot_check, sweep_grid, timed_chunk
    from momentumlab.theory import check_rates, step_budget
    from momentumlab.trajectory import save_trajectories
    from momentumlab.tuning import read_tuned, write_tuned

    name = experiment.name
    dataset = _at(root, layout.dataset(name))
    write_npz(dataset, make_dataset(experiment.problem, experiment.params, experiment.seed))
    problem = problem_for(experiment, dataset)
    tuned = layout.experiment_results(experiment).tuned
    if tuned is not None:
        write_tuned(_at(root, tuned), experiment, problem)
    resolved = read_tuned(experiment, None if tuned is None else root / tuned)
    for backend in experiment.backends:
        trajectories, seconds = optimize_experiment(resolved, problem, backend)
        save_trajectories(_at(root, layout.trajectories(name, backend)), trajectories)
        write_json(_at(root, layout.timings(name, backend)), seconds)
    if experiment.sweep.enabled:
        grid, chunks = sweep_grid(experiment), experiment.sweep.chunks
        for index in range(chunks):
            arrays, timing = timed_chunk(problem, grid, index, chunks)
            save_chunk(_at(root, layout.sweep_chunk(name, index, chunks)), arrays)
            write_json(_at(root, layout.sweep_chunk_timing(name, index, chunks)), timing)
        gathered = [read_npz(root / path) for path in layout.sweep_chunks(experiment)]
        save_result(_at(root, layout.sweep_result(name)), gather_chunks(problem, grid, gathered))
        checks = spot_check(problem, load_result(root / layout.sweep_result(name)), experiment.start, 1, grid)
        write_json(_at(root, layout.spot_check(name)), checks)
    if experiment.problem == "quadratic":
        rates = check_rates(problem, experiment.start, step_budget(experiment.steps))
        write_json(_at(root, layout.theory(name)), theory_rows(name, rates))


def compute_model(spec: Any, root: Path) -> None:
    """make_dataset, train_model, sweep_model_chunk and sweep_model (its numbers; the heatmap is drawn by ``present``)
    of one model experiment."""
    from momentumlab.model.data import load_classification, save_classification
    from momentumlab.model.run import run_model_experiment, run_seconds, save_result, summary_records
    from momentumlab.model.sweep import gather_cells, run_cells, save_chunk, save_sweep, spot_check, summary_row

    name = spec.name
    dataset = _at(root, layout.dataset(name))
    save_classification(dataset, spec.data())
    data = load_classification(dataset)
    result = run_model_experiment(spec, data=data)
    save_result(_at(root, layout.model_runs(name)), result)
    write_json(_at(root, layout.model_summary(name)), summary_records(result))
    write_json(_at(root, layout.model_timings(name)), run_seconds(result))
    if spec.sweep.enabled:
        chunks = spec.sweep.chunks
        for index in range(chunks):
            save_chunk(_at(root, layout.model_sweep_chunk(name, index, chunks)), run_cells(spec, data, index, chunks))
        parts = [read_npz(root / path) for path in layout.model_sweep_chunks(spec)]
        swept = gather_cells(spec, parts)
        seconds = sum(float(part["seconds"]) for part in parts)
        save_sweep(_at(root, layout.model_sweep(name)), swept)
        write_json(_at(root, layout.model_sweep_summary(name)), summary_row(spec, swept, spot_check(spec, data, swept), None))
        write_json(_at(root, layout.model_sweep_timing(name)), {"compute_seconds": seconds})


def compute(config: Config, root: Path) -> Mapping[str, Any]:
    """Every compute job of ``config``, then the summary stage; returns ``summary.json``'s content."""
    for experiment in config.experiments:
        compute_experiment(experiment, root)
    for spec in config.model_experiments:
        compute_model(spec, root)
    return write_summary(config, layout.summary_inputs(config, root), _at(root, layout.SUMMARY))


def _render(config: Config, root: Path) -> None:
    """render_experiment and render_model of every experiment, and each model sweep's heatmap."""
    from momentumlab.config import Animation
    from momentumlab.render.media import render_experiment_media, render_model_media, render_model_sweep_media
    from momentumlab.model.sweep import load_sweep
    from momentumlab.sweep import load_result
    from momentumlab.trajectory import load_runs
    from momentumlab.tuning import read_tuned

    settings = Animation.from_mapping(config.data["animation"])
    for experiment in config.experiments:
        results = layout.experiment_results(experiment, root)
        media = layout.experiment_media(experiment, settings.formats, root)
        _at(root, layout.contour(experiment.name))
        runs = load_runs(results.trajectories)
        sweep = load_result(results.sweep) if results.sweep is not None else None
        problem = problem_for(experiment, results.dataset)
        render_experiment_media(read_tuned(experiment, results.tuned), problem, runs, settings, media, sweep)
    for spec in config.model_experiments:
        media = layout.model_media(spec, settings.formats, root)
        _at(root, layout.loss_plane(spec.name))
        arrays = read_npz(root / layout.dataset(spec.name))
        data = {key: value for key, value in arrays.items() if key in ("x_train", "y_train", "x_test", "y_test")}
        render_model_media(spec, read_npz(root / layout.model_runs(spec.name)), data, settings, media)
        if spec.sweep.enabled:
            render_model_sweep_media(spec, load_sweep(root / layout.model_sweep(spec.name)),
                                     root / layout.sweep_heatmap(spec.name))


def present(config: Config, root: Path, templates: Sequence[Path]) -> None:
    """The render jobs, then the deck (when the config builds one) and the report, as the rules run them."""
    _render(config, root)
    if config.slides.enabled:
        write_deck(config, layout.slide_inputs(config, root), root / layout.SLIDES, DECK_DATE)
    build_report(config, layout.report_inputs(config, [str(path) for path in templates], root),
                 layout.report_outputs(config, root))
