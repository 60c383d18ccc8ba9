/* ex_eval: evaluating a checked tree, aggregate accumulators, and
 * ex_describe. Nothing here allocates: every string a result can carry as
 * its `why` is static or was prepared by the checker. */
#include "ex_int.h"

#include <math.h>
#include <string.h>

static const char why_div0[] = "division by zero";
static const char why_overflow[] = "integer overflow";
static const char why_date_range[] = "date out of range";
static const char why_no_space[] = "value not available";

static double num(vl_value v)
{
    return v.kind == VL_INT ? (double)v.u.i : v.u.d;
}

static bool date_ok(int64_t days)
{
    /* 0001-01-01 and 9999-12-31, the range vl handles */
    return days >= -719162 && days <= 2932896;
}

/* Three-way comparison of two present values of comparable types. */
int ex_cmp(vl_value a, vl_value b)
{
    if (a.kind == VL_INT && b.kind == VL_INT)
        return (a.u.i > b.u.i) - (a.u.i < b.u.i);
    if ((a.kind == VL_INT || a.kind == VL_DEC) && (b.kind == VL_INT || b.kind == VL_DEC)) {
        double x = num(a), y = num(b);
        return (x > y) - (x < y);
    }
    switch (a.kind) {
    case VL_DATE:
        return (a.u.date > b.u.date) - (a.u.date < b.u.date);
    case VL_ENUM:
        return (a.ord > b.ord) - (a.ord < b.ord);
    case VL_BOOL:
        return (int)a.u.b - (int)b.u.b;
    case VL_TEXT: {
        uint32_t n = a.n < b.n ? a.n : b.n;
        int r = n ? memcmp(a.u.p, b.u.p, n) : 0;
        if (r)
            return r < 0 ? -1 : 1;
        return (a.n > b.n) - (a.n < b.n);
    }
    default:
        return 0;
    }
}

static vl_value eval(const ex_expr *e, const ex_env *env);

static vl_value arith(const ex_expr *e, vl_value l, vl_value r)
{
    int64_t out;
    if (e->type.kind == VL_INT && e->op == EX_O_SUB && l.kind == VL_DATE)
        return vl_int((int64_t)l.u.date - r.u.date);
    if (e->type.kind == VL_DATE) {
        int64_t d = l.kind == VL_DATE ? (int64_t)l.u.date : (int64_t)r.u.date;
        int64_t n = l.kind == VL_DATE ? r.u.i : l.u.i;
        if (n > 10000000 || n < -10000000)
            return vl_missing(why_date_range);
        d = e->op == EX_O_SUB ? d - n : d + n;
        return date_ok(d) ? vl_date((int32_t)d) : vl_missing(why_date_range);
    }
    if (e->type.kind == VL_INT) {
        int64_t a = l.u.i, b = r.u.i;
        switch (e->op) {
        case EX_O_ADD:
            if (__builtin_add_overflow(a, b, &out))
                return vl_missing(why_overflow);
            return vl_int(out);
        case EX_O_SUB:
            if (__builtin_sub_overflow(a, b, &out))
                return vl_missing(why_overflow);
            return vl_int(out);
        case EX_O_MUL:
            if (__builtin_mul_overflow(a, b, &out))
                return vl_missing(why_overflow);
            return vl_int(out);
        case EX_O_MOD:
            if (b == 0)
                return vl_missing(why_div0);
            return vl_int(b == -1 ? 0 : a % b);
        default:
            break;
        }
    }
    double a = num(l), b = num(r);
    switch (e->op) {
    case EX_O_ADD:
        return vl_dec(a + b);
    case EX_O_SUB:
        return vl_dec(a - b);
    case EX_O_MUL:
        return vl_dec(a * b);
    case EX_O_DIV:
        return b == 0 ? vl_missing(why_div0) : vl_dec(a / b);
    case EX_O_MOD:
        return b == 0 ? vl_missing(why_div0) : vl_dec(fmod(a, b));
    default:
        return vl_missing("unsupported operation");
    }
}

/* Byte comparison of UTF-8 text: a whole character matches only a whole
 * character, so 书记 is found in 党支部书记 and not in a split code unit. */
