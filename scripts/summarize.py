"""Snakemake entry point: gather every run's numbers into reports/summary.json."""

from momentumlab.config import parse_config
from momentumlab.files import read_json, write_json
from momentumlab.layout import ExperimentResults, nested
from momentumlab.momentum_effect import momentum_effect_rows
from momentumlab.records import experiment_summary, merge_sections
from momentumlab.sweep import summary_section
from momentumlab.trajectory import load_trajectories
from momentumlab.tuning import resolve
from momentumlab.workflow import logging_to, problem_for

with logging_to(snakemake.log[0]):
    config = parse_config(snakemake.params.config)
    inputs = nested(snakemake.input)
    sections = []
    for experiment in config.experiments:
        files = ExperimentResults(**inputs[experiment.name])
        runs, seconds = {}, {}
        for backend in experiment.backends:
            for optimizer, trajectory in load_trajectories(files.trajectories[backend]).items():
                runs[optimizer, backend] = trajectory
            for optimizer, value in read_json(files.timings[backend]).items():
                seconds[optimizer, backend] = value
        problem = problem_for(experiment, files.dataset)
        experiment = resolve(experiment, problem)
        sections.append({"momentum_effect": momentum_effect_rows(experiment, problem)})
        sections.append(experiment_summary(experiment, problem, runs, seconds))
        if files.sweep is not None:
            sections.append(summary_section(experiment, files.sweep, files.spot_check, files.sweep_timings))
        if files.theory is not None:
            sections.append({"theory": read_json(files.theory)})
    for experiment in config.model_experiments:  # model runs' rows and agreement, with their wall times
        files = inputs[experiment.name]
        section, seconds = read_json(files["summary"]), read_json(files["timings"])
        for row in section["runs"]:
            row["seconds"] = seconds[f"{row['optimizer']}-{row['backend']}"]
        sections.append(section)
        if "sweep" in files:  # the model's learning rate × momentum grid, with its wall time
            sections.append({"sweeps": [{**read_json(files["sweep"]), **read_json(files["sweep_timing"])}]})
    captions = {experiment.name: experiment.caption for experiment in config.experiments if experiment.caption}
    # A config of model experiments only still has (empty) 2-D sections.
    write_json(snakemake.output.summary, {"title": config.title, "captions": captions, "runs": [], "agreement": [],
                                          **merge_sections(sections)})
