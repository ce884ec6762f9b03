"""What the demo server answers: a status, headers and a body, built without sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reply", "html_reply", "json_reply"]


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Status to answer HEAD with instead of mirroring GET (e.g. 405 on a server that forbids it).
    head_status: int | None = None


def json_reply(status: int, payload: Any) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, {"Content-Type": "application/json;charset=utf-8"})


def html_reply(status: int, text: str) -> Reply:
    return Reply(status, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
