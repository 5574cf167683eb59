"""The project's own files install what it needs: pyproject.toml and environment.yml agree,
and the README's two commands are what .ci/run and the Makefile do."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    name = re.split(r"[<>=! ]", spec.strip())[0].lower()
    return {"python-duckdb": "duckdb"}.get(name, name)


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(d) for d in py["dependencies"] + py["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have = set()
    for dep in env["dependencies"]:
        for spec in dep["pip"] if isinstance(dep, dict) else [dep]:
            have.add(_name(spec))
    assert wanted <= have, f"missing from environment.yml: {sorted(wanted - have)}"
    assert have - wanted <= {"python", "pip", "-e"}


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: setup$", makefile, flags=re.M)
    assert re.search(r"^report: setup$", makefile, flags=re.M)
