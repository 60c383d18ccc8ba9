# Sourced by the --threads cases (their scratch directory the current one).
#
#   agree NAME RC "THREADS" "PIECES" RUN-ARGUMENTS...
#
# runs `$RF run RUN-ARGUMENTS` on one thread into NAME-1.csv,
# NAME-1-rejects.csv and NAME-1.err, saying "NAME: exit N"; then on each
# count in THREADS, with the input read in pieces of each size in PIECES
# bytes (RF_CHUNK_BYTES, read by the CLI for tests only; "-" for the
# default), and says each run whose results, rejects report, messages or exit
# status (RC) differ from the one thread's. Leaves o.csv, r.csv and e.txt for
# the case to remove.
agree() {
    name=$1
    rc=$2
    threads=$3
    pieces=$4
    shift 4
    $RF run "$@" --threads 1 -o "$name-1.csv" -r "$name-1-rejects.csv" 2>"$name-1.err"
    echo "$name: exit $?"
    for n in $threads; do
        for bytes in $pieces; do
            [ "$bytes" = - ] && bytes=
            RF_CHUNK_BYTES=$bytes $RF run "$@" --threads "$n" -o o.csv -r r.csv 2>e.txt
            echo "exit $?" >>e.txt
            echo "exit $rc" | cat "$name-1.err" - | cmp -s - e.txt && cmp -s o.csv "$name-1.csv" &&
                cmp -s r.csv "$name-1-rejects.csv" ||
                echo "$name: $n threads, pieces of $bytes bytes differ"
        done
    done
}
