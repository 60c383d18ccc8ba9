/* Unit tests for ex: lexer, parser, checker, evaluator, aggregates and
 * ex_describe, against a small fake resolver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar.h"
#include "dg.h"
#include "ex.h"
#include "vl.h"

/* ---- the fake pack ---- */

enum { SP_ROW = 1, SP_ENT = 2, SP_TALLY = 4, SP_BI = 5 };
enum { REL_EVENTS = 0, REL_DEDUCTED = 1 };
enum { ANY_SCOPE = -9 };

static const char *const edu_canon[] = {"小学", "初中", "高中", "大专", "本科"};
static const char *const edu_labels[] = {"小学", "初中", "高中", "中专", "大专", "专科", "本科"};
static const int edu_level[] = {0, 1, 2, 2, 3, 3, 4};
static const vl_enum edu = {"education", 5, edu_canon, 7, edu_labels, edu_level};
static const char *const color_canon[] = {"red", "blue"};
static const int color_level[] = {0, 1};
static const vl_enum color = {"color", 2, color_canon, 2, color_canon, color_level};

#define TY(k)                                                                                      \
    {                                                                                              \
        k, NULL                                                                                    \
    }
#define VAL(sp, ix, k)                                                                             \
    {                                                                                              \
        EX_SYM_VALUE, TY(k), sp, ix, {0}, 0, false, false, false                                   \
    }

typedef struct def {
    int scope;
    const char *name;
    ex_symbol sym;
} def;

static const def defs[] = {
    {-1, "score", VAL(SP_ENT, 0, VL_INT)},
    {-1, "avg_age", VAL(SP_ENT, 1, VL_DEC)},
    {-1, "progress", VAL(SP_ENT, 2, VL_INT)},
    {-1, "name", VAL(SP_ENT, 3, VL_TEXT)},
    {-1, "birth", VAL(SP_ENT, 4, VL_DATE)},
    {-1, "edu", {EX_SYM_VALUE, {VL_ENUM, &edu}, SP_ENT, 5, {0}, 0, false, false, false}},
    {-1, "flag", VAL(SP_ENT, 6, VL_BOOL)},
    {-1, "得分", VAL(SP_ENT, 7, VL_INT)},
    {-1, "secretary_age", VAL(SP_ENT, 8, VL_INT)},
    {-1, "join date", VAL(SP_ENT, 9, VL_DATE)},
    {-1, "other", VAL(SP_ENT, 10, VL_BOOL)},
    {-1, "ratio", VAL(SP_ENT, 11, VL_DEC)},
    {-1, "fav", {EX_SYM_VALUE, {VL_ENUM, &color}, SP_ENT, 12, {0}, 0, false, false, false}},
    {-1, "deducted", VAL(SP_TALLY, 0, VL_INT)},
    {-1,
     "deducted",
     {EX_SYM_RELATION, TY(VL_MISSING), 0, 0, {0}, REL_DEDUCTED, false, false, false}},
    {-1, "bonus", VAL(SP_TALLY, 1, VL_INT)},
    {-1, "bonus", {EX_SYM_RELATION, TY(VL_MISSING), 0, 0, {0}, REL_DEDUCTED, false, false, false}},
    {-1, "events", {EX_SYM_RELATION, TY(VL_MISSING), 0, 0, {0}, REL_EVENTS, false, false, false}},
    {-1, "office", {EX_SYM_RELATION, TY(VL_MISSING), 0, 0, {0}, REL_EVENTS, true, false, false}},
    {-1, "villages", {EX_SYM_RELATION, TY(VL_MISSING), 0, 0, {0}, REL_EVENTS, false, true, false}},
    {ANY_SCOPE,
     "start_points",
     {EX_SYM_CONST, TY(VL_INT), 0, 0, {.kind = VL_INT, .u.i = 12}, 0, false, false, false}},
    {ANY_SCOPE,
     "rate",
     {EX_SYM_CONST, TY(VL_DEC), 0, 0, {.kind = VL_DEC, .u.d = 0.5}, 0, false, false, false}},
    /* the same in every row of a run: a program remembers its year, month
     * and day */
    {ANY_SCOPE, "as_of", {EX_SYM_VALUE, TY(VL_DATE), SP_BI, 0, {0}, 0, false, false, true}},
    {REL_EVENTS, "code", VAL(SP_ROW, 0, VL_TEXT)},
    {REL_EVENTS, "points", VAL(SP_ROW, 1, VL_INT)},
    {REL_EVENTS, "age", VAL(SP_ROW, 2, VL_DEC)},
    {REL_EVENTS, "date", VAL(SP_ROW, 3, VL_DATE)},
    {REL_EVENTS, "ok", VAL(SP_ROW, 4, VL_BOOL)},
    {REL_EVENTS, "lvl", {EX_SYM_VALUE, {VL_ENUM, &edu}, SP_ROW, 5, {0}, 0, false, false, false}},
    {REL_DEDUCTED, "points", VAL(SP_ROW, 0, VL_INT)},
    {REL_DEDUCTED, "all_points", VAL(SP_ROW, 1, VL_BOOL)},
    {REL_DEDUCTED, "n", VAL(SP_ROW, 2, VL_INT)},
};
enum { NDEFS = sizeof defs / sizeof defs[0] };

static int resolve_calls;
static ex_compiler *cc;
/* Like a pack's measures: resolving `nested_m` compiles its definition on
 * the same compiler, in the middle of the outer compile. */
static const char *nested_src;
static const ex_expr *nested_expr;

static bool fake_resolve(void *ctx, int scope, const char *name, size_t n, bool want_relation,
                         ex_symbol *out)
{
    (void)ctx;
    resolve_calls++;
    if (nested_src && scope == -1 && !want_relation && n == 8 && !memcmp(name, "nested_m", 8)) {
        nested_expr = ex_compile(cc, nested_src, strlen(nested_src), -1, (vl_type){VL_INT, NULL});
        ex_symbol sym = {EX_SYM_VALUE, {VL_INT, NULL}, SP_ENT, 13, {0}, 0, false, false, false};
        *out = sym;
        return nested_expr != NULL;
    }
    for (int i = 0; i < NDEFS; i++) {
        const def *d = &defs[i];
        if (d->scope != scope && d->scope != ANY_SCOPE)
            continue;
        if (strlen(d->name) != n || memcmp(d->name, name, n) != 0)
            continue;
        if ((d->sym.kind == EX_SYM_RELATION) != want_relation)
            continue;
        *out = d->sym;
        return true;
    }
    return false;
}

static size_t lev(const char *a, size_t na, const char *b, size_t nb)
{
    return dg_edit_distance(a, na, b, nb);
}

static const char *fake_suggest(void *ctx, int scope, const char *name, size_t n)
{
    (void)ctx;
    for (int i = 0; i < NDEFS; i++) {
        const def *d = &defs[i];
        if ((d->scope == scope || d->scope == ANY_SCOPE) &&
            lev(name, n, d->name, strlen(d->name)) <= 2)
            return d->name;
    }
    return NULL;
}

typedef struct err {
    size_t off, len;
    char msg[512];
} err;
static err errs[16];
static int nerrs;

static void fake_error(void *ctx, size_t off, size_t len, const char *msg)
{
    (void)ctx;
    if (nerrs < 16) {
        errs[nerrs].off = off;
        errs[nerrs].len = len;
        snprintf(errs[nerrs].msg, sizeof errs[nerrs].msg, "%s", msg);
    }
    nerrs++;
}

static ar_arena *arena;
static vl_value ent[16], tal[2], bi[1], row[8], aggv[64];
static ex_env env;

static int32_t ymd(int y, int m, int d)
{
    return vl_days_from_ymd(y, m, d);
}

static int setup(void **state)
{
    (void)state;
    arena = ar_new();
    ex_hooks h = {fake_resolve, fake_suggest, fake_error, NULL};
    cc = ex_compiler_new(arena, &h);
    nerrs = 0;
    memset(&env, 0, sizeof env);
    env.space[EX_SPACE_AGG] = aggv;
    env.space[SP_ROW] = row;
    env.space[SP_ENT] = ent;
    env.space[SP_TALLY] = tal;
    env.space[SP_BI] = bi;
    ent[0] = vl_int(6);
    ent[1] = vl_dec(56.333);
    ent[2] = vl_int(55);
    ent[3] = vl_text("张三", strlen("张三"));
    ent[4] = vl_date(ymd(1970, 5, 20));
    ent[5] = vl_enumv(&edu, 3);
    ent[6] = vl_bool(true);
    ent[7] = vl_int(9);
    ent[8] = vl_int(62);
    ent[9] = vl_date(ymd(2001, 7, 1));
    ent[10] = vl_bool(false);
    ent[11] = vl_dec(0.25);
    ent[12] = vl_enumv(&color, 1);
    tal[0] = vl_int(5);
    tal[1] = vl_int(2);
    bi[0] = vl_date(ymd(2025, 12, 31));
    for (int i = 0; i < 64; i++)
        aggv[i] = vl_missing("aggregate not run");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ar_free(arena);
    return 0;
}

static const vl_type ANY = {VL_MISSING, NULL};

static const ex_expr *compile_in(const char *src, int scope, vl_type want)
{
    nerrs = 0;
    const ex_expr *e = ex_compile(cc, src, strlen(src), scope, want);
    if (!e)
        fail_msg("'%s' did not compile: %s (at %zu+%zu)", src, nerrs ? errs[0].msg : "no error",
                 nerrs ? errs[0].off : 0, nerrs ? errs[0].len : 0);
    assert_int_equal(nerrs, 0);
    return e;
}

