# Learning-rate × momentum sweeps (scatter/gather) and the heavy-ball theory check; TensorFlow's
# spot checks of every sweep run in optimize_tensorflow (optimize.smk).
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
