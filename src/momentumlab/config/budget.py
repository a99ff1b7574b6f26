"""What a configuration will cost, estimated before any job runs, and the refusal of the unaffordable.

Each job's memory and wall time are estimated from the config alone with per-unit
costs measured on the project's 2-core machine (README "Limits"). A config whose
estimate for any one job exceeds ``budget.max_job_memory_mb`` or
``budget.max_job_minutes`` is refused in one line that names the key driving the
estimate. The constants are deliberately on the generous side of what was measured:
the point is to stop a run that would take hours or exhaust memory, not to predict
seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from momentumlab.config.specs import Animation, Config, Experiment, ModelExperiment
from momentumlab.model import edge
from momentumlab.model.frames import REGION_RESOLUTION

# Measured per-unit costs (seconds and bytes), rounded up.
NUMPY_STEP_S = 12e-6  # one step of one single run, recorded
NUMPY_POINT_STEP_S = 3e-9  # recorded loss of a regression step, per data point
TF_STEP_S = 25e-6  # one compiled Keras step
TF_POINT_STEP_S = 8e-9  # per data point per TensorFlow step (loss and gradient over the data)
TF_START_S = 10.0  # importing TensorFlow and tracing the loop (one loop per run for models)
TF_BASE_BYTES = 1.0e9  # TensorFlow's resident size before any run
TF_BYTES_PER_STEP = 300  # the loop's TensorArray keeps one small tensor per step
SWEEP_RUN_STEP_S = 90e-9  # one step of one grid run in the batched loop (a million-run grid: memory-bound)
SWEEP_BYTES_PER_RUN = 4000  # the batched loop's arrays per grid run (measured 3.7 kB at a million runs)
TRAJECTORY_BYTES_PER_STEP = 3 * 8 * 3  # params (2) + loss (1) float64, ~3 copies alive at once
FRAME_S = 4e-3  # drawing and encoding one animation frame, plus ...
FRAME_PIXEL_S = 15e-9  # ... per pixel of the frame (measured 8.5 ms at 960 × 540, 94 ms at 3840 × 2160)
RENDER_BYTES_PER_PIXEL = 130  # canvas, background copies and encoder buffers (1.07 GB at 3840 × 2160)
PYTHON_BASE_BYTES = 300e6  # a job's interpreter with numpy and matplotlib


@dataclass(frozen=True)
class JobEstimate:
    """One job's estimated peak memory and wall time, and the config key that drives them."""

    job: str
    key: str  # the key named when the job is too slow (and too big, unless memory_key says otherwise)
    memory_bytes: float
    seconds: float
    hint: str
    memory_key: str = ""


