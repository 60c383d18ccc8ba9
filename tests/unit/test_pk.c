/* Loading rule packs: every error carries the file, line and column of the
 * offending text; a good pack loads and compiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk.h"
#include "rosterflag.h"

static const char *const good =
    "rosterflag: 1\n"                                              /* 1 */
    "pack: {id: t, version: \"1\", title: {zh: 测试, en: test}}\n" /* 2 */
    "inputs:\n"                                                    /* 3 */
    "  people:\n"                                                  /* 4 */
    "    key: id\n"                                                /* 5 */
    "    columns:\n"                                               /* 6 */
    "      id: {type: text, required: true}\n"                     /* 7 */
    "      n: integer\n"                                           /* 8 */
    "entity: {input: people}\n"                                    /* 9 */
    "measures:\n"                                                  /* 10 */
    "  twice: \"n * 2\"\n"                                         /* 11 */
    "levels:\n"                                                    /* 12 */
    "  - id: high\n"                                               /* 13 */
    "    any: [\"twice > 10\"]\n"                                  /* 14 */
    "output: {columns: [id, twice]}\n";                            /* 15 */

/* Replace the first occurrence of `from` in the good pack with `to`. */
static char *variant(const char *from, const char *to)
{
    static char buf[8192];
    const char *at = strstr(good, from);
    assert_non_null(at);
    size_t pre = (size_t)(at - good);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, good, to, at + strlen(from));
    return buf;
}

/* Loads src and expects failure whose first error is at line:col with a
 * message containing `msg`. */
static void expect_error_n(const char *src, size_t len, unsigned line, unsigned col,
                           const char *msg)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int rc = rf_pack_load_mem("t.yaml", src, len, &p, d);
    assert_int_equal(rc, -1);
    assert_null(p);
    const rf_diag *g = NULL;
    for (size_t i = 0; i < rf_diags_count(d); i++)
        if (rf_diags_get(d, i)->severity == RF_ERROR) {
            g = rf_diags_get(d, i);
            break;
        }
    assert_non_null(g);
    if (g->line != line || g->column != col || !strstr(g->message, msg))
        fail_msg("got %s:%llu:%u: %s; want %u:%u: ...%s...", g->file, (unsigned long long)g->line,
                 g->column, g->message, line, col, msg);
    assert_string_equal(g->file, "t.yaml");
    assert_int_equal(g->cls, RF_CLASS_PACK);
    if (col)
        assert_non_null(g->source_line);
    rf_diags_free(d);
}

static void expect_error(const char *src, unsigned line, unsigned col, const char *msg)
{
    expect_error_n(src, strlen(src), line, col, msg);
}

