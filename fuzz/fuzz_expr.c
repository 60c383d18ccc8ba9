/* fuzz_expr: the bytes are an expression. Compile it with ex_compile against
 * a small fake resolver (a few names of every type, an enum, constants,
 * builtins, a relation `team` and a tally-like `deducted` that is both a
 * value and a relation), and when it compiles: run its aggregates over fixed
 * rows, evaluate it against a fixed entity, and describe it. The same bytes
 * are also compiled in the row scope of `team` wanting a boolean (a `where`
 * filter), and evaluated there. One arena per run, freed at the end.
 *
 * Checks beyond the sanitizers (aborts, so they show up as crashes):
 * an error's offset lies inside the source (and its message is one line: a
 * soft check, see fz_soft); a
 * compile that fails reports an error and one that succeeds reports none; a
 * value's kind agrees with the compiled type (or is missing, with a cause);
 * ex_describe NUL-terminates within cap. */
#include "ar.h"
#include "dv.h"
#include "ex.h"
#include "vl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SP_ROW = 1, SP_ENT = 2, SP_BI = 3 };
enum { REL_TEAM = 0, REL_DEDUCTED = 1, NREL = 2 };

/* ---- the fake world ---- */

static const char *const edu_canon[] = {"小学", "初中", "高中", "大专", "本科", "硕士"};
static const char *const edu_labels[] = {"小学", "初中", "高中", "中专",  "大专",
                                         "专科", "本科", "硕士", "研究生"};
static const int edu_level[] = {0, 1, 2, 2, 3, 3, 4, 5, 5};
static const vl_enum education = {"education", 6, edu_canon, 9, edu_labels, edu_level};

typedef struct fz_name {
    const char *name;
    vl_kind kind;
    int index;
} fz_name;

/* entity scope (space SP_ENT) */
static const fz_name ent_names[] = {
    {"score", VL_INT, 0},    {"avg", VL_DEC, 1},     {"code", VL_TEXT, 2},
    {"birth", VL_DATE, 3},   {"flag", VL_BOOL, 4},   {"education", VL_ENUM, 5},
    {"progress", VL_DEC, 6},                         /* missing at run time */
    {"deducted", VL_INT, 7},                         /* also a relation */
    {"得分", VL_INT, 0},     {"joined", VL_DATE, 8}, /* missing at run time */
    {"name", VL_TEXT, 9},    {"big", VL_INT, 10},    {"tiny", VL_DEC, 11},
};
enum { NENT = 12 };

/* row scope of team (space SP_ROW) */
static const fz_name team_names[] = {
    {"name", VL_TEXT, 0},      {"role", VL_TEXT, 1}, {"birth_date", VL_DATE, 2},
    {"education", VL_ENUM, 3}, {"age", VL_INT, 4},   {"salary", VL_DEC, 5},
    {"active", VL_BOOL, 6},
};
enum { NTEAMCOL = 7, NTEAM = 5 };

/* row scope of deducted (space SP_ROW) */
static const fz_name ded_names[] = {
    {"points", VL_INT, 0},
    {"all_points", VL_BOOL, 1},
    {"code", VL_TEXT, 2},
    {"n", VL_INT, 3},
};
enum { NDEDCOL = 4, NDED = 3 };

static const char *const builtins[] = {"as_of", "period_start", "period_end"};

typedef struct fz_const {
    const char *name;
    vl_value v;
} fz_const;
static fz_const consts[5];

static vl_value ent[NENT];
static vl_value team[NTEAM][NTEAMCOL];
static vl_value ded[NDED][NDEDCOL];
static vl_value bi[3];

static FILE *devnull;

static vl_value fz_textv(const char *s)
{
    return vl_text(s, strlen(s));
}

static int32_t fz_date(int y, int m, int d)
{
    return vl_days_from_ymd(y, m, d);
}

