"""The report's sweep explorer and step scrubber, rendered into one self-contained output cell.

The same Jinja2 templates and script as ``reports/index.html``; the contour image and the
explorer's data file become ``data:`` URIs, the page's stylesheet is nested under the cell's
own element and the script sees only that element, so several cells never touch each other.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from momentumlab.api.display import data_uri
from momentumlab.config import Experiment
from momentumlab.problems import Problem
from momentumlab.sweep import SweepResult

CONTOUR_SIZE = {"width": 640, "height": 400}
# The page's script, run on this cell only: ``document`` inside it is the cell's element.
_SCOPED = """<script>
(function () {{
  var host = window.document.getElementById({host!r}), tries = 0;
  function start() {{
    if (!(window.MOMENTUM_EXPLORER || {{}})[{name!r}] && tries++ < 100) return setTimeout(start, 20);
    (function (document) {{
{script}
    }})(new Proxy(window.document, {{
      get: function (page, key) {{
        if (key === "querySelector" || key === "querySelectorAll") return function (s) {{ return host[key](s); }};
        var value = page[key];
        return typeof value === "function" ? value.bind(page) : value;
      }}
    }}));
  }}
  start();
}})();
</script>"""


def templates_folder() -> Path:
    """The report's templates (``templates/`` at the top of the project checkout)."""
    return Path(__file__).resolve().parents[3] / "templates"


def theory_of(experiment: Experiment, problem: Problem) -> list[dict[str, Any]] | None:
    """The ``theory`` job's rows (Polyak's pair and its run) for a quadratic; None elsewhere."""
    if experiment.problem != "quadratic":
        return None
    from momentumlab.records import theory_rows
    from momentumlab.theory import check_rates, step_budget

    return theory_rows(experiment.name, check_rates(problem, experiment.start, step_budget(experiment.steps)))


def explorer_html(experiment: Experiment, problem: Problem, result: SweepResult) -> str:
    """The scrubber and explorer of ``result`` as one HTML fragment with its style and script inline."""
    from momentumlab.landscape import plot_window
    from momentumlab.render import contour_png
    from momentumlab.report.context import script_colors
    from momentumlab.report.environment import make_environment
    from momentumlab.floors import distance_floor, minimum_value
    from momentumlab.report.explorer import explorer_data, explorer_script
    from momentumlab.report.live import live_data, run_entry
    from momentumlab.report.scrubber import scrubber_data
    from momentumlab.cell_yaml import cell_template
    from momentumlab.sweep import sweep_grid, sweep_regions_of
    from momentumlab.theory import theory_points
    from momentumlab.sweep_summary import region_row

    name = f"{experiment.name}_{uuid.uuid4().hex[:8]}"  # one cell's data never answers another's
    with tempfile.TemporaryDirectory(prefix="momentumlab-api-") as folder:
        path = Path(folder) / "contour.png"
        extent = contour_png(problem, path, window=plot_window(problem, [experiment.start]), **CONTOUR_SIZE)
        contour = data_uri(path.read_bytes(), "image/png")
    regions = [region_row(curve) for curve in sweep_regions_of(problem, result, experiment.start)]
    floor = None if problem.optimum is None else distance_floor(problem.optimum)
    grid = sweep_grid(experiment)  # the sweep's method settings: Live recomputes any (η, μ) of the map
    data = explorer_data(result, theory_of(experiment, problem), {"regions": regions}, floor=floor,
                         yaml=cell_template(experiment, grid), f_star=minimum_value(problem),
                         marks=theory_points(problem, result.method))
    script_data = explorer_script(name, data).encode("utf-8")
    scrubber = scrubber_data({}, result.steps, extent)
    scrubber["live"] = live_data(problem, experiment.start, result.steps, [],
                                 run_entry(grid.method, 0.0, 0.0, grid.options, grid.schedule, result.steps, b1_table=False))
    section = {
        "name": name, "label": experiment.label, "has_optimum": result.has_optimum, "contour": contour,
        "scrubber": scrubber, "steps": result.steps,
        "explorer": data_uri(script_data, "text/javascript"), "sweep": True,
    }
    environment = make_environment(templates_folder())
    body = environment.get_template("_scrubber.html.j2").render(e=section)
    style = environment.get_template("_style.css.j2").render().replace(":root {", "& {", 1)
    script = environment.get_template("_script.js.j2").render(colors=script_colors())
    host = f"momentumlab-{name}"
    return (f'<div class="momentumlab-inline" id="{host}"><style>.momentumlab-inline {{ {style} }}</style>{body}</div>'
            + _SCOPED.format(host=host, name=name, script=script))


def explorer_output(experiment: Experiment, problem: Problem, result: SweepResult) -> Any:
    """The explorer as an IPython HTML display object."""
    from IPython.display import HTML

    return HTML(explorer_html(experiment, problem, result))
