"""Read every input of one `ingest` call — tables and portal folders mixed — before any of
them is stored.

Each source kind has one reader, and that reader is its validation boundary
(:mod:`chiso766.ingest.tables`, :mod:`chiso766.ingest.portal`, both ending in the measures
schema of :mod:`chiso766.ingest.schema`). This module only dispatches, turns every expected
failure into :class:`~chiso766.ingest.errors.Problem` rows, and returns what the store needs
(:class:`~chiso766.store.Load`) so the whole batch is stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chiso766.compute.periods import PeriodError
from chiso766.i18n import N_, _, ngettext
from chiso766.ingest.errors import IngestError, Problem
from chiso766.methodology import MethodologyError
from chiso766.store import IngestResult, Load, Source, sha256_of

MSG_UNDATED = N_(
    "values without a date cannot be stored; put the date in the column header "
    "(e.g. 'Điểm đánh giá (08/4/2025)') or pass --snapshot"
)
MSG_NOT_FOUND = N_("file not found")
LAYOUTS = {"units": N_("one row per unit"), "indicators": N_("one row per indicator")}
MSG_NOT_PORTAL = N_(
    "not a folder of portal responses (expected <endpoint>.json files such as "
    "transparency.json, or an archive written by 'chiso766 fetch')"
)


@dataclass
class SourceRead:
    """One input read and validated: what to store, and how to say what was stored."""

    path: str
    kind: str  # "table" or "portal"
    load: Load
    describe: Callable[[IngestResult], str]
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """The ingest options that apply to tables (unit, level…) and portal folders (period)."""

    methodology: str = "auto"
    unit: str | None = None
    level: str | None = None
    snapshot: str | None = None
    sheet: str | None = None
    period: str | None = None


def read_sources(
    paths: list[Path],
    options: Options,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[SourceRead], list[Problem]]:
    """Read every path; return the reads and every problem found (the batch is stored only
    when there is none). ``progress(done, total, name)`` is told of each file begun."""
    reads: list[SourceRead] = []
    problems: list[Problem] = []
    for n, path in enumerate(paths, start=1):
        if progress is not None:
            progress(n, len(paths), _("reading {name}…").format(name=path.name))
        try:
            if path.is_dir():
                reads.append(read_portal(path, options.period))
            else:
                reads.append(read_one_table(path, options))
        except IngestError as exc:
            problems.extend(exc.problems)
        except (MethodologyError, PeriodError) as exc:
            problems.append(Problem(str(path), None, None, None, str(exc)))
    return reads, problems


def read_one_table(path: Path, options: Options) -> SourceRead:
    """A table (CSV/XLSX) as a store load."""
    from chiso766.ingest.tables import UNDATED, read_table

    read = read_table(
        path,
        methodology=options.methodology,
        unit=options.unit,
        level=options.level,
        snapshot=options.snapshot,
        sheet=options.sheet,
    )
    if UNDATED in read.snapshots:
        raise IngestError([Problem(read.path, None, None, None, _(MSG_UNDATED))])
    source = Source(
        read.path,
        sha256_of(path),
        "table",
        read.methodology,
        {"layout": read.layout, "warnings": [w.problem for w in read.warnings]},
    )
    info = {k: {**v, "methodology": read.methodology} for k, v in read.snapshot_info.items()}

    def describe(res: IngestResult) -> str:
        if res.status == "unchanged":
            verb = _("already ingested, nothing changed")
        else:
            verb = ngettext("{n} value", "{n} values", res.rows).format(n=res.rows)
        return _("{path}: {what}; snapshots {snapshots} ({layout}, {methodology})").format(
            path=read.path,
            what=verb,
            snapshots=", ".join(res.snapshots),
            layout=_(LAYOUTS.get(read.layout, read.layout)),
            methodology=read.methodology,
        )

    if read.table is not None:  # one row per unit: Arrow, keys known unique
        load = Load(
            None, source, info, table=read.table, unique_keys=read.unique_keys, units=read.units
        )
    else:
        load = Load(read.measures, source, info, conformed=True)  # read_table conforms
    return SourceRead(read.path, "table", load, describe, read.warnings)


def read_portal(path: Path, period: str | None) -> SourceRead:
    """A folder of portal responses (or a fetch archive) as a store load."""
    from chiso766.ingest.portal import is_portal_folder, read_portal_folder, summary_line

    if not is_portal_folder(path):
        raise IngestError([Problem(str(path), None, None, None, _(MSG_NOT_PORTAL))])
    read = read_portal_folder(path, period)

    def describe(res: IngestResult) -> str:
        return summary_line(read, res)

    load = Load(read.measures, read.source(), read.snapshot_info, unit_codes=read.units)
    return SourceRead(str(read.folder), "portal", load, describe, [])
