rule render_animation:
    input:
        dataset="results/{experiment}/dataset.npz",
        trajectories="results/{experiment}/{backend}.npz",
    output:
        **{fmt: f"reports/{{experiment}}/{{optimizer}}-{{backend}}.{fmt}" for fmt in FORMATS},
        poster="reports/{experiment}/{optimizer}-{backend}.png",
    params:
        experiment=experiment_entry,
        animation=CONFIG.data["animation"],
    log:
        "logs/render_animation/{experiment}/{optimizer}-{backend}.log",
    threads: 1
    script:
        "../scripts/render_run.py"


rule render_compare:
    input:
        unpack(trajectory_files),
        dataset="results/{experiment}/dataset.npz",
    output:
        **{fmt: f"reports/{{experiment}}/compare.{fmt}" for fmt in FORMATS},
        poster="reports/{experiment}/compare.png",
        loss="reports/{experiment}/loss.png",
    params:
        experiment=experiment_entry,
        animation=CONFIG.data["animation"],
    log:
        "logs/render_compare/{experiment}.log",
    threads: 1
    script:
        "../scripts/render_compare.py"
