"""The Jinja environment of the report and index pages (``templates/``, autoescaped, the
formatting filters registered) and the stylesheet they inline."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from markupsafe import Markup

from chiso766.render.errors import RenderError

TEMPLATES = Path(__file__).parents[1] / "templates"


@functools.cache
def jinja_env() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from chiso766.formatting import register_filters

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return register_filters(env)


def report_css() -> Markup:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if "</" in css:
        raise RenderError("report.css must not contain '</'", stage="html")
    return Markup(css)
