"""The report's context for model experiments, from summary.json's ``model_runs`` and ``model_agreement``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from momentumlab.records import best_run


def model_contexts(summary: Mapping[str, Any], config: Mapping[str, Any], out_dir: str | Path) -> list[dict[str, Any]]:
    """One entry per model experiment, in the order of its rows: label, setting, runs (the best marked), agreement, figure."""
    rows = summary.get("model_runs", [])
    agreement = summary.get("model_agreement", [])
    experiments = config.get("experiments", {})
    contexts = []
    for name in dict.fromkeys(row["experiment"] for row in rows):
        runs = [row for row in rows if row["experiment"] == name]
        best = best_run(runs)
        entry = experiments.get(name, {})
        first = runs[0]
        labels = {key: value.get("label", key) for key, value in entry.get("optimizers", {}).items()}
        figure = Path(out_dir) / name / "loss_plane.png"
        contexts.append({
            "name": name,
            "label": entry.get("label", name),
            "dataset": first["dataset"],
            "model": {"mlp": "MLP", "logistic_regression": "Logistic regression"}.get(first["model"], first["model"]),
            "hidden": entry.get("params", {}).get("hidden"),
            "activation": entry.get("params", {}).get("activation", "tanh"),
            "n_weights": first["n_weights"],
            "batch_size": first["batch_size"],
            "steps": first["steps"],
            "tolerance": entry.get("tolerance"),
            "explained_variance": first["explained_variance"],
            "runs": [{**row, "optimizer_label": labels.get(row["optimizer"], row["optimizer"]), "best": row is best}
                     for row in runs],
            "agreement": [row for row in agreement if row["experiment"] == name],
            "figure": f"{name}/loss_plane.png" if figure.exists() else None,
        })
    return contexts
