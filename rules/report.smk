rule summarize:
    input:
        datasets=expand("results/{experiment}/dataset.npz", experiment=EXPERIMENTS),
        trajectories=[f"results/{n}/{b}.npz" for n, e in EXPERIMENTS.items() for b in e.backends],
        timings=[f"logs/timings/{n}/{b}.json" for n, e in EXPERIMENTS.items() for b in e.backends],
        sweeps=list(SWEEP_LAYOUT["sweeps"].values()),
        spot_checks=list(SWEEP_LAYOUT["spot_checks"].values()),
        sweep_timings=[path for paths in SWEEP_LAYOUT["sweep_timings"].values() for path in paths],
        theory=list(SWEEP_LAYOUT["theory"].values()),
        models=[files[key] for files in MODEL_LAYOUT.values() for key in ("summary", "timings")],
    output:
        "reports/summary.json",
    params:
        config=CONFIG.data,
        layout=LAYOUT,
        sweep_layout=SWEEP_LAYOUT,
        model_layout=MODEL_LAYOUT,
    log:
        "logs/summarize.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/summarize.py"


rule build_report:
    input:
        summary="reports/summary.json",
        media=run_media() + compare_media(),
        loss=[media["loss"] for media in REPORT_MEDIA.values()],
        contours=[media[key] for media in REPORT_MEDIA.values() for key in ("contour", "extent")],
        sweeps=sweep_media(),
        sweep_results=[f"results/{name}/sweep.npz" for name in SWEPT],
        models=model_media(),
        trajectories=[f"results/{n}/{b}.npz" for n, e in EXPERIMENTS.items() for b in e.backends],
        templates=TEMPLATE_FILES,
        **({"slides": "reports/slides.pptx"} if SLIDES_ENABLED else {}),
    output:
        html="reports/index.html",
        explorers=[f"reports/{name}/explorer.js" for name in SWEPT],
        **({"single": "reports/report-single.html"} if CONFIG.report_single_file else {}),
    params:
        config=CONFIG.data,
        templates=lambda wildcards, input: os.path.dirname(input.templates[0]),
        media=REPORT_MEDIA,
    log:
        "logs/build_report.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_report.py"
