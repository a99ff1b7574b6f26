"""palette: one colour per optimizer, the TensorFlow twin in a darker shade of it."""

from __future__ import annotations

from momentumlab.palette import RUN_COLORS, RunKey, darker, run_styles


def _channels(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def test_darker_mixes_each_channel_with_black() -> None:
    assert darker("#FFFFFF") == "#8c8c8c"  # 255 · 0.55 = 140.25
    assert darker("#0072B2") == "#003f62"  # Okabe–Ito blue: (0, 114, 178) · 0.55
    assert darker("#0072B2", 0.0).lower() == "#0072b2" and darker("#0072B2", 1.0) == "#000000"


def test_each_tensorflow_twin_is_its_numpy_colour_darkened_by_045() -> None:
    keys = [RunKey(name, backend) for name in ("sgd", "momentum", "adam") for backend in ("numpy", "tensorflow")]
    styles = run_styles(keys)
    numpy_colors = [styles[RunKey(name, "numpy")].color for name in ("sgd", "momentum", "adam")]
    assert numpy_colors == list(RUN_COLORS[:3])
    for name, color in zip(("sgd", "momentum", "adam"), numpy_colors):
        twin = styles[RunKey(name, "tensorflow")]
        assert _channels(twin.color) == tuple(round(c * 0.55) for c in _channels(color)), name
        assert twin.color.lower() not in {c.lower() for c in numpy_colors}
        assert twin.hollow and twin.dashes is not None and styles[RunKey(name, "numpy")].dashes is None
