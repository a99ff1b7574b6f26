# Momentum Lab: datasets -> optimizer runs (numpy, TensorFlow) -> animations -> report.
import sys

from snakemake.utils import min_version

from momentumlab.config import ConfigError, load_yaml

min_version("9.0")

# `--configfile mine.yaml` replaces config.yaml instead of being merged into it.
if not workflow.config_settings.configfiles:
    try:
        load_yaml("config.yaml")  # a YAML syntax error becomes one line naming where
    except ConfigError as error:
        sys.exit(str(error))

    configfile: "config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/dataset.smk"
include: "rules/optimize.smk"
include: "rules/render.smk"
include: "rules/sweep.smk"
include: "rules/report.smk"
include: "rules/slides.smk"


rule all:
    default_target: True
    input:
        report_targets(),
