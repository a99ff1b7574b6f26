# `lr: tuned` (and a tuned momentum or beta_1) resolved once per experiment: each tuned optimizer's own
# sweep, run in `sweep.chunks` parts one after another; optimize, render and summarize read the values.


rule tune:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        tuned=layout.tuned("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/tune/{experiment}.log",
    threads: 1
    priority: 30  # every run of the experiment waits for it
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/tune.py"
