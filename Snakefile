# Momentum Lab: datasets -> optimizer runs (numpy, TensorFlow) -> animations -> report.
import os
import sys

from snakemake.utils import min_version

from momentumlab.config import ConfigError, load_yaml

min_version("9.0")

# `--configfile mine.yaml` replaces config.yaml instead of being merged into it.
# Without it, config.yaml is read from the working directory (`-d DIR` moves it).
if not workflow.config_settings.configfiles:
    DEFAULT_CONFIG = os.path.abspath("config.yaml")
    if not os.path.exists(DEFAULT_CONFIG):
        sys.exit(f"config error: no config.yaml in the working directory (looked for {DEFAULT_CONFIG}); "
                 "pass --configfile PATH or copy one there")
    try:
        load_yaml(DEFAULT_CONFIG)  # a YAML syntax error becomes one line naming where
    except ConfigError as error:
        sys.exit(str(error))

    configfile: DEFAULT_CONFIG


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/dataset.smk"
include: "rules/tune.smk"
include: "rules/optimize.smk"
include: "rules/render.smk"
include: "rules/sweep.smk"
include: "rules/models.smk"
include: "rules/report.smk"
include: "rules/slides.smk"


rule all:
    default_target: True
    input:
        report_targets(),
