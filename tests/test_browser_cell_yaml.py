"""The page's "Use this run" YAML (templates/_explorer.js.j2's cellYaml) reads as Python's (cell_yaml.fill).

Cheap: the two functions alone in a blank page, no pipeline run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from momentumlab.cell_yaml import LR, MOMENTUM, cell_template, fill
from momentumlab.sweep import sweep_grid
from offline_browser import ARGS, CHROMIUM
from test_cell_yaml import FAMILIES, _swept

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402



def test_the_pages_cell_yaml_reads_as_pythons_for_every_number() -> None:
    """The page's cellYaml (String(x)) and cell_yaml.fill (repr) give the same config, at every kind of float."""
    source = (Path(__file__).resolve().parents[1] / "templates" / "_explorer.js.j2").read_text(encoding="utf-8")
    functions = source[source.index("function yamlNumber"):source.index("// Sweep explorer:")]
    experiment = _swept("rmsprop", FAMILIES["rmsprop_centered"])
    data = {"yaml": cell_template(experiment, sweep_grid(experiment)), "yaml_placeholders": {"lr": LR, "momentum": MOMENTUM}}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = chromium.new_page()
        page.add_script_tag(content=functions)
        for value in (1e-5, 1e-7, 0.012345678901234567, 3e21, 0.495, 1 / 3, 5e-324, 0.1, 0.0):
            text = page.evaluate("([d, v]) => cellYaml(d, v, v)", [data, value])
            assert yaml.safe_load(text) == yaml.safe_load(fill(data["yaml"], value, value)), text
        chromium.close()