static void fz_setup(void)
{
    if (!(devnull = fopen("/dev/null", "w")))
        abort();
    consts[0] = (fz_const){"start_points", vl_int(12)};
    consts[1] = (fz_const){"bonus_cap", vl_int(4)};
    consts[2] = (fz_const){"ratio", vl_dec(0.3)};
    consts[3] = (fz_const){"campaign", fz_textv("2025 专项")};
    consts[4] = (fz_const){"strict", vl_bool(true)};

    ent[0] = vl_int(7);
    ent[1] = vl_dec(56.333);
    ent[2] = fz_textv("D02");
    ent[3] = vl_date(fz_date(1964, 2, 29));
    ent[4] = vl_bool(true);
    ent[5] = vl_enumv(&education, 3);
    ent[6] = vl_missing("中心工作进度 is empty");
    ent[7] = vl_int(5);
    ent[8] = vl_missing("入党日期 is empty");
    ent[9] = fz_textv("田丽");
    ent[10] = vl_int(INT64_MAX);
    ent[11] = vl_dec(-1e-300);

    static const char *const names[NTEAM] = {"滕涛", "唐燕", "范天佑", "马伟", "x"};
    static const char *const roles[NTEAM] = {"书记", "主任", "副主任", "委员", ""};
    for (int r = 0; r < NTEAM; r++) {
        team[r][0] = fz_textv(names[r]);
        team[r][1] = roles[r][0] ? fz_textv(roles[r]) : vl_missing("职务 is empty");
        team[r][2] = vl_date(fz_date(1960 + 9 * r, 1 + r, 28 + (r % 2)));
        team[r][3] = r == 3 ? vl_missing("学历 is empty") : vl_enumv(&education, r + 1);
        team[r][4] = vl_int(30 + 8 * r);
        team[r][5] = r == 2 ? vl_missing("salary is empty") : vl_dec(1234.5 * r);
        team[r][6] = vl_bool(r % 2 == 0);
    }
    static const char *const codes[NDED] = {"D01", "F01", "D07"};
    for (int r = 0; r < NDED; r++) {
        ded[r][0] = vl_int(r == 1 ? 12 : 2 + r);
        ded[r][1] = vl_bool(r == 1);
        ded[r][2] = fz_textv(codes[r]);
        ded[r][3] = vl_int(1 + r);
    }
    bi[0] = vl_date(fz_date(2025, 12, 31));
    bi[1] = vl_date(fz_date(2025, 1, 1));
    bi[2] = vl_date(fz_date(2025, 12, 31));
}

/* ---- hooks ---- */

typedef struct fz_ctx {
    size_t n; /* length of the source being compiled */
    int errors;
} fz_ctx;

static void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz_expr: contract violated: %s\n", what);
    abort();
}

/* Minor contract checks (a message that spans lines) would stop a campaign
 * at the first shallow finding: they are reported once per process and
 * fuzzing goes on, unless RF_FUZZ_STRICT is set in the environment. */
static void fz_soft(const char *what, const char *msg)
{
    static int said;
    if (getenv("RF_FUZZ_STRICT")) {
        fprintf(stderr, "fuzz_expr: %s: '%s'\n", what, msg);
        fz_fail(what);
    }
    if (!said++)
        fprintf(stderr, "fuzz_expr: warning (once): %s: '%s'\n", what, msg);
}

static bool fz_eq(const char *s, const char *name, size_t n)
{
    return strlen(s) == n && memcmp(s, name, n) == 0;
}

static bool fz_lookup(const fz_name *t, int count, const char *name, size_t n, ex_symbol *out,
                      int space)
{
    for (int i = 0; i < count; i++)
        if (fz_eq(t[i].name, name, n)) {
            out->kind = EX_SYM_VALUE;
            out->type.kind = t[i].kind;
            out->type.en = t[i].kind == VL_ENUM ? &education : NULL;
            out->space = space;
            out->index = t[i].index;
            return true;
        }
    return false;
}

