/* Mutants of a compiled pack (test --mutate): the table lists each change
 * with its place and text, a mutant changes what a run decides, and undoing
 * it gives back the pack's own results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mu.h"
#include "rosterflag.h"

static const char *const src =
    "rosterflag: 1\n"                                              /* 1 */
    "pack: {id: t, version: \"1\", title: {zh: 测试, en: test}}\n" /* 2 */
    "constants:\n"                                                 /* 3 */
    "  line: 60\n"                                                 /* 4 */
    "inputs:\n"                                                    /* 5 */
    "  people:\n"                                                  /* 6 */
    "    key: id\n"                                                /* 7 */
    "    columns:\n"                                               /* 8 */
    "      id: {type: text, required: true}\n"                     /* 9 */
    "      n: integer\n"                                           /* 10 */
    "      s: decimal\n"                                           /* 11 */
    "entity: {input: people}\n"                                    /* 12 */
    "levels:\n"                                                    /* 13 */
    "  - id: low\n"                                                /* 14 */
    "    any: [\"n < line\", \"s <= 0.25 and n > 0\"]\n";          /* 15 */

static const mu_mutant *find(const mu_table *t, const char *to)
{
    for (int i = 0; i < t->n; i++)
        if (t->m[i].to && strcmp(t->m[i].to, to) == 0)
            return &t->m[i];
    return NULL;
}

static int on_result(void *ctx, const rf_result *r)
{
    snprintf(ctx, 32, "%s", r->level);
    return 0;
}

static const char *level_of(const rf_pack *p, const char *csv, char *out)
{
    rf_input in = {"people", csv, NULL, 0};
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    o.on_result = on_result;
    o.ctx = out;
    rf_diags *d = rf_diags_new();
    out[0] = '\0';
    assert_int_equal(rf_run(p, &o, &in, 1, NULL, NULL, NULL, d), 0);
    rf_diags_free(d);
    return out;
}

static void test_table(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), 0);
    mu_table *t = mu_table_new(p);
    /* line ±1; '<' to '<='; '<=' to '<', 0.25 ± 0.01, and to or, '>' to '>=',
     * 0 ± 1; any to all; each of the two conditions dropped */
    assert_int_equal(t->n, 13);
    const mu_mutant *m = find(t, "line: 61");
    assert_non_null(m);
    assert_int_equal(m->line, 4);
    assert_int_equal(m->col, 9);
    assert_string_equal(m->hint, "a case with n = 60 would tell them apart");
    m = find(t, "n <= line");
    assert_non_null(m);
    assert_int_equal(m->line, 15);
    assert_int_equal(m->col, 14); /* the operator, inside the quotes */
    assert_string_equal(m->from, "n < line");
    m = find(t, "s <= 0.24 and n > 0");
    assert_non_null(m);
    assert_int_equal(m->col, 29);
    assert_string_equal(m->hint, "a case with s = 0.25 would tell them apart");
    assert_non_null(find(t, "s <= 0.26 and n > 0"));
    assert_non_null(find(t, "s <= 0.25 or n > 0"));
    assert_non_null(find(t, "s < 0.25 and n > 0"));
    assert_non_null(find(t, "s <= 0.25 and n >= 0"));
    assert_non_null(find(t, "level low: all"));
    int drops = 0;
    for (int i = 0; i < t->n; i++)
        drops += t->m[i].to == NULL && strcmp(t->m[i].owner, "level low") == 0;
    assert_int_equal(drops, 2);
    mu_table_free(t);
    rf_pack_free(p);
    rf_diags_free(d);
}

static void test_apply_undo(void **state)
{
    (void)state;
    char csv[] = "/tmp/rf-test-mu-XXXXXX";
    int fd = mkstemp(csv);
    assert_true(fd >= 0);
    const char rows[] = "id,n,s\nA,60,0.9\n";
    assert_int_equal(write(fd, rows, sizeof rows - 1), (ssize_t)(sizeof rows - 1));
    close(fd);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("t.yaml", src, strlen(src), &p, d), 0);
    mu_table *t = mu_table_new(p);
    char got[32];
    assert_string_equal(level_of(p, csv, got), "none");
    int le = (int)(find(t, "n <= line") - t->m), up = (int)(find(t, "line: 61") - t->m);
    mu_apply(t, le);
    assert_string_equal(level_of(p, csv, got), "low"); /* 60 <= 60 */
    mu_undo(t, le);
    assert_string_equal(level_of(p, csv, got), "none");
    mu_apply(t, up);
    assert_string_equal(level_of(p, csv, got), "low"); /* 60 < 61 */
    mu_undo(t, up);
    /* every mutant undone leaves the pack as it was */
    for (int i = 0; i < t->n; i++) {
        mu_apply(t, i);
        mu_undo(t, i);
    }
    assert_string_equal(level_of(p, csv, got), "none");
    mu_table_free(t);
    rf_pack_free(p);
    rf_diags_free(d);
    unlink(csv);
}

