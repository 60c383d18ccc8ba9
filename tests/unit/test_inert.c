/* Cells a spreadsheet would run as formulas are written inert in CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    memset(buf, 0, sizeof buf); /* an empty field writes nothing, not even the NUL */
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

/* Integers and encoded cells take a short way into the buffer; across
 * many flushes the bytes must be those expected. And a text encoded once
 * (wr_encode) writes as wr_text writes it, in CSV and JSON lines. */
static size_t one_cell(rf_format fmt, const char *cell, size_t cn, const char *t, char *out)
{
    static wr_writer w;
    FILE *f = fmemopen(out, 256, "w");
    assert_non_null(f);
    const char *names[] = {"x", "y"};
    wr_begin(&w, f, fmt, names, 2);
    wr_row_begin(&w);
    wr_value(&w, vl_int(-7));
    if (cell)
        wr_encoded(&w, cell, cn);
    else if (t) /* gcc -O3 warns of strlen(NULL) otherwise */
        wr_text(&w, t, strlen(t));
    wr_row_end(&w);
    assert_true(wr_flush(&w));
    long n = ftell(f);
    fclose(f);
    return (size_t)n;
}

static void test_writer_paths(void **state)
{
    (void)state;
    const char *texts[] = {"=1+1", "a,b", "say \"hi\"", "田丽", "", "-3", "x\ny"};
    enum { NT = sizeof texts / sizeof texts[0] };
    ar_arena *a = ar_new();
    const char *cell[NT];
    size_t cn[NT];
    for (int fmt = 0; fmt < 2; fmt++) {
        rf_format ff = fmt ? RF_FORMAT_JSONL : RF_FORMAT_CSV;
        for (int k = 0; k < NT; k++) {
            char x[256] = {0}, y[256] = {0};
            cell[k] = wr_encode(a, ff, texts[k], strlen(texts[k]), &cn[k]);
            assert_non_null(cell[k]);
            size_t nx = one_cell(ff, cell[k], cn[k], NULL, x);
            size_t ny = one_cell(ff, NULL, 0, texts[k], y);
            assert_int_equal(nx, ny);
            assert_memory_equal(x, y, nx);
        }
    }
    /* CSV, 20,000 rows: integer, text, encoded text, integer */
    for (int k = 0; k < NT; k++)
        cell[k] = wr_encode(a, RF_FORMAT_CSV, texts[k], strlen(texts[k]), &cn[k]);
    static wr_writer w;
    FILE *f = tmpfile();
    assert_non_null(f);
    const char *names[] = {"i", "t", "c", "j"};
    wr_begin(&w, f, RF_FORMAT_CSV, names, 4);
    size_t cap = 8u << 20, n = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    n += (size_t)snprintf(want, cap, "i,t,c,j\n");
    uint64_t x = 1;
    for (int r = 0; r < 20000; r++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t v = r % 5 == 0 ? (int64_t)x : r % 5 == 1 ? INT64_MIN : r % 5 == 2 ? -r : r;
        int k = r % NT;
        wr_row_begin(&w);
        wr_value(&w, vl_int(v));
        wr_text(&w, texts[k], strlen(texts[k]));
        wr_encoded(&w, cell[k], cn[k]);
        wr_value(&w, vl_int(r));
        wr_row_end(&w);
        n += (size_t)snprintf(want + n, cap - n, "%lld,%.*s,%.*s,%d\n", (long long)v, (int)cn[k],
                              cell[k], (int)cn[k], cell[k], r);
    }
    assert_true(wr_flush(&w));
    long got = ftell(f);
    assert_true(got > 4 * WR_BUF);
    assert_int_equal((size_t)got, n);
    char *b = malloc(n);
    assert_non_null(b);
    rewind(f);
    assert_int_equal(fread(b, 1, n, f), n);
    assert_memory_equal(b, want, n);
    free(b);
    free(want);
    fclose(f);
    ar_free(a);
}

/* The writer's fast test (wr_csv_plain, and wr_plain_put, which copies as
 * it tests) says "plain" exactly when no byte lies below '-' and the
 * first byte is not '-', '=' or '@': every byte value at every place of
 * texts of 0 to 40 bytes, with ASCII and UTF-8 filler, each in a block of
 * its own length (the sanitizer build sees a read past it); a plain text
 * is copied whole and nothing past it is written. Anything it calls plain
 * is a cell written as it is (wr_csv_field agrees). */
static bool plain_expected(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x2D)
            return false;
    return !(n && (s[0] == '-' || s[0] == '=' || s[0] == '@'));
}

