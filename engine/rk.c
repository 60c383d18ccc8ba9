/* rk: rankings (see rk.h). Ties share the lowest rank (1, 2, 2, 4); an
 * entity whose value or group is missing is not ranked and does not count
 * in its group's size. */
#include "rk.h"

#include "ar.h"
#include "dg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_NONE UINT32_MAX /* no group: the group value is missing */

/* One ranked entity while the ranking is sorted. */
typedef struct rk_ent {
    double v;
    uint32_t grp, ord;
} rk_ent;

typedef struct rk_group {
    uint64_t hash;
    vl_value key; /* text copied into the state's arena */
} rk_group;

typedef struct rk_one {
    const pk_measure *ms;
    uint32_t *grp;  /* per entity: group number, or RK_NONE */
    uint32_t *rank; /* per entity, after rk_finish: rank, or 0 if not ranked */
    rk_ent *ents;   /* ranked entities, until rk_finish */
    size_t nents, capents;
    rk_group *groups; /* group keys by number */
    uint32_t *gsize;  /* after rk_finish: ranked entities per group */
    size_t ngroups, capgroups;
    uint32_t *table; /* group numbers hashed by key (capacity a power of two) */
    size_t tabcap;
    uint32_t lastg; /* the group found last: rosters come grouped */
    char why[512];
} rk_one;

struct rk_state {
    const rf_pack *p;
    ar_arena *a;
    int n;
    rk_one *one;
    int *of; /* per measure: its ranking's index in one[], or -1 */
    size_t nents, capents;
};

rk_state *rk_new(const rf_pack *p)
{
    if (!p->nranks)
        return NULL;
    rk_state *k = ar_xmalloc(sizeof *k);
    memset(k, 0, sizeof *k);
    k->p = p;
    k->a = ar_new();
    k->one = ar_alloc(k->a, (size_t)p->nranks * sizeof *k->one);
    memset(k->one, 0, (size_t)p->nranks * sizeof *k->one);
    k->of = ar_alloc(k->a, (size_t)(p->nmeasures + 1) * sizeof *k->of);
    for (int m = 0; m < p->nmeasures; m++) {
        k->of[m] = -1;
        if (p->measures[m].kind == PK_M_RANK) {
            k->one[k->n].ms = &p->measures[m];
            k->one[k->n].lastg = RK_NONE;
            k->of[m] = k->n++;
        }
    }
    /* Group sizes and percentiles read their ranking's slot. */
    for (int m = 0; m < p->nmeasures; m++)
        if (p->measures[m].kind != PK_M_EXPR && p->measures[m].kind != PK_M_RANK)
            k->of[m] = k->of[p->measures[m].of];
    return k;
}

void rk_free(rk_state *k)
{
    if (!k)
        return;
    for (int r = 0; r < k->n; r++) {
        rk_one *o = &k->one[r];
        free(o->grp);
        free(o->rank);
        free(o->ents);
        free(o->groups);
        free(o->gsize);
        free(o->table);
    }
    ar_free(k->a);
    free(k);
}

/* ---- groups -------------------------------------------------------------- */

/* A group's value is told apart as derived entities' keys are (vl_same). */
static void rk_table_put(rk_one *o, uint32_t g)
{
    size_t mask = o->tabcap - 1;
    size_t h = o->groups[g].hash & mask;
    while (o->table[h] != RK_NONE)
        h = (h + 1) & mask;
    o->table[h] = g;
}

