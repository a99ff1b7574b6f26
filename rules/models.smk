# Model experiments (problem: logistic_regression | mlp): one job trains every optimizer on
# both backends from the shared start and batch order, and evaluates the experiment's loss plane.
MODEL_EXPERIMENTS = {experiment.name: experiment for experiment in CONFIG.model_experiments}
MODEL_LAYOUT = {
    name: {"runs": f"results/{name}/model_runs.npz", "summary": f"results/{name}/model_summary.json"}
    for name in MODEL_EXPERIMENTS
}


rule train_model:
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        runs="results/{experiment}/model_runs.npz",
        summary="results/{experiment}/model_summary.json",
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
