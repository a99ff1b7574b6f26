# One numpy job per experiment runs every optimizer of that experiment.
rule optimize_numpy:
    input:
        unpack(optimize_inputs),
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


# Everything TensorFlow does on the 2-D side, and the model sweeps' spot checks, in one job:
# importing TensorFlow costs ~5 CPU seconds a process. Each experiment's runs (results/<e>/tensorflow.npz)
# and a few grid points of every sweep re-run (the spot checks), each part logging to its own file.
if TF_EXPERIMENTS or SWEPT or MODEL_SWEPT:

    rule optimize_tensorflow:
        input:
            **tensorflow_files()[0],
        output:
            **tensorflow_files()[1],
        params:
            experiments={e.name: CONFIG.data["experiments"][e.name] for e in TF_EXPERIMENTS},
            swept={e.name: CONFIG.data["experiments"][e.name] for e in SWEPT},
            model_swept={e.name: CONFIG.data["experiments"][e.name] for e in MODEL_SWEPT},
        log:
            runs="logs/optimize_tensorflow.log",
            spot_checks="logs/sweep_spot_check.log",
        threads: 1
        priority: 20  # the longest jobs start first: the renders wait for them
        resources:
            mem_mb=2000,
        conda:
            "../envs/momentumlab.yaml"
        script:
            "../scripts/optimize_tensorflow.py"
