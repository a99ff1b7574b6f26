"""Glue between the Snakemake scripts and the library: each job's log."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def logging_to(path: str | Path | None) -> Iterator[None]:
    """Send stdout and stderr to the rule's log file, at the file-descriptor level.

    Redirecting the descriptors (not only ``sys.stdout``) also captures what native
    libraries print, such as TensorFlow's oneDNN and absl start-up lines.
    """
    if path is None:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with open(path, "w", encoding="utf-8") as log:
        try:
            for fd in saved:
                os.dup2(log.fileno(), fd)
            with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
                try:
                    yield
                except BaseException:  # keep the reason in the log, then fail the job
                    traceback.print_exc(file=sys.stderr)
                    raise
                finally:
                    log.flush()
        finally:
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
