/* mu: the mutant table of a pack (see mu.h). */
#include "mu.h"

#include "ex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mu_mutant *mu_new(mu_table *t, uint32_t line, uint32_t col, const char *from, const char *to,
                         const char *hint)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->m = ar_xrealloc(t->m, (size_t)t->cap * sizeof *t->m);
    }
    mu_mutant *m = &t->m[t->n++];
    *m = (mu_mutant){line, col, from, to, NULL, hint, t->npt, 0};
    return m;
}

static void mu_patch_add(mu_table *t, mu_mutant *m, void *at, size_t size, const void *to)
{
    if (t->npt == t->cappt) {
        t->cappt = t->cappt ? t->cappt * 2 : 128;
        t->pt = ar_xrealloc(t->pt, (size_t)t->cappt * sizeof *t->pt);
    }
    mu_patch *pt = &t->pt[t->npt++];
    pt->at = at;
    pt->size = size;
    memcpy(pt->was, at, size);
    memcpy(pt->to, to, size);
    m->n++;
}

/* Digits after the decimal point of a number as written ("0.30" -> 2);
 * -1 if the text is not a plain number (then it is not stepped). */
static int mu_decimals(const char *s, size_t n)
{
    size_t i = 0;
    int d = -1;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i == n)
        return -1;
    for (; i < n; i++) {
        if (s[i] == '.' && d < 0)
            d = 0;
        else if (s[i] >= '0' && s[i] <= '9')
            d += d >= 0;
        else
            return -1;
    }
    return d < 0 ? 0 : d;
}

static double mu_num(vl_value v)
{
    return v.kind == VL_INT ? (double)v.u.i : v.u.d;
}

/* v moved by `dir` steps of one unit of the last written digit. */
static vl_value mu_step(vl_value v, int decimals, int dir)
{
    if (v.kind == VL_INT)
        return vl_int(v.u.i + dir);
    return vl_dec(v.u.d + dir * pow(10, -decimals));
}

static const char *mu_fmt(mu_table *t, double x, int decimals)
{
    if (decimals <= 0)
        return ar_printf(t->a, "%.0f", x);
    return ar_printf(t->a, "%.*f", decimals, x);
}

/* The value of the left side at which a comparison and its mutant differ:
 * for `x < v` moved up a step, x = v; moved down, x = v - step; and so on. */
static double mu_boundary(int cmp, double v, double step)
{
    switch (cmp) {
    case EX_CMP_LT:
    case EX_CMP_GE:
        return step > 0 ? v : v + step;
    case EX_CMP_LE:
    case EX_CMP_GT:
        return step > 0 ? v + step : v;
    default:
        return v;
    }
}

static const char *mu_hint(mu_table *t, const ex_site *s, double at, int decimals)
{
    if (s->cmp == EX_CMP_NONE)
        return NULL;
    return ar_printf(t->a, "a case with %.*s = %s would tell them apart", (int)s->lhs_len,
                     s->base + s->lhs_off, mu_fmt(t, at, decimals));
}

/* base with [off, off+len) replaced by repl */
static const char *mu_splice(mu_table *t, const char *base, uint32_t off, uint32_t len,
                             const char *repl)
{
    return ar_printf(t->a, "%.*s%s%s", (int)off, base, repl, base + off + len);
}

/* ---- lookups by hash: one pass over the sites, never a scan per site ---- */

/* Pointers to small numbers (a site seen, a compiled text's pk_xpos),
 * open addressing, grown at half full. */
typedef struct mu_ptrs {
    const void **key;
    int *val;
    size_t cap, n;
} mu_ptrs;

static size_t mu_ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void mu_ptrs_grow(mu_ptrs *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    const void **key = ar_xmalloc(cap * sizeof *key);
    int *val = ar_xmalloc(cap * sizeof *val);
    memset(key, 0, cap * sizeof *key);
    for (size_t i = 0; i < s->cap; i++)
        if (s->key[i]) {
            size_t h = mu_ptr_hash(s->key[i]) & (cap - 1);
            while (key[h])
                h = (h + 1) & (cap - 1);
            key[h] = s->key[i];
            val[h] = s->val[i];
        }
    free(s->key);
    free(s->val);
    s->key = key;
    s->val = val;
    s->cap = cap;
}

