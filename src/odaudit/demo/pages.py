"""Dataset landing pages, as portals show them to people: built from the same metadata.

Catalogues link here (`landingPage`, CKAN's `/dataset/<name>`), so the links in a report
lead somewhere while the demo runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from html import escape

from odaudit.demo.ckan import find_package
from odaudit.demo.files import read_text
from odaudit.demo.reply import Reply, html_reply
from odaudit.demo.templating import render

__all__ = ["ckan_dataset_page", "dcat_dataset_page"]


def _page(title: str, description: str, links: Iterable[tuple[str, str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{escape(url)}">{escape(name or url)}</a> ({escape(fmt or "?")})</li>'
        for name, url, fmt in links
    )
    return (
        '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body><h1>{escape(title)}</h1>\n"
        f"<p>{escape(description)}</p>\n<h2>Recursos</h2>\n<ul>\n{items}\n</ul>\n</body></html>\n"
    )


def ckan_dataset_page(name: str, base_url: str, now: datetime) -> Reply | None:
    """CKAN's /dataset/<name> page, or None when there is no such package."""
    package = find_package(name, base_url, now)
    if package is None:
        return None
    links = [
        (r.get("name", ""), r.get("url", ""), r.get("format", "")) for r in package["resources"]
    ]
    return html_reply(200, _page(package["title"], package.get("notes") or "", links))


def dcat_dataset_page(
    catalog_path: str, identifier: str, base_url: str, now: datetime
) -> Reply | None:
    """The landing page of one data.json dataset, or None when there is no such identifier."""
    catalog = json.loads(render(read_text(catalog_path), base_url, now))
    for dataset in catalog.get("dataset", []):
        if str(dataset.get("identifier")) == identifier:
            links = [
                (d.get("title", ""), d.get("downloadURL", ""), d.get("format", ""))
                for d in dataset.get("distribution", [])
            ]
            return html_reply(200, _page(dataset["title"], dataset.get("description", ""), links))
    return None
