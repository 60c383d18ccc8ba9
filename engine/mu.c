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

static void mu_where(const mu_table *t, const ex_site *s, uint32_t *line, uint32_t *col)
{
    if (!pk_expr_pos(t->p, s->base, s->off, line, col))
        *line = *col = 0;
}

static bool mu_seen(const ex_site *all, int n, const void *at)
{
    for (int i = 0; i < n; i++)
        if (all[i].at == at)
            return true;
    return false;
}

static void mu_site(mu_table *t, const ex_site *s)
{
    uint32_t line, col;
    mu_where(t, s, &line, &col);
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

/* A constant one step up and down, everywhere it was folded in and in the
 * tally caps it sets. */
static void mu_const(mu_table *t, int c, const ex_site *all, int n)
{
    const rf_pack *p = t->p;
    const pk_const *k = &p->consts[c];
    if (k->value.kind != VL_INT && k->value.kind != VL_DEC)
        return;
    int d = k->text ? mu_decimals(k->text, strlen(k->text)) : 0;
    if (d < 0)
        d = 0;
    size_t nl = strlen(k->name);
    int uses = 0;
    const ex_site *cmp_site = NULL;
    for (int i = 0; i < n; i++)
        if (all[i].kind == EX_SITE_CONST && all[i].namelen == nl &&
            memcmp(all[i].name, k->name, nl) == 0) {
            uses++;
            if (!cmp_site && all[i].cmp != EX_CMP_NONE)
                cmp_site = &all[i];
        }
    for (int ti = 0; ti < p->ntallies; ti++)
        uses += p->tallies[ti].has_cap && p->tallies[ti].cap_const == c;
    if (!uses)
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
        for (int i = 0; i < n; i++)
            if (all[i].kind == EX_SITE_CONST && all[i].namelen == nl &&
                memcmp(all[i].name, k->name, nl) == 0) {
                /* a site widened to decimal keeps its kind */
                vl_value sv = all[i].val.kind == VL_DEC ? vl_dec(mu_num(nv)) : nv;
                mu_patch_add(t, m, all[i].at, all[i].size, &sv);
            }
        for (int ti = 0; ti < p->ntallies; ti++) {
            pk_tally *ta = &p->tallies[ti];
            if (ta->has_cap && ta->cap_const == c) {
                vl_value cv = ta->cap.kind == VL_DEC ? vl_dec(mu_num(nv)) : nv;
                mu_patch_add(t, m, &ta->cap, sizeof ta->cap, &cv);
            }
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

static int mu_collect(const ex_expr *e, ex_site **all, int *n, int *cap)
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
        if (!mu_seen(*all, *n + kept, (*all)[*n + i].at))
            (*all)[*n + kept++] = (*all)[*n + i];
    *n += kept;
    return kept;
}

mu_table *mu_table_new(rf_pack *p)
{
    mu_table *t = ar_xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->a = ar_new();
    t->p = p;
    ex_site *all = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < p->nmeasures; i++) {
        mu_collect(p->measures[i].expr, &all, &n, &cap);
        mu_collect(p->measures[i].by, &all, &n, &cap);
        mu_collect(p->measures[i].within, &all, &n, &cap);
    }
    for (int l = 0; l < p->nlevels; l++)
        for (int c = 0; c < p->levels[l].nconds; c++)
            mu_collect(p->levels[l].conds[c].expr, &all, &n, &cap);
    for (int f = 0; f < p->nflags; f++)
        for (int c = 0; c < p->flags[f].nconds; c++)
            mu_collect(p->flags[f].conds[c].expr, &all, &n, &cap);
    for (int c = 0; c < p->nconsts; c++)
        mu_const(t, c, all, n);
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
    for (int c = 0; c < p->ncats; c++) {
        bool tallied = false;
        for (int ti = 0; ti < p->ntallies; ti++)
            tallied |= p->tallies[ti].catalogue == c;
        pk_catalogue *cat = &p->cats[c];
        for (int f = 0; tallied && f < cat->nfields; f++) {
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
    for (int i = 0; i < n; i++)
        if (all[i].kind != EX_SITE_CONST)
            mu_site(t, &all[i]);
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