static bool fz_resolve(void *ctx, int scope, const char *name, size_t n, bool want_relation,
                       ex_symbol *out)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    if (want_relation) {
        if (scope != -1)
            return false;
        if (fz_eq("team", name, n)) {
            out->kind = EX_SYM_RELATION;
            out->relation = REL_TEAM;
            return true;
        }
        if (fz_eq("deducted", name, n)) {
            out->kind = EX_SYM_RELATION;
            out->relation = REL_DEDUCTED;
            return true;
        }
        return false;
    }
    for (int i = 0; i < 3; i++)
        if (fz_eq(builtins[i], name, n)) {
            out->kind = EX_SYM_VALUE;
            out->type.kind = VL_DATE;
            out->space = SP_BI;
            out->index = i;
            return true;
        }
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (fz_eq(consts[i].name, name, n)) {
            out->kind = EX_SYM_CONST;
            out->type.kind = consts[i].v.kind;
            out->value = consts[i].v;
            return true;
        }
    if (scope == -1)
        return fz_lookup(ent_names, (int)(sizeof ent_names / sizeof ent_names[0]), name, n, out,
                         SP_ENT);
    if (scope == REL_TEAM)
        return fz_lookup(team_names, NTEAMCOL, name, n, out, SP_ROW);
    if (scope == REL_DEDUCTED)
        return fz_lookup(ded_names, NDEDCOL, name, n, out, SP_ROW);
    fz_fail("resolve called with an unknown scope");
    return false;
}

static const char *fz_suggest(void *ctx, int scope, const char *name, size_t n)
{
    (void)ctx;
    (void)scope;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < sizeof ent_names / sizeof ent_names[0]; i++)
        if (ent_names[i].name[0] == name[0])
            return ent_names[i].name;
    return NULL;
}

static void fz_error(void *ctx, size_t off, size_t len, const char *msg)
{
    fz_ctx *c = ctx;
    c->errors++;
    if (!msg)
        fz_fail("error with no message");
    if (off > c->n)
        fz_fail("error offset past the end of the source");
    if (strchr(msg, '\n'))
        fz_soft("error message spans lines", msg);
    (void)len;
    fwrite(msg, 1, strlen(msg), devnull);
}

/* ---- checks on values ---- */

static void fz_value(vl_value v, vl_type t)
{
    if (v.kind == VL_MISSING) {
        if (!v.u.why)
            fz_fail("missing value without a cause");
        fwrite(v.u.why, 1, strlen(v.u.why), devnull);
        return;
    }
    if (t.kind != VL_MISSING && v.kind != t.kind)
        fz_fail("value kind differs from the compiled type");
    if (v.kind == VL_TEXT && v.n)
        fwrite(v.u.p, 1, v.n, devnull);
    if (v.kind == VL_ENUM && (!v.u.en || v.ord < 0 || v.ord >= v.u.en->nlevels))
        fz_fail("enum value out of range");
    char buf[256];
    size_t k = vl_format(v, buf, sizeof buf);
    if (k >= sizeof buf || buf[k] != '\0')
        fz_fail("vl_format: bad length");
    char *small = malloc(5);
    vl_format(v, small, 5);
    if (!memchr(small, '\0', 5))
        fz_fail("vl_format: not NUL-terminated within cap");
    free(small);
}

static void fz_describe(const ex_expr *e, const ex_env *env)
{
    static const size_t caps[] = {1, 9, 4096};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *buf = malloc(caps[i]); /* exact size: ASan sees any overrun */
        (void)ex_describe(e, env, buf, caps[i]);
        if (!memchr(buf, '\0', caps[i]))
            fz_fail("ex_describe: not NUL-terminated within cap");
        free(buf);
    }
}

