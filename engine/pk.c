/* pk: building a pack from its YAML tree (schema in docs/rule-language.md). */
#include "pk.h"

#include "ar.h"
#include "dg.h"
#include "dv.h"
#include "yn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PK_M_NEW, PK_M_OPEN, PK_M_DONE };

/* A diagnostic made during a measure's attempt, held back until the
 * attempt is known to stand; msg NULL: an error counted but not shown (see
 * uses_broken). */
typedef struct pk_held {
    rf_severity sev;
    uint32_t line, col, span;
    char *msg;
} pk_held;

/* Names of an array of structs whose first member is the name, by hash:
 * names are looked up once or more per use, and with thousands of
 * constants or measures a scan per lookup made loading quadratic (100,000
 * of each took minutes). slot: index + 1, 0 empty (open addressing). */
typedef struct pk_index {
    const char *base;
    size_t stride, cap;
    int *slot;
} pk_index;

/* An input's columns by name, valid while its column array is unchanged
 * (count columns are added to the entity input after its own). */
typedef struct pk_colix {
    const pk_column *cols;
    int ncols;
    pk_index ix;
} pk_colix;

typedef struct pk_b {
    rf_pack *p;
    yn_doc *doc;
    rf_diags *d;
    ar_arena *a;
    int errors;
    const yn_node *expr_node; /* the scalar whose expression is compiling */
    int *mstate;              /* per measure: PK_M_NEW, PK_M_OPEN, PK_M_DONE */
    const yn_node **mnode;
    bool *mused;
    pk_index cix, tix, mix; /* constants, tallies and measures by name */
    pk_colix *colix;        /* per input: its columns by name, once it has many */
    int ncolix;
    bool uses_broken; /* the expression compiling reads a measure or tally that failed */
    /* Tallies in error, by name: what reads one says nothing more, so that
     * the rest of the pack is still checked without repeating the error. */
    const char **broken;
    int nbroken;
    pk_index bix;
    /* While a measure compiles, a measure it reads that is not compiled yet
     * is noted here instead of compiled there and then (which recursed as
     * deep as the pack's chain of measures): the attempt is thrown away and
     * retried once they are (see pk_compile_measures). */
    bool attempt; /* a measure's compile is under way */
    int *needs;   /* measures it read that are not compiled yet */
    size_t nneeds, capneeds;
    int cycle;     /* a measure it read that is itself compiling, or -1 */
    pk_held *held; /* its diagnostics, reported only if the attempt stands */
    size_t nheld, capheld;
    const rf_setting *sets; /* constants set by the caller */
    size_t nsets;
} pk_b;

/* ---- reporting -------------------------------------------------------- */

static void pk_hold(pk_b *b, rf_severity sev, uint32_t line, uint32_t col, uint32_t span,
                    const char *msg);

static void pk_vreport(pk_b *b, rf_severity sev, uint32_t line, uint32_t col, uint32_t span,
                       const char *fmt, va_list ap)
{
    if (b->attempt) { /* a measure's attempt may be thrown away and retried */
        char msg[1024];
        vsnprintf(msg, sizeof msg, fmt, ap);
        pk_hold(b, sev, line, col, span, msg);
        return;
    }
    dg_vadd(b->d, sev, RF_CLASS_PACK, b->doc->path, line, col, span, yn_line(b->a, b->doc, line),
            fmt, ap);
    if (sev == RF_ERROR)
        b->errors++;
}

static uint32_t pk_span(const yn_node *n)
{
    if (!n || n->kind != YN_SCALAR)
        return 1;
    if (n->style == YN_BLOCK || memchr(n->text, '\n', n->len))
        return 1;
    return dg_utf8_chars(n->text, n->len) + (n->style == YN_QUOTED ? 2 : 0);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
pk_err(pk_b *b, const yn_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pk_vreport(b, RF_ERROR, at ? at->line : 1, at ? at->col : 1, pk_span(at), fmt, ap);
    va_end(ap);
}

/* ---- scalar helpers ---------------------------------------------------- */

static bool pk_keys(pk_b *b, const yn_node *map, const char *const *allowed, const char *where)
{
    bool ok = true;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const yn_node *k = map->items[i];
        bool found = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(k->text, *a) == 0)
                found = true;
        if (found)
            continue;
        dg_near nr = {k->text, k->len, NULL, (size_t)-1};
        for (const char *const *a = allowed; *a; a++)
            dg_near_consider(&nr, *a);
        if (nr.best)
            pk_err(b, k, "unknown key '%s' in %s (did you mean '%s'?)", k->text, where, nr.best);
        else {
            char list[512] = "";
            for (const char *const *a = allowed; *a; a++) {
                if (list[0])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, *a, sizeof list - strlen(list) - 1);
            }
            pk_err(b, k, "unknown key '%s' in %s (expected one of: %s)", k->text, where, list);
        }
        ok = false;
    }
    return ok;
}

static bool pk_is(pk_b *b, const yn_node *n, yn_kind k, const char *what)
{
    if (n && n->kind == k)
        return true;
    if (n)
        pk_err(b, n, "%s must be %s, not %s", what, yn_kind_name(k), yn_kind_name(n->kind));
    return false;
}

static const yn_node *pk_need(pk_b *b, const yn_node *map, const char *key, const char *where)
{
    const yn_node *v = yn_get(map, key);
    if (!v)
        pk_err(b, map, "%s has no '%s'", where, key);
    return v;
}

static const char *pk_scalar(pk_b *b, const yn_node *n, const char *what)
{
    if (!pk_is(b, n, YN_SCALAR, what))
        return NULL;
    return n->text;
}

static bool pk_bool(pk_b *b, const yn_node *n, bool dflt, const char *what)
{
    if (!n)
        return dflt;
    if (n->kind == YN_SCALAR) {
        if (strcmp(n->text, "true") == 0 || strcmp(n->text, "yes") == 0)
            return true;
        if (strcmp(n->text, "false") == 0 || strcmp(n->text, "no") == 0)
            return false;
    }
    pk_err(b, n, "%s must be true or false, not '%s'", what,
           n->kind == YN_SCALAR ? n->text : yn_kind_name(n->kind));
    return dflt;
}

/* A plain scalar that reads as a number becomes one; quoted text stays text,
 * so "007" can be an id. */
static vl_value pk_literal(const yn_node *n, vl_type *t)
{
    if (n->style == YN_PLAIN) {
        char err[64];
        vl_value v;
        vl_type it = {VL_INT, NULL}, dt = {VL_DEC, NULL}, bt = {VL_BOOL, NULL};
        if (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0) {
            vl_parse(bt, n->text, n->len, &v, err, sizeof err);
            *t = bt;
            return v;
        }
        if (vl_parse(it, n->text, n->len, &v, err, sizeof err) && v.kind == VL_INT) {
            *t = it;
            return v;
        }
        if (vl_parse(dt, n->text, n->len, &v, err, sizeof err) && v.kind == VL_DEC) {
            *t = dt;
            return v;
        }
    }
    t->kind = VL_TEXT;
    t->en = NULL;
    return vl_text(n->text, n->len);
}

static pk_text pk_textpair(pk_b *b, const yn_node *n, const char *what)
{
    pk_text t = {"", ""};
    if (!n)
        return t;
    if (n->kind == YN_SCALAR) {
        t.zh = t.en = n->text;
        return t;
    }
    if (!pk_is(b, n, YN_MAP, what))
        return t;
    static const char *const keys[] = {"zh", "en", NULL};
    pk_keys(b, n, keys, what);
    const yn_node *zh = yn_get(n, "zh"), *en = yn_get(n, "en");
    if (zh && pk_scalar(b, zh, "zh"))
        t.zh = zh->text;
    if (en && pk_scalar(b, en, "en"))
        t.en = en->text;
    if (!zh && en)
        t.zh = t.en;
    if (!en && zh)
        t.en = t.zh;
    return t;
}

