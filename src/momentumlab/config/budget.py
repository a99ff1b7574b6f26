"""What a configuration will cost, estimated before any job runs, and the refusal of the unaffordable.

Each job's peak memory and wall time are estimated from the config alone: what the job
imports, then everything it computes and keeps — runs and their records, tuning grids, sweep
cells, stored epoch orders, recorded weights and the frames drawn from them, the data it
loads. The per-unit costs below were measured on the project's 2-core machine by
``benchmarks/budget.py``, which runs representative jobs and prints estimate/measured ratios
per job kind (README "Limits"); ``tests/test_budget_calibration.py`` holds every job's peak
memory to 1.25 × its estimate. A config whose estimate for any one job exceeds
``budget.max_job_memory_mb`` or ``budget.max_job_minutes`` is refused in one line that names
the key driving the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from momentumlab.config.specs import Animation, Config, Experiment, ModelExperiment
from momentumlab.model import edge
from momentumlab.model.frames import REGION_RESOLUTION

# What a job costs before any work, one thread (Snakemake sets the BLAS threads to the job's):
# the interpreter, Snakemake's script preamble and the job's imports, as (peak bytes, seconds).
# A first run from a fresh clone also compiles the package's bytecode: ~20 MB more at its peak (a gather
# measured 98 MB cold against 78 MB warm), so the bases are a cold start's.
NUMPY_JOB = (75e6, 0.3)  # numpy and the package
PLOT_JOB = (130e6, 1.0)  # ... and matplotlib (the render jobs)
DATA_JOB = (170e6, 1.2)  # ... and scikit-learn (a model experiment's data set; the summary, which parses the config)
SKLEARN_FREE = ("moons",)  # the data sets ``model.data`` builds without scikit-learn
TF_JOB = (650e6, 4.5)  # ... and TensorFlow

# 2-D runs.
NUMPY_STEP_S = 12e-6  # one step of one single run, recorded
NUMPY_POINT_STEP_S = 6e-9  # recorded loss of a regression step, per data point
TF_STEP_S = 25e-6  # one compiled Keras step
TF_POINT_STEP_S = 8e-9  # per data point per TensorFlow step (loss and gradient over the data)
TF_RUN_S = 0.3  # tracing one run's loop
TF_BYTES_PER_STEP = 300  # the loop's TensorArray keeps one small tensor per step
TRAJECTORY_BYTES_PER_STEP = 3 * 8 * 3  # params (2) + loss (1) float64, ~3 copies alive at once
POINT_BYTES = 3 * 8 * 3  # a regression data point (x, y and a fitted value), ~3 copies
GRID_POINT_BYTES = 250  # ... in a job running a grid over a regression's data (its blocks of recorded losses)

# Grids of runs in one batched loop: 2-D sweeps, their chunks and tuning grids.
SWEEP_RUN_STEP_S = {"rosenbrock": 80e-9, "beale": 70e-9}  # one step of one grid run (measured 63–79 ns, 60 ns) ...
SWEEP_RUN_STEP_S_DEFAULT = 45e-9  # ... and on the other problems (quadratic 31–37 ns, regression 36 ns)
SWEEP_POINT_RUN_STEP_S = 3.5e-12  # ... per regression data point (0.7–3.1 µs a run-step at 200 000 points:
#                                 fewer where more runs diverge early)
SWEEP_BYTES_PER_RUN = {"rosenbrock": 2500}  # the batched loop's arrays per run (measured 1.9–3.7 kB) ...
SWEEP_BYTES_PER_RUN_DEFAULT = 700  # ... and on the other problems (0.36–1.1 kB; issue 24 measured 760 B)
GATHER_BYTES_PER_RUN = 250  # gathering a grid: its chunks read, joined, ranked and written (measured 186 B)
GATHERED_BYTES_PER_RUN = 80  # a gathered grid read back per run (the render, the summary; measured 49 B)
SUMMARY_CELL_POINT_S = 0.6e-9  # the summary of a regression's sweep, per cell and data point

# Animations.
FRAME_S = 4e-3  # drawing and encoding one animation frame, plus ...
FRAME_PIXEL_S = 15e-9  # ... per pixel of the frame (measured 8.5 ms at 960 × 540, 94 ms at 3840 × 2160)
RENDER_BYTES_PER_PIXEL = 130  # canvas, background copies and encoder buffers (1.07 GB at 3840 × 2160)
RENDER_POINT_S = 15e-6  # a regression data point in a 2-D experiment's render job (measured 3 s at 200 000)

# Models, numpy (one thread): per example of a step or an evaluation, by the network's multiply-adds
# (``dense``) and activations (``units``); measured 0.65–3.1 µs an example-step, 0.4–2.3 µs an evaluation.
MODEL_FLOPS_PER_S = 2e10  # dense-layer FLOPs per second (single-thread BLAS)
MODEL_UNIT_S = 12e-9  # one activation of one example in a training step (forward, derivative, backward)
MODEL_EXAMPLE_S = 50e-9  # an example's fixed share of a training step (gathering the batch, the loss)
EVAL_UNIT_S = 5e-9  # one activation of one example in an evaluation (loss and accuracy)
EVAL_EXAMPLE_S = 50e-9
PREDICT_UNIT_S = 3e-9  # one activation of one example in a prediction (the decision-region frames)
MODEL_STEP_S = 5e-5  # a numpy step's fixed cost (calls, the update), per block of runs
TF_MODEL_STEP_S = 1e-4  # a compiled Keras step's fixed cost
TF_MODEL_FLOPS_PER_S = 5e9
ORDER_ELEMENT_S = 15e-9  # drawing one element of a stored epoch order (a permutation)
TRAIN_ORDER_COPIES = 3  # train_model's stored orders: drawn per epoch and stacked, stacked over seeds, written
SWEEP_ORDER_COPIES = 2  # a sweep's (and its spot checks'): drawn per epoch and stacked
RECORD_COPIES = 4  # recorded weights: the batched record, each run's, its plane coordinates, written
FRAME_RECORD_S = 2e-4  # a model run's frame data per record (plane coordinates, series, lookup)
MODEL_FRAME_S = 25e-3  # a model animation frame's panels beyond a 2-D frame (regions, curves, the plane)
MODEL_STILLS_S = 1.0  # the loss-plane figure and the posters


@dataclass(frozen=True)
class JobEstimate:
    """One job's estimated peak memory and wall time, and the config key that drives them.

    ``rule`` is the job's Snakemake rule and ``experiment`` its ``{experiment}`` wildcard (None
    for a job of the whole config), so a measured job can be matched to its estimate.
    """

    job: str
    key: str  # the key named when the job is too slow (and too big, unless memory_key says otherwise)
    memory_bytes: float
    seconds: float
    hint: str
    memory_key: str = ""
    rule: str = ""
    experiment: str | None = None


@dataclass(frozen=True)
class Cost:
    """A part of a job's work: the memory it keeps while it runs and the seconds it takes, and its key."""

    memory_bytes: float = 0.0
    seconds: float = 0.0
    key: str = ""


