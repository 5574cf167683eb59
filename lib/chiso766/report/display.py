"""Small display helpers for notebooks (kept here so notebooks stay a few lines each)."""

from __future__ import annotations

from IPython.display import HTML, display

from chiso766.report.charts import figure_html


def show(html: str) -> None:
    """Display an HTML fragment (already escaped by the view)."""
    if html:
        display(HTML(str(html)))


def show_figure(fig, alt: str, caption: str | None = None) -> None:
    """Display a figure as an embedded image (nothing if ``fig`` is None)."""
    if fig is None:
        return
    display(HTML(str(figure_html(fig, alt, caption))))
