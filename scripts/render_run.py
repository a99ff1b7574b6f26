"""Snakemake entry point: animate one run (GIF/MP4 and a poster PNG)."""

from momentumlab.config import Animation, Experiment
from momentumlab.render import render_run
from momentumlab.trajectory import load_trajectories
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    w = snakemake.wildcards
    experiment = Experiment.from_mapping(w.experiment, snakemake.params.experiment)
    spec = experiment.optimizer(w.optimizer)
    settings = Animation(**{**snakemake.params.animation, "formats": tuple(snakemake.params.animation["formats"])})
    render_run(
        problem_for(experiment, snakemake.input.dataset),
        load_trajectories(snakemake.input.trajectories)[w.optimizer],
        title=f"{experiment.label}: {spec.label} ({w.backend})",
        settings=settings,
        outputs={fmt: snakemake.output[fmt] for fmt in settings.formats},
        poster=snakemake.output.poster,
    )
