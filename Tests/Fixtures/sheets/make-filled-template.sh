#!/bin/sh
# Writes plantilla-llena.xlsx: the enrollment template capacita writes for SICT (2024), filled in
# and saved by LibreOffice, so the round-trip test imports a template as an office suite saves it
# (its notes, drop-downs and text-formatted columns carried through), not only as capacita wrote it.
#   apt-get install libreoffice-calc-nogui
#   scripts/demo            # the demo data: SICT's groups of 2024
#   Tests/Fixtures/sheets/make-filled-template.sh
# The template goes through LibreOffice's flat ODF (plain XML), where the rows are typed in, and
# back to .xlsx. The output is committed; run this again only when the template changes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$(mktemp -d)
DATABASE_URL=${DATABASE_URL:-$("$root/scripts/dev-db" start)} \
    "$root/.build/debug/capacita" template enroll --agency SICT --year 2024 --out "$out/plantilla-llena.xlsx"
soffice --headless --convert-to fods --outdir "$out" "$out/plantilla-llena.xlsx" >/dev/null 2>&1
python3 - "$out/plantilla-llena.fods" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
# curp, nombre, primer_apellido, segundo_apellido, sexo, correo, dependencia, nivel, puesto, grupo
people = [
    ["HEGG560427MVZRRL04", "Gloria", "Hernández", "García", "M", "gloria@sict.gob.mx", "SICT", "enlace",
     "Analista", "SICT-BAS-2024-01"],
    ["LOPM900315MJCPRR00", "María", "López", "Peña", "M", "", "SICT", "K", "Directora", "SICT-BAS-2024-01"],
    ["GOMC820101HDFMRR04", "Carlos", "Gómez", "Martínez", "H", "", "SICT", "L", "Jefe de departamento",
     "SICT-BAS-2024-01"],
]
def cell(value):
    if not value:
        return "<table:table-cell/>"
    escaped = value.replace("&", "&amp;").replace("<", "&lt;")
    return f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{escaped}</text:p></table:table-cell>'
rows = "".join('<table:table-row table:style-name="ro1">' + "".join(map(cell, p)) + "</table:table-row>" for p in people)
# The first sheet's empty rows below the header are one repeated row: the typed rows go before it.
match = re.search(r'<table:table-row table:style-name="ro1" table:number-rows-repeated="(\d+)">', text)
repeated = int(match.group(1))
text = (text[:match.start()] + rows
        + match.group(0).replace(f'"{repeated}"', f'"{repeated - len(people)}"') + text[match.end():])
open(path, "w", encoding="utf-8").write(text)
PY
rm "$out/plantilla-llena.xlsx"
soffice --headless --convert-to xlsx --outdir "$out" "$out/plantilla-llena.fods" >/dev/null 2>&1
cp "$out/plantilla-llena.xlsx" "$here/"
rm -rf "$out"
ls -l "$here/plantilla-llena.xlsx"
