# Learning-rate × momentum sweeps (scatter/gather) and the heavy-ball theory check.
# Each sweep is split into `sweep.chunks` jobs over the flattened grid (one by default), so a
# big grid spreads over a cluster through an executor plugin (see docs/sweeps.md); the chunks
# are temporary, removed once gathered.


wildcard_constraints:
    index="[0-9]+",
    chunks="[0-9]+",


rule sweep_chunk:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        chunk=temp(layout.sweep_chunk("{experiment}", "{index}", "{chunks}")),
        timing=layout.sweep_chunk_timing("{experiment}", "{index}", "{chunks}"),
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


rule sweep_gather:
    input:
        dataset=layout.dataset("{experiment}"),
        chunks=lambda wildcards: layout.sweep_chunks(EXPERIMENTS[wildcards.experiment]),
    output:
        sweep=layout.sweep_result("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_gather/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_gather.py"


# TensorFlow re-runs a few grid points of every sweep, 2-D and model, in one job so that
# TensorFlow is imported once; gathering and the model sweep stay numpy-only.
rule sweep_spot_check:
    input:
        **layout.named({e.name: {"dataset": layout.dataset(e.name), "sweep": layout.sweep_result(e.name)} for e in SWEPT}),
        **layout.named({e.name: {"dataset": layout.dataset(e.name), "model_sweep": layout.model_sweep(e.name)}
                        for e in MODEL_SWEPT}),
    output:
        **layout.named({e.name: {"spot_check": layout.spot_check(e.name)} for e in SWEPT}),
        **layout.named({e.name: {"model_sweep_summary": layout.model_sweep_summary(e.name)} for e in MODEL_SWEPT}),
    params:
        experiments={e.name: CONFIG.data["experiments"][e.name] for e in SWEPT},
        model_experiments={e.name: CONFIG.data["experiments"][e.name] for e in MODEL_SWEPT},
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
        dataset=layout.dataset("{experiment}"),
    output:
        theory=layout.theory("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/theory/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/theory.py"
