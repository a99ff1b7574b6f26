"""Where every file of the pipeline lives: the rules declare these paths, the scripts receive them.

Paths are relative to the working directory. A name argument may be a wildcard
(``dataset("{experiment}")`` is the rule's pattern). The dataclasses group the files of one
experiment; ``named`` turns any tree of them into a rule's named inputs or outputs (names
joined by "/", e.g. ``rosenbrock/trajectories/numpy``) and ``nested`` rebuilds the tree from
``snakemake.input`` or ``snakemake.output``, so a script opens only what its rule declares
(``from_tree`` turns that tree back into the dataclass). A run's files are keyed by its
:class:`RunKey` (named by its file name, ``<optimizer>-<backend>``). ``SummaryInputs``,
``ReportInputs``/``ReportOutputs`` and ``SlideInputs`` are what the summary, report and deck
stages read and write. No Snakemake here: tests use the same layout.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from momentumlab.config import Config, Experiment, ModelExperiment
from momentumlab.records import reference_backend
from momentumlab.runs import RunKey
from momentumlab.eigenmodes import has_modes

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
tuned = _file(RESULTS, "tuned.json")  # the tune job's resolved `tuned` values, read by every later job
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
modes_still = _file(REPORTS, "modes.png")  # error along each Hessian eigenvector, constant-Hessian experiments
explorer = _file(REPORTS, "explorer.js")  # the report's sweep explorer data, a <script src> file
media_facts = _file(REPORTS, "media.json")  # size, length, frames of each animation (``media_info``)
loss_plane = _file(REPORTS, "loss_plane.png")  # a model experiment's figure
sharpness_plot = _file(REPORTS, "sharpness.png")  # a model experiment's sharpness against its thresholds


def trajectories(experiment: str, backend: str) -> str:
    """Every optimizer's run of one experiment on one backend."""
    return f"{RESULTS}/{experiment}/{backend}.npz"


def timings(experiment: str, backend: str) -> str:
    return f"{TIMINGS}/{experiment}/{backend}.json"


def sweep_chunk(experiment: str, index: int | str, chunks: int | str) -> str:
    return f"{RESULTS}/{experiment}/sweep/chunk-{index}-of-{chunks}.npz"


def sweep_chunk_timing(experiment: str, index: int | str, chunks: int | str) -> str:
    return f"{TIMINGS}/{experiment}/sweep/chunk-{index}-of-{chunks}.json"


def model_sweep_chunk(experiment: str, index: int | str, chunks: int | str) -> str:
    """One chunk of a model experiment's sweep (temporary: gathered into ``model_sweep``)."""
    return f"{RESULTS}/{experiment}/model_sweep/chunk-{index}-of-{chunks}.npz"


def model_sweep_chunks(experiment: ModelExperiment) -> list[str]:
    """Every chunk of the model experiment's sweep, as its config splits the grid."""
    chunks = experiment.sweep.chunks
    return [model_sweep_chunk(experiment.name, index, chunks) for index in range(chunks)]


def run_media(experiment: str, run: RunKey, suffix: str) -> str:
    """One run's animation (``suffix`` a format) or poster (``png``)."""
    return f"{REPORTS}/{experiment}/{run.file_name}.{suffix}"


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
    tuned: str | None = None  # experiments with a `tuned` value only

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ExperimentResults:
        """The files from ``nested``'s tree of them."""
        return cls(**{**tree, "sweep_timings": tuple(tree.get("sweep_timings", ()))})


def _runs_from_tree(tree: Mapping[str, Any]) -> dict[RunKey, Any]:
    """A tree keyed by run file names (``named`` writes a RunKey so) keyed by RunKey again."""
    return {RunKey.from_file_name(name): files for name, files in tree.items()}


@dataclass(frozen=True)
class ExperimentMedia:
    """What the render job of one 2-D experiment writes; animations by suffix (formats and ``png``)."""

    runs: Mapping[RunKey, Mapping[str, str]]  # run -> suffix -> path
    compare: Mapping[str, str]
    loss: str
    contour: str
    extent: str
    facts: str  # the animations' media facts, read once where they are written
    sweep: str | None = None  # the heatmap of a swept experiment
    modes: str | None = None  # the modes still (``theory.has_modes``)

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ExperimentMedia:
        """The files from ``nested``'s tree of them (no ``runs`` without animations)."""
        return cls(**{**tree, "runs": _runs_from_tree(tree.get("runs", {}))})


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
        tuned=tuned_values(experiment),
    )
    return under(root, files)


def tuned_values(experiment: Experiment) -> str | None:
    """The tune job's file of ``experiment``, None when nothing of it is tuned (and there is no tune job)."""
    return tuned(experiment.name) if any(spec.tuned for spec in experiment.optimizers) else None


