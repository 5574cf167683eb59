"""Notebook parameters: what a notebook's ``parameters`` cell declares and checking the values a
render passes against it, before any kernel starts.

Unknown names and wrong types are refused with :class:`ParameterError` listing every problem
(papermill itself only warns). papermill and nbformat are imported inside the functions.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chiso766.i18n import _
from chiso766.render.errors import RenderError


class ParameterError(RenderError, ValueError):
    """Parameters that do not match the notebook's ``parameters`` cell; all problems listed."""

    def __init__(self, notebook: Path, problems: Sequence[str]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        head = _("invalid parameters for {notebook}:").format(notebook=notebook.name)
        super().__init__(f"{head}\n{lines}", stage="parameters")
        self.notebook = notebook
        self.problems = tuple(problems)


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
    "tuple": (list, tuple),
    "dict": (dict,),
    "None": (type(None),),
    "NoneType": (type(None),),
}


def _annotation_types(text: str) -> tuple[type, ...] | None:
    """'str', 'int | None', 'Optional[float]', 'list[str]' → accepted types; None if unknown."""
    text = text.strip()
    opt = re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text)
    names = [opt.group(1), "None"] if opt else text.split("|")
    out: list[type] = []
    for name in names:
        base = name.strip().split("[", 1)[0].removeprefix("typing.")
        if base not in _TYPES:
            return None
        out += _TYPES[base]
    return tuple(out)


def _expected_types(info: Mapping[str, Any]) -> tuple[type, ...] | None:
    """From the annotation, else from the default's literal type; None = anything."""
    hint = info.get("inferred_type_name") or "None"
    if hint != "None":
        return _annotation_types(hint)
    try:
        default = ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError):
        return None
    if default is None:
        return None
    return _TYPES.get(type(default).__name__)


def _plain(value: Any) -> bool:
    """Values papermill can write as Python literals."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False  # True is an int in Python, never a valid int or float parameter
    return isinstance(value, types)


def declared_parameters(notebook: Path | str) -> dict[str, dict[str, Any]]:
    """The ``parameters`` cell's names, as :func:`papermill.inspect_notebook` reports them,
    plus any assignment it misses (papermill skips annotations such as ``str | None``)."""
    import nbformat
    import papermill

    declared = dict(papermill.inspect_notebook(str(notebook)))
    nb = nbformat.read(str(notebook), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    try:
        tree = ast.parse(cell.source) if cell is not None else None
    except SyntaxError:
        tree = None
    for node in tree.body if tree else []:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, hint, value = node.target.id, ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name, hint, value = node.targets[0].id, "None", node.value
        else:
            continue
        default = ast.unparse(value) if value is not None else "None"
        declared.setdefault(name, {"name": name, "inferred_type_name": hint, "default": default})
    return declared


def validate_parameters(notebook: Path | str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the notebook's ``parameters`` cell; return them as a dict.

    Refuses names the cell does not define and values whose type differs from the cell's
    annotation or default (``period=202405`` where the default is ``"2025-W15"``). Raises
    :class:`ParameterError` listing every problem.
    """
    notebook = Path(notebook)
    declared = declared_parameters(notebook)
    problems: list[str] = []
    if not declared and params:
        problems.append(_("the notebook has no cell tagged 'parameters'"))
    for name, value in params.items():
        if name not in declared:
            if declared:
                known = ", ".join(sorted(declared))
                problems.append(
                    _("unknown parameter {name!r} (the notebook has: {known})").format(
                        name=name, known=known
                    )
                )
            continue
        info = declared[name]
        if not _plain(value):
            problems.append(
                _(
                    "parameter {name!r} must be a str, number, bool, list or dict, got {type} "
                    "{value!r} (pass dates and periods as strings)"
                ).format(name=name, type=type(value).__name__, value=value)
            )
            continue
        types = _expected_types(info)
        if types is not None and not _type_ok(value, types):
            wanted = " or ".join(dict.fromkeys(t.__name__ for t in types))
            quote = str in types and isinstance(value, int | float)
            hint = (
                _("; pass it quoted, e.g. {example!r}").format(example=str(value)) if quote else ""
            )
            problems.append(
                _(
                    "parameter {name!r} must be {wanted} (default {default}), got {type} {value!r}"
                ).format(
                    name=name,
                    wanted=wanted,
                    default=info.get("default"),
                    type=type(value).__name__,
                    value=value,
                )
                + hint
            )
    if problems:
        raise ParameterError(notebook, problems)
    return dict(params)
