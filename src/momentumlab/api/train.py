"""``train``: a model experiment (data set, classifier, optimizers) on the pipeline's model engine.

``seeds`` paired seeds per experiment, as the config has (default 1): each seed's initial weights
and minibatch order are shared by every optimizer, so the race is paired. ``Training.verdicts()``
prints the report's verdict sentences: below ``MIN_SEEDS_FOR_VERDICT`` seeds they state what was
measured and call no winner.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab.api.arguments import entry, parse_experiment
from momentumlab.api.display import Table, animation_output, animation_settings, image_output, progress, rendered
from momentumlab.config import ModelExperiment
from momentumlab.runs import RunKey

TRAIN_COLUMNS = ("optimizer_label", "backend", "method", "lr", "momentum", "final_train_loss", "final_test_loss",
                 "final_train_accuracy", "final_test_accuracy", "steps_to_tolerance", "diverged_at")


@dataclass
class Training:
    """Every run of one model experiment and its loss plane (``model.run.ModelExperimentResult``)."""

    result: Any

    @property
    def spec(self) -> ModelExperiment:
        """The validated experiment."""
        return self.result.spec

    @property
    def runs(self) -> dict[RunKey, Any]:
        """Each run (weights at the recorded steps, losses, accuracies) keyed by ``RunKey`` (optimizer, backend)."""
        return {RunKey(run.optimizer, run.backend, self.spec.optimizer(run.optimizer).label,
                       self.spec.optimizer(run.optimizer).method): run
                for run in self.result.runs}

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per run: the model rows ``summary.json`` holds."""
        from momentumlab.model.run import summary_records

        return summary_records(self.result)["runs"]

    def comparisons(self) -> list[dict[str, Any]]:
        """Every pair of competing runs on every metric, paired seed by seed: ``summary.json``'s ``model_comparisons``."""
        from momentumlab.model.run import summary_records

        return summary_records(self.result)["model_comparisons"]

    def verdicts(self) -> list[str]:
        """The verdict sentences the report and the deck print (``model.verdicts.verdict_sentences``): a
        "beats" only on at least ``MIN_SEEDS_FOR_VERDICT`` paired seeds, else the measured numbers."""
        from momentumlab.model import verdicts as model_verdicts
        from momentumlab.model.run import summary_records
        from momentumlab.records import competing_runs

        rows = summary_records(self.result)
        return model_verdicts.verdict_sentences(competing_runs(rows["runs"]), rows["model_comparisons"])

    def table(self, columns: Sequence[str] = TRAIN_COLUMNS) -> Table:
        """Train and test loss and accuracy of every run as an HTML table."""
        return Table(self.records(), columns)

    def arrays(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(runs archive, data set arrays) exactly as the pipeline's files hold them."""
        from momentumlab.model.data import save_classification
        from momentumlab.files import read_npz
        from momentumlab.model.run import save_result

        with tempfile.TemporaryDirectory(prefix="momentumlab-api-") as folder:
            save_result(Path(folder) / "runs.npz", self.result)
            save_classification(Path(folder) / "data.npz", self.result.data)
            return read_npz(Path(folder) / "runs.npz"), read_npz(Path(folder) / "data.npz")

    def figure(self, width: int = 1280, height: int = 560) -> Any:
        """The report's loss-plane figure: the plane with every path, the curves and accuracy."""
        from momentumlab.model.network import predict
        from momentumlab.render import render_loss_plane

        arrays, data = self.arrays()
        best = arrays["plane/centre"]
        spec = self.spec

        def render(outputs: Mapping[str, Path], poster: Path) -> None:
            render_loss_plane(arrays, spec.runs, {o.name: o.label for o in spec.optimizers}, poster, spec.label,
                              width=width, height=height, classify=lambda x: predict(self.result.arch, best, x),
                              data=data)

        return image_output(rendered(render, None))

    def animation(self, fmt: str = "mp4", width: int | None = None, height: int | None = None,
                  frames: int | None = None) -> Any:
        """Every run racing on the shared loss plane, by the report's engine."""
        from momentumlab.render.media import render_model_race_media

        settings = animation_settings(fmt, width, height, frames)
        arrays, data = self.arrays()
        return animation_output(rendered(lambda outputs, poster: render_model_race_media(
            self.spec, arrays, data, settings, outputs, poster, progress=True), fmt), fmt)

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def run_training(spec: ModelExperiment) -> Training:
    """Train every run of ``spec`` and build its loss plane, as the ``train_model`` job does."""
    from momentumlab.model.run import run_model_experiment

    result = None
    for _ in progress(range(1), 1, f"{spec.name}: {len(spec.runs)} runs × {spec.steps} steps"):
        result = run_model_experiment(spec)
    return Training(result=result)


def train(dataset: str | Mapping[str, Any], model: str = "mlp", optimizers: Mapping[str, Mapping[str, Any]] | None = None,
          steps: int | None = None, batch_size: int | None = None, hidden: Sequence[int] | None = None,
          activation: str | None = None, l2: float | None = None, backends: Sequence[str] = ("numpy",),
          seed: int | None = None, tolerance: float | None = None, record_every: int | None = None,
          label: str | None = None, name: str | None = None, seeds: int | None = None) -> Training:
    """Train ``model`` (mlp or logistic_regression) on ``dataset`` (a kind, or the config's dataset
    mapping) with each of ``optimizers``; ``seeds`` paired seeds, each giving every optimizer the
    same start and minibatch order (the config's ``seeds``)."""
    dataset = {"kind": dataset} if isinstance(dataset, str) else dataset
    params = {key: value for key, value in (("hidden", hidden), ("activation", activation), ("l2", l2))
              if value is not None}
    name = name or (dataset.get("kind") if isinstance(dataset, Mapping) and isinstance(dataset.get("kind"), str)
                    else "model")
    raw = entry(model, optimizers or {}, dataset=dataset, params=params or None, steps=steps, batch_size=batch_size,
                backends=backends, seed=seed, seeds=seeds, tolerance=tolerance, record_every=record_every,
                label=label)
    config = parse_experiment(name, raw, {"problem": "model", "params.hidden": "hidden",
                                          "params.activation": "activation", "params.l2": "l2"})
    return run_training(config.model_experiments[0])