/* The value of k; if k is new, v is stored for it and -1 returned. */
static int mu_ptrs_put(mu_ptrs *s, const void *k, int v)
{
    if ((s->n + 1) * 2 > s->cap)
        mu_ptrs_grow(s);
    size_t h = mu_ptr_hash(k) & (s->cap - 1);
    for (; s->key[h]; h = (h + 1) & (s->cap - 1))
        if (s->key[h] == k)
            return s->val[h];
    s->key[h] = k;
    s->val[h] = v;
    s->n++;
    return -1;
}

static int mu_ptrs_get(const mu_ptrs *s, const void *k)
{
    if (!s->cap)
        return -1;
    for (size_t h = mu_ptr_hash(k) & (s->cap - 1); s->key[h]; h = (h + 1) & (s->cap - 1))
        if (s->key[h] == k)
            return s->val[h];
    return -1;
}

static void mu_ptrs_free(mu_ptrs *s)
{
    free(s->key);
    free(s->val);
}

/* Where a site sits in the file, through the index of every compiled
 * expression's text (its first compile, as a scan would find it). */
static void mu_where(const mu_table *t, const mu_ptrs *xpos, const ex_site *s, uint32_t *line,
                     uint32_t *col)
{
    int x = mu_ptrs_get(xpos, s->base);
    if (x < 0)
        *line = *col = 0;
    else
        pk_xpos_place(&t->p->xpos[x], s->off, line, col);
}

static void mu_site(mu_table *t, const mu_ptrs *xpos, const ex_site *s)
{
    uint32_t line, col;
    mu_where(t, xpos, s, &line, &col);
    if (s->kind == EX_SITE_CMP || s->kind == EX_SITE_LOGIC) {
        const char *hint = NULL;
        if (s->kind == EX_SITE_CMP && s->rhs_number && s->cmp != EX_CMP_EQ && s->cmp != EX_CMP_NE) {
            char buf[64];
            vl_format(s->rhs_val, buf, sizeof buf);
            hint = ar_printf(t->a, "a case with %.*s = %s would tell them apart", (int)s->lhs_len,
                             s->base + s->lhs_off, buf);
        }
        mu_mutant *m =
            mu_new(t, line, col, s->base, mu_splice(t, s->base, s->off, s->len, s->alt_text), hint);
        mu_patch_add(t, m, s->at, s->size, s->alt);
        return;
    }
    int d = mu_decimals(s->base + s->off, s->len);
    if (d < 0)
        return; /* folded from more than one number: not a number as written */
    for (int dir = -1; dir <= 1; dir += 2) {
        vl_value nv = mu_step(s->val, d, dir);
        const char *txt = mu_fmt(t, mu_num(nv), d);
        double step = dir * pow(10, -d);
        mu_mutant *m = mu_new(t, line, col, s->base, mu_splice(t, s->base, s->off, s->len, txt),
                              mu_hint(t, s, mu_boundary(s->cmp, mu_num(s->val), step), d));
        mu_patch_add(t, m, s->at, s->size, &nv);
    }
}

/* A constant one step up and down, everywhere it was folded in (its sites
 * all[use[0..nuse)]) and in the tally caps it sets (tallies cap[0..ncap)). */
