"""Methodology catalogues as data: one YAML per version, loaded and validated here."""

from chiso766.methodology.catalogue import (
    Catalogue,
    ClassBand,
    Group,
    Indicator,
    MethodologyError,
    available_versions,
    load_bands,
    load_catalogue,
    version_for_date,
)

__all__ = [
    "Catalogue",
    "ClassBand",
    "Group",
    "Indicator",
    "MethodologyError",
    "available_versions",
    "load_bands",
    "load_catalogue",
    "version_for_date",
]
