/* Cells a spreadsheet would run as formulas are written inert in CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wr.h"

static void test_formula_like(void **state)
{
    (void)state;
    const char *yes[] = {"=1+1", "+86", "-x", "@SUM(A1)", "\tx", "\rx"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(wr_formula_like(yes[i], strlen(yes[i])));
    const char *no[] = {"", "x=1", "田丽", "'=1", " =1"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(wr_formula_like(no[i], strlen(no[i])));
}

static char *field(const char *s)
{
    static char buf[256];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    wr_csv_field(f, s, strlen(s));
    fclose(f);
    return buf;
}

static void test_csv_field(void **state)
{
    (void)state;
    assert_string_equal(field("=HYPERLINK(\"http://example.org\",\"x\")"),
                        "\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\"");
    assert_string_equal(field("-3"), "'-3");
    assert_string_equal(field("\tx"), "'\tx");
    assert_string_equal(field("\rx"), "\"'\rx\"");
    assert_string_equal(field("a,b"), "\"a,b\"");
    assert_string_equal(field("田丽"), "田丽");
}

/* Through the row writer: a text cell is made inert, a negative number is not. */
static void test_writer(void **state)
{
    (void)state;
    static char buf[512];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    static wr_writer w;
    const char *names[] = {"name", "n", "reasons"};
    wr_begin(&w, f, RF_FORMAT_CSV, names, 3);
    wr_row_begin(&w);
    wr_text(&w, "@x", 2);
    wr_value(&w, vl_int(-3));
    const char *reasons[] = {"-a", "b"};
    wr_list(&w, reasons, 2);
    wr_row_end(&w);
    assert_true(wr_flush(&w));
    fclose(f);
    assert_string_equal(buf, "name,n,reasons\n'@x,-3,'-a; b\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_like),
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
