/* ex_check: name resolution, type checking, constant folding and lifting
 * aggregates into slots; also the compiler's public entry points.
 *
 * The checker rewrites the parsed tree in place. A node whose type could
 * not be determined gets type VL_MISSING ("poisoned"), and every rule
 * stays silent about poisoned operands, so one mistake yields one error
 * while independent mistakes are all reported. */
#include "ex_int.h"
#include "dg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- shared helpers ---- */

void ex_error(ex_compiler *c, size_t off, size_t len, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->nerrors++;
    if (c->hooks.error)
        c->hooks.error(c->hooks.ctx, off, len, msg);
}

const char *ex_snip(char *buf, const char *s, size_t n)
{
    enum { MAX = 60 };
    size_t k = n;
    if (k > MAX) {
        k = MAX;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            if (o > 0 && buf[o - 1] == ' ')
                continue;
            ch = ' ';
        }
        buf[o++] = ch;
    }
    if (k < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* ---- the checker ---- */

typedef struct checker {
    ex_compiler *c;
    int scope;   /* -1: entity scope; >= 0: rows of that relation */
    bool in_agg; /* inside an aggregate's argument or filter */
} checker;

static const vl_type t_any = {VL_MISSING, NULL};
static const vl_type t_bool = {VL_BOOL, NULL};
static const vl_type t_int = {VL_INT, NULL};
static const vl_type t_dec = {VL_DEC, NULL};
static const vl_type t_date = {VL_DATE, NULL};

static bool bad(const ex_expr *e)
{
    return e->type.kind == VL_MISSING;
}

static bool numeric(vl_type t)
{
    return t.kind == VL_INT || t.kind == VL_DEC;
}

static bool same_type(vl_type a, vl_type b)
{
    return a.kind == b.kind && (a.kind != VL_ENUM || a.en == b.en);
}

/* Report at node e; "%s" arguments built with T(e) quote the node. */
#define T(e, b) ex_snip((b), (e)->src, (e)->len)

static void err(checker *k, const ex_expr *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void err(checker *k, const ex_expr *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ex_error(k->c, at->off, at->len, "%s", msg);
}

static ex_expr *poison(ex_expr *e)
{
    e->type = t_any;
    return e;
}

/* Widen an integer operand where a decimal is needed, so evaluation never
 * has to guess what kind a branch or an argument produces. */
static ex_expr *widen(checker *k, ex_expr *e)
{
    if (e->type.kind != VL_INT)
        return e;
    if (e->op == EX_O_LIT) {
        e->val = vl_dec((double)e->val.u.i);
        e->type = t_dec;
        return e;
    }
    ex_expr *w = ex_node(k->c, EX_O_TODEC, e->src - e->off, e->off, e->len);
    w->kids = ar_alloc(k->c->arena, sizeof *w->kids);
    w->kids[0] = e;
    w->nkids = 1;
    w->height = e->height + 1;
    w->type = t_dec;
    return w;
}

/* The common type of a and b, if they have one (int and decimal unify to
 * decimal). */
static bool unify(vl_type a, vl_type b, vl_type *out)
{
    if (same_type(a, b)) {
        *out = a;
        return true;
    }
    if (numeric(a) && numeric(b)) {
        *out = t_dec;
        return true;
    }
    return false;
}

/* A comma-separated list of an enumeration's labels for messages. */
static void enum_labels(const vl_enum *en, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < en->nlabels; i++) {
        if (used > cap - 40) {
            snprintf(buf + used, cap - used, ", ...");
            return;
        }
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", en->labels[i]);
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}

/* A text literal compared with an enum names one of its labels; resolve it
 * now so that evaluation compares ordinals. */
static bool to_enum(checker *k, ex_expr *lit, const vl_enum *en)
{
    const char *s = lit->val.u.p;
    size_t n = lit->val.n;
    for (int i = 0; i < en->nlabels; i++) {
        if (strlen(en->labels[i]) == n && memcmp(en->labels[i], s, n) == 0) {
            lit->val = vl_enumv(en, en->label_level[i]);
            lit->type.kind = VL_ENUM;
            lit->type.en = en;
            return true;
        }
    }
    char b[EX_SNIP], labels[256];
    enum_labels(en, labels, sizeof labels);
    err(k, lit, "'%s' is not a label of %s (labels: %s)", ex_snip(b, s, n), en->name, labels);
    return false;
}

static bool text_literal(const ex_expr *e)
{
    return e->op == EX_O_LIT && e->type.kind == VL_TEXT;
}

/* May a and b be compared with op? Resolves enum labels in text literals.
 * `what` is the whole comparison, for the message. */
static bool comparable(checker *k, ex_expr *a, ex_expr *b, ex_op op, const ex_expr *what)
{
    char b1[EX_SNIP];
    if (a->type.kind == VL_ENUM && text_literal(b))
        return to_enum(k, b, a->type.en);
    if (b->type.kind == VL_ENUM && text_literal(a))
        return to_enum(k, a, b->type.en);
    if (numeric(a->type) && numeric(b->type))
        return true;
    if (same_type(a->type, b->type)) {
        if (a->type.kind == VL_BOOL && op != EX_O_EQ && op != EX_O_NE) {
            err(k, what, "booleans have no order in '%s' (use = or !=)", T(what, b1));
            return false;
        }
        return true;
    }
    if (a->type.kind == VL_ENUM && b->type.kind == VL_ENUM) {
        err(k, what, "cannot compare %s and %s in '%s' (different enumerations)",
            vl_type_name(a->type), vl_type_name(b->type), T(what, b1));
        return false;
    }
    const char *hint = "";
    if ((a->type.kind == VL_DATE && text_literal(b)) ||
        (b->type.kind == VL_DATE && text_literal(a)))
        hint = " (write a date as date(\"2025-03-05\"))";
    else if (a->type.kind == VL_ENUM || b->type.kind == VL_ENUM)
        hint = " (only a text literal naming a label compares with an enumeration)";
    err(k, what, "cannot compare %s and %s in '%s'%s", vl_type_name(a->type), vl_type_name(b->type),
        T(what, b1), hint);
    return false;
}

static ex_expr *check(checker *k, ex_expr *e);

/* ---- names ---- */

static ex_expr *unknown_name(checker *k, ex_expr *e, const char *what)
{
    char b[EX_SNIP];
    const char *s = NULL;
    const char *kw = ex_keyword_folded(e->name, e->namelen);
    if (kw) {
        err(k, e, "unknown %s '%s' (keywords are lowercase: write '%s')", what,
            ex_snip(b, e->name, e->namelen), kw);
        return poison(e);
    }
    if (k->c->hooks.suggest)
        s = k->c->hooks.suggest(k->c->hooks.ctx, k->scope, e->name, e->namelen);
    bool wide = false;
    for (size_t i = 0; i < e->namelen; i++)
        wide |= (unsigned char)e->name[i] >= 0x80;
    if (s)
        err(k, e, "unknown %s '%s' (did you mean '%s'?)", what, ex_snip(b, e->name, e->namelen), s);
    else if (wide && strcmp(what, "name") == 0)
        /* A Chinese word with no such name is most often a text meant as a
         * literal: contains(post, 书记). */
        err(k, e, "unknown name '%s' (a text is written in quotes: '%s')",
            ex_snip(b, e->name, e->namelen), b);
    else
        err(k, e, "unknown %s '%s'", what, ex_snip(b, e->name, e->namelen));
    return poison(e);
}

static bool resolve(checker *k, const ex_expr *e, bool want_relation, ex_symbol *sym)
{
    memset(sym, 0, sizeof *sym);
    return k->c->hooks.resolve &&
           k->c->hooks.resolve(k->c->hooks.ctx, k->scope, e->name, e->namelen, want_relation,
                               sym) &&
           sym->kind != EX_SYM_NONE;
}

static ex_expr *check_name(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    ex_symbol sym;
    bool found = resolve(k, e, false, &sym);
    if (!found || sym.kind == EX_SYM_RELATION) {
        if (found || (resolve(k, e, true, &sym) && sym.kind == EX_SYM_RELATION)) {
            ex_snip(b, e->name, e->namelen);
            if (sym.own) {
                err(k, e, "'%s' is the entity's own input, not a value: read its columns by name",
                    b);
                return poison(e);
            }
            err(k, e,
                "'%s' is a relation, not a value: use it in an aggregate such as "
                "count(%s)",
                b, b);
            return poison(e);
        }
        return unknown_name(k, e, "name");
    }
    if (sym.kind == EX_SYM_CONST) {
        e->op = EX_O_LIT;
        e->val = sym.value;
        e->type = sym.type;
        e->named = true;
        return e;
    }
    if (sym.space < 0 || sym.space >= EX_SPACE_MAX || sym.space == EX_SPACE_AGG || sym.index < 0) {
        err(k, e, "'%s' resolves to an invalid slot (%d, %d)", ex_snip(b, e->name, e->namelen),
            sym.space, sym.index);
        return poison(e);
    }
    e->op = EX_O_SLOT;
    e->space = sym.space;
    e->index = sym.index;
    e->type = sym.type;
    e->fixed = sym.fixed;
    /* The caller normally says why a slot is empty; this is the fallback. */
    e->val = vl_missing(ar_printf(k->c->arena, "%s has no value", ex_snip(b, e->name, e->namelen)));
    return e;
}

/* ---- functions ---- */

static const struct fninfo {
    const char *name;
    ex_fn fn;
    int min, max; /* argument counts; max -1: no limit */
    const char *sig;
} fns[] = {
    {"min", EX_F_MIN, 2, -1, "(a, b, ...)"},
    {"max", EX_F_MAX, 2, -1, "(a, b, ...)"},
    {"clamp", EX_F_CLAMP, 3, 3, "(x, lo, hi)"},
    {"abs", EX_F_ABS, 1, 1, "(x)"},
    {"round", EX_F_ROUND, 1, 2, "(x, digits)"},
    {"floor", EX_F_FLOOR, 1, 1, "(x)"},
    {"ceil", EX_F_CEIL, 1, 1, "(x)"},
    {"year", EX_F_YEAR, 1, 1, "(date)"},
    {"month", EX_F_MONTH, 1, 1, "(date)"},
    {"day", EX_F_DAY, 1, 1, "(date)"},
    {"years_between", EX_F_YEARS_BETWEEN, 2, 2, "(from, to)"},
    {"days_between", EX_F_DAYS_BETWEEN, 2, 2, "(from, to)"},
    {"coalesce", EX_F_COALESCE, 1, -1, "(a, b, ...)"},
    {"missing", EX_F_MISSING, 1, 1, "(x)"},
    {"contains", EX_F_CONTAINS, 2, 2, "(text, part)"},
    {"starts_with", EX_F_STARTS_WITH, 2, 2, "(text, start)"},
    {"ends_with", EX_F_ENDS_WITH, 2, 2, "(text, end)"},
};

static const struct agginfo {
    const char *name;
    ex_aggop op;
    const char *sig;
} aggs[] = {
    {"count", EX_AGG_COUNT, "count(R) or count(R where c)"},
    {"sum", EX_AGG_SUM, "sum(R, e [where c])"},
    {"avg", EX_AGG_AVG, "avg(R, e [where c])"},
    {"min", EX_AGG_MIN, "min(R, e [where c])"},
    {"max", EX_AGG_MAX, "max(R, e [where c])"},
    {"any", EX_AGG_ANY, "any(R, c [where f])"},
    {"all", EX_AGG_ALL, "all(R, c [where f])"},
    {"share", EX_AGG_SHARE, "share(R, c [where f])"},
    {"pick", EX_AGG_PICK, "pick(R, e where c)"},
    {"distinct", EX_AGG_DISTINCT, "distinct(R, e [where c])"},
};

/* buf[o..] = sep then s, cut (never past cap - 1 bytes, always ended) if
 * they do not fit; the new end. */
static size_t ex_append(char *buf, size_t cap, size_t o, const char *sep, const char *s)
{
    for (const char *t = sep; o + 1 < cap && *t; t++)
        buf[o++] = *t;
    for (const char *t = s; o + 1 < cap && *t; t++)
        buf[o++] = *t;
    buf[o] = '\0';
    return o;
}

/* Every function name, for an unknown one: a reader who cannot guess the
 * name learns the whole vocabulary in one message. */
static const char *function_list(ex_compiler *c)
{
    static const char mid[] = ", date; aggregates: ";
    /* Sized from the tables themselves, so no name added to them can run
     * past the end. */
    size_t cap = sizeof mid;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        cap += strlen(fns[i].name) + 2;
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
        cap += strlen(aggs[i].name) + 2;
    char *buf = ar_alloc(c->arena, cap);
    size_t o = 0;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        o = ex_append(buf, cap, o, i ? ", " : "", fns[i].name);
    o = ex_append(buf, cap, o, mid, "");
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
        o = ex_append(buf, cap, o, i ? ", " : "", aggs[i].name);
    return buf;
}

/* What may follow 'by': the aggregate of each group's rows. */
static const char by_sig[] = "min(R by g, count()); the aggregate after 'by' is count(), "
                             "sum(e), avg(e), min(e) or max(e) over each group's rows";

static bool name_is(const ex_expr *e, const char *s)
{
    return strlen(s) == e->namelen && memcmp(s, e->name, e->namelen) == 0;
}

/* Edit distance, for "did you mean" on function names (short ASCII). */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t d = dg_edit_distance(a, na, b, nb);
    return d == (size_t)-1 ? 99 : d;
}

static const char *suggest_function(const ex_expr *e)
{
    const char *best = NULL;
    size_t bd = e->namelen <= 3 ? 1 : 2;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        size_t d = distance(e->name, e->namelen, fns[i].name, strlen(fns[i].name));
        if (d <= bd && (!best || d < bd)) {
            best = fns[i].name;
            bd = d;
        }
    }
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
        size_t d = distance(e->name, e->namelen, aggs[i].name, strlen(aggs[i].name));
        if (d <= bd && (!best || d < bd)) {
            best = aggs[i].name;
            bd = d;
        }
    }
    if (!best && distance(e->name, e->namelen, "date", 4) <= 1)
        best = "date";
    return best;
}

