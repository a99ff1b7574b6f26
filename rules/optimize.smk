# One numpy job per experiment runs every optimizer of that experiment.
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


# Every experiment's TensorFlow runs in one job: importing TensorFlow costs ~5 CPU seconds a process.
if TF_EXPERIMENTS:

    rule optimize_tensorflow:
        input:
            **layout.named({e.name: {"dataset": layout.dataset(e.name)} for e in TF_EXPERIMENTS}),
        output:
            **layout.named({e.name: {"trajectories": layout.trajectories(e.name, "tensorflow"),
                                     "timings": layout.timings(e.name, "tensorflow")} for e in TF_EXPERIMENTS}),
        params:
            experiments={e.name: CONFIG.data["experiments"][e.name] for e in TF_EXPERIMENTS},
        log:
            "logs/optimize_tensorflow.log",
        threads: 1
        priority: 20  # the longest jobs start first: the renders wait for them
        resources:
            mem_mb=2000,
        conda:
            "../envs/momentumlab.yaml"
        script:
            "../scripts/optimize_tensorflow.py"