static const ex_expr *C(const char *src)
{
    return compile_in(src, -1, ANY);
}

static vl_value E(const char *src)
{
    return ex_eval(C(src), &env);
}

/* Compile must fail with exactly these errors (off, len, message). */
static void expect_errs_in(const char *src, int scope, vl_type want, int n, ...)
{
    nerrs = 0;
    const ex_expr *e = ex_compile(cc, src, strlen(src), scope, want);
    if (e)
        fail_msg("'%s' compiled but should not have", src);
    if (nerrs != n) {
        for (int i = 0; i < nerrs && i < 16; i++)
            print_message("  error %d: %zu+%zu %s\n", i, errs[i].off, errs[i].len, errs[i].msg);
        fail_msg("'%s': expected %d errors, got %d", src, n, nerrs);
    }
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        size_t off = va_arg(ap, size_t);
        size_t len = va_arg(ap, size_t);
        const char *msg = va_arg(ap, const char *);
        assert_string_equal(errs[i].msg, msg);
        assert_int_equal(errs[i].off, off);
        assert_int_equal(errs[i].len, len);
    }
    va_end(ap);
}

#define ERR1(src, off, len, msg) expect_errs_in(src, -1, ANY, 1, (size_t)(off), (size_t)(len), msg)

static void is_int(vl_value v, int64_t i)
{
    assert_int_equal(v.kind, VL_INT);
    assert_int_equal(v.u.i, i);
}

static void is_dec(vl_value v, double d)
{
    assert_int_equal(v.kind, VL_DEC);
    if (fabs(v.u.d - d) > 1e-9)
        fail_msg("expected %.17g, got %.17g", d, v.u.d);
}

static void is_bool(vl_value v, bool b)
{
    assert_int_equal(v.kind, VL_BOOL);
    assert_int_equal(v.u.b, b);
}

static void is_missing(vl_value v, const char *why)
{
    assert_int_equal(v.kind, VL_MISSING);
    assert_non_null(v.u.why);
    assert_string_equal(v.u.why, why);
}

static void is_date(vl_value v, int y, int m, int d)
{
    assert_int_equal(v.kind, VL_DATE);
    assert_int_equal(v.u.date, ymd(y, m, d));
}

/* ---- lexer and parser ---- */

static void test_names_and_literals(void **state)
{
    (void)state;
    is_int(E("得分"), 9);
    is_int(E("得分+1"), 10);
    is_bool(E("得分>=9"), true);
    is_bool(E("`join date` < as_of"), true);
    is_int(E("start_points"), 12);
    is_dec(E("rate"), 0.5);
    is_dec(E("0.3"), 0.3);
    is_int(E("  42  "), 42);
    is_bool(E("true"), true);
    is_bool(E("false"), false);
    vl_value t = E("'it\\'s \"x\"\\n'");
    assert_int_equal(t.kind, VL_TEXT);
    assert_int_equal(t.n, 9);
    assert_memory_equal(t.u.p, "it's \"x\"\n", 9);
    t = E("\"中文\"");
    assert_int_equal(t.n, 6);
    is_date(E("date(\"2025-03-05\")"), 2025, 3, 5);
    is_date(E("date('2024/2/29')"), 2024, 2, 29);
    /* U+3000 between tokens is a space */
    is_int(E("score\xE3\x80\x80+\xE3\x80\x80"
             "1"),
           7);
    const ex_expr *e = C(" score + 1 ");
    assert_string_equal(ex_text(e), " score + 1 ");
    assert_int_equal(ex_type(e).kind, VL_INT);
}

static void test_operators_and_precedence(void **state)
{
    (void)state;
    is_int(E("1 + 2 * 3"), 7);
    is_int(E("(1 + 2) * 3"), 9);
    is_int(E("10 - 3 - 2"), 5);
    is_dec(E("12 / 3 / 2"), 2.0);
    is_int(E("-2 * 3"), -6);
    is_int(E("2 - -3"), 5);
    is_int(E("--3"), 3);
    is_int(E("7 % 3"), 1);
    is_int(E("-7 % 3"), -1);
    is_bool(E("1 + 1 = 2"), true);
    is_bool(E("1 + 1 == 2"), true);
    is_bool(E("1 != 2"), true);
    is_bool(E("1 <> 2"), true);
    is_bool(E("1 ≠ 1"), false);
    is_bool(E("2 ≤ 2"), true);
    is_bool(E("2 ≥ 3"), false);
    is_bool(E("2 <= 1"), false);
    is_bool(E("3 > 2"), true);
    is_bool(E("3 < 2"), false);
    is_bool(E("3 >= 3"), true);
    /* not binds tighter than and, and tighter than or */
    is_bool(E("not flag and other"), false);
    is_bool(E("not other and flag"), true);
    is_bool(E("flag or other and false"), true);
    is_bool(E("(flag or other) and false"), false);
    is_bool(E("!other && flag || false"), true);
    is_bool(E("not score = 6"), false);
    is_bool(E("not not flag"), true);
    is_int(E("if flag then 1 else 2"), 1);
    is_int(E("if other then 1 else if flag then 2 else 3"), 3 - 1);
    is_int(E("1 + (if flag then 1 else 2)"), 2);
    is_bool(E("score in [1, 6, 9]"), true);
    is_bool(E("score not in [1, 6, 9]"), false);
    is_bool(E("score + 1 in [7]"), true);
    is_bool(E("not score in [7]"), true);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    ERR1("clamp(score, 0 then", 15, 4, "expected ')' after arguments of 'clamp', found 'then'");
    ERR1("score +", 7, 0, "expected a value, found end of expression");
    ERR1("score + * 2", 8, 1, "expected a value, found '*'");
    ERR1("(score + 1", 10, 0, "expected ')' to close '(score + 1', found end of expression");
    ERR1("if flag then 1", 14, 0,
         "expected 'else' after the 'then' branch of 'if', found end of expression");
    ERR1("if flag 1 else 2", 8, 1, "expected 'then' after the condition of 'if', found '1'");
    ERR1("score 1", 6, 1, "expected end of expression, found '1'");
    ERR1("score > 1 AND flag", 10, 3,
         "expected end of expression, found 'AND' (keywords are lowercase: write 'and')");
    ERR1("score in 1", 9, 1, "expected '[' after 'in', found '1'");
    ERR1("score in [1 2]", 12, 1, "expected ',' or ']' in the list after 'in', found '2'");
    ERR1("\"abc", 0, 4, "unterminated text \"abc has no closing \"");
    ERR1("'a\\qb'", 2, 2, "unknown escape '\\q' in text (use \\\" \\' \\\\ or \\n)");
    ERR1("score # 2", 6, 1, "unexpected character '#'");
    ERR1("score & 1", 6, 1, "unexpected '&' (did you mean '&&'?)");
    ERR1("max（1, 2)", 3, 3, "unexpected '（' (write the ASCII '(')");
    ERR1("score 。", 6, 3, "unexpected character '。'");
    ERR1("1 < score < 3", 10, 1,
         "comparisons cannot be chained: '1 < score' is followed by another comparison "
         "(write 'a < b and b < c')");
    ERR1("score > 1 where flag", 10, 5,
         "'where' is only allowed inside an aggregate like count(R where c); expected end of "
         "expression, found 'where'");
    ERR1("", 0, 0, "empty expression");
    ERR1("   ", 0, 3, "empty expression");
    ERR1("99999999999999999999", 0, 20, "integer literal '99999999999999999999' is too large");
    ERR1("`score", 0, 6, "unterminated name: ` has no closing `");
    ERR1("score + \xFF", 8, 1, "invalid UTF-8 byte 0xFF in expression");
    ERR1("then", 0, 4, "expected a value, found 'then'");
}

static void test_nesting_limits(void **state)
{
    (void)state;
    /* 250 parentheses: a clean error, not a stack overflow */
    char *s = malloc(100001);
    size_t n = 0;
    for (int i = 0; i < 250; i++)
        s[n++] = '(';
    s[n++] = '1';
    for (int i = 0; i < 250; i++)
        s[n++] = ')';
    s[n] = '\0';
    nerrs = 0;
    assert_null(ex_compile(cc, s, n, -1, ANY));
    assert_int_equal(nerrs, 1);
    assert_string_equal(errs[0].msg, "expression nested too deeply (more than 200 levels)");
    assert_int_equal(errs[0].off, 200); /* the 201st parenthesis */

    /* 100,000 characters of each shape: compile or fail cleanly */
    const char *unit[] = {"(", "-", "not ", "1+", "if flag then 1 else "};
    for (size_t u = 0; u < sizeof unit / sizeof unit[0]; u++) {
        size_t k = strlen(unit[u]);
        n = 0;
        while (n + k + 1 < 100000) {
            memcpy(s + n, unit[u], k);
            n += k;
        }
        s[n++] = '1';
        s[n] = '\0';
        nerrs = 0;
        assert_null(ex_compile(cc, s, n, -1, ANY));
        assert_int_equal(nerrs, 1);
        assert_non_null(strstr(errs[0].msg, "expression nested too deeply"));
    }
    /* a 100,000-character text literal is fine */
    s[0] = '"';
    memset(s + 1, 'x', 99998);
    s[99999] = '"';
    s[100000] = '\0';
    const ex_expr *e = compile_in(s, -1, ANY);
    assert_int_equal(ex_eval(e, &env).n, 99998);
    /* a long flat chain within the height limit compiles and evaluates */
    n = 0;
    for (int i = 0; i < 900; i++) {
        memcpy(s + n, "1+", 2);
        n += 2;
    }
    s[n++] = '1';
    s[n] = '\0';
    is_int(ex_eval(compile_in(s, -1, ANY), &env), 901);
    /* and a long list */
    n = (size_t)snprintf(s, 100001, "score in [");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(s + n, 100001 - n, "%d,", i + 100);
    n += (size_t)snprintf(s + n, 100001 - n, "6]");
    is_bool(ex_eval(compile_in(s, -1, ANY), &env), true);
    free(s);
}

