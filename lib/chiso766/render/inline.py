"""Run a report notebook in this process: papermill with an engine that executes the cells in
an IPython shell of the renderer itself, no kernel process.

One report alone (``chiso766 render PERIOD``) spends longer starting a kernel and importing
the library into it than running its cells; the renderer has already imported most of what
the cells need while it resolved the request. :class:`InlineKernel` has the interface of
:class:`chiso766.render.kernels.WarmKernel`, and its record is the same: papermill injects the
parameters, times each cell and marks a failing one; outputs are the ones a kernel sends
(``stream``, ``display_data``, ``execute_result``, ``error`` — a :class:`NotebookStop`'s
message without a traceback). Batches keep kernels: a report that exhausts memory or crashes
the interpreter must not take the renderer with it.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENGINE = "chiso766-inline"
_RUNNING = threading.Lock()  # one notebook at a time: stdout and the shell are process-wide


class _Outputs:
    """The outputs of the running cell, in the order a kernel would send them."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def stream(self, name: str, text: str) -> None:
        from nbformat.v4 import new_output

        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.items.append(new_output("stream", name=name, text=text))

    def add(self, output_type: str, **fields: Any) -> None:
        from nbformat.v4 import new_output

        self.items.append(new_output(output_type, **fields))


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` of a cell: text becomes a ``stream`` output."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        self.outputs, self.name = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.outputs.stream(self.name, text)
        return len(text)


_SHELL: Any = None
_SINK: list[_Outputs] = []  # the outputs of the cell running now


def _shell():
    """The process's IPython shell (made once; the process's ``__main__`` left alone, no
    history file): its display publisher and display hook write into the running cell's
    outputs, its tracebacks become ``error`` outputs."""
    global _SHELL
    if _SHELL is not None:
        return _SHELL
    import types

    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs) -> None:  # fmt: skip
            _SINK[-1].add("display_data", data=data, metadata=metadata or {})

        def clear_output(self, wait: bool = False) -> None:
            _SINK[-1].items.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict, md_dict=None) -> None:
            _SINK[-1].add("execute_result", data=format_dict, metadata=md_dict or {},
                          execution_count=self.shell.execution_count)  # fmt: skip

        def finish_displayhook(self) -> None:
            pass

    main = sys.modules.get("__main__")
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config, user_module=types.ModuleType("__main__"))
    if main is not None:  # the shell registers its namespace as __main__: not in a renderer
        sys.modules["__main__"] = main
    shell.display_pub = Publisher(shell=shell)
    shell.displayhook = Hook(shell=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook

    def show(etype, evalue, stb) -> None:
        _SINK[-1].add("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue),
                      traceback=list(stb))  # fmt: skip

    shell._showtraceback = show
    _SHELL = shell
    return shell


def _inline_engine() -> type:
    """The papermill engine that runs each code cell by :func:`run_cell`."""
    from chiso766.render.kernels import jupyter_imports

    with jupyter_imports():
        from papermill.engines import Engine

    class InlineEngine(Engine):
        """Each code cell run by :func:`run_cell` in this process, until one fails."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            _fresh_namespace()
            count = 0
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                nb_man.cell_start(cell, index)
                count += 1
                try:
                    failed = run_cell(cell, count)
                    if failed:
                        nb_man.cell_exception(cell, index)
                        break
                finally:
                    nb_man.cell_complete(cell, index)

    return InlineEngine


def _register_engine() -> None:
    """Register :data:`ENGINE` with papermill (once per process)."""
    from chiso766.render.kernels import register_engine

    register_engine(ENGINE, _inline_engine)


def run_cell(cell: Any, count: int) -> bool:
    """Execute a code cell in the shell's namespace, setting its outputs and execution count
    as a kernel would; True if it raised."""
    shell = _shell()
    outputs = _Outputs()
    _SINK.append(outputs)
    shell.execution_count = count
    try:
        with redirect_stdout(_Stream(outputs, "stdout")), \
                redirect_stderr(_Stream(outputs, "stderr")):  # fmt: skip
            result = shell.run_cell(cell.source, store_history=False, silent=False)
    finally:
        _SINK.pop()
    cell.execution_count = count
    cell.outputs = outputs.items
    return not result.success


def _fresh_namespace() -> None:
    """A new module as the shell's namespace: nothing of the previous report remains."""
    import types

    shell = _shell()
    shell.init_create_namespaces(user_module=types.ModuleType("__main__"))
    shell.init_user_ns()


class InlineKernel:
    """Runs notebooks in this process, in ``cwd``, each in a fresh namespace; the interface
    of :class:`chiso766.render.kernels.WarmKernel` (``start``, ``run``, ``alive``,
    ``shutdown``)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        self.reports = 0

    def start(self) -> InlineKernel:
        from chiso766.render.kernels import WarmKernel

        WarmKernel.launched += 1  # counted with the kernels: a refused request starts neither
        _register_engine()
        return self

    def alive(self) -> bool:
        return True

    def shutdown(self) -> None:
        pass

    def run(self, notebook: Path, parameters: dict[str, Any], output: Path, timeout: float):
        """Execute ``notebook`` with ``parameters`` into ``output``; returns the notebook
        node. Raises :class:`RenderError` naming the failing cell. ``timeout`` is not
        enforced: a report alone has no other to wait for."""
        _register_engine()  # papermill imported, under the import lock if it was not
        import papermill
        from papermill.exceptions import PapermillExecutionError

        try:
            with _RUNNING, _kept_process_state():
                nb = papermill.execute_notebook(
                    str(notebook),
                    str(output),
                    parameters=parameters,
                    engine_name=ENGINE,
                    kernel_name="python3",
                    language="python",
                    cwd=str(self.cwd),
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                )
        except PapermillExecutionError as exc:
            from chiso766.render.kernels import failed_cell

            raise failed_cell(notebook, exc) from exc
        finally:
            _fresh_namespace()  # the report's objects freed
            self.reports += 1
        return nb

    def __enter__(self) -> InlineKernel:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _warning_to_stderr(message, category, filename, lineno, file=None, line=None) -> None:
    import warnings

    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextmanager
def _kept_process_state():
    """What a notebook may change in the process — working folder, ``sys.path``, warning
    filters — put back afterwards; warnings shown as a kernel shows them."""
    import warnings

    cwd, path = os.getcwd(), list(sys.path)
    with warnings.catch_warnings():
        # a warning goes to the cell's stderr, as in a kernel (whoever else catches them)
        warnings.showwarning = _warning_to_stderr
        try:
            yield
        finally:
            os.chdir(cwd)
            sys.path[:] = path


__all__ = ["ENGINE", "InlineKernel", "run_cell"]
