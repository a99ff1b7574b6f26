"""The file layout: paths by experiment, named inputs and outputs and back."""

from __future__ import annotations

import dataclasses

import pytest

from momentumlab import layout
from momentumlab.config import parse_config
from momentumlab.runs import RunKey

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


def test_media_have_every_reference_run_in_every_format_and_a_poster():
    media = layout.experiment_media(tiny(), ("gif",))
    assert media.runs[RunKey("heavy", "numpy")] == {"gif": "reports/bowl/heavy-numpy.gif", "png": "reports/bowl/heavy-numpy.png"}
    assert list(media.runs) == [RunKey("sgd", "numpy"), RunKey("heavy", "numpy")]  # TensorFlow twins: race only
    tensorflow_only = layout.experiment_media(dataclasses.replace(tiny(), backends=("tensorflow",)), ("gif",))
    assert list(tensorflow_only.runs) == [RunKey("sgd", "tensorflow"), RunKey("heavy", "tensorflow")]
    assert media.compare == {"gif": "reports/bowl/compare.gif", "png": "reports/bowl/compare.png"}
    assert media.sweep == "reports/bowl/sweep.png"
    assert layout.experiment_media(tiny(enabled=False), ("mp4",)).sweep is None


def test_root_moves_every_path(tmp_path):
    files = layout.experiment_results(experiment(), tmp_path)
    assert files.dataset == str(tmp_path / "results/exp/dataset.npz")
    assert all(path.startswith(str(tmp_path)) for path in layout.named(files).values() if isinstance(path, str))
    assert layout.experiment_media(experiment(), ("gif",), tmp_path).runs[RunKey("sgd", "numpy")]["png"] == str(
        tmp_path / "reports/exp/sgd-numpy.png")


def config(slides: bool = True, single: bool = False):
    """A config with a swept 2-D experiment on both backends and a swept model experiment."""
    raw = {
        "experiments": {
            "bowl": {"problem": "quadratic", "backends": ["numpy", "tensorflow"],
                     "optimizers": {"sgd": {"method": "sgd", "lr": 0.05},
                                    "heavy": {"method": "momentum", "lr": 0.05, "momentum": 0.9}}},
            "moons": {"problem": "logistic_regression", "dataset": {"kind": "moons", "n_points": 40}, "steps": 5,
                      "backends": ["numpy", "tensorflow"], "sweep": {"enabled": True},
                      "optimizers": {"heavy": {"method": "momentum", "lr": 0.1, "momentum": 0.9}}},
        },
        "animation": {"formats": ["mp4"]},
        "slides": {"enabled": slides},
        "report_single_file": single,
    }
    return parse_config(raw)


@pytest.mark.parametrize("files", [
    layout.experiment_results(tiny(chunks=2)),
    layout.experiment_media(tiny(), ("gif", "mp4")),
    layout.model_results("moons"),
    layout.summary_inputs(config()),
    layout.report_inputs(config(), ["templates/index.html.j2"]),
    layout.report_outputs(config(single=True)),
    layout.slide_inputs(config()),
], ids=lambda files: type(files).__name__)
def test_named_files_come_back_as_they_were_declared(files):
    names = layout.named({"bowl": files})
    assert all(name.startswith("bowl/") for name in names)
    rebuilt = type(files).from_tree(layout.nested(names)["bowl"]) if hasattr(files, "from_tree") else type(files)(
        **layout.nested(names)["bowl"])
    assert rebuilt == files
    assert layout.named({"bowl": rebuilt}) == names


def test_a_runs_files_are_named_and_keyed_by_its_run():
    media = layout.experiment_media(tiny(), ("gif",))
    names = layout.named(media)
    assert names["runs/heavy-numpy/gif"] == "reports/bowl/heavy-numpy.gif"
    rebuilt = layout.ExperimentMedia.from_tree(layout.nested(names))
    assert list(rebuilt.runs) == [RunKey("sgd", "numpy"), RunKey("heavy", "numpy")]


def test_the_stage_inputs_follow_the_config():
    summary = layout.summary_inputs(config())
    assert list(summary.experiments) == ["bowl"] and summary.experiments["bowl"].theory == "results/bowl/theory.json"
    assert summary.models["moons"] == layout.ModelSummaryFiles(
        summary="results/moons/model_summary.json", timings="logs/timings/moons/models.json",
        sweep="results/moons/model_sweep.json", sweep_timing="logs/timings/moons/model_sweep.json")
    report = layout.report_inputs(config(slides=False), ["t/index.html.j2"])
    assert report.slides is None and report.models["moons"].sweep == "reports/moons/sweep.png"
    assert list(report.models["moons"].media.runs) == [RunKey("heavy", "numpy")]  # the reference backend's only
    assert layout.report_outputs(config()).explorers == {
        "bowl": "reports/bowl/explorer.js", "moons": "reports/moons/explorer.js"}  # model sweeps get one too
    assert layout.report_outputs(config()).single is None
    slides = layout.slide_inputs(config())
    assert slides.races == {"bowl": layout.Race(media="reports/bowl/compare.mp4", poster="reports/bowl/compare.png")}
    assert slides.model_races["moons"].media == "reports/moons/compare.mp4"
    assert slides.sweeps == {"bowl": "reports/bowl/sweep.png"}  # the deck shows a 2-D sweep's heatmap figure


def test_absent_files_get_no_name():
    names = layout.named(layout.experiment_results(tiny(enabled=False)))
    assert set(names) == {"dataset", "trajectories/numpy", "trajectories/tensorflow", "timings/numpy",
                          "timings/tensorflow", "theory"}


def test_a_run_is_named_by_its_file_name_and_shown_by_its_label():
    run = RunKey("heavy_ball", "tensorflow", "Heavy ball")
    assert run.file_name == "heavy_ball-tensorflow" and run.display == "Heavy ball · tensorflow"
    assert RunKey.from_file_name(run.file_name) == run  # the label is carried, never compared
    assert RunKey.of_row({"optimizer": "heavy_ball", "backend": "tensorflow"}) == run
    assert RunKey("heavy_ball", "numpy") != run
