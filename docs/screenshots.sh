#!/bin/sh
# Remakes the README's pictures of the workbook and the HTML report from the
# Xuan'en samples (by branch): docs/workbook.png is the workbook's summary
# sheet as LibreOffice prints it, docs/report.png the report as headless
# Chromium shows it. Needs build/rosterflag (sh .ci/demo builds it), and
# chromium, fonts-wqy-microhei, libreoffice-calc-nogui and poppler-utils.
set -eu
cd "$(dirname "$0")/.."
RF=${ROSTERFLAG:-build/rosterflag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
    SOURCE_DATE_EPOCH=1767139200 "$RF" run rules/xuanen-twelve-point.yaml \
        --input members=samples/xuanen/members.csv --input events=samples/xuanen/ledger.csv \
        --year 2025 --group-by branch -q "$@"
}
run -f xlsx -o "$tmp/xuanen.xlsx"
run -f html -o "$tmp/xuanen.html"
soffice --headless -env:UserInstallation="file://$tmp/lo" --convert-to pdf --outdir "$tmp" \
    "$tmp/xuanen.xlsx" >/dev/null 2>&1
pdftoppm -png -r 100 -f 1 -l 1 -x 60 -y 60 -W 1050 -H 720 -singlefile "$tmp/xuanen.pdf" \
    docs/workbook
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/chromium" "--host-resolver-rules=MAP * ~NOTFOUND" \
    --screenshot="$PWD/docs/report.png" --window-size=1000,1300 "file://$tmp/xuanen.html" \
    2>/dev/null
ls -l docs/workbook.png docs/report.png
