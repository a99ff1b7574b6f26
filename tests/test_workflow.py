"""The workflow as a whole: lint-clean, every rule declares threads and a log, TensorFlow obeys threads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "tiny.yaml"
RULE = re.compile(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", re.MULTILINE)
# Rules made in a loop (one per experiment): `rule:` then `name: f"render_{_name}"`.
LOOP_RULE = re.compile(r'^[ \t]+rule:\n[ \t]+name:\n[ \t]+f"(\w+)_\{\w+\}"\n((?:[ \t]+.*\n|\n)*)', re.MULTILINE)


def rule_bodies() -> dict[str, str]:
    """Every rule's text block in the Snakefile and rules/*.smk, keyed by rule name."""
    bodies = {}
    for path in [REPO / "Snakefile", *sorted((REPO / "rules").glob("*.smk"))]:
        text = path.read_text(encoding="utf-8")
        for name, body in RULE.findall(text):
            bodies[name] = body
        for prefix, body in LOOP_RULE.findall(text):
            bodies[f"{prefix}_*"] = body
    return bodies


def body_of(bodies: dict[str, str], name: str) -> str:
    """A rule's text; loop-made rules are found by their name's prefix."""
    return bodies.get(name) or next(body for key, body in bodies.items() if key.endswith("_*") and name.startswith(key[:-1]))


def test_snakemake_lint_has_no_findings(tmp_path, snakemake_in):
    result = snakemake_in(tmp_path, "--lint", "--configfile", TINY)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output and "Congratulations, your workflow is in a good condition!" in output


def test_every_job_rule_declares_threads_log_and_software():
    bodies = {name: body for name, body in rule_bodies().items() if name != "all"}
    assert len(bodies) >= 10
    for name, body in bodies.items():
        assert re.search(r"^\s+threads: \d+", body, re.MULTILINE), f"rule {name} declares no threads"
        assert re.search(r'^\s+log:\n\s+(\w+=)?f?"logs/', body, re.MULTILINE), f"rule {name} logs outside logs/"
        assert '"../envs/momentumlab.yaml"' in body, f"rule {name} names no conda environment"


def test_conda_environment_pins_the_runtime_dependencies():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    environment = yaml.safe_load((REPO / "envs" / "momentumlab.yaml").read_text(encoding="utf-8"))
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert sorted(pip) == sorted(pyproject["project"]["dependencies"])
    assert "python=3.11" in environment["dependencies"]


def test_every_job_wrote_its_log_under_logs(tiny_workflow):
    ran = set()
    for log in (tiny_workflow / ".snakemake" / "log").glob("*.snakemake.log"):
        ran |= set(re.findall(r"^(?:local)?rule (\w+):", log.read_text(encoding="utf-8"), re.MULTILINE))
    ran.discard("all")
    assert {"make_dataset", "optimize_numpy", "optimize_tensorflow", "render_valley", "build_report"} <= ran
    bodies = rule_bodies()
    for name in ran:
        directory = re.search(r'^\s+log:\n\s+(?:\w+=)?f?"logs/([^/"{]+)', body_of(bodies, name), re.MULTILINE).group(1)
        assert list((tiny_workflow / "logs").glob(f"{directory}*")), f"no log of rule {name}"
    stray = [p for p in tiny_workflow.rglob("*.log") if ".snakemake" not in p.parts and "logs" not in p.parts]
    assert not stray


def test_second_run_has_nothing_to_do(tiny_workflow, snakemake_in):
    result = snakemake_in(tiny_workflow, "-n", "--configfile", TINY)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_tensorflow_uses_the_rules_threads(tiny_workflow, tmp_path, snakemake_in):
    """The job log shows TensorFlow's pools sized to the job's threads: rule default 1, capped by --cores."""
    log = "logs/optimize_tensorflow/valley.log"
    assert "tensorflow threads: intra-op 1, inter-op 1" in (tiny_workflow / log).read_text(encoding="utf-8")
    target = "results/valley/tensorflow.npz"
    result = snakemake_in(tmp_path, target, "--cores", "2", "--set-threads", "optimize_tensorflow=8", "--configfile", TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "tensorflow threads: intra-op 2, inter-op 2" in (tmp_path / log).read_text(encoding="utf-8")


def test_reordered_keys_and_rewritten_numbers_recompute_nothing(tiny_workflow, snakemake_in):
    """Issue 12: params are canonical, so the same values in another order are the same job."""
    config = yaml.safe_load((REPO / "tests" / "tiny.yaml").read_text(encoding="utf-8"))
    for name, experiment in list(config["experiments"].items()):
        config["experiments"][name] = dict(reversed(list(experiment.items())))
        for optimizer in experiment["optimizers"].values():
            optimizer["lr"] = float(optimizer["lr"])
    config["seed"] = float(config["seed"])
    config = dict(reversed(list(config.items())))
    reordered = tiny_workflow / "reordered.yaml"
    reordered.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = snakemake_in(tiny_workflow, "-n", "--cores", "1", "--configfile", str(reordered))
    assert result.returncode == 0, result.stderr
    assert "Nothing to be done" in result.stdout + result.stderr, result.stdout[-3000:]


def test_native_library_chatter_stays_in_the_job_logs(tiny_workflow):
    """TensorFlow's oneDNN/absl start-up lines go to logs/, not to the user's console."""
    console = (tiny_workflow / "console.txt").read_text(encoding="utf-8")
    assert "oneDNN" not in console and "absl::InitializeLog" not in console
    logs = "".join(path.read_text(encoding="utf-8") for path in (tiny_workflow / "logs").rglob("*.log"))
    assert "tensorflow threads" in logs  # TensorFlow did run and wrote there


def test_missing_config_yaml_says_where_it_looked(tmp_path, snakemake_in):
    result = snakemake_in(tmp_path, "-n", "--cores", "1")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("config error")]
    assert len(errors) == 1 and str(tmp_path / "config.yaml") in errors[0], result.stderr


def test_the_spot_check_traces_tensorflow_once_per_experiment(tiny_workflow):
    log = (tiny_workflow / "logs" / "sweep_spot_check.log").read_text(encoding="utf-8")
    assert "retracing" not in log, log[-2000:]


def test_the_lock_pins_every_declared_dependency_at_the_declared_version():
    """pyproject.toml and requirements.lock name the same versions (names compared case- and -/_-insensitively)."""

    def pins(lines):
        found = {}
        for line in lines:
            name, _, version = line.strip().partition("==")
            if version:
                found[re.sub(r"[-_.]+", "-", name).lower()] = version
        return found

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pins([*pyproject["project"]["dependencies"], *pyproject["project"]["optional-dependencies"]["test"]])
    locked = pins((REPO / "requirements.lock").read_text(encoding="utf-8").splitlines())
    assert declared and all("==" in d for d in pyproject["project"]["dependencies"])
    assert {name: locked.get(name) for name in declared} == declared
