"""One colour per optimizer, everywhere: each optimizer's RGB is the same in its race, its run
media, the report's scrubber data, the explorer data and the deck's pictures, from the outputs of
a tiny in-process pipeline run (tests/pipeline_stages.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from momentumlab.config import parse_config
from momentumlab.palette import METHOD_COLORS, SPARE_COLORS, optimizer_colors, rgb
from pipeline_stages import compute, present

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.j2"))
RAW = {
    "title": "Colour check",
    "seed": 3,
    "experiments": {
        "bowl": {"label": "Bowl", "problem": "quadratic", "params": {"kappa": 10, "angle": 30}, "start": [-4, 3],
                 "steps": 150, "backends": ["numpy"],
                 "optimizers": {"sgd": {"method": "sgd", "lr": 0.05},
                                "heavy": {"method": "momentum", "lr": 0.02, "momentum": 0.9}}},
        "forms": {"label": "Forms", "problem": "quadratic", "params": {"kappa": 10, "angle": 30}, "start": [-4, 3],
                  "steps": 150, "backends": ["numpy"], "sweep": {"enabled": False},
                  "optimizers": {
                      "pytorch": {"method": "momentum", "lr": 0.02, "momentum": 0.9, "momentum_form": "pytorch",
                                  "schedule": {"kind": "piecewise", "boundaries": [40], "values": [1.0, 0.3]}},
                      "keras": {"method": "momentum", "lr": 0.02, "momentum": 0.9,
                                "schedule": {"kind": "piecewise", "boundaries": [40], "values": [1.0, 0.3]}}}},
    },
    "animation": {"width": 320, "height": 180, "fps": 12, "frames": 8, "hold_seconds": 0.0, "formats": ["gif"]},
    "sweep": {"lr_points": 4, "momentum_points": 3, "steps": 100},
    "slides": {"enabled": True, "title": "Colour deck"},
}


def _count(image: Image.Image, color: str, tolerance: int = 6) -> int:
    """Pixels of ``image`` within ``tolerance`` of ``color`` in every channel."""
    pixels = np.asarray(image.convert("RGB")).astype(int)
    return int(np.sum(np.all(np.abs(pixels - np.array(rgb(color))) <= tolerance, axis=-1)))


def _last_gif_frame(path: Path) -> Image.Image:
    image = Image.open(path)
    image.seek(image.n_frames - 1)
    return image.convert("RGB")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("colours")
    config = parse_config(RAW)
    compute(config, root)
    present(config, root, TEMPLATES)
    return config, root


def test_the_palette_gives_methods_their_hue_and_a_second_momentum_a_spare(built) -> None:
    config, _ = built
    bowl, forms = (optimizer_colors(experiment.runs) for experiment in config.experiments)
    assert bowl == {"sgd": METHOD_COLORS["sgd"], "heavy": METHOD_COLORS["momentum"]}
    assert forms == {"keras": METHOD_COLORS["momentum"], "pytorch": SPARE_COLORS[0]}


def test_each_optimizer_wears_one_rgb_in_race_run_media_scrubber_explorer_and_deck(built) -> None:
    config, root = built
    page = (root / "reports" / "index.html").read_text(encoding="utf-8")
    scrubbers = {match.group(1): json.loads(match.group(2)) for match in re.finditer(
        r'data-experiment="([a-z_]+)".*?<script type="application/json" data-scrubber-data>(.*?)</script>', page, re.S)}
    from pptx import Presentation

    deck = Presentation(str(root / "reports" / "slides.pptx"))
    deck_images = [Image.open(__import__("io").BytesIO(part.blob)) for part in deck.part.package.iter_parts()
                   if part.content_type.startswith("image/")]
    for experiment in config.experiments:
        colors = optimizer_colors(experiment.runs)
        folder = root / "reports" / experiment.name
        race = Image.open(folder / "compare.png")
        race_gif = _last_gif_frame(folder / "compare.gif")
        shown = {run["optimizer"]: run["color"] for run in scrubbers[experiment.name]["runs"]}
        assert shown == colors, experiment.name  # the reference backend's runs, in the race's colours
        for name, color in colors.items():
            others = [other for key, other in colors.items() if key != name]
            assert _count(race, color) > 40 and _count(race_gif, color) > 40, (experiment.name, name)
            for still in (Image.open(folder / f"{name}-numpy.png"), _last_gif_frame(folder / f"{name}-numpy.gif")):
                assert _count(still, color) > 40, (experiment.name, name)
                assert all(_count(still, other) < 10 for other in others), (experiment.name, name)
            assert any(_count(image, color) > 40 for image in deck_images), (experiment.name, name)
    explorer = (root / "reports" / "bowl" / "explorer.js").read_text(encoding="utf-8")
    swept = re.search(r'"method":"([a-z]+)","color":"(#[0-9A-Fa-f]{6})"', explorer)
    assert swept and swept.group(2) == METHOD_COLORS[swept.group(1)]


def test_a_race_keeps_the_reference_backend_and_states_the_agreement() -> None:
    from momentumlab.render.media import agreement_badge, race_runs, twin_difference
    from momentumlab.runs import RunKey
    from momentumlab.trajectory import Trajectory

    path = np.array([[0.0, 1.0], [0.5, 0.5]])
    runs = {RunKey("sgd", "numpy"): Trajectory(path, np.ones(2), 1),
            RunKey("sgd", "tensorflow"): Trajectory(path + 4e-15, np.ones(2), 1)}
    assert list(race_runs(runs, "numpy", show_twins=False)) == [RunKey("sgd", "numpy")]
    assert list(race_runs(runs, "numpy", show_twins=True)) == list(runs)
    worst = twin_difference(runs)
    assert worst == pytest.approx(4e-15, rel=0.01)
    assert agreement_badge(worst, "θ") == "TensorFlow agrees to 4e-15 (max |Δθ|)"
    assert agreement_badge(0.03, "θ") == "TensorFlow differs by up to 0.03 (max |Δθ|)"
    assert agreement_badge(None, "θ") is None
