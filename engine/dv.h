/* dv: derived entities and groups inside an entity.
 *
 * A derived entity (entity: {from: members, key: branch}) has no sheet of
 * its own: it is one row per distinct value of a column of another input,
 * and that input's rows are its related rows. The pack side is a synthetic
 * entity input built here; the run creates an entity the first time a
 * value appears.
 *
 * Groups inside an entity (distinct(members, group), min(members by group,
 * count())) need, per entity, one accumulator per distinct value seen: a
 * table keyed by (set, value), where a set is one grouped aggregate of one
 * entity. Memory grows with the groups, never with the rows. */
#ifndef DV_H
#define DV_H

#include "ar.h"
#include "ex.h"
#include "pk.h"

#include <stdint.h>

/* Append to p->inputs (which has room for one more) the entity input
 * derived from column `col` of input `from`, make that column the input's
 * reference to it, and return its index. */
int dv_entity_input(rf_pack *p, ar_arena *a, int from, int col, pk_text label);

/* The groups of one grouped aggregate for one entity. All zero: none yet. */
typedef struct dv_set {
    uint32_t id;   /* 0 until the first group */
    uint32_t head; /* first group's record + 1; 0: none */
    uint32_t n;    /* groups */
} dv_set;

typedef struct dv_groups dv_groups;

dv_groups *dv_new(void);
void dv_free(dv_groups *t);
/* Feed one row (env in row scope) of grouped aggregate g to set s: the
 * filter and a missing group go to a (as skipped rows); otherwise the row's
 * group is found or created and g->inner steps over it. */
void dv_step(dv_groups *t, dv_set *s, const ex_agg *g, ex_acc *a, const ex_env *env, double w);
/* g over the groups of s; a holds what dv_step noted (skipped rows). */
vl_value dv_final(const dv_groups *t, const dv_set *s, const ex_agg *g, const ex_acc *a);
/* For explain: each group of s in order of first appearance, with its
 * inner value ("第一党小组 12, 第二党小组 18"; distinct: the values alone),
 * then the rows in no group, if any. Writes a NUL-terminated string,
 * cut with "..." at cap; returns its length. */
size_t dv_describe(const dv_groups *t, const dv_set *s, const ex_agg *g, const ex_acc *a, char *buf,
                   size_t cap);
/* Groups held, for memory reports and tests. */
size_t dv_count(const dv_groups *t);

#endif
