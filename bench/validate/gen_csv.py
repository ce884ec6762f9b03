# Copied unchanged (below this header) from /work/shared/peers/gen_csv.py, the shared peer
# workload generator, so that this benchmark runs the same file the peers measured.
# ruff: noqa
# fmt: off
# usage: python gen_csv.py data/es_10mb.csv 10   (writes a ~10 MB Spanish open-data-like CSV with a few seeded errors)
"""Realistic open-data CSV: 15 columns (ints, floats, dates, datetimes, booleans,
Spanish text with accents and quoted free text), UTF-8, comma separated.

Seeded errors, all after row 1000 (so schema inference on the first rows sees
clean data), about 1 row in 1000 in total:
  type errors (poblacion 'N/D', importe '1.234,56', fecha '31/02/2023'),
  missing cell (14 fields), extra cell (16 fields), blank row.
Prints a JSON line with rows written and the number of error rows per kind.
"""
import csv
import json
import random
import sys
from datetime import date, datetime, timedelta

MUNICIPIOS = [
    ("Logroño", "La Rioja", "La Rioja"), ("Cádiz", "Cádiz", "Andalucía"), ("Málaga", "Málaga", "Andalucía"),
    ("A Coruña", "A Coruña", "Galicia"), ("Ávila", "Ávila", "Castilla y León"), ("León", "León", "Castilla y León"),
    ("Jaén", "Jaén", "Andalucía"), ("Córdoba", "Córdoba", "Andalucía"), ("Almería", "Almería", "Andalucía"),
    ("Cáceres", "Cáceres", "Extremadura"), ("Castellón de la Plana", "Castellón", "Comunitat Valenciana"),
    ("Donostia/San Sebastián", "Gipuzkoa", "País Vasco"), ("Alcalá de Henares", "Madrid", "Comunidad de Madrid"),
    ("Móstoles", "Madrid", "Comunidad de Madrid"), ("Getafe", "Madrid", "Comunidad de Madrid"),
    ("Hospitalet de Llobregat, L'", "Barcelona", "Cataluña"), ("Sant Cugat del Vallès", "Barcelona", "Cataluña"),
    ("Gijón", "Asturias", "Principado de Asturias"), ("Santa Cruz de Tenerife", "Santa Cruz de Tenerife", "Canarias"),
    ("Palma", "Illes Balears", "Illes Balears"), ("Pamplona/Iruña", "Navarra", "Comunidad Foral de Navarra"),
    ("Vitoria-Gasteiz", "Araba/Álava", "País Vasco"), ("Zaragoza", "Zaragoza", "Aragón"), ("Murcia", "Murcia", "Región de Murcia"),
]
CATEGORIAS = ["Educación", "Sanidad", "Medio ambiente", "Transporte público", "Cultura y ocio", "Economía",
              "Urbanismo", "Servicios sociales", "Participación ciudadana"]
PALABRAS = ("el la los las de del en y a con por para sobre según año niño señal información gestión "
            "población evaluación acción pública área región municipal ayuntamiento subvención contrato "
            "licitación obra mejora accesibilidad energía eficiente reducción emisiones bicicleta "
            "peatón calle avenida plaza jardín biblioteca centro salud educación infantil ¿cuándo? ¡atención!").split()
HEADER = ["id", "codigo_ine", "municipio", "provincia", "comunidad_autonoma", "fecha", "fecha_hora",
          "poblacion", "superficie_km2", "latitud", "longitud", "importe_eur", "activo", "categoria", "descripcion"]


def make_row(rng, i, d0):
    mun, prov, ccaa = MUNICIPIOS[rng.randrange(len(MUNICIPIOS))]
    d = d0 + timedelta(days=rng.randrange(3650))
    dt = datetime(d.year, d.month, d.day, rng.randrange(24), rng.randrange(60), rng.randrange(60))
    n_words = rng.randrange(6, 22)
    desc = " ".join(rng.choice(PALABRAS) for _ in range(n_words))
    if rng.random() < 0.3:
        desc = f'{desc}, según el "Plan {rng.randrange(2015, 2025)}"'
    return [
        i, f"{rng.randrange(1, 52):02d}{rng.randrange(1, 999):03d}", mun, prov, ccaa,
        d.isoformat(), dt.isoformat(), rng.randrange(100, 3_500_000), round(rng.uniform(1, 1500), 2),
        round(rng.uniform(27.6, 43.8), 6), round(rng.uniform(-18.2, 4.3), 6), round(rng.uniform(0, 2_000_000), 2),
        "true" if rng.random() < 0.8 else "false", rng.choice(CATEGORIAS), desc,
    ]


def main():
    path, mb = sys.argv[1], float(sys.argv[2])
    target = int(mb * 1_000_000)
    rng = random.Random(20261122)
    d0 = date(2014, 1, 1)
    errors = {"type_poblacion_ND": 0, "type_importe_comma": 0, "type_fecha_ddmm": 0,
              "missing_cell": 0, "extra_cell": 0, "blank_row": 0}
    kinds = list(errors)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        i = 0
        while i % 1000 or f.tell() < target:
            i += 1
            row = make_row(rng, i, d0)
            if i > 1000 and rng.random() < 0.001:
                kind = rng.choice(kinds)
                errors[kind] += 1
                if kind == "type_poblacion_ND":
                    row[7] = "N/D"
                elif kind == "type_importe_comma":
                    row[11] = f"{rng.randrange(1, 999)}.{rng.randrange(100, 999)},{rng.randrange(10, 99)}"
                elif kind == "type_fecha_ddmm":
                    row[5] = f"31/02/{rng.randrange(2015, 2025)}"
                elif kind == "missing_cell":
                    row = row[:-1]
                elif kind == "extra_cell":
                    row = row + ["sobrante"]
                elif kind == "blank_row":
                    f.write("\r\n")
                    continue
            w.writerow(row)
            rows += 1
    print(json.dumps({"path": path, "rows": rows, "bytes": target, "error_rows": errors,
                      "error_rows_total": sum(errors.values())}))


if __name__ == "__main__":
    main()