static void mu_const(mu_table *t, int c, const ex_site *all, const int *use, int nuse,
                     const int *cap, int ncap)
{
    const rf_pack *p = t->p;
    const pk_const *k = &p->consts[c];
    if (k->value.kind != VL_INT && k->value.kind != VL_DEC)
        return;
    int d = k->text ? mu_decimals(k->text, strlen(k->text)) : 0;
    if (d < 0)
        d = 0;
    const ex_site *cmp_site = NULL;
    for (int i = 0; i < nuse && !cmp_site; i++)
        if (all[use[i]].cmp != EX_CMP_NONE)
            cmp_site = &all[use[i]];
    if (!nuse && !ncap)
        return;
    for (int dir = -1; dir <= 1; dir += 2) {
        vl_value nv = mu_step(k->value, d, dir);
        const char *txt = mu_fmt(t, mu_num(nv), d);
        double step = dir * pow(10, -d);
        const char *hint =
            cmp_site ? mu_hint(t, cmp_site, mu_boundary(cmp_site->cmp, mu_num(k->value), step), d)
                     : NULL;
        mu_mutant *m = mu_new(t, k->line, k->col, ar_printf(t->a, "%s: %s", k->name, k->text),
                              ar_printf(t->a, "%s: %s", k->name, txt), hint);
        for (int i = 0; i < nuse; i++) {
            const ex_site *s = &all[use[i]];
            /* a site widened to decimal keeps its kind */
            vl_value sv = s->val.kind == VL_DEC ? vl_dec(mu_num(nv)) : nv;
            mu_patch_add(t, m, s->at, s->size, &sv);
        }
        for (int i = 0; i < ncap; i++) {
            pk_tally *ta = &p->tallies[cap[i]];
            vl_value cv = ta->cap.kind == VL_DEC ? vl_dec(mu_num(nv)) : nv;
            mu_patch_add(t, m, &ta->cap, sizeof ta->cap, &cv);
        }
    }
}

static void mu_level(mu_table *t, pk_level *L, const char *what)
{
    if (L->nconds >= 2) {
        bool flip = !L->all;
        mu_mutant *m = mu_new(
            t, L->line, L->col, ar_printf(t->a, "%s %s: %s", what, L->id, L->all ? "all" : "any"),
            ar_printf(t->a, "%s %s: %s", what, L->id, L->all ? "any" : "all"), NULL);
        mu_patch_add(t, m, &L->all, sizeof L->all, &flip);
    }
    for (int i = 0; i < L->nconds; i++) {
        pk_cond *rest = ar_alloc(t->a, (size_t)(L->nconds + 1) * sizeof *rest);
        int k = 0;
        for (int j = 0; j < L->nconds; j++)
            if (j != i)
                rest[k++] = L->conds[j];
        const char *txt = L->conds[i].expr ? ex_text(L->conds[i].expr) : "?";
        mu_mutant *m = mu_new(t, L->conds[i].line, L->conds[i].col, txt, NULL, NULL);
        m->owner = ar_printf(t->a, "%s %s", what, L->id);
        mu_patch_add(t, m, &L->conds, sizeof L->conds, &rest);
        mu_patch_add(t, m, &L->nconds, sizeof L->nconds, &k);
    }
}

static int mu_collect(const ex_expr *e, ex_site **all, int *n, int *cap, mu_ptrs *seen)
{
    if (!e)
        return 0;
    int k = ex_sites(e, NULL, 0);
    if (!k)
        return 0;
    if (*n + k > *cap) {
        *cap = (*n + k) * 2;
        *all = ar_xrealloc(*all, (size_t)*cap * sizeof **all);
    }
    ex_sites(e, *all + *n, k);
    /* an aggregate shared by two expressions is one site */
    int kept = 0;
    for (int i = 0; i < k; i++)
        if (mu_ptrs_put(seen, (*all)[*n + i].at, 1) < 0)
            (*all)[*n + kept++] = (*all)[*n + i];
    *n += kept;
    return kept;
}

/* The constant named name[0..n), by a table of their names' hashes
 * (slot: index + 1); -1 if none. */
static int mu_const_of(const rf_pack *p, const int *slot, size_t cap, const char *name, size_t n)
{
    for (size_t h = ar_fnv(AR_FNV_BASIS, name, n) & (cap - 1); slot[h]; h = (h + 1) & (cap - 1)) {
        const char *k = p->consts[slot[h] - 1].name;
        if (strlen(k) == n && memcmp(k, name, n) == 0)
            return slot[h] - 1;
    }
    return -1;
}