static uint32_t rk_group_of(rk_state *k, rk_one *o, vl_value v)
{
    if (o->lastg != RK_NONE && vl_same(o->groups[o->lastg].key, v))
        return o->lastg;
    uint64_t hv = vl_hash(v, AR_FNV_BASIS);
    if (o->tabcap) {
        size_t mask = o->tabcap - 1;
        for (size_t h = hv & mask; o->table[h] != RK_NONE; h = (h + 1) & mask) {
            uint32_t g = o->table[h];
            if (o->groups[g].hash == hv && vl_same(o->groups[g].key, v))
                return o->lastg = g;
        }
    }
    if (o->ngroups == o->capgroups) {
        o->capgroups = o->capgroups ? o->capgroups * 2 : 64;
        o->groups = ar_xrealloc(o->groups, o->capgroups * sizeof *o->groups);
    }
    uint32_t g = (uint32_t)o->ngroups++;
    if (v.kind == VL_TEXT)
        v.u.p = ar_strndup(k->a, v.u.p, v.n);
    o->groups[g] = (rk_group){hv, v};
    if (o->ngroups * 2 > o->tabcap) {
        free(o->table);
        o->tabcap = o->tabcap ? o->tabcap * 2 : 128;
        o->table = ar_xmalloc(o->tabcap * sizeof *o->table);
        memset(o->table, 0xFF, o->tabcap * sizeof *o->table);
        for (uint32_t i = 0; i < g; i++)
            rk_table_put(o, i);
    }
    rk_table_put(o, g);
    return o->lastg = g;
}

/* ---- the first pass -------------------------------------------------------- */

static bool rk_number(vl_value v, double *x)
{
    switch (v.kind) {
    case VL_INT:
        *x = (double)v.u.i;
        return true;
    case VL_DEC:
        *x = v.u.d;
        return true;
    case VL_DATE:
        *x = v.u.date;
        return true;
    case VL_ENUM:
        *x = v.ord;
        return true;
    default:
        return false;
    }
}

void rk_note(rk_state *k, const ex_env *env)
{
    size_t ord = k->nents;
    if (ord == k->capents) {
        k->capents = k->capents ? k->capents * 2 : 1024;
        for (int r = 0; r < k->n; r++) {
            k->one[r].grp = ar_xrealloc(k->one[r].grp, k->capents * sizeof *k->one[r].grp);
            k->one[r].rank = ar_xrealloc(k->one[r].rank, k->capents * sizeof *k->one[r].rank);
        }
    }
    k->nents++;
    for (int r = 0; r < k->n; r++) {
        rk_one *o = &k->one[r];
        o->rank[ord] = 0;
        o->grp[ord] = 0;
        if (o->ms->within) {
            vl_value g = ex_eval(o->ms->within, env);
            o->grp[ord] = g.kind == VL_MISSING ? RK_NONE : rk_group_of(k, o, g);
        } else if (!o->ngroups) {
            o->ngroups = 1; /* everyone */
        }
        double x;
        if (o->grp[ord] == RK_NONE || !rk_number(ex_eval(o->ms->by, env), &x))
            continue;
        if (o->nents == o->capents) {
            o->capents = o->capents ? o->capents * 2 : 1024;
            o->ents = ar_xrealloc(o->ents, o->capents * sizeof *o->ents);
        }
        o->ents[o->nents++] = (rk_ent){x, o->grp[ord], (uint32_t)ord};
    }
}

/* ---- ranking --------------------------------------------------------------- */

/* Does a come before b? By group, then value (ascending or descending).
 * Entries with the same group and value share a rank, so their order among
 * themselves does not matter. */
static inline bool rk_before(const rk_ent *a, const rk_ent *b, bool desc)
{
    if (a->grp != b->grp)
        return a->grp < b->grp;
    return desc ? a->v > b->v : a->v < b->v;
}

static void rk_swap(rk_ent *a, rk_ent *b)
{
    rk_ent t = *a;
    *a = *b;
    *b = t;
}

static void rk_sift(rk_ent *e, size_t i, size_t n, bool desc)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && rk_before(&e[c], &e[c + 1], desc))
            c++;
        if (!rk_before(&e[i], &e[c], desc))
            return;
        rk_swap(&e[i], &e[c]);
        i = c;
    }
}

/* In place, so sorting needs no memory beyond the entries themselves (the C
 * library's qsort may take a buffer as large as the array): quicksort with
 * a median of three, heapsort past a depth limit, insertion sort for short
 * runs. */