/* date("2025-03-05"): folded to a literal now, so a bad date is a load
 * error rather than a value missing at every row. */
static ex_expr *check_date(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    if (e->nkids != 1 || !text_literal(e->kids[0])) {
        err(k, e, "date() takes one text literal, as in date(\"2025-03-05\"), found '%s'", T(e, b));
        return poison(e);
    }
    char why[160];
    vl_value v = vl_missing(NULL);
    const ex_expr *a = e->kids[0];
    bool parsed = vl_parse(t_date, a->val.u.p, a->val.n, &v, why, sizeof why);
    if (!parsed || v.kind != VL_DATE) {
        err(k, a, "%s", parsed ? "date() needs a date, as in date(\"2025-03-05\")" : why);
        return poison(e);
    }
    e->op = EX_O_LIT;
    e->val = v;
    e->type = t_date;
    e->nkids = 0;
    return e;
}

static ex_expr *check_agg(checker *k, ex_expr *e, const struct agginfo *ai);
static ex_expr *check_grouped(checker *k, ex_expr *e, const struct agginfo *ai, int relation);
static ex_aggi *new_agg(checker *k, ex_expr *e, ex_aggop op, int relation, const char *relname,
                        ex_expr *arg, ex_expr *cond, vl_type t);
static ex_expr *lift(checker *k, ex_expr *e, ex_aggi *g);

