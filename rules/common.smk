# Validate the config once, then derive every target list from the typed config.
import glob
import os
import sys

from snakemake.utils import update_config

from momentumlab.config import ConfigError, parse_command_line_values, parse_config

# `--config a.b=1` arrives partly as text ("1", "true"); read it as YAML, then validate.
update_config(config, parse_command_line_values(workflow.config_settings.overwrite_config or {}))

try:
    CONFIG = parse_config(config)
except ConfigError as error:
    sys.exit(str(error))

EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.experiments}
FORMATS = CONFIG.animation.formats
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


def trajectory_files(wildcards):
    """The trajectory archives of every backend of one experiment, keyed by backend."""
    return experiment_files(wildcards.experiment)["trajectories"]


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
    targets = ["reports/index.html", "reports/summary.json", *sweep_media()]
    if CONFIG.slides.enabled and "gif" in FORMATS:
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