bool ex_text_has(ex_fn fn, vl_value s, vl_value part)
{
    size_t n = s.n, m = part.n;
    if (m == 0)
        return true;
    if (n < m)
        return false;
    if (fn == EX_F_STARTS_WITH)
        return memcmp(s.u.p, part.u.p, m) == 0;
    if (fn == EX_F_ENDS_WITH)
        return memcmp(s.u.p + n - m, part.u.p, m) == 0;
    for (size_t i = 0; i + m <= n; i++)
        if (s.u.p[i] == part.u.p[0] && memcmp(s.u.p + i, part.u.p, m) == 0)
            return true;
    return false;
}

static vl_value call(const ex_expr *e, const ex_env *env)
{
    vl_value a[3];
    switch (e->fn) {
    case EX_F_COALESCE: {
        vl_value first = eval(e->kids[0], env);
        if (first.kind != VL_MISSING)
            return first;
        for (int i = 1; i < e->nkids; i++) {
            vl_value v = eval(e->kids[i], env);
            if (v.kind != VL_MISSING)
                return v;
        }
        return first;
    }
    case EX_F_MISSING:
        return vl_bool(eval(e->kids[0], env).kind == VL_MISSING);
    case EX_F_MIN:
    case EX_F_MAX: {
        vl_value best = eval(e->kids[0], env);
        if (best.kind == VL_MISSING)
            return best;
        for (int i = 1; i < e->nkids; i++) {
            vl_value v = eval(e->kids[i], env);
            if (v.kind == VL_MISSING)
                return v;
            int c = ex_cmp(v, best);
            if (e->fn == EX_F_MIN ? c < 0 : c > 0)
                best = v;
        }
        return best;
    }
    default:
        break;
    }
    for (int i = 0; i < e->nkids && i < 3; i++) {
        a[i] = eval(e->kids[i], env);
        if (a[i].kind == VL_MISSING)
            return a[i];
    }
    int y, m, d;
    switch (e->fn) {
    case EX_F_CLAMP:
        if (ex_cmp(a[0], a[1]) < 0)
            return a[1];
        if (ex_cmp(a[0], a[2]) > 0)
            return a[2];
        return a[0];
    case EX_F_ABS:
        if (a[0].kind == VL_INT) {
            if (a[0].u.i == INT64_MIN)
                return vl_missing(why_overflow);
            return vl_int(a[0].u.i < 0 ? -a[0].u.i : a[0].u.i);
        }
        return vl_dec(fabs(a[0].u.d));
    case EX_F_ROUND: {
        int64_t digits = e->nkids > 1 ? a[1].u.i : 0;
        if (digits > 15)
            digits = 15;
        if (digits < -15)
            digits = -15;
        return vl_dec(vl_round(num(a[0]), (int)digits));
    }
    case EX_F_YEAR:
    case EX_F_MONTH:
    case EX_F_DAY:
        vl_ymd_from_days(a[0].u.date, &y, &m, &d);
        return vl_int(e->fn == EX_F_YEAR ? y : e->fn == EX_F_MONTH ? m : d);
    case EX_F_YEARS_BETWEEN:
        return vl_int(vl_full_years(a[0].u.date, a[1].u.date));
    case EX_F_DAYS_BETWEEN:
        return vl_int((int64_t)a[1].u.date - a[0].u.date);
    case EX_F_FLOOR:
    case EX_F_CEIL: {
        if (a[0].kind == VL_INT)
            return a[0];
        double x = e->fn == EX_F_FLOOR ? floor(a[0].u.d) : ceil(a[0].u.d);
        /* Beyond ±2^63 (or NaN) no integer holds it. */
        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
            return vl_missing(why_overflow);
        return vl_int((int64_t)x);
    }
    case EX_F_CONTAINS:
    case EX_F_STARTS_WITH:
    case EX_F_ENDS_WITH:
        return vl_bool(ex_text_has(e->fn, a[0], a[1]));
    default:
        return vl_missing("unsupported function");
    }
}

