rule build_slides:
    input:
        summary="reports/summary.json",
        gifs=expand("reports/{experiment}/compare.gif", experiment=EXPERIMENTS),
    output:
        "reports/slides.pptx",
    params:
        slides=CONFIG.data["slides"],
        title=CONFIG.title,
        labels={name: experiment.label for name, experiment in EXPERIMENTS.items()},
    log:
        "logs/build_slides.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_slides.py"
