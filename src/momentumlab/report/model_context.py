"""The report's context for model experiments, from summary.json's model rows of ``runs`` and ``agreement``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from momentumlab.files import existing_relative, read_json
from momentumlab.model import verdicts as model_verdicts
from momentumlab.model.edge_caption import sharpness_sentences
from momentumlab.report.panels import figure_panels
from momentumlab.records import competing_runs, is_model_row, rows_by_experiment
from momentumlab.runs import RunKey

MODEL_NAMES = {"mlp": "MLP", "logistic_regression": "Logistic regression"}


def model_contexts(summary: Mapping[str, Any], config: Mapping[str, Any], out_dir: str | Path,
                   media: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One entry per model experiment, in the order of its rows: label, setting, runs (the best
    marked by its row), the verdict sentences and the rules they follow, agreement, sweep, and its media (``media``: experiment -> ``layout.ModelMedia``
    fields) as paths relative to ``out_dir``."""
    out_dir = Path(out_dir)
    experiments = config.get("experiments", {})
    sweeps = {row["experiment"]: row for row in summary.get("sweeps", []) if row.get("kind") == "model"}
    contexts = []
    for name, runs in rows_by_experiment(row for row in summary.get("runs", []) if is_model_row(row)).items():
        best = next((row for row in runs if row.get("best")), None)  # by model_verdicts.RULES["best"]
        comparisons = [row for row in summary.get("model_comparisons", []) if row["experiment"] == name]
        entry, files, first = experiments.get(name, {}), (media or {}).get(name, {}), runs[0]
        facts = files.get("facts")
        contexts.append({
            "name": name,
            "label": first.get("label", entry.get("label", name)),
            "dataset": first["dataset"],
            "model": MODEL_NAMES.get(first["model"], first["model"]),
            "hidden": first.get("hidden", entry.get("params", {}).get("hidden")),
            "activation": first.get("activation", entry.get("params", {}).get("activation", "tanh")),
            "seeds": first.get("seeds", 1),
            "n_weights": first["n_weights"],
            "batch_size": first["batch_size"],
            "steps": first["steps"],
            "epochs": first.get("epochs"),
            "start": None,
            "tolerance": first.get("tolerance", entry.get("tolerance")),
            "explained_variance": first["explained_variance"],
            "runs": runs,
            "best": best,
            "verdicts": model_verdicts.verdict_sentences(competing_runs(runs), comparisons),
            "rules": model_verdicts.RULES,
            "agreement": [row for row in summary.get("agreement", []) if row["experiment"] == name],
            "sweep": sweeps.get(name),
            "sweep_image": existing_relative(files.get("sweep"), out_dir),
            "explorer": existing_relative(files.get("explorer"), out_dir),
            "figure": existing_relative(files.get("figure"), out_dir),
            "figure_panels": figure_panels(files.get("figure")),
            "sharpness_image": existing_relative(files.get("sharpness"), out_dir),
            "sharpness": sharpness_sentences(runs),
            "sharpness_rule": next((row["sharpness"]["rule"] for row in runs if row.get("sharpness")), None),
            "compare": {fmt: existing_relative(path, out_dir) for fmt, path in files.get("compare", {}).items()},
            # only the reference backend's runs have animations of their own
            "run_media": [{"run": row, "files": {fmt: existing_relative(path, out_dir)
                                                 for fmt, path in files["runs"][RunKey.of_row(row)].items()}}
                          for row in runs if RunKey.of_row(row) in files.get("runs", {})],
            "media_facts": read_json(facts) if facts and Path(facts).exists() else {},
        })
    return contexts