static vl_value eval(const ex_expr *e, const ex_env *env)
{
    vl_value l, r;
    switch (e->op) {
    case EX_O_LIT:
        return e->val;
    case EX_O_SLOT: {
        const vl_value *sp = env ? env->space[e->space] : NULL;
        if (!sp)
            return vl_missing(why_no_space);
        vl_value v = sp[e->index];
        if (v.kind == VL_MISSING && !v.u.why)
            v.u.why = e->val.u.why;
        return v;
    }
    case EX_O_AGG: {
        const vl_value *sp = env ? env->space[EX_SPACE_AGG] : NULL;
        if (!sp)
            return vl_missing(why_no_space);
        vl_value v = sp[e->index];
        if (v.kind == VL_MISSING && !v.u.why)
            v.u.why = e->agg->text;
        return v;
    }
    case EX_O_FN:
        return call(e, env);
    case EX_O_TODEC:
        l = eval(e->kids[0], env);
        return l.kind == VL_INT ? vl_dec((double)l.u.i) : l;
    case EX_O_NEG:
        l = eval(e->kids[0], env);
        if (l.kind == VL_INT)
            return l.u.i == INT64_MIN ? vl_missing(why_overflow) : vl_int(-l.u.i);
        if (l.kind == VL_DEC)
            return vl_dec(-l.u.d);
        return l;
    case EX_O_NOT:
        l = eval(e->kids[0], env);
        return l.kind == VL_BOOL ? vl_bool(!l.u.b) : l;
    case EX_O_AND:
    case EX_O_OR: {
        /* Kleene logic: a decided side wins over an unknown one. */
        bool dominant = e->op == EX_O_OR;
        l = eval(e->kids[0], env);
        if (l.kind == VL_BOOL && l.u.b == dominant)
            return l;
        r = eval(e->kids[1], env);
        if (r.kind == VL_BOOL && r.u.b == dominant)
            return r;
        if (l.kind == VL_MISSING)
            return l;
        return r;
    }
    case EX_O_IN: {
        l = eval(e->kids[0], env);
        if (l.kind == VL_MISSING)
            return l;
        bool found = false;
        for (int i = 1; i < e->nkids && !found; i++) {
            vl_value x = eval(e->kids[i], env);
            found = x.kind != VL_MISSING && ex_cmp(l, x) == 0;
        }
        return vl_bool(found != e->negate);
    }
    case EX_O_IF:
        l = eval(e->kids[0], env);
        if (l.kind != VL_BOOL)
            return l;
        return eval(e->kids[l.u.b ? 1 : 2], env);
    default:
        break;
    }
    l = eval(e->kids[0], env);
    r = eval(e->kids[1], env);
    if (l.kind == VL_MISSING)
        return l;
    if (r.kind == VL_MISSING)
        return r;
    switch (e->op) {
    case EX_O_EQ:
        return vl_bool(ex_cmp(l, r) == 0);
    case EX_O_NE:
        return vl_bool(ex_cmp(l, r) != 0);
    case EX_O_LT:
        return vl_bool(ex_cmp(l, r) < 0);
    case EX_O_LE:
        return vl_bool(ex_cmp(l, r) <= 0);
    case EX_O_GT:
        return vl_bool(ex_cmp(l, r) > 0);
    case EX_O_GE:
        return vl_bool(ex_cmp(l, r) >= 0);
    default:
        return arith(e, l, r);
    }
}

/* The compiled program when it has one and the row is the common case,
 * else the tree. */
static vl_value run(const ex_expr *e, const ex_env *env)
{
    vl_value v;
    if (e->prog && ex_fast_run(e->prog, env, &v))
        return v;
    return eval(e, env);
}

vl_value ex_eval(const ex_expr *e, const ex_env *env)
{
    return run(e, env);
}

vl_value ex_eval_careful(const ex_expr *e, const ex_env *env)
{
    return eval(e, env);
}

bool ex_has_fast(const ex_expr *e)
{
    return e && e->prog;
}

/* ---- aggregates ---- */

_Static_assert(VL_MISSING == 0, "ex_acc_init zeroes best to VL_MISSING");
_Static_assert(sizeof(ex_acc) == 48, "five accumulators in four cache lines");

void ex_acc_init(ex_acc *a)
{
    memset(a, 0, sizeof *a); /* best: VL_MISSING */
}

static void skip(ex_acc *a, vl_value v)
{
    a->missing++;
    if (!a->why)
        a->why = v.u.why;
}

/* Whether a row passes the aggregate's `where`; one whose filter cannot be
 * decided is noted as skipped, with its cause. */
static bool passes(const ex_agg *g, ex_acc *a, const ex_env *env)
{
    if (!g->cond)
        return true;
    vl_value c = run(g->cond, env);
    if (c.kind == VL_MISSING) {
        skip(a, c);
        return false;
    }
    return c.u.b;
}

