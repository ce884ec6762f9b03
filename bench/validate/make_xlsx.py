"""Write the XLSX workload: the first rows of gen_csv.py's data, typed, with openpyxl.

usage: python make_xlsx.py source.csv out.xlsx 39000
Numbers become numeric cells and the seeded bad values stay strings, so the workbook
has the same kinds of errors as the CSV (type errors, short/long rows, blank rows).
"""

from __future__ import annotations

import csv
import sys

from openpyxl import Workbook


def _cell(value: str) -> object:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def main() -> None:
    source, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("datos")
    with open(source, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):
            if i > n:
                break
            ws.append([_cell(v) if i else v for v in row])
    wb.save(out)


if __name__ == "__main__":
    main()
