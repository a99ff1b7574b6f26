# Learning-rate × momentum sweeps (scatter/gather) and the heavy-ball theory check.
# Each sweep is split into `sweep.chunks` jobs over the flattened grid, so a big grid
# spreads over a cluster through an executor plugin (see docs/sweeps.md).
# The target lists (SWEPT, sweep_media, SWEEP_LAYOUT, ...) are in common.smk.


wildcard_constraints:
    index="[0-9]+",
    chunks="[0-9]+",


rule sweep_chunk:
    wildcard_constraints:
        experiment=names_pattern(CHUNKED),
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        chunk="results/{experiment}/sweep/chunk-{index}-of-{chunks}.npz",
        timing="logs/timings/{experiment}/sweep/chunk-{index}-of-{chunks}.json",
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_chunk/{experiment}/chunk-{index}-of-{chunks}.log",
    threads: 1
    resources:
        mem_mb=1000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_chunk.py"


# With one chunk (the default) there is nothing to gather: one job runs the whole grid.
rule sweep_whole:
    wildcard_constraints:
        experiment=names_pattern(UNCHUNKED),
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        sweep="results/{experiment}/sweep.npz",
        timing="logs/timings/{experiment}/sweep/chunk-0-of-1.json",
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_whole/{experiment}.log",
    threads: 1
    resources:
        mem_mb=1000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_whole.py"


rule sweep_gather:
    wildcard_constraints:
        experiment=names_pattern(CHUNKED),
    input:
        dataset="results/{experiment}/dataset.npz",
        chunks=sweep_chunk_files,
    output:
        "results/{experiment}/sweep.npz",
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_gather/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_gather.py"


# TensorFlow re-runs a few grid points of every sweep, in one job so that TensorFlow
# is imported once; gathering stays numpy-only.
rule sweep_spot_check:
    input:
        datasets=[LAYOUT[name]["dataset"] for name in SWEPT],
        sweeps=[f"results/{name}/sweep.npz" for name in SWEPT],
    output:
        [SWEEP_LAYOUT["spot_checks"][name] for name in SWEPT],
    params:
        experiments={name: CONFIG.data["experiments"][name] for name in SWEPT},
    log:
        "logs/sweep_spot_check.log",
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_spot_check.py"


rule theory:
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        "results/{experiment}/theory.json",
    params:
        experiment=experiment_entry,
    log:
        "logs/theory/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/theory.py"