/* Does every plain name in e resolve (as a value) in k's scope? Function
 * names and aggregates' relation names are not looked at. */
static bool names_resolve(checker *k, const ex_expr *e)
{
    ex_symbol sym;
    if (e->op == EX_O_NAME)
        return resolve(k, e, false, &sym) && sym.kind != EX_SYM_RELATION;
    if (e->op == EX_O_CALL && e->where && !names_resolve(k, e->where))
        return false;
    for (int i = 0; i < e->nkids; i++) {
        const ex_expr *a = e->kids[i];
        if (i == 0 && e->op == EX_O_CALL && a->op == EX_O_NAME && resolve(k, a, true, &sym) &&
            sym.kind == EX_SYM_RELATION)
            continue;
        if (!names_resolve(k, a))
            return false;
    }
    return true;
}

static ex_expr *check_call(checker *k, ex_expr *e)
{
    char b1[EX_SNIP], b2[EX_SNIP];
    if (name_is(e, "date") && !e->where && !e->by)
        return check_date(k, e);
    const struct agginfo *ai = NULL;
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
        if (name_is(e, aggs[i].name))
            ai = &aggs[i];
    if (e->by && !(ai && (ai->op == EX_AGG_MIN || ai->op == EX_AGG_MAX || ai->op == EX_AGG_SUM ||
                          ai->op == EX_AGG_AVG))) {
        err(k, e, "'by' groups a relation's rows in min, max, sum or avg, as in %s; found '%s'",
            by_sig, T(e, b1));
        return poison(e);
    }
    if (ai && !e->by && (ai->op == EX_AGG_MIN || ai->op == EX_AGG_MAX)) {
        /* min/max range over a relation only when their first argument is
         * one and is not also a value (a tally is both, and reads as its
         * total unless a 'where' makes the aggregate reading certain). */
        bool is_agg = e->where != NULL;
        if (!is_agg && e->nkids >= 1 && e->kids[0]->op == EX_O_NAME) {
            ex_symbol sym;
            bool val = resolve(k, e->kids[0], false, &sym) && sym.kind != EX_SYM_RELATION;
            bool rel = resolve(k, e->kids[0], true, &sym) && sym.kind == EX_SYM_RELATION;
            /* Both (a tally): min(bonus, 4) caps the total, but in
             * max(deducted, points) `points` only exists in the rows. */
            if (rel && val && e->nkids == 2) {
                checker rows = {k->c, sym.relation, true};
                is_agg = !names_resolve(k, e->kids[1]) && names_resolve(&rows, e->kids[1]);
            } else {
                is_agg = rel && !val;
            }
        }
        if (!is_agg)
            ai = NULL;
    }
    if (ai)
        return check_agg(k, e, ai);

    const struct fninfo *fi = NULL;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (name_is(e, fns[i].name))
            fi = &fns[i];
    if (!fi) {
        const char *s = suggest_function(e);
        ex_error(k->c, e->off, e->namelen, "unknown function '%s'%s%s%s; the functions are %s",
                 ex_snip(b1, e->name, e->namelen), s ? " (did you mean '" : "", s ? s : "",
                 s ? "'?)" : "", function_list(k->c));
        for (int i = 0; i < e->nkids; i++)
            check(k, e->kids[i]);
        return poison(e);
    }
    if (e->where) {
        ex_error(k->c, e->where_off, 5, "'where' is only allowed in aggregates, not in '%s'",
                 fi->name);
        return poison(e);
    }
    if (e->nkids < fi->min || (fi->max >= 0 && e->nkids > fi->max)) {
        if (fi->max < 0)
            err(k, e, "'%s' takes %d or more arguments %s, found %d in '%s'", fi->name, fi->min,
                fi->sig, e->nkids, T(e, b1));
        else if (fi->min == fi->max)
            err(k, e, "'%s' takes %d argument%s %s, found %d in '%s'", fi->name, fi->min,
                fi->min == 1 ? "" : "s", fi->sig, e->nkids, T(e, b1));
        else
            err(k, e, "'%s' takes %d to %d arguments %s, found %d in '%s'", fi->name, fi->min,
                fi->max, fi->sig, e->nkids, T(e, b1));
        for (int i = 0; i < e->nkids; i++)
            check(k, e->kids[i]);
        return poison(e);
    }
    bool any_bad = false;
    for (int i = 0; i < e->nkids; i++) {
        e->kids[i] = check(k, e->kids[i]);
        any_bad = any_bad || bad(e->kids[i]);
    }
    e->op = EX_O_FN;
    e->fn = fi->fn;
    if (any_bad)
        return poison(e);

    switch (fi->fn) {
    case EX_F_MIN:
    case EX_F_MAX:
    case EX_F_CLAMP: {
        vl_type t = e->kids[0]->type;
        for (int i = 0; i < e->nkids; i++) {
            const ex_expr *a = e->kids[i];
            if (!numeric(a->type) && a->type.kind != VL_DATE) {
                err(k, a, "'%s' needs numbers or dates, found %s in '%s'", fi->name,
                    vl_type_name(a->type), T(a, b1));
                return poison(e);
            }
            if (i > 0 && !unify(t, a->type, &t)) {
                err(k, e, "'%s' cannot mix %s and %s in '%s'", fi->name,
                    vl_type_name(e->kids[0]->type), vl_type_name(a->type), T(e, b1));
                return poison(e);
            }
        }
        if (t.kind == VL_DEC)
            for (int i = 0; i < e->nkids; i++)
                e->kids[i] = widen(k, e->kids[i]);
        e->type = t;
        return e;
    }
    case EX_F_ABS:
        if (!numeric(e->kids[0]->type)) {
            err(k, e->kids[0], "'abs' needs a number, found %s in '%s'",
                vl_type_name(e->kids[0]->type), T(e->kids[0], b1));
            return poison(e);
        }
        e->type = e->kids[0]->type;
        return e;
    case EX_F_ROUND:
        if (!numeric(e->kids[0]->type)) {
            err(k, e->kids[0], "'round' needs a number, found %s in '%s'",
                vl_type_name(e->kids[0]->type), T(e->kids[0], b1));
            return poison(e);
        }
        if (e->nkids == 2 && e->kids[1]->type.kind != VL_INT) {
            err(k, e->kids[1], "'round' needs a whole number of digits, found %s in '%s'",
                vl_type_name(e->kids[1]->type), T(e->kids[1], b1));
            return poison(e);
        }
        e->type = t_dec;
        return e;
    case EX_F_YEAR:
    case EX_F_MONTH:
    case EX_F_DAY:
    case EX_F_YEARS_BETWEEN:
    case EX_F_DAYS_BETWEEN:
        for (int i = 0; i < e->nkids; i++) {
            const ex_expr *a = e->kids[i];
            if (a->type.kind != VL_DATE) {
                err(k, a, "'%s' needs a date, found %s in '%s'%s", fi->name, vl_type_name(a->type),
                    T(a, b1), text_literal(a) ? " (write a date as date(\"2025-03-05\"))" : "");
                any_bad = true;
            }
        }
        if (any_bad)
            return poison(e);
        e->type = t_int;
        return e;
    case EX_F_COALESCE: {
        vl_type t = e->kids[0]->type;
        for (int i = 1; i < e->nkids; i++) {
            if (!unify(t, e->kids[i]->type, &t)) {
                err(k, e, "'coalesce' arguments have different types, %s and %s, in '%s'",
                    vl_type_name(e->kids[0]->type), vl_type_name(e->kids[i]->type), T(e, b2));
                return poison(e);
            }
        }
        if (t.kind == VL_DEC)
            for (int i = 0; i < e->nkids; i++)
                e->kids[i] = widen(k, e->kids[i]);
        e->type = t;
        return e;
    }
    case EX_F_MISSING:
        e->type = t_bool;
        return e;
    case EX_F_FLOOR:
    case EX_F_CEIL:
        if (!numeric(e->kids[0]->type)) {
            err(k, e->kids[0], "'%s' needs a number, found %s in '%s'", fi->name,
                vl_type_name(e->kids[0]->type), T(e->kids[0], b1));
            return poison(e);
        }
        e->type = t_int;
        return e;
    case EX_F_CONTAINS:
    case EX_F_STARTS_WITH:
    case EX_F_ENDS_WITH:
        for (int i = 0; i < 2; i++)
            if (e->kids[i]->type.kind != VL_TEXT) {
                err(k, e->kids[i], "'%s' needs text, found %s in '%s'", fi->name,
                    vl_type_name(e->kids[i]->type), T(e->kids[i], b1));
                any_bad = true;
            }
        if (any_bad)
            return poison(e);
        e->type = t_bool;
        return e;
    }
    return poison(e);
}

