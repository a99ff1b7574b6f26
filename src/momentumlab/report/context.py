"""The report's template context: ``summary.json`` numbers, media paths and provenance."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from momentumlab.ghosts import ghost_sentence
from momentumlab.verdicts import distance_text, momentum_name, race_verdict
from momentumlab.files import existing_relative, read_json
from momentumlab.palette import CELL_COLORS, REGION_COLORS, REGION_DASHES, REGION_HALO, THEORY_COLOR, VIRIDIS, rgb
from momentumlab.records import BEST_RUN_RULE, STABILITY_RULE, best_run, is_model_row, rows_by_experiment
from momentumlab.report.model_context import model_contexts
from momentumlab.report.slide_media import slide_media_cards, slide_media_rows
from momentumlab.runs import RunKey

# Distribution names tried in order for each package shown in the report.
PACKAGES = {
    "python": (),
    "numpy": ("numpy",),
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "keras": ("keras",),
    "matplotlib": ("matplotlib",),
    "snakemake": ("snakemake",),
}
REPRODUCE = ("make report", "snakemake --cores 4")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that produced the numbers (no heavy imports)."""
    versions = {}
    for name, distributions in PACKAGES.items():
        if not distributions:
            versions[name] = platform.python_version()
            continue
        versions[name] = "not installed"
        for distribution in distributions:
            try:
                versions[name] = metadata.version(distribution)
                break
            except metadata.PackageNotFoundError:
                continue
    return versions


def _by_experiment(section: Any) -> dict[str, Any]:
    """A summary section (a list of rows with ``experiment`` or a mapping) keyed by experiment."""
    if isinstance(section, Mapping):
        return dict(section)
    return rows_by_experiment(section or ())


def _sweep_for(sweeps: Any, name: str) -> Mapping[str, Any] | None:
    """The sweep record of one experiment (the section may be a list or a mapping)."""
    found = _by_experiment(sweeps).get(name)
    if isinstance(found, list):
        return found[0] if found else None
    return found


def caption_of(summary: Mapping[str, Any], name: str) -> str:
    """The experiment's configured caption, if any (``summary.json``'s ``captions``)."""
    return str(summary.get("captions", {}).get(name, ""))


LOSS_AXES = {
    "log": {"caption": "log axes", "alt": "both axes logarithmic"},
    "symlog": {"caption": "log step axis; the loss axis is symmetric-log "
                          "(linear near 0, where a loss reaches 0 or below)",
               "alt": "logarithmic step axis and symmetric-logarithmic loss axis"},
}


def _sweep_best(sweep: Mapping[str, Any], has_optimum: bool, optimum: Any = None) -> list[tuple[str, Any]]:
    """The best pair's numbers as (name, value): distance and steps with an optimum, final loss without."""
    best = sweep.get("best")
    if not isinstance(best, Mapping):
        return []
    pairs = [("learning rate", best.get("lr")), (momentum_name(sweep.get("method", "momentum")) or "momentum", best.get("momentum"))]
    if has_optimum:
        distance = {"distance_to_optimum": best.get("final_distance"), "optimum": optimum}
        pairs += [("final distance", distance_text(distance) if best.get("final_distance") is not None else None),
                  ("settled at step", best.get("settled_at"))]
    else:
        lrs, momenta, losses = sweep.get("lr") or [], sweep.get("momentum") or [], sweep.get("final_loss")
        if losses and best.get("lr") in lrs and best.get("momentum") in momenta:
            pairs.append(("final loss", losses[momenta.index(best["momentum"])][lrs.index(best["lr"])]))
    return [(name, value) for name, value in pairs if value is not None]


