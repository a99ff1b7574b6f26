# One job per experiment and backend runs every optimizer of that experiment, so
# TensorFlow is imported once per experiment rather than once per run.
rule optimize_numpy:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        trajectories=layout.trajectories("{experiment}", "numpy"),
        timings=layout.timings("{experiment}", "numpy"),
    params:
        experiment=experiment_entry,
        backend="numpy",
    log:
        "logs/optimize_numpy/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/optimize.py"


rule optimize_tensorflow:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        trajectories=layout.trajectories("{experiment}", "tensorflow"),
        timings=layout.timings("{experiment}", "tensorflow"),
    params:
        experiment=experiment_entry,
        backend="tensorflow",
    log:
        "logs/optimize_tensorflow/{experiment}.log",
    threads: 1
    priority: 20  # the longest jobs start first: the renders wait for them
    resources:
        mem_mb=2000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/optimize.py"