/* ---- aggregates ---- */

static ex_expr *check_in_rows(checker *k, ex_expr *e, int relation)
{
    checker inner = *k;
    inner.scope = relation;
    inner.in_agg = true;
    return check(&inner, e);
}

static ex_expr *check_agg(checker *k, ex_expr *e, const struct agginfo *ai)
{
    char b1[EX_SNIP], b2[EX_SNIP];
    if (k->in_agg || k->scope >= 0) {
        err(k, e, "aggregates do not nest: '%s' is inside the rows of another aggregate", T(e, b1));
        return poison(e);
    }
    if (e->nkids < 1 || e->kids[0]->op != EX_O_NAME) {
        err(k, e, "'%s' needs a relation name first: %s, found '%s'", ai->name, ai->sig, T(e, b1));
        return poison(e);
    }
    ex_expr *rel = e->kids[0];
    ex_symbol sym;
    if (!resolve(k, rel, true, &sym) || sym.kind != EX_SYM_RELATION) {
        if (resolve(k, rel, false, &sym)) {
            err(k, rel, "'%s' is not a relation, so '%s' cannot range over it",
                ex_snip(b1, rel->name, rel->namelen), ai->name);
            return poison(e);
        }
        unknown_name(k, rel, "relation");
        return poison(e);
    }
    ex_snip(b1, rel->name, rel->namelen);
    if (sym.own) {
        char b3[EX_SNIP];
        if (e->nkids == 2)
            err(k, e,
                "'%s' is the entity's own input, one row per result: write '%s' itself, not "
                "'%s' (aggregates range over the rows of other inputs that ref it, and over "
                "tallies)",
                b1, T(e->kids[1], b2), T(e, b3));
        else
            err(k, e,
                "'%s' is the entity's own input, one row per result: read its columns "
                "directly (aggregates range over the rows of other inputs that ref it, and "
                "over tallies)",
                b1);
        return poison(e);
    }
    if (e->by)
        return check_grouped(k, e, ai, sym.relation);
    int want_args = ai->op == EX_AGG_COUNT ? 1 : 2;
    if (e->nkids != want_args) {
        err(k, e, "'%s' takes %s, found '%s'", ai->name, ai->sig, T(e, b1));
        return poison(e);
    }
    if (ai->op == EX_AGG_PICK && !e->where && !sym.one_row) {
        err(k, e,
            "'pick' needs a 'where' condition: %s, found '%s' ('where' may be left out only "
            "when the relation has at most one row per entity: an input whose key is its ref "
            "column)",
            ai->sig, T(e, b2));
        return poison(e);
    }
    ex_expr *arg = want_args == 2 ? check_in_rows(k, e->kids[1], sym.relation) : NULL;
    ex_expr *cond = e->where ? check_in_rows(k, e->where, sym.relation) : NULL;
    bool failed = (arg && bad(arg)) || (cond && bad(cond));
    if (cond && !bad(cond) && cond->type.kind != VL_BOOL) {
        err(k, cond, "'where' condition must be boolean, found %s in '%s'",
            vl_type_name(cond->type), T(cond, b1));
        failed = true;
    }
    vl_type t = t_int;
    if (arg && !bad(arg)) {
        vl_kind ak = arg->type.kind;
        switch (ai->op) {
        case EX_AGG_SUM:
        case EX_AGG_AVG:
            if (!numeric(arg->type)) {
                err(k, arg, "'%s' needs a number, found %s in '%s'", ai->name,
                    vl_type_name(arg->type), T(arg, b1));
                failed = true;
            }
            t = ai->op == EX_AGG_AVG ? t_dec : arg->type;
            break;
        case EX_AGG_MIN:
        case EX_AGG_MAX:
            if (!numeric(arg->type) && ak != VL_DATE && ak != VL_ENUM) {
                err(k, arg, "'%s' needs numbers, dates or an enumeration, found %s in '%s'",
                    ai->name, vl_type_name(arg->type), T(arg, b1));
                failed = true;
            }
            t = arg->type;
            break;
        case EX_AGG_ANY:
        case EX_AGG_ALL:
        case EX_AGG_SHARE:
            if (ak != VL_BOOL) {
                err(k, arg, "'%s' needs a boolean condition, found %s in '%s'", ai->name,
                    vl_type_name(arg->type), T(arg, b1));
                failed = true;
            }
            t = ai->op == EX_AGG_SHARE ? t_dec : t_bool;
            break;
        case EX_AGG_PICK:
            t = arg->type;
            break;
        case EX_AGG_DISTINCT:
            /* Any type: values are told apart as they read. */
            break;
        case EX_AGG_COUNT:
            break;
        }
    }
    if (failed)
        return poison(e);

    ex_aggi *g = new_agg(k, e, ai->op, sym.relation, b1, arg, cond, t);
    if (ai->op == EX_AGG_DISTINCT)
        g->pub.by = arg;
    return lift(k, e, g);
}

