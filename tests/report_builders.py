"""A synthetic report as the tests build it: summary, media files, context, page (shared by
test_report and test_browser; not a test module itself)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from momentumlab.config import parse_config
from momentumlab.runs import RunKey
from momentumlab.report import render_report, report_context, scrubber_data
from momentumlab.trajectory import Trajectory

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
EVIL = "<script>alert(1)</script>"
CONFIG = {
    "title": "Report test",
    "experiments": {
        "bowl": {
            "label": EVIL,
            "problem": "quadratic",
            "steps": 20,
            "optimizers": {
                "sgd": {"method": "sgd", "lr": 0.01, "label": EVIL},
                "heavy": {"method": "momentum", "lr": 0.01, "momentum": 0.9},
            },
        }
    },
}


def run(optimizer: str, backend: str, **values: object) -> dict:
    record = {
        "experiment": "bowl", "label": EVIL, "problem": "quadratic", "problem_params": {"kappa": 10},
        "start": [-4.0, 3.0], "optimizer": optimizer, "optimizer_label": EVIL if optimizer == "sgd" else optimizer,
        "method": "sgd" if optimizer == "sgd" else "momentum", "backend": backend, "lr": 0.01,
        "momentum": 0.0 if optimizer == "sgd" else 0.9, "steps": 20, "final_params": [0.1, -0.2],
        "final_loss": 0.05, "optimum": [0.0, 0.0], "distance_to_optimum": 0.22, "tolerance": 1e-3,
        "settled_at": None, "diverged": False, "diverged_at": None, "seconds": 0.01,
    }
    record.update(values)
    return record


def write_image(path: Path, size: tuple[int, int] = (8, 6)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (40, 90, 160)).save(path)


def synthetic(tmp_path: Path, extra: dict | None = None, runs: list | None = None,
              loss: np.ndarray | None = None) -> tuple[dict, str]:
    """A summary, media written under tmp_path/reports, the context and the rendered page."""
    reports = tmp_path / "reports"
    media = {
        "compare": {fmt: str(reports / "bowl" / f"compare.{fmt}") for fmt in ("gif", "png")},
        "runs": {
            RunKey(name, "numpy"): {fmt: str(reports / "bowl" / f"{name}-numpy.{fmt}") for fmt in ("gif", "png")}
            for name in ("sgd", "heavy")
        },
        "loss": str(reports / "bowl" / "loss.png"),
        "contour": str(reports / "bowl" / "contour.png"),
        "sweep": str(reports / "bowl" / "sweep.png"),
    }
    for path in [media["loss"], media["contour"], media["sweep"], *media["compare"].values()]:
        write_image(Path(path))
    for files in media["runs"].values():
        for path in files.values():
            write_image(Path(path))
    summary = {
        "title": "Report test",
        "runs": runs or [run("sgd", "numpy"), run("heavy", "numpy", settled_at=12, distance_to_optimum=1e-4)],
        "agreement": [],
        **(extra or {}),
    }
    loss = np.linspace(10, 0, 21) if loss is None else loss
    trajectory = Trajectory(params=np.linspace([-4.0, 3.0], [0.0, 0.0], 21), loss=loss, steps=20)
    extent = {"x": [-5.0, 5.0], "y": [-5.0, 5.0], "width": 8, "height": 6}
    scrubbers = {"bowl": scrubber_data({RunKey("evil", "numpy", EVIL): trajectory, RunKey("heavy", "numpy"): trajectory}, 20, extent)}
    context = report_context(summary, parse_config(CONFIG).data, {"bowl": media}, reports, scrubbers)
    return context, render_report(TEMPLATES, context)
