# Model experiments (problem: logistic_regression | mlp): one job trains every optimizer on
# both backends from the shared start and batch order, and evaluates the experiment's loss plane;
# sweep_model_chunk runs the learning-rate × momentum grid in numpy, sweep_model gathers it (its TensorFlow
# spot checks are in optimize_tensorflow); render_model_<experiment> animates every run on that plane and draws the sweep.
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


# The output set depends on the experiment's optimizers: one rule per model experiment, as for render_<experiment>.
for _model in CONFIG.model_experiments:

    rule:
        name:
            f"render_model_{_model.name}"
        input:
            runs=layout.model_runs(_model.name),
            dataset=layout.dataset(_model.name),
            **({"sweep": layout.model_sweep(_model.name)} if _model.sweep.enabled else {}),
        output:
            **layout.named(layout.model_media(_model, FORMATS)),
            **({"heatmap": layout.sweep_heatmap(_model.name)} if _model.sweep.enabled else {}),
        params:
            name=_model.name,
            experiment=CONFIG.data["experiments"][_model.name],
            animation=CONFIG.data["animation"],
        log:
            f"logs/render_model/{_model.name}.log",
        threads: 1
        priority: 10
        conda:
            "../envs/momentumlab.yaml"
        script:
            "../scripts/render_model.py"


# A model sweep is split into `sweep.chunks` jobs over the flattened grid (one by default), as a 2-D
# sweep is (sweep.smk): each chunk trains its cells, sweep_model gathers them and ranks every cell.
rule sweep_model_chunk:
    input:
        dataset=layout.dataset("{experiment}"),
    output:
        chunk=temp(layout.model_sweep_chunk("{experiment}", "{index}", "{chunks}")),
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_model_chunk/{experiment}/chunk-{index}-of-{chunks}.log",
    threads: 1
    priority: 20  # a long job, started early
    resources:
        mem_mb=1000,
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_model_chunk.py"


rule sweep_model:
    input:
        dataset=layout.dataset("{experiment}"),
        chunks=lambda wildcards: layout.model_sweep_chunks(MODEL_EXPERIMENTS[wildcards.experiment]),
    output:
        sweep=layout.model_sweep("{experiment}"),
        timing=layout.model_sweep_timing("{experiment}"),
    params:
        experiment=experiment_entry,
    log:
        "logs/sweep_model/{experiment}.log",
    threads: 1
    priority: 20
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/sweep_model.py"
