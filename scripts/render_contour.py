"""Snakemake entry point: the bare contour image of one experiment and its extent."""

from momentumlab.config import Experiment
from momentumlab.render.contour_image import contour_png
from momentumlab.render.landscape import plot_window
from momentumlab.summary import write_json
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    experiment = Experiment.from_mapping(snakemake.wildcards.experiment, snakemake.params.experiment)
    problem = problem_for(experiment, snakemake.input.dataset)
    window = plot_window(problem, [experiment.start])
    write_json(snakemake.output.extent, contour_png(problem, snakemake.output.image, window=window, **snakemake.params.size))
