"""Synthetic demo data: a year of weekly Bộ chỉ số 766 snapshots of a fictional province.

**The data made here is invented.** The province (:data:`PROVINCE_NAME`), its communes and
districts are fictional and every figure is drawn from a seeded random model; reports built
from it should say so (:data:`SYNTHETIC_NOTE_VI`).

:func:`generate` returns a :class:`DemoData` whose ``measures`` is a tidy measures frame (see
:mod:`chiso766.compute.measures`), pure and deterministic: the same arguments give identical frames;
nothing is read or written. Two shapes are offered:

- ``"merged"``: after 1/7/2025 (methodology ``portal-2026``, 34 provinces): the province, 18
  departments and 100 communes/wards in each snapshot;
- ``"districts"``: before the merger (methodology ``qd766-2022``, 63 provinces): the province,
  17 departments, 9 districts and 60 communes in each snapshot.

Department names are today's in both shapes (a simplification); unit names other than the
departments' are made up from common place-name syllables and do not depend on the seed.

Each snapshot (a weekly day, "2026-11-17") has, per unit, one rate row per scored indicator
of its level, some of them with dossier/petition counts (the value is then the rounded
ratio of the counts; units without petitions have 0/0 and no value), and for the province its
national rank in total (code ``"total"``) and per group. The model behind the values: a
persistent unit level, a slow trend and weekly noise, plus a story for the reports to tell
(see :attr:`DemoData.story`): units improving all year, units collapsing at some week, a
department the system reports no data for on some weeks (NaN values, never 0, and the note
"Hệ thống không thông báo dữ liệu"), one unit new and one gone part-way (a renaming), and two
communes tied exactly in the last snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
import pandas as pd

from chiso766.compute import measures as M
from chiso766.compute.scoring import points_from_ratio, round_half_up, zero_denominator_points
from chiso766.compute.units import COMMUNE, DEPARTMENT, DISTRICT, PROVINCE, unit_id
from chiso766.methodology import Catalogue, load_catalogue

__all__ = [
    "NO_DATA_NOTE",
    "PROVINCE_NAME",
    "SYNTHETIC_NOTE_VI",
    "VARIANTS",
    "DemoData",
    "generate",
]

PROVINCE_NAME = "UBND tỉnh Tây Sơn"
SYNTHETIC_NOTE_VI = (
    "Dữ liệu mẫu do phần mềm tạo ngẫu nhiên; tỉnh Tây Sơn và các đơn vị trực thuộc là hư cấu."
)
NO_DATA_NOTE = "Hệ thống không thông báo dữ liệu"
VARIANTS: tuple[str, ...] = ("merged", "districts")

# --- units ------------------------------------------------------------------------------

_CORE_DEPARTMENTS = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
)
_DEPARTMENTS_MERGED = (
    *_CORE_DEPARTMENTS,
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Công an tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Văn phòng Đăng ký đất đai",
)
_DEPARTMENTS_DISTRICTS = (
    *_CORE_DEPARTMENTS,
    "Ban Quản lý Khu kinh tế",
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Công an tỉnh",
    "Bảo hiểm xã hội tỉnh",
)
# Typical dossiers a month (the rest draw a volume at random).
_DEPARTMENT_VOLUME = {
    "Sở Nội vụ": 1500,
    "Sở Tài chính": 2200,
    "Sở Xây dựng": 6500,
    "Sở Y tế": 900,
    "Sở Tư pháp": 3200,
    "Sở Công Thương": 700,
    "Sở Giáo dục và Đào tạo": 450,
    "Sở Khoa học và Công nghệ": 160,
    "Sở Nông nghiệp và Môi trường": 2800,
    "Sở Văn hóa, Thể thao và Du lịch": 220,
    "Sở Dân tộc và Tôn giáo": 25,
    "Sở Ngoại vụ": 12,
    "Văn phòng UBND tỉnh": 60,
    "Thanh tra tỉnh": 20,
    "Công an tỉnh": 5200,
    "Bảo hiểm xã hội tỉnh": 3000,
    "Văn phòng Đăng ký đất đai": 4100,
    "Ban Quản lý Khu kinh tế": 140,
    "Ban Quản lý các khu công nghiệp": 180,
}
_NO_DATA_DEPARTMENT = "Sở Ngoại vụ"
# A renaming part-way through the year: the old unit is gone, the new one is new.
_RENAMES = {
    "merged": ("Ban Quản lý các khu công nghiệp", "Ban Quản lý Khu kinh tế", DEPARTMENT),
    "districts": ("UBND xã Tân Thành", "UBND phường Tân Thành", COMMUNE),
}

_FIRST = (
    "An", "Bình", "Cẩm", "Đại", "Đông", "Gia", "Hòa", "Hưng", "Kim", "Long", "Minh", "Mỹ",
    "Nam", "Ngọc", "Phú", "Phúc", "Phước", "Quang", "Quảng", "Sơn", "Tân", "Thạnh", "Thanh",
    "Thuận", "Tiên", "Trung", "Vĩnh", "Xuân", "Yên", "Hải", "Lạc", "Đức", "Bảo", "Cát",
    "Hồng", "Lâm", "Tam", "Thái", "Vạn", "Hiệp",
)  # fmt: skip
_SECOND = (
    "An", "Bình", "Hòa", "Hưng", "Lộc", "Lợi", "Long", "Mỹ", "Phong", "Phú", "Phúc", "Sơn",
    "Tân", "Thành", "Thịnh", "Thuận", "Tiến", "Trung", "Xuân", "Điền", "Hải", "Hà", "Lâm",
    "Linh", "Nghĩa", "Quang", "Khánh", "Đông", "Tây", "Bắc", "Giang", "Hiệp", "Thạnh", "Vinh",
    "Định", "Hội", "Ninh", "Lương",
)  # fmt: skip
_NAME_SEED = 20250701  # place names are fixed: they do not depend on the caller's seed


def _place_names(count: int) -> list[str]:
    """``count`` distinct two-syllable place names, always the same ones in the same order."""
    pairs = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
    order = np.random.default_rng(_NAME_SEED).permutation(len(pairs))
    names = [pairs[i] for i in order if pairs[i] != "Tân Thành"]
    return names[:count]


@dataclass(frozen=True)
class _Shape:
    methodology: str
    provinces: int
    end: date
    departments: tuple[str, ...]
    districts: tuple[tuple[str, int], ...]  # (prefix, how many)
    communes: tuple[tuple[str, int], ...]


_SHAPES = {
    "merged": _Shape(
        methodology="portal-2026",
        provinces=34,
        end=date(2026, 11, 17),
        departments=_DEPARTMENTS_MERGED,
        districts=(),
        communes=(("UBND xã", 80), ("UBND phường", 20)),
    ),
    "districts": _Shape(
        methodology="qd766-2022",
        provinces=63,
        end=date(2025, 4, 8),
        departments=_DEPARTMENTS_DISTRICTS,
        districts=(("UBND thành phố", 1), ("UBND thị xã", 2), ("UBND huyện", 6)),
        communes=(("UBND xã", 45), ("UBND phường", 9), ("UBND thị trấn", 5)),
    ),
}


def _unit_table(variant: str) -> pd.DataFrame:
    """Units of a variant, in display order: name, level (the renamed pair not included)."""
    shape = _SHAPES[variant]
    n_places = sum(n for _, n in shape.districts) + sum(n for _, n in shape.communes)
    places = iter(_place_names(n_places))
    rows = [(PROVINCE_NAME, PROVINCE)]
    rows += [(name, DEPARTMENT) for name in shape.departments]
    for prefix, n in shape.districts:
        rows += [(f"{prefix} {next(places)}", DISTRICT) for _ in range(n)]
    for prefix, n in shape.communes:
        rows += [(f"{prefix} {next(places)}", COMMUNE) for _ in range(n)]
    return pd.DataFrame(rows, columns=["unit", "level"])


# --- indicators ---------------------------------------------------------------------------

# code: (difficulty = how much of a unit's shortfall shows in the indicator, counted by)
# counted by: None (a rate only), "dossiers", "fees", "rated", "synced", "petitions", "rated_pakn"
_PROFILE: dict[str, tuple[float, str | None]] = {
    "PUBLISH_ON_TIME": (1.5, None),
    "PUBLIC_UPDATE_ON_TIME": (1.1, None),
    "PUBLIC_CONTENT_FULL": (0.3, None),
    "DOSSIER_SYNC": (1.1, "synced"),
    "PROGRESS_ON_TIME": (0.45, "dossiers"),
    "ONLINE_PROVIDED": (1.3, None),
    "ONLINE_SERVICE_WITH_DOSSIERS": (2.0, None),
    "ONLINE_DOSSIERS": (2.2, "dossiers"),
    "PAYMENT_DOSSIERS": (1.4, "fees"),
    "PAYMENT_PROCEDURES": (1.8, None),
    "PAYMENT_FEE_INTEGRATED": (1.2, None),
    "ORIGINAL_RESULT_AVAILABLE": (0.9, None),
    "SO_HOA_GIAY_TO_GIAI_QUYET": (1.0, None),
    "ELECTRONIC_CERTIFIED_COPY": (0.0, None),
    "REUSED_DIGITIZED_DATA": (1.1, None),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": (1.3, None),
    "CITIZEN_DATA_CONNECTED_DOSSIER": (1.1, None),
    "CITIZEN_DATA_CONNECTED_FORMALITY": (0.8, None),
    "PETITION_PROCESSING_ON_TIME": (0.6, "petitions"),
    "PETITION_HANDLING_SATISFACTION": (0.7, "rated_pakn"),
    "DOSSIER_RECEIVING_SATISFACTION": (0.35, "rated"),
}
_CRISIS_CODES = ("PROGRESS_ON_TIME", "DOSSIER_SYNC")
_FLOATS = ("value", "numerator", "denominator", "max_score")


def _round2(x: np.ndarray) -> np.ndarray:
    """Round half up to 2 decimals as :func:`chiso766.compute.scoring.round_half_up` does."""
    return np.floor(np.abs(x) * 100 + 0.5 + 1e-9) / 100 * np.sign(x) + 0.0


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den in %, rounded as :func:`chiso766.compute.scoring.ratio_from_counts`; NaN if 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = 100.0 * num / den
    return np.where(den > 0, _round2(np.where(den > 0, raw, 0.0)), np.nan)


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    """Synthetic measures of :data:`PROVINCE_NAME` and what they were made to show.

    ``story`` maps "improving", "collapsing", "top" (≥ 90 all year), "no_data", "new",
    "gone" and "tie" (two communes equal in the last snapshot) to unit ids.
    """

    measures: pd.DataFrame
    province: str
    methodology: str
    variant: str
    story: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def snapshots(self) -> list[str]:
        """Snapshot keys, oldest first."""
        return sorted(self.measures["snapshot"].unique())

    @property
    def catalogue(self) -> Catalogue:
        """The methodology catalogue the data is meant to be scored with."""
        return load_catalogue(self.methodology)


# --- generation ------------------------------------------------------------------------------


def generate(
    variant: str = "merged",
    seed: int = 766,
    weeks: int = 52,
    end: date | None = None,
) -> DemoData:
    """A year (``weeks``) of weekly snapshots ending at ``end`` (default 17/11/2026 for
    "merged", 08/4/2025 for "districts"; both Tuesdays). Pure: no I/O; same arguments →
    identical frames. The data is synthetic (see the module docstring)."""
    if variant not in _SHAPES:
        raise ValueError(f"unknown demo variant {variant!r} (known: {', '.join(VARIANTS)})")
    if weeks < 8:
        raise ValueError("the demo needs at least 8 weekly snapshots")
    shape = _SHAPES[variant]
    end = end or shape.end
    cat = load_catalogue(shape.methodology)
    days = [end - timedelta(days=7 * (weeks - 1 - t)) for t in range(weeks)]
    if (cat.valid_from and days[0] < cat.valid_from) or (cat.valid_to and days[-1] > cat.valid_to):
        raise ValueError(
            f"snapshots {days[0]}…{days[-1]} fall outside {cat.version} "
            f"({cat.valid_from}…{cat.valid_to or ''})"
        )
    rng = np.random.default_rng(seed)
    frame, story = _build(variant, shape, cat, rng, [d.isoformat() for d in days])
    return DemoData(
        measures=frame,
        province=PROVINCE_NAME,
        methodology=cat.version,
        variant=variant,
        story=MappingProxyType(story),
    )


def _build(variant, shape, cat, rng, keys):
    W = len(keys)
    t = np.arange(W)
    x = t / (W - 1)
    units = _unit_table(variant)
    old_name, new_name, renamed_level = _RENAMES[variant]
    # The renamed pair goes at the end of its level block.
    last_of_level = units.index[units["level"] == renamed_level].max()
    extra = pd.DataFrame(
        [(old_name, renamed_level), (new_name, renamed_level)], columns=units.columns
    )
    units = pd.concat([units.iloc[: last_of_level + 1], extra, units.iloc[last_of_level + 1 :]])
    units = units.reset_index(drop=True)
    units["unit_id"] = [unit_id(n, lv) for n, lv in zip(units["unit"], units["level"], strict=True)]
    U = len(units)
    level = units["level"].to_numpy()
    is_prov = level == PROVINCE
    is_dep = level == DEPARTMENT
    is_dis = level == DISTRICT
    is_com = level == COMMUNE

    # Presence: the renamed pair swaps at ~60 % of the year.
    present = np.ones((U, W), dtype=bool)
    swap = int(round(0.6 * (W - 1)))
    i_old = int(units.index[units["unit"] == old_name][0])
    i_new = int(units.index[units["unit"] == new_name][0])
    present[i_old, swap:] = False
    present[i_new, :swap] = False

    # No data: a department, three weeks mid-year and the last two.
    i_nodata = int(units.index[units["unit"] == _NO_DATA_DEPARTMENT][0])
    nodata = np.zeros((U, W), dtype=bool)
    mid = int(round(0.4 * (W - 1)))
    nodata[i_nodata, [mid, mid + 1, mid + 2, W - 2, W - 1]] = True
    has_data = present & ~nodata

    # Latent level L (≈ total points) = unit effect + slow trend + AR(1) noise + common swing.
    base = np.where(
        is_dep,
        rng.normal(81, 7, U),
        np.where(is_dis, rng.normal(83, 5, U), rng.normal(78, 8, U)),
    )
    slope = rng.normal(0, 3, U)
    phi, sd = 0.7, 1.3
    noise = np.zeros((U, W))
    eps = rng.normal(0, sd, (U, W))
    noise[:, 0] = eps[:, 0] / np.sqrt(1 - phi**2)
    for k in range(1, W):
        noise[:, k] = phi * noise[:, k - 1] + eps[:, k]
    common = np.cumsum(rng.normal(0, 0.35, W))
    common -= common.mean()
    level_L = base[:, None] + slope[:, None] * (x - 0.5) + noise + common[None, :]

    # The story: pick units (not the no-data one, not the renamed pair) by role.
    busy = {i_nodata, i_old, i_new}
    communes = [i for i in np.flatnonzero(is_com) if i not in busy]
    departments = [i for i in np.flatnonzero(is_dep) if i not in busy]
    pick_c = [int(i) for i in rng.choice(communes, size=7, replace=False)]
    pick_d = [int(i) for i in rng.choice(departments, size=3, replace=False)]
    improving = [pick_c[0], pick_c[1], pick_d[0]]
    collapsing = [pick_c[2], pick_c[3], pick_d[1]]
    star = pick_c[4]
    tie = (pick_c[5], pick_c[6])
    for i in improving:  # steady climb of 18–26 points over the year
        start = rng.uniform(58, 66)
        gain = rng.uniform(18, 26)
        level_L[i] = start + gain * x + noise[i] * 0.6
    crisis = np.ones((U, W))  # a collapse shows most in overdue dossiers and sync
    for i, fallen in zip(collapsing, (26, 46, 54), strict=True):
        # Good (82–88) until a sharp fall at some week to ~``fallen``; barely recovers after.
        week = int(rng.integers(int(0.55 * W), int(0.85 * W)))
        crisis[i, week:] = 2.0
        level_L[i] = rng.uniform(82, 88) + noise[i] * 0.6
        level_L[i, week:] += fallen + rng.uniform(0, 3) - level_L[i, week]
        level_L[i, week:] += np.linspace(0, rng.uniform(0, 3), W - week)
    level_L[star] = 96 + noise[star] * 0.4  # a unit at the top all year
    level_L = np.clip(level_L, 5, 99.5)
    shortfall = 100 - level_L

    # Volumes: dossiers a month per unit; petitions (PAKN) are rare at commune level.
    names = units["unit"].tolist()
    vol = np.where(
        is_dep,
        np.exp(rng.normal(np.log(600), 0.8, U)),
        np.where(is_dis, rng.uniform(1200, 5500, U), rng.uniform(150, 1800, U)),
    )
    if variant == "districts":
        vol = np.where(is_com, vol * 0.3, vol)
    for i, name in enumerate(names):
        if name in _DEPARTMENT_VOLUME:
            vol[i] = _DEPARTMENT_VOLUME[name] * rng.uniform(0.85, 1.15)
    fee_share = rng.uniform(0.3, 0.7, U)
    pakn_rate = np.where(is_com, rng.uniform(0.05, 1.2, U), rng.uniform(0.3, 9, U))
    pakn_rate[i_nodata] = 0.0  # a department nobody files petitions with
    seasonal = 1 + 0.12 * np.sin(2 * np.pi * (x + rng.uniform(0, 1)))
    dossiers = np.maximum(3, np.rint(vol[:, None] * seasonal * rng.lognormal(0, 0.12, (U, W))))
    counts = {
        "dossiers": dossiers,
        "synced": dossiers + rng.poisson(0.02 * dossiers),
        "rated": np.rint(dossiers * rng.uniform(0.9, 1.0, (U, W))),
        "fees": np.maximum(1, np.rint(dossiers * fee_share[:, None])),
    }
    pakn = rng.poisson(np.broadcast_to(pakn_rate[:, None], (U, W))).astype(float)
    counts["petitions"] = pakn
    counts["rated_pakn"] = rng.binomial(pakn.astype(np.int64), 0.75).astype(float)

    # Indicator ratios: 100 − shortfall × difficulty × a persistent unit factor × noise.
    codes = [c for c, ind in cat.indicators.items() if ind.scored]
    ratios, nums, dens = {}, {}, {}
    for code in codes:
        difficulty, counted = _PROFILE[code]
        unit_factor = rng.lognormal(0, 0.35, U)[:, None]
        weekly = rng.lognormal(0, 0.12, (U, W))
        if code in _CRISIS_CODES:
            weekly = weekly * crisis
        r = np.clip(100 - shortfall * difficulty * unit_factor * weekly, 0, 100)
        if counted is None:
            ratios[code] = _round2(r)
        else:
            den = counts[counted]
            num = rng.binomial(den.astype(np.int64), r / 100).astype(float)
            nums[code], dens[code] = num, den
            ratios[code] = _ratio(num, den)

    # The tie: in the last snapshot commune B reports A's ratios on twice A's counts.
    a, b = tie
    for code in codes:
        ratios[code][b, -1] = ratios[code][a, -1]
        if code in nums:
            nums[code][b, -1] = 2 * nums[code][a, -1]
            dens[code][b, -1] = 2 * dens[code][a, -1]

    # The province: counted indicators pool its units; the others follow its own level.
    p = int(np.flatnonzero(is_prov)[0])
    units_mask = has_data & ~is_prov[:, None]
    weights = np.where(units_mask, dossiers, 0.0)
    prov_L = (weights * level_L).sum(0) / weights.sum(0)
    prov_noise = np.zeros(W)
    for k, e in enumerate(rng.normal(0, 0.3, W)):
        prov_noise[k] = 0.8 * prov_noise[k - 1] + e if k else e
    prov_shortfall = 100 - np.clip(prov_L - 5 + prov_noise, 5, 99.5)
    for code in codes:
        difficulty, counted = _PROFILE[code]
        if counted is None:
            r = 100 - prov_shortfall * difficulty * rng.lognormal(0, 0.25) * rng.lognormal(
                0, 0.06, W
            )
            ratios[code][p] = _round2(np.clip(r, 0, 100))
        else:
            nums[code][p] = np.where(units_mask, nums[code], 0).sum(0)
            dens[code][p] = np.where(units_mask, dens[code], 0).sum(0)
            ratios[code][p] = _ratio(nums[code][p], dens[code][p])
    # Copied indicators: every unit shows the province's value.
    for code in codes:
        if cat.indicators[code].copied_from_province:
            ratios[code][:] = ratios[code][p][None, :]

    # --- rows ---------------------------------------------------------------------------
    code_order = {c: k for k, c in enumerate(codes)}
    blocks = []
    uu, ww = np.meshgrid(np.arange(U), t, indexing="ij")
    for code in codes:
        applies = np.isin(level, cat.indicators[code].levels)[:, None] & present
        sel = applies.ravel()
        ui, wi = uu.ravel()[sel], ww.ravel()[sel]
        nd = nodata.ravel()[sel]
        val = ratios[code].ravel()[sel]
        num = nums[code].ravel()[sel] if code in nums else np.full(sel.sum(), np.nan)
        den = dens[code].ravel()[sel] if code in dens else np.full(sel.sum(), np.nan)
        blocks.append(
            {
                "_u": ui,
                "_w": wi,
                "_s": np.full(len(ui), 1),
                "_c": np.full(len(ui), code_order[code]),
                "scope": np.full(len(ui), "indicator", dtype=object),
                "code": np.full(len(ui), code, dtype=object),
                "kind": np.full(len(ui), "rate", dtype=object),
                "value": np.where(nd, np.nan, val),
                "numerator": np.where(nd, np.nan, num),
                "denominator": np.where(nd, np.nan, den),
                "note": np.where(nd, NO_DATA_NOTE, None),
            }
        )
    # The no-data weeks also carry an empty total with the note, as announcements list them.
    ui, wi = np.nonzero(nodata)
    blocks.append(
        {
            "_u": ui,
            "_w": wi,
            "_s": np.full(len(ui), 0),
            "_c": np.full(len(ui), 0),
            "scope": np.full(len(ui), "total", dtype=object),
            "code": np.full(len(ui), "", dtype=object),
            "kind": np.full(len(ui), "points", dtype=object),
            "value": np.full(len(ui), np.nan),
            "numerator": np.full(len(ui), np.nan),
            "denominator": np.full(len(ui), np.nan),
            "max_score": np.full(len(ui), cat.total_max),
            "note": np.full(len(ui), NO_DATA_NOTE, dtype=object),
        }
    )
    blocks.append(_national_ranks(shape, cat, rng, ratios, nums, dens, p, W))
    cols = {}
    for key in blocks[0]:
        cols[key] = np.concatenate([b[key] for b in blocks if key in b] or [])
    cols["max_score"] = np.concatenate(
        [b.get("max_score", np.full(len(b["_u"]), np.nan)) for b in blocks]
    )
    order = np.lexsort((cols["_c"], cols["_s"], cols["_u"], cols["_w"]))
    cols = {k: v[order] for k, v in cols.items()}
    cols["snapshot"] = np.asarray(keys, dtype=object)[cols["_w"]]
    for col in ("unit_id", "unit", "level"):
        cols[col] = units[col].to_numpy(dtype=object)[cols["_u"]]
    # Text stays object (as conform wants it) rather than being inferred as strings first.
    frame = pd.DataFrame(
        {
            c: pd.Series(cols[c], dtype=object if c not in _FLOATS else "float64")
            for c in M.COLUMNS
            if c in cols
        }
    )
    frame = M.conform(frame)

    ids = units["unit_id"].tolist()
    story = {
        "improving": tuple(ids[i] for i in improving),
        "collapsing": tuple(ids[i] for i in collapsing),
        "top": (ids[star],),
        "no_data": (ids[i_nodata],),
        "new": (ids[i_new],),
        "gone": (ids[i_old],),
        "tie": (ids[a], ids[b]),
    }
    return frame, story


def _national_ranks(shape, cat, rng, ratios, nums, dens, p, W) -> dict:
    """The province's national rank in total and per group among simulated other provinces."""
    groups = cat.group_codes()
    maxima = np.array([cat.group(g).max for g in groups])
    own = np.zeros((len(groups), W))
    for gi, g in enumerate(groups):
        for code in cat.group(g).indicators:
            ind = cat.indicators[code]
            if not ind.scored or PROVINCE not in ind.levels:
                continue
            for k in range(W):
                if code in dens and dens[code][p, k] == 0:
                    pts = zero_denominator_points(ind)
                else:
                    pts = points_from_ratio(ind, float(ratios[code][p, k]))
                own[gi, k] += 0.0 if np.isnan(pts) else round_half_up(pts, 2)
    own_total = own.sum(0)

    n = shape.provinces - 1
    strength = rng.normal(78, 8, n)
    g_offset = rng.normal(0, 6, (n, len(groups)))
    drift = rng.normal(0, 3, n)[:, None] * (np.arange(W) / (W - 1) - 0.5)
    wobble = np.cumsum(rng.normal(0, 1.2, (n, len(groups), W)), axis=2) * 0.6
    rates = (strength[:, None, None] + g_offset[:, :, None] + drift[:, None, :]) + wobble
    rates += rng.normal(0, 1.5, rates.shape)
    others = np.round(np.clip(rates, 20, 100) * maxima[None, :, None] / 100, 2)
    others_total = np.round(others.sum(1), 2)

    rows_code, rows_w, rows_v = [], [], []
    for k in range(W):
        rank = 1 + int((others_total[:, k] > round_half_up(own_total[k], 2)).sum())
        rows_code.append("total")
        rows_w.append(k)
        rows_v.append(rank)
        for gi, g in enumerate(groups):
            rank = 1 + int((others[:, gi, k] > round_half_up(own[gi, k], 2)).sum())
            rows_code.append(g)
            rows_w.append(k)
            rows_v.append(rank)
    m = len(rows_w)
    code_sort = {c: i for i, c in enumerate(["total", *groups])}
    return {
        "_u": np.full(m, p),
        "_w": np.array(rows_w),
        "_s": np.full(m, 2),
        "_c": np.array([code_sort[c] for c in rows_code]),
        "scope": np.full(m, "rank", dtype=object),
        "code": np.array(rows_code, dtype=object),
        "kind": np.full(m, "rank", dtype=object),
        "value": np.array(rows_v, dtype=float),
        "numerator": np.full(m, np.nan),
        "denominator": np.full(m, float(shape.provinces)),
        "note": np.full(m, None, dtype=object),
    }
