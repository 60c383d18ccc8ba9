/* gr: results counted per group add up to the results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gr.h"

static void test_groups_add_up(void **state)
{
    (void)state;
    gr_table *t = gr_new(3, 2);
    bool up[2] = {true, false}, down[2] = {false, false};
    char name[32];
    uint64_t results = 0;
    /* 1000 groups force the table to grow and rehash many times. */
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(name, sizeof name, "村%d", i % 1000);
        gr_add(t, name, (size_t)n, (size_t)(i % 3), i % 7 ? down : up);
        results++;
    }
    gr_add(t, "", 0, 2, down); /* a result without a value is a group of its own */
    results++;
    assert_int_equal(gr_count(t), 1001);
    uint64_t sum = 0, lv = 0, fl = 0;
    for (size_t i = 0; i < gr_count(t); i++) {
        const gr_group *g = gr_get(t, i);
        sum += g->results;
        lv += g->levels[0] + g->levels[1] + g->levels[2];
        fl += g->flags[0];
        assert_int_equal(g->flags[1], 0);
    }
    assert_int_equal(sum, results);
    assert_int_equal(lv, results);
    assert_int_equal(fl, (5000 + 6) / 7);
    assert_string_equal(gr_get(t, 0)->name, "村0"); /* first met, first listed */
    assert_string_equal(gr_get(t, 1000)->name, "");
    assert_int_equal(gr_get(t, 0)->results, 5);
    assert_null(gr_get(t, 1001));
    gr_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_add_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