/* ---- type checker ---- */

static void test_type_errors(void **state)
{
    (void)state;
    ERR1("scroe > 3", 0, 5, "unknown name 'scroe' (did you mean 'score'?)");
    ERR1("zzzzzz > 3", 0, 6, "unknown name 'zzzzzz'");
    ERR1("flag or True", 8, 4, "unknown name 'True' (keywords are lowercase: write 'true')");
    ERR1("score + \"x\"", 0, 11, "cannot add integer and text in 'score + \"x\"'");
    ERR1("name - 1", 0, 8, "cannot subtract integer from text in 'name - 1'");
    ERR1("birth * 2", 0, 9, "cannot multiply date and integer in 'birth * 2'");
    ERR1("flag / 2", 0, 8, "cannot divide boolean by integer in 'flag / 2'");
    ERR1("birth % 2", 0, 9, "cannot take the remainder of date by integer in 'birth % 2'");
    ERR1("1 - birth", 0, 9, "cannot subtract date from integer in '1 - birth'");
    ERR1("-name", 0, 5, "cannot negate text in '-name'");
    ERR1("if 1 then 2 else 3", 3, 1, "the condition of 'if' must be boolean, found integer in '1'");
    ERR1("if flag then 1 else \"a\"", 0, 23,
         "the branches of 'if' have different types, integer and text, in "
         "'if flag then 1 else \"a\"'");
    ERR1("score and flag", 0, 5, "'and' needs booleans, found integer in 'score'");
    ERR1("flag or 1", 8, 1, "'or' needs booleans, found integer in '1'");
    ERR1("not score", 4, 5, "'not' needs a boolean, found integer in 'score'");
    ERR1("edu >= \"大学\"", 7, 8,
         "'大学' is not a label of education (labels: 小学, 初中, 高中, 中专, 大专, 专科, 本科)");
    ERR1("edu >= name", 0, 11,
         "cannot compare education and text in 'edu >= name' (only a text literal naming a "
         "label compares with an enumeration)");
    ERR1("edu = fav", 0, 9,
         "cannot compare education and color in 'edu = fav' (different enumerations)");
    ERR1("birth > \"2025-01-01\"", 0, 20,
         "cannot compare date and text in 'birth > \"2025-01-01\"' (write a date as "
         "date(\"2025-03-05\"))");
    ERR1("score = name", 0, 12, "cannot compare integer and text in 'score = name'");
    ERR1("flag < other", 0, 12, "booleans have no order in 'flag < other' (use = or !=)");
    ERR1("score in [1, progress]", 13, 8,
         "the list after 'in' must hold literals or constants, found 'progress'");
    ERR1("score in [1, \"a\"]", 13, 3, "cannot compare integer and text in '\"a\"'");
    ERR1("edu in [\"本科\", \"大学\"]", 18, 8,
         "'大学' is not a label of education (labels: 小学, 初中, 高中, 中专, 大专, 专科, 本科)");
    ERR1("foo(1)", 0, 3,
         "unknown function 'foo'; the functions are min, max, clamp, abs, round, "
         "floor, ceil, year, month, day, years_between, days_between, coalesce, missing, contains, "
         "starts_with, ends_with, date; aggregates: count, sum, avg, min, max, any, all, share, "
         "pick, distinct");
    ERR1("clmap(score, 0, 1)", 0, 5,
         "unknown function 'clmap' (did you mean 'clamp'?); the functions are min, max, clamp, "
         "abs, round, floor, ceil, year, month, day, years_between, days_between, coalesce, "
         "missing, contains, starts_with, ends_with, date; aggregates: count, sum, avg, min, max, "
         "any, all, share, pick, distinct");
    /* A long name is cut in the message; the list of functions is whole. */
    char longname[1200] = "";
    for (int i = 0; i < 100; i++)
        strcat(longname, "函数名");
    strcat(longname, "(1)");
    char want[1024] = "unknown function '";
    for (int i = 0; i < 6; i++)
        strcat(want, "函数名");
    strcat(want, "函数...'; the functions are min, max, clamp, abs, round, floor, ceil, year, "
                 "month, day, years_between, days_between, coalesce, missing, contains, "
                 "starts_with, ends_with, date; aggregates: count, sum, avg, min, max, any, "
                 "all, share, pick, distinct");
    ERR1(longname, 0, 900, want);
    ERR1("floor(name)", 6, 4, "'floor' needs a number, found text in 'name'");
    ERR1("contains(name, 1)", 15, 1, "'contains' needs text, found integer in '1'");
    ERR1("starts_with(score, name)", 12, 5, "'starts_with' needs text, found integer in 'score'");
    ERR1("clamp(score, 0)", 0, 15,
         "'clamp' takes 3 arguments (x, lo, hi), found 2 in 'clamp(score, 0)'");
    ERR1("min(score)", 0, 10,
         "'min' takes 2 or more arguments (a, b, ...), found 1 in 'min(score)'");
    ERR1("abs(1, 2)", 0, 9, "'abs' takes 1 argument (x), found 2 in 'abs(1, 2)'");
    ERR1("round()", 0, 7, "'round' takes 1 to 2 arguments (x, digits), found 0 in 'round()'");
    ERR1("year(score)", 5, 5, "'year' needs a date, found integer in 'score'");
    ERR1("years_between(birth, \"2025-01-01\")", 21, 12,
         "'years_between' needs a date, found text in '\"2025-01-01\"' (write a date as "
         "date(\"2025-03-05\"))");
    ERR1("min(name, 1)", 4, 4, "'min' needs numbers or dates, found text in 'name'");
    ERR1("max(birth, 1)", 0, 13, "'max' cannot mix date and integer in 'max(birth, 1)'");
    ERR1("abs(name)", 4, 4, "'abs' needs a number, found text in 'name'");
    ERR1("round(avg_age, 1.5)", 15, 3,
         "'round' needs a whole number of digits, found decimal in '1.5'");
    ERR1("coalesce(score, name)", 0, 21,
         "'coalesce' arguments have different types, integer and text, in 'coalesce(score, name)'");
    ERR1("date(\"2025-02-30\")", 5, 12, "no such date: '2025-02-30' (February 2025 has 28 days)");
    ERR1("date(\" \")", 5, 3, "date() needs a date, as in date(\"2025-03-05\")");
    ERR1("date(\"soon\")", 5, 6, "not a date: 'soon' (expected a form like 2025-03-05)");
    ERR1("date(name)", 0, 10,
         "date() takes one text literal, as in date(\"2025-03-05\"), found 'date(name)'");
    ERR1("abs(score where flag)", 10, 5, "'where' is only allowed in aggregates, not in 'abs'");
    /* independent errors are all reported; follow-on errors are not */
    expect_errs_in("scroe + 1 > 0 and nme = \"x\" or (flag + 1)", -1, ANY, 3, (size_t)0, (size_t)5,
                   "unknown name 'scroe' (did you mean 'score'?)", (size_t)18, (size_t)3,
                   "unknown name 'nme' (did you mean 'name'?)", (size_t)32, (size_t)8,
                   "cannot add boolean and integer in 'flag + 1'");
    /* the wanted type */
    expect_errs_in("score + 1", -1, (vl_type){VL_BOOL, NULL}, 1, (size_t)0, (size_t)9,
                   "expected a boolean, found integer in 'score + 1'");
    const ex_expr *e = compile_in("score + 1", -1, (vl_type){VL_DEC, NULL});
    assert_int_equal(ex_type(e).kind, VL_DEC);
    is_dec(ex_eval(e, &env), 7.0);
}

