"""Self-contained HTML: :func:`sanitize_html` drops scripts, frames, links, event handlers and
any load that is not a ``data:`` URI; :func:`remote_references` lists whatever in a page would
still load from elsewhere or run a script (a rendered page must have none). The pages'
Content-Security-Policy, which forbids remote loads as well, is in ``templates/*.html.j2``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_LOAD_ATTRS = {
    "src", "srcset", "poster", "data", "background", "action", "formaction", "manifest", "ping",
    "lowsrc", "dynsrc", "codebase", "archive", "longdesc", "imagesrcset", "href", "xlink:href",
}  # fmt: skip
_NAV_TAGS = {"a", "area"}
_DROP_VOID = {"link", "meta", "base", "embed", "param", "source", "track"}
_DROP_CONTENT = {
    "script", "iframe", "object", "frame", "frameset", "applet", "noscript", "template",
    "noembed", "noframes", "audio", "video", "title",
}  # fmt: skip
_CSS_REMOTE = re.compile(r"url\(\s*(?![\"']?\s*(?:data:|#))[^)]*\)", re.I)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_NAV_OK = ("http:", "https:", "mailto:", "tel:", "#")


def _clean_url(value: str) -> str:
    return re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower()


def _css_safe(text: str) -> str:
    return _CSS_REMOTE.sub("none", _CSS_IMPORT.sub("", text))


def _attr_ok(tag: str, name: str, value: str | None) -> bool:
    if name.startswith("on") or name in {"srcdoc", "http-equiv"}:
        return False
    if name not in _LOAD_ATTRS:
        return True
    url = _clean_url(value or "")
    if tag in _NAV_TAGS and name == "href":
        return url.startswith(_NAV_OK) or not re.match(r"^[a-z][a-z0-9+.-]*:", url)
    if name in ("href", "xlink:href") and url.startswith("#"):
        return True
    return url.startswith("data:") and not url.startswith("data:text/html")


class _Sanitizer(HTMLParser):
    """Re-emits HTML without active content or loads from anywhere but data: URIs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip: str | None = None
        self.depth = 0
        self.in_style = False

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        kept = []
        for name, value in attrs:
            if not _attr_ok(tag, name, value):
                continue
            if name == "style" and value:
                value = _css_safe(value)
            kept.append((name, value))
        if tag == "img" and not any(n == "alt" for n, _ in kept):
            kept.append(("alt", ""))  # a picture without a text is decoration to a reader
        if kept == attrs:
            self.out.append(self.get_starttag_text() or "")
            return
        text = "".join(
            f" {n}" if v is None else f' {n}="{html.escape(v, quote=True)}"' for n, v in kept
        )
        self.out.append(f"<{tag}{text}{' /' if close else ''}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            self.depth += tag == self.skip
            return
        if tag in _DROP_CONTENT:
            self.skip, self.depth = tag, 1
            return
        if tag in _DROP_VOID:
            return
        self.in_style = tag == "style"
        self._tag(tag, attrs, close=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or tag in _DROP_VOID or tag in _DROP_CONTENT:
            return
        self._tag(tag, attrs, close=True)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip:
                self.depth -= 1
                if self.depth == 0:
                    self.skip = None
            return
        if tag in _DROP_VOID:
            return
        self.in_style = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(_css_safe(data) if self.in_style else data)

    def handle_entityref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skip:
            self.out.append(f"&#{name};")

    # comments, doctypes, processing instructions (<?xml …?>) are dropped


def sanitize_html(fragment: str) -> str:
    """Drop scripts, frames, embeds, link/meta/base, event handlers, remote or relative loads
    (only ``data:`` and ``#fragment`` stay; ``<a href>`` may point anywhere but javascript:);
    an image without ``alt`` gets an empty one."""
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        if tag == "script":
            self.found.append("<script>")
        for name, value in attrs:
            if name in _LOAD_ATTRS and not _attr_ok(tag, name, value):
                self.found.append(f"<{tag} {name}={(value or '')[:80]!r}>")
            if name == "style" and value and _css_safe(value) != value:
                self.found.append(f"<{tag} style={value[:80]!r}>")

    def handle_data(self, data: str) -> None:
        if self.in_style and _css_safe(data) != data:
            self.found.append(f"<style> {data[:80]!r}")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False


def remote_references(page: str) -> list[str]:
    """Everything in ``page`` that would load something not inlined, or run a script."""
    parser = _Refs()
    parser.feed(page)
    parser.close()
    return parser.found
