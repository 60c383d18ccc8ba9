/* The embedding API as another program uses it: the level getters, and the
 * promise in rosterflag.h that one loaded pack may be run by several threads
 * at once (each with its own diagnostics and streams) with the same results
 * as one run at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rosterflag.h"

static const char *const levels_src =
    "rosterflag: 1\n"
    "pack: {id: lv, version: \"1\", title: {zh: 测试, en: test}}\n"
    "inputs:\n"
    "  people:\n"
    "    key: id\n"
    "    columns:\n"
    "      id: {type: text, required: true}\n"
    "      n: integer\n"
    "entity: {input: people}\n"
    "levels:\n"
    "  - {id: high, label: {zh: 高, en: high}, any: [\"n > 10\"]}\n"
    "  - {id: low, label: {zh: 低, en: low}, any: [\"n > 5\"]}\n"
    "no_level: {id: fine, label: {zh: 无, en: fine}}\n"
    "output: {columns: [id, n]}\n";

static void test_level_getters(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem("lv.yaml", levels_src, strlen(levels_src), &p, d), 0);
    assert_int_equal(rf_pack_level_count(p), 2);
    assert_string_equal(rf_pack_level_id(p, 0), "high");
    assert_string_equal(rf_pack_level_id(p, 1), "low");
    assert_string_equal(rf_pack_level_id(p, 2), "fine");
    assert_null(rf_pack_level_id(p, 3));
    rf_pack_free(p);
    rf_diags_free(d);
}

typedef struct job {
    const rf_pack *p;
    rf_input in[2];
    char *text;
    size_t len;
    int rc;
    size_t errors;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    FILE *out = open_memstream(&j->text, &j->len);
    rf_diags *d = rf_diags_new();
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    j->rc = rf_run(j->p, &o, j->in, 2, out, NULL, NULL, d);
    j->errors = rf_diags_errors(d);
    rf_diags_free(d);
    fclose(out);
    return NULL;
}

static void test_one_pack_two_threads(void **state)
{
    (void)state;
    const char *data = getenv("RF_TEST_DATA");
    assert_non_null(data);
    char pack[1024], members[1024], ledger[1024];
    snprintf(pack, sizeof pack, "%s/../../rules/xuanen-twelve-point.yaml", data);
    snprintf(members, sizeof members, "%s/../../samples/xuanen/members.csv", data);
    snprintf(ledger, sizeof ledger, "%s/../../samples/xuanen/ledger.csv", data);
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load(pack, &p, d), 0);

    enum { N = 4 };
    job jobs[N + 1];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i <= N; i++) {
        jobs[i].p = p;
        jobs[i].in[0] = (rf_input){"members", members, NULL, 0};
        jobs[i].in[1] = (rf_input){"events", ledger, NULL, 0};
    }
    run_job(&jobs[N]); /* alone first: the reference */
    assert_int_equal(jobs[N].rc, 0);
    assert_true(jobs[N].len > 1000);

    pthread_t t[N];
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, run_job, &jobs[i]), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i <= N; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].errors, jobs[N].errors);
        assert_int_equal(jobs[i].len, jobs[N].len);
        assert_memory_equal(jobs[i].text, jobs[N].text, jobs[N].len);
        free(jobs[i].text);
    }
    rf_pack_free(p);
    rf_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_getters),
        cmocka_unit_test(test_one_pack_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
