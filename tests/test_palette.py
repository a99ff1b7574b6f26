"""palette: one colour per optimizer, the TensorFlow twin in a darker shade of it."""

from __future__ import annotations

from momentumlab.palette import METHOD_COLORS, MODE_COLORS, SPARE_COLORS, RunKey, darker, optimizer_colors, run_styles


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
    assert numpy_colors == [METHOD_COLORS[name] for name in ("sgd", "momentum", "adam")]
    for name, color in zip(("sgd", "momentum", "adam"), numpy_colors):
        twin = styles[RunKey(name, "tensorflow")]
        assert _channels(twin.color) == tuple(round(c * 0.55) for c in _channels(color)), name
        assert twin.color.lower() not in {c.lower() for c in numpy_colors}
        assert twin.hollow and twin.dashes is not None and styles[RunKey(name, "numpy")].dashes is None


def test_a_method_keeps_its_hue_whatever_the_experiment_holds_or_its_order() -> None:
    first = optimizer_colors([RunKey("sgd", "numpy", method="sgd"), RunKey("heavy", "numpy", method="momentum")])
    second = optimizer_colors([RunKey("nag", "numpy", method="nesterov"), RunKey("hb", "numpy", method="momentum"),
                               RunKey("plain", "numpy", method="sgd")])
    assert first["heavy"] == second["hb"] == METHOD_COLORS["momentum"]
    assert first["sgd"] == second["plain"] == METHOD_COLORS["sgd"]
    assert optimizer_colors(reversed([RunKey("a", "numpy", method="adam"), RunKey("b", "numpy", method="lion")])) == \
        optimizer_colors([RunKey("a", "numpy", method="adam"), RunKey("b", "numpy", method="lion")])


def test_one_method_twice_gets_two_hues_by_name_order_and_no_worn_spare() -> None:
    keys = [RunKey(name, backend, method="momentum") for name in ("pytorch", "keras") for backend in ("numpy", "tensorflow")]
    colors = optimizer_colors([*keys, RunKey("other", "numpy", method="mystery")])
    assert colors["keras"] == METHOD_COLORS["momentum"]  # first by name
    assert colors["other"] == SPARE_COLORS[0] and colors["pytorch"] == SPARE_COLORS[1]  # spares in name order
    assert len(set(colors.values())) == 3
    clash = optimizer_colors([RunKey("a", "numpy", method="sgd"), RunKey("b", "numpy", method="sgd"),
                              RunKey("c", "numpy", method="mystery")])
    assert len(set(clash.values())) == 3


def test_every_method_of_the_registry_has_its_own_hue() -> None:
    from momentumlab.optim.registry import METHODS

    assert set(METHODS) <= set(METHOD_COLORS) and len(set(METHOD_COLORS.values())) == len(METHOD_COLORS)


def test_the_modes_figure_wears_no_optimizer_colour() -> None:
    """A quadratic's modes figure draws its two eigen-modes beside panels named sgd, momentum, ...: a mode
    in sgd's blue or momentum's orange would read as that optimizer."""
    worn = {c.upper() for c in (*METHOD_COLORS.values(), *SPARE_COLORS)}
    assert len(set(MODE_COLORS)) == 2 and not worn & {c.upper() for c in MODE_COLORS}


def test_a_diverged_run_is_drawn_thin_and_faint_whatever_its_rank() -> None:
    """Diverged runs are drawn first (bottom), but never thickest: their zigzag out of the window must not cover
    the contour; the fastest run that stayed in keeps the thick bottom line of the layering."""
    from momentumlab.palette import diverged_runs, layered_styles, race_order

    finals = {RunKey("ghost", "numpy"): (True, float("inf")), RunKey("fast", "numpy"): (False, 1e-12),
              RunKey("slow", "numpy"): (False, 1e-3), RunKey("wild", "numpy"): (True, 1e9)}
    styles = layered_styles(run_styles(finals), race_order(finals), diverged_runs(finals))
    kept = [styles[key] for key, (diverged, _) in finals.items() if not diverged]
    for key in diverged_runs(finals):
        assert styles[key].linewidth < min(style.linewidth for style in kept) and styles[key].alpha < 0.5, key
    assert styles[RunKey("fast", "numpy")].linewidth == max(style.linewidth for style in styles.values())
    assert all(style.alpha == 1.0 for style in kept)
