"""The dossier expressions' SQL, compiled once per code version and kept on disk, so that DuckDB
runs a report's queries without Ibis compiling them again in every process.

Compiling a window's four expressions (Ibis → sqlglot → SQL) takes ~0,5 s — longer than DuckDB
takes to run them over a province's year of records. The SQL depends on the code (the
expressions, Ibis, sqlglot, DuckDB), the input tables' columns and a few constants (rows kept
per list, the rules), not on the window or the data: the window's dates and key and the
(unit, indicator) pairs left out are compiled as sentinel values, then replaced by query
parameters (:func:`parameterise`). A query whose sentinels cannot all be replaced is compiled
for each window instead (:class:`DuckQueries` says so in the log).

Files live in ``$CHISO766_CACHE/sql`` (else ``$XDG_CACHE_HOME/chiso766/sql``, else
``~/.cache/chiso766/sql``), one JSON file per key, written atomically. A file that cannot be
read, or a folder that cannot be written, costs time, never a wrong result: the key names
everything the SQL depends on.

Both paths — SQL from the cache, SQL just compiled — run through the same DuckDB call and the
same conversion to pandas as Ibis's own ``execute`` (Ibis's ``PandasData`` over the
expression's schema), so their frames are identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from chiso766.engines.expressions import Window

log = logging.getLogger(__name__)

ENV_CACHE = "CHISO766_CACHE"
#: the window and the skipped pairs the expressions are compiled with
SENTINEL = Window("§window§", dt.date(1901, 2, 3), dt.date(1901, 4, 5))
SENTINEL_SKIP = (("§unit§", "§indicator§"),)
#: sentinel as DuckDB SQL → the parameter that replaces it
_PARAMETERS = (
    ("MAKE_DATE(1901, 2, 3)", "CAST($ws AS DATE)", "ws"),
    ("MAKE_DATE(1901, 4, 5)", "CAST($we AS DATE)", "we"),
    ("'§window§'", "$wkey", "wkey"),
    ("('§unit§|§indicator§')", "(SELECT UNNEST(CAST($skip AS VARCHAR[])))", "skip"),
)
#: what the SQL depends on besides the expressions' own code
_VERSIONS = ("ibis-framework", "sqlglot", "duckdb")
_SOURCES = ("engines/expressions.py", "engines/sql_cache.py", "ingest/dossier_schema.py")

Build = Callable[[Window, Sequence[tuple[str, str]]], Any]  # (window, skip) → Ibis expression


@dataclass(frozen=True)
class Query:
    """A parameterised query: its SQL and its result's schema (column → Ibis type)."""

    sql: str
    schema: dict[str, str]

    def parameters(self, window: Window, skip: Sequence[tuple[str, str]]) -> dict[str, Any]:
        """The values of the parameters this query uses."""
        values = {
            "ws": window.start,
            "we": window.end,
            "wkey": window.key,
            "skip": [f"{u}|{i}" for u, i in skip],
        }
        return {name: values[name] for name in values if f"${name}" in self.sql}


def parameterise(sql: str) -> str | None:
    """The sentinels of ``sql`` replaced by parameters; None if any is left (Ibis wrote a
    literal in a form this module does not know: the query is then compiled per window)."""
    for sentinel, parameter, _name in _PARAMETERS:
        sql = sql.replace(sentinel, parameter)
    if "§" in sql or "1901" in sql:
        return None
    return sql


def cache_dir() -> Path:
    """Where compiled queries are kept."""
    explicit = os.environ.get(ENV_CACHE)
    if explicit:
        return Path(explicit) / "sql"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "chiso766" / "sql"


@cache
def _code_fingerprint() -> str:
    """Versions of the libraries that write the SQL and the source of the expressions."""
    h = hashlib.sha256()
    for name in _VERSIONS:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    root = Path(__file__).resolve().parents[1]
    for rel in _SOURCES:
        h.update((root / rel).read_bytes())
    return h.hexdigest()


