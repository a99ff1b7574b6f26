"""Where every file of the pipeline lives: the rules declare these paths, the scripts receive them.

Paths are relative to the working directory. A name argument may be a wildcard
(``dataset("{experiment}")`` is the rule's pattern). The dataclasses group the files of one
experiment; ``named`` turns any tree of them into a rule's named inputs or outputs (names
joined by "/", e.g. ``rosenbrock/trajectories/numpy``) and ``nested`` rebuilds the tree from
``snakemake.input`` or ``snakemake.output``, so a script opens only what its rule declares.
No Snakemake here: tests use the same layout.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from momentumlab.config import Experiment
from momentumlab.records import reference_backend

RESULTS = "results"
REPORTS = "reports"
TIMINGS = "logs/timings"  # wall times vary from run to run: kept out of results/
SUMMARY = f"{REPORTS}/summary.json"
REPORT = f"{REPORTS}/index.html"
SINGLE_FILE_REPORT = f"{REPORTS}/report-single.html"
SLIDES = f"{REPORTS}/slides.pptx"
POSTER = "png"  # every animation's still image, beside its configured formats
SEPARATOR = "/"


def _file(folder: str, name: str) -> Callable[[str], str]:
    """The path of file ``name`` in an experiment's own directory under ``folder``, by experiment."""
    return lambda experiment: f"{folder}/{experiment}/{name}"


dataset = _file(RESULTS, "dataset.npz")
sweep_result = _file(RESULTS, "sweep.npz")  # the gathered learning-rate × momentum grid
spot_check = _file(RESULTS, "sweep/tf_spot_check.json")  # TensorFlow's re-runs of a few sweep points
theory = _file(RESULTS, "theory.json")
model_runs = _file(RESULTS, "model_runs.npz")
model_summary = _file(RESULTS, "model_summary.json")
model_timings = _file(TIMINGS, "models.json")
model_sweep = _file(RESULTS, "model_sweep.npz")  # a model's learning-rate × momentum grid
model_sweep_summary = _file(RESULTS, "model_sweep.json")  # its summary row with TensorFlow's spot checks
model_sweep_timing = _file(TIMINGS, "model_sweep.json")
loss_plot = _file(REPORTS, "loss.png")
contour = _file(REPORTS, "contour.png")  # the report scrubber's background
extent = _file(REPORTS, "contour.json")  # the contour image's axes
sweep_heatmap = _file(REPORTS, "sweep.png")
explorer = _file(REPORTS, "explorer.js")  # the report's sweep explorer data, a <script src> file
media_facts = _file(REPORTS, "media.json")  # size, length, frames of each animation (``media_info``)
loss_plane = _file(REPORTS, "loss_plane.png")  # a model experiment's figure


def trajectories(experiment: str, backend: str) -> str:
    """Every optimizer's run of one experiment on one backend."""
    return f"{RESULTS}/{experiment}/{backend}.npz"


def timings(experiment: str, backend: str) -> str:
    return f"{TIMINGS}/{experiment}/{backend}.json"


def sweep_chunk(experiment: str, index: int | str, chunks: int | str) -> str:
    return f"{RESULTS}/{experiment}/sweep/chunk-{index}-of-{chunks}.npz"


def sweep_chunk_timing(experiment: str, index: int | str, chunks: int | str) -> str:
    return f"{TIMINGS}/{experiment}/sweep/chunk-{index}-of-{chunks}.json"


def run_media(experiment: str, optimizer: str, backend: str, suffix: str) -> str:
    """One run's animation (``suffix`` a format) or poster (``png``)."""
    return f"{REPORTS}/{experiment}/{optimizer}-{backend}.{suffix}"


def compare(experiment: str, suffix: str) -> str:
    """The race of every run of one experiment."""
    return f"{REPORTS}/{experiment}/compare.{suffix}"


@dataclass(frozen=True)
class ExperimentResults:
    """What the compute jobs of one 2-D experiment write."""

    dataset: str
    trajectories: Mapping[str, str]  # by backend
    timings: Mapping[str, str]  # by backend
    sweep: str | None = None  # swept experiments only, with the next two
    spot_check: str | None = None
    sweep_timings: Sequence[str] = ()  # one per chunk
    theory: str | None = None  # quadratic experiments only


@dataclass(frozen=True)
class ExperimentMedia:
    """What the render job of one 2-D experiment writes; animations by suffix (formats and ``png``)."""

    runs: Mapping[str, Mapping[str, Mapping[str, str]]]  # optimizer -> backend -> suffix -> path
    compare: Mapping[str, str]
    loss: str
    contour: str
    extent: str
    facts: str  # the animations' media facts, read once where they are written
    sweep: str | None = None  # the heatmap of a swept experiment


@dataclass(frozen=True)
class ModelResults:
    """What the training job of one model experiment writes."""

    runs: str
    summary: str
    timings: str


