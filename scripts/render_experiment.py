"""Snakemake entry point: every animation, plot and heatmap of one experiment."""

from momentumlab.config import Animation, Experiment
from momentumlab.experiment_media import render_experiment_media
from momentumlab.sweep import load_result
from momentumlab.trajectory import load_trajectories
from momentumlab.tuning import resolve
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.params.name, snakemake.params.experiment)
    settings = Animation(**{**snakemake.params.animation, "formats": tuple(snakemake.params.animation["formats"])})
    runs = {}
    for backend in experiment.backends:
        for optimizer, trajectory in load_trajectories(snakemake.input[backend]).items():
            runs[optimizer, backend] = trajectory
    sweep = load_result(snakemake.input.sweep) if "sweep" in snakemake.input.keys() else None
    problem = problem_for(experiment, snakemake.input.dataset)
    experiment = resolve(experiment, problem)
    render_experiment_media(experiment, problem, runs, settings, snakemake.params.media, sweep)
