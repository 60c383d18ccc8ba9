/* fz_run.h: the contract of rf_run that the harnesses running packs
 * (fuzz_csv, fuzz_pack) check after every run, beyond the sanitizers. */
#ifndef FZ_RUN_H
#define FZ_RUN_H

#include "rosterflag.h"

#include <stdio.h>

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

#endif