/* One value into the accumulator with weight w: the part every aggregate
 * but count and pick shares, whether the value came from a row or from a
 * group's inner aggregate. */
static void add_value(const ex_agg *g, ex_acc *a, vl_value v, double w)
{
    if (v.kind == VL_MISSING) {
        skip(a, v);
        return;
    }
    a->n += w;
    switch (g->op) {
    case EX_AGG_SUM:
        if (g->type.kind == VL_INT) {
            int64_t iw = (int64_t)llround(w), t;
            /* hits < 0 marks an overflowed integer sum */
            if (a->hits < 0 || __builtin_mul_overflow(v.u.i, iw, &t) ||
                __builtin_add_overflow(a->isum, t, &a->isum))
                a->hits = -1;
        } else {
            a->dsum += num(v) * w;
        }
        break;
    case EX_AGG_AVG:
        a->dsum += num(v) * w;
        break;
    case EX_AGG_MIN:
    case EX_AGG_MAX:
        if (a->hits == 0 || (g->op == EX_AGG_MIN ? ex_cmp(v, a->best) < 0 : ex_cmp(v, a->best) > 0))
            a->best = v;
        a->hits += 1;
        break;
    case EX_AGG_ANY:
    case EX_AGG_ALL:
    case EX_AGG_SHARE:
        if (v.u.b)
            a->hits += w;
        break;
    default:
        break;
    }
}

void ex_agg_pre(const ex_agg *g, const ex_env *env, vl_value pre[2])
{
    pre[0] = g->cond ? run(g->cond, env) : vl_bool(true);
    pre[1] = vl_missing(NULL);
    if (pre[0].kind != VL_MISSING && pre[0].u.b && g->op != EX_AGG_COUNT)
        pre[1] = run(g->arg, env);
}

void ex_agg_step_pre(const ex_agg *g, ex_acc *a, const vl_value *cond, const vl_value *arg,
                     double w)
{
    /* A row whose filter cannot be decided is noted as skipped, with its
     * cause. */
    if (cond) {
        if (cond->kind == VL_MISSING) {
            skip(a, *cond);
            return;
        }
        if (!cond->u.b)
            return;
    }
    if (g->op == EX_AGG_COUNT) {
        a->n += w;
        return;
    }
    vl_value v = *arg;
    if (g->op == EX_AGG_PICK) {
        /* hits counts matching rows, unweighted: two occurrences of one
         * tally item are still one match */
        a->hits += 1;
        a->n += w;
        if (a->hits == 1)
            a->best = v;
        if (v.kind == VL_MISSING)
            skip(a, v);
        return;
    }
    add_value(g, a, v, w);
}

void ex_agg_step(const ex_agg *g, ex_acc *a, const ex_env *env, double w)
{
    if (g->by) {
        /* Grouped: the groups live with the caller (dv_step); alone, a row
         * is only checked, never stepped into a group it has no room for. */
        vl_value key;
        (void)ex_agg_group_key(g, a, env, &key);
        return;
    }
    vl_value pre[2];
    ex_agg_pre(g, env, pre);
    ex_agg_step_pre(g, a, g->cond ? &pre[0] : NULL, &pre[1], w);
}

bool ex_agg_group_key(const ex_agg *g, ex_acc *a, const ex_env *env, vl_value *key)
{
    if (!passes(g, a, env))
        return false;
    *key = run(g->by, env);
    if (key->kind == VL_MISSING) {
        /* A row with no group (an empty 所在党小组) is in none: counted as
         * skipped, so the result can say so. */
        skip(a, *key);
        return false;
    }
    return true;
}

void ex_agg_step_value(const ex_agg *g, ex_acc *a, vl_value v, double w)
{
    if (g->op == EX_AGG_DISTINCT) {
        a->n += w;
        return;
    }
    add_value(g, a, v, w);
}

