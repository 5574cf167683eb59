"""The `alerts` command (placeholder)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `alerts` to the `chiso766` command."""
