"""The workflow as a whole: lint-clean, the stages as rules, every job logged under logs/, TensorFlow obeys threads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "tiny.yaml"
# A job in a dry run's listing: "rule NAME:" and its indented fields ("    log: logs/...").
JOB = re.compile(r"^(?:local)?rule (\w+):\n((?:[ \t]+.*\n)*)", re.MULTILINE)


def planned_jobs(output: str) -> list[tuple[str, dict[str, str]]]:
    """Every job of a dry run: its rule and its fields (output, log, ...)."""
    jobs = []
    for rule, body in JOB.findall(output):
        fields = dict(line.strip().split(": ", 1) for line in body.splitlines() if ": " in line)
        jobs.append((rule, fields))
    return jobs


def listed_rules(workdir: Path, snakemake_in, config: Path) -> set[str]:
    result = snakemake_in(workdir, "--list-rules", "--configfile", config)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_snakemake_lint_has_no_findings(tmp_path, snakemake_in):
    result = snakemake_in(tmp_path, "--lint", "--configfile", TINY)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output and "Congratulations, your workflow is in a good condition!" in output


def test_the_rules_are_the_stages(tmp_path, snakemake_in):
    """One rule per stage verb (a render rule per experiment, 2-D or model); a sweep is chunks and a gather,
    whatever the split. The rules are listed whether or not a config plans their jobs (tune: none tuned in tiny.yaml)."""
    assert listed_rules(tmp_path, snakemake_in, TINY) == {
        "all", "make_dataset", "tune", "optimize_numpy", "optimize_tensorflow", "sweep_chunk", "sweep_gather",
        "theory", "train_model", "sweep_model_chunk", "sweep_model", "render_line", "render_valley", "summarize", "build_report",
        "build_slides",
    }


def test_every_rule_plans_its_jobs_with_a_log_under_logs(tmp_path, snakemake_in):
    """The default config's dry run has a job of every rule, each logging under logs/ (the lint test
    covers the log and software directives themselves)."""
    config = REPO / "config.yaml"
    result = snakemake_in(tmp_path, "-n", "--configfile", config)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = planned_jobs(result.stdout)
    assert {rule for rule, _ in jobs} == listed_rules(tmp_path, snakemake_in, config)
    for rule, fields in jobs:
        if rule != "all":
            assert fields.get("log", "").startswith("logs/"), f"rule {rule} logs to {fields.get('log')!r}"


def test_conda_environment_pins_the_runtime_dependencies():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    environment = yaml.safe_load((REPO / "envs" / "momentumlab.yaml").read_text(encoding="utf-8"))
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert sorted(pip) == sorted(pyproject["project"]["dependencies"])
    assert "python=3.11" in environment["dependencies"]


def test_every_job_wrote_its_log_under_logs(tiny_workflow, snakemake_in):
    result = snakemake_in(tiny_workflow, "--detailed-summary", "--configfile", TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [dict(zip(("output", "date", "rule", "logs"), line.split("\t"))) for line in result.stdout.splitlines()[1:]]
    assert {"make_dataset", "optimize_numpy", "optimize_tensorflow", "sweep_chunk", "render_valley", "build_report"} <= {
        row["rule"] for row in rows}
    for row in rows:
        logs = row["logs"].split(",")
        assert all(log.startswith("logs/") and (tiny_workflow / log).is_file() for log in logs), row
    stray = [p for p in tiny_workflow.rglob("*.log") if ".snakemake" not in p.parts and "logs" not in p.parts]
    assert not stray


def test_second_run_has_nothing_to_do(tiny_workflow, snakemake_in):
    result = snakemake_in(tiny_workflow, "-n", "--configfile", TINY)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_tensorflow_uses_the_rules_threads(tiny_workflow, tmp_path, snakemake_in):
    """The job log shows TensorFlow's pools sized to the job's threads: rule default 1, capped by --cores."""
    log = "logs/optimize_tensorflow.log"
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