static void test_aggregate_errors(void **state)
{
    (void)state;
    ERR1("count(score)", 6, 5, "'score' is not a relation, so 'count' cannot range over it");
    ERR1("count(evnts)", 6, 5, "unknown relation 'evnts' (did you mean 'events'?)");
    ERR1("events + 1", 0, 6,
         "'events' is a relation, not a value: use it in an aggregate such as count(events)");
    ERR1("sum(events, code)", 12, 4, "'sum' needs a number, found text in 'code'");
    ERR1("sum(events, points where code)", 25, 4,
         "'where' condition must be boolean, found text in 'code'");
    ERR1("count(events, ok)", 0, 17,
         "'count' takes count(R) or count(R where c), found 'count(events, ok)'");
    ERR1("sum(events)", 0, 11, "'sum' takes sum(R, e [where c]), found 'sum(events)'");
    ERR1("pick(events, points)", 0, 20,
         "'pick' needs a 'where' condition: pick(R, e where c), found 'pick(events, points)' "
         "('where' may be left out only when the relation has at most one row per entity: an "
         "input whose key is its ref column)");
    ERR1("sum(villages, points)", 0, 21,
         "'villages' is the entity's own input, one row per result: write 'points' itself, not "
         "'sum(villages, points)' (aggregates range over the rows of other inputs that ref it, "
         "and over tallies)");
    ERR1("count(villages)", 0, 15,
         "'villages' is the entity's own input, one row per result: read its columns directly "
         "(aggregates range over the rows of other inputs that ref it, and over tallies)");
    ERR1("villages = 1", 0, 8,
         "'villages' is the entity's own input, not a value: read its columns by name");
    ERR1("min(events, code)", 12, 4,
         "'min' needs numbers, dates or an enumeration, found text in 'code'");
    ERR1("any(events, points)", 12, 6,
         "'any' needs a boolean condition, found integer in 'points'");
    ERR1("sum(events, count(events))", 12, 13,
         "aggregates do not nest: 'count(events)' is inside the rows of another aggregate");
    ERR1("count(1 + 1)", 0, 12,
         "'count' needs a relation name first: count(R) or count(R where c), found 'count(1 + 1)'");
    ERR1("sum(events, score)", 12, 5, "unknown name 'score' (did you mean 'code'?)");
    ERR1("count(events where flag)", 19, 4, "unknown name 'flag'");
    /* in row scope, an aggregate is nested by definition */
    expect_errs_in("count(events)", REL_EVENTS, ANY, 1, (size_t)0, (size_t)13,
                   "aggregates do not nest: 'count(events)' is inside the rows of another "
                   "aggregate");
    /* a failed compile lifts no slots */
    assert_int_equal(ex_agg_count(cc), 0);
    /* pick returns text (the run copies it); without 'where' on a relation
     * of one row per entity */
    assert_int_equal(ex_type(C("pick(events, code where ok)")).kind, VL_TEXT);
    assert_int_equal(ex_type(C("pick(office, code)")).kind, VL_TEXT);
}

/* ---- evaluation ---- */

static void test_arithmetic(void **state)
{
    (void)state;
    is_dec(E("7 / 2"), 3.5);
    assert_int_equal(ex_type(C("6 / 3")).kind, VL_DEC);
    is_dec(E("6 / 3"), 2.0);
    is_int(E("score * 2"), 12);
    is_dec(E("avg_age + 1"), 57.333);
    is_dec(E("score + 0.5"), 6.5);
    is_dec(E("7.5 % 2"), 1.5);
    is_missing(E("9223372036854775807 + 1"), "integer overflow");
    is_missing(E("-9223372036854775807 - 2"), "integer overflow");
    is_missing(E("4611686018427387904 * 2"), "integer overflow");
    is_missing(E("1 / 0"), "division by zero");
    is_missing(E("1.5 / (score - 6)"), "division by zero");
    is_missing(E("score % 0"), "division by zero");
    is_missing(E("ratio % 0"), "division by zero");
    is_date(E("birth + 1"), 1970, 5, 21);
    is_date(E("1 + birth"), 1970, 5, 21);
    is_date(E("birth - 20"), 1970, 4, 30);
    is_int(E("as_of - date(\"2025-01-01\")"), 364);
    assert_int_equal(ex_type(C("as_of - birth")).kind, VL_INT);
    is_missing(E("as_of + 3000000"), "date out of range");
    is_int(E("abs(-5)"), 5);
}

static void test_comparisons_and_enums(void **state)
{
    (void)state;
    is_bool(E("avg_age >= 56.333"), true);
    is_bool(E("avg_age > 56.333"), false);
    is_bool(E("score = 6.0"), true);
    is_bool(E("birth < as_of"), true);
    is_bool(E("name = \"张三\""), true);
    is_bool(E("name != \"张\""), true);
    is_bool(E("\"abc\" < \"abd\""), true);
    is_bool(E("\"ab\" < \"abc\""), true);
    is_bool(E("flag = true"), true);
    is_bool(E("flag != other"), true);
    /* edu is 大专 (level 3), which 专科 is an alias of */
    is_bool(E("edu >= \"大专\""), true);
    is_bool(E("edu = \"专科\""), true);
    is_bool(E("edu > \"高中\""), true);
    is_bool(E("edu < \"中专\" or edu >= \"本科\""), false);
    is_bool(E("\"本科\" > edu"), true);
    is_bool(E("edu in [\"本科\", \"专科\"]"), true);
    is_bool(E("edu not in [\"小学\", \"中专\"]"), true);
    ent[5] = vl_enumv(&edu, 2);
    is_bool(E("edu >= \"大专\""), false);
    is_bool(E("name in [\"李四\", \"张三\"]"), true);
    is_bool(E("birth in [date(\"1970-05-20\")]"), true);
    is_bool(E("score in [-6, 6.0]"), true);
    is_bool(E("score in [start_points]"), false);
}

static void test_if(void **state)
{
    (void)state;
    const ex_expr *e = C("if flag then 1 else 2.5");
    assert_int_equal(ex_type(e).kind, VL_DEC);
    is_dec(ex_eval(e, &env), 1.0);
    e = C("if other then score else ratio");
    assert_int_equal(ex_type(e).kind, VL_DEC);
    is_dec(ex_eval(e, &env), 0.25);
    is_dec(E("if flag then score else ratio"), 6.0);
    is_date(E("if flag then birth else as_of"), 1970, 5, 20);
    vl_value t = E("if other then \"a\" else \"b\"");
    assert_int_equal(t.kind, VL_TEXT);
    assert_memory_equal(t.u.p, "b", 1);
}

static void test_functions(void **state)
{
    (void)state;
    is_int(E("min(3, score, 9)"), 3);
    is_int(E("max(3, score, 9)"), 9);
    is_dec(E("max(3, 2.5)"), 3.0);
    assert_int_equal(ex_type(C("max(3, 2.5)")).kind, VL_DEC);
    is_date(E("min(birth, as_of)"), 1970, 5, 20);
    is_date(E("max(birth, as_of)"), 2025, 12, 31);
    is_int(E("clamp(score, 0, 4)"), 4);
    is_int(E("clamp(-score, 0, 4)"), 0);
    is_int(E("clamp(score, 0, 12)"), 6);
    is_dec(E("clamp(ratio, 0, 1)"), 0.25);
    is_date(E("clamp(birth, date(\"2000-01-01\"), as_of)"), 2000, 1, 1);
    is_int(E("abs(score - 10)"), 4);
    is_dec(E("abs(-ratio)"), 0.25);
    is_missing(E("abs(-9223372036854775807 - 1)"), "integer overflow");
    is_dec(E("round(avg_age, 1)"), 56.3);
    is_dec(E("round(2.675, 2)"), 2.68);
    is_dec(E("round(avg_age)"), 56.0);
    is_dec(E("round(1234, -2)"), 1200.0);
    is_dec(E("round(-2.5, 0)"), -3.0);
    is_int(E("year(birth)"), 1970);
    is_int(E("month(birth)"), 5);
    is_int(E("day(birth)"), 20);
    is_int(E("years_between(birth, as_of)"), 55);
    is_int(E("days_between(birth, birth + 10)"), 10);
    is_int(E("days_between(as_of, birth)"), ymd(1970, 5, 20) - ymd(2025, 12, 31));
    /* leap-day birthdays are reached on 1 March in common years */
    is_int(E("years_between(date(\"2000-02-29\"), date(\"2025-02-28\"))"), 24);
    is_int(E("years_between(date(\"2000-02-29\"), date(\"2025-03-01\"))"), 25);
    is_int(E("years_between(date(\"2000-02-29\"), date(\"2024-02-29\"))"), 24);
    is_int(E("coalesce(score, 1)"), 6);
    is_dec(E("coalesce(score, 1.5)"), 6.0);
    is_bool(E("missing(score)"), false);
    ent[0] = vl_missing("得分 is empty");
    is_int(E("coalesce(score, progress, 1)"), 55);
    is_bool(E("missing(score)"), true);
    is_missing(E("abs(score)"), "得分 is empty");
    is_missing(E("min(1, score)"), "得分 is empty");
    is_missing(E("clamp(score, 0, 1)"), "得分 is empty");
    is_missing(E("round(score, 1)"), "得分 is empty");
    ent[2] = vl_missing("进度 is empty");
    is_missing(E("coalesce(score, progress)"), "得分 is empty");
    ent[4] = vl_missing("出生日期 is empty");
    is_missing(E("years_between(birth, as_of)"), "出生日期 is empty");
    is_missing(E("year(birth)"), "出生日期 is empty");
    is_missing(E("birth + 1"), "出生日期 is empty");
}

static void test_floor_ceil_and_text_tests(void **state)
{
    (void)state;
    is_int(E("floor(2.7)"), 2);
    is_int(E("ceil(2.1)"), 3);
    is_int(E("ceil(3)"), 3);
    is_int(E("floor(-2.5)"), -3);
    is_int(E("ceil(-2.5)"), -2);
    /* the quota of the Tongren scheme: not less than 5 %, at least one */
    is_int(E("ceil(41 * 5 / 100)"), 3);
    is_int(E("ceil(40 * 5 / 100)"), 2);
    assert_int_equal(ex_type(C("floor(ratio)")).kind, VL_INT);
    is_missing(E("ceil(ratio * 1000000000000000000.0 * 1000)"), "integer overflow");
    ent[3] = vl_text("党支部书记、村委会主任", strlen("党支部书记、村委会主任"));
    is_bool(E("contains(name, \"书记\") and not contains(name, \"副书记\")"), true);
    is_bool(E("starts_with(name, \"党支部\")"), true);
    is_bool(E("ends_with(name, \"主任\")"), true);
    is_bool(E("ends_with(name, \"书记\")"), false);
    is_bool(E("contains(name, \"\")"), true);
    ent[3] = vl_text("党支部副书记", strlen("党支部副书记"));
    is_bool(E("contains(name, \"书记\") and not contains(name, \"副书记\")"), false);
    is_bool(E("starts_with(\"党\", name)"), false);
    ent[3] = vl_missing("职务 is empty");
    is_missing(E("contains(name, \"书记\")"), "职务 is empty");
}

