"""Momentum Lab in a notebook: ``race``, ``sweep``, ``train`` and ``Config`` on the pipeline's own engine.

Each call builds the config entry a YAML file would hold, validates it with the config's
schema (the same one-line ``ConfigError``, naming the argument) and runs the library
functions the Snakemake jobs run; results show inline (video, stills, tables, the report's
sweep explorer). See ``docs/api.md``.
"""

from momentumlab.api.project import Config
from momentumlab.api.race import Race, race
from momentumlab.api.sweep import Sweep, sweep
from momentumlab.api.train import Training, train
from momentumlab.config import ConfigError

__all__ = ["Config", "ConfigError", "Race", "Sweep", "Training", "race", "sweep", "train"]
