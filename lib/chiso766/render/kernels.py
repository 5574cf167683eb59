"""Warm kernels: live IPython kernels that execute report notebooks one after another.

A kernel is started once per worker (over IPC sockets in a private folder: no TCP port, no
"running over TCP without encryption" warning) and warmed with the library's imports; each
report then runs through papermill (:data:`ENGINE`, an nbclient engine that reuses the live
kernel) with a fresh namespace. Modules stay imported, so a kernel's scored snapshots are
reused by the next report of the same period (see :mod:`chiso766.report.loading`).

A kernel that dies (out of memory, killed) is reported as such and replaced before the next
report.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chiso766.i18n import _
from chiso766.render.errors import RenderError
from chiso766.render.publish import private_temp

log = logging.getLogger(__name__)

ENGINE = "chiso766-warm"
#: what a kernel imports once, before its first report
WARMUP = (
    "import pandas, markupsafe\n"
    "import chiso766.report.loading, chiso766.report.view, chiso766.report.scorecard_view\n"
    "import chiso766.report.display, chiso766.report.charts\n"
)
#: run before each report: the previous report's names removed (modules stay imported, no
#: garbage collection pass) and execution counts from 1
RESET = (
    "_ip = get_ipython()\n"
    "_old = [n for n in _ip.user_ns if not n.startswith('_') and n not in _ip.user_ns_hidden]\n"
    "for _name in _old:\n"
    "    del _ip.user_ns[_name]\n"
    "_ip.execution_count = 1\n"
    "del _ip, _old\n"
)
_REGISTER_LOCK = threading.Lock()
_IMPORT_LOCK = threading.RLock()


@contextmanager
def jupyter_imports() -> Iterator[None]:
    """Hold while importing papermill, nbformat or nbconvert: one thread at a time (their
    modules import each other, and two threads importing them at once can meet a partly
    initialised module), and without jsonschema's IRI format checker (rfc3987_syntax compiles
    a grammar for ~0,7 s on import; notebooks never use IRI formats)."""
    with _IMPORT_LOCK:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
        yield


def imported(*names: str) -> bool:
    """Whether these modules are imported already (then no lock is needed to use them)."""
    return all(name in sys.modules for name in names)


def register_engine(name: str, make: Any) -> None:
    """Register the papermill engine ``make()`` returns under ``name``, once per process
    (``make`` imports papermill under :func:`jupyter_imports` itself; it runs only if the
    engine is not registered yet)."""
    if imported("papermill.engines") and name in _engines():
        return
    with _REGISTER_LOCK:
        if imported("papermill.engines") and name in _engines():
            return
        engine = make()
        sys.modules["papermill.engines"].papermill_engines.register(name, engine)


def failed_cell(notebook: Path, exc: Any) -> RenderError:
    """The plain error for a papermill ``PapermillExecutionError``: the notebook, the cell,
    the exception."""
    return RenderError(
        _("{notebook} failed in cell {cell}: {error}").format(
            notebook=notebook.name, cell=exc.exec_count, error=f"{exc.ename}: {exc.evalue}"
        ),
        stage="execute",
    )


def _warm_engine() -> type:
    """nbclient execution in a kernel that is already running (``km``, ``kc``)."""
    with jupyter_imports():
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine
        from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """nbclient execution in a kernel that is already running (``km``, ``kc``)."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            km, kc = kwargs.pop("km"), kwargs.pop("kc")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=log,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=km, **final)
            client.kc = kc
            return client.execute()

    return WarmEngine


def _register_engine() -> None:
    """Register :data:`ENGINE` with papermill (once per process)."""
    register_engine(ENGINE, _warm_engine)


def _engines() -> dict:
    return sys.modules["papermill.engines"].papermill_engines._engines


class KernelDied(RenderError):
    """The kernel stopped while running a report."""


