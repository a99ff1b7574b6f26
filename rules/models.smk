# Model experiments (problem: logistic_regression | mlp): one job trains every optimizer on
# both backends from the shared start and batch order, and evaluates the experiment's loss plane;
# render_model draws that plane.
rule train_model:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        **layout.named(layout.model_results("{experiment}")),
    params:
        experiment=experiment_entry,
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
        runs=layout.model_runs("{experiment}"),
        dataset=layout.dataset("{experiment}"),
    output:
        figure=layout.loss_plane("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/render_model/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/render_model.py"


rule sweep_model:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        **layout.named(layout.model_sweep_results("{experiment}")),
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_model/{experiment}.log",
    threads: 1
    priority: 20  # TensorFlow's spot checks inside: a long job, started early
    resources:
        mem_mb=2000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_model.py"