def cache_key(name: str, inputs: dict[str, list[tuple[str, str]]], **constants: Any) -> str:
    """The key of query ``name`` over tables with these columns (name, type), with these
    constants (rows kept, rules, whether pairs are skipped)."""
    material = {
        "query": name,
        "code": _code_fingerprint(),
        "inputs": inputs,
        "constants": {k: repr(v) for k, v in sorted(constants.items())},
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


def load(key: str) -> Query | None:
    """The query kept under ``key``, or None (absent, unreadable, not ours)."""
    try:
        data = json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
        query = Query(str(data["sql"]), {str(k): str(v) for k, v in data["schema"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return query if parameterise(query.sql) == query.sql else None


def save(key: str, query: Query) -> None:
    """Keep ``query`` under ``key`` (atomically; a folder that cannot be written is left)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"sql": query.sql, "schema": query.schema}, f)
        os.replace(tmp, folder / f"{key}.json")
    except OSError as exc:
        log.debug("SQL cache not written (%s): %s", folder, exc)


def to_frame(table: Any, schema: dict[str, str]) -> pd.DataFrame:
    """An Arrow result → pandas, exactly as Ibis's DuckDB ``execute`` converts it (a column
    with nulls through Python objects, then Ibis's conversion per column), one column at a
    time: only one column's Python objects are alive at once (a costs list of a province's
    month holds over a million rows)."""
    import ibis
    import pyarrow.types as pat
    from ibis.formats.pandas import PandasData

    types = ibis.schema(schema)
    if tuple(types.names) != tuple(table.column_names):
        raise ValueError("schema names don't match input data columns")
    out = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        values = (
            col.to_pylist()
            if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
            else col.to_pandas()
        )
        out[name] = PandasData.convert_column(pd.DataFrame({name: values})[name], types[name])
        del values
    return pd.DataFrame(out)


class DuckQueries:
    """Run dossier queries on a DuckDB cursor where the inputs are registered (``names``: the
    relation each kind is read from, as :func:`chiso766.engines.backends.prepare_duckdb`
    returns them), through the cache. ``backend`` makes the Ibis engine the expressions are
    built on, over the same cursor; it is called only when a query is not in the cache."""

    def __init__(self, cursor: Any, names: dict[str, str], backend: Callable[[], Any]) -> None:
        self.cursor = cursor
        self.names = dict(names)
        self._backend = backend
        self._engine: Any = None
        self._inputs: dict[str, list[tuple[str, str]]] | None = None
        self.compiled: list[str] = []  # names of the queries compiled by this object

    def engine(self) -> Any:
        """The Ibis engine (made on first need)."""
        if self._engine is None:
            self._engine = self._backend()
        return self._engine

    def inputs(self) -> dict[str, list[tuple[str, str]]]:
        """Each input's relation and its columns and types, as DuckDB sees them (the
        dossiers with or without their stored working-day ordinals)."""
        if self._inputs is None:
            self._inputs = {
                f"{kind}={rel}": [
                    (str(r[0]), str(r[1]))
                    for r in self.cursor.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
                ]
                for kind, rel in sorted(self.names.items())
            }
        return self._inputs

    def run(
        self,
        name: str,
        build: Build,
        window: Window,
        skip: Sequence[tuple[str, str]] = (),
        **constants: Any,
    ) -> pd.DataFrame:
        """The frame of ``build(window, skip)``; ``constants`` are what else ``build`` bakes
        into the SQL (rows kept, rules)."""
        key = cache_key(name, self.inputs(), skip=bool(skip), **constants)
        query = load(key)
        if query is None:
            query = self._compile(build, SENTINEL, SENTINEL_SKIP if skip else ())
            sql = parameterise(query.sql)
            if sql is None:
                log.info("query %s cannot be parameterised: compiled for %s", name, window.key)
                query = self._compile(build, window, skip)
            else:
                query = Query(sql, query.schema)
                save(key, query)
        table = self.cursor.execute(query.sql, query.parameters(window, skip)).to_arrow_table()
        return to_frame(table, query.schema)

    def _compile(self, build: Build, window: Window, skip: Sequence[tuple[str, str]]) -> Query:
        expr = build(window, skip)
        sql = str(self.engine().backend.compile(expr))
        schema = {str(k): str(v) for k, v in expr.as_table().schema().items()}
        self.compiled.append(window.key)
        return Query(sql, schema)


__all__ = ["DuckQueries", "Query", "cache_dir", "cache_key", "parameterise", "to_frame"]