def experiment_media(experiment: Experiment, formats: Iterable[str], root: str | os.PathLike = "") -> ExperimentMedia:
    """The report files of ``experiment`` when its animations are rendered in ``formats``, under ``root``.

    Each run on the reference backend gets an animation of its own; a TensorFlow twin, which
    repeats its numpy run to rounding, is shown in the race and measured in the agreement table.
    Without animations (``animations: false``) no run has one and the race is its poster alone.
    """
    name = experiment.name
    suffixes = (*formats, POSTER) if experiment.animations else (POSTER,)
    reference = reference_backend(experiment.backends)
    files = ExperimentMedia(
        runs={run: {s: run_media(name, run, s) for s in suffixes} for run in experiment.runs
              if run.backend == reference and experiment.animations},
        compare={suffix: compare(name, suffix) for suffix in suffixes},
        loss=loss_plot(name),
        contour=contour(name),
        extent=extent(name),
        facts=media_facts(name),
        sweep=sweep_heatmap(name) if experiment.sweep.enabled else None,
        modes=modes_still(name) if has_modes(experiment) else None,
    )
    return under(root, files)


@dataclass(frozen=True)
class ModelMedia:
    """What the render job of one model experiment writes: each optimizer's animation on the
    reference backend, the race on the shared plane, the still figure and the media facts.

    Without animations (``animations: false``) ``runs`` and ``compare`` are empty; ``sharpness``
    is the sharpness figure of an experiment that measures it.
    """

    runs: Mapping[RunKey, Mapping[str, str]]  # run (on the reference backend) -> suffix -> path
    compare: Mapping[str, str]
    figure: str
    facts: str
    sharpness: str | None = None

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ModelMedia:
        """The files from ``nested``'s tree of them."""
        return cls(**{"compare": {}, **tree, "runs": _runs_from_tree(tree.get("runs", {}))})


def model_media(experiment: Any, formats: Iterable[str], root: str | os.PathLike = "") -> ModelMedia:
    """The report files of model experiment ``experiment`` (a ``ModelExperiment``) under ``root``."""
    name, suffixes = experiment.name, (*formats, POSTER)
    backend = reference_backend(experiment.backends)
    animated = experiment.animations
    files = ModelMedia(
        runs={run: {s: run_media(name, run, s) for s in suffixes} for run in experiment.runs
              if run.backend == backend and animated},
        compare={suffix: compare(name, suffix) for suffix in suffixes} if animated else {},
        figure=loss_plane(name),
        facts=media_facts(name),
        sharpness=sharpness_plot(name) if experiment.sharpness else None,
    )
    return under(root, files)


def model_results(experiment: str) -> ModelResults:
    return ModelResults(runs=model_runs(experiment), summary=model_summary(experiment), timings=model_timings(experiment))


# --- what the summary, report and deck stages read and write -----------------------------------


@dataclass(frozen=True)
class ModelSummaryFiles:
    """What the summary reads of one model experiment: its rows, wall times and (if swept) its sweep's."""

    summary: str
    timings: str
    sweep: str | None = None
    sweep_timing: str | None = None


@dataclass(frozen=True)
class SummaryInputs:
    """Every file ``summary.json`` is gathered from, by experiment."""

    experiments: Mapping[str, ExperimentResults] = field(default_factory=dict)
    models: Mapping[str, ModelSummaryFiles] = field(default_factory=dict)

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> SummaryInputs:
        """The files from ``nested``'s tree of them."""
        return cls(experiments={name: ExperimentResults.from_tree(files) for name, files in tree.get("experiments", {}).items()},
                   models={name: ModelSummaryFiles(**files) for name, files in tree.get("models", {}).items()})


def summary_inputs(config: Config, root: str | os.PathLike = "") -> SummaryInputs:
    """The files the summary of ``config`` reads, under ``root``."""
    models = {}
    for experiment in config.model_experiments:
        name, swept = experiment.name, experiment.sweep.enabled
        models[name] = ModelSummaryFiles(summary=model_summary(name), timings=model_timings(name),
                                         sweep=model_sweep_summary(name) if swept else None,
                                         sweep_timing=model_sweep_timing(name) if swept else None)
    results = {experiment.name: experiment_results(experiment) for experiment in config.experiments}
    return under(root, SummaryInputs(experiments=results, models=models))


@dataclass(frozen=True)
class ShownExperiment:
    """What the report shows of one 2-D experiment: its media, its runs (for the scrubber), its sweep (for the explorer)."""

    media: ExperimentMedia
    trajectories: Mapping[str, str]  # by backend
    sweep: str | None = None
    dataset: str | None = None  # the problem's data (linear regression's moments feed the live mode)

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ShownExperiment:
        """The files from ``nested``'s tree of them."""
        return cls(**{**tree, "media": ExperimentMedia.from_tree(tree["media"])})


@dataclass(frozen=True)
class ShownModel:
    """What the report shows of one model experiment: its media and (if swept) its sweep's heatmap."""

    media: ModelMedia
    sweep: str | None = None
    sweep_result: str | None = None  # the grid with each cell's curves, for the explorer

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ShownModel:
        """The files from ``nested``'s tree of them."""
        return cls(**{**tree, "media": ModelMedia.from_tree(tree["media"])})


