# The year-end sheet (one count column per behaviour) scores like the ledger.
$RF run rules/xuanen-twelve-point.yaml --input members=samples/xuanen/year-end-2025.csv --year 2025
