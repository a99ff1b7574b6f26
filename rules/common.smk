# Validate the config once, then derive every target list from the typed config.
import glob
import os
import sys

from snakemake.utils import update_config

from momentumlab.config import ConfigError, parse_command_line_values, parse_config

# `--config a.b=1` arrives partly as text ("1", "true"); read it as YAML, then validate.
# Only the --config values: overwrite_config also holds --configfile's, where "0.01" must stay text.
update_config(config, parse_command_line_values(workflow.config_settings.config or {}))

try:
    CONFIG = parse_config(config)
except ConfigError as error:
    sys.exit(str(error))

EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.experiments}
FORMATS = CONFIG.animation.formats
SLIDES_ENABLED = CONFIG.slides.enabled
NAME = "[a-z0-9_]+"
TEMPLATE_DIR = os.path.join(workflow.basedir, "templates")
TEMPLATE_FILES = sorted(glob.glob(os.path.join(TEMPLATE_DIR, "*.j2")))


wildcard_constraints:
    experiment=NAME,
    optimizer=NAME,
    backend="numpy|tensorflow",


def experiment_entry(wildcards):
    """The validated config entry of one experiment (a param, so edits trigger reruns)."""
    return CONFIG.data["experiments"][wildcards.experiment]


def run_media():
    """Every per-run animation and poster."""
    return [
        f"reports/{name}/{optimizer}-{backend}.{suffix}"
        for name, experiment in EXPERIMENTS.items()
        for optimizer, backend in experiment.runs
        for suffix in (*FORMATS, "png")
    ]


def compare_media():
    return [f"reports/{name}/compare.{suffix}" for name in EXPERIMENTS for suffix in (*FORMATS, "png")]


def report_targets():
    """The default targets: the report and what it shows."""
    targets = ["reports/index.html", "reports/summary.json", *sweep_media(), *model_media()]
    if SLIDES_ENABLED:
        targets.append("reports/slides.pptx")
    if CONFIG.report_single_file:
        targets.append("reports/report-single.html")
    return targets


def experiment_files(name):
    """Where the data set, trajectories and timings of one experiment live."""
    experiment = EXPERIMENTS[name]
    return {
        "dataset": f"results/{name}/dataset.npz",
        "trajectories": {b: f"results/{name}/{b}.npz" for b in experiment.backends},
        "timings": {b: f"logs/timings/{name}/{b}.json" for b in experiment.backends},
    }


LAYOUT = {name: experiment_files(name) for name in EXPERIMENTS}


# Model experiments (rules/models.smk): one training job and one loss-plane figure each.
MODEL_EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.model_experiments}
MODEL_LAYOUT = {
    name: {"runs": f"results/{name}/model_runs.npz", "summary": f"results/{name}/model_summary.json",
           "timings": f"logs/timings/{name}/models.json"}
    for name in MODEL_EXPERIMENTS
}


def model_media():
    """The loss-plane figure of every model experiment."""
    return [f"reports/{name}/loss_plane.png" for name in MODEL_EXPERIMENTS]


SWEPT = [name for name, experiment in EXPERIMENTS.items() if experiment.sweep.enabled]
QUADRATIC = [name for name, experiment in EXPERIMENTS.items() if experiment.problem == "quadratic"]
CHUNKED = [name for name in SWEPT if EXPERIMENTS[name].sweep.chunks > 1]
UNCHUNKED = [name for name in SWEPT if EXPERIMENTS[name].sweep.chunks == 1]


def names_pattern(names):
    """A wildcard constraint matching exactly ``names`` (nothing when the list is empty)."""
    return "|".join(names) if names else "(?!)"


def sweep_chunk_files(wildcards):
    """Every chunk of one experiment's sweep, as its config splits it."""
    chunks = EXPERIMENTS[wildcards.experiment].sweep.chunks
    return [f"results/{wildcards.experiment}/sweep/chunk-{i}-of-{chunks}.npz" for i in range(chunks)]


def sweep_timing_files(name):
    """The wall-time records of one experiment's chunk jobs (kept out of results/)."""
    chunks = EXPERIMENTS[name].sweep.chunks
    return [f"logs/timings/{name}/sweep/chunk-{i}-of-{chunks}.json" for i in range(chunks)]


def sweep_media():
    """One heatmap PNG per swept experiment."""
    return [f"reports/{name}/sweep.png" for name in SWEPT]


def sweep_summary_inputs():
    """What `summarize` reads for the `sweeps` and `theory` sections, keyed by experiment."""
    return {
        "sweeps": {name: f"results/{name}/sweep.npz" for name in SWEPT},
        "spot_checks": {name: f"results/{name}/sweep/tf_spot_check.json" for name in SWEPT},
        "sweep_timings": {name: sweep_timing_files(name) for name in SWEPT},
        "theory": {name: f"results/{name}/theory.json" for name in QUADRATIC},
    }


SWEEP_LAYOUT = sweep_summary_inputs()


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
        **({"sweep_result": f"results/{name}/sweep.npz", "explorer": f"reports/{name}/explorer.js"}
           if name in SWEPT else {}),
    }


REPORT_MEDIA = {name: report_media(name) for name in EXPERIMENTS}