/* Every constant's mutants: its uses (the sites it was folded into and
 * the tally caps it sets) are sorted out by constant in one pass each, so
 * the cost grows with the sites and tallies, not their product with the
 * constants. */
static void mu_consts(mu_table *t, const ex_site *all, int n)
{
    const rf_pack *p = t->p;
    int nc = p->nconsts;
    if (!nc)
        return;
    size_t cap = 16;
    while (cap < (size_t)nc * 2)
        cap *= 2;
    int *slot = ar_xmalloc(cap * sizeof *slot);
    memset(slot, 0, cap * sizeof *slot);
    for (int c = 0; c < nc; c++) {
        const char *k = p->consts[c].name;
        size_t h = ar_fnv(AR_FNV_BASIS, k, strlen(k)) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = c + 1;
    }
    /* per constant, its sites then its caps, in the order met (a counting sort) */
    int *of = ar_xmalloc(((size_t)n + (size_t)p->ntallies + 1) * sizeof *of);
    int *first = ar_xmalloc(((size_t)nc * 2 + 1) * sizeof *first);
    int *ncount = first + nc + 1; /* [nc] counts, then cursors */
    memset(first, 0, ((size_t)nc * 2 + 1) * sizeof *first);
    int *sc = ar_xmalloc(((size_t)n + 1) * sizeof *sc);
    for (int i = 0; i < n; i++) {
        sc[i] = all[i].kind == EX_SITE_CONST
                    ? mu_const_of(p, slot, cap, all[i].name, all[i].namelen)
                    : -1;
        if (sc[i] >= 0)
            ncount[sc[i]]++;
    }
    int *cc = ar_xmalloc(((size_t)nc + 1) * sizeof *cc);
    memset(cc, 0, ((size_t)nc + 1) * sizeof *cc);
    for (int ti = 0; ti < p->ntallies; ti++)
        if (p->tallies[ti].has_cap && p->tallies[ti].cap_const >= 0)
            cc[p->tallies[ti].cap_const]++;
    int at = 0;
    for (int c = 0; c < nc; c++) {
        first[c] = at;
        at += ncount[c] + cc[c];
        ncount[c] = first[c]; /* now the cursor of its sites */
    }
    first[nc] = at;
    for (int i = 0; i < n; i++)
        if (sc[i] >= 0)
            of[ncount[sc[i]]++] = i;
    for (int ti = 0; ti < p->ntallies; ti++)
        if (p->tallies[ti].has_cap && p->tallies[ti].cap_const >= 0)
            of[ncount[p->tallies[ti].cap_const]++] = ti;
    for (int c = 0; c < nc; c++) {
        int nuse = first[c + 1] - first[c] - cc[c];
        mu_const(t, c, all, of + first[c], nuse, of + first[c] + nuse, cc[c]);
    }
    free(cc);
    free(sc);
    free(first);
    free(of);
    free(slot);
}

