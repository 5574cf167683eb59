"""notebook_run: the environment a kernel run sets is restored afterwards."""

from __future__ import annotations

import os

import pytest

from chiso766.render import execute as notebook_run
from chiso766.render.xlsx import ENV_TABLES


def test_env_is_restored_after_a_render_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TABLES, "outer")
    with notebook_run._env(ENV_TABLES, "inner"):
        assert os.environ[ENV_TABLES] == "inner"
    assert os.environ[ENV_TABLES] == "outer"
