# Learning-rate × momentum sweeps (scatter/gather) and the heavy-ball theory check.
# Each sweep is split into `sweep.chunks` jobs over the flattened grid, so a big grid
# spreads over a cluster through an executor plugin (see docs/sweeps.md).
SWEPT = [name for name, experiment in EXPERIMENTS.items() if experiment.sweep.enabled]
QUADRATIC = [name for name, experiment in EXPERIMENTS.items() if experiment.problem == "quadratic"]


wildcard_constraints:
    index="[0-9]+",
    chunks="[0-9]+",


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


rule sweep_chunk:
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
    script:
        "../scripts/sweep_chunk.py"


rule sweep_gather:
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
    script:
        "../scripts/sweep_gather.py"


# TensorFlow re-runs a few grid points; its own job, so gathering stays numpy-only.
rule sweep_spot_check:
    input:
        dataset="results/{experiment}/dataset.npz",
        sweep="results/{experiment}/sweep.npz",
    output:
        "results/{experiment}/sweep/tf_spot_check.json",
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_spot_check/{experiment}.log",
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/sweep_spot_check.py"


rule render_sweep:
    input:
        dataset="results/{experiment}/dataset.npz",
        sweep="results/{experiment}/sweep.npz",
    output:
        "reports/{experiment}/sweep.png",
    params:
        experiment=experiment_entry,
    log:
        "logs/render_sweep/{experiment}.log",
    threads: 1
    script:
        "../scripts/render_sweep.py"


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
    script:
        "../scripts/theory.py"
