"""Every UI string and every locale-dependent format of the report, in one place.

Message ids are the Spanish texts (Spanish is the report's first language); other
languages are gettext catalogues under ``locales/<lang>/LC_MESSAGES/messages.po``,
compiled in memory when first used so no binary file has to be kept in sync.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

__all__ = [
    "COVERAGE_LABELS",
    "DIMENSION_LABELS",
    "INDICATOR_LABELS",
    "LANGUAGES",
    "N_",
    "SEVERITY_LABELS",
    "SOURCE_STATUS_LABELS",
    "Formatter",
    "translations",
]

LANGUAGES: tuple[str, ...] = ("es", "en")
LOCALES_DIR = Path(__file__).parent / "locales"
MISSING = "—"


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


REPORT_TITLE = N_("Índice Nacional de Datos Abiertos — Guatemala")

DIMENSION_LABELS: dict[str, str] = {
    "availability": N_("Disponibilidad"),
    "format": N_("Formato"),
    "license": N_("Licencia"),
    "freshness": N_("Actualización"),
    "metadata": N_("Metadatos"),
    "validity": N_("Validez"),
    "personal_data": N_("Datos personales"),
    "coverage": N_("Cobertura"),
}

#: Indicators of the 2021 Red Ciudadana index (`odaudit.baseline`), as the reports name them.
INDICATOR_LABELS: dict[str, str] = {
    "Recoleccion_y_produccion_de_datos": N_("Recolección y producción de datos"),
    "Disponibilidad_en_linea": N_("Disponibilidad en línea"),
    "Plataformas": N_("Plataformas"),
    "Acceso": N_("Acceso"),
    "Periodicidad_de_actualizacion": N_("Periodicidad de actualización"),
    "Licencia": N_("Licencia"),
    "Formatos": N_("Formatos"),
    "Legibilidad": N_("Legibilidad"),
    "Gobernanza": N_("Gobernanza"),
    "Indicador_2021": N_("Indicador compuesto"),
}

SEVERITY_LABELS: dict[str, str] = {
    "error": N_("Error"),
    "warning": N_("Advertencia"),
    "info": N_("Nota"),
}

SOURCE_STATUS_LABELS: dict[str, str] = {
    "ok": N_("respondió"),
    "failed": N_("falló"),
    "blocked": N_("bloqueada"),
}

COVERAGE_LABELS: dict[str, str] = {
    "found": N_("encontrado"),
    "pdf_only": N_("solo PDF"),
    "missing": N_("no encontrado"),
}

BAND_LABELS: dict[str, str] = {
    "excelente": N_("excelente"),
    "bueno": N_("bueno"),
    "suficiente": N_("suficiente"),
    "insuficiente": N_("insuficiente"),
}

RUN_STATUS_LABELS: dict[str, str] = {
    "running": N_("en curso"),
    "complete": N_("completa"),
    "interrupted": N_("interrumpida"),
    "failed": N_("fallida"),
}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue for `lang` (Spanish needs none: its texts are the ids)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported report language {lang!r}; use one of {LANGUAGES}")
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "es" or not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _parse_utc(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=8192)
def _decimal(value: float, digits: int, lang: str) -> str:
    # Babel takes ~0.2 ms a call; a national report repeats the same scores thousands of times.
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=lang)


@dataclass(frozen=True)
class Formatter:
    """Numbers and dates as a reader of `lang` writes them (1.234,5 in es; 1,234.5 in en)."""

    lang: str = "es"

    def number(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return MISSING
        return _decimal(float(value), digits, self.lang)

    def integer(self, value: int | None) -> str:
        return MISSING if value is None else _decimal(float(value), 0, self.lang)

    def percent(self, fraction: float | None) -> str:
        if fraction is None:
            return MISSING
        return format_percent(fraction, format="#,##0.#%", locale=self.lang)

    def date(self, value: str | None) -> str:
        moment = _parse_utc(value)
        if moment is None:
            return value or MISSING
        return format_date(moment.date(), format="long", locale=self.lang)

    def datetime(self, value: str | None) -> str:
        moment = _parse_utc(value)
        if moment is None:
            return value or MISSING
        text = format_datetime(moment, format="yyyy-MM-dd HH:mm:ss", tzinfo=UTC, locale=self.lang)
        return f"{text} UTC"
