"""tools/compare_outputs.py on tiny project trees: what counts as a difference and what does not."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

_SPEC = importlib.util.spec_from_file_location("compare_outputs", Path(__file__).resolve().parents[1] / "tools" / "compare_outputs.py")
compare_outputs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(compare_outputs)


def _build(root: Path, *, loss: np.ndarray | None = None, seconds: float = 1.0, extra: bool = False) -> Path:
    """A project root with the kinds of files a build writes: .npz, .json, text, summary and a PNG."""
    (root / "results/quad/sweep").mkdir(parents=True)
    (root / "reports/quad").mkdir(parents=True)
    np.savez(root / "results/quad/numpy.npz", **{"momentum/loss": np.array([3.0, 1.0, np.nan]) if loss is None else loss,
                                                  "momentum/steps": np.int64(2)})
    (root / "results/quad/sweep/check.json").write_text(json.dumps({"rows": [{"lr": 0.1, "compute_seconds": seconds}]}))
    (root / "results/quad/notes.txt").write_text("same bytes\n")
    summary = {"runs": [{"name": "momentum", "final_loss": 1.0, "seconds": seconds}]}
    (root / "reports/summary.json").write_text(json.dumps(summary))
    Image.new("RGB", (4, 3), (10, 20, 30)).save(root / "reports/quad/poster.png")
    if extra:
        np.savez(root / "results/quad/extra.npz", x=np.zeros(2))
    return root


def test_identical_trees_have_no_difference_and_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = _build(tmp_path / "a"), _build(tmp_path / "b")
    assert compare_outputs.results_differences(before, after) == []
    assert compare_outputs.main([str(before), str(after)]) == 0
    assert capsys.readouterr().out.strip().endswith(", 0 differences")


def test_timing_fields_are_ignored_in_results_and_summary(tmp_path: Path) -> None:
    before, after = _build(tmp_path / "a", seconds=1.0), _build(tmp_path / "b", seconds=7.5)
    assert compare_outputs.results_differences(before, after) == []
    assert compare_outputs.summary_differences(before, after) == []
    assert compare_outputs.main([str(before), str(after)]) == 0


def test_one_changed_array_element_is_a_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _build(tmp_path / "a")
    after = _build(tmp_path / "b", loss=np.array([3.0, np.nextafter(1.0, 2.0), np.nan]))
    assert compare_outputs.results_differences(before, after) == ["results/quad/numpy.npz[momentum/loss]: 1 elements differ"]
    assert compare_outputs.main([str(before), str(after)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "results/quad/numpy.npz[momentum/loss]: 1 elements differ"
    assert lines[-1].endswith(", 1 differences")


def test_a_changed_dtype_is_a_difference_even_with_equal_values(tmp_path: Path) -> None:
    before = _build(tmp_path / "a")
    after = _build(tmp_path / "b", loss=np.array([3.0, 1.0, np.nan], dtype=np.float32))
    assert compare_outputs.results_differences(before, after) == ["results/quad/numpy.npz[momentum/loss]: dtype float64 → float32"]


def test_a_file_on_one_side_only_is_a_difference(tmp_path: Path) -> None:
    before, after = _build(tmp_path / "a"), _build(tmp_path / "b", extra=True)
    assert compare_outputs.results_differences(before, after) == ["results/quad/extra.npz: only in after"]
    (before / "reports/summary.json").unlink()
    assert compare_outputs.summary_differences(before, after) == ["reports/summary.json: only in after"]
    (before / "results/quad/notes.txt").unlink()
    assert compare_outputs.results_differences(before, after) == [
        "results/quad/extra.npz: only in after", "results/quad/notes.txt: only in after"]
    assert compare_outputs.main([str(before), str(after)]) == 1


def test_non_timing_json_and_other_bytes_are_compared(tmp_path: Path) -> None:
    before, after = _build(tmp_path / "a"), _build(tmp_path / "b")
    (after / "results/quad/sweep/check.json").write_text(json.dumps({"rows": [{"lr": 0.2, "compute_seconds": 1.0}]}))
    (after / "results/quad/notes.txt").write_text("other bytes\n")
    assert compare_outputs.results_differences(before, after) == [
        "results/quad/notes.txt: bytes differ", "results/quad/sweep/check.json.rows[0].lr: 0.1 → 0.2"]


def test_a_changed_pixel_is_a_difference_unless_allowed(tmp_path: Path) -> None:
    before, after = _build(tmp_path / "a"), _build(tmp_path / "b")
    image = Image.new("RGB", (4, 3), (10, 20, 30))
    image.putpixel((1, 1), (10, 20, 31))
    image.save(after / "reports/quad/poster.png")
    assert compare_outputs.picture_differences(before, after, []) == ([], ["reports/quad/poster.png: 1 pixels differ"], 1)
    assert compare_outputs.main([str(before), str(after)]) == 1
    assert compare_outputs.main([str(before), str(after), "--allow", "reports/*/poster.png"]) == 0


def test_json_nan_equals_nan_but_not_a_number() -> None:
    assert compare_outputs.json_differences({"x": float("nan")}, {"x": float("nan")}) == []
    assert compare_outputs.json_differences({"x": float("nan")}, {"x": 1.0}) == [".x: nan → 1.0"]
    assert compare_outputs.json_differences({"x": 1}, {"x": True}) == [".x: 1 → True"]
