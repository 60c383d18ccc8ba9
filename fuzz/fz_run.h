/* fz_run.h: the contract of rf_run that the harnesses running packs
 * (fuzz_csv, fuzz_pack) check after every run, beyond the sanitizers. */
#ifndef FZ_RUN_H
#define FZ_RUN_H

#include "rosterflag.h"

#include <stdio.h>
#include <string.h>

/* A failed run reports an error; a completed one (when `sums` is set: not
 * stopped early by --max-rejects) reconciles rows == used + outside +
 * rejected for every input. `fail` reports the violation and aborts. */
static void fz_check_run(int rc, const rf_diags *d, const rf_summary *sum, int sums,
                         void (*fail)(const char *what))
{
    if (rc != 0 && rf_diags_errors(d) == 0)
        fail("rf_run failed without an error diagnostic");
    if (rc != 0 || !sums)
        return;
    if (sum->ninputs > RF_MAX_INPUTS)
        fail("summary: too many inputs");
    for (size_t i = 0; i < sum->ninputs; i++) {
        const rf_input_stats *s = &sum->inputs[i];
        if (s->rows != s->used + s->outside + s->rejected) {
            fprintf(stderr, "input %zu: rows %llu used %llu outside %llu rejected %llu\n", i,
                    (unsigned long long)s->rows, (unsigned long long)s->used,
                    (unsigned long long)s->outside, (unsigned long long)s->rejected);
            fail("summary: rows != used + outside + rejected");
        }
    }
}

/* Physical records in a CSV text (delimiter ','), counted apart from the
 * reader, as simply as it can be: line breaks (CR, LF, CRLF as one) outside
 * quoted parts, plus an unterminated last line. A quote opens a quoted part
 * only at the start of a cell (after blanks); a quote not doubled closes
 * it, and the rest of the cell is text, quotes included. Returns -1 when a
 * quoted part holds a line break: multi-line cells are not counted here. */
static inline long long fz_count_records(const unsigned char *s, size_t n)
{
    enum { START, PLAIN, QUOTED } st = START;
    long long records = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (st == QUOTED) {
            if (c == '\r' || c == '\n')
                return -1;
            if (c == '"') {
                if (i + 1 < n && s[i + 1] == '"')
                    i++;
                else
                    st = PLAIN;
            }
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            records++;
            st = START;
        } else if (c == ',') {
            st = START;
        } else if (st == START && c == '"') {
            st = QUOTED;
        } else if (st == START && (c == ' ' || c == '\t')) {
            continue;
        } else {
            st = PLAIN;
        }
    }
    if (n && s[n - 1] != '\r' && s[n - 1] != '\n')
        records++;
    return records;
}

/* Nothing lost in reading: for the input read from `path` (the bytes
 * s[0..n)), the header, the rows read and the blank lines skipped add up to
 * the file's physical records, when it has no multi-line cell. Only for a
 * completed run. */
static inline void fz_check_records(int rc, const rf_summary *sum, const char *path,
                                    const unsigned char *s, size_t n,
                                    void (*fail)(const char *what))
{
    if (rc != 0)
        return;
    long long records = fz_count_records(s, n);
    if (records < 0)
        return;
    for (size_t i = 0; i < sum->ninputs; i++) {
        const rf_input_stats *st = &sum->inputs[i];
        if (!st->path || strcmp(st->path, path) != 0)
            continue;
        if ((unsigned long long)records != st->rows + st->blank + 1) {
            fprintf(stderr, "records %lld, rows %llu + blank %llu + header\n", records,
                    (unsigned long long)st->rows, (unsigned long long)st->blank);
            fail("rows read + blank lines + header != the file's records");
        }
    }
}

#endif