@dataclass(frozen=True)
class ReportInputs:
    """Every file the report page reads: the summary, the templates, each experiment's media, the deck."""

    summary: str
    templates: Sequence[str]
    experiments: Mapping[str, ShownExperiment] = field(default_factory=dict)
    models: Mapping[str, ShownModel] = field(default_factory=dict)
    slides: str | None = None  # the deck, linked when the config builds one

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ReportInputs:
        """The files from ``nested``'s tree of them."""
        return cls(summary=tree["summary"], templates=tuple(tree["templates"]), slides=tree.get("slides"),
                   experiments={n: ShownExperiment.from_tree(t) for n, t in tree.get("experiments", {}).items()},
                   models={n: ShownModel.from_tree(t) for n, t in tree.get("models", {}).items()})


@dataclass(frozen=True)
class ReportOutputs:
    """What the report stage writes: the page, each swept experiment's explorer data, the single-file copy."""

    html: str
    explorers: Mapping[str, str] = field(default_factory=dict)  # by swept experiment
    single: str | None = None

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> ReportOutputs:
        """The files from ``nested``'s tree of them."""
        return cls(**tree)


def report_inputs(config: Config, templates: Sequence[str], root: str | os.PathLike = "") -> ReportInputs:
    """The files the report of ``config`` reads (``templates``: the Jinja2 files), under ``root``."""
    formats = config.animation.formats
    experiments = {
        e.name: ShownExperiment(media=experiment_media(e, formats), trajectories=experiment_results(e).trajectories,
                                sweep=sweep_result(e.name) if e.sweep.enabled else None, dataset=dataset(e.name))
        for e in config.experiments
    }
    models = {e.name: ShownModel(media=model_media(e, formats), sweep=sweep_heatmap(e.name) if e.sweep.enabled else None,
                                 sweep_result=model_sweep(e.name) if e.sweep.enabled else None)
              for e in config.model_experiments}
    inputs = ReportInputs(summary=SUMMARY, templates=(), experiments=experiments, models=models,
                          slides=SLIDES if config.slides.enabled else None)
    return dataclasses.replace(under(root, inputs), templates=tuple(templates))


def report_outputs(config: Config, root: str | os.PathLike = "") -> ReportOutputs:
    """The files the report stage of ``config`` writes, under ``root``."""
    swept = [e.name for e in [*config.experiments, *config.model_experiments] if e.sweep.enabled]
    outputs = ReportOutputs(html=REPORT, explorers={name: explorer(name) for name in swept},
                            single=SINGLE_FILE_REPORT if config.report_single_file else None)
    return under(root, outputs)


@dataclass(frozen=True)
class Race:
    """An experiment's race as the deck shows it: the MP4 (else the GIF) and its PNG poster, the last frame."""

    media: str
    poster: str


@dataclass(frozen=True)
class SlideInputs:
    """Every file the deck reads: the summary, each experiment's race and each swept experiment's heatmap, by experiment."""

    summary: str
    races: Mapping[str, Race] = field(default_factory=dict)
    model_races: Mapping[str, Race] = field(default_factory=dict)  # each on the model's loss plane
    sweeps: Mapping[str, str] = field(default_factory=dict)  # swept 2-D experiment -> sweep.png
    sharpness: Mapping[str, str] = field(default_factory=dict)  # model experiment -> its sharpness figure

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any]) -> SlideInputs:
        """The files from ``nested``'s tree of them."""
        return cls(summary=tree["summary"], races={n: Race(**t) for n, t in tree.get("races", {}).items()},
                   model_races={n: Race(**t) for n, t in tree.get("model_races", {}).items()},
                   sweeps=dict(tree.get("sweeps", {})),
                   sharpness=dict(tree.get("sharpness", {})))


def slide_inputs(config: Config, root: str | os.PathLike = "") -> SlideInputs:
    """The files the deck of ``config`` reads, under ``root``: the MP4 race (shown behind its last frame) when
    MP4s are rendered, else the GIF (the deck shows its last frame, the still PNG)."""
    formats = config.animation.formats
    race = "mp4" if "mp4" in formats else "gif"

    def race_of(compare: Mapping[str, str]) -> Race:
        return Race(media=compare.get(race, compare[POSTER]), poster=compare[POSTER])  # a still race: its poster

    return under(root, SlideInputs(
        summary=SUMMARY,
        races={e.name: race_of(experiment_media(e, formats).compare) for e in config.experiments},
        model_races={e.name: race_of(model_media(e, formats).compare) for e in config.model_experiments if e.animations},
        sweeps={e.name: sweep_heatmap(e.name) for e in config.experiments if e.sweep.enabled},
        sharpness={e.name: sharpness_plot(e.name) for e in config.model_experiments if e.sharpness}))


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
            name = key.file_name if isinstance(key, RunKey) else str(key)
            flat.update(named(value, f"{prefix}{SEPARATOR}{name}" if prefix else name))
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