static bool pk_ident_ok(const char *s)
{
    if (!*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(*p >= 0x80 || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9' && p != (const unsigned char *)s)))
            return false;
    return true;
}

static void pk_check_ident(pk_b *b, const yn_node *k, const char *what)
{
    if (!pk_ident_ok(k->text))
        pk_err(b, k, "%s name '%s' must start with a letter and hold only letters, digits and _",
               what, k->text);
}

/* ---- names in scope ----------------------------------------------------- */

static int pk_find_input(const rf_pack *p, const char *name)
{
    for (int i = 0; i < p->ninputs; i++)
        if (strcmp(p->inputs[i].name, name) == 0)
            return i;
    return -1;
}

static int pk_find_col(const pk_input *in, const char *name, size_t n)
{
    for (int i = 0; i < in->ncols; i++)
        if (strlen(in->cols[i].id) == n && memcmp(in->cols[i].id, name, n) == 0)
            return i;
    return -1;
}

static bool pk_eq(const char *a, const char *s, size_t n)
{
    return strlen(a) == n && memcmp(a, s, n) == 0;
}

static const char *const pk_builtins[PK_BI_COUNT] = {"as_of", "period_start", "period_end"};

static bool pk_is_related(const rf_pack *p, int input)
{
    return input != p->entity && p->inputs[input].ref >= 0;
}

/* Compiled without error (its own errors are reported where it is). */
static bool pk_measure_ok(const pk_measure *ms)
{
    switch (ms->kind) {
    case PK_M_EXPR:
        return ms->expr != NULL;
    case PK_M_RANK:
        return ms->by != NULL;
    default:
        return ms->of >= 0;
    }
}

/* An attempt read measure m, not compiled yet: note it; the attempt will
 * not stand. */
static void pk_need_measure(pk_b *b, int m)
{
    if (b->mstate[m] == PK_M_OPEN) {
        if (b->cycle < 0)
            b->cycle = m;
    } else {
        if (b->nneeds == b->capneeds) {
            b->capneeds = b->capneeds ? b->capneeds * 2 : 16;
            b->needs = ar_xrealloc(b->needs, b->capneeds * sizeof *b->needs);
        }
        b->needs[b->nneeds++] = m;
    }
}

static size_t pk_hash(const char *s, size_t n)
{
    uint64_t h = ar_fnv(AR_FNV_BASIS, s, n);
    return (size_t)(h ^ (h >> 29));
}

static const char *pk_index_name(const pk_index *ix, int i)
{
    return *(const char *const *)(const void *)(ix->base + (size_t)i * ix->stride);
}

/* The first of equal names wins, as a scan would find it (a repeated name
 * is an error of its own). */
static void pk_index_build(pk_b *b, pk_index *ix, const void *arr, size_t stride, int n)
{
    ix->base = arr;
    ix->stride = stride;
    ix->cap = 16;
    while (ix->cap < (size_t)n * 2)
        ix->cap *= 2;
    ix->slot = ar_alloc(b->a, ix->cap * sizeof *ix->slot);
    for (int i = 0; i < n; i++) {
        const char *name = pk_index_name(ix, i);
        size_t h = pk_hash(name, strlen(name)) & (ix->cap - 1);
        while (ix->slot[h] && strcmp(pk_index_name(ix, ix->slot[h] - 1), name) != 0)
            h = (h + 1) & (ix->cap - 1);
        if (!ix->slot[h])
            ix->slot[h] = i + 1;
    }
}

static int pk_index_find(const pk_index *ix, const char *name, size_t n)
{
    if (!ix->cap)
        return -1;
    size_t h = pk_hash(name, n) & (ix->cap - 1);
    for (; ix->slot[h]; h = (h + 1) & (ix->cap - 1))
        if (pk_eq(pk_index_name(ix, ix->slot[h] - 1), name, n))
            return ix->slot[h] - 1;
    return -1;
}

/* pk_find_col for the lookups made per name an expression uses: past a few
 * dozen columns, by hash (30,000 columns and measures took seconds). */
static int pk_find_col_b(pk_b *b, const pk_input *in, const char *name, size_t n)
{
    const rf_pack *p = b->p;
    int i = 0;
    while (i < p->ninputs && &p->inputs[i] != in)
        i++;
    if (in->ncols <= 32 || i == p->ninputs)
        return pk_find_col(in, name, n);
    if (i >= b->ncolix) {
        pk_colix *v = ar_alloc(b->a, (size_t)p->ninputs * sizeof *v);
        if (b->ncolix)
            memcpy(v, b->colix, (size_t)b->ncolix * sizeof *v);
        b->colix = v;
        b->ncolix = p->ninputs;
    }
    pk_colix *cx = &b->colix[i];
    if (cx->cols != in->cols || cx->ncols != in->ncols) {
        pk_index_build(b, &cx->ix, in->cols, sizeof *in->cols, in->ncols);
        cx->cols = in->cols;
        cx->ncols = in->ncols;
    }
    return pk_index_find(&cx->ix, name, n);
}

/* A measure by name: 1 resolved, 0 not yet (its compile is retried), -1 no
 * such measure. */
static int pk_resolve_measure(pk_b *b, const char *name, size_t n, ex_symbol *out)
{
    rf_pack *p = b->p;
    int m = pk_index_find(&b->mix, name, n);
    if (m < 0)
        return -1;
    if (b->attempt && b->mstate[m] != PK_M_DONE) {
        pk_need_measure(b, m);
        return 0;
    }
    b->mused[m] = true;
    out->kind = EX_SYM_VALUE;
    out->space = PK_SP_MEASURE;
    out->index = m;
    if (b->mstate[m] != PK_M_DONE || !pk_measure_ok(&p->measures[m])) {
        /* Its own error is reported; an untyped stand-in keeps every
         * expression that uses it from repeating the complaint. */
        b->uses_broken = true;
        out->type.kind = VL_MISSING;
        return 1;
    }
    out->type = p->measures[m].type;
    return 1;
}

static bool pk_resolve(void *ctx, int scope, const char *name, size_t n, bool want_relation,
                       ex_symbol *out)
{
    pk_b *b = ctx;
    rf_pack *p = b->p;
    memset(out, 0, sizeof *out);
    if (want_relation) {
        if (scope != -1)
            return false;
        for (int i = 0; i < p->ninputs; i++)
            if (pk_is_related(p, i) && pk_eq(p->inputs[i].name, name, n)) {
                out->kind = EX_SYM_RELATION;
                out->relation = i;
                /* Keyed by its reference: one row per entity at most. */
                out->one_row = p->inputs[i].key >= 0 && p->inputs[i].key == p->inputs[i].ref;
                return true;
            }
        if (p->entity >= 0 && pk_eq(p->inputs[p->entity].name, name, n)) {
            /* Named only so the error can say what to write instead. */
            out->kind = EX_SYM_RELATION;
            out->relation = p->entity;
            out->own = true;
            return true;
        }
        if (pk_index_find(&b->bix, name, n) >= 0) {
            b->uses_broken = true;
            return false;
        }
        int t = pk_index_find(&b->tix, name, n);
        if (t >= 0) {
            out->kind = EX_SYM_RELATION;
            out->relation = pk_tally_relation(p, t);
            return true;
        }
        return false;
    }
    for (int i = 0; i < PK_BI_COUNT; i++)
        if (pk_eq(pk_builtins[i], name, n)) {
            out->kind = EX_SYM_VALUE;
            out->type.kind = VL_DATE;
            out->space = PK_SP_BUILTIN;
            out->index = i;
            out->fixed = true; /* set once a run */
            return true;
        }
    int ci = pk_index_find(&b->cix, name, n);
    if (ci >= 0) {
        out->kind = EX_SYM_CONST;
        out->type = p->consts[ci].type;
        out->value = p->consts[ci].value;
        return true;
    }
    if (scope >= 0 && scope < p->ninputs) {
        const pk_input *in = &p->inputs[scope];
        int c = pk_find_col_b(b, in, name, n);
        /* A row's own column first; else a measure of the entity the row
         * belongs to (checked in pk_in_rows to be known before the rows). */
        if (c < 0)
            return pk_resolve_measure(b, name, n, out) > 0;
        out->kind = EX_SYM_VALUE;
        out->type = in->cols[c].type;
        out->space = PK_SP_ROW;
        out->index = c;
        return true;
    }
    if (scope >= p->ninputs) {
        const pk_tally *t = &p->tallies[scope - p->ninputs];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        out->kind = EX_SYM_VALUE;
        out->space = PK_SP_ROW;
        for (int f = 0; f < cat->nfields; f++)
            if (pk_eq(cat->field_names[f], name, n)) {
                out->type = cat->field_types[f];
                out->index = f;
                return true;
            }
        if (pk_eq("code", name, n)) {
            out->type.kind = VL_TEXT;
            out->index = cat->nfields;
            return true;
        }
        if (pk_eq("n", name, n)) {
            out->type.kind = VL_INT;
            out->index = cat->nfields + 1;
            return true;
        }
        return false;
    }
    int r = pk_resolve_measure(b, name, n, out);
    if (r >= 0)
        return r;
    if (pk_index_find(&b->bix, name, n) >= 0) {
        /* An untyped stand-in, as for a measure in error. */
        b->uses_broken = true;
        out->kind = EX_SYM_VALUE;
        out->type.kind = VL_MISSING;
        out->space = PK_SP_TALLY;
        return true;
    }
    int t = pk_index_find(&b->tix, name, n);
    if (t >= 0) {
        out->kind = EX_SYM_VALUE;
        out->type = p->tallies[t].type;
        out->space = PK_SP_TALLY;
        out->index = t;
        return true;
    }
    const pk_input *ent = &p->inputs[p->entity];
    int c = pk_find_col_b(b, ent, name, n);
    if (c >= 0) {
        out->kind = EX_SYM_VALUE;
        out->type = ent->cols[c].type;
        out->space = PK_SP_ENTITY;
        out->index = c;
        return true;
    }
    return false;
}

static const char *pk_suggest(void *ctx, int scope, const char *name, size_t n)
{
    pk_b *b = ctx;
    rf_pack *p = b->p;
    if (b->attempt && (b->nneeds || b->cycle >= 0))
        return NULL; /* the attempt will be thrown away: spare the search */
    dg_near nr = {name, n, NULL, (size_t)-1};
    for (int i = 0; i < p->nconsts; i++)
        dg_near_consider(&nr, p->consts[i].name);
    for (int i = 0; i < PK_BI_COUNT; i++)
        dg_near_consider(&nr, pk_builtins[i]);
    if (scope == -1) {
        for (int m = 0; m < p->nmeasures; m++)
            dg_near_consider(&nr, p->measures[m].name);
        for (int t = 0; t < p->ntallies; t++)
            dg_near_consider(&nr, p->tallies[t].name);
        for (int i = 0; i < p->ninputs; i++)
            if (pk_is_related(p, i))
                dg_near_consider(&nr, p->inputs[i].name);
        const pk_input *ent = &p->inputs[p->entity];
        for (int c = 0; c < ent->ncols; c++)
            dg_near_consider(&nr, ent->cols[c].id);
    } else if (scope < p->ninputs) {
        const pk_input *in = &p->inputs[scope];
        for (int c = 0; c < in->ncols; c++)
            dg_near_consider(&nr, in->cols[c].id);
    } else {
        const pk_catalogue *cat = &p->cats[p->tallies[scope - p->ninputs].catalogue];
        for (int f = 0; f < cat->nfields; f++)
            dg_near_consider(&nr, cat->field_names[f]);
        dg_near_consider(&nr, "code");
    }
    return nr.best;
}

/* Report an expression error, or hold it while a measure's attempt runs. */
static void pk_hold(pk_b *b, rf_severity sev, uint32_t line, uint32_t col, uint32_t span,
                    const char *msg)
{
    if (!b->attempt) {
        if (msg)
            dg_add(b->d, sev, RF_CLASS_PACK, b->doc->path, line, col, span,
                   yn_line(b->a, b->doc, line), "%s", msg);
        if (sev == RF_ERROR)
            b->errors++;
        return;
    }
    if (b->nheld == b->capheld) {
        b->capheld = b->capheld ? b->capheld * 2 : 8;
        b->held = ar_xrealloc(b->held, b->capheld * sizeof *b->held);
    }
    pk_held *h = &b->held[b->nheld++];
    h->sev = sev;
    h->line = line;
    h->col = col;
    h->span = span;
    h->msg = NULL;
    if (msg) {
        size_t n = strlen(msg);
        h->msg = ar_xmalloc(n + 1);
        memcpy(h->msg, msg, n + 1);
    }
}

/* The attempt stands (report its errors) or is thrown away. */
static void pk_release(pk_b *b, bool stands)
{
    bool was = b->attempt;
    b->attempt = false;
    for (size_t i = 0; i < b->nheld; i++) {
        if (stands)
            pk_hold(b, b->held[i].sev, b->held[i].line, b->held[i].col, b->held[i].span,
                    b->held[i].msg);
        free(b->held[i].msg);
    }
    b->nheld = 0;
    b->attempt = was;
}

/* Map a byte offset inside an expression back to a file position: exact
 * for plain and quoted one-line scalars and for block scalars (whose lines
 * start after their indentation); other multi-line forms point at the
 * scalar's start. */
static void pk_expr_error(void *ctx, size_t off, size_t len, const char *msg)
{
    pk_b *b = ctx;
    if (b->uses_broken) { /* only a consequence of an error already reported */
        pk_hold(b, RF_ERROR, 0, 0, 0, NULL);
        return;
    }
    const yn_node *n = b->expr_node;
    uint32_t line = n->line, col = n->col;
    if (off > n->len)
        off = n->len;
    if (len > n->len - off)
        len = n->len - off;
    uint32_t span = dg_utf8_chars(n->text + off, len);
    if (n->style == YN_BLOCK) {
        const char *s = n->text;
        uint32_t nl = 0;
        size_t ls = 0;
        for (size_t i = 0; i < off; i++)
            if (s[i] == '\n') {
                nl++;
                ls = i + 1;
            }
        line = n->line + 1 + nl;
        const char *src = yn_line(b->a, b->doc, line);
        uint32_t indent = 0;
        while (src && src[indent] == ' ')
            indent++;
        col = indent + 1 + dg_utf8_chars(s + ls, off - ls);
    } else if (!memchr(n->text, '\n', n->len)) {
        col = n->col + (n->style == YN_QUOTED ? 1 : 0) + dg_utf8_chars(n->text, off);
    } else {
        span = 1;
    }
    pk_hold(b, RF_ERROR, line, col, span ? span : 1, msg);
}

static const ex_expr *pk_compile(pk_b *b, const yn_node *n, int scope, vl_type want)
{
    if (!pk_is(b, n, YN_SCALAR, "an expression"))
        return NULL;
    const yn_node *saved = b->expr_node;
    bool saved_broken = b->uses_broken;
    b->expr_node = n;
    b->uses_broken = false;
    int before = ex_agg_count(b->p->ex);
    const ex_expr *e = ex_compile(b->p->ex, n->text, n->len, scope, want);
    for (int g = before; e && g < ex_agg_count(b->p->ex); g++) {
        const ex_agg *ag = ex_agg_get(b->p->ex, g);
        /* A tally's rows are items with counts, not rows with a group. */
        if (ag->by && ag->relation >= b->p->ninputs) {
            pk_err(b, n,
                   "'%s' groups a tally's items: 'distinct' and 'by' range over an "
                   "input's rows",
                   ag->text);
            e = NULL;
        }
    }
    b->expr_node = saved;
    b->uses_broken = saved_broken;
    /* Where it sits in the file, for mutation reports (pk_xpos_place). */
    rf_pack *p = b->p;
    if (e) {
        if (p->nxpos == p->capxpos) {
            p->capxpos = p->capxpos ? p->capxpos * 2 : 32;
            pk_xpos *nx = ar_alloc(b->a, (size_t)p->capxpos * sizeof *nx);
            if (p->nxpos)
                memcpy(nx, p->xpos, (size_t)p->nxpos * sizeof *nx);
            p->xpos = nx;
        }
        bool one = n->style != YN_BLOCK && !memchr(n->text, '\n', n->len);
        p->xpos[p->nxpos++] =
            (pk_xpos){ex_text(e), n->line, n->col + (one && n->style == YN_QUOTED ? 1 : 0), one};
    }
    return e;
}

/* ---- sections ----------------------------------------------------------- */

static void pk_meta(pk_b *b, const yn_node *root)
{
    rf_pack *p = b->p;
    const yn_node *v = pk_need(b, root, "rosterflag", "the rule file");
    if (v && !(v->kind == YN_SCALAR && strcmp(v->text, "1") == 0))
        pk_err(b, v, "unsupported language version '%s' (this rosterflag reads version 1)",
               v->kind == YN_SCALAR ? v->text : "?");
    const yn_node *pack = pk_need(b, root, "pack", "the rule file");
    if (!pack || !pk_is(b, pack, YN_MAP, "pack"))
        return;
    static const char *const keys[] = {"id", "version", "title", "source", "notes", NULL};
    pk_keys(b, pack, keys, "pack");
    const yn_node *id = pk_need(b, pack, "id", "pack");
    if (id && pk_scalar(b, id, "pack id")) {
        p->id = id->text;
        for (const char *s = id->text; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_')) {
                pk_err(b, id, "pack id '%s' may hold only a-z, 0-9, '-' and '_'", id->text);
                break;
            }
    }
    const yn_node *ver = pk_need(b, pack, "version", "pack");
    if (ver && pk_scalar(b, ver, "pack version"))
        p->version = ver->text;
    const yn_node *title = pk_need(b, pack, "title", "pack");
    p->title = pk_textpair(b, title, "pack title");
    const yn_node *src = yn_get(pack, "source");
    p->source = src && pk_scalar(b, src, "pack source") ? src->text : "";
}

static void pk_constants(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "constants"))
        return;
    p->consts = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *p->consts);
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const yn_node *k = n->items[i], *v = n->items[i + 1];
        pk_check_ident(b, k, "constant");
        if (!pk_is(b, v, YN_SCALAR, "a constant"))
            continue;
        pk_const *c = &p->consts[p->nconsts++];
        c->name = k->text;
        c->value = pk_literal(v, &c->type);
        c->text = v->text;
        c->line = v->line;
        c->col = v->col;
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
pk_usage(pk_b *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dg_vadd(b->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL, fmt, ap);
    va_end(ap);
    b->errors++;
}

