#!/bin/sh
# Writes the workbook fixtures from their flat-ODF sources (*.fods, hand-written XML, readable in
# a diff) with LibreOffice, so the tests read files made by a real office suite, not by capacita:
#   apt-get install libreoffice-calc-nogui
#   Tests/Fixtures/sheets/make.sh
# The .xlsx, .ods and .xls outputs are committed; run this again only when a source changes.
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
for source in *.fods; do
    soffice --headless --convert-to xlsx --outdir "$out" "$source" >/dev/null 2>&1
done
# The refused kinds: LibreOffice's own format and Excel 97-2003.
soffice --headless --convert-to ods --outdir "$out" inscripcion.fods >/dev/null 2>&1
soffice --headless --convert-to xls:"MS Excel 97" --outdir "$out" inscripcion.fods >/dev/null 2>&1
# A zip bomb: one entry of 300 MB of zeros, about 290 KB compressed (Python's zipfile, not
# LibreOffice: no office suite writes one).
python3 -c "
import zipfile
with zipfile.ZipFile('$out/bomba.xlsx', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as entry:
        block = bytes(1 << 20)
        for _ in range(300):
            entry.write(block)
"
cp "$out"/*.xlsx "$out"/*.ods "$out"/*.xls .
rm -rf "$out"
ls -l *.xlsx *.ods *.xls