def _experiment_jobs(experiment: Experiment, animation: Animation) -> Iterator[JobEstimate]:
    name, steps = experiment.name, experiment.steps
    points = int(experiment.params.get("n_points", 50)) if experiment.problem == "linear_regression" else 0
    runs = len(experiment.optimizers)
    trajectories = runs * (steps + 1) * TRAJECTORY_BYTES_PER_STEP
    steps_key = f"experiments.{name}.steps"
    if "numpy" in experiment.backends:
        seconds = runs * steps * (NUMPY_STEP_S + points * NUMPY_POINT_STEP_S)
        yield JobEstimate(f"optimize_numpy ({name})", steps_key, PYTHON_BASE_BYTES + trajectories, seconds,
                          "fewer steps or optimizers")
    if "tensorflow" in experiment.backends:
        seconds = TF_START_S + runs * steps * (TF_STEP_S + points * TF_POINT_STEP_S)
        key = f"experiments.{name}.params.n_points" if points * TF_POINT_STEP_S > TF_STEP_S else steps_key
        memory = TF_BASE_BYTES + runs * (steps + 1) * TF_BYTES_PER_STEP + trajectories
        yield JobEstimate(f"optimize_tensorflow ({name})", key, memory, seconds,
                          "fewer steps, fewer data points, or backends: [numpy]")
    animations = runs + 1  # each optimizer on the reference backend, and the race
    frame_seconds = FRAME_S + animation.width * animation.height * FRAME_PIXEL_S
    canvas = animation.width * animation.height * RENDER_BYTES_PER_PIXEL
    yield JobEstimate(f"render_{name}", "animation.frames", PYTHON_BASE_BYTES + canvas + len(experiment.backends) * trajectories,
                      animations * animation.frames * frame_seconds, "fewer frames, a smaller size or fewer optimizers",
                      memory_key=steps_key)
    sweep = experiment.sweep
    if sweep.enabled:
        cells = sweep.lr_points * sweep.momentum_points
        per_job = -(-cells // sweep.chunks)
        yield JobEstimate(f"sweep ({name}, one of {sweep.chunks} chunks)", f"experiments.{name}.sweep",
                          PYTHON_BASE_BYTES + per_job * SWEEP_BYTES_PER_RUN,
                          per_job * sweep.steps * SWEEP_RUN_STEP_S,
                          "fewer lr_points × momentum_points or steps, or more chunks")
        spot_seconds = TF_START_S + 6 * sweep.steps * (TF_STEP_S + points * TF_POINT_STEP_S)
        yield JobEstimate(f"sweep_spot_check ({name})", f"experiments.{name}.sweep.steps", TF_BASE_BYTES,
                          spot_seconds, "fewer sweep steps")


def estimate_jobs(config: Config) -> list[JobEstimate]:
    """Every job's estimate, experiment by experiment (model experiments last)."""
    jobs = [job for experiment in config.experiments for job in _experiment_jobs(experiment, config.animation)]
    return jobs + [job for spec in config.model_experiments for job in _model_jobs(spec, config.animation)]


def _model_jobs(spec: ModelExperiment, animation: Animation) -> Iterator[JobEstimate]:
    memory, seconds, key = model_job_estimate(spec)
    yield JobEstimate(f"train_model ({spec.name})", key, memory, seconds,
                      "fewer steps, a larger record_every, smaller hidden layers, fewer optimizers or backends: [numpy]",
                      memory_key=f"experiments.{spec.name}.steps")
    animations = len(spec.optimizers) + 1  # each optimizer on the reference backend, and the race
    frame_seconds = FRAME_S + animation.width * animation.height * FRAME_PIXEL_S
    yield JobEstimate(f"render_model_{spec.name}", "animation.frames",
                      PYTHON_BASE_BYTES + animation.width * animation.height * RENDER_BYTES_PER_PIXEL,
                      animations * animation.frames * frame_seconds + model_render_seconds(spec),
                      "fewer frames, a smaller size, fewer optimizers or a larger record_every")
    if spec.sweep.enabled:
        memory, seconds, key = model_sweep_estimate(spec)
        yield JobEstimate(f"sweep_model ({spec.name})", key, memory, seconds,
                          "fewer sweep points or sweep steps, or sweep: {enabled: false}")


# Model jobs' per-unit costs, generous next to what benchmarks/landscape.py and the model tests measured.
MODEL_FLOPS_PER_S = 2e9  # dense-layer FLOPs per second of the batched numpy step (measured 5-10e9)
MODEL_STEP_S = 2e-4  # a numpy step's fixed cost (calls, the update), per block of runs
TF_MODEL_STEP_S = 1e-3  # a compiled Keras step's fixed cost
TF_MODEL_FLOPS_PER_S = 1e9
BASE_BYTES = 1.3e9  # a job's interpreter with numpy, scikit-learn and TensorFlow


def model_job_estimate(spec: ModelExperiment) -> tuple[float, float, str]:
    """(peak bytes, seconds, the key that drives the time) of the experiment's ``train_model`` job."""
    data = spec.data()
    arch = spec.architecture(data)
    n_train, n_all = len(data.y_train), len(data.y_train) + len(data.y_test)
    batch = spec.batch_size or n_train
    dense = sum(n_in * n_out for n_in, n_out in zip(arch.sizes[:-1], arch.sizes[1:]))
    step_flops = 6.0 * batch * dense
    runs = len(spec.optimizers)
    numpy_runs = runs * (spec.seeds + 1)  # every paired seed, and seed 0 nudged by one ulp (the chaos check)
    records = spec.steps // spec.record_every + 2
    seconds = 0.0
    if "numpy" in spec.backends:
        seconds += spec.steps * (numpy_runs * step_flops / MODEL_FLOPS_PER_S + MODEL_STEP_S * (spec.seeds + 1))
    if "tensorflow" in spec.backends:
        seconds += TF_START_S + runs * spec.steps * (TF_MODEL_STEP_S + step_flops / TF_MODEL_FLOPS_PER_S)
    evaluations = runs * (len(spec.backends) + spec.seeds) * records + 51 * 51
    seconds += evaluations * 2.0 * n_all * dense / MODEL_FLOPS_PER_S
    stored = (3 * runs * len(spec.backends) + numpy_runs - runs) * records * arch.n_weights * 8  # 3 copies; the extra seeds once
    memory = BASE_BYTES + stored + 8 * spec.steps * runs * 3 + 16 * (4 << 20)
    if spec.sharpness:  # per record of every numpy run: up to edge.MAX_STEPS Lanczos steps of two full-batch gradients
        lanczos = runs * records * min(arch.n_weights, edge.MAX_STEPS)
        seconds += lanczos * 2.0 * 6.0 * n_train * dense / MODEL_FLOPS_PER_S
        memory += 8 * lanczos * arch.n_weights  # the Lanczos bases, every record at once
    key = "steps" if step_flops < 1e6 else ("batch_size" if spec.batch_size else "params.hidden")
    return memory, seconds, f"experiments.{spec.name}.{key}"


def model_sweep_estimate(spec: ModelExperiment) -> tuple[float, float, str]:
    """(peak bytes, seconds, the key that drives the time) of the experiment's ``sweep_model`` job
    (the batched sweep and its three TensorFlow spot checks)."""
    data = spec.data()
    arch = spec.architecture(data)
    sweep = spec.sweep
    cells = sweep.lr_points * (1 if sweep.method == "sgd" else sweep.momentum_points)
    batch = spec.batch_size or len(data.y_train)
    dense = sum(n_in * n_out for n_in, n_out in zip(arch.sizes[:-1], arch.sizes[1:]))
    step_flops = 6.0 * batch * dense
    seconds = sweep.steps * (cells * step_flops / MODEL_FLOPS_PER_S + MODEL_STEP_S)
    seconds += TF_START_S + 3 * sweep.steps * (TF_MODEL_STEP_S + step_flops / TF_MODEL_FLOPS_PER_S)
    memory = BASE_BYTES + min(cells * 21 * arch.n_weights * 8, 64 << 20) + 3 * cells * arch.n_weights * 8
    key = "sweep.steps" if cells * step_flops < 1e8 else "sweep.lr_points"
    return memory, seconds, f"experiments.{spec.name}.{key}"


def model_render_seconds(spec: ModelExperiment) -> float:
    """The model evaluations of the experiment's render job: each run's predictions at every record
    over the decision-region grid (two input features) or the test set (per-class accuracy)."""
    data = spec.data()
    arch = spec.architecture(data)
    dense = sum(n_in * n_out for n_in, n_out in zip(arch.sizes[:-1], arch.sizes[1:]))
    points = REGION_RESOLUTION**2 if data.n_features == 2 else len(data.y_test)
    records = spec.steps // spec.record_every + 2
    return len(spec.optimizers) * records * points * 2.0 * dense / MODEL_FLOPS_PER_S


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
