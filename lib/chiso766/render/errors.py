"""The error every rendering stage raises: :class:`RenderError` with the ``stage`` (parameters,
execute, html, pdf, xlsx) and the report ``name``."""

from __future__ import annotations


class RenderError(RuntimeError):
    """A report could not be rendered; ``stage`` says where (parameters, execute, pdf, …)."""

    def __init__(self, message: str, *, stage: str = "", name: str = "") -> None:
        super().__init__(message)
        self.stage = stage
        self.name = name