static const char *U = "unknown"; /* marker for a missing operand in the tables */

static vl_value tv(const char *v)
{
    if (v == U)
        return vl_missing("x is empty");
    return vl_bool(strcmp(v, "T") == 0);
}

static void check_tv(vl_value got, const char *want, const char *what)
{
    if (want == U) {
        if (got.kind != VL_MISSING)
            fail_msg("%s: expected unknown, got %d", what, got.kind);
        assert_string_equal(got.u.why, "x is empty");
    } else {
        if (got.kind != VL_BOOL)
            fail_msg("%s: expected a boolean, got kind %d", what, got.kind);
        assert_int_equal(got.u.b, strcmp(want, "T") == 0);
    }
}

static void test_missing_truth_tables(void **state)
{
    (void)state;
    const char *vals[3] = {"T", "F", NULL};
    vals[2] = U;
    /* Kleene: and is false if either is false, or is true if either is true */
    static const char *const and_t[3][3] = {{"T", "F", NULL}, {"F", "F", "F"}, {NULL, "F", NULL}};
    static const char *const or_t[3][3] = {{"T", "T", "T"}, {"T", "F", NULL}, {"T", NULL, NULL}};
    const ex_expr *a = C("flag and other"), *o = C("flag or other"), *n = C("not flag");
    const ex_expr *m = C("missing(flag)");
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            ent[6] = tv(vals[i]);
            ent[10] = tv(vals[j]);
            char what[64];
            snprintf(what, sizeof what, "%s and %s", vals[i], vals[j]);
            check_tv(ex_eval(a, &env), and_t[i][j] ? and_t[i][j] : U, what);
            snprintf(what, sizeof what, "%s or %s", vals[i], vals[j]);
            check_tv(ex_eval(o, &env), or_t[i][j] ? or_t[i][j] : U, what);
        }
        check_tv(ex_eval(n, &env), i == 0 ? "F" : i == 1 ? "T" : U, "not");
        is_bool(ex_eval(m, &env), i == 2);
    }
    ent[6] = vl_missing("x is empty");
    is_missing(E("if flag then 1 else 2"), "x is empty");
    is_bool(E("coalesce(flag, true)"), true);
    /* comparisons and 'in' keep the cause */
    ent[2] = vl_missing("进度 is empty");
    is_missing(E("progress < 60"), "进度 is empty");
    is_missing(E("60 > progress"), "进度 is empty");
    is_missing(E("progress = progress"), "进度 is empty");
    is_missing(E("progress in [1, 2]"), "进度 is empty");
    is_missing(E("progress not in [1, 2]"), "进度 is empty");
    is_missing(E("progress + 1"), "进度 is empty");
    is_missing(E("-progress"), "进度 is empty");
    is_missing(E("progress / 0"), "进度 is empty");
    is_bool(E("progress < 60 or score = 6"), true);
    is_bool(E("progress < 60 and score = 7"), false);
    is_missing(E("progress < 60 and score = 6"), "进度 is empty");
    /* a slot left missing without a cause still says what is missing */
    ent[2] = (vl_value){.kind = VL_MISSING, .u.why = NULL};
    is_missing(E("progress < 60"), "progress has no value");
    /* no space at all */
    env.space[SP_ENT] = NULL;
    is_missing(E("score"), "value not available");
}

/* ---- aggregates ---- */

/* Run aggregate slot i over rows (each a full row-space image), with
 * weights (NULL: 1 each), store the result where expressions read it. */
static ex_acc run(int i, const vl_value (*rows)[6], int nrows, const double *w)
{
    const ex_agg *g = ex_agg_get(cc, i);
    assert_non_null(g);
    ex_acc a;
    ex_acc_init(&a);
    for (int r = 0; r < nrows; r++) {
        memcpy(row, rows[r], sizeof rows[r]);
        ex_agg_step(g, &a, &env, w ? w[r] : 1);
    }
    aggv[g->index] = ex_agg_final(g, &a);
    return a;
}

#define I(x) vl_int(x)
#define D(x) vl_dec(x)
#define B(x) vl_bool(x)
#define S(x) vl_text(x, sizeof(x) - 1)
#define M(x) vl_missing(x)

static void test_aggregates(void **state)
{
    (void)state;
    const vl_value ev[4][6] = {
        {S("D01"), I(2), D(50), vl_date(ymd(2025, 1, 5)), B(true), vl_enumv(&edu, 1)},
        {S("D02"), I(3), D(60), vl_date(ymd(2025, 3, 1)), B(false), vl_enumv(&edu, 4)},
        {S("D01"), M("分值 is empty"), D(70), vl_date(ymd(2024, 12, 1)), B(true),
         vl_enumv(&edu, 2)},
        {S("B01"), I(4), M("年龄 is empty"), vl_date(ymd(2025, 6, 1)), M("ok is empty"),
         vl_enumv(&edu, 0)},
    };
    const struct {
        const char *src;
        vl_kind kind;
    } cases[] = {
        {"count(events)", VL_INT},                                                      /* 0 */
        {"count(events where code = \"D01\")", VL_INT},                                 /* 1 */
        {"sum(events, points)", VL_INT},                                                /* 2 */
        {"sum(events, age where ok)", VL_DEC},                                          /* 3 */
        {"avg(events, age)", VL_DEC},                                                   /* 4 */
        {"min(events, date)", VL_DATE},                                                 /* 5 */
        {"max(events, points where code != \"B01\")", VL_INT},                          /* 6 */
        {"any(events, points > 3)", VL_BOOL},                                           /* 7 */
        {"all(events, ok)", VL_BOOL},                                                   /* 8 */
        {"share(events, ok)", VL_DEC},                                                  /* 9 */
        {"pick(events, date where code = \"D02\")", VL_DATE},                           /* 10 */
        {"pick(events, points where code = \"D01\")", VL_INT},                          /* 11 */
        {"pick(events, points where code = \"X\")", VL_INT},                            /* 12 */
        {"max(events, lvl)", VL_ENUM},                                                  /* 13 */
        {"count(events where date >= date(\"2025-01-01\") and date <= as_of)", VL_INT}, /* 14 */
    };
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++) {
        const ex_expr *e = C(cases[i].src);
        assert_int_equal(ex_type(e).kind, cases[i].kind);
        assert_int_equal(ex_agg_count(cc), i + 1);
        const ex_agg *g = ex_agg_get(cc, i);
        assert_int_equal(g->index, i);
        assert_int_equal(g->relation, REL_EVENTS);
        assert_string_equal(g->text, cases[i].src);
    }
    assert_null(ex_agg_get(cc, n));
    assert_int_equal(ex_agg_get(cc, 3)->op, EX_AGG_SUM);
    assert_string_equal(ex_text(ex_agg_get(cc, 3)->arg), "age");
    assert_string_equal(ex_text(ex_agg_get(cc, 3)->cond), "ok");
    assert_null(ex_agg_get(cc, 0)->arg);
    assert_null(ex_agg_get(cc, 0)->cond);

    /* every aggregate over no rows */
    for (int i = 0; i < n; i++)
        run(i, ev, 0, NULL);
    is_int(aggv[0], 0);
    is_int(aggv[1], 0);
    is_int(aggv[2], 0);
    is_dec(aggv[3], 0);
    is_missing(aggv[4], "no rows for 'avg(events, age)'");
    is_missing(aggv[5], "no rows for 'min(events, date)'");
    is_missing(aggv[6], "no rows for 'max(events, points where code != \"B01\")'");
    is_bool(aggv[7], false);
    is_bool(aggv[8], true);
    is_missing(aggv[9], "no rows for 'share(events, ok)'");
    is_missing(aggv[10], "no row where code = \"D02\"");
    is_missing(aggv[13], "no rows for 'max(events, lvl)'");
    is_int(aggv[14], 0);

    /* over the four rows */
    ex_acc a = run(0, ev, 4, NULL);
    is_int(aggv[0], 4);
    assert_int_equal(a.missing, 0);
    run(1, ev, 4, NULL);
    is_int(aggv[1], 2);
    a = run(2, ev, 4, NULL);
    is_int(aggv[2], 9);
    assert_int_equal(a.missing, 1);
    assert_string_equal(a.why, "分值 is empty");
    a = run(3, ev, 4, NULL); /* row 4's filter is missing: skipped, counted */
    is_dec(aggv[3], 120);
    assert_int_equal(a.missing, 1);
    assert_string_equal(a.why, "ok is empty");
    a = run(4, ev, 4, NULL);
    is_dec(aggv[4], 60);
    assert_int_equal(a.missing, 1);
    run(5, ev, 4, NULL);
    is_date(aggv[5], 2024, 12, 1);
    run(6, ev, 4, NULL);
    is_int(aggv[6], 3);
    run(7, ev, 4, NULL);
    is_bool(aggv[7], true);
    run(8, ev, 4, NULL);
    is_bool(aggv[8], false);
    run(9, ev, 4, NULL);
    is_dec(aggv[9], 2.0 / 3.0);
    run(10, ev, 4, NULL); /* exactly one match */
    is_date(aggv[10], 2025, 3, 1);
    run(11, ev, 4, NULL); /* two matches */
    is_missing(aggv[11], "more than one row where code = \"D01\"");
    run(12, ev, 4, NULL); /* none */
    is_missing(aggv[12], "no row where code = \"X\"");
    run(13, ev, 4, NULL);
    assert_int_equal(aggv[13].kind, VL_ENUM);
    assert_int_equal(aggv[13].ord, 4);
    run(14, ev, 4, NULL);
    is_int(aggv[14], 3);

    /* pick of the one matching row whose value is missing: that cause */
    run(11, ev + 2, 1, NULL);
    is_missing(aggv[11], "分值 is empty");
    /* all rows missing: the cause beats "no rows" */
    const vl_value allmiss[1][6] = {
        {S("x"), I(1), M("年龄 is empty"), vl_date(0), B(true), vl_enumv(&edu, 0)}};
    run(4, allmiss, 1, NULL);
    is_missing(aggv[4], "年龄 is empty");

    /* aggregates inside larger expressions read their slot */
    const ex_expr *e = C("count(events) > 2 and sum(events, points) >= 9");
    assert_int_equal(ex_agg_count(cc), n + 2);
    run(n, ev, 4, NULL);
    run(n + 1, ev, 4, NULL);
    is_bool(ex_eval(e, &env), true);
}

