# Entity keys around the length a hash slot holds itself (21 bytes): keys
# of 20, 21 and 22 bytes that are prefixes of each other, keys equal up to
# the 21st byte and apart after it, long keys (compared in the entity's
# block) beside short ones, in ASCII and in three-byte characters. Each team row must reach its own village, a key
# matching none is rejected, on one thread and on three in pieces of one
# record, with the same bytes.
root=$(pwd)
case $RF in /*) ;; *) RF=$root/$RF ;; esac
lj=$root/rules/luojiang-red-yellow-blue.yaml
cd "$T" || exit 1
a20=aaaaaaaaaaaaaaaaaaaa
{
    echo '村名,中心工作进度'
    echo 'x,95'
    echo "${a20},91"
    echo "${a20}a,92"
    echo "${a20}b,93"
    echo "${a20}aa,94"
    echo "${a20}ab,85"
    echo "${a20}${a20}${a20},96"
    echo "${a20}${a20}${a20}z,97"
    echo '金山村金山村金山村金山村,70'
    echo '金山村金山村金山村金山,55'
    echo '金山村金山村金山村金,98'
    echo '金山村金山村金,88'
    echo '金山村金山村金山,89'
} >v.csv
{
    echo '村名,姓名,职务,出生日期,学历'
    for k in x "${a20}" "${a20}a" "${a20}b" "${a20}aa" "${a20}ab" "${a20}${a20}${a20}" \
        "${a20}${a20}${a20}z" 金山村金山村金山村金山村 金山村金山村金山村金山 金山村金山村金山村金 \
        金山村金山村金 金山村金山村金山; do
        echo "$k,甲,书记,1970-01-01,大专"
        echo "$k,乙,委员,1995-06-30,本科"
    done
    echo "${a20}${a20}${a20}y,丙,委员,1980-01-01,大专"
    echo "${a20}c,丁,委员,1980-01-01,大专"
    echo "金山村金山村金山村金山村金,戊,委员,1980-01-01,大专"
    echo "金山村金山村,庚,委员,1980-01-01,大专"
    echo "${a20}b,己,委员,1960-02-29,初中"
} >t.csv
$RF run $lj --input villages=v.csv --input team=t.csv --as-of 2025-12-31 --threads 1 \
    -o one.csv -r one-rejects.csv
echo "exit $?"
cat one.csv one-rejects.csv
RF_CHUNK_BYTES=1 $RF run $lj --input villages=v.csv --input team=t.csv --as-of 2025-12-31 \
    --threads 3 -o three.csv -r three-rejects.csv 2>/dev/null
echo "3 threads: exit $?"
cmp one.csv three.csv && cmp one-rejects.csv three-rejects.csv && echo "3 threads: the same bytes"
rm -f v.csv t.csv one.csv one-rejects.csv three.csv three-rejects.csv