mu_table *mu_table_new(rf_pack *p)
{
    mu_table *t = ar_xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->a = ar_new();
    t->p = p;
    ex_site *all = NULL;
    int n = 0, cap = 0;
    mu_ptrs seen = {0}, xpos = {0};
    for (int i = 0; i < p->nmeasures; i++) {
        mu_collect(p->measures[i].expr, &all, &n, &cap, &seen);
        mu_collect(p->measures[i].by, &all, &n, &cap, &seen);
        mu_collect(p->measures[i].within, &all, &n, &cap, &seen);
    }
    for (int l = 0; l < p->nlevels; l++)
        for (int c = 0; c < p->levels[l].nconds; c++)
            mu_collect(p->levels[l].conds[c].expr, &all, &n, &cap, &seen);
    for (int f = 0; f < p->nflags; f++)
        for (int c = 0; c < p->flags[f].nconds; c++)
            mu_collect(p->flags[f].conds[c].expr, &all, &n, &cap, &seen);
    mu_ptrs_free(&seen);
    mu_consts(t, all, n);
    for (int ti = 0; ti < p->ntallies; ti++) {
        pk_tally *ta = &p->tallies[ti];
        int d = ta->cap_text ? mu_decimals(ta->cap_text, strlen(ta->cap_text)) : -1;
        if (!ta->has_cap || ta->cap_const >= 0 || d < 0)
            continue;
        for (int dir = -1; dir <= 1; dir += 2) {
            vl_value nv = mu_step(ta->cap, d, dir);
            mu_mutant *m =
                mu_new(t, ta->cap_line, ta->cap_col, ar_printf(t->a, "cap: %s", ta->cap_text),
                       ar_printf(t->a, "cap: %s", mu_fmt(t, mu_num(nv), d)), NULL);
            mu_patch_add(t, m, &ta->cap, sizeof ta->cap, &nv);
        }
    }
    /* the numbers of the items of every catalogue a tally counts */
    bool *tallied = ar_xmalloc(((size_t)p->ncats + 1) * sizeof *tallied);
    memset(tallied, 0, ((size_t)p->ncats + 1) * sizeof *tallied);
    for (int ti = 0; ti < p->ntallies; ti++)
        tallied[p->tallies[ti].catalogue] = true;
    for (int c = 0; c < p->ncats; c++) {
        pk_catalogue *cat = &p->cats[c];
        for (int f = 0; tallied[c] && f < cat->nfields; f++) {
            if (cat->field_types[f].kind != VL_INT && cat->field_types[f].kind != VL_DEC)
                continue;
            for (int j = 0; j < cat->nitems; j++) {
                pk_item *it = &cat->items[j];
                vl_value v = it->fields[f];
                if (v.kind != VL_INT && v.kind != VL_DEC)
                    continue;
                for (int dir = -1; dir <= 1; dir += 2) {
                    vl_value nv = v.kind == VL_INT ? vl_int(v.u.i + dir) : vl_dec(v.u.d + dir);
                    char a[64], b[64];
                    vl_format(v, a, sizeof a);
                    vl_format(nv, b, sizeof b);
                    mu_mutant *m = mu_new(
                        t, it->line, it->col,
                        ar_printf(t->a, "%s %s: %s", it->code, cat->field_names[f], a),
                        ar_printf(t->a, "%s %s: %s", it->code, cat->field_names[f], b), NULL);
                    mu_patch_add(t, m, &it->fields[f], sizeof it->fields[f], &nv);
                }
            }
        }
    }
    free(tallied);
    /* where each compiled expression sits, by its text */
    for (int x = 0; x < p->nxpos; x++)
        mu_ptrs_put(&xpos, p->xpos[x].text, x);
    for (int i = 0; i < n; i++)
        if (all[i].kind != EX_SITE_CONST)
            mu_site(t, &xpos, &all[i]);
    mu_ptrs_free(&xpos);
    for (int l = 0; l < p->nlevels; l++)
        mu_level(t, &p->levels[l], "level");
    for (int f = 0; f < p->nflags; f++)
        mu_level(t, &p->flags[f], "flag");
    free(all);
    return t;
}

void mu_table_free(mu_table *t)
{
    if (!t)
        return;
    free(t->m);
    free(t->pt);
    ar_free(t->a);
    free(t);
}

void mu_apply(const mu_table *t, int i)
{
    const mu_mutant *m = &t->m[i];
    for (int k = 0; k < m->n; k++)
        memcpy(t->pt[m->first + k].at, t->pt[m->first + k].to, t->pt[m->first + k].size);
}

void mu_undo(const mu_table *t, int i)
{
    const mu_mutant *m = &t->m[i];
    for (int k = m->n; k-- > 0;)
        memcpy(t->pt[m->first + k].at, t->pt[m->first + k].was, t->pt[m->first + k].size);
}
