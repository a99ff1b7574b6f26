"""The file layout: paths by experiment, named inputs and outputs and back."""

from __future__ import annotations

import pytest

from momentumlab import layout
from momentumlab.config import parse_config

from problem_builders import experiment


def tiny(**sweep: object):
    raw = {
        "experiments": {
            "bowl": {
                "problem": "quadratic",
                "backends": ["numpy", "tensorflow"],
                "sweep": sweep,
                "optimizers": {"sgd": {"method": "sgd", "lr": 0.05},
                               "heavy": {"method": "momentum", "lr": 0.05, "momentum": 0.9}},
            }
        }
    }
    return parse_config(raw).experiments[0]


def test_a_wildcard_name_gives_the_rules_pattern():
    assert layout.trajectories("{experiment}", "numpy") == "results/{experiment}/numpy.npz"
    assert layout.sweep_chunk("{experiment}", "{index}", "{chunks}") == "results/{experiment}/sweep/chunk-{index}-of-{chunks}.npz"


def test_an_experiments_results_follow_its_config():
    files = layout.experiment_results(tiny(chunks=3))
    assert files.trajectories == {"numpy": "results/bowl/numpy.npz", "tensorflow": "results/bowl/tensorflow.npz"}
    assert files.sweep == "results/bowl/sweep.npz" and files.theory == "results/bowl/theory.json"
    assert files.sweep_timings == tuple(f"logs/timings/bowl/sweep/chunk-{i}-of-3.json" for i in range(3))
    unswept = layout.experiment_results(tiny(enabled=False))
    assert unswept.sweep is unswept.spot_check is None and unswept.sweep_timings == ()
    assert layout.sweep_chunks(tiny(chunks=2)) == ["results/bowl/sweep/chunk-0-of-2.npz", "results/bowl/sweep/chunk-1-of-2.npz"]


def test_media_have_every_run_in_every_format_and_a_poster():
    media = layout.experiment_media(tiny(), ("gif",))
    assert media.runs["heavy"]["tensorflow"] == {"gif": "reports/bowl/heavy-tensorflow.gif", "png": "reports/bowl/heavy-tensorflow.png"}
    assert media.compare == {"gif": "reports/bowl/compare.gif", "png": "reports/bowl/compare.png"}
    assert media.sweep == "reports/bowl/sweep.png"
    assert layout.experiment_media(tiny(enabled=False), ("mp4",)).sweep is None


def test_root_moves_every_path(tmp_path):
    files = layout.experiment_results(experiment(), tmp_path)
    assert files.dataset == str(tmp_path / "results/exp/dataset.npz")
    assert all(path.startswith(str(tmp_path)) for path in layout.named(files).values() if isinstance(path, str))
    assert layout.experiment_media(experiment(), ("gif",), tmp_path).runs["sgd"]["numpy"]["png"] == str(
        tmp_path / "reports/exp/sgd-numpy.png")


@pytest.mark.parametrize("files", [
    layout.experiment_results(tiny(chunks=2)),
    layout.experiment_media(tiny(), ("gif", "mp4")),
    layout.model_results("moons"),
])
def test_named_files_come_back_as_they_were_declared(files):
    names = layout.named({"bowl": files})
    assert all(name.startswith("bowl/") for name in names)
    rebuilt = type(files)(**layout.nested(names)["bowl"])
    assert layout.named({"bowl": rebuilt}) == names


def test_absent_files_get_no_name():
    names = layout.named(layout.experiment_results(tiny(enabled=False)))
    assert set(names) == {"dataset", "trajectories/numpy", "trajectories/tensorflow", "timings/numpy",
                          "timings/tensorflow", "theory"}