/* Constants the caller sets (--set NAME=VALUE) replace the pack's values
 * before any expression is compiled, so they fold like the pack's own. Each
 * is typed as the constant it replaces, and remembered for the stamp every
 * result carries: a result can always be traced to the numbers it used. */
static void pk_settings(pk_b *b)
{
    rf_pack *p = b->p;
    const char *stamp = "", *summary = "";
    for (size_t i = 0; i < b->nsets; i++) {
        const rf_setting *st = &b->sets[i];
        int c = 0;
        while (c < p->nconsts && strcmp(p->consts[c].name, st->name) != 0)
            c++;
        if (c == p->nconsts) {
            char list[512] = "";
            for (int k = 0; k < p->nconsts; k++) {
                if (k)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, p->consts[k].name, sizeof list - strlen(list) - 1);
            }
            pk_usage(b, "--set %s: pack %s has no constant '%s' (%s%s)", st->name, p->id, st->name,
                     p->nconsts ? "its constants: " : "it has no constants", list);
            continue;
        }
        bool twice = false;
        for (size_t j = 0; j < i; j++)
            twice |= strcmp(b->sets[j].name, st->name) == 0;
        if (twice) {
            pk_usage(b, "--set %s is given twice", st->name);
            continue;
        }
        pk_const *k = &p->consts[c];
        char err[256], old[128];
        vl_value v;
        vl_format(k->value, old, sizeof old);
        bool ok = vl_parse(k->type, st->value, strlen(st->value), &v, err, sizeof err);
        if (!ok || v.kind == VL_MISSING) {
            pk_usage(b, "--set %s=%s: constant %s is %s (the pack says %s)%s%s", st->name,
                     st->value, st->name, vl_type_name(k->type), old, ": ",
                     ok ? "the value is empty" : err);
            continue;
        }
        if (v.kind == VL_TEXT)
            v.u.p = ar_strndup(b->a, v.u.p, v.n);
        k->value = v;
        stamp = ar_printf(b->a, "%s --set %s=%s", stamp, st->name, st->value);
        summary = ar_printf(b->a, "%s%s%s=%s (the pack says %s)", summary, *summary ? ", " : "",
                            st->name, st->value, old);
    }
    p->set_stamp = stamp;
    p->set_summary = summary;
}

static vl_enum *pk_find_enum(const rf_pack *p, const char *name)
{
    for (int i = 0; i < p->nenums; i++)
        if (strcmp(p->enums[i]->name, name) == 0)
            return p->enums[i];
    return NULL;
}

static void pk_enums(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "enums"))
        return;
    p->enums = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *p->enums);
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const yn_node *k = n->items[i], *v = n->items[i + 1];
        pk_check_ident(b, k, "enum");
        if (!pk_is(b, v, YN_SEQ, "an enum (a list of levels, lowest first)"))
            continue;
        vl_enum *en = ar_alloc(b->a, sizeof *en);
        en->name = k->text;
        size_t total = 0;
        for (size_t j = 0; j < v->n; j++)
            total += v->items[j]->kind == YN_SEQ ? v->items[j]->n : 1;
        const char **canon = ar_alloc(b->a, (v->n + 1) * sizeof *canon);
        const char **labels = ar_alloc(b->a, (total + 1) * sizeof *labels);
        int *lv = ar_alloc(b->a, (total + 1) * sizeof *lv);
        for (size_t j = 0; j < v->n; j++) {
            const yn_node *lvl = v->items[j];
            size_t cnt = lvl->kind == YN_SEQ ? lvl->n : 1;
            if (lvl->kind == YN_MAP || cnt == 0) {
                pk_err(b, lvl, "each enum level is a label or a list of labels");
                continue;
            }
            for (size_t q = 0; q < cnt; q++) {
                const yn_node *lab = lvl->kind == YN_SEQ ? lvl->items[q] : lvl;
                if (!pk_scalar(b, lab, "an enum label"))
                    continue;
                for (int r = 0; r < en->nlabels; r++)
                    if (strcmp(labels[r], lab->text) == 0)
                        pk_err(b, lab, "label '%s' appears twice in enum '%s'", lab->text,
                               en->name);
                if (q == 0)
                    canon[en->nlevels] = lab->text;
                labels[en->nlabels] = lab->text;
                lv[en->nlabels] = en->nlevels;
                en->nlabels++;
            }
            en->nlevels++;
        }
        en->canon = canon;
        en->labels = labels;
        en->label_level = lv;
        p->enums[p->nenums++] = en;
    }
}

static bool pk_type(pk_b *b, const yn_node *n, vl_type *t)
{
    static const struct {
        const char *name;
        vl_kind kind;
    } base[] = {{"text", VL_TEXT},
                {"integer", VL_INT},
                {"decimal", VL_DEC},
                {"date", VL_DATE},
                {"boolean", VL_BOOL}};
    t->en = NULL;
    t->kind = VL_TEXT;
    if (!pk_scalar(b, n, "a type"))
        return false;
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        if (strcmp(n->text, base[i].name) == 0) {
            t->kind = base[i].kind;
            return true;
        }
    const vl_enum *en = pk_find_enum(b->p, n->text);
    if (en) {
        t->kind = VL_ENUM;
        t->en = en;
        return true;
    }
    dg_near nr = {n->text, n->len, NULL, (size_t)-1};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        dg_near_consider(&nr, base[i].name);
    for (int i = 0; i < b->p->nenums; i++)
        dg_near_consider(&nr, b->p->enums[i]->name);
    if (nr.best)
        pk_err(b, n, "unknown type '%s' (did you mean '%s'?)", n->text, nr.best);
    else
        pk_err(b, n,
               "unknown type '%s' (expected text, integer, decimal, date, boolean or an enum)",
               n->text);
    return false;
}

static const char **pk_names(pk_b *b, const yn_node *n, int *count, const char *dflt)
{
    if (!n) {
        const char **one = ar_alloc(b->a, sizeof *one);
        one[0] = dflt;
        *count = 1;
        return one;
    }
    if (n->kind == YN_SCALAR) {
        const char **one = ar_alloc(b->a, sizeof *one);
        one[0] = n->text;
        *count = 1;
        return one;
    }
    /* After an error the list still holds the default, so callers that
     * go on collecting findings can name the column without a NULL check. */
    *count = 0;
    size_t cap = n->kind == YN_SEQ ? n->n : 0;
    const char **v = ar_alloc(b->a, (cap + 1) * sizeof *v);
    v[0] = dflt;
    if (!pk_is(b, n, YN_SEQ, "names"))
        return v;
    for (size_t i = 0; i < n->n; i++)
        if (pk_scalar(b, n->items[i], "a header name"))
            v[(*count)++] = n->items[i]->text;
    if (*count == 0)
        pk_err(b, n, "names must list at least one header name");
    return v;
}

typedef struct pk_pending_ref {
    int input, col;
    const yn_node *node;
} pk_pending_ref;

