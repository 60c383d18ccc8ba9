/* ex_mut: the sites of a compiled expression where mutation testing may
 * change it (see ex.h). Only reads the tree; the caller writes the changes. */
#include "ex_int.h"

#include <string.h>

typedef struct sites {
    ex_site *out;
    int cap, n;
} sites;

static const ex_expr *unwiden(const ex_expr *e)
{
    while (e && e->op == EX_O_TODEC && e->nkids == 1)
        e = e->kids[0];
    return e;
}

static int cmp_of(ex_op op)
{
    switch (op) {
    case EX_O_LT:
        return EX_CMP_LT;
    case EX_O_LE:
        return EX_CMP_LE;
    case EX_O_GT:
        return EX_CMP_GT;
    case EX_O_GE:
        return EX_CMP_GE;
    case EX_O_EQ:
        return EX_CMP_EQ;
    case EX_O_NE:
        return EX_CMP_NE;
    default:
        return EX_CMP_NONE;
    }
}

static ex_site *add(sites *S, ex_sitekind kind, const ex_expr *e)
{
    ex_site *s = S->n < S->cap ? &S->out[S->n] : NULL;
    S->n++;
    if (s) {
        memset(s, 0, sizeof *s);
        s->kind = kind;
        s->base = e->src - e->off;
        s->cmp = EX_CMP_NONE;
    }
    return s;
}

/* The operator between a binary node's two operands: its offset and length
 * in the source (the gap may also hold parentheses and spaces). */
static bool op_span(const ex_expr *e, const char *const *ops, uint32_t *off, uint32_t *len)
{
    const char *base = e->src - e->off;
    uint32_t from = e->kids[0]->off + e->kids[0]->len, to = e->kids[1]->off;
    for (uint32_t i = from; i < to; i++)
        for (const char *const *o = ops; *o; o++) {
            size_t n = strlen(*o);
            if (i + n <= to && memcmp(base + i, *o, n) == 0) {
                *off = i;
                *len = (uint32_t)n;
                return true;
            }
        }
    return false;
}

static void walk(sites *S, const ex_expr *e, const ex_expr *parent)
{
    if (!e)
        return;
    int cmp = cmp_of(e->op);
    if (cmp != EX_CMP_NONE && e->nkids == 2) {
        /* longest spellings first, so "<=" is not read as "<" */
        static const char *const ops[] = {
            "<=",           ">=",           "==", "!=", "<>", "\xe2\x89\xa4",
            "\xe2\x89\xa5", "\xe2\x89\xa0", "<",  ">",  "=",  NULL};
        static const ex_op alt[] = {EX_O_LE, EX_O_LT, EX_O_GE, EX_O_GT, EX_O_NE, EX_O_EQ};
        static const char *const alt_text[] = {"<=", "<", ">=", ">", "!=", "="};
        uint32_t off, len;
        ex_site *s = op_span(e, ops, &off, &len) ? add(S, EX_SITE_CMP, e) : NULL;
        if (s) {
            ex_op a = alt[cmp];
            s->at = (void *)&((ex_expr *)e)->op;
            s->size = sizeof e->op;
            memcpy(s->alt, &a, sizeof a);
            s->alt_text = alt_text[cmp];
            s->off = off;
            s->len = len;
            s->cmp = cmp;
            s->lhs_off = e->kids[0]->off;
            s->lhs_len = e->kids[0]->len;
            const ex_expr *r = unwiden(e->kids[1]);
            if (r->op == EX_O_LIT && (r->val.kind == VL_INT || r->val.kind == VL_DEC)) {
                s->rhs_number = true;
                s->rhs_val = r->val;
            }
        }
    } else if ((e->op == EX_O_AND || e->op == EX_O_OR) && e->nkids == 2) {
        static const char *const ops[] = {"and", "or", "&&", "||", NULL};
        uint32_t off, len;
        ex_site *s = op_span(e, ops, &off, &len) ? add(S, EX_SITE_LOGIC, e) : NULL;
        if (s) {
            ex_op a = e->op == EX_O_AND ? EX_O_OR : EX_O_AND;
            s->at = (void *)&((ex_expr *)e)->op;
            s->size = sizeof e->op;
            memcpy(s->alt, &a, sizeof a);
            s->alt_text = e->op == EX_O_AND ? "or" : "and";
            s->off = off;
            s->len = len;
        }
    } else if (e->op == EX_O_LIT && (e->val.kind == VL_INT || e->val.kind == VL_DEC)) {
        ex_site *s = add(S, e->named ? EX_SITE_CONST : EX_SITE_NUM, e);
        if (s) {
            s->at = (void *)&((ex_expr *)e)->val;
            s->size = sizeof e->val;
            s->val = e->val;
            s->off = e->off;
            s->len = e->len;
            s->name = e->name;
            s->namelen = e->namelen;
            int pc = parent ? cmp_of(parent->op) : EX_CMP_NONE;
            if (pc != EX_CMP_NONE && parent->nkids == 2 && unwiden(parent->kids[1]) == e) {
                s->cmp = pc;
                s->lhs_off = parent->kids[0]->off;
                s->lhs_len = parent->kids[0]->len;
            }
        }
    }
    if (e->op == EX_O_AGG && e->agg) {
        const ex_expr *parts[EX_AGG_NPARTS];
        int np = ex_agg_parts(e->agg, parts);
        for (int i = 0; i < np; i++)
            walk(S, parts[i], NULL);
    }
    for (int i = 0; i < e->nkids; i++)
        walk(S, e->kids[i], e->op == EX_O_TODEC ? parent : e);
}

int ex_sites(const ex_expr *e, ex_site *out, int cap)
{
    sites S = {out, cap, 0};
    walk(&S, e, NULL);
    return S.n;
}