static void test_good_pack_loads(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", good, strlen(good), &p, d), 0);
    assert_non_null(p);
    assert_string_equal(rf_pack_id(p), "t");
    assert_string_equal(rf_pack_version(p), "1");
    assert_string_equal(rf_pack_title(p, "zh"), "测试");
    assert_int_equal(rf_pack_input_count(p), 1);
    assert_string_equal(rf_pack_input_name(p, 0), "people");
    assert_int_equal(rf_diags_errors(d), 0);
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_unknown_top_key(void **state)
{
    (void)state;
    expect_error(variant("measures:", "measurs:"), 10, 1,
                 "unknown key 'measurs' in the rule file (did you mean 'measures'?)");
}

static void test_unknown_column_key(void **state)
{
    (void)state;
    expect_error(variant("required: true", "requird: true"), 7, 24,
                 "unknown key 'requird' in a column (did you mean 'required'?)");
}

static void test_bad_type(void **state)
{
    (void)state;
    expect_error(variant("n: integer", "n: integr"), 8, 10,
                 "unknown type 'integr' (did you mean 'integer'?)");
}

static void test_percent_on_text(void **state)
{
    (void)state;
    /* percent: true drops a % sign from numbers; on text it means nothing */
    expect_error(variant("n: integer", "n: {type: text, percent: true}"), 8, 32,
                 "percent applies to integer and decimal columns only");
}

static void test_expression_unknown_name(void **state)
{
    (void)state;
    /* The column points inside the quoted expression, at the bad name. */
    expect_error(variant("\"twice > 10\"", "\"twise > 10\""), 14, 12,
                 "unknown name 'twise' (did you mean 'twice'?)");
}

static void test_expression_type_error(void **state)
{
    (void)state;
    expect_error(variant("\"n * 2\"", "\"n * 'x'\""), 11, 11,
                 "cannot multiply integer and text in 'n * 'x''");
}

static void test_condition_not_boolean(void **state)
{
    (void)state;
    expect_error(variant("\"twice > 10\"", "\"twice + 1\""), 14, 12,
                 "expected a boolean, found integer in 'twice + 1'");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_error(variant("      n: integer\n", "      n: integer\n      n: text\n"), 9, 7,
                 "duplicate key 'n' (first given at line 8)");
}

static void test_yaml_syntax(void **state)
{
    (void)state;
    expect_error(variant("entity: {input: people}", "entity: {input: people"), 10, 9,
                 "YAML syntax: did not find expected ',' or '}' while parsing a flow mapping");
}

static void test_alias_refused(void **state)
{
    (void)state;
    expect_error(variant("      n: integer", "      n: &t integer\n      m: *t"), 9, 10,
                 "aliases (*t) are not supported");
}

/* A billion-laughs file holds 90 aliases: one error for the first, and one
 * note counting the rest (each used to be an error of its own). */
static void test_alias_laughs_one_error(void **state)
{
    (void)state;
    char src[2048];
    size_t o = (size_t)snprintf(src, sizeof src, "rosterflag: 1\na: &a [lol, lol, lol]\n");
    for (int i = 0; i < 9; i++) {
        o += (size_t)snprintf(src + o, sizeof src - o, "%c: &%c [", 'b' + i, 'b' + i);
        for (int k = 0; k < 10; k++)
            o += (size_t)snprintf(src + o, sizeof src - o, "%s*%c", k ? ", " : "", 'a' + i);
        o += (size_t)snprintf(src + o, sizeof src - o, "]\n");
    }
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, o, &p, d), -1);
    assert_int_equal(rf_diags_errors(d), 1);
    assert_int_equal(rf_diags_count(d), 2);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 8);
    assert_string_equal(g->message,
                        "aliases (*a) are not supported in rule packs; write the value out");
    g = rf_diags_get(d, 1);
    assert_int_equal(g->severity, RF_NOTE);
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 12);
    assert_string_equal(g->message,
                        "and 89 more aliases from here to line 11, refused like the first");
    rf_diags_free(d);
}

/* Aliases used as keys: each stands in as an empty key, which used to add a
 * "duplicate key ''" error to the alias error; a real repeated key is
 * still one. */
static void test_alias_keys_not_duplicates(void **state)
{
    (void)state;
    const char *src = "rosterflag: 1\nx: &a 1\ny: &b 2\nz:\n  *a : 1\n  *b : 2\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), -1);
    assert_int_equal(rf_diags_errors(d), 1);
    assert_non_null(strstr(rf_diags_get(d, 0)->message, "aliases (*a)"));
    rf_diags_free(d);
    expect_error("rosterflag: 1\nz:\n  \"\": 2\n  \"\": 3\n", 4, 3,
                 "duplicate key '' (first given at line 3)");
}

static void test_measure_cycle(void **state)
{
    (void)state;
    expect_error(variant("  twice: \"n * 2\"\n", "  twice: \"again + 1\"\n  again: \"twice\"\n"),
                 11, 10, "depends on itself");
}

/* A pack of n measures m0..m(n-1) after the good pack's header (measures
 * start on line 11). down: m_i reads m_(i+1), so each reads one written
 * after it; else m_i reads m_(i-1). cycle: the last reads the first. */