static void test_tallies_and_weights(void **state)
{
    (void)state;
    /* a tally is a value ... */
    is_int(E("deducted + 1"), 6);
    is_int(E("min(bonus, 1)"), 1);
    assert_int_equal(ex_agg_count(cc), 0);
    /* ... and a relation in the relation position of an aggregate */
    const ex_expr *any = C("any(deducted, all_points)");
    const ex_expr *cnt = C("count(deducted)");
    const ex_expr *sum = C("sum(deducted, points)");
    const ex_expr *mx = C("max(deducted, points)"); /* points exists only in the rows */
    const ex_expr *avg = C("avg(deducted, points)");
    const ex_expr *all = C("all(deducted, all_points)");
    const ex_expr *shr = C("share(deducted, all_points)");
    assert_int_equal(ex_agg_count(cc), 7);
    assert_int_equal(ex_agg_get(cc, 3)->op, EX_AGG_MAX);
    assert_int_equal(ex_agg_get(cc, 3)->relation, REL_DEDUCTED);
    /* items: D02 x3 (2 points), F01 x1 (12 points, all_points) */
    const vl_value items[2][6] = {{I(2), B(false), I(3)}, {I(12), B(true), I(1)}};
    const double w[2] = {3, 1};
    for (int i = 0; i < 7; i++)
        run(i, items, 2, w);
    is_bool(ex_eval(any, &env), true);
    is_int(ex_eval(cnt, &env), 4);
    is_int(ex_eval(sum, &env), 18);
    is_int(ex_eval(mx, &env), 12);
    is_dec(ex_eval(avg, &env), 4.5);
    is_bool(ex_eval(all, &env), false);
    is_dec(ex_eval(shr, &env), 0.25);
    /* decimals with fractional weights */
    const ex_expr *ds = C("sum(events, age)");
    const vl_value ev[2][6] = {{S("a"), I(1), D(1.5)}, {S("b"), I(1), D(2)}};
    const double w2[2] = {2, 0.5};
    run(7, ev, 2, w2);
    is_dec(ex_eval(ds, &env), 4.0);
    /* integer sums that overflow are missing, not wrapped */
    const ex_expr *big = C("sum(events, points)");
    const vl_value huge[2][6] = {{S("a"), I(INT64_MAX)}, {S("b"), I(1)}};
    run(8, huge, 2, NULL);
    is_missing(ex_eval(big, &env), "integer overflow");
}

static void test_refs(void **state)
{
    (void)state;
    const ex_expr *e = C("score + progress * score + count(events where date < as_of) + 得分");
    int idx[8];
    assert_int_equal(ex_refs(e, SP_ENT, idx, 8), 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 7);
    assert_int_equal(ex_refs(e, SP_BI, idx, 8), 1);
    assert_int_equal(idx[0], 0);
    assert_int_equal(ex_refs(e, SP_ROW, idx, 8), 1);
    assert_int_equal(idx[0], 3);
    assert_int_equal(ex_refs(C("1 + start_points"), SP_ENT, idx, 8), 0);
}

/* ---- ex_describe ---- */

static const char *D_(const char *src)
{
    static char buf[256];
    size_t n = ex_describe(C(src), &env, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static void test_describe(void **state)
{
    (void)state;
    assert_string_equal(D_("avg_age >= 55"), "avg_age 56.33 ≥ 55");
    assert_string_equal(D_("score <= 6"), "score 6 ≤ 6");
    assert_string_equal(D_("score != 7"), "score 6 ≠ 7");
    assert_string_equal(D_("score == 6"), "score 6 = 6");
    assert_string_equal(D_("score <= start_points"), "score 6 ≤ 12");
    assert_string_equal(D_("score < progress"), "score 6 < progress 55");
    assert_string_equal(D_("start_points - score > 3"), "start_points - score 6 > 3");
    assert_string_equal(D_("start_points > score"), "start_points 12 > score 6");
    assert_string_equal(D_("edu >= \"大专\""), "edu 大专 ≥ 大专");
    assert_string_equal(D_("name = '张三'"), "name \"张三\" = \"张三\"");
    assert_string_equal(D_("birth < date(\"2000-01-01\")"), "birth 1970-05-20 < 2000-01-01");
    assert_string_equal(D_("progress < 60 or secretary_age > 60"),
                        "progress 55 < 60 or secretary_age 62 > 60");
    ent[2] = vl_int(75);
    assert_string_equal(D_("progress < 60 or secretary_age > 60"), "secretary_age 62 > 60");
    assert_string_equal(D_("progress < 60 and secretary_age > 60"), "progress 75 < 60");
    assert_string_equal(D_("progress > 60 and secretary_age > 60"),
                        "progress 75 > 60 and secretary_age 62 > 60");
    assert_string_equal(D_("progress < 60 or secretary_age < 60"),
                        "progress 75 < 60 or secretary_age 62 < 60");
    ent[2] = vl_missing("进度 is empty");
    assert_string_equal(D_("progress < 60"), "progress missing (进度 is empty) < 60");
    assert_string_equal(D_("score < progress"), "score 6 < progress missing (进度 is empty)");
    assert_string_equal(D_("progress < 60 or score > 60"), "progress missing (进度 is empty) < 60");
    assert_string_equal(D_("progress < 60 or score < 60"), "score 6 < 60");
    assert_string_equal(D_("other or flag"), "flag = true");
    assert_string_equal(D_("score in [1, 6]"), "score 6 in [1, 6]");
    assert_string_equal(D_("score not in [1, 6]"), "score 6 not in [1, 6]");
    assert_string_equal(D_("not flag"), "not (flag = true)");
    assert_string_equal(D_("score + 1"), "score + 1 = 7");
    assert_string_equal(D_("progress + 1"), "progress + 1 missing (进度 is empty)");
    assert_string_equal(D_("得分 >= 9"), "得分 9 ≥ 9");
    assert_string_equal(D_("`join date` < as_of"), "`join date` 2001-07-01 < as_of 2025-12-31");
    /* aggregates are described by their text and their value */
    const ex_expr *e = C("avg(events, age) >= 55");
    aggv[0] = vl_dec(56.333);
    char buf[64];
    ex_describe(e, &env, buf, sizeof buf);
    assert_string_equal(buf, "avg(events, age) 56.33 ≥ 55");
    /* multi-line source reads as one line */
    assert_string_equal(D_("score\n  <= 6"), "score 6 ≤ 6");
    /* truncation keeps whole characters and returns what was written */
    char small[12];
    size_t n = ex_describe(C("得分 >= 9"), &env, small, sizeof small);
    assert_int_equal(n, strlen(small));
    assert_string_equal(small, "得分 9 ");
    assert_int_equal(ex_describe(C("score"), &env, small, 0), 0);
}

/* A comparison with a literal is described from a template made at load;
 * it must read exactly as the long way, and follow a mutant's patch. */
static void test_describe_template(void **state)
{
    (void)state;
    const ex_expr *e = C("score <= 6");
    const int64_t vals[] = {6, -3, 0, INT64_MIN, INT64_MAX, 123456789};
    char got[128], want[128];
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        ent[0] = vl_int(vals[i]);
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)vals[i]);
        snprintf(want, sizeof want, "score %s ≤ 6", num);
        assert_int_equal(ex_describe(e, &env, got, sizeof got), strlen(want));
        assert_string_equal(got, want);
    }
    ent[1] = vl_dec(-0.004);
    assert_string_equal(D_("avg_age < 1.5"), "avg_age 0 < 1.5");
    ent[4] = vl_date(ymd(1970, 5, 20));
    assert_string_equal(D_("birth >= date(\"1960-01-01\")"), "birth 1970-05-20 ≥ 1960-01-01");
    assert_string_equal(D_("flag = true"), "flag true = true");
    /* a patched operator or literal is described as it now reads */
    ent[0] = vl_int(6);
    ex_site sites[4];
    int n = ex_sites(e, sites, 4);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        unsigned char saved[sizeof(vl_value)];
        memcpy(saved, sites[i].at, sites[i].size);
        if (sites[i].kind == EX_SITE_CMP) {
            memcpy(sites[i].at, sites[i].alt, sites[i].size);
            ex_describe(e, &env, got, sizeof got);
            assert_string_equal(got, "score 6 < 6");
        } else {
            vl_value v = vl_int(7);
            memcpy(sites[i].at, &v, sizeof v);
            ex_describe(e, &env, got, sizeof got);
            assert_string_equal(got, "score 6 ≤ 7");
        }
        memcpy(sites[i].at, saved, sites[i].size);
        ex_describe(e, &env, got, sizeof got);
        assert_string_equal(got, "score 6 ≤ 6");
    }
    /* too small a buffer: cut as the long way cuts it */
    char small[10];
    ex_describe(e, &env, small, sizeof small);
    assert_string_equal(small, "score 6 ");
}

