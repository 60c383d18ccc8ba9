/* rk: rankings, the run's second pass.
 *
 * A rank measure (rank: VALUE, order:, within: GROUP) needs every entity's
 * value before any entity's rank is known. The run therefore goes over the
 * entities twice: the first pass evaluates what needs no ranking and notes,
 * per entity and ranking, the value ranked and the group (rk_note); the
 * rankings are then sorted once each (rk_finish); the second pass evaluates
 * every measure and level, reading ranks, group sizes and percentiles with
 * rk_value. Per entity and ranking the state is a group number and a rank
 * (8 bytes), plus 16 bytes per ranked entity while it is being sorted. */
#ifndef RK_H
#define RK_H

#include "ex.h"
#include "pk.h"
#include "rosterflag.h"

#include <stddef.h>

typedef struct rk_state rk_state;

/* NULL if the pack has no rank measure. */
rk_state *rk_new(const rf_pack *p);
void rk_free(rk_state *k);

/* First pass: the next entity (in input order, numbered from 0), with every
 * measure that needs no ranking evaluated into env. */
void rk_note(rk_state *k, const ex_env *env);

/* Between the passes: rank every ranking. A ranking in which no entity has
 * a value is said as a warning (each entity's rank is then missing, with
 * its own cause). `path` names the entity input in the warning. */
void rk_finish(rk_state *k, rf_diags *d, const char *path);

/* Second pass: the value of measure m (a rank, group size or percentile)
 * for entity `ord`. An entity not ranked (its value or its group is
 * missing) gets a missing rank that says why; the cause lives until the
 * next call for the same measure. */
vl_value rk_value(rk_state *k, int m, size_t ord, const ex_env *env);

#endif
