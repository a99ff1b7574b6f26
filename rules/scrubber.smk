# The report's step scrubber: a bare contour image per experiment whose pixels map
# exactly onto parameters (the extent goes to contour.json), plus the media map
# build_report reads, and the description page of `snakemake --report`.
from momentumlab.config import Experiment
from momentumlab.render.contour_image import contour_png
from momentumlab.render.landscape import plot_window
from momentumlab.summary import write_json
from momentumlab.workflow import logging_to, problem_for

CONTOUR_SIZE = {"width": 960, "height": 600}


report: "../report/workflow.rst"


def report_media(name):
    """Where every file the report shows for experiment ``name`` lives."""
    experiment = EXPERIMENTS[name]
    return {
        "compare": {suffix: f"reports/{name}/compare.{suffix}" for suffix in (*FORMATS, "png")},
        "runs": {
            optimizer: {
                backend: {suffix: f"reports/{name}/{optimizer}-{backend}.{suffix}" for suffix in (*FORMATS, "png")}
                for backend in experiment.backends
            }
            for optimizer in (spec.name for spec in experiment.optimizers)
        },
        "loss": f"reports/{name}/loss.png",
        "contour": f"reports/{name}/contour.png",
        "extent": f"reports/{name}/contour.json",
        "sweep": f"reports/{name}/sweep.png",
        "trajectories": experiment_files(name)["trajectories"],
    }


REPORT_MEDIA = {name: report_media(name) for name in EXPERIMENTS}


rule render_contour:
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        image="reports/{experiment}/contour.png",
        extent="reports/{experiment}/contour.json",
    params:
        experiment=experiment_entry,
        size=CONTOUR_SIZE,
    log:
        "logs/render_contour/{experiment}.log",
    threads: 1
    run:
        with logging_to(log[0]):
            experiment = Experiment.from_mapping(wildcards.experiment, params.experiment)
            problem = problem_for(experiment, input.dataset)
            window = plot_window(problem, [experiment.start])
            write_json(output.extent, contour_png(problem, output.image, window=window, **params.size))