static void pk_inputs(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "inputs"))
        return;
    if (n->n == 0) {
        pk_err(b, n, "inputs must name at least one CSV table");
        return;
    }
    /* The run's summary has a fixed place per input (rf_summary): said here,
     * with the place, rather than by run alone after check said ok. */
    if (n->n / 2 > RF_MAX_INPUTS) {
        pk_err(b, n->items[2 * RF_MAX_INPUTS], "too many inputs: %zu (a pack may have at most %d)",
               n->n / 2, RF_MAX_INPUTS);
        return;
    }
    p->inputs = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *p->inputs);
    size_t nrefs = 0;
    for (size_t i = 0; i + 1 < n->n; i += 2)
        nrefs += yn_get(n->items[i + 1], "columns") ? yn_get(n->items[i + 1], "columns")->n : 0;
    pk_pending_ref *refs = ar_alloc(b->a, (nrefs + 1) * sizeof *refs);
    size_t nref = 0;
    const yn_node **keynodes = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *keynodes);
    const yn_node **pernodes = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *pernodes);
    const yn_node **resnodes = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *resnodes);

    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const yn_node *k = n->items[i], *v = n->items[i + 1];
        pk_check_ident(b, k, "input");
        if (!pk_is(b, v, YN_MAP, "an input"))
            continue;
        static const char *const keys[] = {"title",   "key",          "optional", "period",
                                           "columns", "every_entity", "results",  NULL};
        pk_keys(b, v, keys, "an input");
        int ii = p->ninputs++;
        pk_input *in = &p->inputs[ii];
        in->name = k->text;
        in->title = pk_textpair(b, yn_get(v, "title"), "input title");
        in->optional = pk_bool(b, yn_get(v, "optional"), false, "optional");
        in->every_entity = pk_bool(b, yn_get(v, "every_entity"), false, "every_entity");
        in->key = in->period = in->ref = in->results = in->results_level = -1;
        resnodes[ii] = pk_bool(b, yn_get(v, "results"), false, "results") ? v : NULL;
        keynodes[ii] = yn_get(v, "key");
        pernodes[ii] = yn_get(v, "period");
        const yn_node *cols = pk_need(b, v, "columns", "an input");
        if (!cols || !pk_is(b, cols, YN_MAP, "columns"))
            continue;
        /* Room for count columns that tallies add later. */
        in->cols = ar_alloc(b->a, (cols->n / 2 + 1) * sizeof *in->cols);
        for (size_t c = 0; c + 1 < cols->n; c += 2) {
            const yn_node *ck = cols->items[c], *cv = cols->items[c + 1];
            pk_check_ident(b, ck, "column");
            pk_column *col = &in->cols[in->ncols++];
            col->id = ck->text;
            col->ref = -1;
            col->tally = col->item = -1;
            col->line = ck->line;
            col->col = ck->col;
            col->type.kind = VL_TEXT;
            col->names = pk_names(b, NULL, &col->nnames, col->id);
            if (cv->kind == YN_SCALAR) { /* shorthand: `name: text` */
                pk_type(b, cv, &col->type);
                col->names = pk_names(b, NULL, &col->nnames, col->id);
            } else if (pk_is(b, cv, YN_MAP, "a column")) {
                static const char *const ckeys[] = {"type",  "names",   "required", "ref", "range",
                                                    "title", "invalid", "percent",  NULL};
                pk_keys(b, cv, ckeys, "a column");
                const yn_node *t = yn_get(cv, "type");
                if (t)
                    pk_type(b, t, &col->type);
                col->names = pk_names(b, yn_get(cv, "names"), &col->nnames, col->id);
                col->required = pk_bool(b, yn_get(cv, "required"), false, "required");
                const yn_node *inv = yn_get(cv, "invalid");
                if (inv && pk_scalar(b, inv, "invalid")) {
                    if (strcmp(inv->text, "missing") == 0)
                        col->keep_invalid = true;
                    else if (strcmp(inv->text, "reject") != 0)
                        pk_err(b, inv,
                               "invalid is 'reject' (the row) or 'missing' (the cell), "
                               "not '%s'",
                               inv->text);
                }
                const yn_node *pct = yn_get(cv, "percent");
                col->percent = pk_bool(b, pct, false, "percent");
                if (col->percent && col->type.kind != VL_INT && col->type.kind != VL_DEC)
                    pk_err(b, pct, "percent applies to integer and decimal columns only");
                const yn_node *ref = yn_get(cv, "ref");
                if (ref && pk_scalar(b, ref, "ref")) {
                    refs[nref].input = ii;
                    refs[nref].col = in->ncols - 1;
                    refs[nref].node = ref;
                    nref++;
                }
                const yn_node *range = yn_get(cv, "range");
                if (range) {
                    vl_type t1, t2;
                    if (range->kind != YN_SEQ || range->n != 2 ||
                        range->items[0]->kind != YN_SCALAR || range->items[1]->kind != YN_SCALAR) {
                        pk_err(b, range, "range must be a list of two numbers, [lo, hi]");
                    } else {
                        vl_value lo = pk_literal(range->items[0], &t1);
                        vl_value hi = pk_literal(range->items[1], &t2);
                        if ((lo.kind != VL_INT && lo.kind != VL_DEC) ||
                            (hi.kind != VL_INT && hi.kind != VL_DEC))
                            pk_err(b, range, "range must be a list of two numbers, [lo, hi]");
                        else {
                            col->has_range = true;
                            col->lo = lo.kind == VL_INT ? (double)lo.u.i : lo.u.d;
                            col->hi = hi.kind == VL_INT ? (double)hi.u.i : hi.u.d;
                        }
                        if (col->type.kind != VL_INT && col->type.kind != VL_DEC)
                            pk_err(b, range, "range applies to integer and decimal columns only");
                    }
                }
            }
            col->why_empty = ar_printf(b->a, "%s: %s is empty", col->id, col->names[0]);
        }
    }
    /* Keys, periods and references name other columns and inputs, so they
     * are resolved once every input is known. */
    for (int ii = 0; ii < p->ninputs; ii++) {
        pk_input *in = &p->inputs[ii];
        const yn_node *kn = keynodes[ii], *pn = pernodes[ii];
        if (kn && pk_scalar(b, kn, "key")) {
            in->key = pk_find_col(in, kn->text, kn->len);
            if (in->key < 0)
                pk_err(b, kn, "key '%s' is not a column of input '%s'", kn->text, in->name);
        }
        if (pn && pk_scalar(b, pn, "period")) {
            in->period = pk_find_col(in, pn->text, pn->len);
            if (in->period < 0)
                pk_err(b, pn, "period column '%s' is not a column of input '%s'", pn->text,
                       in->name);
            else if (in->cols[in->period].type.kind != VL_DATE)
                pk_err(b, pn, "period column '%s' must have type date", pn->text);
        }
    }
    for (size_t r = 0; r < nref; r++) {
        const yn_node *rn = refs[r].node;
        int target = pk_find_input(p, rn->text);
        if (target < 0) {
            dg_near nr = {rn->text, rn->len, NULL, (size_t)-1};
            for (int i = 0; i < p->ninputs; i++)
                dg_near_consider(&nr, p->inputs[i].name);
            pk_err(b, rn, "ref '%s' is not an input%s%s%s", rn->text,
                   nr.best ? " (did you mean '" : "", nr.best ? nr.best : "", nr.best ? "'?)" : "");
            continue;
        }
        if (p->inputs[target].key < 0) {
            pk_err(b, rn, "ref '%s': that input has no key", rn->text);
            continue;
        }
        pk_input *in = &p->inputs[refs[r].input];
        in->cols[refs[r].col].ref = target;
        if (in->ref >= 0)
            pk_err(b, rn, "input '%s' already refers to '%s' through another column", in->name,
                   p->inputs[in->cols[in->ref].ref].name);
        else
            in->ref = refs[r].col;
    }
    /* A previous period's results: rows are matched to this period's
     * entities by the key column the results carry, and the `pack` column
     * (id@version) tells results of another pack apart. */
    for (int ii = 0; ii < p->ninputs; ii++) {
        pk_input *in = &p->inputs[ii];
        if (!resnodes[ii])
            continue;
        in->results = pk_find_col(in, "pack", 4);
        if (in->results < 0)
            pk_err(b, resnodes[ii],
                   "input '%s' holds results (results: true), so it needs a column 'pack' "
                   "(the id@version every result row carries): add pack: {type: text}",
                   in->name);
        else
            in->cols[in->results].required = true;
        in->results_level = pk_find_col(in, "level", 5);
        if (in->ref < 0)
            pk_err(b, resnodes[ii],
                   "input '%s' holds results (results: true), so one of its columns must "
                   "refer to the entity input (ref:), as the key column of the results does",
                   in->name);
    }
}

/* entity: {from: members, key: branch}: one entity per distinct value of
 * a column; the input's rows are its related rows (dv.c builds it). */
static void pk_derived(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    const yn_node *in = yn_get(n, "input");
    if (in) {
        pk_err(b, in,
               "entity takes either 'input' (one result per row of an input) or 'from' and "
               "'key' (one result per distinct value of a column), not both");
        return;
    }
    const yn_node *from = pk_need(b, n, "from", "entity");
    const yn_node *key = pk_need(b, n, "key", "entity");
    if (!from || !key || !pk_scalar(b, from, "entity from") || !pk_scalar(b, key, "entity key"))
        return;
    int src = pk_find_input(p, from->text);
    if (src < 0) {
        dg_near nr = {from->text, from->len, NULL, (size_t)-1};
        for (int i = 0; i < p->ninputs; i++)
            dg_near_consider(&nr, p->inputs[i].name);
        pk_err(b, from, "entity from '%s' is not an input%s%s%s", from->text,
               nr.best ? " (did you mean '" : "", nr.best ? nr.best : "", nr.best ? "'?)" : "");
        return;
    }
    pk_input *s = &p->inputs[src];
    int col = pk_find_col(s, key->text, key->len);
    if (col < 0) {
        dg_near nr = {key->text, key->len, NULL, (size_t)-1};
        for (int c = 0; c < s->ncols; c++)
            dg_near_consider(&nr, s->cols[c].id);
        pk_err(b, key, "entity key '%s' is not a column of input '%s'%s%s%s", key->text, s->name,
               nr.best ? " (did you mean '" : "", nr.best ? nr.best : "", nr.best ? "'?)" : "");
        return;
    }
    if (s->cols[col].type.kind != VL_TEXT) {
        pk_err(b, key,
               "entity key '%s' must be a text column (it is %s): entities are told apart "
               "by the text of the cell",
               key->text, vl_type_name(s->cols[col].type));
        return;
    }
    if (s->optional) {
        pk_err(b, from, "input '%s' cannot be optional: the entities come from it", s->name);
        return;
    }
    if (s->ref >= 0) {
        pk_err(b, from,
               "input '%s' refers to '%s' through column '%s'; the rows an entity is "
               "derived from belong to it, so they can refer to nothing else",
               s->name, p->inputs[s->cols[s->ref].ref].name, s->cols[s->ref].id);
        return;
    }
    if (pk_find_input(p, s->cols[col].id) >= 0) {
        pk_err(b, key,
               "the entity derived from '%s' is named after its key '%s', which is already an "
               "input",
               s->name, key->text);
        return;
    }
    for (int i = 0; i < p->ninputs; i++)
        if (i != src && p->inputs[i].ref >= 0) {
            pk_err(b, from,
                   "input '%s' refers to '%s', but results are about each '%s' of '%s' (only "
                   "the input an entity is derived from relates to it)",
                   p->inputs[i].name, p->inputs[p->inputs[i].cols[p->inputs[i].ref].ref].name,
                   key->text, s->name);
            return;
        }
    if (p->ninputs >= RF_MAX_INPUTS) {
        /* The derived entity takes an input's place in the run. */
        pk_err(b, from,
               "a derived entity needs one input's place: a pack with one has at most %d "
               "inputs",
               RF_MAX_INPUTS - 1);
        return;
    }
    p->entity = dv_entity_input(p, b->a, src, col, p->entity_label);
}

static void pk_entity(pk_b *b, const yn_node *root)
{
    for (int i = 0; i < b->p->ninputs; i++)
        if (b->p->inputs[i].every_entity && b->p->inputs[i].ref < 0)
            pk_err(b, root, "input '%s' has every_entity but no column with ref",
                   b->p->inputs[i].name);
    rf_pack *p = b->p;
    p->entity = -1;
    const yn_node *n = pk_need(b, root, "entity", "the rule file");
    if (!n || !pk_is(b, n, YN_MAP, "entity"))
        return;
    static const char *const keys[] = {"input", "label", "from", "key", NULL};
    pk_keys(b, n, keys, "entity");
    p->entity_label = pk_textpair(b, yn_get(n, "label"), "entity label");
    if (yn_get(n, "from") || yn_get(n, "key")) {
        pk_derived(b, n);
        return;
    }
    const yn_node *in = pk_need(b, n, "input", "entity");
    if (!in || !pk_scalar(b, in, "entity input"))
        return;
    p->entity = pk_find_input(p, in->text);
    if (p->entity < 0) {
        pk_err(b, in, "entity input '%s' is not one of the inputs", in->text);
        return;
    }
    const pk_input *ent = &p->inputs[p->entity];
    if (ent->key < 0)
        pk_err(b, in, "entity input '%s' needs a key column", in->text);
    if (ent->optional)
        pk_err(b, in, "entity input '%s' cannot be optional", in->text);
    for (int i = 0; i < p->ninputs; i++) {
        const pk_input *o = &p->inputs[i];
        if (i != p->entity && o->ref >= 0 && o->cols[o->ref].ref != p->entity)
            pk_err(b, in, "input '%s' refers to '%s', but results are about '%s'", o->name,
                   p->inputs[o->cols[o->ref].ref].name, ent->name);
    }
}