/* Run every aggregate lifted so far over the fixed rows of its relation. */
static void fz_aggs(const ex_compiler *c, vl_value *aggvals, const ex_env *base)
{
    int na = ex_agg_count(c);
    for (int g = 0; g < na; g++) {
        const ex_agg *ag = ex_agg_get(c, g);
        if (!ag || ag->index != g || ag->relation < 0 || ag->relation >= NREL)
            fz_fail("ex_agg_get: bad aggregate");
        if (ag->text)
            fwrite(ag->text, 1, strlen(ag->text), devnull);
        ex_acc acc;
        ex_acc_init(&acc);
        ex_env row = *base;
        /* Grouped aggregates keep their groups in a dv table, as the run does. */
        dv_groups *groups = ag->by ? dv_new() : NULL;
        dv_set set = {0, 0, 0};
        if (ag->relation == REL_TEAM)
            for (int r = 0; r < NTEAM; r++) {
                row.space[SP_ROW] = team[r];
                if (groups)
                    dv_step(groups, &set, ag, &acc, &row, 1);
                else
                    ex_agg_step(ag, &acc, &row, 1);
            }
        else
            for (int r = 0; r < NDED; r++) {
                row.space[SP_ROW] = ded[r];
                if (groups)
                    dv_step(groups, &set, ag, &acc, &row, (double)ded[r][3].u.i);
                else
                    ex_agg_step(ag, &acc, &row, (double)ded[r][3].u.i);
            }
        aggvals[g] = groups ? dv_final(groups, &set, ag, &acc) : ex_agg_final(ag, &acc);
        dv_free(groups);
        fz_value(aggvals[g], ag->type);
    }
}

static void fz_use(const ex_compiler *c, const ex_expr *e, const vl_value *row)
{
    int na = ex_agg_count(c);
    vl_value *aggvals = calloc((size_t)na + 1, sizeof *aggvals);
    ex_env env;
    memset(&env, 0, sizeof env);
    env.space[EX_SPACE_AGG] = aggvals;
    env.space[SP_ENT] = ent;
    env.space[SP_BI] = bi;
    env.space[SP_ROW] = row;
    fz_aggs(c, aggvals, &env);

    const char *text = ex_text(e);
    if (!text)
        fz_fail("ex_text returned NULL");
    fwrite(text, 1, strlen(text), devnull);
    int refs[4];
    int nr = ex_refs(e, SP_ENT, refs, 4);
    for (int i = 0; i < nr && i < 4; i++)
        if (refs[i] < 0 || refs[i] >= NENT)
            fz_fail("ex_refs: index out of range");

    vl_value v = ex_eval(e, &env);
    fz_value(v, ex_type(e));
    fz_describe(e, &env);
    free(aggvals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        fz_setup();
    if (size > 4096) /* a pack's expressions are short; keep runs fast */
        return 0;
    /* exact-size copy, not NUL-terminated: ASan sees any read past n */
    char *src = malloc(size ? size : 1);
    memcpy(src, data, size);

    ar_arena *a = ar_new();
    fz_ctx ctx = {size, 0};
    ex_hooks hooks = {fz_resolve, fz_suggest, fz_error, &ctx};
    ex_compiler *c = ex_compiler_new(a, &hooks);

    /* 1: entity scope, any type (a measure) */
    vl_type any = {VL_MISSING, NULL};
    const ex_expr *e = ex_compile(c, src, size, -1, any);
    if (!e && ctx.errors == 0)
        fz_fail("ex_compile failed without reporting an error");
    if (e && ctx.errors != 0)
        fz_fail("ex_compile succeeded after reporting an error");
    if (e)
        fz_use(c, e, NULL);

    /* 2: entity scope, boolean wanted (a level condition) */
    ctx.errors = 0;
    vl_type boolean = {VL_BOOL, NULL};
    e = ex_compile(c, src, size, -1, boolean);
    if (!e && ctx.errors == 0)
        fz_fail("ex_compile (boolean) failed without reporting an error");
    if (e && ex_type(e).kind != VL_BOOL)
        fz_fail("ex_compile (boolean) returned a non-boolean expression");
    if (e)
        fz_use(c, e, NULL);

    /* 3: row scope of team, boolean wanted (a where filter) */
    ctx.errors = 0;
    e = ex_compile(c, src, size, REL_TEAM, boolean);
    if (!e && ctx.errors == 0)
        fz_fail("ex_compile (row scope) failed without reporting an error");
    if (e)
        for (int r = 0; r < NTEAM; r++)
            fz_use(c, e, team[r]);

    ar_free(a);
    free(src);
    return 0;
}
