"""A small HTML reader for the tests (the standard library's parser): every tag
with its attributes, the text, and the JSON of ``json_script`` elements."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: dict[str, str] = {}  # json_script id -> its text
        self._script_id: str | None = None
        self._texts: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script_id = attributes.get("id")
            self.scripts.setdefault(self._script_id or "", "")
        if tag in ("script", "style", "svg"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self._skip = max(0, self._skip - 1)
        if tag == "script":
            self._script_id = None

    def handle_data(self, data):
        if self._script_id:
            self.scripts[self._script_id] += data
        elif not self._skip:
            self._texts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self._texts)).strip()

    def json(self, element_id: str):
        return json.loads(self.scripts[element_id])

    def find_all(self, tag: str, **attrs) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def with_class(self, css_class: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.tags if css_class in a.get("class", "").split()]


def page_of(response) -> Page:
    assert response.status_code == 200, response.status_code
    return Page(response.content.decode())