static void pk_catalogues(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "catalogues"))
        return;
    p->cats = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *p->cats);
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const yn_node *k = n->items[i], *v = n->items[i + 1];
        pk_check_ident(b, k, "catalogue");
        if (!pk_is(b, v, YN_MAP, "a catalogue"))
            continue;
        static const char *const keys[] = {"fields", "items", "title", NULL};
        pk_keys(b, v, keys, "a catalogue");
        pk_catalogue *cat = &p->cats[p->ncats++];
        cat->name = k->text;
        const yn_node *fields = yn_get(v, "fields");
        size_t nf = fields && fields->kind == YN_MAP ? fields->n / 2 : 0;
        cat->field_names = ar_alloc(b->a, (nf + 1) * sizeof *cat->field_names);
        cat->field_types = ar_alloc(b->a, (nf + 1) * sizeof *cat->field_types);
        if (fields && pk_is(b, fields, YN_MAP, "fields"))
            for (size_t f = 0; f < nf; f++) {
                const yn_node *fk = fields->items[2 * f];
                pk_check_ident(b, fk, "field");
                if (strcmp(fk->text, "code") == 0 || strcmp(fk->text, "name") == 0 ||
                    strcmp(fk->text, "n") == 0)
                    pk_err(b, fk, "field name '%s' is reserved", fk->text);
                cat->field_names[cat->nfields] = fk->text;
                pk_type(b, fields->items[2 * f + 1], &cat->field_types[cat->nfields]);
                if (cat->field_types[cat->nfields].kind == VL_TEXT ||
                    cat->field_types[cat->nfields].kind == VL_DATE)
                    pk_err(b, fields->items[2 * f + 1],
                           "catalogue fields are integer, decimal, boolean or an enum");
                cat->nfields++;
            }
        const yn_node *items = pk_need(b, v, "items", "a catalogue");
        if (!items || !pk_is(b, items, YN_SEQ, "items"))
            continue;
        cat->items = ar_alloc(b->a, (items->n + 1) * sizeof *cat->items);
        for (size_t j = 0; j < items->n; j++) {
            const yn_node *it = items->items[j];
            if (!pk_is(b, it, YN_MAP, "an item"))
                continue;
            pk_item *item = &cat->items[cat->nitems++];
            item->line = it->line;
            item->col = it->col;
            item->fields = ar_alloc(b->a, ((size_t)cat->nfields + 1) * sizeof *item->fields);
            for (int f = 0; f < cat->nfields; f++)
                item->fields[f] = cat->field_types[f].kind == VL_BOOL  ? vl_bool(false)
                                  : cat->field_types[f].kind == VL_DEC ? vl_dec(0)
                                  : cat->field_types[f].kind == VL_ENUM
                                      ? vl_enumv(cat->field_types[f].en, 0)
                                      : vl_int(0);
            item->code = "";
            for (size_t q = 0; q + 1 < it->n; q += 2) {
                const yn_node *ik = it->items[q], *iv = it->items[q + 1];
                if (strcmp(ik->text, "code") == 0) {
                    if (pk_scalar(b, iv, "an item code"))
                        item->code = iv->text;
                    /* Codes key events across every catalogue of the pack. */
                    for (int c2 = 0; c2 < p->ncats; c2++)
                        for (int j2 = 0; j2 < p->cats[c2].nitems; j2++) {
                            const pk_item *o = &p->cats[c2].items[j2];
                            if (o != item && strcmp(o->code, item->code) == 0)
                                pk_err(b, iv,
                                       "item code '%s' is used twice (also in catalogue '%s')",
                                       item->code, p->cats[c2].name);
                        }
                    continue;
                }
                if (strcmp(ik->text, "name") == 0) {
                    item->name = pk_textpair(b, iv, "an item name");
                    continue;
                }
                int f = 0;
                while (f < cat->nfields && strcmp(cat->field_names[f], ik->text) != 0)
                    f++;
                if (f == cat->nfields) {
                    dg_near nr = {ik->text, ik->len, NULL, (size_t)-1};
                    for (int g = 0; g < cat->nfields; g++)
                        dg_near_consider(&nr, cat->field_names[g]);
                    dg_near_consider(&nr, "code");
                    dg_near_consider(&nr, "name");
                    pk_err(b, ik, "unknown field '%s' in an item of '%s'%s%s%s", ik->text,
                           cat->name, nr.best ? " (did you mean '" : "", nr.best ? nr.best : "",
                           nr.best ? "'?)" : "");
                    continue;
                }
                if (!pk_scalar(b, iv, "an item field"))
                    continue;
                char err[256];
                vl_value val;
                if (!vl_parse(cat->field_types[f], iv->text, iv->len, &val, err, sizeof err) ||
                    val.kind == VL_MISSING)
                    pk_err(b, iv, "field '%s' of item '%s': %s", ik->text, item->code,
                           val.kind == VL_MISSING ? "empty" : err);
                else
                    item->fields[f] = val;
            }
            if (!item->code[0])
                pk_err(b, it, "an item of catalogue '%s' has no code", cat->name);
            if (!item->name.zh)
                item->name.zh = item->name.en = "";
        }
    }
}

static int pk_find_cat(const rf_pack *p, const char *name)
{
    for (int i = 0; i < p->ncats; i++)
        if (strcmp(p->cats[i].name, name) == 0)
            return i;
    return -1;
}

/* Expand a column-name pattern for one item: {code}, {zh}, {en}. */
static const char *pk_pattern(pk_b *b, const char *pat, const pk_item *it)
{
    char buf[512];
    size_t o = 0;
    for (const char *s = pat; *s && o < sizeof buf - 1;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(s, "{code}", 6) == 0)
            rep = it->code, skip = 6;
        else if (strncmp(s, "{zh}", 4) == 0)
            rep = it->name.zh, skip = 4;
        else if (strncmp(s, "{en}", 4) == 0)
            rep = it->name.en, skip = 4;
        if (rep) {
            size_t l = strlen(rep);
            if (l > sizeof buf - 1 - o)
                l = sizeof buf - 1 - o;
            memcpy(buf + o, rep, l);
            o += l;
            s += skip;
        } else {
            buf[o++] = *s++;
        }
    }
    return ar_strndup(b->a, buf, o);
}

/* One tally: errors are counted by pk_tallies, which notes a tally in error. */
static void pk_tally_one(pk_b *b, const yn_node *k, const yn_node *v)
{
    rf_pack *p = b->p;
    pk_check_ident(b, k, "tally");
    if (!pk_is(b, v, YN_MAP, "a tally"))
        return;
    static const char *const keys[] = {"catalogue", "weight",       "sign",  "cap",
                                       "from_rows", "from_columns", "label", NULL};
    pk_keys(b, v, keys, "a tally");
    const yn_node *cn = pk_need(b, v, "catalogue", "a tally");
    if (!cn || !pk_scalar(b, cn, "catalogue"))
        return;
    int ci = pk_find_cat(p, cn->text);
    if (ci < 0) {
        pk_err(b, cn, "catalogue '%s' is not defined", cn->text);
        return;
    }
    int ti = p->ntallies++;
    pk_tally *t = &p->tallies[ti];
    const pk_catalogue *cat = &p->cats[ci];
    t->name = k->text;
    if (yn_get(v, "label"))
        t->label = pk_textpair(b, yn_get(v, "label"), "tally label");
    t->catalogue = ci;
    t->weight = -1;
    t->rows_input = t->rows_code = t->cols_input = -1;
    t->relation = -1;
    t->first = p->nitems_total;
    p->nitems_total += cat->nitems;
    t->type.kind = VL_INT;
    const yn_node *w = yn_get(v, "weight");
    if (w && pk_scalar(b, w, "weight")) {
        for (int f = 0; f < cat->nfields; f++)
            if (strcmp(cat->field_names[f], w->text) == 0)
                t->weight = f;
        if (t->weight < 0)
            pk_err(b, w, "weight '%s' is not a field of catalogue '%s'", w->text, cat->name);
        else if (cat->field_types[t->weight].kind != VL_INT &&
                 cat->field_types[t->weight].kind != VL_DEC)
            pk_err(b, w, "weight '%s' must be a numeric field", w->text);
        else
            t->type = cat->field_types[t->weight];
    }
    const yn_node *sg = yn_get(v, "sign");
    t->sign = sg && pk_scalar(b, sg, "sign") ? sg->text : "";
    const yn_node *cap = yn_get(v, "cap");
    t->cap_const = -1;
    if (cap && pk_scalar(b, cap, "cap")) {
        vl_type ct;
        vl_value cv = pk_literal(cap, &ct);
        t->cap_text = cap->text;
        t->cap_line = cap->line;
        t->cap_col = cap->col;
        if (cv.kind == VL_TEXT)
            for (int c = 0; c < p->nconsts; c++)
                if (strcmp(p->consts[c].name, cap->text) == 0) {
                    cv = p->consts[c].value;
                    t->cap_const = c;
                }
        if (cv.kind != VL_INT && cv.kind != VL_DEC)
            pk_err(b, cap, "cap '%s' must be a number or a numeric constant", cap->text);
        else {
            t->has_cap = true;
            t->cap = cv;
            if (cv.kind == VL_DEC)
                t->type.kind = VL_DEC;
        }
    }
    const yn_node *fr = yn_get(v, "from_rows");
    if (fr && pk_is(b, fr, YN_MAP, "from_rows")) {
        static const char *const fk[] = {"input", "code", NULL};
        pk_keys(b, fr, fk, "from_rows");
        const yn_node *in = pk_need(b, fr, "input", "from_rows");
        const yn_node *code = pk_need(b, fr, "code", "from_rows");
        if (in && code && pk_scalar(b, in, "input") && pk_scalar(b, code, "code")) {
            int ii = pk_find_input(p, in->text);
            if (ii < 0)
                pk_err(b, in, "input '%s' is not defined", in->text);
            else if (ii == p->entity || p->inputs[ii].ref < 0)
                pk_err(b, in, "from_rows needs an input whose rows refer to the entity");
            else {
                int c = pk_find_col(&p->inputs[ii], code->text, code->len);
                if (c < 0)
                    pk_err(b, code, "'%s' is not a column of input '%s'", code->text, in->text);
                else {
                    t->rows_input = ii;
                    t->rows_code = c;
                    pk_input *pin = &p->inputs[ii];
                    pin->feed_tally[pin->nfeeds] = ti;
                    pin->feed_col[pin->nfeeds] = c;
                    pin->nfeeds++;
                }
            }
        }
    }
    const yn_node *fc = yn_get(v, "from_columns");
    if (fc && pk_is(b, fc, YN_MAP, "from_columns")) {
        static const char *const fk[] = {"input", "names", NULL};
        pk_keys(b, fc, fk, "from_columns");
        const yn_node *in = pk_need(b, fc, "input", "from_columns");
        const yn_node *names = pk_need(b, fc, "names", "from_columns");
        int npat = 0;
        const char **pats = names ? pk_names(b, names, &npat, NULL) : NULL;
        if (in && pk_scalar(b, in, "input") && pats && npat > 0) {
            int ii = pk_find_input(p, in->text);
            if (ii >= 0 && p->inputs[ii].derived)
                pk_err(b, in,
                       "'%s' is derived from the rows of '%s' and has no columns of its "
                       "own: count its items with from_rows",
                       in->text, p->inputs[p->inputs[ii].from].name);
            else if (ii != p->entity)
                pk_err(b, in, "from_columns reads count columns of the entity input");
            else {
                pk_input *ent = &p->inputs[ii];
                t->cols_input = ii;
                t->item_col = ar_alloc(b->a, ((size_t)cat->nitems + 1) * sizeof(int));
                pk_column *cols =
                    ar_alloc(b->a, ((size_t)ent->ncols + (size_t)cat->nitems + 1) * sizeof *cols);
                memcpy(cols, ent->cols, (size_t)ent->ncols * sizeof *cols);
                ent->cols = cols;
                for (int j = 0; j < cat->nitems; j++) {
                    const pk_item *it = &cat->items[j];
                    pk_column *col = &ent->cols[ent->ncols];
                    t->item_col[j] = ent->ncols++;
                    col->id = ar_printf(b->a, "%s.%s", t->name, it->code);
                    const char **nm = ar_alloc(b->a, ((size_t)npat + 1) * sizeof *nm);
                    for (int q = 0; q < npat; q++)
                        nm[q] = pk_pattern(b, pats[q], it);
                    col->names = nm;
                    col->nnames = npat;
                    col->type.kind = VL_INT;
                    col->ref = -1;
                    col->tally = ti;
                    col->item = j;
                    col->has_range = true;
                    col->lo = 0;
                    col->hi = 1e9;
                    col->why_empty = "";
                    col->line = fc->line;
                    col->col = fc->col;
                }
            }
        }
    }
    if (t->rows_input < 0 && t->cols_input < 0)
        pk_err(b, v, "tally '%s' needs from_rows or from_columns (or both)", t->name);
}

static void pk_tallies(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "tallies"))
        return;
    p->tallies = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *p->tallies);
    for (int i = 0; i < p->ninputs; i++) {
        p->inputs[i].feed_tally = ar_alloc(b->a, (n->n / 2 + 1) * sizeof(int));
        p->inputs[i].feed_col = ar_alloc(b->a, (n->n / 2 + 1) * sizeof(int));
    }
    b->broken = ar_alloc(b->a, (n->n / 2 + 1) * sizeof *b->broken);
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        int before = b->errors;
        pk_tally_one(b, n->items[i], n->items[i + 1]);
        if (b->errors > before)
            b->broken[b->nbroken++] = n->items[i]->text;
    }
}

/* "measure 'a' depends on itself: a -> b -> c -> a", naming at most a
 * few of a long cycle's members. */
