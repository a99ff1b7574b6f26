"""Snakemake entry point: every animation, plot and heatmap of one experiment."""

from momentumlab.config import Animation, Experiment
from momentumlab.render.media import render_experiment_media
from momentumlab.layout import ExperimentMedia, nested
from momentumlab.sweep import load_result
from momentumlab.trajectory import load_runs
from momentumlab.tuning import read_tuned
from momentumlab.runner import problem_for
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.params.name, snakemake.params.experiment)
    inputs = nested(snakemake.input)
    runs = load_runs(inputs["trajectories"])
    sweep = load_result(inputs["sweep"]) if "sweep" in inputs else None
    problem = problem_for(experiment, inputs["dataset"])
    experiment = read_tuned(experiment, inputs.get("tuned"))
    settings = Animation.from_mapping(snakemake.params.animation)
    render_experiment_media(experiment, problem, runs, settings, ExperimentMedia.from_tree(nested(snakemake.output)), sweep)