/* A slot's record, with the texts explanations quote (relname: the
 * relation's name as written). */
static ex_aggi *new_agg(checker *k, ex_expr *e, ex_aggop op, int relation, const char *relname,
                        ex_expr *arg, ex_expr *cond, vl_type t)
{
    char b2[EX_SNIP];
    ex_compiler *c = k->c;
    ex_aggi *g = ar_alloc(c->arena, sizeof *g);
    g->pub.op = op;
    g->pub.relation = relation;
    g->pub.arg = arg;
    g->pub.cond = cond;
    g->pub.type = t;
    g->pub.text = ar_strndup(c->arena, e->src, e->len);
    g->pub.index = -1;
    if (arg)
        arg->text = ar_strndup(c->arena, arg->src, arg->len);
    if (cond)
        cond->text = ar_strndup(c->arena, cond->src, cond->len);
    T(e, b2);
    /* Causes name the filter in full: "no row where role = \"书记\"" says what
     * to look for in the roster; a truncated call would not. */
    if (op == EX_AGG_PICK && cond) {
        g->why_none = ar_printf(c->arena, "no row where %s", cond->text);
        g->why_many = ar_printf(c->arena, "more than one row where %s", cond->text);
    } else if (op == EX_AGG_PICK) {
        g->why_none = ar_printf(c->arena, "no row in %s", relname);
        g->why_many = ar_printf(c->arena, "more than one row in %s", relname);
    } else {
        g->why_none = ar_printf(c->arena, "no rows for '%s'", b2);
        g->why_many = ar_printf(c->arena, "more than one row matches in '%s'", b2);
    }
    return g;
}

