"""AV: can the published resources and sources actually be downloaded?"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from odaudit.checks.context import DatasetContext, ResourceView, label
from odaudit.checks.registry import Hit, rule
from odaudit.models import Probe, ProbeOutcome, Severity

_INDETERMINATE_STATUS = frozenset({401, 403, 429})
_UNREACHABLE = {
    ProbeOutcome.TIMEOUT: "se agotó el tiempo de espera",
    ProbeOutcome.NETWORK_ERROR: "error de red",
    ProbeOutcome.TOO_MANY_REDIRECTS: "demasiadas redirecciones (o un bucle)",
}


def _valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


_TLS_MARKERS = ("ssl", "tls", "certificate", "handshake")
_CONFIRM_DOC = (
    "consecutive failed runs before the failure counts as broken (K); below K it is "
    "reported as AV004 with `failure n of K`. 1 reports on the first run; a yearly index "
    "with monthly runs sets 2-3 so one bad night does not sink an institution"
)


_UNCONFIRMED_FIX = (
    "Verifique que el archivo siga disponible: si la falla se repite en las próximas "
    "auditorías contará como enlace roto."
)


def _indeterminate(view: ResourceView) -> str | None:
    """Why we cannot tell whether a resource is available (None when we can)."""
    probe = view.probe
    if probe is None:
        return None
    if probe.outcome == ProbeOutcome.HTTP_ERROR and probe.status in _INDETERMINATE_STATUS:
        return f"el servidor respondió HTTP {probe.status} a un cliente automatizado"
    if probe.outcome in (ProbeOutcome.OK, ProbeOutcome.HTTP_ERROR) and view.challenge:
        return "el servidor entregó una página de verificación anti-bots (challenge/captcha)"
    return None


def _file_expected(view: ResourceView) -> bool:
    expected = view.expected
    return expected is not None and expected.kind not in ("page", "service")


def _login_wall(view: ResourceView) -> str | None:
    """Why the answer is a login page (None when it is not one)."""
    if not view.served_html or _indeterminate(view) is not None:
        return None
    if view.login_wall:
        return "el enlace redirige a una página de inicio de sesión"
    if view.login_form and _file_expected(view):
        return "el servidor entrega un formulario de inicio de sesión en lugar del archivo"
    return None


def _tls_error(view: ResourceView) -> bool:
    probe = view.probe
    if probe is None or probe.outcome != ProbeOutcome.NETWORK_ERROR:
        return False
    error = probe.error.lower()
    return any(marker in error for marker in _TLS_MARKERS)


def _broken_by(view: ResourceView) -> str | None:
    """The rule that would call this resource broken (AV001/AV002), before confirmation."""
    probe = view.probe
    if probe is None:
        return None
    if probe.outcome in _UNREACHABLE:
        return "AV001"
    if probe.outcome == ProbeOutcome.HTTP_ERROR and _indeterminate(view) is None:
        return "AV002"
    return None


def _confirmed(ctx: DatasetContext, code: str) -> Iterator[tuple[ResourceView, Probe, int, int]]:
    """Resources broken the way `code` means, confirmed by enough failed runs in a row
    (the unconfirmed ones are AV004's): (view, probe, failures in a row, failures needed)."""
    for view in ctx.resources:
        probe = view.probe
        if probe is None or _broken_by(view) != code:
            continue
        count, needed = _confirmation(ctx, view, code)
        if count >= needed:
            yield view, probe, count, needed


def _confirmation(ctx: DatasetContext, view: ResourceView, code: str) -> tuple[int, int]:
    """(this failure's number in a row, failures needed) for a resource AV001/AV002 judge.

    A timeout or a TLS error on its own is never enough: it needs a second run.
    """
    params = ctx.rule_params.get(code, {})
    try:
        needed = max(1, int(params.get("confirm_after_runs", 1)))
    except (TypeError, ValueError):
        needed = 1
    probe = view.probe
    if probe is not None and (probe.outcome == ProbeOutcome.TIMEOUT or _tls_error(view)):
        needed = max(needed, 2)
    return ctx.failure_streaks.get(view.resource.url, 0) + 1, needed


def _streak_evidence(count: int, needed: int) -> dict[str, Any]:
    return {"failures_in_a_row": count, "confirm_after_runs": needed}


@rule(
    code="AV001",
    name="resource-unreachable",
    title="Recurso inalcanzable",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The resource URL times out, fails at the network level or loops on redirects.",
    fix="Verifique que el servidor esté en línea y que el enlace no redirija en bucle.",
    what="A resource whose download ended in a timeout, a DNS/connection/TLS error, or more "
    "redirects than allowed (including redirect loops), in `confirm_after_runs` runs in a "
    "row (the history is kept in the store). A timeout or a TLS error is confirmed only by "
    "a second failed run, whatever `confirm_after_runs` says.",
    why="A file nobody can download is not published, whatever the catalogue says. One "
    "failed night is weak evidence, so a failure must repeat before it costs points.",
    example="`http://datos.example.gob.gt/a.csv` → connection refused: AV001. A timeout or a "
    "TLS error needs a second failed run in a row (before that: AV004, `failure 1 of 2`).",
    params={"confirm_after_runs": 1},
    params_doc={"confirm_after_runs": _CONFIRM_DOC},
)
def resource_unreachable(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view, probe, count, needed in _confirmed(ctx, "AV001"):
        reason = _UNREACHABLE[probe.outcome]
        evidence = (
            view.evidence()
            | {"error": probe.error[:500], "redirects": probe.redirects[:20]}
            | _streak_evidence(count, needed)
        )
        yield Hit(
            f"No se pudo descargar el recurso «{label(view.resource)}»: {reason}.",
            evidence,
            view.resource.url,
        )


@rule(
    code="AV002",
    name="http-error",
    title="Error HTTP al descargar el recurso",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The resource answers with an HTTP 4xx/5xx error (401/403/429 are AV004).",
    fix="Corrija o retire el enlace roto, o restablezca el archivo en el servidor.",
    what="A resource whose download ended in an HTTP error status (404, 410, 500...) in "
    "`confirm_after_runs` runs in a row. 401, 403 and 429 are reported as AV004 "
    "(indeterminate) instead, and so is a failure not yet confirmed.",
    why="Broken links are the most common failure of open-data portals; users get nothing.",
    example="A CSV resource that answers `HTTP 404 Not Found`: AV002.",
    params={"confirm_after_runs": 1},
    params_doc={"confirm_after_runs": _CONFIRM_DOC},
)
def http_error(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view, probe, count, needed in _confirmed(ctx, "AV002"):
        yield Hit(
            f"El recurso «{label(view.resource)}» responde HTTP {probe.status}.",
            view.evidence() | _streak_evidence(count, needed),
            view.resource.url,
        )


@rule(
    code="AV003",
    name="html-instead-of-file",
    title="Página HTML en lugar del archivo de datos",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="An HTML page (soft 404, error or portal page) is served where a data file was declared.",
    fix="Enlace directamente al archivo de datos, no a una página web que lo muestre o a un error.",
    what="A resource declared as a data file (by its format field or its URL extension) whose "
    "bytes or Content-Type are an HTML page: a soft 404, an error page or a portal page.",
    why="The download 'works' (HTTP 200) but the user gets a web page, not the data.",
    example="Format `CSV`, URL ending `.csv`, body starting `<!DOCTYPE html>`: AV003.",
)
def html_instead_of_file(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        expected = view.expected
        if not view.served_html or expected is None or expected.kind in ("page", "service"):
            continue
        if _indeterminate(view) is not None or _login_wall(view) is not None:
            continue
        yield Hit(
            f"El recurso «{label(view.resource)}» declara {expected.id} pero el servidor "
            "entrega una página HTML.",
            view.evidence() | {"expected_format": expected.id},
            view.resource.url,
        )


@rule(
    code="AV004",
    name="availability-indeterminate",
    title="Disponibilidad indeterminada",
    scope="resource",
    severity=Severity.INFO,
    weight=0,
    summary="401/403/429, a bot challenge, or a failure not yet confirmed by K runs in a row.",
    fix="Permita el acceso automatizado a los datos abiertos (sin captcha ni bloqueo por bot).",
    what="A resource that answered 401, 403 or 429 or a bot-challenge page (Cloudflare, "
    "captcha), or whose failure (AV001/AV002) has not yet repeated in `confirm_after_runs` "
    "runs in a row: a single timeout, a TLS error, a first 404 when K is 2 or more. The "
    "evidence says `failure n of K`. odaudit cannot tell whether the file is there.",
    why="Open data must be reachable by machines; but a block or one failure is not proof "
    "the file is missing, so this costs no points and is reported for review.",
    example="`HTTP 403` with header `cf-mitigated: challenge`: AV004. A single timeout: "
    "AV004 with `failure 1 of 2`.",
)
def availability_indeterminate(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        reason = _indeterminate(view)
        evidence: dict[str, Any] = {}
        code = _broken_by(view)
        if reason is None and code is not None and view.probe is not None:
            count, needed = _confirmation(ctx, view, code)
            if count >= needed:
                continue
            detail = (
                _UNREACHABLE[view.probe.outcome] if code == "AV001" else f"HTTP {view.probe.status}"
            )
            if _tls_error(view):
                detail = "error TLS/certificado"
            reason = f"fallo {count} de {needed} necesarios para confirmarlo ({detail})"
            evidence = _streak_evidence(count, needed) | {
                "failure": f"failure {count} of {needed}",
                "error": view.probe.error[:500],
            }
        if reason is None:
            continue
        yield Hit(
            f"No se pudo determinar si el recurso «{label(view.resource)}» está disponible: "
            f"{reason}.",
            view.evidence() | evidence | {"reason": reason},
            view.resource.url,
            _UNCONFIRMED_FIX if evidence else None,
        )


@rule(
    code="AV005",
    name="missing-url",
    title="Recurso sin URL válida",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The resource has an empty URL or one that is not http(s).",
    fix="Publique una URL http(s) de descarga directa para el recurso.",
    what="A resource whose URL is empty, unparseable, or uses a scheme other than http/https.",
    why="Without a download URL the resource exists only as metadata.",
    example='A CKAN resource "Arquivos do ano corrente" with `url: ""`: AV005.',
)
def missing_url(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        url = view.resource.url or ""
        probe = view.probe
        invalid = probe is not None and probe.outcome == ProbeOutcome.INVALID_URL
        if _valid_url(url) and not invalid:
            continue
        shown = url.strip()[:200] or "(vacía)"
        yield Hit(
            f"El recurso «{label(view.resource)}» no tiene una URL http(s) válida: {shown}.",
            {"url": url[:500], "resource_name": view.resource.name[:200]},
            url or None,
        )


@rule(
    code="AV006",
    name="address-refused",
    title="URL a una dirección privada o local",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The URL points at a private, loopback or link-local address (refused by policy).",
    fix="Publique el recurso en una dirección pública, no en una red interna.",
    what="A resource whose URL resolves to a private (10/8, 172.16/12, 192.168/16), loopback "
    "or link-local address; odaudit's address policy refuses to fetch it.",
    why="Such a link only works inside the institution's network: the public cannot use it.",
    example="`http://192.168.1.20/datos.csv`: AV006.",
)
def address_refused(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        probe = view.probe
        if probe is None or probe.outcome != ProbeOutcome.REFUSED:
            continue
        if not _valid_url(view.resource.url or ""):
            continue  # AV005
        yield Hit(
            f"El recurso «{label(view.resource)}» apunta a una dirección no pública.",
            view.evidence() | {"reason": probe.error[:300]},
            view.resource.url,
        )


@rule(
    code="AV007",
    name="login-wall",
    title="Archivo detrás de un inicio de sesión",
    scope="resource",
    severity=Severity.WARNING,
    weight=50,
    summary="A declared file answers with a login page (password field, login form or redirect).",
    fix="Publique el archivo en un enlace de descarga directa que no exija iniciar sesión.",
    what="A resource that answers with an HTML page asking to log in: the request was "
    "redirected to a login URL (`/user/login`, `signin`, `sso`...), or, where a data file was "
    "declared, the page holds a password field or a form posting to a login URL.",
    why="Open data must be downloadable without an account. But an account may be free and "
    "the file may be behind it, so this is a warning taking half the points of a broken link "
    "(AV002), not an error; a human can check whether the wall is real.",
    example="Format `CSV`, URL `.../ejecucion.csv`, redirected to `/user/login?came_from=...` "
    'with `<input type="password">`: AV007.',
)
def login_wall(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        reason = _login_wall(view)
        if reason is None:
            continue
        yield Hit(
            f"El recurso «{label(view.resource)}» exige iniciar sesión: {reason}.",
            view.evidence()
            | {
                "reason": reason,
                "redirects": (view.probe.redirects[:20] if view.probe is not None else []),
                "password_form": view.login_form,
            },
            view.resource.url,
        )


def _source_blocked(kind: str, evidence: Mapping[str, Any], message: str) -> bool:
    status = evidence.get("status")
    text = message.lower()
    return (
        kind == "blocked"
        or status in (401, 403, 429)
        or "challenge" in text
        or str(evidence.get("cf-mitigated", "")).lower() == "challenge"
    )


def _source_evidence(ctx: Any) -> dict[str, Any]:
    safe = {k: v for k, v in ctx.evidence.items() if isinstance(v, str | int | float | bool)}
    return (
        {"source_type": ctx.source.type, "url": ctx.source.url, "kind": ctx.kind}
        | {k: (v[:500] if isinstance(v, str) else v) for k, v in safe.items()}
        | {"error": ctx.message[:500]}
    )


@rule(
    code="AV010",
    name="source-unavailable",
    title="Fuente de datos no disponible",
    scope="source",
    severity=Severity.ERROR,
    weight=0,
    summary="The portal or API is down, errors, serves HTML or malformed JSON, or is not a catalog.",
    fix="Restablezca el portal o corrija la URL de su API/catálogo (data.json, CKAN API).",
    what="A source (CKAN API, data.json, Socrata, OpenDataSoft, HTML page) that could not be "
    "read: network failure, HTTP error, an HTML page instead of JSON, malformed JSON, or a "
    "valid document that is not a catalog.",
    why="When the catalogue itself is down nothing it lists can be audited or used.",
    example="`/api/3/action/package_search` answers `HTTP 500`: AV010.",
)
def source_unavailable(ctx: Any, params: Mapping[str, Any]) -> Iterator[Hit]:
    if _source_blocked(ctx.kind, ctx.evidence, ctx.message):
        return
    yield Hit(
        f"La fuente {ctx.source.type} {ctx.source.url} no está disponible: {ctx.message[:300]}",
        _source_evidence(ctx),
    )


@rule(
    code="AV011",
    name="source-blocks-automated-access",
    title="La fuente bloquea el acceso automatizado",
    scope="source",
    severity=Severity.WARNING,
    weight=0,
    summary="The portal answers 403 / a bot challenge / 429: its availability is indeterminate.",
    fix="Permita el acceso automatizado a la API del portal (sin challenge ni bloqueo por bot).",
    what="A source that answered 401/403/429 or a bot-challenge page (e.g. Cloudflare "
    "`cf-mitigated: challenge`) to odaudit's honest User-Agent.",
    why="Open data is meant for machines too; a blocked API makes the portal unauditable.",
    example="`package_search` → `HTTP 403` with a Cloudflare challenge page: AV011.",
)
def source_blocks_automated_access(ctx: Any, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _source_blocked(ctx.kind, ctx.evidence, ctx.message):
        return
    yield Hit(
        f"La fuente {ctx.source.type} {ctx.source.url} bloquea el acceso automatizado: "
        f"{ctx.message[:300]}",
        _source_evidence(ctx),
    )
