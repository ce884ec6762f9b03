"""Earlier editions of the index that did not come from odaudit.

The series does not start with odaudit: Red Ciudadana scored 30 institutions by
hand in 2021 (nine indicators, 0–8). Importing that edition lets the report show
it beside the automated scores of the Red Ciudadana preset.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "REDCIUDADANA_INDICATORS",
    "BaselineEdition",
    "BaselineEntry",
    "BaselineError",
    "load_redciudadana",
]

#: The 2021 indicators, JSON field → label used in reports.
REDCIUDADANA_INDICATORS: dict[str, str] = {
    "Recoleccion_y_produccion_de_datos": "Recolección y producción de datos",
    "Disponibilidad_en_linea": "Disponibilidad en línea",
    "Plataformas": "Plataformas",
    "Acceso": "Acceso",
    "Periodicidad_de_actualizacion": "Periodicidad de actualización",
    "Licencia": "Licencia",
    "Formatos": "Formatos",
    "Legibilidad": "Legibilidad",
    "Gobernanza": "Gobernanza",
    "Indicador_2021": "Indicador 2021 (compuesto)",
}


class BaselineError(Exception):
    """The file is not a baseline odaudit knows how to read."""


@dataclass
class BaselineEntry:
    institution: str
    name: str
    indicator: str
    value: float


@dataclass
class BaselineEdition:
    edition: str  # e.g. "redciudadana-2021"
    title: str
    year: int
    scale_max: float
    source: str
    sha256: str
    entries: list[BaselineEntry] = field(default_factory=list)

    def institutions(self) -> list[str]:
        return sorted({e.institution for e in self.entries})

    def value(self, institution: str, indicator: str) -> float | None:
        for e in self.entries:
            if e.institution == institution and e.indicator == indicator:
                return e.value
        return None


def load_redciudadana(path: Path) -> BaselineEdition:
    """Read Red Ciudadana's SistemaRanking `datosabiertos.json` (values are strings 0–8)."""
    raw = path.read_bytes()
    try:
        rows = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not JSON ({exc})") from None
    if not isinstance(rows, list) or not rows:
        raise BaselineError(f"{path}: expected a list of institutions")
    edition = BaselineEdition(
        edition="redciudadana-2021",
        title="Índice de Datos Abiertos 2021 (Red Ciudadana, evaluación manual)",
        year=2021,
        scale_max=8.0,
        source=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("id_institucion"), str):
            raise BaselineError(f"{path}: entry {n} has no 'id_institucion'")
        code = row["id_institucion"].strip().upper()
        name = str(row.get("Institucion", "")).strip()
        for key in REDCIUDADANA_INDICATORS:
            if key not in row:
                raise BaselineError(f"{path}: entry {n} ({code}) lacks {key!r}")
            try:
                value = float(str(row[key]).strip())
            except ValueError:
                raise BaselineError(
                    f"{path}: entry {n} ({code}) {key}={row[key]!r} is not a number"
                ) from None
            if not 0 <= value <= edition.scale_max:
                raise BaselineError(f"{path}: entry {n} ({code}) {key}={value} is outside 0–8")
            edition.entries.append(BaselineEntry(code, name, key, value))
    return edition
