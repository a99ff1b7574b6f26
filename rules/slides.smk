rule build_slides:
    input:
        summary=layout.SUMMARY,
        **slide_inputs(),
    output:
        slides=layout.SLIDES,
    params:
        slides=CONFIG.data["slides"],
        title=CONFIG.title,
        labels={name: experiment.label for name, experiment in EXPERIMENTS.items()},
        model_labels={name: experiment.label for name, experiment in MODEL_EXPERIMENTS.items()},
    log:
        "logs/build_slides.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_slides.py"