static void test_plain(void **state)
{
    (void)state;
    const unsigned char fill[2][3] = {{'a', 'b', 'c'}, {0xE5, 0x85, 0x9A}};
    for (size_t n = 0; n <= 40; n++)
        for (int fi = 0; fi < 2; fi++)
            for (size_t p = 0; p < (n ? n : 1); p++)
                for (int b = 0; b < 256; b++) {
                    unsigned char *s = malloc(n ? n : 1);
                    char *d = malloc(n + 1);
                    assert_non_null(s);
                    assert_non_null(d);
                    for (size_t i = 0; i < n; i++)
                        s[i] = fill[fi][i % 3];
                    if (n)
                        s[p] = (unsigned char)b;
                    d[n] = 'Z';
                    bool want = plain_expected(s, n);
                    assert_int_equal(wr_csv_plain((const char *)s, n), want);
                    assert_int_equal(wr_plain_put(d, (const char *)s, n), want);
                    assert_int_equal(d[n], 'Z');
                    if (want) {
                        assert_memory_equal(d, s, n);
                        char *t = malloc(n + 1);
                        assert_non_null(t);
                        memcpy(t, s, n);
                        t[n] = 0;
                        if (!memchr(t, 0, n))
                            assert_string_equal(field(t), t);
                        free(t);
                    }
                    free(s);
                    free(d);
                    if (!n)
                        break;
                }
}

/* What the rule says a CSV cell holding s[0..n) is: quoted (quotes doubled)
 * when it holds a comma, a quote or a line break, after an apostrophe when
 * `inert`; its length. */
static size_t csv_want(char *want, const char *s, size_t n, bool inert)
{
    bool q = memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) || memchr(s, '\r', n);
    size_t k = 0;
    if (q)
        want[k++] = '"';
    if (inert)
        want[k++] = '\'';
    for (size_t i = 0; i < n; i++) {
        if (q && s[i] == '"')
            want[k++] = '"';
        want[k++] = s[i];
    }
    if (q)
        want[k++] = '"';
    return k;
}

/* A CSV writer of one column `name` into out (zeroed), its header put aside:
 * write a cell, then wr_flush and fclose the stream it returns. */
static FILE *one_column(wr_writer *w, char *out, size_t cap, const char *name)
{
    memset(out, 0, cap);
    FILE *f = fmemopen(out, cap, "w");
    assert_non_null(f);
    const char *names[] = {name};
    wr_begin(w, f, RF_FORMAT_CSV, names, 1);
    w->n = 0;
    return f;
}

/* A CSV text cell is quoted exactly when it holds a comma, a quote or a
 * line break: each of those and of some bytes that are not (a space, '+',
 * '!', a letter) at every place of texts of 1 to 64 bytes among spaces,
 * which send every word of a short text down the closer test (a long one
 * is scanned whole), written by wr_text and checked against the rule
 * itself, quotes doubled. */
static void test_quote_words(void **state)
{
    (void)state;
    const char probe[] = {',', '"', '\n', '\r', ' ', '+', '!', 'x'};
    static char out[256];
    static wr_writer w;
    for (size_t n = 1; n <= 64; n++)
        for (size_t p = 1; p < n; p++)
            for (size_t b = 0; b < sizeof probe; b++) {
                char s[64], want[160];
                for (size_t i = 0; i < n; i++)
                    s[i] = i % 3 == 2 ? ' ' : 'a';
                s[p] = probe[b];
                size_t k = csv_want(want, s, n, false);
                FILE *f = one_column(&w, out, sizeof out, "t");
                wr_text(&w, s, n);
                wr_flush(&w);
                fclose(f);
                assert_memory_equal(out, want, k);
                assert_int_equal(out[k], 0);
            }
}

/* A list in CSV is one cell, the items joined with "; ": quoted (quotes
 * doubled) when an item holds a comma, a quote or a line break, made inert
 * when the first item looks like a formula, empty when there is none; each
 * list of up to three of these items, checked against the rule. */
static void test_list(void **state)
{
    (void)state;
    const char *item[] = {"low: score 6 ≤ 6", "-a", "", "say \"hi\"", "a,b", "=x", "b"};
    enum { NI = sizeof item / sizeof item[0] };
    static char out[512];
    static wr_writer w;
    for (int n = 0; n <= 3; n++)
        for (int code = 0; code < NI * NI * NI; code++) {
            const char *items[3];
            for (int i = 0, c = code; i < n; i++, c /= NI)
                items[i] = item[c % NI];
            char joined[256] = {0}, want[512] = {0};
            for (int i = 0; i < n; i++) {
                if (i)
                    strcat(joined, "; ");
                strcat(joined, items[i]);
            }
            csv_want(want, joined, strlen(joined),
                     n && wr_formula_like(items[0], strlen(items[0])));
            FILE *f = one_column(&w, out, sizeof out, "r");
            wr_list(&w, items, n);
            wr_flush(&w);
            fclose(f);
            assert_string_equal(out, want);
            if (!n)
                break;
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_like), cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_writer),       cmocka_unit_test(test_writer_paths),
        cmocka_unit_test(test_plain),        cmocka_unit_test(test_quote_words),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