def sequential(parts: Iterable[Cost]) -> Cost:
    """Parts run one after another: the largest memory, the sum of the seconds, the key of the costliest."""
    parts = list(parts)
    if not parts:
        return Cost()
    return Cost(max(p.memory_bytes for p in parts), sum(p.seconds for p in parts),
                max(parts, key=lambda p: (p.memory_bytes, p.seconds)).key)


def grid_estimate(runs: int, steps: int, key: str = "", problem: str = "", points: int = 0) -> Cost:
    """A grid of ``runs`` 2-D runs of ``steps`` steps on ``problem`` (with ``points`` regression data points)
    in one batched loop: a sweep chunk, a tuning grid."""
    per_run = SWEEP_BYTES_PER_RUN.get(problem, SWEEP_BYTES_PER_RUN_DEFAULT)
    step = SWEEP_RUN_STEP_S.get(problem, SWEEP_RUN_STEP_S_DEFAULT)
    return Cost(runs * per_run + points * GRID_POINT_BYTES, runs * steps * (step + points * SWEEP_POINT_RUN_STEP_S), key)


def tuning_estimate(experiment: Experiment) -> Cost:
    """The ``tune`` job's work: one grid per tuned optimizer, one after another, each in ``sweep.chunks`` parts
    run one after another and gathered (``tuning.tuning_grid``: the sweep's lr_points × momentum_points,
    whether or not the sweep is enabled)."""
    sweep, name = experiment.sweep, experiment.name
    parts = []
    for spec in experiment.optimizers:
        if not spec.tuned:
            continue
        rates = sweep.lr_points if "lr" in spec.tuned else 1
        momenta = sweep.momentum_points if spec.momentum_key in spec.tuned else 1
        cells = rates * momenta
        chunk = grid_estimate(-(-cells // sweep.chunks), experiment.steps, "", experiment.problem, _points(experiment))
        whole = grid_estimate(cells, experiment.steps, "", experiment.problem, _points(experiment))
        gathered = cells * GATHER_BYTES_PER_RUN
        # the grid's key, or sweep.chunks where the running chunk (not the gathered grid) drives the memory
        key = f"experiments.{name}.sweep.{'lr_points' if rates >= momenta else 'momentum_points'}"
        if chunk.memory_bytes > 4 * gathered and cells > sweep.chunks:
            key = f"experiments.{name}.sweep.chunks"
        # In parts, the running chunk sits beside the results kept so far; in one piece its loop's arrays are
        # freed before the gather (measured: a million quadratic runs peaked at 407 MB, not 950 B a run).
        memory = chunk.memory_bytes + gathered if chunks_used(cells, sweep.chunks) > 1 else max(chunk.memory_bytes, gathered)
        parts.append(Cost(memory, whole.seconds, key))
    return sequential(parts)


def chunks_used(cells: int, chunks: int) -> int:
    """How many parts a grid of ``cells`` runs in with ``chunks`` configured (``tuning``: at most one per cell)."""
    return min(chunks, cells)


def _points(experiment: Experiment) -> int:
    return int(experiment.params.get("n_points", 50)) if experiment.problem == "linear_regression" else 0


def _gathered(experiment: Experiment) -> float:
    """Bytes of the experiment's gathered sweep, loaded by the jobs that read it."""
    sweep = experiment.sweep
    return sweep.lr_points * sweep.momentum_points * GATHERED_BYTES_PER_RUN if sweep.enabled else 0.0


def _experiment_jobs(experiment: Experiment, animation: Animation) -> Iterator[JobEstimate]:
    name, steps = experiment.name, experiment.steps
    points = _points(experiment)
    data = points * POINT_BYTES
    runs = len(experiment.optimizers)
    trajectories = runs * (steps + 1) * TRAJECTORY_BYTES_PER_STEP
    steps_key = f"experiments.{name}.steps"
    tuning = tuning_estimate(experiment)
    yield JobEstimate(f"make_dataset ({name})", f"experiments.{name}.params.n_points", NUMPY_JOB[0] + data,
                      NUMPY_JOB[1], "fewer data points", rule="make_dataset", experiment=name)
    if "numpy" in experiment.backends:
        seconds = runs * steps * (NUMPY_STEP_S + points * NUMPY_POINT_STEP_S)
        yield JobEstimate(f"optimize_numpy ({name})", steps_key, NUMPY_JOB[0] + data + trajectories,
                          NUMPY_JOB[1] + seconds, "fewer steps or optimizers", rule="optimize_numpy", experiment=name)
    if any(spec.tuned for spec in experiment.optimizers):  # the tune job: every tuned value, once
        yield JobEstimate(f"tune ({name})", tuning.key, NUMPY_JOB[0] + data + tuning.memory_bytes, NUMPY_JOB[1] + tuning.seconds,
                          "fewer sweep lr_points × momentum_points or steps, more sweep chunks, or configured values instead of tuned",
                          rule="tune", experiment=name)
    sweep = experiment.sweep
    if sweep.enabled:
        cells = sweep.lr_points * sweep.momentum_points
        per_job = -(-cells // sweep.chunks)
        chunk = grid_estimate(per_job, sweep.steps, "", experiment.problem, points)
        hint = "fewer lr_points × momentum_points or steps, or more chunks"
        yield JobEstimate(f"sweep_chunk ({name}, one of {sweep.chunks} chunks)", f"experiments.{name}.sweep",
                          NUMPY_JOB[0] + data + chunk.memory_bytes, NUMPY_JOB[1] + chunk.seconds, hint,
                          rule="sweep_chunk", experiment=name)
        yield JobEstimate(f"sweep_gather ({name})", f"experiments.{name}.sweep", NUMPY_JOB[0] + data + cells * GATHER_BYTES_PER_RUN,
                          NUMPY_JOB[1], "fewer lr_points × momentum_points", rule="sweep_gather", experiment=name)
    animations = (runs + 1) if experiment.animations else 0  # each optimizer on the reference backend, and the race
    frame_seconds = FRAME_S + animation.width * animation.height * FRAME_PIXEL_S
    canvas = animation.width * animation.height * RENDER_BYTES_PER_PIXEL
    parts = {steps_key: len(experiment.backends) * trajectories, f"experiments.{name}.sweep": _gathered(experiment)}
    kept = sum(parts.values())
    memory_key = max(parts, key=lambda key: parts[key])
    yield JobEstimate(f"render_{name}", "animation.frames", PLOT_JOB[0] + canvas + data + kept,
                      PLOT_JOB[1] + animations * animation.frames * frame_seconds + points * RENDER_POINT_S,
                      "fewer frames, a smaller size or fewer optimizers", memory_key=memory_key, rule=f"render_{name}")


def _summary_cells(experiment: Experiment) -> float:
    """Cells × regression data points of the experiment's sweep (what its summary rows cost)."""
    sweep = experiment.sweep
    return sweep.lr_points * sweep.momentum_points * _points(experiment) if sweep.enabled else 0.0


def _tensorflow_parts(config: Config) -> Iterator[Cost]:
    """What the one ``optimize_tensorflow`` job does: every TensorFlow run of the 2-D experiments (with
    their tuning) and every sweep's spot checks, 2-D and model, one after another."""
    for experiment in config.experiments:
        name, points = experiment.name, _points(experiment)
        if "tensorflow" in experiment.backends:
            runs, steps = len(experiment.optimizers), experiment.steps
            seconds = runs * (TF_RUN_S + steps * (TF_STEP_S + points * TF_POINT_STEP_S))
            key = f"experiments.{name}.params.n_points" if points * TF_POINT_STEP_S > TF_STEP_S else f"experiments.{name}.steps"
            memory = runs * (steps + 1) * (TF_BYTES_PER_STEP + TRAJECTORY_BYTES_PER_STEP) + points * POINT_BYTES
            yield Cost(memory, seconds, key)
        if experiment.sweep.enabled:
            steps = experiment.sweep.steps
            yield Cost(_gathered(experiment) + points * POINT_BYTES,
                       6 * (TF_RUN_S + steps * (TF_STEP_S + points * TF_POINT_STEP_S)), f"experiments.{name}.sweep.steps")
    for spec in config.model_experiments:
        if spec.sweep.enabled:
            yield _model_spot_checks(spec)


def estimate_jobs(config: Config) -> list[JobEstimate]:
    """Every job's estimate, experiment by experiment (model experiments last), then the jobs of the whole config."""
    jobs = [job for experiment in config.experiments for job in _experiment_jobs(experiment, config.animation)]
    jobs += [job for spec in config.model_experiments for job in _model_jobs(spec, config.animation)]
    parts = list(_tensorflow_parts(config))
    if parts:
        work = sequential(parts)
        jobs.append(JobEstimate("optimize_tensorflow (every TensorFlow run and spot check)", work.key,
                                TF_JOB[0] + work.memory_bytes, TF_JOB[1] + work.seconds,
                                "fewer steps, fewer data points, fewer sweep steps, or backends: [numpy]",
                                rule="optimize_tensorflow"))
    summary = sequential(Cost(_gathered(e), _summary_cells(e) * SUMMARY_CELL_POINT_S, f"experiments.{e.name}.sweep")
                         for e in config.experiments)
    # parsing the config builds the model data sets
    base = DATA_JOB if any(spec.dataset not in SKLEARN_FREE for spec in config.model_experiments) else NUMPY_JOB
    jobs.append(JobEstimate("summarize", summary.key or "experiments", base[0] + summary.memory_bytes,
                            base[1] + summary.seconds, "smaller sweeps", rule="summarize"))
    return jobs


# ---------------------------------------------------------------------------------------------- models


@dataclass(frozen=True)
class _ModelShape:
    """The sizes a model experiment's costs follow from."""

    n_train: int
    n_all: int
    features: int
    n_weights: int
    dense: int  # multiply-adds of one example's forward pass
    units: int  # activations of one example's forward pass
    batch: int

    @property
    def step_seconds(self) -> float:
        """One numpy training step of one run: forward and backward over its batch."""
        return self.batch * (6.0 * self.dense / MODEL_FLOPS_PER_S + self.units * MODEL_UNIT_S + MODEL_EXAMPLE_S)

    def evaluation_seconds(self, models: int, examples: int) -> float:
        """Loss and accuracy of ``models`` weight vectors on ``examples`` examples."""
        return models * examples * (2.0 * self.dense / MODEL_FLOPS_PER_S + self.units * EVAL_UNIT_S + EVAL_EXAMPLE_S)

    def prediction_seconds(self, models: int, examples: int) -> float:
        """The predicted classes of ``models`` weight vectors on ``examples`` inputs."""
        return models * examples * (2.0 * self.dense / MODEL_FLOPS_PER_S + self.units * PREDICT_UNIT_S)


def _shape(spec: ModelExperiment) -> _ModelShape:
    data = spec.data()
    arch = spec.architecture(data)
    n_train = len(data.y_train)
    sizes = arch.sizes
    return _ModelShape(n_train=n_train, n_all=n_train + len(data.y_test), features=data.n_features,
                       n_weights=arch.n_weights, dense=sum(a * b for a, b in zip(sizes[:-1], sizes[1:])),
                       units=sum(sizes[1:]), batch=spec.batch_size or n_train)


def _orders_elements(spec: ModelExperiment, shape: _ModelShape, steps: int) -> int:
    """Elements of one seed's stored epoch orders (``model_training.epoch_orders``) for ``steps`` steps."""
    if spec.batch_size is None:
        return shape.n_train
    epochs = max(1, -(-steps // (shape.n_train // spec.batch_size)))
    return epochs * shape.n_train


def _records(spec: ModelExperiment) -> int:
    return spec.steps // spec.record_every + 2


def sharpness_estimate(spec: ModelExperiment) -> Cost:
    """Sharpness (λmax of the training-loss Hessian, ``model.edge``) at every record of every numpy run,
    when the experiment asks for it (``sharpness: true``): up to ``edge.MAX_STEPS`` Lanczos steps of two
    full-data gradients each, every record at once (the bases allocated for all of them)."""
    if not spec.sharpness:
        return Cost()
    shape = _shape(spec)
    lanczos = len(spec.optimizers) * _records(spec) * min(shape.n_weights, edge.MAX_STEPS)
    product = 2 * shape.n_train * (6.0 * shape.dense / MODEL_FLOPS_PER_S + shape.units * MODEL_UNIT_S + MODEL_EXAMPLE_S)
    return Cost(8.0 * lanczos * shape.n_weights, lanczos * product, f"experiments.{spec.name}.record_every")


def model_job_estimate(spec: ModelExperiment) -> tuple[float, float, str]:
    """(peak bytes, seconds, the key that drives the time) of the experiment's ``train_model`` job
    (imports included)."""
    shape = _shape(spec)
    runs = len(spec.optimizers)
    numpy_runs = runs * (spec.seeds + 1)  # every paired seed, and seed 0 nudged by one ulp (the chaos check)
    records = _records(spec)
    seconds = NUMPY_JOB[1]
    if "numpy" in spec.backends:
        blocks = spec.seeds + 1
        seconds += spec.steps * (numpy_runs * shape.step_seconds + MODEL_STEP_S * blocks)
    if "tensorflow" in spec.backends:
        seconds += TF_JOB[1] + runs * (TF_RUN_S + spec.steps * (TF_MODEL_STEP_S + 6.0 * shape.batch * shape.dense / TF_MODEL_FLOPS_PER_S))
    evaluations = runs * (spec.seeds * ("numpy" in spec.backends) + ("tensorflow" in spec.backends)) * records
    seconds += shape.evaluation_seconds(evaluations, shape.n_all) + shape.evaluation_seconds(51 * 51, shape.n_train)
    orders = spec.seeds * _orders_elements(spec, shape, spec.steps)
    seconds += orders * ORDER_ELEMENT_S
    sharpness = sharpness_estimate(spec)
    seconds += sharpness.seconds
    recorded = (numpy_runs + runs * len(spec.backends)) * records * shape.n_weights * 8
    step_losses = 8 * spec.steps * (numpy_runs + runs) * 2
    batches = 8 * spec.seeds * spec.steps * shape.batch if spec.batch_size else 0
    memory = (NUMPY_JOB[0] + (TF_JOB[0] if "tensorflow" in spec.backends else 0) + 8 * shape.n_all * (shape.features + 1)
              + TRAIN_ORDER_COPIES * 8 * orders + batches + RECORD_COPIES * recorded + step_losses + sharpness.memory_bytes)
    step_share = spec.steps * numpy_runs * shape.step_seconds
    if orders * ORDER_ELEMENT_S > step_share:
        key = "steps"
    elif shape.batch * shape.dense * 6 < 1e6:
        key = "steps"
    else:
        key = "batch_size" if spec.batch_size else "params.hidden"
    return memory, seconds, f"experiments.{spec.name}.{key}"


def model_memory_key(spec: ModelExperiment) -> str:
    """The key that drives the ``train_model`` job's memory: the recorded weights (records × weights, so
    ``params.hidden`` with the default ~100 records, else ``record_every``) or what grows with the steps
    (the stored epoch orders and per-step losses: ``steps``)."""
    shape = _shape(spec)
    records = _records(spec)
    per_step = spec.seeds * _orders_elements(spec, shape, spec.steps) + spec.steps  # epoch orders and step losses
    if per_step > records * shape.n_weights:
        key = "steps"
    elif spec.model == "mlp" and records <= 102:
        key = "params.hidden"
    else:
        key = "record_every"
    return f"experiments.{spec.name}.{key}"


def model_render_estimate(spec: ModelExperiment, animation: Animation) -> tuple[float, float]:
    """(peak bytes, seconds) of the experiment's ``render_model_<e>`` job: the animations, and each run's
    predictions at every record over the decision-region grid (two input features) or the test set."""
    shape = _shape(spec)
    runs, records = len(spec.runs), _records(spec)
    animations = (len(spec.optimizers) + 1) if spec.animations else 0  # each optimizer on the reference backend, and the race
    frame_seconds = FRAME_S + animation.width * animation.height * FRAME_PIXEL_S
    points = REGION_RESOLUTION**2 if shape.features == 2 else shape.n_all
    per_record = points if shape.features == 2 else 8 * shape.n_all  # int8 classes, or per-class accuracy inputs
    loaded = (runs * records * (shape.n_weights * 8 * 2 + 8 * 8) + 2 * 8 * spec.seeds * _orders_elements(spec, shape, spec.steps)
              + 8 * spec.steps * runs + 8 * shape.n_all * (shape.features + 1))
    if spec.sweep.enabled:  # the heatmap reads the gathered sweep, every cell's final weights
        loaded += 2 * 8 * _model_cells(spec) * (shape.n_weights + 22 * 4)
    memory = PLOT_JOB[0] + animation.width * animation.height * RENDER_BYTES_PER_PIXEL + loaded + 2 * len(spec.optimizers) * records * per_record
    seconds = (PLOT_JOB[1] + MODEL_STILLS_S + animations * animation.frames * (frame_seconds + MODEL_FRAME_S)
               + len(spec.optimizers) * records * FRAME_RECORD_S
               + shape.prediction_seconds(len(spec.optimizers) * records, points))
    return memory, seconds


def model_render_seconds(spec: ModelExperiment) -> float:
    """The model evaluations of the experiment's render job (each run's predictions at every record)."""
    shape = _shape(spec)
    points = REGION_RESOLUTION**2 if shape.features == 2 else shape.n_all
    return shape.prediction_seconds(len(spec.optimizers) * _records(spec), points)


def _model_jobs(spec: ModelExperiment, animation: Animation) -> Iterator[JobEstimate]:
    name = spec.name
    shape = _shape(spec)
    base = NUMPY_JOB if spec.dataset in SKLEARN_FREE else DATA_JOB
    yield JobEstimate(f"make_dataset ({name})", f"experiments.{name}.dataset.n_points",
                      base[0] + 8 * 4 * shape.n_all * (shape.features + 1), base[1], "fewer data points",
                      rule="make_dataset", experiment=name)
    memory, seconds, key = model_job_estimate(spec)
    yield JobEstimate(f"train_model ({name})", key, memory, seconds,
                      "fewer steps, a larger record_every, smaller hidden layers, fewer optimizers or backends: [numpy]",
                      memory_key=model_memory_key(spec), rule="train_model", experiment=name)
    if spec.sweep.enabled:
        memory, seconds, key = model_sweep_estimate(spec)
        chunks = spec.sweep.chunks
        yield JobEstimate(f"sweep_model_chunk ({name}, one of {chunks} chunks)", key, memory, seconds,
                          "fewer sweep points or sweep steps, more sweep chunks, or sweep: {enabled: false}",
                          rule="sweep_model_chunk", experiment=name)
        cells = _model_cells(spec)
        gathered = cells * (shape.n_weights * 8 + 8 * 8 + 8 * 22 * 4)  # final weights and metrics, 4 curves of 22 records
        yield JobEstimate(f"sweep_model ({name}, the gather)", f"experiments.{name}.sweep.lr_points",
                          NUMPY_JOB[0] + 8 * shape.n_all * (shape.features + 1) + 3 * gathered, NUMPY_JOB[1],
                          "fewer sweep points", rule="sweep_model", experiment=name)
    memory, seconds = model_render_estimate(spec, animation)
    yield JobEstimate(f"render_model_{name}", "animation.frames", memory, seconds,
                      "fewer frames, a smaller size, fewer optimizers or a larger record_every",
                      memory_key=f"experiments.{name}.record_every", rule=f"render_model_{name}")


def _model_cells(spec: ModelExperiment) -> int:
    sweep = spec.sweep
    return sweep.lr_points * (1 if sweep.method == "sgd" else sweep.momentum_points)


def model_sweep_estimate(spec: ModelExperiment) -> tuple[float, float, str]:
    """(peak bytes, seconds, the key that drives the time) of one of the experiment's ``sweep_model_chunk``
    jobs (the largest): its cells trained in batched loops, each cell's train and test curves at 22 records."""
    shape = _shape(spec)
    sweep = spec.sweep
    cells = -(-_model_cells(spec) // sweep.chunks)
    records = 21 + 1
    per_call = max(1, (64 << 20) // (8 * records * shape.n_weights))
    calls = -(-cells // per_call)
    seconds = NUMPY_JOB[1] + sweep.steps * (cells * shape.step_seconds + MODEL_STEP_S * calls)
    seconds += shape.evaluation_seconds(cells * records, shape.n_all) + shape.evaluation_seconds(cells, shape.n_all)
    orders = _orders_elements(spec, shape, max(sweep.steps, spec.steps))
    batches = 8 * sweep.steps * shape.batch if spec.batch_size else 0
    seconds += orders * ORDER_ELEMENT_S
    memory = (NUMPY_JOB[0] + 8 * shape.n_all * (shape.features + 1) + min(cells, per_call) * records * shape.n_weights * 8 * 2
              + cells * (3 * shape.n_weights * 8 + 8 * records * 4 * 2) + SWEEP_ORDER_COPIES * 8 * orders + batches)
    key = "sweep.steps" if cells * shape.batch * shape.dense * 6 < 1e8 else "sweep.lr_points"
    return memory, seconds, f"experiments.{spec.name}.{key}"


def _model_spot_checks(spec: ModelExperiment) -> Cost:
    """The model sweep's part of ``optimize_tensorflow``: three cells in Keras and numpy (nudged), the sweep loaded."""
    shape = _shape(spec)
    steps = spec.sweep.steps
    seconds = 3 * (TF_RUN_S + steps * (TF_MODEL_STEP_S + 6.0 * shape.batch * shape.dense / TF_MODEL_FLOPS_PER_S))
    seconds += steps * 3 * shape.step_seconds
    orders = _orders_elements(spec, shape, max(steps, spec.steps))
    memory = _model_cells(spec) * shape.n_weights * 8 * 2 + SWEEP_ORDER_COPIES * 8 * orders + 3 * steps * TF_BYTES_PER_STEP
    return Cost(memory, seconds + orders * ORDER_ELEMENT_S, f"experiments.{spec.name}.sweep.steps")


def format_size(memory_bytes: float) -> str:
    """Bytes as MB, or GB from 1e9 up."""
    return f"{memory_bytes / 1e9:.1f} GB" if memory_bytes >= 1e9 else f"{memory_bytes / 1e6:.0f} MB"


def format_duration(seconds: float) -> str:
    """Seconds as s, min or h."""
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def budget_violation(config: Config) -> str | None:
    """The one-line refusal of the first job over budget, or None when every job fits."""
    limit_bytes = config.budget.max_job_memory_mb * 1e6
    limit_seconds = config.budget.max_job_minutes * 60.0
    for job in estimate_jobs(config):
        if job.memory_bytes > limit_bytes:
            return (f"config error at {job.memory_key or job.key}: {job.job} would need about {format_size(job.memory_bytes)} of memory "
                    f"(budget.max_job_memory_mb = {config.budget.max_job_memory_mb:g}); {job.hint}, or raise the budget")
        if job.seconds > limit_seconds:
            return (f"config error at {job.key}: {job.job} would take about {format_duration(job.seconds)} "
                    f"(budget.max_job_minutes = {config.budget.max_job_minutes:g}); {job.hint}, or raise the budget")
    return None