static void pk_cycle(pk_b *b, const int *members, size_t n)
{
    const rf_pack *p = b->p;
    const char *first = p->measures[members[0]].name;
    if (n == 1) {
        pk_err(b, b->mnode[members[0]], "measure '%s' depends on itself", first);
        return;
    }
    char list[600];
    size_t o = 0;
    list[0] = 0;
    for (size_t i = 0; i <= n && o < sizeof list; i++) {
        size_t k = i == n ? 0 : i;
        if (n > 8 && i == 5) {
            o += (size_t)snprintf(list + o, sizeof list - o, " -> ... (%zu more)", n - 7);
            i = n - 3;
            continue;
        }
        if (o < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? " -> " : "",
                                  p->measures[members[k]].name);
    }
    pk_err(b, b->mnode[members[0]], "measure '%s' depends on itself, through %zu measures: %s",
           first, n, list);
}

/* The index of the rank measure a group_size or percentile measure names,
 * or -1. */
static int pk_rank_of(const pk_b *b, int m)
{
    const rf_pack *p = b->p;
    const pk_measure *ms = &p->measures[m];
    const yn_node *r =
        yn_get(b->mnode[m], ms->kind == PK_M_GROUP_SIZE ? "group_size" : "percentile");
    if (!r || r->kind != YN_SCALAR)
        return -1;
    for (int q = 0; q < p->nmeasures; q++)
        if (strcmp(p->measures[q].name, r->text) == 0)
            return p->measures[q].kind == PK_M_RANK ? q : -1;
    return -1;
}

/* One attempt at measure m: its expression; for a ranking the value ranked
 * (*e) and the group (*e2); for a group size or percentile the rank measure
 * it reads, which must be compiled first. */
static void pk_attempt(pk_b *b, int m, const ex_expr **e, const ex_expr **e2)
{
    pk_measure *ms = &b->p->measures[m];
    const yn_node *v = b->mnode[m];
    vl_type any = {VL_MISSING, NULL};
    if (ms->kind == PK_M_EXPR) {
        *e = pk_compile(b, v, -1, any);
    } else if (ms->kind == PK_M_RANK) {
        const yn_node *wn = yn_get(v, "within");
        *e2 = wn ? pk_compile(b, wn, -1, any) : NULL;
        *e = pk_compile(b, yn_get(v, "rank"), -1, any);
    } else {
        int of = pk_rank_of(b, m);
        if (of >= 0 && b->mstate[of] != PK_M_DONE)
            pk_need_measure(b, of);
    }
}

/* A ranking (rank: VALUE, order:, within:): the value must have an order,
 * the group may be anything but a decimal. */
static void pk_rank_stands(pk_b *b, pk_measure *ms, const yn_node *v, const ex_expr *by,
                           const ex_expr *within)
{
    const yn_node *o = yn_get(v, "order");
    if (o && pk_scalar(b, o, "order")) {
        if (strcmp(o->text, "descending") == 0)
            ms->descending = true;
        else if (strcmp(o->text, "ascending") != 0)
            pk_err(b, o,
                   "order '%s' is not known: write ascending (the lowest value ranks 1) or "
                   "descending (the highest ranks 1)",
                   o->text);
    }
    const yn_node *wn = yn_get(v, "within"), *bn = yn_get(v, "rank");
    if (within && ex_type(within).kind == VL_DEC) {
        pk_err(b, wn, "'within' groups entities by a value, and '%s' is a decimal", wn->text);
        within = NULL;
    }
    if (by) {
        vl_kind k = ex_type(by).kind;
        if (k != VL_INT && k != VL_DEC && k != VL_DATE && k != VL_ENUM) {
            pk_err(b, bn, "'rank' needs a number, a date or an enumeration, found %s in '%s'",
                   vl_type_name(ex_type(by)), bn->text);
            by = NULL;
        }
    }
    if (!by || (wn && !within))
        return;
    ms->by = by;
    ms->within = within;
    ms->type.kind = VL_INT;
    ms->text = ar_printf(b->a, "rank of %s, %s%s%s", ex_text(by),
                         ms->descending ? "highest first" : "lowest first",
                         within ? ", within " : "", within ? ex_text(within) : "");
}

/* The attempt at measure m stood: keep what it compiled. */
static void pk_stands(pk_b *b, int m, const ex_expr *e, const ex_expr *e2)
{
    rf_pack *p = b->p;
    pk_measure *ms = &p->measures[m];
    if (ms->kind == PK_M_EXPR) {
        ms->expr = e;
        if (e)
            ms->type = ex_type(e);
        return;
    }
    if (ms->kind == PK_M_RANK) {
        pk_rank_stands(b, ms, b->mnode[m], e, e2);
        return;
    }
    const char *key = ms->kind == PK_M_GROUP_SIZE ? "group_size" : "percentile";
    const yn_node *r = yn_get(b->mnode[m], key);
    if (!pk_scalar(b, r, key))
        return;
    int of = pk_rank_of(b, m);
    if (of < 0) {
        dg_near nr = {r->text, r->len, NULL, (size_t)-1};
        for (int q = 0; q < p->nmeasures; q++)
            if (p->measures[q].kind == PK_M_RANK)
                dg_near_consider(&nr, p->measures[q].name);
        pk_err(b, r, "'%s' needs a rank measure (one with 'rank:'), and '%s' is not one%s%s%s", key,
               r->text, nr.best ? " (did you mean '" : "", nr.best ? nr.best : "",
               nr.best ? "'?)" : "");
        return;
    }
    b->mused[of] = true;
    if (!pk_measure_ok(&p->measures[of]))
        return; /* its own error is reported */
    ms->of = of;
    ms->type.kind = ms->kind == PK_M_GROUP_SIZE ? VL_INT : VL_DEC;
    ms->text = ar_printf(b->a, "%s of %s", ms->kind == PK_M_GROUP_SIZE ? "group size" : key,
                         p->measures[of].name);
}

/* Compile every measure after the measures it reads, without recursion: a
 * pack may chain thousands of measures, and a compile that recursed into
 * the measure it reads overflowed the stack. A depth-first walk on an
 * explicit stack tries a measure; if it read measures not compiled yet,
 * the attempt is thrown away, they are pushed, and it is tried again when
 * they are done. Open entries are the walk's path, so a measure read while
 * open closes a cycle made of the open entries from it up. The order in
 * which measures are done is the order they are evaluated in. */
static void pk_compile_measures(pk_b *b)
{
    rf_pack *p = b->p;
    typedef struct {
        int m;
        bool open;
    } pk_walk;
    pk_walk *st = NULL;
    size_t nst = 0, cap = 0;
    int norder = 0;
    b->cycle = -1;
    /* Each measure joins the order once: here if it has no expression (an
     * error already), in a cycle, or when its compile stands. The order is
     * only used once every measure compiled. */
    for (int m = 0; m < p->nmeasures; m++)
        if (b->mstate[m] == PK_M_DONE)
            p->order[norder++] = m;
    for (int root = 0; root < p->nmeasures; root++) {
        if (b->mstate[root] != PK_M_NEW)
            continue;
        cap = cap ? cap : 16;
        st = st ? st : ar_xmalloc(cap * sizeof *st);
        st[nst++] = (pk_walk){root, false};
        while (nst) {
            pk_walk *w = &st[nst - 1];
            int m = w->m;
            if (!w->open) {
                if (b->mstate[m] != PK_M_NEW) { /* done while it waited */
                    nst--;
                    continue;
                }
                b->mstate[m] = PK_M_OPEN;
                w->open = true;
            }
            b->attempt = true;
            b->nneeds = 0;
            b->cycle = -1;
            const ex_expr *e = NULL, *e2 = NULL;
            int naggs = ex_agg_count(p->ex);
            pk_attempt(b, m, &e, &e2);
            b->attempt = false;
            if (b->cycle >= 0 || b->nneeds)
                ex_agg_forget(p->ex, naggs); /* thrown away: so are its aggregates */
            if (b->cycle >= 0) {
                pk_release(b, false);
                size_t i = nst;
                while (i-- > 0 && !(st[i].open && st[i].m == b->cycle))
                    ;
                int *members = ar_xmalloc((nst - i) * sizeof *members);
                size_t nm = 0;
                for (size_t j = i; j < nst; j++)
                    if (st[j].open) {
                        members[nm++] = st[j].m;
                        p->order[norder++] = st[j].m;
                        b->mstate[st[j].m] = PK_M_DONE; /* broken: no expression */
                        b->mused[st[j].m] = true;
                    }
                pk_cycle(b, members, nm);
                free(members);
                nst = i;
                b->cycle = -1;
            } else if (b->nneeds) {
                pk_release(b, false);
                if (nst + b->nneeds > cap) {
                    while (nst + b->nneeds > cap)
                        cap *= 2;
                    st = ar_xrealloc(st, cap * sizeof *st);
                }
                /* Reversed, so they are done in the order they are read. */
                for (size_t k = b->nneeds; k-- > 0;)
                    st[nst++] = (pk_walk){b->needs[k], false};
            } else {
                pk_release(b, true);
                pk_stands(b, m, e, e2);
                b->mstate[m] = PK_M_DONE;
                p->order[norder++] = m;
                nst--;
            }
        }
    }
    free(st);
    free(b->needs);
    free(b->held);
    b->needs = NULL;
    b->held = NULL;
    b->nneeds = b->capneeds = b->nheld = b->capheld = 0;
}

/* A measure's map says what kind it is by the one key among expr, rank,
 * group_size and percentile it has. Returns the node to compile (the
 * expression, or the map for the ranking kinds), or NULL after an error. */
static const yn_node *pk_measure_kind(pk_b *b, pk_measure *ms, const yn_node *v)
{
    static const char *const kinds[] = {"expr", "rank", "group_size", "percentile"};
    int found = -1, nfound = 0;
    for (int i = 0; i < 4; i++)
        if (yn_get(v, kinds[i])) {
            found = found < 0 ? i : found;
            nfound++;
        }
    if (nfound != 1) {
        pk_err(b, v,
               "measure '%s' needs exactly one of expr, rank, group_size or percentile (it has "
               "%d)",
               ms->name, nfound);
        return NULL;
    }
    if (found != 1 && (yn_get(v, "order") || yn_get(v, "within")))
        pk_err(b, v, "'order' and 'within' belong to a measure with 'rank:' (measure '%s')",
               ms->name);
    if (found == 0)
        return yn_get(v, "expr");
    ms->kind = found == 1 ? PK_M_RANK : found == 2 ? PK_M_GROUP_SIZE : PK_M_PERCENTILE;
    return v;
}

static void pk_measures(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_MAP, "measures"))
        return;
    size_t cnt = n->n / 2;
    p->measures = ar_alloc(b->a, (cnt + 1) * sizeof *p->measures);
    p->order = ar_alloc(b->a, (cnt + 1) * sizeof *p->order);
    b->mstate = ar_alloc(b->a, (cnt + 1) * sizeof *b->mstate);
    b->mnode = ar_alloc(b->a, (cnt + 1) * sizeof *b->mnode);
    b->mused = ar_alloc(b->a, (cnt + 1) * sizeof *b->mused);
    const pk_input *ent = p->entity >= 0 ? &p->inputs[p->entity] : NULL;
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const yn_node *k = n->items[i], *v = n->items[i + 1];
        pk_check_ident(b, k, "measure");
        int m = p->nmeasures++;
        pk_measure *ms = &p->measures[m];
        ms->name = k->text;
        ms->line = k->line;
        ms->col = k->col;
        ms->label.zh = ms->label.en = k->text;
        ms->of = -1;
        if (v->kind == YN_MAP) {
            static const char *const keys[] = {"expr",   "label",      "rank",       "order",
                                               "within", "group_size", "percentile", NULL};
            pk_keys(b, v, keys, "a measure");
            if (yn_get(v, "label"))
                ms->label = pk_textpair(b, yn_get(v, "label"), "measure label");
            v = pk_measure_kind(b, ms, v);
        }
        b->mnode[m] = v ? v : k;
        if (!v)
            b->mstate[m] = PK_M_DONE;
        /* One name, one meaning: a measure may not hide a column or a
         * constant, or an author reading a condition cannot tell which. */
        if (ent && pk_find_col_b(b, ent, k->text, k->len) >= 0)
            pk_err(b, k,
                   "measure '%s' has the name of a column of input '%s'; "
                   "use the column directly or rename the measure",
                   k->text, ent->name);
        if (pk_index_find(&b->cix, k->text, k->len) >= 0)
            pk_err(b, k, "measure '%s' has the name of a constant", k->text);
        if (pk_index_find(&b->tix, k->text, k->len) >= 0)
            pk_err(b, k, "measure '%s' has the name of a tally", k->text);
    }
    pk_index_build(b, &b->mix, p->measures, sizeof *p->measures, p->nmeasures);
    pk_compile_measures(b);
}