static void test_arena_only(void **state)
{
    (void)state;
    /* Everything lives in the arena: compile a lot and free it all at once
     * (ASan would report any malloc leak). */
    size_t before = ar_reserved(arena);
    for (int i = 0; i < 200; i++)
        C("if flag then clamp(score + count(events where ok), 0, start_points) else 0");
    assert_true(ar_reserved(arena) > before);
    assert_int_equal(ex_agg_count(cc), 200);
    assert_int_equal(ex_agg_get(cc, 199)->index, 199);
}

static void test_reentrant(void **state)
{
    (void)state;
    nested_src = "count(events where ok)";
    const ex_expr *e = C("nested_m + count(events)");
    assert_non_null(nested_expr);
    assert_int_equal(ex_agg_count(cc), 2);
    assert_string_equal(ex_agg_get(cc, 0)->text, "count(events where ok)");
    assert_string_equal(ex_agg_get(cc, 1)->text, "count(events)");
    ent[13] = vl_int(4);
    aggv[1] = vl_int(3);
    is_int(ex_eval(e, &env), 7);
    /* the outer compile fails after a nested one succeeded: the nested
     * slot stays valid */
    nested_src = "sum(events, points)";
    expect_errs_in("nested_m + zzz", -1, ANY, 1, (size_t)11, (size_t)3, "unknown name 'zzz'");
    assert_non_null(nested_expr);
    assert_int_equal(ex_agg_count(cc), 3);
    assert_string_equal(ex_agg_get(cc, 2)->text, "sum(events, points)");
    /* a nested failure is the nested compile's error, not the outer's */
    nested_src = "count(events) + \"x\"";
    expect_errs_in("nested_m + 1", -1, ANY, 2, (size_t)0, (size_t)19,
                   "cannot add integer and text in 'count(events) + \"x\"'", (size_t)0, (size_t)8,
                   "unknown name 'nested_m'");
    assert_null(nested_expr);
    assert_int_equal(ex_agg_count(cc), 3);
    nested_src = NULL;
}

/* ---- the compiled fast path against the careful path ---- */

/* The same value, bit for bit where it matters: kind, payload, and for a
 * missing value the same cause. */
static void same_value(const char *src, vl_value fast, vl_value careful)
{
    if (fast.kind != careful.kind)
        fail_msg("'%s': fast kind %d, careful kind %d", src, fast.kind, careful.kind);
    switch (fast.kind) {
    case VL_MISSING:
        if (strcmp(fast.u.why, careful.u.why) != 0)
            fail_msg("'%s': fast missing (%s), careful missing (%s)", src, fast.u.why,
                     careful.u.why);
        break;
    case VL_INT:
        if (fast.u.i != careful.u.i)
            fail_msg("'%s': fast %lld, careful %lld", src, (long long)fast.u.i,
                     (long long)careful.u.i);
        break;
    case VL_DEC:
        if (memcmp(&fast.u.d, &careful.u.d, sizeof(double)) != 0 &&
            !(isnan(fast.u.d) && isnan(careful.u.d)))
            fail_msg("'%s': fast %.17g, careful %.17g", src, fast.u.d, careful.u.d);
        break;
    case VL_BOOL:
        assert_int_equal(fast.u.b, careful.u.b);
        break;
    case VL_DATE:
        assert_int_equal(fast.u.date, careful.u.date);
        break;
    case VL_TEXT:
        if (fast.n != careful.n || fast.u.p != careful.u.p)
            fail_msg("'%s': fast text '%.*s', careful '%.*s'", src, (int)fast.n, fast.u.p,
                     (int)careful.n, careful.u.p);
        break;
    case VL_ENUM:
        assert_int_equal(fast.ord, careful.ord);
        assert_ptr_equal(fast.u.en, careful.u.en);
        break;
    default:
        fail_msg("'%s': unexpected kind %d", src, fast.kind);
    }
}

static void test_fast_matches_careful(void **state)
{
    (void)state;
    /* every one of these has a program (numbers, dates, booleans) */
    static const char *const fast_srcs[] = {
        "score <= 6",
        "score = 0",
        "score != progress",
        "score < progress",
        "score >= secretary_age",
        "score > 6 and progress < 60",
        "score > 6 or other",
        "flag and other",
        "not flag or score = 1",
        "other or not (flag and score > 2)",
        "if flag then 0 else clamp(start_points - deducted + bonus, 0, start_points)",
        "if other then score else progress - score",
        "if score > progress then avg_age else ratio",
        "score + progress",
        "score - progress",
        "score * progress",
        "score % progress",
        "progress % score",
        "-score",
        "-avg_age",
        "abs(score)",
        "abs(ratio)",
        "score / progress",
        "avg_age / ratio",
        "avg_age % ratio",
        "avg_age * avg_age * 10",
        "score + ratio",
        "avg_age > score",
        "avg_age = ratio",
        "ratio <= 0.5",
        "avg_age >= 55",
        "ratio < 1",
        "score < 0.5",
        "0.5 != score",
        "6 = avg_age",
        "avg_age * score > 2",
        "round(score, 1) + ratio",
        "min(score, progress, secretary_age)",
        "max(score, progress, 7)",
        "min(avg_age, ratio)",
        "max(avg_age, ratio, 0.25)",
        "clamp(score, progress, secretary_age)",
        "clamp(avg_age, 0, ratio)",
        "round(avg_age)",
        "round(ratio, score)",
        "round(score / 3, 2)",
        "floor(avg_age)",
        "ceil(avg_age * avg_age)",
        "floor(ratio * 100000000000000000000.5)",
        "year(birth) + month(birth) + day(birth)",
        "years_between(birth, as_of)",
        "years_between(as_of, birth)",
        "years_between(birth, `join date`)",
        "years_between(date(\"2000-02-29\"), birth) + day(as_of)",
        "year(as_of) * 100 + month(as_of)",
        "years_between(birth, as_of) < 35 and years_between(birth, as_of) >= 0",
        "days_between(birth, as_of)",
        "as_of - birth",
        "birth + score",
        "score + birth",
        "birth - progress",
        "birth < as_of",
        "birth >= `join date`",
        "flag = other",
        "flag != true",
        "score * 4611686018427387904 + progress",
        "-9223372036854775807 - score",
        /* text and enumerations where they are compared or tested */
        "name = '张三'",
        "name != \"党支部书记\"",
        "name < '张'",
        "name >= ''",
        "contains(name, '书记') and not contains(name, '副书记')",
        "starts_with(name, '张')",
        "ends_with(name, '')",
        "edu >= \"大专\"",
        "edu < \"初中\" or fav = \"red\"",
        "if contains(name, '书记') then score else 0",
    };
    /* edge values: zero, signs, INT64 limits, missing, NaN and overflowing
     * decimals, and the cells a date can hold */
    const vl_value ints[] = {vl_int(0),
                             vl_int(1),
                             vl_int(-1),
                             vl_int(6),
                             vl_int(7),
                             vl_int(INT64_MAX),
                             vl_int(INT64_MIN),
                             vl_int(INT64_MAX - 1),
                             vl_int(-10000001),
                             vl_int(3000000),
                             vl_missing("进度 is empty")};
    const vl_value decs[] = {vl_dec(0.0), vl_dec(-0.0),      vl_dec(0.5),
                             vl_dec(2.5), vl_dec(-1.5),      vl_dec(1e308),
                             vl_dec(NAN), vl_dec(-INFINITY), vl_missing("平均年龄 is empty"),
                             vl_int(3)};
    const vl_value bools[] = {vl_bool(true), vl_bool(false), vl_missing("flag is empty")};
    const vl_value dates[] = {vl_date(ymd(1970, 5, 20)),  vl_date(ymd(1, 1, 1)),
                              vl_date(ymd(9999, 12, 31)), vl_missing("生日 is empty"),
                              vl_date(ymd(2000, 2, 29)),  vl_date(ymd(2025, 2, 28)),
                              vl_date(ymd(2025, 3, 1))};
    const char *const texts[] = {"张三", "", "党支部书记", "党支部副书记", "张", "李四", NULL};
    const int ntext = sizeof texts / sizeof texts[0];
    const int nint = sizeof ints / sizeof ints[0], ndec = sizeof decs / sizeof decs[0];
    const int nbool = sizeof bools / sizeof bools[0], ndate = sizeof dates / sizeof dates[0];
    int ran_fast = 0;
    for (size_t s = 0; s < sizeof fast_srcs / sizeof fast_srcs[0]; s++) {
        const char *src = fast_srcs[s];
        const ex_expr *e = C(src);
        if (!ex_has_fast(e))
            fail_msg("'%s' has no fast program", src);
        /* every combination of integers; the other slots walk their lists
         * alongside, so every decimal, boolean and date value meets
         * integers of every kind */
        for (int i = 0; i < nint * nint * nint; i++) {
            ent[0] = ints[i % nint];
            ent[2] = ints[(i / nint) % nint];
            ent[8] = ints[i / (nint * nint)];
            ent[1] = decs[i % ndec];
            ent[11] = decs[(i / ndec) % ndec];
            ent[6] = bools[i % nbool];
            ent[10] = bools[(i / nbool) % nbool];
            ent[4] = dates[i % ndate];
            ent[9] = dates[(i / ndate) % ndate];
            /* as_of changes too, now and then: what a program remembers of
             * it must follow */
            bi[0] = dates[(i / 5) % ndate];
            const char *t = texts[i % ntext];
            ent[3] = t ? vl_text(t, strlen(t)) : vl_missing("姓名 is empty");
            ent[5] = i % 6 == 5 ? vl_missing("学历 is empty") : vl_enumv(&edu, i % 5);
            ent[12] = (i / 7) % 3 == 2 ? vl_int(1) : vl_enumv(&color, (i / 7) % 3);
            tal[0] = ints[(i + 3) % nint];
            tal[1] = ints[(i / 7) % nint];
            vl_value fast = ex_eval(e, &env), careful = ex_eval_careful(e, &env);
            same_value(src, fast, careful);
            ran_fast += fast.kind != VL_MISSING;
        }
    }
    assert_true(ran_fast > 1000);
    /* no environment: the careful path's answer */
    const ex_expr *e = C("score + 1");
    same_value("score + 1", ex_eval(e, NULL), ex_eval_careful(e, NULL));
    /* in, the missing-aware functions and text anywhere but a comparison
     * or test stay careful */
    static const char *const careful_srcs[] = {
        "if flag then name else '李四'",
        "(if flag then name else '张') = '张'",
        "score in [1, 6]",
        "coalesce(progress, 0) > 3",
        "missing(progress)",
        "score",
        "12",
    };
    for (size_t s = 0; s < sizeof careful_srcs / sizeof careful_srcs[0]; s++)
        assert_false(ex_has_fast(C(careful_srcs[s])));
}

