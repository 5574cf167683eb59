"""The measures schema: one declarative check (pandera) that every source's values pass on
their way to the store, whatever read them (tables, portal responses).

Each value row may carry where it came from, in private columns the store never sees:
``_file``, ``_row`` (a table's row), ``_column`` (a header, or a JSON field such as
``evaluation[2].totalScore``) and, for the other numbers, ``_column_numerator``,
``_column_denominator``, ``_column_max_score``. A failing row becomes one
:class:`~chiso766.ingest.errors.Problem` naming that place, the value and what is wrong.

A text column may come as categories (a table's 1,6 million values point at a few words:
its snapshots, scopes, kinds, levels): its column checks then run on each distinct text
once, and every row holding a failing text fails, as if the column had been checked row by
row.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from chiso766.compute.measures import KINDS, SCOPES
from chiso766.compute.units import LEVELS
from chiso766.i18n import N_, _
from chiso766.ingest.errors import Problem

EPS = 1e-9
ORIGIN = ("_file", "_row", "_column")
MAXIMUM = "_max"  # a reader's known maximum for a points value (catalogue), beside max_score
TEXT = ("snapshot", "unit_id", "level", "scope", "kind")  # the text columns checked

MSG_NOT_FINITE = N_("not a finite number (infinite or too large)")
MSG_NEGATIVE = N_("a negative value")
MSG_RATE_ABOVE_100 = N_("a percentage above 100")
MSG_POINTS_ABOVE_MAX = N_("points above the maximum of {maximum}")
MSG_RANK_WHOLE = N_("a rank must be a whole number")
MSG_RANK_START = N_("a rank starts at 1")
MSG_RANK_ABOVE_OF = N_("rank above the number ranked ({of})")
MSG_COUNT_WHOLE = N_("a count must be a whole number")
MSG_COUNT_NEGATIVE = N_("a negative count")
MSG_MAX_SCORE = N_("a maximum score must be a finite number from 0 to 100")
MSG_UNKNOWN = N_("not a known {what}")
_WHAT = (N_("level"), N_("scope"), N_("kind"))  # the {what} of MSG_UNKNOWN

Rule = tuple[str, str, Callable[[pd.DataFrame], pd.Series]]


def _finite_or_nan(s: pd.Series) -> pd.Series:
    return ~np.isinf(s.astype("float64"))


def _kind(frame: pd.DataFrame, kind: str) -> pd.Series:
    return frame["kind"] == kind


def _v(frame: pd.DataFrame) -> pd.Series:
    """The values, an infinite one as NaN (it breaks only the finiteness rule)."""
    v = frame["value"].astype("float64")
    return v.where(np.isfinite(v))


def _maximum(frame: pd.DataFrame) -> pd.Series:
    """The maximum a points value may reach: the source's own, else the reader's, else none."""
    own = frame["max_score"].astype("float64")
    known = frame[MAXIMUM].astype("float64") if MAXIMUM in frame else pd.Series(np.nan, frame.index)
    return own.where(own.notna() & np.isfinite(own), known)


def _whole(s: pd.Series) -> pd.Series:
    v = s.astype("float64")
    return v.isna() | np.isinf(v) | (v == np.floor(v))


# (check name, message, rows that pass) — value rules; NaN (no data) always passes
RULES: tuple[Rule, ...] = (
    ("value_finite", MSG_NOT_FINITE, lambda f: _finite_or_nan(f["value"])),
    (
        "value_negative",
        MSG_NEGATIVE,
        lambda f: ~(f["kind"].isin(["rate", "points"]) & (_v(f) < 0)),
    ),
    ("rate_max", MSG_RATE_ABOVE_100, lambda f: ~(_kind(f, "rate") & (_v(f) > 100 + EPS))),
    (
        "points_max",
        MSG_POINTS_ABOVE_MAX,
        lambda f: ~(_kind(f, "points") & (_v(f) > _maximum(f) + EPS)),
    ),
    ("rank_whole", MSG_RANK_WHOLE, lambda f: ~_kind(f, "rank") | _whole(_v(f))),
    ("rank_start", MSG_RANK_START, lambda f: ~(_kind(f, "rank") & (_v(f) < 1))),
    (
        "rank_of",
        MSG_RANK_ABOVE_OF,
        lambda f: ~(_kind(f, "rank") & (_v(f) > f["denominator"])),
    ),
    ("count_whole", MSG_COUNT_WHOLE, lambda f: ~_kind(f, "count") | _whole(_v(f))),
    ("count_negative", MSG_COUNT_NEGATIVE, lambda f: ~(_kind(f, "count") & (_v(f) < 0))),
)
# other numbers: (column, check name, message, rows that pass)
NUMBER_RULES: tuple[tuple[str, str, str, Callable[[pd.Series], pd.Series]], ...] = (
    ("numerator", "numerator_finite", MSG_NOT_FINITE, _finite_or_nan),
    ("numerator", "numerator_negative", MSG_COUNT_NEGATIVE, lambda s: ~(s < 0)),
    ("denominator", "denominator_finite", MSG_NOT_FINITE, _finite_or_nan),
    ("denominator", "denominator_negative", MSG_COUNT_NEGATIVE, lambda s: ~(s < 0)),
    ("max_score", "max_score_range", MSG_MAX_SCORE, lambda s: s.isna() | s.between(0, 100)),
    ("computed", "computed_finite", MSG_NOT_FINITE, _finite_or_nan),
)
MESSAGES = {name: msg for name, msg, _ in RULES} | {n: m for _, n, m, _ in NUMBER_RULES}


def _pandera():  # noqa: ANN202
    """``pandera.pandas``, imported without its probe of PySpark: where Spark is installed (the
    dossier engine's option) pandera imports ``pyspark.pandas`` to offer Spark frames —
    ~0,6 s and a warning on every ingest — and the workbook validates pandas frames only."""
    import sys

    blocked = "pyspark" not in sys.modules
    if blocked:
        sys.modules["pyspark"] = None  # type: ignore[assignment]
    try:
        import pandera.pandas as pa
    finally:
        if blocked and sys.modules.get("pyspark", 0) is None:
            del sys.modules["pyspark"]
    return pa


def measures_schema():  # noqa: ANN201 - pandera is imported only when values are checked
    """The pandera schema of a measures frame (with the private origin columns)."""
    pa = _pandera()

    numbers = {}
    for column, name, _msg, ok in NUMBER_RULES:
        numbers.setdefault(column, []).append(pa.Check(ok, name=name))
    columns = {
        "snapshot": pa.Column(str, nullable=False, coerce=True),
        "unit_id": pa.Column(str, nullable=False),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "scope": pa.Column(str, pa.Check.isin(SCOPES)),
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        "value": pa.Column(float, nullable=True, coerce=True),
        **{
            c: pa.Column(float, checks=checks, nullable=True, coerce=True, required=False)
            for c, checks in numbers.items()
        },
    }
    checks = [pa.Check(ok, name=name) for name, _msg, ok in RULES]
    return pa.DataFrameSchema(columns, checks=checks, strict=False)


def check_measures(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Every rule a row of ``frame`` breaks, as problems naming its file, row and column."""
    if frame.empty:
        return []
    frame = frame.reset_index(drop=True)
    for col in ("numerator", "denominator", "max_score", "computed", "value"):
        if col in frame:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        else:
            frame[col] = np.nan
    schema = measures_schema()
    coded = [c for c in TEXT if c in frame and isinstance(frame[c].dtype, pd.CategoricalDtype)]
    cases = [_failures(schema.remove_columns(coded), frame)]
    cases += [_coded_failures(schema.columns[c], frame[c]) for c in coded]
    cases = [c for c in cases if c is not None]
    if not cases:
        return []
    # in pandera's order: the columns' failures first (it sorts them so)
    found = pd.concat(cases, ignore_index=True).sort_values("schema_context", ascending=False)
    return _problems(frame, found, file)


def _failures(schema, frame: pd.DataFrame) -> pd.DataFrame | None:  # noqa: ANN001
    """pandera's failure cases of ``frame`` (validated in place: it is the caller's copy)."""
    _pandera()
    import pandera.errors as pe

    try:
        schema.validate(frame, lazy=True, inplace=True)
    except pe.SchemaErrors as exc:
        return exc.failure_cases
    return None


def _coded_failures(column, values: pd.Series) -> pd.DataFrame | None:  # noqa: ANN001
    """The failure cases of the column check ``column`` on a categorical column, found on
    its distinct texts (a null among them if a row has none) and spread to their rows."""
    codes = values.cat.codes.to_numpy()
    distinct = values.cat.categories  # of the column's own dtype
    if (codes < 0).any():
        codes = np.where(codes < 0, len(distinct), codes)
        distinct = distinct.insert(len(distinct), None)
    once = pd.DataFrame({values.name: pd.Series(distinct, index=None, copy=False)})
    found = _failures(_pandera().DataFrameSchema({values.name: column}), once)
    if found is None:
        return None
    parts = []
    for case in found.to_dict("records"):
        at = case["index"]
        rows = np.flatnonzero(codes == int(at)) if at is not None and at == at else [None]
        parts.append(pd.DataFrame({**case, "index": pd.Series(rows, dtype=object)}))
    return pd.concat(parts, ignore_index=True)


def _problems(frame: pd.DataFrame, cases: pd.DataFrame, file: str) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple] = set()
    for check, column, index in cases[["check", "column", "index"]].itertuples(index=False):
        if index is None or (isinstance(index, float) and math.isnan(index)):
            continue
        i = int(index)
        name = str(check).split("(")[0]
        if name == "isin":
            name = f"{column}_known"
        field = column if name in _NUMBER_CHECKS else "value"
        key = (i, name, field)
        if key in seen:
            continue
        seen.add(key)
        out.append(_problem(frame.iloc[i], name, field, file))
    return sorted(out, key=lambda p: (p.file, p.row or 0, p.column or ""))


_NUMBER_CHECKS = {name for _, name, *_ in NUMBER_RULES}


def _origin(row: pd.Series, key: str, default=None):  # noqa: ANN001, ANN202
    value = row.get(key, default)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def _problem(row: pd.Series, check: str, field: str, file: str) -> Problem:
    value = row.get(field)
    if check in MESSAGES:
        message = _(MESSAGES[check])
    else:  # an isin check on level/scope/kind ("level_known")
        what = check.removesuffix("_known")
        value = row.get(what)
        message = _(MSG_UNKNOWN).format(what=_(what))
    if check == "points_max":
        maximum = _maximum(row.to_frame().T).iloc[0]
        message = message.format(maximum=f"{float(maximum):g}")
    elif check == "rank_of":
        message = message.format(of=f"{float(row['denominator']):g}")
    column = _origin(row, "_column")
    if field != "value":
        column = _origin(row, f"_column_{field}", f"{column}.{field}" if column else field)
    at = _origin(row, "_row")
    return Problem(
        str(_origin(row, "_file", file)),
        int(at) if at is not None else None,
        column,
        _show(value),
        message,
    )


def _show(value) -> str | None:  # noqa: ANN001
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:g}" if math.isfinite(value) else str(value)
    return str(value)[:80]