/* A colour for the reports (color: "#C00000"): six hex digits, as HTML and
 * spreadsheets take them; NULL when not given. */
static const char *pk_color(pk_b *b, const yn_node *n)
{
    if (!n || !pk_scalar(b, n, "color"))
        return NULL;
    const char *s = n->text;
    bool ok = n->len == 7 && s[0] == '#';
    for (size_t i = 1; ok && i < 7; i++)
        ok = (s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f');
    if (!ok) {
        pk_err(b, n,
               "color '%s' is not a colour written \"#RRGGBB\" (six hex digits, such as "
               "\"#C00000\")",
               s);
        return NULL;
    }
    return s;
}

/* One level or flag (`what` says which): id, label and conditions. */
static void pk_level_one(pk_b *b, const yn_node *lv, pk_level *L, const char *what)
{
    rf_pack *p = b->p;
    vl_type want = {VL_BOOL, NULL};
    char where[32];
    snprintf(where, sizeof where, "a %s", what);
    static const char *const keys[] = {"id", "label", "color", "description", "any", "all", NULL};
    pk_keys(b, lv, keys, where);
    if (yn_get(lv, "description"))
        L->meaning = pk_textpair(b, yn_get(lv, "description"), "description");
    L->color = pk_color(b, yn_get(lv, "color"));
    L->line = lv->line;
    L->col = lv->col;
    const yn_node *id = pk_need(b, lv, "id", where);
    L->id = id && pk_scalar(b, id, "id") ? id->text : "?";
    if (id && strcmp(L->id, p->none_id) == 0)
        pk_err(b, id, "%s id '%s' is the id of no level", what, L->id);
    L->label = pk_textpair(b, yn_get(lv, "label"), "label");
    if (!yn_get(lv, "label"))
        L->label.zh = L->label.en = L->id;
    const yn_node *any = yn_get(lv, "any"), *all = yn_get(lv, "all");
    if (any && all) {
        pk_err(b, all, "a %s has either 'any' or 'all', not both", what);
        return;
    }
    const yn_node *conds = any ? any : all;
    L->all = all != NULL;
    if (!conds) {
        pk_err(b, lv, "%s '%s' needs conditions under 'any' or 'all'", what, L->id);
        return;
    }
    if (conds->kind == YN_SCALAR) {
        L->conds = ar_alloc(b->a, sizeof *L->conds);
        L->conds[0].expr = pk_compile(b, conds, -1, want);
        L->conds[0].line = conds->line;
        L->conds[0].col = conds->col;
        L->nconds = 1;
        p->nconds_total++;
        return;
    }
    if (!pk_is(b, conds, YN_SEQ, "conditions"))
        return;
    L->conds = ar_alloc(b->a, (conds->n + 1) * sizeof *L->conds);
    for (size_t c = 0; c < conds->n; c++) {
        const yn_node *cn = conds->items[c];
        pk_cond *C = &L->conds[L->nconds++];
        C->line = cn->line;
        C->col = cn->col;
        if (cn->kind == YN_MAP) {
            static const char *const ck[] = {"when", "reason", NULL};
            pk_keys(b, cn, ck, "a condition");
            const yn_node *r = yn_get(cn, "reason");
            if (r && pk_scalar(b, r, "reason"))
                C->reason = r->text;
            cn = pk_need(b, cn, "when", "a condition");
            if (!cn)
                continue;
        }
        C->expr = pk_compile(b, cn, -1, want);
    }
    if (L->nconds == 0)
        pk_err(b, conds, "%s '%s' has no conditions", what, L->id);
    p->nconds_total += L->nconds;
}

static void pk_levels(pk_b *b, const yn_node *root)
{
    rf_pack *p = b->p;
    const yn_node *n = yn_get(root, "levels");
    p->none_id = "none";
    p->none.zh = "无";
    p->none.en = "none";
    const yn_node *none = yn_get(root, "no_level");
    if (none && pk_is(b, none, YN_MAP, "no_level")) {
        static const char *const keys[] = {"id", "label", "color", NULL};
        pk_keys(b, none, keys, "no_level");
        p->none_color = pk_color(b, yn_get(none, "color"));
        const yn_node *id = yn_get(none, "id");
        if (id && pk_scalar(b, id, "id"))
            p->none_id = id->text;
        if (yn_get(none, "label"))
            p->none = pk_textpair(b, yn_get(none, "label"), "label");
    }
    if (!n)
        return;
    if (!pk_is(b, n, YN_SEQ, "levels (a list, most severe first)"))
        return;
    if (n->n > RF_MAX_LEVELS) { /* as for inputs: the summary has a place per level */
        pk_err(b, n->items[RF_MAX_LEVELS], "too many levels: %zu (a pack may have at most %d)",
               n->n, RF_MAX_LEVELS);
        return;
    }
    p->levels = ar_alloc(b->a, (n->n + 1) * sizeof *p->levels);
    for (size_t i = 0; i < n->n; i++) {
        const yn_node *lv = n->items[i];
        if (!pk_is(b, lv, YN_MAP, "a level"))
            continue;
        pk_level *L = &p->levels[p->nlevels++];
        pk_level_one(b, lv, L, "level");
        for (int j = 0; j + 1 < p->nlevels; j++)
            if (strcmp(p->levels[j].id, L->id) == 0)
                pk_err(b, yn_get(lv, "id"), "level id '%s' is used twice", L->id);
    }
}

/* Result columns the engine itself writes: a flag may not take their name. */
static const char *const pk_fixed_columns[] = {"level",  "level_label", "reasons",
                                               "detail", "pack",        NULL};

/* Independent flags: each true or false on its own, beside the one level. */
static void pk_flags(pk_b *b, const yn_node *n)
{
    rf_pack *p = b->p;
    if (!n || !pk_is(b, n, YN_SEQ, "flags (a list)"))
        return;
    if (n->n > RF_MAX_FLAGS) { /* as for levels: the summary has a place per flag */
        pk_err(b, n->items[RF_MAX_FLAGS], "too many flags: %zu (a pack may have at most %d)", n->n,
               RF_MAX_FLAGS);
        return;
    }
    p->flags = ar_alloc(b->a, (n->n + 1) * sizeof *p->flags);
    const pk_input *ent = &p->inputs[p->entity];
    for (size_t i = 0; i < n->n; i++) {
        const yn_node *fl = n->items[i];
        if (!pk_is(b, fl, YN_MAP, "a flag"))
            continue;
        pk_level *F = &p->flags[p->nflags++];
        pk_level_one(b, fl, F, "flag");
        const yn_node *id = yn_get(fl, "id");
        if (!id)
            continue;
        /* The flag's id is its output column and the prefix of its reasons:
         * it must name nothing else. */
        const char *clash = NULL;
        for (int j = 0; j + 1 < p->nflags && !clash; j++)
            if (strcmp(p->flags[j].id, F->id) == 0)
                clash = "another flag";
        for (int l = 0; l < p->nlevels && !clash; l++)
            if (strcmp(p->levels[l].id, F->id) == 0)
                clash = "a level";
        for (const char *const *f = pk_fixed_columns; *f && !clash; f++)
            if (strcmp(*f, F->id) == 0)
                clash = "a column every result has";
        for (int m = 0; m < p->nmeasures && !clash; m++)
            if (strcmp(p->measures[m].name, F->id) == 0)
                clash = "a measure";
        for (int t = 0; t < p->ntallies && !clash; t++)
            if (strcmp(p->tallies[t].name, F->id) == 0)
                clash = "a tally";
        if (!clash && pk_find_col_b(b, ent, F->id, strlen(F->id)) >= 0)
            clash = "a column of the entity input";
        if (clash)
            pk_err(b, id, "flag id '%s' is also the name of %s", F->id, clash);
    }
}

static void pk_output(pk_b *b, const yn_node *root)
{
    rf_pack *p = b->p;
    const yn_node *n = yn_get(root, "output");
    const pk_input *ent = p->entity >= 0 ? &p->inputs[p->entity] : NULL;
    if (!ent)
        return;
    const yn_node *cols = NULL;
    if (n && pk_is(b, n, YN_MAP, "output")) {
        static const char *const keys[] = {"columns", NULL};
        pk_keys(b, n, keys, "output");
        cols = yn_get(n, "columns");
    }
    if (!cols || !pk_is(b, cols, YN_SEQ, "output columns")) {
        /* Without a list, results carry the key and every measure. */
        p->outs = ar_alloc(b->a, ((size_t)p->nmeasures + 2) * sizeof *p->outs);
        p->outs[p->nouts++] = (pk_out){PK_OUT_COLUMN, ent->key, ent->cols[ent->key].id};
        for (int m = 0; m < p->nmeasures; m++)
            p->outs[p->nouts++] = (pk_out){PK_OUT_MEASURE, m, p->measures[m].name};
        return;
    }
    p->outs = ar_alloc(b->a, (cols->n + 1) * sizeof *p->outs);
    for (size_t i = 0; i < cols->n; i++) {
        const yn_node *c = cols->items[i];
        if (!pk_scalar(b, c, "an output column"))
            continue;
        int m = 0;
        while (m < p->nmeasures && strcmp(p->measures[m].name, c->text) != 0)
            m++;
        if (m < p->nmeasures) {
            b->mused[m] = true;
            p->outs[p->nouts++] = (pk_out){PK_OUT_MEASURE, m, c->text};
            continue;
        }
        int col = pk_find_col_b(b, ent, c->text, c->len);
        if (col >= 0) {
            p->outs[p->nouts++] = (pk_out){PK_OUT_COLUMN, col, c->text};
            continue;
        }
        int t = 0;
        while (t < p->ntallies && strcmp(p->tallies[t].name, c->text) != 0)
            t++;
        if (t < p->ntallies) {
            p->outs[p->nouts++] = (pk_out){PK_OUT_TALLY, t, c->text};
            continue;
        }
        if (pk_index_find(&b->bix, c->text, c->len) >= 0)
            continue; /* a tally in error, said there */
        dg_near nr = {c->text, c->len, NULL, (size_t)-1};
        for (int q = 0; q < p->nmeasures; q++)
            dg_near_consider(&nr, p->measures[q].name);
        for (int q = 0; q < ent->ncols; q++)
            dg_near_consider(&nr, ent->cols[q].id);
        for (int q = 0; q < p->ntallies; q++)
            dg_near_consider(&nr, p->tallies[q].name);
        pk_err(b, c, "output column '%s' is not a measure, tally or column of '%s'%s%s%s", c->text,
               ent->name, nr.best ? " (did you mean '" : "", nr.best ? nr.best : "",
               nr.best ? "'?)" : "");
    }
}

int pk_output_index(const rf_pack *p, const char *name)
{
    for (int i = 0; i < p->nouts; i++)
        if (strcmp(p->outs[i].name, name) == 0)
            return i;
    return -1;
}

/* report: how results are summed for people who read them (group_by: an
 * output column, so that every group is visible in the results too). */
static void pk_report(pk_b *b, const yn_node *root)
{
    rf_pack *p = b->p;
    const yn_node *n = yn_get(root, "report");
    if (!n || !pk_is(b, n, YN_MAP, "report"))
        return;
    static const char *const keys[] = {"group_by", NULL};
    pk_keys(b, n, keys, "report");
    const yn_node *g = yn_get(n, "group_by");
    if (!g || !pk_scalar(b, g, "group_by"))
        return;
    if (pk_output_index(p, g->text) >= 0) {
        p->group_by = g->text;
        return;
    }
    if (pk_index_find(&b->bix, g->text, g->len) >= 0)
        return; /* a tally in error, left out of the output */
    dg_near nr = {g->text, g->len, NULL, (size_t)-1};
    for (int i = 0; i < p->nouts; i++)
        dg_near_consider(&nr, p->outs[i].name);
    pk_err(b, g, "group_by '%s' is not an output column (output: columns)%s%s%s", g->text,
           nr.best ? " (did you mean '" : "", nr.best ? nr.best : "", nr.best ? "'?)" : "");
}

int pk_measure_refs(const rf_pack *p, int m, int *refs, int cap)
{
    const pk_measure *ms = &p->measures[m];
    switch (ms->kind) {
    case PK_M_EXPR:
        return ms->expr ? ex_refs(ms->expr, PK_SP_MEASURE, refs, cap) : 0;
    case PK_M_RANK: {
        int n = ms->by ? ex_refs(ms->by, PK_SP_MEASURE, refs, cap) : 0;
        if (ms->within && n < cap)
            n += ex_refs(ms->within, PK_SP_MEASURE, refs + n, cap - n);
        return n < cap ? n : cap;
    }
    default:
        if (ms->of < 0 || cap < 1)
            return 0;
        refs[0] = ms->of;
        return 1;
    }
}

/* Measures read inside an aggregate over an input's rows (count(team where
 * age > retire_age)) are computed for the entity before its rows stream
 * through, from its own row alone: so they, and every measure they read,
 * may use no aggregate, no tally and no ranking. */
static void pk_in_rows(pk_b *b)
{
    rf_pack *p = b->p;
    int *refs = ar_alloc(b->a, ((size_t)p->nmeasures + 1) * sizeof *refs);
    for (int g = 0; g < p->naggs; g++) {
        const ex_agg *ag = ex_agg_get(p->ex, g);
        if (ag->relation >= p->ninputs)
            continue;
        const ex_expr *parts[EX_AGG_NPARTS];
        int np = ex_agg_parts(ag, parts);
        for (int k = 0; k < np; k++) {
            int nr = ex_refs(parts[k], PK_SP_MEASURE, refs, p->nmeasures);
            for (int r = 0; r < nr && r < p->nmeasures; r++) {
                p->inputs[ag->relation].reads_measures = true;
                p->measures[refs[r]].in_rows = true;
            }
        }
    }
    /* Whatever an in-rows measure reads is needed first: close the set (a
     * measure's refs come before it in p->order, so walk it backwards). */
    for (int i = p->nmeasures - 1; i >= 0; i--) {
        int m = p->order[i];
        if (!p->measures[m].in_rows)
            continue;
        int nr = pk_measure_refs(p, m, refs, p->nmeasures);
        for (int r = 0; r < nr && r < p->nmeasures; r++)
            p->measures[refs[r]].in_rows = true;
    }
    for (int m = 0; m < p->nmeasures; m++) {
        const pk_measure *ms = &p->measures[m];
        if (!ms->in_rows)
            continue;
        p->nin_rows++;
        const char *why = ms->kind != PK_M_EXPR || ms->after_rank   ? "a ranking"
                          : ex_has_agg(ms->expr)                    ? "an aggregate"
                          : ex_refs(ms->expr, PK_SP_TALLY, refs, 0) ? "a tally"
                                                                    : NULL;
        if (why)
            pk_err(b, b->mnode[m],
                   "measure '%s' is read inside an aggregate's rows (directly or through "
                   "another measure), so it must be known before the rows are read; it uses %s",
                   ms->name, why);
    }
}

/* Which measures need a ranking's result, so the run evaluates them in its
 * second pass; a ranking cannot rank by such a value (it would need itself). */
static void pk_rank_phases(pk_b *b)
{
    rf_pack *p = b->p;
    int *refs = ar_alloc(b->a, ((size_t)p->nmeasures + 1) * sizeof *refs);
    for (int i = 0; i < p->nmeasures; i++) {
        pk_measure *ms = &p->measures[p->order[i]];
        int nr = pk_measure_refs(p, p->order[i], refs, p->nmeasures);
        int needs = -1;
        for (int r = 0; r < nr && needs < 0; r++)
            if (p->measures[refs[r]].after_rank)
                needs = refs[r];
        ms->after_rank = ms->kind != PK_M_EXPR || needs >= 0;
        p->nranks += ms->kind == PK_M_RANK;
        if (ms->kind == PK_M_RANK && needs >= 0) {
            dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, ms->line, ms->col,
                   dg_utf8_chars(ms->name, strlen(ms->name)), yn_line(b->a, b->doc, ms->line),
                   "measure '%s' ranks by a value that needs a ranking itself ('%s'): a "
                   "ranking is made from values known before any ranking",
                   ms->name, p->measures[needs].name);
            b->errors++;
        }
    }
}

