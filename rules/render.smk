rule render_animation:
    input:
        dataset="results/{experiment}/dataset.npz",
        trajectories="results/{experiment}/{backend}.npz",
    output:
        **{
            fmt: report(
                path,
                caption="../report/run_animation.rst",
                category="{experiment}",
                subcategory="Runs",
                labels={"optimizer": "{optimizer}", "backend": "{backend}"},
            )
            if fmt == "gif"
            else path
            for fmt in FORMATS
            for path in [f"reports/{{experiment}}/{{optimizer}}-{{backend}}.{fmt}"]
        },
        poster="reports/{experiment}/{optimizer}-{backend}.png",
    params:
        experiment=experiment_entry,
        animation=CONFIG.data["animation"],
    log:
        "logs/render_animation/{experiment}/{optimizer}-{backend}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/render_run.py"


rule render_compare:
    input:
        unpack(trajectory_files),
        dataset="results/{experiment}/dataset.npz",
    output:
        **{
            fmt: report(
                path,
                caption="../report/compare.rst",
                category="{experiment}",
                subcategory="All runs",
                labels={"figure": "race"},
            )
            if fmt == "gif"
            else path
            for fmt in FORMATS
            for path in [f"reports/{{experiment}}/compare.{fmt}"]
        },
        poster="reports/{experiment}/compare.png",
        loss=report(
            "reports/{experiment}/loss.png",
            caption="../report/loss.rst",
            category="{experiment}",
            subcategory="All runs",
            labels={"figure": "loss per step"},
        ),
    params:
        experiment=experiment_entry,
        animation=CONFIG.data["animation"],
    log:
        "logs/render_compare/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/render_compare.py"
