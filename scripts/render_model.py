"""Snakemake entry point: draw the loss-plane figure of one model experiment."""

from momentumlab.files import read_npz
from momentumlab.model_experiment import parse_model_experiment
from momentumlab.models import make_architecture, predict
from momentumlab.render import render_loss_plane
from momentumlab.workflow import logging_to

with logging_to(snakemake.log[0]):
    spec = parse_model_experiment(snakemake.wildcards.experiment, snakemake.params.experiment)
    arrays = read_npz(snakemake.input.runs)
    labels = {optimizer.name: optimizer.label for optimizer in spec.optimizers}
    model = f"MLP {list(spec.hidden)} {spec.activation}" if spec.model == "mlp" else "logistic regression"
    batch = f"batches of {spec.batch_size}" if spec.batch_size else "full batch"
    data = {key: value for key, value in read_npz(snakemake.input.dataset).items()
            if key in ("x_train", "y_train", "x_test", "y_test")}
    classes = int(max(data["y_train"].max(), data["y_test"].max())) + 1
    arch = make_architecture(spec.model, data["x_train"].shape[1], classes, spec.hidden, spec.activation, spec.l2)
    best = arrays["plane/centre"]  # the plane goes through the best run's final weights
    render_loss_plane(arrays, spec.runs, labels, snakemake.output.figure, f"{spec.label}: {spec.dataset}, {model}, {batch}",
                      classify=lambda x: predict(arch, best, x), data=data)