def experiment_context(
    name: str,
    summary: Mapping[str, Any],
    media: Mapping[str, Any],
    out_dir: Path,
    scrubber: Mapping[str, Any] | None,
    show_twins: bool = False,
) -> dict[str, Any]:
    """Everything one experiment's section shows (``show_twins``: the races draw the TensorFlow twins too)."""
    runs = [run for run in summary["runs"] if run["experiment"] == name]
    first = runs[0] if runs else {}
    has_optimum = not runs or any(run.get("optimum") is not None for run in runs)
    run_media = []
    for run in runs:
        files = media["runs"].get(RunKey.of_row(run))
        if files is None:  # a TensorFlow twin: in the race and the agreement table, no animation of its own
            continue
        run_media.append({"run": run, "files": {fmt: existing_relative(path, out_dir) for fmt, path in files.items()}})
    context = {
        "name": name,
        "label": first.get("label", name),
        "problem": first.get("problem"),
        "problem_params": first.get("problem_params", {}),
        "start": first.get("start"),
        "steps": first.get("steps"),
        "tolerance": first.get("tolerance"),
        "runs": runs,
        "twins_drawn": show_twins and len({run["backend"] for run in runs}) > 1,
        "has_optimum": has_optimum,
        "run_media": run_media,
        "best": best_run(runs),
        "verdict": race_verdict(runs, first.get("start") or [], first.get("steps") or 0),
        "agreement": [row for row in summary.get("agreement", []) if row["experiment"] == name],
        "compare": {fmt: existing_relative(path, out_dir) for fmt, path in media["compare"].items()},
        "media_facts": read_json(media["facts"]) if media.get("facts") and Path(media["facts"]).exists() else {},
        "loss_plot": existing_relative(media.get("loss"), out_dir),
        "contour": existing_relative(media.get("contour"), out_dir),
        "scrubber": scrubber,
        "explorer": existing_relative(media.get("explorer"), out_dir),
        "loss_axes": LOSS_AXES.get((scrubber or {}).get("loss_scale")),
        "sweep": None,
        "theory": None,
        "caption": caption_of(summary, name),
        "ghosts": [ghost_sentence(row) for row in summary.get("ghosts", []) if row["experiment"] == name],
        "momentum_effect": [row for row in summary.get("momentum_effect", []) if row["experiment"] == name],
    }
    if "sweeps" in summary:
        sweep = _sweep_for(summary["sweeps"], name)
        if sweep is not None:
            method = sweep.get("method", "momentum")
            context["sweep"] = {"record": sweep, "image": existing_relative(media.get("sweep"), out_dir),
                                "best": _sweep_best(sweep, has_optimum, first.get("optimum")),
                                "axis": momentum_name(method) or "momentum"}  # μ, β₁, …: the second axis in words
    if "theory" in summary:
        context["theory"] = _by_experiment(summary["theory"]).get(name) or None
    modes = [row for row in summary.get("modes", []) if row["experiment"] == name]
    image = existing_relative(media.get("modes"), out_dir)
    context["modes"] = {"image": image, "rows": modes} if modes and image else None
    return context


def script_colors() -> dict[str, Any]:
    """The colours the page's script draws with: the heatmap's viridis, the theory marker's, the sweep cells'
    (``palette.CELL_COLORS``) and the region curves' (colour by where, dashes by kind, halo), as on the static heatmap."""
    regions = {"colors": dict(REGION_COLORS), "halo": REGION_HALO,
               "dashes": {kind: list(dashes) if dashes else [] for kind, dashes in REGION_DASHES.items()}}
    return {"viridis": [rgb(color) for color in VIRIDIS], "theory": THEORY_COLOR, "cells": list(CELL_COLORS),
            "regions": regions}


def report_context(
    summary: Mapping[str, Any],
    config: Mapping[str, Any],
    media: Mapping[str, Mapping[str, Any]],
    out_dir: str | Path,
    scrubbers: Mapping[str, Mapping[str, Any]] | None = None,
    slides: str | None = None,
    model_media: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole template context; media paths become relative to ``out_dir``."""
    out_dir = Path(out_dir)
    models = model_contexts(summary, config, out_dir, model_media)
    names = list(dict.fromkeys(run["experiment"] for run in summary["runs"] if not is_model_row(run)))
    show_twins = bool(config["animation"].get("show_twins", False))
    experiments = [experiment_context(n, summary, media[n], out_dir, (scrubbers or {}).get(n), show_twins) for n in names]
    runs = summary["runs"]
    return {
        "title": summary.get("title") or config.get("title") or "Momentum Lab",
        "experiments": experiments,
        "experiment_list": experiment_list(experiments, models),
        "optimizers": sorted({(run["optimizer_label"], run["method"]) for run in runs}),
        "backends": list(dict.fromkeys(run["backend"] for run in runs)),
        "total_steps": sum(run["steps"] for run in runs),
        "has_sweeps": any(e["sweep"] for e in experiments),
        "has_theory": any(e["theory"] for e in experiments),
        "animation": config["animation"],
        "config_yaml": yaml.safe_dump(_plain(config), sort_keys=False, allow_unicode=True),
        "versions": package_versions(),
        "reproduce": REPRODUCE,
        "best_run_rule": BEST_RUN_RULE,
        "stability_rule": STABILITY_RULE,
        "colors": script_colors(),
        "slide_media": (slide_media := slide_media_rows([*experiments, *models], out_dir)),
        "slide_media_cards": slide_media_cards(slide_media, out_dir),
        "slides_deck": existing_relative(slides, out_dir),
        "model_experiments": models,
    }


def experiment_list(experiments: Sequence[Mapping[str, Any]], models: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every experiment of the report, 2-D then model, as the lead counts and the overview lists them (one source)."""
    return ([{"name": e["name"], "label": e["label"], "what": e["problem"], "steps": e["steps"]} for e in experiments]
            + [{"name": m["name"], "label": m["label"], "what": f"{m['model']} on {m['dataset']}", "steps": m["steps"]}
               for m in models])


def _plain(value: Any) -> Any:
    """Mappings and sequences as plain dicts and lists, so YAML needs no tags."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