static char *chain_pack(int n, bool down, bool cycle)
{
    size_t cap = (size_t)n * 40 + 1024, o = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    const char *head = strstr(good, "measures:\n");
    o += (size_t)snprintf(s, cap, "%.*s", (int)(head - good) + 10, good);
    for (int i = 0; i < n; i++) {
        int next = down ? i + 1 : i - 1;
        if (next >= 0 && next < n)
            o += (size_t)snprintf(s + o, cap - o, "  m%d: \"m%d + 1\"\n", i, next);
        else if (cycle)
            o += (size_t)snprintf(s + o, cap - o, "  m%d: \"m%d + 1\"\n", i, down ? 0 : n - 1);
        else
            o += (size_t)snprintf(s + o, cap - o, "  m%d: \"n\"\n", i);
    }
    snprintf(s + o, cap - o,
             "levels:\n  - id: high\n    any: [\"m0 > 10\", \"m%d > 10\"]\n"
             "output: {columns: [id, m0]}\n",
             n - 1);
    return s;
}

/* Compiling a measure used to compile the measures it reads first, by
 * recursion: 7,000 chained measures overflowed the stack (1,000 under
 * ASan). Either way round, they load. */
static void test_measure_chain_deep(void **state)
{
    (void)state;
    for (int down = 0; down <= 1; down++) {
        char *src = chain_pack(7000, down, false);
        rf_diags *d = rf_diags_new();
        rf_pack *p = NULL;
        assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), 0);
        assert_int_equal(rf_diags_errors(d), 0);
        rf_pack_free(p);
        rf_diags_free(d);
        free(src);
    }
}

/* A 3,000-long cycle is one error, at the measure the walk met first,
 * naming the cycle's length and some of its members. */
static void test_measure_cycle_long(void **state)
{
    (void)state;
    char *src = chain_pack(3000, true, true);
    expect_error(src, 11, 7,
                 "measure 'm0' depends on itself, through 3000 measures: m0 -> m1 -> m2 -> m3 "
                 "-> m4 -> ... (2993 more) -> m2998 -> m2999 -> m0");
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), -1);
    assert_int_equal(rf_diags_errors(d), 1);
    rf_diags_free(d);
    free(src);
    /* The other way round, the walk meets m0 first and finds the cycle
     * through m2999. */
    src = chain_pack(3000, false, true);
    expect_error(src, 11, 7, "measure 'm0' depends on itself, through 3000 measures: m0 -> m2999");
    free(src);
}

/* An error in a measure read by others is reported once, at its place,
 * whichever order they are written in. */
static void test_measure_error_once(void **state)
{
    (void)state;
    const char *src = variant("  twice: \"n * 2\"\n", "  twice: \"again + 1\"\n"
                                                      "  again: \"n * 'x' + nn\"\n");
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), -1);
    assert_int_equal(rf_diags_errors(d), 2);
    assert_int_equal(rf_diags_get(d, 0)->line, 12);
    assert_int_equal(rf_diags_get(d, 1)->line, 12);
    assert_non_null(strstr(rf_diags_get(d, 0)->message, "cannot multiply"));
    assert_non_null(strstr(rf_diags_get(d, 1)->message, "did you mean 'n'"));
    rf_diags_free(d);
}

/* A measure's attempt that reads a measure not compiled yet is thrown away
 * and retried: a complaint it made (here a 'within' that is a list) is
 * reported once, by the attempt that stands. */
static void test_measure_retry_reports_once(void **state)
{
    (void)state;
    const char *src = variant("  twice: \"n * 2\"\n", "  r: {rank: later, within: [n]}\n"
                                                      "  later: \"n * 2\"\n"
                                                      "  twice: \"n * 2\"\n");
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), -1);
    assert_int_equal(rf_diags_errors(d), 1);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->line, 11);
    assert_int_equal(g->column, 28);
    assert_string_equal(g->message, "an expression must be a scalar, not a list");
    rf_diags_free(d);
}

/* An attempt thrown away takes its aggregates with it: a ranking's 'within'
 * compiled, then its 'rank' read a measure not compiled yet; the retry
 * lifted the same count again, and the first copy was streamed per row for
 * nothing. */