vl_value ex_agg_final(const ex_agg *g, const ex_acc *a)
{
    const ex_aggi *gi = (const ex_aggi *)g;
    /* With no row to go on, the first skipped row's cause explains more
     * than "no rows" does. */
    const char *none = a->missing && a->why ? a->why : gi->why_none;
    switch (g->op) {
    case EX_AGG_COUNT:
        return vl_int((int64_t)llround(a->n));
    case EX_AGG_SUM:
        if (g->type.kind == VL_INT)
            return a->hits < 0 ? vl_missing(why_overflow) : vl_int(a->isum);
        return vl_dec(a->dsum);
    case EX_AGG_AVG:
        return a->n > 0 ? vl_dec(a->dsum / a->n) : vl_missing(none);
    case EX_AGG_MIN:
    case EX_AGG_MAX:
        return a->hits > 0 ? a->best : vl_missing(none);
    case EX_AGG_ANY:
        return vl_bool(a->hits > 0);
    case EX_AGG_ALL:
        return vl_bool(a->hits >= a->n);
    case EX_AGG_SHARE:
        return a->n > 0 ? vl_dec(a->hits / a->n) : vl_missing(none);
    case EX_AGG_PICK:
        if (a->hits == 0)
            return vl_missing(gi->why_none);
        if (a->hits > 1)
            return vl_missing(gi->why_many);
        return a->best;
    case EX_AGG_DISTINCT:
        return vl_int((int64_t)llround(a->n));
    }
    return vl_missing("unsupported aggregate");
}

/* ---- ex_describe ---- */

typedef struct wbuf {
    char *p;
    size_t cap, len;
    bool full; /* cut once: later short pieces must not fill the gap */
} wbuf;

