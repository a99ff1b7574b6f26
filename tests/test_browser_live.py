"""Live mode's engine in a real browser: every method, schedule and 2-D problem against the numpy backend."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from offline_browser import ARGS, CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

from momentumlab.backends.numpy_backend import run  # noqa: E402
from momentumlab.datasets import make_dataset  # noqa: E402
from momentumlab.optim import DEFAULTS, MOMENTUM_KEY  # noqa: E402
from momentumlab.problems import make_problem  # noqa: E402
from momentumlab.report.environment import make_environment  # noqa: E402
from momentumlab.report.live import problem_constants, run_entry  # noqa: E402
from momentumlab.schedules import Schedule  # noqa: E402

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TOLERANCE = 1e-12
SCHEDULES = {
    "constant": Schedule(),
    "piecewise": Schedule(kind="piecewise", boundaries=(40, 90), values=(1.0, 0.3, 0.1)),
    "exponential": Schedule(kind="exponential", decay_steps=50, decay_rate=0.5),
    "cosine": Schedule(kind="cosine", decay_steps=150, alpha=0.1, warmup_steps=20),
}
# A stable (η, μ) per method on each problem's scale, the problems' default starts.
SETTINGS = {"sgd": (2e-3, 0.0), "momentum": (2e-3, 0.9), "nesterov": (2e-3, 0.9), "adagrad": (0.05, 0.0),
            "rmsprop": (0.01, 0.5), "adam": (0.05, 0.9), "adamw": (0.05, 0.9), "nadam": (0.05, 0.9),
            "adamax": (0.05, 0.9), "lion": (0.01, 0.9)}
SCALE = {"rosenbrock": 0.25}  # its valley is steeper: a smaller η keeps every method inside the box


def settings_of(kind: str, method: str) -> tuple[float, float]:
    lr, momentum = SETTINGS[method]
    return lr * SCALE.get(kind, 1.0), momentum


def problem_of(kind: str):
    return make_problem(kind, {}, make_dataset(kind, {"n_points": 40}, seed=3))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """``compute(cases)``: each case's final parameters and divergence step from the page's engine."""
    script = make_environment(TEMPLATES).get_template("_live.js.j2").render()
    page_path = tmp_path_factory.mktemp("live") / "live.html"
    page_path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><script>{script}</script>", encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page()
        page.goto(page_path.as_uri())

        def compute(cases: list[dict]) -> list[dict]:
            return page.evaluate("cases => cases.map(c => { const r = MomentumLive.run(c.problem, c.entry, c.start, c.steps,"
                                 " c.box, c.point); return {final: r.final, divergedAt: r.divergedAt}; })", cases)

        yield compute
        browser.close()


def case(kind: str, method: str, schedule: Schedule, steps: int, lr: float, momentum: float,
         options: dict | None = None, point: tuple[float, float] | None = None) -> tuple[dict, object]:
    """The page's case and numpy's trajectory of one run (at ``point`` when the page's point is dragged)."""
    problem = problem_of(kind)
    key = MOMENTUM_KEY[method]
    settings = {k: v for k, v in DEFAULTS[method].items() if k != key}
    settings.update(options or {})
    entry = run_entry(method, lr, momentum, settings, schedule, steps)
    use_lr, use_mu = point or (lr, momentum)
    reference = run(problem, method, use_lr, use_mu if key else None, problem.default_start, steps,
                    schedule=schedule, options=settings)
    page_case = {"problem": problem_constants(problem), "entry": json.loads(json.dumps(entry)), "box": problem.box,
                 "start": list(problem.default_start), "steps": steps,
                 "point": None if point is None else {"lr": point[0], "momentum": point[1]}}
    return page_case, reference


def assert_same(result: dict, reference, label: str, exact: bool = False) -> None:
    """Same divergence step and final parameters within the bound; bit for bit when ``exact``."""
    expected_at = reference.diverged_at
    assert result["divergedAt"] == expected_at, label
    final = np.asarray(result["final"])
    gap = np.max(np.abs(final - reference.params[-1]))
    assert gap <= TOLERANCE * max(1.0, float(np.max(np.abs(reference.params[-1])))), f"{label}: {gap:.3g}"
    if exact:
        assert gap == 0, f"{label}: {gap:.3g} (arithmetic alone, no pow: the page should repeat numpy exactly)"


# Beale's gradient takes y³ from numpy's pow, which the page rounds its own way now and then.
EXACT = {"quadratic", "rosenbrock", "linear_regression", "saddle", "himmelblau"}


@pytest.mark.parametrize(("kind", "method", "lr", "momentum", "steps"), [
    ("beale", "momentum", 3e-3, 0.9, 2000),
    ("rosenbrock", "nesterov", 1e-3, 0.9, 5000),
    ("quadratic", "adam", 0.3, 0.78, 400),
])
def test_the_acceptance_runs_match_numpy(engine, kind: str, method: str, lr: float, momentum: float, steps: int) -> None:
    page_case, reference = case(kind, method, Schedule(), steps, lr, momentum)
    (result,) = engine([page_case])
    assert_same(result, reference, f"{kind}/{method}", exact=kind in EXACT)
    assert reference.diverged_at is None


@pytest.mark.parametrize("kind", ["quadratic", "rosenbrock", "beale", "linear_regression", "saddle", "himmelblau"])
def test_every_method_and_schedule_matches_numpy(engine, kind: str) -> None:
    cases, references, labels = [], [], []
    variants = [(m, {}) for m in SETTINGS] + [
        ("momentum", {"momentum_form": "pytorch"}), ("nesterov", {"momentum_form": "pytorch"}),
        ("rmsprop", {"centered": True}), ("adam", {"weight_decay": 0.01}), ("lion", {"weight_decay": 0.01}),
    ]
    for method, options in variants:
        for name, schedule in SCHEDULES.items():
            lr, momentum = settings_of(kind, method)
            page_case, reference = case(kind, method, schedule, 200, lr, momentum, options)
            cases.append(page_case), references.append(reference), labels.append(f"{kind}/{method}{options}/{name}")
    for result, reference, label in zip(engine(cases), references, labels):
        assert_same(result, reference, label, exact=kind in EXACT)


def test_a_dragged_point_off_the_tables_still_matches(engine) -> None:
    """A β₁ the shipped table was not made for: the page's own pow, within the same bound here."""
    page_case, reference = case("quadratic", "adam", Schedule(), 400, 0.3, 0.9, point=(0.2137, 0.8123))
    (result,) = engine([page_case])
    assert_same(result, reference, "dragged adam")


def test_a_diverging_run_stops_where_numpy_does(engine) -> None:
    page_case, reference = case("rosenbrock", "momentum", Schedule(), 500, 0.05, 0.9)
    (result,) = engine([page_case])
    assert reference.diverged_at is not None
    assert_same(result, reference, "diverging", exact=True)


def test_the_cases_run_their_whole_length() -> None:
    """The comparisons above are not of runs that left the box at once."""
    gone = [f"{kind}/{method}" for kind in ("quadratic", "rosenbrock", "beale", "linear_regression", "saddle", "himmelblau")
            for method in SETTINGS if case(kind, method, Schedule(), 200, *settings_of(kind, method))[1].diverged_at is not None]
    assert gone == []