static void test_measure_retry_forgets_aggregates(void **state)
{
    (void)state;
    const char *src = "rosterflag: 1\n"
                      "pack: {id: t, version: \"1\", title: t}\n"
                      "inputs:\n"
                      "  people:\n"
                      "    key: id\n"
                      "    columns: {id: text, n: integer}\n"
                      "  ev:\n"
                      "    columns: {who: {type: text, ref: people}, k: integer}\n"
                      "entity: {input: people}\n"
                      "measures:\n"
                      "  r: {rank: later, within: \"count(ev where k > 100)\"}\n"
                      "  later: \"n * 2\"\n"
                      "levels:\n"
                      "  - id: high\n"
                      "    any: [\"r = 1\"]\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), 0);
    assert_int_equal(p->naggs, 1);
    assert_int_equal(ex_agg_count(p->ex), 1);
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_measure_named_like_column(void **state)
{
    (void)state;
    expect_error(variant("  twice: \"n * 2\"\n", "  twice: \"n * 2\"\n  n: \"1\"\n"), 12, 3,
                 "has the name of a column");
}

static void test_unknown_output_column(void **state)
{
    (void)state;
    expect_error(variant("[id, twice]", "[id, twic]"), 15, 24,
                 "output column 'twic' is not a measure, tally or column of 'people' "
                 "(did you mean 'twice'?)");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    static char deep[200000];
    size_t o = 0;
    for (int i = 0; i < 10000; i++)
        deep[o++] = '[';
    for (int i = 0; i < 10000; i++)
        deep[o++] = ']';
    deep[o] = 0;
    expect_error(deep, 1, 65, "nesting deeper than 64 levels");
}

static void test_not_utf8(void **state)
{
    (void)state;
    /* "测试" in GB18030 */
    expect_error("rosterflag: 1\n# \xb2\xe2\xca\xd4\n", 2, 0, "rule files must be UTF-8");
}

static void test_missing_entity(void **state)
{
    (void)state;
    expect_error(variant("entity: {input: people}", "entity: {input: persons}"), 9, 17,
                 "entity input 'persons' is not one of the inputs");
}

static void test_tab_indent(void **state)
{
    (void)state;
    expect_error(variant("    key: id\n", "\tkey: id\n"), 5, 1,
                 "(the line is indented with a tab: YAML indents with spaces only)");
}

static void test_utf16_and_nul(void **state)
{
    (void)state;
    static const char le[] = "\xff\xfer\0o\0";           /* UTF-16LE with its mark */
    static const char bare[] = "#\0 \0x\0";              /* UTF-16LE, no mark */
    static const char nul[] = "rosterflag: 1\n\0x: 1\n"; /* a NUL on line 2 */
    expect_error_n(le, sizeof le - 1, 1, 0, "this one looks like UTF-16");
    expect_error_n(bare, sizeof bare - 1, 1, 0, "this one looks like UTF-16");
    expect_error_n(nul, sizeof nul - 1, 2, 0, "a NUL byte at byte offset 14");
}

/* Found by fuzzing: names given as a map left the column with no name to
 * report, and the next message read through a null list. */
static void test_names_not_a_list(void **state)
{
    (void)state;
    expect_error(variant("      n: integer", "      n: {type: integer, names: {a: b}}"), 8, 33,
                 "names must be");
    expect_error(variant("      n: integer", "      n: {type: integer, names: []}"), 8, 33,
                 "names must list at least one header name");
}

/* A tally in error does not silence the rest of the pack: a measure,
 * condition or output column that reads it says nothing more (its own
 * complaint would only repeat the tally's), but a condition beside it, in
 * the same level, and a measure that does not read it are still checked. */
static const char *const broken_tally =
    "rosterflag: 1\n"                                                                     /* 1 */
    "pack: {id: t, version: \"1\", title: {zh: 测试, en: test}}\n"                        /* 2 */
    "inputs:\n"                                                                           /* 3 */
    "  people:\n"                                                                         /* 4 */
    "    key: id\n"                                                                       /* 5 */
    "    columns: {id: {type: text, required: true}, n: integer}\n"                       /* 6 */
    "  events:\n"                                                                         /* 7 */
    "    columns:\n"                                                                      /* 8 */
    "      id: {type: text, required: true, ref: people}\n"                               /* 9 */
    "      code: {type: text, required: true}\n"                                          /* 10 */
    "entity: {input: people}\n"                                                           /* 11 */
    "catalogues:\n"                                                                       /* 12 */
    "  acts:\n"                                                                           /* 13 */
    "    fields: {points: integer}\n"                                                     /* 14 */
    "    items: [{code: A, name: {zh: 甲, en: a}, points: 1}]\n"                          /* 15 */
    "tallies:\n"                                                                          /* 16 */
    "  gone: {catalogue: actz, weight: points, from_rows: {input: events, code: code}}\n" /* 17 */
    "  off: {catalogue: acts, weight: pointz, from_rows: {input: events, code: code}}\n"  /* 18 */
    "measures:\n"                                                                         /* 19 */
    "  total: \"gone + off\"\n"                                                           /* 20 */
    "  hits: \"count(gone where points > 1) + sum(off, points)\"\n"                       /* 21 */
    "  twice: \"n * 'x'\"\n"                                                              /* 22 */
    "levels:\n"                                                                           /* 23 */
    "  - id: high\n"                                                                      /* 24 */
    "    any: [\"total > 3\", \"hits > 1\", \"nn > 1\"]\n"                                /* 25 */
    "flags:\n"                                                                            /* 26 */
    "  - id: low\n"                                                                       /* 27 */
    "    any: [\"gone < 1\", \"twice < 'y'\"]\n"                                          /* 28 */
    "output: {columns: [id, total, gone, nope]}\n";                                       /* 29 */

static void test_broken_tally_others_checked(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", broken_tally, strlen(broken_tally), &p, d), -1);
    assert_null(p);
    static const struct {
        unsigned line;
        const char *msg;
    } want[] = {
        {17, "catalogue 'actz' is not defined"},
        {18, "weight 'pointz' is not a field of catalogue 'acts'"},
        {22, "cannot multiply"},
        {25, "unknown name 'nn'"},
        {29, "nope"},
    };
    size_t nwant = sizeof want / sizeof want[0], k = 0;
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        if (g->severity != RF_ERROR)
            continue;
        if (k >= nwant || g->line != want[k].line || !strstr(g->message, want[k].msg))
            fail_msg("error %zu: %llu:%u: %s; want %u: ...%s...", k, (unsigned long long)g->line,
                     g->column, g->message, k < nwant ? want[k].line : 0,
                     k < nwant ? want[k].msg : "(none)");
        k++;
    }
    assert_int_equal(k, nwant);
    rf_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_pack_loads),
        cmocka_unit_test(test_unknown_top_key),
        cmocka_unit_test(test_unknown_column_key),
        cmocka_unit_test(test_bad_type),
        cmocka_unit_test(test_expression_unknown_name),
        cmocka_unit_test(test_expression_type_error),
        cmocka_unit_test(test_condition_not_boolean),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_alias_refused),
        cmocka_unit_test(test_measure_cycle),
        cmocka_unit_test(test_measure_named_like_column),
        cmocka_unit_test(test_unknown_output_column),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_alias_laughs_one_error),
        cmocka_unit_test(test_alias_keys_not_duplicates),
        cmocka_unit_test(test_measure_chain_deep),
        cmocka_unit_test(test_measure_cycle_long),
        cmocka_unit_test(test_measure_error_once),
        cmocka_unit_test(test_measure_retry_reports_once),
        cmocka_unit_test(test_measure_retry_forgets_aggregates),
        cmocka_unit_test(test_missing_entity),
        cmocka_unit_test(test_names_not_a_list),
        cmocka_unit_test(test_utf16_and_nul),
        cmocka_unit_test(test_tab_indent),
        cmocka_unit_test(test_percent_on_text),
        cmocka_unit_test(test_broken_tally_others_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