/* Give g a slot and turn the call e into a read of it. */
static ex_expr *lift(checker *k, ex_expr *e, ex_aggi *g)
{
    ex_compiler *c = k->c;
    g->pub.index = c->naggs;
    if (c->naggs == c->capaggs) {
        int cap = c->capaggs ? c->capaggs * 2 : 16;
        ex_aggi **v = ar_alloc(c->arena, sizeof *v * (size_t)cap);
        if (c->naggs)
            memcpy(v, c->aggs, sizeof *v * (size_t)c->naggs);
        c->aggs = v;
        c->capaggs = cap;
    }
    c->aggs[c->naggs++] = g;

    e->op = EX_O_AGG;
    e->index = g->pub.index;
    e->agg = &g->pub;
    e->type = g->pub.type;
    e->nkids = 0;
    e->where = NULL;
    e->by = NULL;
    return e;
}

/* OP(R by g, INNER [where c]): INNER over each group's rows, OP over the
 * groups' values. One level deep: INNER ranges over no relation of its own. */
static ex_expr *check_grouped(checker *k, ex_expr *e, const struct agginfo *ai, int relation)
{
    char b1[EX_SNIP];
    ex_expr *in = e->nkids == 2 ? e->kids[1] : NULL;
    const struct agginfo *ii = NULL;
    if (in && in->op == EX_O_CALL && !in->where && !in->by)
        for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
            if (name_is(in, aggs[i].name))
                ii = &aggs[i];
    if (ii && !(ii->op == EX_AGG_COUNT || ii->op == EX_AGG_SUM || ii->op == EX_AGG_AVG ||
                ii->op == EX_AGG_MIN || ii->op == EX_AGG_MAX))
        ii = NULL;
    if (!ii || in->nkids != (ii->op == EX_AGG_COUNT ? 0 : 1)) {
        err(k, in ? in : e, "'%s' with 'by' takes %s; found '%s'", ai->name, by_sig,
            T(in ? in : e, b1));
        return poison(e);
    }
    ex_expr *by = check_in_rows(k, e->by, relation);
    ex_expr *arg = in->nkids ? check_in_rows(k, in->kids[0], relation) : NULL;
    ex_expr *cond = e->where ? check_in_rows(k, e->where, relation) : NULL;
    bool failed = bad(by) || (arg && bad(arg)) || (cond && bad(cond));
    if (cond && !bad(cond) && cond->type.kind != VL_BOOL) {
        err(k, cond, "'where' condition must be boolean, found %s in '%s'",
            vl_type_name(cond->type), T(cond, b1));
        failed = true;
    }
    vl_type it = t_int;
    if (arg && !bad(arg)) {
        vl_kind ak = arg->type.kind;
        bool num = numeric(arg->type);
        bool minmax = ii->op == EX_AGG_MIN || ii->op == EX_AGG_MAX;
        if (!num && !(minmax && (ak == VL_DATE || ak == VL_ENUM))) {
            err(k, arg, "'%s' needs %s, found %s in '%s'", ii->name,
                minmax ? "numbers, dates or an enumeration" : "a number", vl_type_name(arg->type),
                T(arg, b1));
            failed = true;
        }
        it = ii->op == EX_AGG_AVG ? t_dec : arg->type;
    }
    if (!failed && (ai->op == EX_AGG_SUM || ai->op == EX_AGG_AVG) && !numeric(it)) {
        err(k, in, "'%s' needs a number from each group, found %s from '%s'", ai->name,
            vl_type_name(it), T(in, b1));
        failed = true;
    }
    if (failed)
        return poison(e);
    ex_aggi *inner = new_agg(k, in, ii->op, relation, "", arg, NULL, it);
    ex_aggi *g = new_agg(k, e, ai->op, relation, "", NULL, cond, ai->op == EX_AGG_AVG ? t_dec : it);
    by->text = ar_strndup(k->c->arena, by->src, by->len);
    g->pub.by = by;
    g->pub.inner = &inner->pub;
    return lift(k, e, g);
}

/* ---- operators ---- */

