"""Snakemake entry point: the two-panel heatmap of one experiment's sweep."""

from momentumlab.config import Experiment
from momentumlab.render.heatmap import render_sweep_heatmap
from momentumlab.sweep import load_result, marked_optimizers
from momentumlab.theory import theory_points
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    result = load_result(snakemake.input.sweep)
    render_sweep_heatmap(
        result,
        snakemake.output[0],
        title=f"{experiment.label}: {result.method} sweep, {result.steps} steps per run",
        configured=[(spec.label, spec.lr, spec.momentum) for spec in marked_optimizers(experiment)],
        theory=theory_points(problem),
    )
