"""Snakemake entry point: every run of one experiment racing on one contour."""

from momentumlab.config import Animation, Experiment
from momentumlab.render import loss_overlay_png, render_compare
from momentumlab.trajectory import load_trajectories
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    settings = Animation(**{**snakemake.params.animation, "formats": tuple(snakemake.params.animation["formats"])})
    runs = {}
    for backend in experiment.backends:
        trajectories = load_trajectories(snakemake.input[backend])
        for spec in experiment.optimizers:
            runs[f"{spec.label} · {backend}"] = trajectories[spec.name]
    problem = problem_for(experiment, snakemake.input.dataset)
    render_compare(
        problem,
        runs,
        title=experiment.label,
        settings=settings,
        outputs={fmt: snakemake.output[fmt] for fmt in settings.formats},
        poster=snakemake.output.poster,
    )
    loss_overlay_png(runs, f"{experiment.label}: loss per step", snakemake.output.loss)
