# The year-end duplicate check decides a repeat by the ids' texts, never by
# a hash alone. Once the ids are out of order they are looked up in a table
# whose slot keeps part of the hash: KDGBA1CPF and K8QUPEJNS have the same
# part (FNV-1a: the high 32 bits agree), which also picks the home slot, so
# the second meets the first's slot; both are
# members, and a repeat of either is rejected naming its own first line.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
cd "$T" || exit 1
cat > ids.csv <<'EOC'
编号,姓名
K2,甲
K1,乙
KDGBA1CPF,丙
K8QUPEJNS,丁
K8QUPEJNS,戊
KDGBA1CPF,己
K3,庚
EOC
$RF run "$root/rules/xuanen-twelve-point.yaml" -q --input members=ids.csv --year 2025 \
    --columns member_id,name,score -r rej.csv
echo "exit $?"
cat rej.csv
rm ids.csv rej.csv
