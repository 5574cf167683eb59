"""Turn a fact (kind, branch, data) into a Vietnamese sentence with the templates in YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template

from chiso766.formatting import register_filters

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Sentence:
    """A fact to phrase: which sentence kind, which branch of it, and its data."""

    kind: str
    branch: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return phrase(self)


@cache
def templates(path: str | None = None) -> dict[str, Any]:
    """The sentence templates (``commentary/templates.yaml`` unless another file is given)."""
    return yaml.safe_load(Path(path or HERE / "templates.yaml").read_text(encoding="utf-8"))


@cache
def _env() -> Environment:
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    return register_filters(env)


@cache
def _compiled(source: str) -> Template:
    """A template compiled once per process (a batch phrases the same sentences often)."""
    return _env().from_string(source)


def phrase(sentence: Sentence, path: str | None = None) -> str:
    """Render one sentence; '' for a branch whose template is empty (e.g. nothing to say)."""
    table = templates(path)
    try:
        source = table[sentence.kind][sentence.branch]
    except KeyError:
        raise KeyError(f"no template for {sentence.kind}/{sentence.branch}") from None
    if not source:
        return ""
    return _compiled(source).render(**sentence.data).strip()


@cache
def load_recommendations(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """Recommendation texts by indicator or group code (plus 'always')."""
    raw = yaml.safe_load(Path(path or HERE / "recommendations.yaml").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in (raw or {}).items()}
