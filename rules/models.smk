# Model experiments (problem: logistic_regression | mlp): one job trains every optimizer on
# both backends from the shared start and batch order, and evaluates the experiment's loss plane;
# render_model draws that plane. Targets and MODEL_LAYOUT: rules/common.smk.
rule train_model:
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        runs="results/{experiment}/model_runs.npz",
        summary="results/{experiment}/model_summary.json",
        timings="logs/timings/{experiment}/models.json",
    params:
        experiment=experiment_entry,
    wildcard_constraints:
        experiment="|".join(MODEL_EXPERIMENTS) or "(?!)",
    log:
        "logs/train_model/{experiment}.log",
    threads: 1
    priority: 20  # TensorFlow inside: a long job, started early
    resources:
        mem_mb=2000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/train_model.py"


rule render_model:
    input:
        runs="results/{experiment}/model_runs.npz",
        dataset="results/{experiment}/dataset.npz",
    output:
        "reports/{experiment}/loss_plane.png",
    params:
        experiment=experiment_entry,
    wildcard_constraints:
        experiment="|".join(MODEL_EXPERIMENTS) or "(?!)",
    log:
        "logs/render_model/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/render_model.py"
