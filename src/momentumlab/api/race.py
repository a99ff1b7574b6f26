"""``race``: every optimizer of one 2-D experiment on the pipeline's engine, shown in a notebook."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from momentumlab.api.arguments import entry, parse_experiment
from momentumlab.api.display import Table, animation_output, animation_settings, image_output, progress, rendered
from momentumlab.config import Experiment
from momentumlab.datasets import make_dataset
from momentumlab.problems import Problem, make_problem
from momentumlab.runs import RunKey
from momentumlab.trajectory import Trajectory

RACE_COLUMNS = ("optimizer_label", "backend", "method", "lr", "momentum", "final_params", "final_loss",
                "distance_to_optimum", "steps_to_tolerance", "diverged_at")


def build_problem(experiment: Experiment) -> Problem:
    """The experiment's problem with its seeded data set, as the ``make_dataset`` job writes it."""
    return make_problem(experiment.problem, experiment.params,
                        make_dataset(experiment.problem, experiment.params, experiment.seed))


@dataclass
class Race:
    """The runs of one experiment (``tuned`` values resolved), keyed by ``RunKey`` (optimizer, backend)."""

    experiment: Experiment
    problem: Problem
    runs: dict[RunKey, Trajectory]
    seconds: dict[RunKey, float] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per run: the rows ``summary.json`` holds for this experiment."""
        from momentumlab.records import experiment_summary

        return experiment_summary(self.experiment, self.problem, self.runs, self.seconds)["runs"]

    def agreement(self) -> list[dict[str, Any]]:
        """numpy vs TensorFlow max |Δθ| per optimizer run on both backends."""
        from momentumlab.records import agreement_rows

        return agreement_rows(self.experiment, self.runs)

    def table(self, columns: Sequence[str] = RACE_COLUMNS) -> Table:
        """The runs as an HTML table (``_repr_html_``)."""
        return Table(self.records(), columns)

    def figure(self, width: int = 960, height: int = 540) -> Any:
        """The race's still: every path on one contour at its last step (the poster of ``compare``)."""
        settings = animation_settings("mp4", width, height, None)
        return image_output(rendered(lambda outputs, poster: self._render(settings, outputs, poster, False), None))

    def animation(self, fmt: str = "mp4", width: int | None = None, height: int | None = None,
                  frames: int | None = None) -> Any:
        """The race animated by the report's engine: an inline HTML5 video (``mp4``) or a ``gif``."""
        settings = animation_settings(fmt, width, height, frames)
        return animation_output(rendered(lambda outputs, poster: self._render(settings, outputs, poster, True), fmt),
                                fmt)

    def save(self, folder: str | Path, formats: Sequence[str] = ("gif", "mp4"), width: int | None = None,
             height: int | None = None, frames: int | None = None) -> Any:
        """Write every file the pipeline's render job writes for this experiment under ``folder``
        (``reports/<experiment>/compare.gif``, ``<optimizer>-<backend>.mp4``, …); their layout."""
        from momentumlab.render.media import render_experiment_media
        from momentumlab.layout import experiment_media

        settings = replace(animation_settings("mp4", width, height, frames), formats=tuple(formats))
        media = experiment_media(self.experiment, settings.formats, root=folder)
        render_experiment_media(self.experiment, self.problem, self.runs, settings, media)
        return media

    def _render(self, settings: Any, outputs: Mapping[str, Path], poster: Path, show_progress: bool) -> None:
        from momentumlab.render import render_compare

        labelled = {run: self.runs[run] for run in self.experiment.runs}
        render_compare(self.problem, labelled, self.experiment.label, settings, outputs, poster,
                       progress=show_progress)

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def run_race(experiment: Experiment) -> Race:
    """Run every optimizer of ``experiment`` on each of its backends, as the ``optimize`` job does."""
    from momentumlab.runner import optimize_experiment
    from momentumlab.tuning import resolve

    problem = build_problem(experiment)
    runs: dict[RunKey, Trajectory] = {}
    seconds: dict[RunKey, float] = {}
    backends = experiment.backends  # TensorFlow compiles its loop: a bar is worth it only beside numpy
    for backend in progress(backends, len(backends), f"{experiment.name}: backends") if len(backends) > 1 else backends:
        trajectories, timing = optimize_experiment(experiment, problem, backend)
        runs.update({RunKey(name, backend, experiment.optimizer(name).label, experiment.optimizer(name).method): run for name, run in trajectories.items()})
        seconds.update({RunKey(name, backend): value for name, value in timing.items()})
    return Race(experiment=resolve(experiment, problem), problem=problem, runs=runs, seconds=seconds)


def race(problem: str, optimizers: Mapping[str, Mapping[str, Any]], steps: int | None = None,
         start: Sequence[float] | None = None, backends: Sequence[str] = ("numpy",), tolerance: float | None = None,
         seed: int | None = None, label: str | None = None, sweep: Mapping[str, Any] | None = None,
         name: str | None = None, **problem_params: Any) -> Race:
    """Race ``optimizers`` (config entries by name) on ``problem``; arguments are checked by the config schema.

    ``sweep`` is the config's sweep block, which sets the range of ``tuned`` learning rates;
    ``name`` (default: the problem) is the experiment's name in records and file names.
    """
    name = name or problem
    raw = entry(problem, optimizers, steps=steps, start=start, backends=backends, tolerance=tolerance, seed=seed,
                label=label, sweep=sweep, params=problem_params or None)
    return run_race(parse_experiment(name, raw).experiment(name))
