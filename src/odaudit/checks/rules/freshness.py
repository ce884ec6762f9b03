"""FR: is each dataset dated, and updated as often as it says it is?"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from odaudit.checks.context import DatasetContext
from odaudit.checks.datadates import newest_data_date
from odaudit.checks.dates import Frequency, parse_date, parse_frequency
from odaudit.checks.registry import Hit, rule
from odaudit.models import Severity

_FREQUENCY_EXTRAS = (
    "frequency",
    "accrualPeriodicity",
    "accrual_periodicity",
    "update_frequency",
    "frecuencia",
    "frecuencia_actualizacion",
    "periodicidad",
)


@dataclass(frozen=True)
class _LastModified:
    when: datetime | None
    rung: str  # dataset.modified | resource.modified | http.last_modified | none
    raw: str | None  # what was published, verbatim
    unparseable: list[str]  # raw values that could not be read as dates


def _last_modified(ctx: DatasetContext) -> _LastModified:
    """The freshness ladder: dataset date, else newest resource date, else Last-Modified."""
    bad: list[str] = []
    raw = ctx.dataset.modified
    if raw is not None and str(raw).strip():
        when = parse_date(raw)
        if when is not None:
            return _LastModified(when, "dataset.modified", str(raw), bad)
        bad.append(str(raw)[:100])
    best: tuple[datetime, str] | None = None
    for res in ctx.dataset.resources:
        if res.modified and str(res.modified).strip():
            when = parse_date(res.modified)
            if when is None:
                bad.append(str(res.modified)[:100])
            elif best is None or when > best[0]:
                best = (when, str(res.modified))
    if best is not None:
        return _LastModified(best[0], "resource.modified", best[1], bad)
    for view in ctx.resources:
        header = view.probe.last_modified if view.probe is not None else None
        when = parse_date(header) if header else None
        if when is not None and (best is None or when > best[0]):
            best = (when, str(header))
    if best is not None:
        return _LastModified(best[0], "http.last_modified", best[1], bad)
    return _LastModified(None, "none", None, bad)


def _frequency(ctx: DatasetContext) -> tuple[str | None, Frequency | None]:
    raw = ctx.dataset.frequency
    if raw is None or not str(raw).strip():
        raw = next(
            (ctx.dataset.extras[k] for k in _FREQUENCY_EXTRAS if ctx.dataset.extras.get(k)),
            None,
        )
    if raw is None or not str(raw).strip():
        return None, None
    return str(raw), parse_frequency(str(raw))


def _content_changed(ctx: DatasetContext) -> bool | None:
    """Whether a resource's bytes changed since the previous run (None: no history to tell)."""
    urls = [r.url for r in ctx.dataset.resources if r.url]
    pairs = [
        (ctx.content_hashes[u], ctx.previous_hashes[u])
        for u in urls
        if u in ctx.content_hashes and u in ctx.previous_hashes
    ]
    if not pairs:
        return None
    return any(now != before for now, before in pairs)


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


