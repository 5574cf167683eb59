"""An executed notebook → one self-contained HTML page: nbconvert without code or prompts, the
body sanitised (:mod:`chiso766.render.sanitize`), inlined CSS, and a final check that nothing would
load from elsewhere. stderr outputs (warnings) are dropped before export.

nbconvert is imported inside the functions (one exporter per process).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from markupsafe import Markup

from chiso766.render.errors import RenderError
from chiso766.render.page import jinja_env, report_css
from chiso766.render.sanitize import remote_references, sanitize_html
from chiso766.store import now_local

_LOCK = threading.Lock()
_EXPORTER: list[Any] = []


def _exporter() -> Any:
    """One HTMLExporter per process (a fresh one loads its templates, ~0,5 s; reused
    ~0,03 s); callers hold :data:`_LOCK` while they use it."""
    if not _EXPORTER:
        _EXPORTER.append(_new_exporter())
    return _EXPORTER[0]


def preload() -> None:
    """Import nbconvert and build the exporter ahead of the first page (a batch calls this
    while its kernels start)."""
    with _LOCK:
        _exporter()


def _new_exporter() -> Any:
    from chiso766.render.kernels import jupyter_imports

    with jupyter_imports():
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
        from traitlets.config import Config

    class Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its last pass, which parses and re-serialises
        the whole page with BeautifulSoup (~0,3 s for an announcement) only to add a
        ``tabindex`` to cells and an English alt text to images: the page is sanitised by
        :func:`sanitize_html` anyway, which gives an image without one an empty ``alt``."""

        def from_notebook_node(self, nb, resources=None, **kw):
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code",
                self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                ),
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    return Exporter(
        config=config,
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )


def drop_stderr(nb: Any) -> list[str]:
    """Remove stderr streams (warnings) from the outputs; return their text."""
    dropped: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        keep = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                dropped.append(str(out.get("text", "")).strip())
            else:
                keep.append(out)
        cell["outputs"] = keep
    return dropped


def notebook_to_html(
    nb: Any,
    *,
    title: str,
    numbered: bool = True,
    base_dir: Path | None = None,
    doc_class: str = "",
) -> str:
    """An executed notebook → one self-contained HTML page titled ``title`` (no code, no
    prompts); markdown images are read from ``base_dir`` and inlined."""
    resources = {"metadata": {"path": str(base_dir)}} if base_dir else None
    with _LOCK:
        body, _resources = _exporter().from_notebook_node(nb, resources=resources)
    body = sanitize_html(body)
    page = (
        jinja_env()
        .get_template("report.html.j2")
        .render(
            title=title,
            body=Markup(body),
            css=report_css(),
            numbered=numbered,
            doc_class=doc_class,
            generated=now_local(),
        )
    )
    found = remote_references(page)
    if found:
        raise RenderError(f"the page would load from elsewhere: {found[:5]}", stage="html")
    return page