static ex_expr *check_arith(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    ex_expr *l = e->kids[0], *r = e->kids[1];
    vl_kind lk = l->type.kind, rk = r->type.kind;
    bool ints = lk == VL_INT && rk == VL_INT;
    bool nums = numeric(l->type) && numeric(r->type);
    switch (e->op) {
    case EX_O_ADD:
        if (nums)
            e->type = ints ? t_int : t_dec;
        else if ((lk == VL_DATE && rk == VL_INT) || (lk == VL_INT && rk == VL_DATE))
            e->type = t_date;
        else
            break;
        return e;
    case EX_O_SUB:
        if (nums)
            e->type = ints ? t_int : t_dec;
        else if (lk == VL_DATE && rk == VL_DATE)
            e->type = t_int;
        else if (lk == VL_DATE && rk == VL_INT)
            e->type = t_date;
        else
            break;
        return e;
    case EX_O_MUL:
    case EX_O_MOD:
        if (!nums)
            break;
        e->type = ints ? t_int : t_dec;
        return e;
    case EX_O_DIV:
        if (!nums)
            break;
        e->type = t_dec;
        return e;
    default:
        break;
    }
    const char *ln = vl_type_name(l->type), *rn = vl_type_name(r->type);
    switch (e->op) {
    case EX_O_ADD:
        err(k, e, "cannot add %s and %s in '%s'", ln, rn, T(e, b));
        break;
    case EX_O_SUB:
        err(k, e, "cannot subtract %s from %s in '%s'", rn, ln, T(e, b));
        break;
    case EX_O_MUL:
        err(k, e, "cannot multiply %s and %s in '%s'", ln, rn, T(e, b));
        break;
    case EX_O_DIV:
        err(k, e, "cannot divide %s by %s in '%s'", ln, rn, T(e, b));
        break;
    default:
        err(k, e, "cannot take the remainder of %s by %s in '%s'", ln, rn, T(e, b));
        break;
    }
    return poison(e);
}

static ex_expr *check_logic(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    const char *opname = e->op == EX_O_AND ? "and" : e->op == EX_O_OR ? "or" : "not";
    bool ok = true;
    for (int i = 0; i < e->nkids; i++) {
        const ex_expr *a = e->kids[i];
        if (bad(a)) {
            ok = false;
        } else if (a->type.kind != VL_BOOL) {
            err(k, a, "'%s' needs %s, found %s in '%s'", opname,
                e->op == EX_O_NOT ? "a boolean" : "booleans", vl_type_name(a->type), T(a, b));
            ok = false;
        }
    }
    if (!ok)
        return poison(e);
    e->type = t_bool;
    return e;
}

static ex_expr *check_in(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    ex_expr *l = e->kids[0];
    bool ok = !bad(l);
    for (int i = 1; i < e->nkids; i++) {
        ex_expr *x = e->kids[i];
        if (bad(x)) {
            ok = false;
            continue;
        }
        if (x->op != EX_O_LIT) {
            err(k, x, "the list after 'in' must hold literals or constants, found '%s'", T(x, b));
            ok = false;
            continue;
        }
        if (!bad(l) && !comparable(k, l, x, EX_O_EQ, x))
            ok = false;
    }
    if (!ok)
        return poison(e);
    e->type = t_bool;
    return e;
}

static ex_expr *check_if(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    ex_expr *cnd = e->kids[0], *a = e->kids[1], *z = e->kids[2];
    bool ok = !bad(cnd) && !bad(a) && !bad(z);
    if (!bad(cnd) && cnd->type.kind != VL_BOOL) {
        err(k, cnd, "the condition of 'if' must be boolean, found %s in '%s'",
            vl_type_name(cnd->type), T(cnd, b));
        ok = false;
    }
    vl_type t = t_any;
    if (!bad(a) && !bad(z) && !unify(a->type, z->type, &t)) {
        err(k, e, "the branches of 'if' have different types, %s and %s, in '%s'",
            vl_type_name(a->type), vl_type_name(z->type), T(e, b));
        ok = false;
    }
    if (!ok)
        return poison(e);
    if (t.kind == VL_DEC) {
        e->kids[1] = widen(k, a);
        e->kids[2] = widen(k, z);
    }
    e->type = t;
    return e;
}

static ex_expr *check(checker *k, ex_expr *e)
{
    char b[EX_SNIP];
    switch (e->op) {
    case EX_O_LIT:
        return e;
    case EX_O_NAME:
        return check_name(k, e);
    case EX_O_CALL:
        return check_call(k, e);
    default:
        break;
    }
    bool any_bad = false;
    for (int i = 0; i < e->nkids; i++) {
        e->kids[i] = check(k, e->kids[i]);
        any_bad = any_bad || bad(e->kids[i]);
    }
    switch (e->op) {
    case EX_O_NOT:
    case EX_O_AND:
    case EX_O_OR:
        return check_logic(k, e);
    case EX_O_IN:
        return check_in(k, e);
    case EX_O_IF:
        return check_if(k, e);
    default:
        break;
    }
    if (any_bad)
        return poison(e);
    switch (e->op) {
    case EX_O_NEG: {
        ex_expr *x = e->kids[0];
        if (!numeric(x->type)) {
            err(k, e, "cannot negate %s in '%s'", vl_type_name(x->type), T(e, b));
            return poison(e);
        }
        /* Fold -12 into a literal so it reads as one in lists and in
         * ex_describe. */
        if (x->op == EX_O_LIT) {
            e->op = EX_O_LIT;
            e->val = x->type.kind == VL_INT ? vl_int(-x->val.u.i) : vl_dec(-x->val.u.d);
            e->nkids = 0;
        }
        e->type = x->type;
        return e;
    }
    case EX_O_ADD:
    case EX_O_SUB:
    case EX_O_MUL:
    case EX_O_DIV:
    case EX_O_MOD:
        return check_arith(k, e);
    case EX_O_EQ:
    case EX_O_NE:
    case EX_O_LT:
    case EX_O_LE:
    case EX_O_GT:
    case EX_O_GE:
        if (!comparable(k, e->kids[0], e->kids[1], e->op, e))
            return poison(e);
        e->type = t_bool;
        return e;
    default:
        break;
    }
    return poison(e);
}

