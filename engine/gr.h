/* gr: results counted per group (a township, a branch, a district), for the
 * summaries people read: per level and per flag, in the order groups are
 * first met. Every result lands in exactly one group (an empty value is a
 * group of its own), so the groups' counts add up to the results. */
#ifndef GR_H
#define GR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gr_group {
    const char *name; /* the group's value; "" for results without one */
    uint64_t results;
    uint64_t *levels; /* nlevels counts (the "no level" id last) */
    uint64_t *flags;  /* nflags counts of results that raised the flag */
} gr_group;

typedef struct gr_table gr_table;

gr_table *gr_new(size_t nlevels, size_t nflags);
void gr_free(gr_table *t);
/* Count one result in group `name` (n bytes): level index (or nlevels for a
 * pack without levels), raised[f] for each flag. Returns the group's index. */
size_t gr_add(gr_table *t, const char *name, size_t n, size_t level, const bool *raised);
size_t gr_count(const gr_table *t);
const gr_group *gr_get(const gr_table *t, size_t i);

#endif
