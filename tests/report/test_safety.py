"""md_escape, safe_url and md_link: the only defences the Markdown report has."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from odaudit.report.safety import md_escape, md_link, md_url, plain_text, safe_url

# CommonMark with raw HTML enabled: whatever HTML we let through would be rendered.
MD = MarkdownIt("commonmark").enable("table")

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "<!-- comentario",
    "`código` y ``más``",
    "**negrita** _cursiva_ ~~tachado~~",
    "a | b | c",
    "línea\nnueva\r\n<b>x</b>",
    "&lt;script&gt; ya escapado",
    "<https://evil.example>",
    "# título falso",
    "- lista",
    "1. lista",
    "\\<script>",
    "$x^2$ y $$\\href{javascript:alert(1)}{x}$$",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_renders_as_the_literal_text(text: str) -> None:
    html = MD.render(f"x {md_escape(text)}").strip()
    assert html.startswith("<p>x ")
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<em>" not in html and "<strong>" not in html and "<code>" not in html
    # the reader sees the text itself (whitespace collapsed), entity-encoded once by the renderer
    expected = plain_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html == f"<p>x {expected.replace(chr(34), '&quot;')}</p>"


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_keeps_a_table_row_to_its_columns(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {md_escape(text)} | 2 |\n"
    html = MD.render(table)
    assert html.count("<td>") == 2
    assert "<td>2</td>" in html


def test_md_escape_is_one_line_and_idempotent() -> None:
    once = md_escape("a\nb\r\nc\u2028d\x00e")
    assert "\n" not in once and "\x00" not in once
    assert once == "a b c d e"
    assert md_escape(once) == once
    assert md_escape("$x$") == "\\$x\\$"  # GitHub renders $…$ as math


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative/path",
        "https://",
        "http://[::1",
        "",
        None,
        42,
    ],
)
def test_safe_url_refuses_everything_but_absolute_http(url: object) -> None:
    assert safe_url(url) is None


def test_safe_url_accepts_http_and_https() -> None:
    assert safe_url("https://datos.minfin.gob.gt/dataset/x") == (
        "https://datos.minfin.gob.gt/dataset/x"
    )
    assert safe_url(" HTTP://Example.org/a b ") == "HTTP://Example.org/a%20b"


def test_md_url_encodes_what_would_end_the_destination() -> None:
    assert md_url("https://x.org/a(b)<c>|d") == "https://x.org/a%28b%29%3Cc%3E%7Cd"


def test_md_link_only_links_http() -> None:
    assert md_link("Portal", "https://x.org/(1)") == "[Portal](https://x.org/%281%29)"
    assert md_link("Portal", "javascript:alert(1)") == "Portal"
    html = MD.render(md_link("[x](javascript:alert(1))", "https://x.org/a)b"))
    assert html.count("<a ") == 1
    assert 'href="https://x.org/a%29b"' in html
    assert 'href="javascript' not in html