bool ex_check(ex_compiler *c, ex_expr *root, int scope, vl_type want, ex_expr **out)
{
    checker k = {c, scope, false};
    int before = c->nerrors;
    ex_expr *e = check(&k, root);
    if (c->nerrors > before)
        return false;
    if (bad(e)) { /* defensive: poisoned without a message would be a bug */
        ex_error(c, e->off, e->len, "cannot determine the type of this expression");
        return false;
    }
    if (want.kind != VL_MISSING && !same_type(want, e->type)) {
        if (want.kind == VL_DEC && e->type.kind == VL_INT) {
            e = widen(&k, e);
        } else {
            char b[EX_SNIP];
            err(&k, e, "expected %s %s, found %s in '%s'",
                want.kind == VL_INT || want.kind == VL_ENUM ? "an" : "a", vl_type_name(want),
                vl_type_name(e->type), T(e, b));
            return false;
        }
    }
    *out = e;
    return true;
}

/* ---- public entry points ---- */

ex_compiler *ex_compiler_new(ar_arena *arena, const ex_hooks *hooks)
{
    ex_compiler *c = ar_alloc(arena, sizeof *c);
    c->arena = arena;
    if (hooks)
        c->hooks = *hooks;
    return c;
}

/* Re-entrant: the resolve hook may compile another expression (a measure
 * used before its own definition) on the same compiler mid-check. */
const ex_expr *ex_compile(ex_compiler *c, const char *src, size_t n, int scope, vl_type want)
{
    int outer_errors = c->nerrors;
    c->nerrors = 0;
    if (n > UINT32_MAX / 2) {
        ex_error(c, 0, 0, "expression too long (%zu bytes)", n);
        c->nerrors = outer_errors;
        return NULL;
    }
    /* Nodes point into this copy, so the caller's buffer may go away. */
    char *copy = ar_strndup(c->arena, src ? src : "", src ? n : 0);
    int naggs = c->naggs, nsuccess = c->nsuccess;
    ex_expr *root = ex_parse(c, copy, n);
    ex_expr *out = NULL;
    bool ok = root && !c->nerrors && ex_check(c, root, scope, want, &out);
    c->nerrors = outer_errors;
    if (!ok) {
        /* Slots lifted from an expression that failed would be streamed
         * for nothing; forget them so indices stay dense, unless a nested
         * compile has since lifted slots of its own that are in use. */
        if (c->nsuccess == nsuccess)
            c->naggs = naggs;
        return NULL;
    }
    c->nsuccess++;
    out->text = copy;
    out->prog = ex_fast_compile(c->arena, out);
    ex_describe_prepare(c->arena, out);
    /* and the parts of the aggregates this compile lifted (a nested
     * compile has done its own) */
    for (int i = naggs; i < c->naggs; i++) {
        const ex_agg *g = &c->aggs[i]->pub;
        const ex_expr *parts[EX_AGG_NPARTS];
        int np = ex_agg_parts(g, parts);
        for (int j = 0; j < np; j++) {
            ex_expr *pe = (ex_expr *)parts[j];
            if (!pe->prog)
                pe->prog = ex_fast_compile(c->arena, pe);
        }
    }
    return out;
}

vl_type ex_type(const ex_expr *e)
{
    return e->type;
}

const char *ex_text(const ex_expr *e)
{
    return e->text ? e->text : "";
}

int ex_agg_count(const ex_compiler *c)
{
    return c->naggs;
}

void ex_agg_forget(ex_compiler *c, int n)
{
    if (n >= 0 && n < c->naggs)
        c->naggs = n;
}

const ex_agg *ex_agg_get(const ex_compiler *c, int i)
{
    return i >= 0 && i < c->naggs ? &c->aggs[i]->pub : NULL;
}

int ex_agg_parts(const ex_agg *g, const ex_expr *out[EX_AGG_NPARTS])
{
    int n = 0;
    const ex_expr *all[EX_AGG_NPARTS] = {g->arg, g->cond, g->by != g->arg ? g->by : NULL,
                                         g->inner ? g->inner->arg : NULL,
                                         g->inner ? g->inner->cond : NULL};
    for (int i = 0; i < EX_AGG_NPARTS; i++)
        if (all[i])
            out[n++] = all[i];
    return n;
}

static void refs(const ex_expr *e, int space, int *idx, int cap, int *n)
{
    if (!e)
        return;
    if (e->op == EX_O_SLOT && e->space == space) {
        for (int i = 0; i < *n && i < cap; i++)
            if (idx[i] == e->index)
                return;
        if (*n < cap)
            idx[*n] = e->index;
        (*n)++;
        return;
    }
    if (e->op == EX_O_AGG) {
        const ex_expr *parts[EX_AGG_NPARTS];
        int np = ex_agg_parts(e->agg, parts);
        for (int i = 0; i < np; i++)
            refs(parts[i], space, idx, cap, n);
        return;
    }
    for (int i = 0; i < e->nkids; i++)
        refs(e->kids[i], space, idx, cap, n);
}

bool ex_has_agg(const ex_expr *e)
{
    if (!e)
        return false;
    if (e->op == EX_O_AGG)
        return true;
    for (int i = 0; i < e->nkids; i++)
        if (ex_has_agg(e->kids[i]))
            return true;
    return false;
}

int ex_refs(const ex_expr *e, int space, int *indices, int cap)
{
    int n = 0;
    refs(e, space, indices, cap < 0 ? 0 : cap, &n);
    return n;
}
