"""Neutralising portal content before it reaches a report.

Everything in a run came from portals we do not control. HTML output relies on
jinja2 autoescaping; this module covers what autoescaping cannot: which links
may become links at all, and Markdown, where escaping is our job.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["MdSafe", "md_escape", "md_link", "md_url", "plain_text", "safe_url"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"\s+")
# Characters Markdown (CommonMark + GFM, and "$" for GitHub's math) gives a meaning inside a line.
_MD_BACKSLASH = set("\\`*_[]()#!~{}$")
_MD_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
_MD_TABLE = str.maketrans({**{c: "\\" + c for c in _MD_BACKSLASH}, **_MD_ENTITY})
# Characters that would end or break a Markdown link destination or a table cell.
_URL_UNSAFE = set(" <>()|\"'`[]\\^{}")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})\.(?= |$)")


class MdSafe(str):
    """Markdown text already escaped (or written by us); passed through untouched."""

    __slots__ = ()


def plain_text(value: object) -> str:
    """One line of text: control and bidi characters dropped, whitespace collapsed."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(" ", text)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def safe_url(value: object) -> str | None:
    """`value` as a link target if it is an absolute http(s) URL, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip().replace(" ", "%20")
    if not url or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def md_url(url: str) -> str:
    """Percent-encode what could end a Markdown link destination or split a table cell."""
    return "".join(f"%{ord(c):02X}" if c in _URL_UNSAFE else c for c in url)


def md_escape(value: object) -> MdSafe:
    """Escape `value` so Markdown renders it as literal text on one line, never as HTML."""
    if isinstance(value, MdSafe):
        return value
    text = plain_text(value).translate(_MD_TABLE)
    # At the start of a line, "- ", "+ ", "=" or "1. " would open a list or underline a heading.
    if text[:2] in ("- ", "+ ") or text in ("-", "+") or text[:1] == "=":
        text = "\\" + text
    text = _ORDERED_MARKER.sub(r"\1\\.", text, count=1)
    return MdSafe(text)


def md_link(text: object, url: object) -> MdSafe:
    """A Markdown link when `url` is http(s); otherwise the escaped text alone."""
    label = md_escape(text) or md_escape(url)
    target = safe_url(url)
    if target is None:
        return label
    return MdSafe(f"[{label}]({md_url(target)})")
