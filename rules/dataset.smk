rule make_dataset:
    output:
        dataset=layout.dataset("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/make_dataset/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/make_dataset.py"
