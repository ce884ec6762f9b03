"""Parse the dates and update frequencies portals publish, whatever their vocabulary.

Portals write dates and frequencies as free text (ISO 8601, `20201117`, `dd/mm/yyyy`,
DKAN's localised `mar, 10/12/2019 - 09:23`, DCAT frequency IRIs, Spanish words...).
Anything that cannot be read is `None`, never an exception: the freshness rules then
report it with the raw value as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from odaudit.checks.text import fold

__all__ = ["Frequency", "parse_date", "parse_frequency"]

_DAY = 1.0
_WEEK = 7.0
_MONTH = 30.4375
_YEAR = 365.25

_ISO_DURATION = re.compile(
    r"^(?:R\d*/)?P(?:(?P<y>\d+(?:[.,]\d+)?)Y)?(?:(?P<mo>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<w>\d+(?:[.,]\d+)?)W)?(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)

# Words (folded) -> days; None = irregular / on demand / continuous: no staleness verdict.
_WORDS: dict[str, float | None] = {
    # English and DCAT (purl.org/cld/freq, EU authority table, CKAN extras)
    "continuous": None,
    "cont": None,
    "update cont": None,
    "irregular": None,
    "irreg": None,
    "as needed": None,
    "never": None,
    "unknown": None,
    "other": None,
    "op datpro": None,
    "not planned": None,
    "notplanned": None,
    "discontinued": None,
    "as required": None,
    "realtime": None,
    "real time": None,
    "on demand": None,
    "ad hoc": None,
    "1min": 1 / 1440,
    "5min": 5 / 1440,
    "10min": 10 / 1440,
    "15min": 15 / 1440,
    "30min": 30 / 1440,
    "hourly": 1 / 24,
    "bihourly": 2 / 24,
    "trihourly": 3 / 24,
    "12hrs": 0.5,
    "daily": _DAY,
    "daily 2": 0.5,
    "semiweekly": 3.5,
    "weekly 2": 3.5,
    "threetimesaweek": 7 / 3,
    "weekly 3": 7 / 3,
    "weekly": _WEEK,
    "biweekly": 2 * _WEEK,
    "fortnightly": 2 * _WEEK,
    "semimonthly": _MONTH / 2,
    "monthly 2": _MONTH / 2,
    "threetimesamonth": _MONTH / 3,
    "monthly 3": _MONTH / 3,
    "monthly": _MONTH,
    "bimonthly": 2 * _MONTH,
    "quarterly": 3 * _MONTH,
    "threetimesayear": 4 * _MONTH,
    "annual 3": 4 * _MONTH,
    "semiannual": 6 * _MONTH,
    "annual 2": 6 * _MONTH,
    "biannual": 6 * _MONTH,
    "annual": _YEAR,
    "annually": _YEAR,
    "yearly": _YEAR,
    "biennial": 2 * _YEAR,
    "triennial": 3 * _YEAR,
    "quadrennial": 4 * _YEAR,
    "quinquennial": 5 * _YEAR,
    "decennial": 10 * _YEAR,
    # Spanish
    "diaria": _DAY,
    "diario": _DAY,
    "semanal": _WEEK,
    "quincenal": 15.0,
    "mensual": _MONTH,
    "bimestral": 2 * _MONTH,
    "trimestral": 3 * _MONTH,
    "cuatrimestral": 4 * _MONTH,
    "semestral": 6 * _MONTH,
    "anual": _YEAR,
    "bienal": 2 * _YEAR,
    "bianual": 2 * _YEAR,
    "trienal": 3 * _YEAR,
    "quinquenal": 5 * _YEAR,
    "decenal": 10 * _YEAR,
    "irregular ": None,
    "eventual": None,
    "continua": None,
    "continuo": None,
    "tiempo real": None,
    "a demanda": None,
    "bajo demanda": None,
    "discontinuado": None,
    "discontinuada": None,
    "sin actualizacion": None,
    "no se actualiza": None,
    "nunca": None,
    "unica vez": None,
    "cada hora": 1 / 24,
    "ocasional": None,
    "esporadica": None,
    "puntual": None,
    "no planificada": None,
    "segun necesidad": None,
    "segun se requiera": None,
    "cuando se requiera": None,
    "diariamente": _DAY,
    "cada dia": _DAY,
    "semanalmente": _WEEK,
    "cada semana": _WEEK,
    "quincenalmente": 15.0,
    "mensualmente": _MONTH,
    "cada mes": _MONTH,
    "bimestralmente": 2 * _MONTH,
    "trimestralmente": 3 * _MONTH,
    "cada trimestre": 3 * _MONTH,
    "cuatrimestralmente": 4 * _MONTH,
    "semestralmente": 6 * _MONTH,
    "cada semestre": 6 * _MONTH,
    "anualmente": _YEAR,
    "cada ano": _YEAR,
    "biennially": 2 * _YEAR,
    "every month": _MONTH,
    "every year": _YEAR,
}


@dataclass(frozen=True)
class Frequency:
    """A parsed update frequency: a period, or `period=None` for irregular/continuous ones."""

    raw: str
    period: timedelta | None

    @property
    def irregular(self) -> bool:
        return self.period is None


def _num(value: str | None) -> float:
    return float(value.replace(",", ".")) if value else 0.0


def parse_frequency(raw: str | None) -> Frequency | None:
    """A `Frequency` for any known vocabulary, or None when missing or unrecognised."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    match = _ISO_DURATION.match(text.replace(" ", ""))
    if match and any(match.groupdict().values()):
        g = match.groupdict()
        days = (
            _num(g["y"]) * _YEAR
            + _num(g["mo"]) * _MONTH
            + _num(g["w"]) * _WEEK
            + _num(g["d"])
            + _num(g["h"]) / 24
            + _num(g["mi"]) / 1440
            + _num(g["s"]) / 86400
        )
        return Frequency(text, timedelta(days=days)) if days > 0 else None
    tail = text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text
    tail = tail.rsplit("#", 1)[-1]
    for candidate in (fold(tail), fold(text)):
        if candidate in _WORDS:
            days_or_none = _WORDS[candidate]
            return Frequency(text, None if days_or_none is None else timedelta(days=days_or_none))
        squeezed = candidate.replace(" ", "")
        if squeezed in _WORDS:
            days_or_none = _WORDS[squeezed]
            return Frequency(text, None if days_or_none is None else timedelta(days=days_or_none))
    return None


_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(
    r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\D+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_date(raw: str | None) -> datetime | None:
    """A UTC datetime for the date formats portals publish, or None when unreadable."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text or text.upper().startswith(("R/", "P")):
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        pass
    compact = _COMPACT.match(text)
    if compact:
        try:
            year, month, day = (int(p) for p in compact.groups())
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            return None
    dmy = _DMY.search(text)
    if dmy:
        d, m, y, hh, mm, ss = dmy.groups()
        try:
            return datetime(
                int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=UTC
            )
        except ValueError:
            return None
    try:
        return _aware(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None