@rule(
    code="FR001",
    name="no-modification-date",
    title="Sin fecha de modificación",
    scope="dataset",
    severity=Severity.WARNING,
    weight=50,
    summary="No usable last-modified date (missing, a frequency where a date should be, unparseable).",
    fix="Publique la fecha de la última actualización en formato ISO 8601 (AAAA-MM-DD).",
    what="A dataset with no readable modification date on the dataset, on any resource, or "
    'in the Last-Modified header of its downloads. Values like `"R/P1D"` (a frequency) or '
    "text that is not a date count as missing; the raw value is kept as evidence.",
    why="Without a date users cannot tell whether the data is current.",
    example='A data.json dataset with `"modified": "R/P1D"`: FR001.',
)
def no_modification_date(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    last = _last_modified(ctx)
    if last.when is not None:
        return
    raw = ctx.dataset.modified
    if raw is not None and str(raw).strip():
        message = f"La fecha de modificación «{str(raw)[:60]}» no es una fecha válida."
    else:
        message = "El conjunto de datos no indica su fecha de última modificación."
    yield Hit(message, {"modified": raw, "unparseable": last.unparseable[:10]})


@rule(
    code="FR002",
    name="stale",
    title="Datos desactualizados",
    scope="dataset",
    severity=Severity.ERROR,
    weight=60,
    summary="Last modified longer ago than the declared update frequency plus a grace period.",
    fix="Actualice los datos con la frecuencia declarada, o corrija la frecuencia publicada.",
    what="A dataset whose last modification (dataset date, else newest resource date, else the "
    "HTTP Last-Modified header) is older than its declared update frequency plus `grace_days` "
    "at the audit's clock. Irregular or continuous frequencies get no verdict. When the "
    "store has the previous run's content hashes, a file whose bytes changed since then is "
    "not called stale (the data moved, only the date did not); unchanged bytes are shown "
    "in the evidence.",
    why="A dataset that promises monthly updates and has not changed in a year misleads users.",
    example="Frequency `R/P1M`, modified 2019-05-23, audited 2023-01-30: FR002.",
    params={"grace_days": 15},
    params_doc={"grace_days": "days of tolerance added to the declared period"},
    reads_clock=True,
)
def stale(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    raw, freq = _frequency(ctx)
    if freq is None or freq.period is None:
        return
    last = _last_modified(ctx)
    if last.when is None:
        return
    grace = timedelta(days=float(params.get("grace_days", 15)))
    age = ctx.now - last.when
    if age <= freq.period + grace:
        return
    changed = _content_changed(ctx)
    if changed:
        return  # the file was updated since the previous run; only its date was not
    history = {} if changed is None else {"content_unchanged_since_previous_run": True}
    yield Hit(
        f"Última actualización el {last.when.date().isoformat()} ({_days(age):g} días); "
        f"la frecuencia declarada «{raw}» exige actualizar cada {_days(freq.period):g} días.",
        {
            "last_modified": last.when.isoformat(),
            "last_modified_raw": last.raw,
            "date_source": last.rung,
            "frequency": raw,
            "period_days": _days(freq.period),
            "grace_days": float(params.get("grace_days", 15)),
            "age_days": _days(age),
            "now": ctx.now.isoformat(),
        }
        | history,
    )


@rule(
    code="FR003",
    name="no-update-frequency",
    title="Sin frecuencia de actualización",
    scope="dataset",
    severity=Severity.WARNING,
    weight=30,
    summary="No update frequency declared (or one no vocabulary knows).",
    fix="Declare la frecuencia de actualización (p. ej. mensual, R/P1M o 'irregular').",
    what="A dataset with no update frequency (`accrualPeriodicity`, CKAN extras), or one that "
    "no known vocabulary (ISO 8601, DCAT IRIs, English or Spanish words) can read. "
    'Declared irregular/"eventual" frequencies are fine.',
    why="Without a frequency users cannot plan on the data, and staleness cannot be judged.",
    example="A CKAN dataset with no frequency extra: FR003.",
)
def no_update_frequency(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    raw, freq = _frequency(ctx)
    if freq is not None:
        return
    if raw is None:
        yield Hit("El conjunto de datos no declara su frecuencia de actualización.", {})
    else:
        yield Hit(
            f"La frecuencia de actualización «{raw[:60]}» no se reconoce.",
            {"frequency": raw[:200]},
        )


@rule(
    code="FR004",
    name="date-in-future",
    title="Fecha en el futuro",
    scope="dataset",
    severity=Severity.WARNING,
    weight=20,
    summary="The modified or issued date is later than the audit's clock plus one day.",
    fix="Corrija la fecha: debe ser la de la última modificación real, no una fecha futura.",
    what="A dataset whose `modified` or `issued` date lies more than one day after the audit's "
    "clock (time zones cannot explain it).",
    why="Future dates are data-entry errors that break sorting and freshness checks.",
    example="`modified: 2031-01-01` audited in 2026: FR004.",
    reads_clock=True,
)
def date_in_future(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    limit = ctx.now + timedelta(days=1)
    for field_name in ("modified", "issued"):
        raw = getattr(ctx.dataset, field_name)
        when = parse_date(raw) if raw else None
        if when is not None and when > limit:
            yield Hit(
                f"La fecha «{field_name}» ({when.date().isoformat()}) es posterior a la fecha "
                f"de la auditoría ({ctx.now.date().isoformat()}).",
                {"field": field_name, "value": raw, "now": ctx.now.isoformat()},
            )
            return


@rule(
    code="FR005",
    name="newest-data-date-old",
    title="Metadatos recientes, datos antiguos",
    scope="dataset",
    severity=Severity.WARNING,
    weight=30,
    summary="Metadata says recently modified, but the newest date inside the data is too old.",
    fix="Cargue los datos nuevos del periodo, no solo actualice la fecha de los metadatos.",
    what="A dataset with a declared periodic frequency whose last modification date is within "
    "the period plus `grace_days` (not stale by FR002), but whose newest date found inside "
    "the data (the last rung of the freshness ladder) is older than `1 + lag_periods` "
    "periods plus `grace_days`. The newest date comes from the validation engine's table "
    "report, or from the bytes read when they are the whole CSV; date columns such as birth "
    "or foundation dates are ignored. Irregular or discontinued series get no verdict.",
    why="Touching the metadata without loading new rows makes a dataset look current when it "
    "is not. Data lags behind its publication (June's release holds May), hence "
    "`lag_periods`.",
    example="Frequency `R/P1M`, `modified` 10 days ago, newest `fecha` in the CSV "
    "2025-01-31, audited 2026-06-01: FR005.",
    params={"grace_days": 15, "lag_periods": 1},
    params_doc={
        "grace_days": "days of tolerance added to the allowed age of the data",
        "lag_periods": "declared periods the data may lag behind its publication",
    },
    reads_clock=True,
)
def newest_data_date_old(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    raw, freq = _frequency(ctx)
    if freq is None or freq.period is None:
        return
    # before the clock decides anything, so the memo holds it whatever the clock says
    found = ctx.memoized("FR005.newest_data_date", lambda: _newest_in_data(ctx))
    last = _last_modified(ctx)
    grace = timedelta(days=float(params.get("grace_days", 15)))
    if last.when is None or ctx.now - last.when > freq.period + grace:
        return  # FR001 / FR002
    if found is None:
        return
    newest = (datetime.fromisoformat(found[0]), str(found[1]), str(found[2]))
    allowed = freq.period * (1 + max(0.0, float(params.get("lag_periods", 1)))) + grace
    age = ctx.now - newest[0]
    if age <= allowed:
        return
    yield Hit(
        f"Los metadatos se actualizaron el {last.when.date().isoformat()}, pero el dato más "
        f"reciente es del {newest[0].date().isoformat()} ({_days(age):g} días); la frecuencia "
        f"«{raw}» admite {_days(allowed):g} días.",
        {
            "last_modified": last.when.isoformat(),
            "date_source": last.rung,
            "newest_data_date": newest[0].isoformat(),
            "newest_data_date_source": newest[1],
            "resource_url": newest[2],
            "frequency": raw,
            "allowed_days": _days(allowed),
            "data_age_days": _days(age),
            "now": ctx.now.isoformat(),
        },
    )


def _newest_in_data(ctx: DatasetContext) -> list[str] | None:
    """[newest date (ISO), where it was read, resource URL] across the dataset's resources:
    it depends on the bytes and table reports only, so a rerun takes it from the memo."""
    newest: tuple[datetime, str, str] | None = None
    for view in ctx.resources:
        found = newest_data_date(view, ctx.tables.get(view.resource.url))
        if found is not None and (newest is None or found[0] > newest[0]):
            newest = (found[0], found[1], view.resource.url)
    return None if newest is None else [newest[0].isoformat(), newest[1], newest[2]]
