rule build_slides:
    input:
        summary="reports/summary.json",
        # the race as a GIF, or as an MP4 (shown by its PNG poster) when the config renders no GIFs
        media=expand("reports/{experiment}/compare.{suffix}", experiment=EXPERIMENTS,
                     suffix="gif" if "gif" in FORMATS else "mp4"),
        posters=expand("reports/{experiment}/compare.png", experiment=EXPERIMENTS),
        model_figures=model_media(),
    output:
        "reports/slides.pptx",
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
