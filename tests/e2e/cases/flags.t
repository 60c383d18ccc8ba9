# Independent flags beside a level: a community can be lagging and short of
# office space at once; a missing area leaves the flag not evaluated (empty,
# with the cause), never false. The summary, JSON lines, explain and the test
# runner (expectations on a flag, coverage of its conditions) all know flags.
D=tests/e2e/data/flags
$RF run $D/communities.yaml --input communities=$D/communities.csv --year 2025
echo "-- jsonl"
$RF run $D/communities.yaml --input communities=$D/communities.csv --year 2025 -q -f jsonl
echo "-- explain"
$RF explain $D/communities.yaml --input communities=$D/communities.csv --year 2025 --id 南门
echo "-- tests"
$RF test $D/communities.test.yaml --coverage --fail-under 100
echo "-- a case that never raises the flag leaves it uncovered"
cp $D/communities.yaml "$T/"
cd "$T"
cat > t.test.yaml <<'EOT'
pack: communities.yaml
cases:
  - name: no community short of space
    inputs:
      communities: |
        社区,考核得分,户数,办公服务用房面积
        东山,55,200,80
    expect:
      东山: {space_short: true}
EOT
$RF test t.test.yaml --coverage
echo "exit $?"
rm -f communities.yaml t.test.yaml