class WarmKernel:
    """One live kernel in ``cwd``; :meth:`run` executes a notebook in it with papermill."""

    #: kernels started by this process, in-process ones included (tests check that a refused
    #: request starts none)
    launched = 0

    def __init__(self, cwd: Path, *, warmup: str = WARMUP, env: dict[str, str] | None = None):
        self.cwd = Path(cwd)
        self.warmup = warmup
        self.env = env
        self.km: Any = None
        self.kc: Any = None
        self._dir: str | None = None
        self.reports = 0

    # --- life cycle --------------------------------------------------------------------------
    def start(self) -> WarmKernel:
        """Launch the kernel and send the warm-up imports (not waited for)."""
        from jupyter_client import KernelManager

        WarmKernel.launched += 1
        self._dir = private_temp("kernel")
        self.km = KernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=os.path.join(self._dir, "k"),
            connection_file=os.path.join(self._dir, "kernel.json"),
        )
        env = {**os.environ, **(self.env or {}), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        env.pop("JPY_PARENT_PID", None)
        # no history database: reports share the kernel and restart their counts at 1
        self.km.start_kernel(
            cwd=str(self.cwd), env=env, extra_arguments=["--HistoryManager.enabled=False"]
        )
        # an asynchronous client, as nbclient expects: a blocking one would stall its event
        # loop, and a kernel that dies mid-cell would never be noticed
        from jupyter_client.asynchronous import AsyncKernelClient
        from jupyter_core.utils import run_sync

        self.kc = AsyncKernelClient()
        self.kc.load_connection_file(self.km.connection_file)
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=60)
        if self.warmup:
            self.kc.execute(self.warmup, silent=True, store_history=False)
        return self

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def shutdown(self) -> None:
        """Stop the kernel and remove its socket folder."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception as exc:  # noqa: BLE001 - shutting down: never raise
            log.debug("kernel shutdown: %s", exc)
        finally:
            self.km = self.kc = None
            if self._dir:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def __enter__(self) -> WarmKernel:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # --- running -----------------------------------------------------------------------------
    def _reset(self, timeout: float) -> None:
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(
            RESET, silent=True, store_history=False, timeout=timeout, output_hook=lambda m: None
        )
        if reply["content"].get("status") != "ok":
            raise RenderError(_("the kernel could not be reset between reports"), stage="execute")

    def run(self, notebook: Path, parameters: dict[str, Any], output: Path, timeout: float):
        """Execute ``notebook`` with ``parameters`` into ``output`` (the executed notebook,
        failing cell marked by papermill); returns the notebook node. Raises
        :class:`RenderError` (a failing cell) or :class:`KernelDied`."""
        _register_engine()
        if not imported("papermill", "nbclient.exceptions"):
            with jupyter_imports():
                import nbclient.exceptions  # noqa: F401
        import papermill
        from nbclient.exceptions import DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        if not self.alive():
            self.restart()
        started = time.perf_counter()
        try:
            self._reset(timeout)
            nb = papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                engine_name=ENGINE,
                km=self.km,
                kc=self.kc,
                kernel_name="python3",
                language="python",
                cwd=None,
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            raise failed_cell(notebook, exc) from exc
        except (DeadKernelError, RuntimeError) as exc:
            if not self.alive() or isinstance(exc, DeadKernelError):
                self.shutdown()
                raise KernelDied(
                    _("the kernel died while running the notebook — out of memory?"),
                    stage="execute",
                ) from exc
            raise
        except TimeoutError as exc:
            self.restart()
            raise RenderError(
                _("{notebook} did not finish in {seconds:g} s").format(
                    notebook=notebook.name, seconds=timeout
                ),
                stage="execute",
            ) from exc
        finally:
            self.reports += 1
            log.debug("%s ran in %.2f s", notebook.name, time.perf_counter() - started)
        return nb


__all__ = [
    "ENGINE",
    "KernelDied",
    "WarmKernel",
    "failed_cell",
    "jupyter_imports",
    "register_engine",
]