static void rk_sort(rk_ent *e, size_t n, bool desc, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            for (size_t i = n / 2; i-- > 0;)
                rk_sift(e, i, n, desc);
            for (size_t i = n - 1; i > 0; i--) {
                rk_swap(&e[0], &e[i]);
                rk_sift(e, 0, i, desc);
            }
            return;
        }
        size_t m = n / 2;
        if (rk_before(&e[m], &e[0], desc))
            rk_swap(&e[m], &e[0]);
        if (rk_before(&e[n - 1], &e[0], desc))
            rk_swap(&e[n - 1], &e[0]);
        if (rk_before(&e[n - 1], &e[m], desc))
            rk_swap(&e[n - 1], &e[m]);
        rk_swap(&e[m], &e[n - 2]); /* the pivot, out of the way */
        const rk_ent *pv = &e[n - 2];
        size_t i = 0, j = n - 2;
        for (;;) {
            while (rk_before(&e[++i], pv, desc))
                ;
            while (rk_before(pv, &e[--j], desc))
                ;
            if (i >= j)
                break;
            rk_swap(&e[i], &e[j]);
        }
        rk_swap(&e[i], &e[n - 2]);
        /* Recurse into the smaller side, loop on the larger. */
        if (i < n - i - 1) {
            rk_sort(e, i, desc, depth);
            e += i + 1;
            n -= i + 1;
        } else {
            rk_sort(e + i + 1, n - i - 1, desc, depth);
            n = i;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && rk_before(&e[j], &e[j - 1], desc); j--)
            rk_swap(&e[j], &e[j - 1]);
}

void rk_finish(rk_state *k, rf_diags *d, const char *path)
{
    for (int r = 0; r < k->n; r++) {
        rk_one *o = &k->one[r];
        o->gsize = ar_xmalloc((o->ngroups + 1) * sizeof *o->gsize);
        memset(o->gsize, 0, (o->ngroups + 1) * sizeof *o->gsize);
        rk_sort(o->ents, o->nents, o->ms->descending, 64);
        uint32_t pos = 0, rank = 0;
        for (size_t i = 0; i < o->nents; i++) {
            const rk_ent *e = &o->ents[i];
            bool first = i == 0 || e->grp != o->ents[i - 1].grp;
            pos = first ? 1 : pos + 1;
            if (first || e->v != o->ents[i - 1].v)
                rank = pos;
            o->rank[e->ord] = rank;
            o->gsize[e->grp]++;
        }
        if (!o->nents && k->nents)
            dg_add(d, RF_WARNING, RF_CLASS_INPUT, path, 0, 0, 0, NULL,
                   "ranking '%s' is empty: no entity has a value for %s%s%s%s, so every rank "
                   "is missing",
                   o->ms->name, ex_text(o->ms->by), o->ms->within ? " (ranked within " : "",
                   o->ms->within ? ex_text(o->ms->within) : "", o->ms->within ? ")" : "");
        free(o->ents);
        o->ents = NULL;
        o->nents = o->capents = 0;
    }
}

/* ---- the second pass ------------------------------------------------------- */

/* Why entity `ord` has no rank: its group or its value is missing. */
static vl_value rk_why(rk_one *o, size_t ord, const ex_env *env)
{
    const pk_measure *ms = o->ms;
    vl_value v = o->grp[ord] == RK_NONE ? ex_eval(ms->within, env) : ex_eval(ms->by, env);
    const ex_expr *what = o->grp[ord] == RK_NONE ? ms->within : ms->by;
    snprintf(o->why, sizeof o->why, "not ranked by %s: %s is missing (%s)", ms->name, ex_text(what),
             v.kind == VL_MISSING ? v.u.why : "?");
    return vl_missing(o->why);
}

vl_value rk_value(rk_state *k, int m, size_t ord, const ex_env *env)
{
    rk_one *o = &k->one[k->of[m]];
    const pk_measure *ms = &k->p->measures[m];
    if (ord >= k->nents)
        return vl_missing("not ranked: the entity was not seen in the first pass");
    uint32_t rank = o->rank[ord];
    switch (ms->kind) {
    case PK_M_GROUP_SIZE:
        if (o->grp[ord] == RK_NONE)
            return rk_why(o, ord, env);
        return vl_int(o->gsize[o->grp[ord]]);
    case PK_M_PERCENTILE:
        if (!rank)
            return rk_why(o, ord, env);
        return vl_dec((double)rank / o->gsize[o->grp[ord]]);
    default:
        if (!rank)
            return rk_why(o, ord, env);
        return vl_int(rank);
    }
}