def sweep_chunks(experiment: Experiment) -> list[str]:
    """Every chunk of the experiment's sweep, as its config splits the grid."""
    chunks = experiment.sweep.chunks
    return [sweep_chunk(experiment.name, index, chunks) for index in range(chunks)]


def experiment_results(experiment: Experiment, root: str | os.PathLike = "") -> ExperimentResults:
    """The computed files of ``experiment``, under ``root``."""
    name, chunks = experiment.name, experiment.sweep.chunks
    swept = experiment.sweep.enabled
    files = ExperimentResults(
        dataset=dataset(name),
        trajectories={backend: trajectories(name, backend) for backend in experiment.backends},
        timings={backend: timings(name, backend) for backend in experiment.backends},
        sweep=sweep_result(name) if swept else None,
        spot_check=spot_check(name) if swept else None,
        sweep_timings=tuple(sweep_chunk_timing(name, index, chunks) for index in range(chunks)) if swept else (),
        theory=theory(name) if experiment.problem == "quadratic" else None,
    )
    return under(root, files)


def experiment_media(experiment: Experiment, formats: Iterable[str], root: str | os.PathLike = "") -> ExperimentMedia:
    """The report files of ``experiment`` when its animations are rendered in ``formats``, under ``root``."""
    name = experiment.name
    suffixes = (*formats, POSTER)
    runs: dict[str, dict[str, dict[str, str]]] = {}
    for optimizer, backend in experiment.runs:
        runs.setdefault(optimizer, {})[backend] = {s: run_media(name, optimizer, backend, s) for s in suffixes}
    files = ExperimentMedia(
        runs=runs,
        compare={suffix: compare(name, suffix) for suffix in suffixes},
        loss=loss_plot(name),
        contour=contour(name),
        extent=extent(name),
        facts=media_facts(name),
        sweep=sweep_heatmap(name) if experiment.sweep.enabled else None,
    )
    return under(root, files)


@dataclass(frozen=True)
class ModelMedia:
    """What the render job of one model experiment writes: each optimizer's animation on the
    reference backend, the race on the shared plane, the still figure and the media facts."""

    runs: Mapping[str, Mapping[str, str]]  # optimizer -> suffix -> path
    compare: Mapping[str, str]
    figure: str
    facts: str


def model_media(experiment: Any, formats: Iterable[str], root: str | os.PathLike = "") -> ModelMedia:
    """The report files of model experiment ``experiment`` (a ``ModelExperiment``) under ``root``."""
    name, suffixes = experiment.name, (*formats, POSTER)
    backend = reference_backend(experiment.backends)
    files = ModelMedia(
        runs={o.name: {s: run_media(name, o.name, backend, s) for s in suffixes} for o in experiment.optimizers},
        compare={suffix: compare(name, suffix) for suffix in suffixes},
        figure=loss_plane(name),
        facts=media_facts(name),
    )
    return under(root, files)


def model_results(experiment: str) -> ModelResults:
    return ModelResults(runs=model_runs(experiment), summary=model_summary(experiment), timings=model_timings(experiment))


def _children(files: Any) -> Mapping[str, Any] | None:
    """The named parts of a dataclass or mapping of files (None for a path or a list of paths)."""
    if dataclasses.is_dataclass(files):
        return {field.name: getattr(files, field.name) for field in dataclasses.fields(files)}
    return files if isinstance(files, Mapping) else None


def under(root: str | os.PathLike, files: Any) -> Any:
    """``files`` (a path, a list of paths, a mapping or one of these dataclasses) with ``root`` prepended."""
    if not root or files is None:
        return files
    children = _children(files)
    if children is not None:
        moved = {key: under(root, value) for key, value in children.items()}
        return dataclasses.replace(files, **moved) if dataclasses.is_dataclass(files) else moved
    if isinstance(files, (list, tuple)):
        return type(files)(under(root, path) for path in files)
    return os.path.join(root, files)


def named(files: Any, prefix: str = "") -> dict[str, Any]:
    """A rule's named inputs or outputs for a tree of files: mappings and these dataclasses
    are walked and their keys joined by "/"; a path or a list of paths is one name. Absent
    files (None, empty lists) get no name."""
    children = _children(files)
    if children is not None:
        flat: dict[str, Any] = {}
        for key, value in children.items():
            flat.update(named(value, f"{prefix}{SEPARATOR}{key}" if prefix else str(key)))
        return flat
    if files is None or (isinstance(files, (list, tuple)) and not files):
        return {}
    if not prefix:
        raise ValueError("a single file needs a name")
    return {prefix: list(files) if isinstance(files, (list, tuple)) else files}


def nested(files: Any) -> dict[str, Any]:
    """The tree that ``named`` flattened, from ``snakemake.input`` or ``snakemake.output``
    (anything with ``items()``): paths as ``str``, lists of paths as lists."""
    tree: dict[str, Any] = {}
    for name, value in files.items():
        *parents, leaf = name.split(SEPARATOR)
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = str(value) if isinstance(value, (str, os.PathLike)) else [str(path) for path in value]
    return tree