static void put(wbuf *w, const char *s, size_t n)
{
    if (w->full || !w->cap)
        return;
    size_t room = w->cap - 1 - w->len;
    if (n > room) {
        /* never leave half a UTF-8 sequence at the cut */
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        w->full = true;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = '\0';
}

static void puts_(wbuf *w, const char *s)
{
    put(w, s, strlen(s));
}

/* Source text on one line: a YAML block scalar may spread an expression
 * over several. */
static void put_text(wbuf *w, const ex_expr *e)
{
    size_t start = 0;
    for (size_t i = 0; i <= e->len; i++) {
        if (i == e->len || e->src[i] == '\n' || e->src[i] == '\r' || e->src[i] == '\t') {
            put(w, e->src + start, i - start);
            if (i < e->len && (w->len == 0 || w->p[w->len - 1] != ' '))
                put(w, " ", 1);
            start = i + 1;
        }
    }
}

static void put_value(wbuf *w, vl_value v)
{
    if (v.kind == VL_MISSING) {
        puts_(w, "missing (");
        puts_(w, v.u.why ? v.u.why : "value missing");
        puts_(w, ")");
        return;
    }
    if (v.kind == VL_TEXT) {
        put(w, "\"", 1);
        put(w, v.u.p, v.n);
        put(w, "\"", 1);
        return;
    }
    char tmp[64];
    size_t n = vl_format(v, tmp, sizeof tmp);
    put(w, tmp, n);
}

/* An operand: a literal or constant by its value alone, anything else as
 * its text and value. */
static void put_operand(wbuf *w, const ex_expr *e, const ex_env *env)
{
    if (e->op == EX_O_LIT) {
        /* a named constant (start_points) reads better with its name */
        if (e->named) {
            put_text(w, e);
            put(w, " ", 1);
        }
        put_value(w, e->val);
        return;
    }
    put_text(w, e);
    put(w, " ", 1);
    put_value(w, eval(e, env));
}

static const char *op_symbol(ex_op op)
{
    switch (op) {
    case EX_O_EQ:
        return "=";
    case EX_O_NE:
        return "≠";
    case EX_O_LT:
        return "<";
    case EX_O_LE:
        return "≤";
    case EX_O_GT:
        return ">";
    case EX_O_GE:
        return "≥";
    default:
        return "?";
    }
}

static void describe(wbuf *w, const ex_expr *e, const ex_env *env)
{
    switch (e->op) {
    case EX_O_EQ:
    case EX_O_NE:
    case EX_O_LT:
    case EX_O_LE:
    case EX_O_GT:
    case EX_O_GE: {
        const ex_expr *l = e->kids[0], *r = e->kids[1];
        put_operand(w, l, env);
        put(w, " ", 1);
        puts_(w, op_symbol(e->op));
        put(w, " ", 1);
        if (r->op == EX_O_LIT)
            put_value(w, r->val);
        else
            put_operand(w, r, env);
        return;
    }
    case EX_O_AND:
    case EX_O_OR: {
        /* Name only the parts that decided the outcome: for a true 'and'
         * all of them, for a false one those that were false; the mirror
         * image for 'or'; for an unknown result the unknown parts. */
        vl_value v = eval(e, env);
        const char *joiner = e->op == EX_O_AND ? " and " : " or ";
        bool dominant = e->op == EX_O_OR;
        bool first = true;
        for (int i = 0; i < 2; i++) {
            vl_value k = eval(e->kids[i], env);
            bool show;
            if (v.kind == VL_MISSING)
                show = k.kind == VL_MISSING;
            else if (v.u.b == dominant)
                show = k.kind == VL_BOOL && k.u.b == dominant;
            else
                show = true;
            if (!show)
                continue;
            if (!first)
                puts_(w, joiner);
            describe(w, e->kids[i], env);
            first = false;
        }
        return;
    }
    case EX_O_NOT:
        puts_(w, "not (");
        describe(w, e->kids[0], env);
        puts_(w, ")");
        return;
    case EX_O_IN: {
        const ex_expr *l = e->kids[0];
        put_operand(w, l, env);
        /* the rest of the source: " in [...]" or " not in [...]" */
        ex_expr rest = *e;
        rest.src = l->src + l->len;
        rest.len = (uint32_t)(e->src + e->len - rest.src);
        put_text(w, &rest);
        return;
    }
    default: {
        vl_value v = eval(e, env);
        put_text(w, e);
        puts_(w, v.kind == VL_MISSING ? " " : " = ");
        put_value(w, v);
        return;
    }
    }
}

static bool is_cmp(ex_op op)
{
    return op == EX_O_EQ || op == EX_O_NE || op == EX_O_LT || op == EX_O_LE || op == EX_O_GT ||
           op == EX_O_GE;
}

void ex_describe_prepare(ar_arena *a, ex_expr *e)
{
    if (!is_cmp(e->op) || e->nkids != 2 || e->kids[0]->op == EX_O_LIT || e->kids[1]->op != EX_O_LIT)
        return;
    /* as describe() writes a comparison, the left side's value left out */
    char pre[1024], post[256];
    wbuf w = {pre, sizeof pre, 0, false};
    put_text(&w, e->kids[0]);
    put(&w, " ", 1);
    wbuf z = {post, sizeof post, 0, false};
    put(&z, " ", 1);
    puts_(&z, op_symbol(e->op));
    put(&z, " ", 1);
    put_value(&z, e->kids[1]->val);
    if (w.full || z.full)
        return; /* long texts: described the long way */
    e->tpl_pre = ar_strndup(a, pre, w.len);
    e->tpl_pren = (uint32_t)w.len;
    e->tpl_post = ar_strndup(a, post, z.len);
    e->tpl_postn = (uint32_t)z.len;
    e->tpl_op = e->op;
    e->tpl_rval = e->kids[1]->val;
}

/* The template's text with the left side's value, or false (nothing
 * written) when it does not apply or the text would not fit whole. */
static bool describe_tpl(const ex_expr *e, const ex_env *env, wbuf *w)
{
    const ex_expr *r = e->kids[1];
    if (e->op != e->tpl_op || memcmp(&r->val, &e->tpl_rval, sizeof r->val) != 0)
        return false;
    vl_value v = run(e->kids[0], env);
    char tmp[64];
    const char *vs = tmp;
    size_t vn;
    if (v.kind == VL_INT) {
        /* digits by hand: the integer writer, not printf */
        char rev[24];
        uint64_t u = v.u.i < 0 ? (uint64_t)0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
        size_t k = 0;
        vn = 0;
        do {
            rev[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v.u.i < 0)
            tmp[vn++] = '-';
        while (k)
            tmp[vn++] = rev[--k];
    } else if (v.kind == VL_MISSING || v.kind == VL_TEXT) {
        return false; /* put_value's other forms: rare in a reason */
    } else {
        vn = vl_format(v, tmp, sizeof tmp);
    }
    if (w->len + e->tpl_pren + vn + e->tpl_postn + 1 > w->cap)
        return false;
    put(w, e->tpl_pre, e->tpl_pren);
    put(w, vs, vn);
    put(w, e->tpl_post, e->tpl_postn);
    return true;
}

size_t ex_describe(const ex_expr *e, const ex_env *env, char *buf, size_t cap)
{
    wbuf w = {buf, cap, 0, false};
    if (cap && e->tpl_pre && describe_tpl(e, env, &w))
        return w.len;
    if (cap)
        buf[0] = '\0';
    describe(&w, e, env);
    return w.len;
}
