"""Who a run is: one optimizer of an experiment on one backend, named the same in every layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

FILE_SEPARATOR = "-"  # config names match [a-z0-9_]+, so the first "-" splits a file name


@dataclass(frozen=True)
class RunKey:
    """One run of an experiment: which optimizer (its config name) on which backend.

    ``label`` is the optimizer's display label and ``method`` its method (``sgd``, ``momentum``...,
    which picks its colour); both are carried and never compared.
    """

    optimizer: str
    backend: str
    label: str = ""
    method: str = ""

    @property
    def display(self) -> str:
        """How the run is named in legends and tables: ``<optimizer label> · <backend>``."""
        return f"{self.label or self.optimizer} · {self.backend}"

    @property
    def file_name(self) -> str:
        """How the run is named in file names and archive keys: ``<optimizer>-<backend>``."""
        return f"{self.optimizer}{FILE_SEPARATOR}{self.backend}"

    @classmethod
    def from_file_name(cls, name: str, label: str = "") -> RunKey:
        """The key whose ``file_name`` is ``name``."""
        optimizer, backend = name.split(FILE_SEPARATOR, 1)
        return cls(optimizer, backend, label)

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> RunKey:
        """The run a ``summary.json`` row of ``runs`` describes."""
        return cls(row["optimizer"], row["backend"], row.get("optimizer_label", ""), row.get("method", ""))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunKey) and (self.optimizer, self.backend) == (other.optimizer, other.backend)

    def __hash__(self) -> int:
        return hash((self.optimizer, self.backend))
