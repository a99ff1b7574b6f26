"""``Config.from_yaml(path).experiment(name)``: one experiment of a config file, run in the notebook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from momentumlab import config as configuration


@dataclass(frozen=True)
class Config:
    """A validated config file (the pipeline's ``parse_config``, budget check included)."""

    typed: configuration.Config

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Config":
        """Read and validate a YAML config; a bad key raises the pipeline's one-line ``ConfigError``."""
        return cls(configuration.load_config(path))

    @property
    def names(self) -> list[str]:
        """Every experiment's name, in config order."""
        return list(self.typed.data["experiments"])

    def experiment(self, name: str) -> Any:
        """Run experiment ``name`` as the pipeline would: a ``Race`` (2-D) or a ``Training`` (model)."""
        from momentumlab.api.race import run_race
        from momentumlab.api.train import run_training

        for model in self.typed.model_experiments:
            if model.name == name:
                return run_training(model)
        if name not in self.names:
            raise configuration.ConfigError(f"config error at experiments: no experiment {name!r}; known: {self.names}")
        return run_race(self.typed.experiment(name))
