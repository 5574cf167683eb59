"""Run a notebook in papermill (in-process) with its parameters, the kernel told where to
hand over its XLSX tables (``CHISO766_TABLES_OUT``, see :mod:`chiso766.render.xlsx`).

A failing cell becomes a :class:`RenderError` (stage "execute") naming the cell and the error.
papermill is imported inside the function.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chiso766.render.errors import RenderError
from chiso766.render.xlsx import ENV_TABLES

_ENV_LOCK = threading.Lock()


@contextmanager
def _env(name: str, value: str) -> Any:
    """Set an environment variable for a kernel run. os.environ is global, so runs in threads
    are serialised here; render in processes for parallelism."""
    with _ENV_LOCK:
        old = os.environ.get(name)
        os.environ[name] = value
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def execute_notebook(
    notebook: Path, parameters: dict[str, Any], work: Path, name: str, cwd: Path, timeout: float
) -> Any:
    """Execute ``notebook`` into ``work/name.ipynb`` with the kernel in ``cwd``; the executed
    notebook node. Tables emitted by the notebook land in ``work/tables.pkl``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _env(ENV_TABLES, str(work / "tables.pkl")):
            return papermill.execute_notebook(
                str(notebook),
                str(work / f"{name}.ipynb"),
                parameters=parameters,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
            )
    except PapermillExecutionError as exc:
        raise RenderError(
            f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
            stage="execute",
            name=name,
        ) from exc
