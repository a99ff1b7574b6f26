rule build_slides:
    input:
        **layout.named(layout.slide_inputs(CONFIG)),
    output:
        slides=layout.SLIDES,
    params:
        config=CONFIG.data,
    log:
        "logs/build_slides.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_slides.py"
