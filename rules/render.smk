# One render job per experiment writes all of its media: each run's animation, the
# compare race, the loss overlay, the scrubber's contour and the sweep heatmap.
# Importing matplotlib and evaluating the landscape once per experiment rather than
# once per file is what keeps the default pipeline near a minute on two cores. The
# output set depends on the experiment's optimizers, so there is one rule per
# experiment (render_<experiment>) instead of a wildcard rule; its inputs and outputs are
# built in common.smk.


for _experiment in CONFIG.experiments:

    rule:
        name:
            f"render_{_experiment.name}"
        input:
            **render_inputs(_experiment),
        output:
            **layout.named(reported_media(_experiment.name)),
        params:
            name=_experiment.name,
            experiment=CONFIG.data["experiments"][_experiment.name],
            animation=CONFIG.data["animation"],
        log:
            f"logs/render/{_experiment.name}.log",
        threads: 1
        priority: 10
        conda:
            "../envs/momentumlab.yaml"
        script:
            "../scripts/render_experiment.py"
