#include "gr.h"

#include "ar.h"

#include <stdlib.h>
#include <string.h>

struct gr_table {
    size_t nlevels, nflags;
    size_t n, cap; /* groups */
    gr_group *g;
    size_t hcap;      /* power of two, over twice n */
    int32_t *hash;    /* group index, -1 empty */
    uint64_t *counts; /* per group: nlevels + nflags, reallocated with g */
};

gr_table *gr_new(size_t nlevels, size_t nflags)
{
    gr_table *t = ar_xrealloc(NULL, sizeof *t);
    memset(t, 0, sizeof *t);
    t->nlevels = nlevels;
    t->nflags = nflags;
    return t;
}

void gr_free(gr_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free((char *)t->g[i].name);
    free(t->g);
    free(t->hash);
    free(t->counts);
    free(t);
}

static void gr_rehash(gr_table *t)
{
    t->hcap = t->hcap ? t->hcap * 2 : 64;
    free(t->hash);
    t->hash = ar_xrealloc(NULL, t->hcap * sizeof *t->hash);
    for (size_t i = 0; i < t->hcap; i++)
        t->hash[i] = -1;
    for (size_t i = 0; i < t->n; i++) {
        const char *s = t->g[i].name;
        size_t h = ar_fnv(AR_FNV_BASIS, s, strlen(s)) & (t->hcap - 1);
        while (t->hash[h] >= 0)
            h = (h + 1) & (t->hcap - 1);
        t->hash[h] = (int32_t)i;
    }
}

/* Counts live in one block; the groups' pointers into it are set again
 * whenever it moves. */
static void gr_point(gr_table *t)
{
    size_t w = t->nlevels + t->nflags;
    for (size_t i = 0; i < t->n; i++) {
        t->g[i].levels = t->counts + i * w;
        t->g[i].flags = t->counts + i * w + t->nlevels;
    }
}

size_t gr_add(gr_table *t, const char *name, size_t n, size_t level, const bool *raised)
{
    if (2 * (t->n + 1) > t->hcap)
        gr_rehash(t);
    size_t h = ar_fnv(AR_FNV_BASIS, name, n) & (t->hcap - 1);
    int32_t idx;
    while ((idx = t->hash[h]) >= 0) {
        const char *s = t->g[idx].name;
        if (strlen(s) == n && memcmp(s, name, n) == 0)
            break;
        h = (h + 1) & (t->hcap - 1);
    }
    size_t w = t->nlevels + t->nflags;
    if (idx < 0) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 16;
            t->g = ar_xrealloc(t->g, t->cap * sizeof *t->g);
            t->counts = ar_xrealloc(t->counts, t->cap * w * sizeof *t->counts);
        }
        idx = (int32_t)t->n++;
        char *copy = ar_xrealloc(NULL, n + 1);
        memcpy(copy, name, n);
        copy[n] = 0;
        t->g[idx] = (gr_group){copy, 0, NULL, NULL};
        memset(t->counts + (size_t)idx * w, 0, w * sizeof *t->counts);
        t->hash[h] = idx;
        gr_point(t);
    }
    gr_group *g = &t->g[idx];
    g->results++;
    if (level < t->nlevels)
        g->levels[level]++;
    for (size_t f = 0; f < t->nflags; f++)
        g->flags[f] += raised[f];
    return (size_t)idx;
}

size_t gr_count(const gr_table *t)
{
    return t->n;
}

const gr_group *gr_get(const gr_table *t, size_t i)
{
    return i < t->n ? &t->g[i] : NULL;
}
