"""Sweeps: grid, deterministic chunks, gathering, best pair, summary rows, heatmap, workflow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from momentumlab.backends import numpy_backend
from momentumlab.backends import run as run_backend
from momentumlab.problems import Quadratic, Saddle
from momentumlab.sweep_summary import sweep_row
from momentumlab.render.heatmap import render_sweep_heatmap
from momentumlab.sweep import (
    SweepResult,
    chunk_slice,
    gather_chunks,
    load_result,
    marked_optimizers,
    path_steps,
    path_stride,
    run_chunk,
    save_result,
    spot_check,
    sweep_grid,
)

from problem_builders import experiment

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quadratic_result() -> SweepResult:
    spec = experiment()
    grid = sweep_grid(spec)
    return gather_chunks(Quadratic(kappa=10), grid, [run_chunk(Quadratic(kappa=10), grid, 0, 1)])


def test_grid_is_log_spaced_in_lr_and_linear_in_momentum() -> None:
    grid = sweep_grid(experiment(momentum_max=0.95))
    assert grid.shape == (5, 7)
    assert np.allclose(np.diff(np.log(grid.lr)), np.log(grid.lr[1] / grid.lr[0]))
    assert grid.lr[0] == pytest.approx(0.05 / 100) and grid.lr[-1] == pytest.approx(0.05 * 30)
    assert grid.momentum[0] == 0.0 and grid.momentum[-1] == pytest.approx(0.95)
    lr, momentum = grid.flat()
    assert lr[8] == grid.lr[1] and momentum[8] == grid.momentum[1]  # row-major over [momentum][lr]


@pytest.mark.parametrize("size,chunks", [(35, 1), (35, 4), (35, 35), (3, 5), (1000 * 1000, 100)])
def test_chunks_cover_the_flattened_grid_exactly_once(size: int, chunks: int) -> None:
    covered = np.zeros(size, dtype=int) if size < 10_000 else None
    lengths = []
    for index in range(chunks):
        part = chunk_slice(size, index, chunks)
        lengths.append(part.stop - part.start)
        if covered is not None:
            covered[part] += 1
    assert sum(lengths) == size and max(lengths) - min(lengths) <= 1
    if covered is not None:
        assert (covered == 1).all()
    with pytest.raises(ValueError):
        chunk_slice(size, chunks, chunks)


def test_each_chunk_is_one_batched_call(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = numpy_backend.run_batch

    def counting(*args, **kwargs):
        calls.append(len(args[2]))
        return original(*args, **kwargs)

    monkeypatch.setattr(numpy_backend, "run_batch", counting)
    grid = sweep_grid(experiment())
    for index in range(3):
        run_chunk(Quadratic(kappa=10), grid, index, 3)
    assert calls == [11, 12, 12]


def test_gathering_is_independent_of_chunking_and_order(quadratic_result: SweepResult) -> None:
    problem, grid = Quadratic(kappa=10), sweep_grid(experiment())
    chunks = [run_chunk(problem, grid, index, 4) for index in range(4)]
    gathered = gather_chunks(problem, grid, chunks[::-1])
    for name in ("final_params", "final_loss", "final_distance", "diverged_at", "settled_at"):
        assert np.array_equal(getattr(gathered, name), getattr(quadratic_result, name), equal_nan=True), name
    with pytest.raises(ValueError, match="cover"):
        gather_chunks(problem, grid, chunks[:3])
    with pytest.raises(ValueError, match="overlap"):
        gather_chunks(problem, grid, chunks + chunks[:1])


def test_grid_cells_match_single_numpy_runs(quadratic_result: SweepResult) -> None:
    problem = Quadratic(kappa=10)
    assert quadratic_result.diverged.any() and (~quadratic_result.diverged).any()
    for q, p in [(0, 0), (2, 3), (4, 6), (1, 5)]:
        single = run_backend("numpy", problem, "momentum", quadratic_result.lr[p], quadratic_result.momentum[q],
                             (-4.0, 3.0), quadratic_result.steps)
        assert (single.diverged_at or -1) == quadratic_result.diverged_at[q, p]
        assert np.allclose(single.final_params, quadratic_result.final_params[q, p], rtol=1e-12, atol=1e-300)
        reached = single.settled_at(problem, quadratic_result.tolerance)
        assert (reached if reached is not None else -1) == quadratic_result.settled_at[q, p]


def test_best_is_fastest_to_tolerance_and_never_diverged(quadratic_result: SweepResult) -> None:
    q, p = quadratic_result.best()
    assert not quadratic_result.diverged[q, p]
    reached = quadratic_result.settled_at[~quadratic_result.diverged]
    assert quadratic_result.settled_at[q, p] == reached[reached >= 0].min()


def test_best_without_an_optimum_is_lowest_final_loss() -> None:
    spec = experiment("saddle")
    result = gather_chunks(Saddle(), sweep_grid(spec), [run_chunk(Saddle(), sweep_grid(spec), 0, 1)])
    assert not result.has_optimum and np.isnan(result.final_distance).all()
    q, p = result.best()
    inside = result.final_loss[~result.diverged]
    assert result.final_loss[q, p] == inside.min()


def test_sweep_row_uses_null_for_diverged_and_never(quadratic_result: SweepResult) -> None:
    spec = experiment()
    row = sweep_row(spec.name, quadratic_result, marked_optimizers(spec), [], 0.5)
    json.dumps(row, allow_nan=False)
    assert len(row["final_distance"]) == 5 and len(row["final_distance"][0]) == 7  # [momentum][lr]
    for q in range(5):
        for p in range(7):
            diverged = bool(quadratic_result.diverged[q, p])
            assert (row["final_distance"][q][p] is None) == diverged
            never = diverged or quadratic_result.settled_at[q, p] < 0
            assert (row["settled_at"][q][p] is None) == never
    q, p = quadratic_result.best()
    assert row["best"]["lr"] == quadratic_result.lr[p] and row["best"]["momentum"] == quadratic_result.momentum[q]
    assert [c["optimizer"] for c in row["configured"]] == ["sgd", "momentum"]


def test_marked_optimizers_follow_the_sweep_method() -> None:
    assert [s.name for s in marked_optimizers(experiment(method="nesterov"))] == ["sgd", "nesterov"]


def test_result_files_are_byte_reproducible(tmp_path: Path, quadratic_result: SweepResult) -> None:
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    save_result(first, quadratic_result)
    save_result(second, load_result(first))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("problem", ["quadratic", "saddle"])
def test_heatmap_png_is_16_to_7(tmp_path: Path, problem: str) -> None:
    spec = experiment(problem)
    instance = Quadratic(kappa=10) if problem == "quadratic" else Saddle()
    grid = sweep_grid(spec)
    result = gather_chunks(instance, grid, [run_chunk(instance, grid, 0, 1)])
    path = tmp_path / "sweep.png"
    render_sweep_heatmap(result, path, "test", [("momentum", 0.05, 0.9)], [("Polyak optimum", 0.1, 0.3)])
    with Image.open(path) as image:
        assert image.size == (1280, 560)
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # actually drawn, not blank


def test_tensorflow_spot_check_agrees_and_includes_a_diverged_point(quadratic_result: SweepResult) -> None:
    rows = spot_check(Quadratic(kappa=10), quadratic_result, (-4.0, 3.0))
    assert len(rows) == 3
    assert any(row["numpy_diverged_at"] is not None for row in rows)
    for row in rows:
        assert row["numpy_diverged_at"] == row["tensorflow_diverged_at"]
        assert row["max_rel_diff"] <= 1e-10


def test_workflow_scatters_chunks_and_gathers(tmp_path: Path, tiny_workflow: Path) -> None:
    """Three chunk jobs, gathered into the very file one chunk gives; the chunks are temporary."""
    config = yaml.safe_load((REPO / "tests" / "tiny.yaml").read_text())
    config["sweep"]["chunks"] = 3
    (tmp_path / "chunked.yaml").write_text(yaml.safe_dump(config))
    snakemake = Path(sys.executable).with_name("snakemake")
    command = [str(snakemake), "-s", str(REPO / "Snakefile"), "--cores", "2", "results/line/sweep.npz",
               "--configfile", "chunked.yaml"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list((tmp_path / "logs/sweep_chunk/line").glob("chunk-*-of-3.log"))) == 3
    assert not list((tmp_path / "results/line").rglob("chunk-*"))
    gathered = tmp_path / "results/line/sweep.npz"
    assert load_result(gathered).final_loss.shape == (5, 6)
    assert gathered.read_bytes() == (tiny_workflow / "results/line/sweep.npz").read_bytes()
    timings = sorted((tmp_path / "logs/timings/line/sweep").glob("*.json"))
    assert len(timings) == 3 and not list((tmp_path / "results").rglob("*.json"))


def test_tiny_workflow_reports_a_sweep_per_experiment(tiny_workflow: Path) -> None:
    summary = json.loads((tiny_workflow / "reports/summary.json").read_text())
    rows = {row["experiment"]: row for row in summary["sweeps"]}
    assert sorted(rows) == ["line", "valley"]
    for name, row in rows.items():
        assert len(row["momentum"]) == 5 and len(row["lr"]) == 6
        assert len(row["settled_at"]) == 5 and row["tf_spot_check"]
        with Image.open(tiny_workflow / f"reports/{name}/sweep.png") as image:
            assert image.size == (1280, 560)


def test_kept_paths_end_at_the_final_parameters(quadratic_result: SweepResult) -> None:
    result = quadratic_result
    assert result.paths is not None and result.paths.dtype == np.float32
    assert result.path_steps[0] == 0 and result.path_steps[-1] == result.steps
    assert result.paths.shape == (result.diverged.size, len(result.path_steps), 2)
    final = result.final_params.reshape(-1, 2)[result.path_index]
    np.testing.assert_allclose(result.paths[:, -1], final, rtol=1e-6, atol=0)
    assert result.diverged.any()
    for row, flat in enumerate(result.path_index):
        q, p = np.unravel_index(flat, result.diverged.shape)
        if result.diverged[q, p]:  # the path stops at the last valid point, and stays finite
            late = result.path_steps >= result.diverged_at[q, p]
            assert np.isfinite(result.paths[row]).all()
            np.testing.assert_allclose(result.paths[row, late], np.broadcast_to(final[row], (late.sum(), 2)), rtol=1e-6)


def test_recording_paths_keeps_results_bit_identical() -> None:
    spec = experiment()
    grid = sweep_grid(spec)
    lr, momentum = grid.flat()
    args = (Quadratic(kappa=10), grid.method, lr, momentum, grid.start, grid.steps, grid.tolerance)
    plain = numpy_backend.run_batch(*args)
    recorded = numpy_backend.run_batch(*args, record_steps=path_steps(grid.steps))
    for name in ("final_params", "final_loss", "diverged_at", "settled_at"):
        assert np.array_equal(getattr(plain, name), getattr(recorded, name), equal_nan=True)


def test_above_the_cap_every_kth_path_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    assert path_stride(480) == 1 and path_stride(2001, 1000) == 3
    spec = experiment()
    grid = sweep_grid(spec)
    monkeypatch.setattr("momentumlab.sweep.MAX_PATHS", 7)
    chunks = [run_chunk(Quadratic(kappa=10), grid, index, 3) for index in range(3)]
    result = gather_chunks(Quadratic(kappa=10), grid, chunks)
    stride = -(-grid.size // 7)
    assert np.array_equal(result.path_index, np.arange(0, grid.size, stride))
    assert result.final_loss.size == grid.size
    final = result.final_params.reshape(-1, 2)[result.path_index]
    assert result.diverged.ravel()[result.path_index].any()  # a kept row diverged: frozen at its last valid point
    np.testing.assert_allclose(result.paths[:, -1], final, rtol=1e-6, atol=0)
