rule summarize:
    input:
        datasets=expand("results/{experiment}/dataset.npz", experiment=EXPERIMENTS),
        trajectories=[f"results/{n}/{b}.npz" for n, e in EXPERIMENTS.items() for b in e.backends],
        timings=[f"logs/timings/{n}/{b}.json" for n, e in EXPERIMENTS.items() for b in e.backends],
    output:
        "reports/summary.json",
    params:
        config=CONFIG.data,
        layout=LAYOUT,
    log:
        "logs/summarize.log",
    threads: 1
    script:
        "../scripts/summarize.py"


rule build_report:
    input:
        summary="reports/summary.json",
        media=run_media() + compare_media(),
        trajectories=[f"results/{n}/{b}.npz" for n, e in EXPERIMENTS.items() for b in e.backends],
        templates=TEMPLATE_FILES,
    output:
        "reports/index.html",
    params:
        config=CONFIG.data,
        templates=TEMPLATE_DIR,
    log:
        "logs/build_report.log",
    threads: 1
    script:
        "../scripts/build_report.py"
