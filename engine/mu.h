/* mu: mutants of a compiled pack, for `rosterflag test --mutate`.
 *
 * A mutant is a small change to the pack: a comparison's operator to its
 * neighbour, a number or constant one step up or down, a catalogue item's
 * number by 1, and <-> or (in an expression, or a level's any/all), one
 * condition of a level or flag dropped. The table lists each as bytes to
 * write into the compiled pack and the bytes to restore, so the caller makes
 * the change, runs its cases against the same pack and undoes it: nothing is
 * recompiled, nothing written to disk, and the engine evaluates a mutant
 * exactly as it evaluates the pack. Applying a mutant changes the pack: no
 * other run may use it meanwhile. */
#ifndef MU_H
#define MU_H

#include "ar.h"
#include "pk.h"

#include <stdint.h>

typedef struct mu_patch {
    void *at;
    size_t size;
    unsigned char was[sizeof(vl_value)], to[sizeof(vl_value)];
} mu_patch;

typedef struct mu_mutant {
    uint32_t line, col; /* in the pack file */
    const char *from;   /* the pack's text there, e.g. "progress < 60" */
    const char *to;     /* as the mutant reads it, e.g. "progress <= 60"; NULL when
                           the condition `from` is dropped */
    const char *owner;  /* that condition's "level red" or "flag short" */
    const char *hint;   /* what a case would need to tell them apart, or NULL */
    int first, n;       /* its patches */
} mu_mutant;

typedef struct mu_table {
    ar_arena *a;
    rf_pack *p;
    mu_mutant *m;
    int n, cap;
    mu_patch *pt;
    int npt, cappt;
} mu_table;

/* Every mutant of the pack, in the order of the pack file's sections. */
mu_table *mu_table_new(rf_pack *p);
void mu_table_free(mu_table *t);
/* Make mutant i's change in the pack, or undo it. */
void mu_apply(const mu_table *t, int i);
void mu_undo(const mu_table *t, int i);

#endif
