# A year-end sheet as Excel writes it (BOM, CRLF, a padded header cell, a name
# with a line break inside quotes), seeded with one of each cell fault:
# full-width digits (accepted), "12分", a negative count, a short and a long
# row, a blank line, blank count cells (none), a member listed twice (once
# with spaces around the id, the same id). Physical line numbers stay
# right after the quoted line break; rows read = used + rejected.
$RF run rules/xuanen-twelve-point.yaml --input members=tests/e2e/data/yearend-faults.csv \
    --year 2025 -r "$T/rejects.csv"
