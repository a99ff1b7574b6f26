# One render job per experiment writes all of its media: each run's animation, the
# compare race, the loss overlay, the scrubber's contour and the sweep heatmap.
# Importing matplotlib and evaluating the landscape once per experiment rather than
# once per file is what keeps the default pipeline near a minute on two cores. The
# output set depends on the experiment's optimizers, so there is one rule per
# experiment (render_<experiment>) instead of a wildcard rule.


def render_inputs(name):
    """The data set, trajectories and (if swept) the sweep one experiment's media show."""
    files = {"dataset": LAYOUT[name]["dataset"], **LAYOUT[name]["trajectories"]}
    if name in SWEPT:
        files["sweep"] = f"results/{name}/sweep.npz"
    return files


def render_outputs(name):
    """Every file one experiment's render job writes; GIFs and plots go to `--report` too."""
    media = REPORT_MEDIA[name]
    outputs = []
    for optimizer, backends in media["runs"].items():
        for backend, paths in backends.items():
            for suffix, path in paths.items():
                labels = {"experiment": name, "optimizer": optimizer, "backend": backend}
                outputs.append(report(path, caption="../report/run_animation.rst", category=name,
                                      subcategory="Runs", labels=labels) if suffix == "gif" else path)
    for suffix, path in media["compare"].items():
        outputs.append(report(path, caption="../report/compare.rst", category=name, subcategory="All runs",
                              labels={"experiment": name, "figure": "race"}) if suffix == "gif" else path)
    outputs.append(report(media["loss"], caption="../report/loss.rst", category=name, subcategory="All runs",
                          labels={"experiment": name, "figure": "loss per step"}))
    outputs += [media["contour"], media["extent"]]
    if name in SWEPT:
        outputs.append(report(media["sweep"], caption="../report/sweep.rst", category=name, subcategory="Sweep",
                              labels={"experiment": name, "figure": "learning rate × momentum"}))
    return outputs


for _name in EXPERIMENTS:

    rule:
        name:
            f"render_{_name}"
        input:
            **render_inputs(_name),
        output:
            render_outputs(_name),
        params:
            name=_name,
            experiment=CONFIG.data["experiments"][_name],
            animation=CONFIG.data["animation"],
            media=REPORT_MEDIA[_name],
        log:
            f"logs/render/{_name}.log",
        threads: 1
        priority: 10
        conda:
            "../envs/momentumlab.yaml"
        script:
            "../scripts/render_experiment.py"