/* Mutants reach inside a grouped aggregate: its 'by' and its inner
 * aggregate's expression, not only a plain aggregate's argument and filter. */
static void test_grouped_sites(void **state)
{
    (void)state;
    static const char gsrc[] = "rosterflag: 1\n"
                               "pack: {id: g, version: \"1\", title: {zh: 测试, en: test}}\n"
                               "inputs:\n"
                               "  people:\n"
                               "    key: id\n"
                               "    columns: {id: {type: text, required: true}}\n"
                               "  team:\n"
                               "    columns:\n"
                               "      id: {type: text, required: true, ref: people}\n"
                               "      age: integer\n"
                               "entity: {input: people}\n"
                               "measures:\n"
                               "  top: \"max(team by age > 40, max(age - 3))\"\n"
                               "levels:\n"
                               "  - id: low\n"
                               "    any: [\"top > 0\"]\n";
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("g.yaml", gsrc, strlen(gsrc), &p, d), 0);
    mu_table *t = mu_table_new(p);
    assert_non_null(find(t, "max(team by age >= 40, max(age - 3))"));
    assert_non_null(find(t, "max(team by age > 41, max(age - 3))"));
    assert_non_null(find(t, "max(team by age > 40, max(age - 4))"));
    mu_table_free(t);
    rf_pack_free(p);
    rf_diags_free(d);
}

/* A pack of many mutation sites: the table is built in time linear in them
 * (a scan of the sites seen per site, of the constants' uses per constant
 * and of the compiled expressions per site made it quadratic: minutes at
 * this size). Each measure 'n > i or n < ki' has five sites (two
 * comparisons, a number, an 'or', the constant folded in), seven mutants. */
enum { BIG = 50000 };

static void test_large_pack(void **state)
{
    (void)state;
    size_t cap = (size_t)BIG * 64 + 1024, o = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    o += (size_t)snprintf(big + o, cap - o,
                          "rosterflag: 1\n"
                          "pack: {id: big, version: \"1\", title: {zh: 大, en: big}}\n"
                          "inputs:\n"
                          "  people:\n"
                          "    key: id\n"
                          "    columns: {id: {type: text, required: true}, n: integer}\n"
                          "entity: {input: people}\n"
                          "constants:\n");
    for (int i = 0; i < BIG; i++)
        o += (size_t)snprintf(big + o, cap - o, "  k%d: %d\n", i, i);
    o += (size_t)snprintf(big + o, cap - o, "measures:\n");
    for (int i = 0; i < BIG; i++)
        o += (size_t)snprintf(big + o, cap - o, "  m%d: \"n > %d or n < k%d\"\n", i, i, i);
    o += (size_t)snprintf(big + o, cap - o, "levels:\n  - id: low\n    any: [\"m0\"]\n");
    assert_true(o < cap);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("big.yaml", big, o, &p, d), 0);
    mu_table *t = mu_table_new(p);
    assert_int_equal(t->n, 7 * BIG + 1); /* and the level's one condition dropped */
    /* the last measure's mutants, at their places in the file */
    char want[64];
    snprintf(want, sizeof want, "n > %d or n <= k%d", BIG - 1, BIG - 1);
    const mu_mutant *m = find(t, want);
    assert_non_null(m);
    assert_int_equal(m->line, 9 + 2 * BIG);
    snprintf(want, sizeof want, "k%d: %d", BIG - 1, BIG);
    m = find(t, want);
    assert_non_null(m);
    assert_int_equal(m->line, 8 + BIG);
    assert_int_equal(m->n, 1); /* its one use */
    mu_table_free(t);
    rf_pack_free(p);
    rf_diags_free(d);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_apply_undo),
        cmocka_unit_test(test_grouped_sites),
        cmocka_unit_test(test_large_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
