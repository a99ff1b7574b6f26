# Validate the config once, then derive every target list from the typed config.
# Paths come from momentumlab.layout, which the scripts and tests share.
import dataclasses
import glob
import os
import sys

from snakemake.utils import update_config

from momentumlab import layout
from momentumlab.config import ConfigError, parse_command_line_values, parse_config

# `--config a.b=1` arrives partly as text ("1", "true"); read it as YAML, then validate.
# Only the --config values: overwrite_config also holds --configfile's, where "0.01" must stay text.
update_config(config, parse_command_line_values(workflow.config_settings.config or {}))

try:
    CONFIG = parse_config(config)
except ConfigError as error:
    sys.exit(str(error))

EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.experiments}
SWEPT = [experiment for experiment in CONFIG.experiments if experiment.sweep.enabled]
TF_EXPERIMENTS = [experiment for experiment in CONFIG.experiments if "tensorflow" in experiment.backends]
MODEL_EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.model_experiments}
MODEL_SWEPT = [experiment for experiment in CONFIG.model_experiments if experiment.sweep.enabled]
FORMATS = CONFIG.animation.formats
RESULTS = {name: layout.experiment_results(experiment) for name, experiment in EXPERIMENTS.items()}
MEDIA = {name: layout.experiment_media(experiment, FORMATS) for name, experiment in EXPERIMENTS.items()}
TEMPLATE_FILES = sorted(glob.glob(os.path.join(workflow.basedir, "templates", "*.j2")))


wildcard_constraints:
    experiment="[a-z0-9_]+",
    optimizer="[a-z0-9_]+",
    backend="numpy|tensorflow",


def experiment_entry(wildcards):
    """The validated config entry of one experiment (a param, so edits trigger reruns)."""
    return CONFIG.data["experiments"][wildcards.experiment]


def optimize_inputs(wildcards):
    """optimize_numpy's inputs: the data set and, if anything is tuned, the tune job's values."""
    results = RESULTS[wildcards.experiment]
    return layout.named({"dataset": results.dataset, "tuned": results.tuned})


def report_targets():
    """The default targets: the report and what it shows."""
    targets = [layout.REPORT, layout.SUMMARY]
    targets += [layout.sweep_heatmap(experiment.name) for experiment in SWEPT]
    targets += [layout.loss_plane(name) for name in MODEL_EXPERIMENTS]
    targets += [layout.sweep_heatmap(e.name) for e in CONFIG.model_experiments if e.sweep.enabled]
    if CONFIG.slides.enabled:
        targets.append(layout.SLIDES)
    if CONFIG.report_single_file:
        targets.append(layout.SINGLE_FILE_REPORT)
    return targets


def tensorflow_files():
    """optimize_tensorflow's (inputs, outputs) per experiment: data sets and sweeps in; runs and spot checks out."""
    inputs, outputs = {}, {}
    for e in TF_EXPERIMENTS:
        inputs.setdefault(e.name, {}).update(dataset=layout.dataset(e.name), tuned=RESULTS[e.name].tuned)
        outputs.setdefault(e.name, {}).update(trajectories=layout.trajectories(e.name, "tensorflow"),
                                              timings=layout.timings(e.name, "tensorflow"))
    for e in SWEPT:
        inputs.setdefault(e.name, {}).update(dataset=layout.dataset(e.name), sweep=layout.sweep_result(e.name))
        outputs.setdefault(e.name, {})["spot_check"] = layout.spot_check(e.name)
    for e in MODEL_SWEPT:
        inputs.setdefault(e.name, {}).update(dataset=layout.dataset(e.name), model_sweep=layout.model_sweep(e.name))
        outputs.setdefault(e.name, {})["model_sweep_summary"] = layout.model_sweep_summary(e.name)
    return layout.named(inputs), layout.named(outputs)


def render_inputs(experiment):
    """The data set, trajectories and (if swept) the sweep one experiment's media show."""
    results = RESULTS[experiment.name]
    return layout.named({"dataset": results.dataset, "trajectories": results.trajectories, "sweep": results.sweep,
                         "tuned": results.tuned})


def reported_media(name):
    """The experiment's media, its GIFs and plots also flagged for `snakemake --report`."""
    media = MEDIA[name]

    def with_gif(files, caption, subcategory, labels):
        if "gif" not in files:
            return files
        shown = report(files["gif"], caption=caption, category=name, subcategory=subcategory, labels=labels)
        return {**files, "gif": shown}

    runs = {
        run: with_gif(files, "../report/run_animation.rst", "Runs",
                      {"experiment": name, "optimizer": run.optimizer, "backend": run.backend})
        for run, files in media.runs.items()
    }
    compare = with_gif(media.compare, "../report/compare.rst", "All runs", {"experiment": name, "figure": "race"})
    loss = report(media.loss, caption="../report/loss.rst", category=name, subcategory="All runs",
                  labels={"experiment": name, "figure": "loss per step"})
    sweep = None
    if media.sweep is not None:
        sweep = report(media.sweep, caption="../report/sweep.rst", category=name, subcategory="Sweep",
                       labels={"experiment": name, "figure": "learning rate × momentum"})
    return dataclasses.replace(media, runs=runs, compare=compare, loss=loss, sweep=sweep)