/* Same text but for spaces: enough to see a condition repeated. */
static bool pk_same_text(const char *a, const char *c)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*c == ' ')
            c++;
        if (*a != *c)
            return false;
        if (!*a)
            return true;
        a++, c++;
    }
}

/* A level can never be chosen when a more severe one holds whenever it does:
 * an any-level all of whose conditions also appear in one more severe
 * any-level (seen from the text; deeper implications are not attempted). */
static void pk_unreachable(pk_b *b)
{
    rf_pack *p = b->p;
    for (int l = 1; l < p->nlevels; l++) {
        const pk_level *L = &p->levels[l];
        if (L->all || !L->nconds)
            continue;
        for (int m = 0; m < l; m++) {
            const pk_level *M = &p->levels[m];
            if (M->all)
                continue;
            bool covered = true;
            for (int c = 0; c < L->nconds && covered; c++) {
                bool found = false;
                for (int d = 0; d < M->nconds && !found; d++)
                    found = L->conds[c].expr && M->conds[d].expr &&
                            pk_same_text(ex_text(L->conds[c].expr), ex_text(M->conds[d].expr));
                covered = found;
            }
            if (covered) {
                dg_add(b->d, RF_WARNING, RF_CLASS_PACK, b->doc->path, L->line, L->col, 1,
                       yn_line(b->a, b->doc, L->line),
                       "level '%s' can never be chosen: the more severe level '%s' holds "
                       "whenever it does",
                       L->id, M->id);
                break;
            }
        }
    }
}

static void pk_unused(pk_b *b)
{
    rf_pack *p = b->p;
    for (int m = 0; m < p->nmeasures; m++)
        if (!b->mused[m])
            dg_add(b->d, RF_WARNING, RF_CLASS_PACK, b->doc->path, p->measures[m].line,
                   p->measures[m].col,
                   dg_utf8_chars(p->measures[m].name, strlen(p->measures[m].name)),
                   yn_line(b->a, b->doc, p->measures[m].line),
                   "measure '%s' is defined but never used", p->measures[m].name);
}

static void pk_build(pk_b *b)
{
    const yn_node *root = b->doc->root;
    if (!pk_is(b, root, YN_MAP, "a rule file"))
        return;
    static const char *const keys[] = {"rosterflag", "pack",     "constants", "enums",
                                       "period",     "inputs",   "entity",    "catalogues",
                                       "tallies",    "measures", "levels",    "no_level",
                                       "flags",      "output",   "report",    NULL};
    pk_keys(b, root, keys, "the rule file");
    pk_meta(b, root);
    rf_pack *p = b->p;
    const yn_node *per = yn_get(root, "period");
    if (per && pk_is(b, per, YN_MAP, "period")) {
        static const char *const pkeys[] = {"unit", NULL};
        pk_keys(b, per, pkeys, "period");
        const yn_node *u = pk_need(b, per, "unit", "period");
        if (u && pk_scalar(b, u, "unit")) {
            if (strcmp(u->text, "year") != 0)
                pk_err(b, u, "period unit '%s' is not supported (only 'year')", u->text);
            else
                p->has_period = true;
        }
    }
    pk_constants(b, yn_get(root, "constants"));
    pk_index_build(b, &b->cix, p->consts, sizeof *p->consts, p->nconsts);
    pk_settings(b);
    pk_enums(b, yn_get(root, "enums"));
    pk_inputs(b, pk_need(b, root, "inputs", "the rule file"));
    if (b->errors)
        return;
    pk_entity(b, root);
    if (b->errors)
        return;
    for (int i = 0; i < p->ninputs; i++)
        if (p->inputs[i].period >= 0 && !p->has_period)
            pk_err(b, root, "input '%s' has a period column, but the pack has no 'period'",
                   p->inputs[i].name);
    pk_catalogues(b, yn_get(root, "catalogues"));
    int before = b->errors;
    pk_tallies(b, yn_get(root, "tallies"));
    pk_index_build(b, &b->tix, p->tallies, sizeof *p->tallies, p->ntallies);
    pk_index_build(b, &b->bix, b->broken, sizeof *b->broken, b->nbroken);
    /* A tally in error stands aside (what reads it is not checked again);
     * the measures, levels and flags are still checked for errors of their
     * own. */
    if (before)
        return;
    ex_hooks hooks = {pk_resolve, pk_suggest, pk_expr_error, b};
    p->ex = ex_compiler_new(b->a, &hooks);
    const yn_node *ms = yn_get(root, "measures");
    if (!ms) {
        p->order = ar_alloc(b->a, sizeof(int));
        b->mstate = ar_alloc(b->a, sizeof(int));
        b->mnode = ar_alloc(b->a, sizeof(void *));
        b->mused = ar_alloc(b->a, sizeof(bool));
    }
    pk_measures(b, ms);
    pk_levels(b, root);
    pk_flags(b, yn_get(root, "flags"));
    pk_output(b, root);
    pk_report(b, root);
    if (b->errors)
        return;
    pk_rank_phases(b);
    if (b->errors)
        return;
    p->naggs = ex_agg_count(p->ex);
    pk_in_rows(b);
    if (b->errors)
        return;
    pk_unused(b);
    pk_unreachable(b);
}

/* buf NULL: read the file `name`. */
static int pk_load(const char *name, const char *buf, size_t len, const rf_setting *sets,
                   size_t nsets, rf_pack **out, rf_diags *d)
{
    *out = NULL;
    ar_arena *a = ar_new();
    rf_pack *p = ar_alloc(a, sizeof *p);
    p->arena = a;
    pk_b b = {.p = p, .d = d, .a = a, .sets = sets, .nsets = nsets};
    b.doc = buf ? yn_load_mem(a, name, buf, len, d) : yn_load_file(a, name, d);
    if (!b.doc) {
        ar_free(a);
        return -1;
    }
    p->path = b.doc->path;
    pk_build(&b);
    if (b.errors) {
        ar_free(a);
        return -1;
    }
    *out = p;
    return 0;
}

int rf_pack_load(const char *path, rf_pack **out, rf_diags *d)
{
    return pk_load(path, NULL, 0, NULL, 0, out, d);
}

int rf_pack_load_set(const char *path, const rf_setting *sets, size_t nsets, rf_pack **out,
                     rf_diags *d)
{
    return pk_load(path, NULL, 0, sets, nsets, out, d);
}

int rf_pack_load_mem(const char *name, const char *buf, size_t len, rf_pack **out, rf_diags *d)
{
    return pk_load(name, buf ? buf : "", len, NULL, 0, out, d);
}

const char *rf_pack_settings(const rf_pack *p)
{
    return p->set_summary ? p->set_summary : "";
}

void pk_xpos_place(const pk_xpos *x, size_t off, uint32_t *line, uint32_t *col)
{
    *line = x->line;
    *col = x->col + (x->exact ? dg_utf8_chars(x->text, off) : 0);
}

void rf_pack_free(rf_pack *p)
{
    if (p)
        ar_free(p->arena);
}

const char *rf_pack_id(const rf_pack *p)
{
    return p->id;
}

const char *rf_pack_version(const rf_pack *p)
{
    return p->version;
}

const char *rf_pack_title(const rf_pack *p, const char *lang)
{
    return lang && strcmp(lang, "en") == 0 ? p->title.en : p->title.zh;
}

/* A derived entity is the last input and is not read from a file. */
size_t rf_pack_input_count(const rf_pack *p)
{
    int n = p->ninputs;
    if (n && p->inputs[n - 1].derived)
        n--;
    return (size_t)n;
}

const char *rf_pack_input_name(const rf_pack *p, size_t i)
{
    return i < (size_t)p->ninputs ? p->inputs[i].name : NULL;
}

int rf_pack_input_optional(const rf_pack *p, size_t i)
{
    return i < (size_t)p->ninputs && p->inputs[i].optional;
}

size_t rf_pack_level_count(const rf_pack *p)
{
    return (size_t)p->nlevels;
}

const char *rf_pack_level_id(const rf_pack *p, size_t i)
{
    if (i < (size_t)p->nlevels)
        return p->levels[i].id;
    return i == (size_t)p->nlevels ? p->none_id : NULL;
}