/* The aggregates over one relation evaluated together (ex_pre_run) give
 * what ex_agg_pre gives each, row after row: shared ages, filters that
 * gate arguments, a pick of text, a lone name, a count, a grouped one left
 * to ex_agg_pre, and rows with values missing or of the wrong kind. */
static void test_pre_matches_agg_pre(void **state)
{
    (void)state;
    int first = ex_agg_count(cc);
    const ex_expr *e = C("count(events) + avg(events, years_between(date, as_of)) + "
                         "count(events where years_between(date, as_of) < 35) + "
                         "pick(events, years_between(date, as_of) where contains(code, '书记') "
                         "and not contains(code, '副书记')) + "
                         "round(share(events, lvl >= \"大专\")) + sum(events, points where ok) + "
                         "max(events, age) + count(events where ok) + "
                         "min(events, years_between(date, as_of) * 2 + points where points > 1)");
    assert_non_null(e);
    const ex_expr *t = C("pick(events, code where ok) = 'x' and any(events, ok where points > 0) "
                         "and all(events, age > 1.5) and pick(events, lvl where ok) > '初中'");
    assert_non_null(t);
    int n = ex_agg_count(cc) - first;
    assert_int_equal(n, 13);
    const ex_agg *ags[32];
    int pc[32], pa[32], npre = 0;
    for (int k = 0; k < n; k++) {
        ags[k] = ex_agg_get(cc, first + k);
        pc[k] = ags[k]->cond ? npre++ : -1;
        pa[k] = ags[k]->op != EX_AGG_COUNT ? npre++ : -1;
    }
    const ex_pre *x = ex_pre_compile(arena, ags, pc, pa, n);
    assert_non_null(x);
    const vl_value dates[] = {vl_date(ymd(1970, 5, 20)),  vl_date(ymd(2000, 2, 29)),
                              vl_date(ymd(1995, 12, 31)), vl_missing("生日 is empty"),
                              vl_date(ymd(9999, 12, 31)), vl_int(3)};
    const char *const codes[] = {"党支部书记", "党支部副书记", "书记", "委员", "", NULL};
    const vl_value ints[] = {vl_int(0), vl_int(5), vl_int(-3), vl_int(INT64_MAX),
                             vl_missing("分值 is empty")};
    const vl_value decs[] = {vl_dec(1.5), vl_dec(-0.0), vl_dec(NAN), vl_missing("年龄 is empty")};
    const vl_value bools[] = {vl_bool(true), vl_bool(false), vl_missing("ok is empty")};
    vl_value pre[64], two[2];
    int ran = 0;
    for (int i = 0; i < 6 * 6 * 5 * 4 * 3; i++) {
        row[3] = dates[i % 6];
        const char *c = codes[(i / 6) % 6];
        row[0] = c ? vl_text(c, strlen(c)) : vl_missing("职务 is empty");
        row[1] = ints[(i / 36) % 5];
        row[2] = decs[(i / 180) % 4];
        row[4] = bools[(i / 7) % 3];
        row[5] = i % 7 == 6 ? vl_missing("学历 is empty") : vl_enumv(&edu, i % 5);
        bi[0] = i % 11 == 10 ? vl_date(ymd(2024, 2, 28)) : vl_date(ymd(2025, 12, 31));
        for (int k = 0; k < npre; k++)
            pre[k] = vl_int(-999); /* every slot the run must write is written */
        ex_pre_run(x, &env, pre);
        for (int k = 0; k < n; k++) {
            ex_agg_pre(ags[k], &env, two);
            if (pc[k] >= 0)
                same_value(ags[k]->text, pre[pc[k]], two[0]);
            if (pa[k] >= 0)
                same_value(ags[k]->text, pre[pa[k]], two[1]);
            ran += pa[k] >= 0 && two[1].kind != VL_MISSING;
        }
    }
    assert_true(ran > 1000);
    /* a grouped aggregate (distinct too) is not for ex_agg_pre */
    assert_non_null(C("distinct(events, code)"));
    ags[n] = ex_agg_get(cc, ex_agg_count(cc) - 1);
    pc[n] = pa[n] = -1;
    assert_null(ex_pre_compile(arena, ags, pc, pa, n + 1));
    /* no environment: ex_agg_pre's answer */
    ex_pre_run(x, NULL, pre);
    for (int k = 0; k < n; k++) {
        ex_agg_pre(ags[k], NULL, two);
        if (pa[k] >= 0)
            same_value(ags[k]->text, pre[pa[k]], two[1]);
    }
}

/* Mutation testing patches the compiled tree (ex_sites); the program must
 * see every patch, never a stale copy. */
static void test_fast_sees_mutants(void **state)
{
    (void)state;
    const ex_expr *e = C("score <= 6 and progress > start_points");
    assert_true(ex_has_fast(e));
    ent[0] = vl_int(6);
    ent[2] = vl_int(55);
    is_bool(ex_eval(e, &env), true);
    ex_site sites[8];
    int n = ex_sites(e, sites, 8);
    assert_true(n >= 4);
    for (int i = 0; i < n; i++) {
        unsigned char saved[sizeof(vl_value)];
        memcpy(saved, sites[i].at, sites[i].size);
        if (sites[i].kind == EX_SITE_CMP || sites[i].kind == EX_SITE_LOGIC) {
            memcpy(sites[i].at, sites[i].alt, sites[i].size);
        } else {
            vl_value v = sites[i].val;
            v.u.i += 50;
            memcpy(sites[i].at, &v, sizeof v);
        }
        for (int k = 0; k < 3; k++) {
            ent[0] = vl_int(5 + k);
            ent[2] = vl_int(11 + k * 50);
            same_value("mutant", ex_eval(e, &env), ex_eval_careful(e, &env));
        }
        memcpy(sites[i].at, saved, sites[i].size);
    }
    /* a comparison turned from <= to <: score 6 no longer passes */
    ent[0] = vl_int(6);
    ent[2] = vl_int(55);
    for (int i = 0; i < n; i++)
        if (sites[i].kind == EX_SITE_CMP && sites[i].cmp == EX_CMP_LE) {
            memcpy(sites[i].at, sites[i].alt, sites[i].size);
            is_bool(ex_eval(e, &env), false);
        }
    /* one comparison with an integer literal read as a decimal (the
     * program's shortest way): its operator and its number patched */
    const ex_expr *one = C("avg_age >= 55");
    assert_true(ex_has_fast(one));
    n = ex_sites(one, sites, 8);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        unsigned char saved[sizeof(vl_value)];
        memcpy(saved, sites[i].at, sites[i].size);
        if (sites[i].kind == EX_SITE_CMP) {
            memcpy(sites[i].at, sites[i].alt, sites[i].size);
        } else {
            vl_value v = sites[i].val;
            v.u.i -= 1;
            memcpy(sites[i].at, &v, sizeof v);
        }
        const double ages[] = {53.5, 54, 54.5, 55, 55.5};
        for (int k = 0; k < 5; k++) {
            ent[1] = vl_dec(ages[k]);
            same_value("mutant", ex_eval(one, &env), ex_eval_careful(one, &env));
        }
        ent[1] = vl_dec(54.5); /* 54.5 >= 54 once the number is patched */
        if (sites[i].kind == EX_SITE_NUM)
            is_bool(ex_eval(one, &env), true);
        memcpy(sites[i].at, saved, sites[i].size);
    }
    ent[1] = vl_dec(54.5);
    is_bool(ex_eval(one, &env), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names_and_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operators_and_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aggregate_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arithmetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comparisons_and_enums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_if, setup, teardown),
        cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_floor_ceil_and_text_tests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_truth_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aggregates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tallies_and_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reentrant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_matches_careful, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pre_matches_agg_pre, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_sees_mutants, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
