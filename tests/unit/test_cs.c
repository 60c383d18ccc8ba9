/* CSV reader: physical line numbers for every kind of line end, quoting,
 * blank lines, header clean-up, encoding detection and conversion (also
 * across the 64 KiB read boundary), encoding errors with line and offset,
 * and the header-binding messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs.h"

#define CHUNK 65536

static char tmpdir[256];

/* ---- helpers ---------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void badd(buf *b, const void *s, size_t n)
{
    /* abort rather than assert_non_null: gcc -O3 cannot see that cmocka's
     * failure does not return, and warns of a memcpy past SIZE_MAX */
    if (n > SIZE_MAX / 4 - b->n)
        abort();
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void bstr(buf *b, const char *s)
{
    badd(b, s, strlen(s));
}

static void brep(buf *b, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        badd(b, &c, 1);
}

static const char *tmpfile_with(const char *name, const void *data, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char *datafile(const char *name)
{
    static char path[512];
    const char *root = getenv("RF_TEST_DATA");
    snprintf(path, sizeof path, "%s/csv/%s", root ? root : "tests/data", name);
    return path;
}

static char *to_gb18030(const char *utf8, size_t *outn)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inl = strlen(utf8), cap = inl * 2 + 16, outl = cap;
    char *out = malloc(cap), *o = out, *in = (char *)utf8;
    assert_non_null(out);
    assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
    iconv_close(cd);
    *outn = (size_t)(o - out);
    return out;
}

/* Every row as "line+nlines:f1|f2|...\n", CR and LF in fields shown as \r \n. */
typedef struct collect {
    cs_reader *r;
    buf text;
    buf raw;   /* cs_row_raw of each row, one per line */
    buf probs; /* "LINE keep|reject: problem" for each row with a problem */
    size_t rows;
    size_t stop_at; /* return 7 at this row (1-based), 0: never */
} collect;

static int on_row(void *ctx, const cs_row *row)
{
    collect *c = ctx;
    char t[64];
    c->rows++;
    assert_null(row->raw);
    snprintf(t, sizeof t, "%llu+%llu:", (unsigned long long)row->line,
             (unsigned long long)row->nlines);
    bstr(&c->text, t);
    for (size_t i = 0; i < row->nfields; i++) {
        const cs_field *f = &row->fields[i];
        assert_int_equal(f->p[f->n], 0);
        if (i)
            bstr(&c->text, "|");
        for (size_t k = 0; k < f->n; k++) {
            if (f->p[k] == '\n')
                bstr(&c->text, "\\n");
            else if (f->p[k] == '\r')
                bstr(&c->text, "\\r");
            else
                badd(&c->text, &f->p[k], 1);
        }
    }
    bstr(&c->text, "\n");
    size_t rn = 0;
    const char *raw = cs_row_raw(c->r, row, &rn);
    assert_int_equal(strlen(raw), rn);
    badd(&c->raw, raw, rn);
    bstr(&c->raw, "\n");
    if (row->problem) {
        snprintf(t, sizeof t, "%llu %s: ", (unsigned long long)row->line,
                 row->reject ? "reject" : "keep");
        bstr(&c->probs, t);
        bstr(&c->probs, row->problem);
        bstr(&c->probs, "\n");
    } else {
        assert_false(row->reject);
    }
    return c->stop_at && c->rows == c->stop_at ? 7 : 0;
}

static void collect_free(collect *c)
{
    free(c->text.p);
    free(c->raw.p);
    free(c->probs.p);
}

static cs_reader *open_mem(const char *name, const void *data, size_t n, cs_encoding enc,
                           unsigned char delim, rf_diags *d)
{
    cs_options o = {enc, delim};
    return cs_open(tmpfile_with(name, data, n), "members", &o, d);
}

/* Read a whole in-memory file with AUTO encoding; returns the row text. */
static void read_all(const char *content, size_t n, collect *c, uint64_t *blank)
{
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", content, n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    c->r = r;
    assert_int_equal(cs_read(r, on_row, c, d), 0);
    assert_int_equal(rf_diags_errors(d), 0);
    if (blank)
        *blank = cs_blank_lines(r);
    cs_close(r);
    rf_diags_free(d);
    if (!c->text.p)
        bstr(&c->text, "");
}

static const rf_diag *first_error(const rf_diags *d)
{
    for (size_t i = 0; i < rf_diags_count(d); i++)
        if (rf_diags_get(d, i)->severity == RF_ERROR)
            return rf_diags_get(d, i);
    return NULL;
}

/* ---- line ends, quoting, blank lines ------------------------------------ */

static void test_line_ends(void **state)
{
    (void)state;
    static const char s[] = "h1,h2\n" /* 1 */
                            "a,1\r\n" /* 2 */
                            "b,2\r"   /* 3 */
                            "c,3\n"   /* 4 */
                            "\n"      /* 5 */
                            "\r\n"    /* 6 */
                            "\r"      /* 7 */
                            "d,4";    /* 8, no line end */
    collect c = {0};
    uint64_t blank = 0;
    read_all(s, sizeof s - 1, &c, &blank);
    assert_string_equal(c.text.p, "2+1:a|1\n3+1:b|2\n4+1:c|3\n8+1:d|4\n");
    assert_int_equal(blank, 3);
    collect_free(&c);
}

static void test_cr_then_blanks(void **state)
{
    (void)state;
    /* A lone-CR file where a line of spaces sits between CR and LF: the CR
     * and the LF are two line ends, not one CRLF. */
    static const char s[] = "h\r"
                            "a\r"
                            "  \n"
                            "b\r\n"
                            "c\n";
    collect c = {0};
    uint64_t blank = 0;
    read_all(s, sizeof s - 1, &c, &blank);
    assert_string_equal(c.text.p, "2+1:a\n4+1:b\n5+1:c\n");
    assert_int_equal(blank, 1);
    collect_free(&c);
}

static void test_quoted(void **state)
{
    (void)state;
    static const char s[] = "id,note\n"             /* 1 */
                            "1,\"x\ny\"\n"          /* 2-3 */
                            "2,\"a\"\"b,c\"\n"      /* 4 */
                            "3,\"p\r\nq\r\nr\"\r\n" /* 5-7 */
                            "4,\"lone\rcr\"\n"      /* 8-9 */
                            "5,\" padded \"\n"      /* 10 */
                            "6,end\n"               /* 11 */
                            "7,say \"hi\"\n";       /* 12: stray quotes kept */
    collect c = {0};
    read_all(s, sizeof s - 1, &c, NULL);
    assert_string_equal(c.text.p, "2+2:1|x\\ny\n"
                                  "4+1:2|a\"b,c\n"
                                  "5+3:3|p\\r\\nq\\r\\nr\n"
                                  "8+2:4|lone\\rcr\n"
                                  "10+1:5| padded \n"
                                  "11+1:6|end\n"
                                  "12+1:7|say \"hi\"\n");
    assert_string_equal(c.raw.p, "1,\"x\ny\"\n"
                                 "2,\"a\"\"b,c\"\n"
                                 "3,\"p\r\nq\r\nr\"\n"
                                 "4,\"lone\rcr\"\n"
                                 "5,\" padded \"\n"
                                 "6,end\n"
                                 "7,\"say \"\"hi\"\"\"\n");
    collect_free(&c);
}

/* Text after a closing quote (Excel and hand edits write it) is appended to
 * the cell, as spreadsheets read it, and the row still ends at its line
 * break: libcsv's own reading went on as if inside the quotes and swallowed
 * the following lines into one cell. The row says so, to be noted. */
static void test_text_after_closing_quote(void **state)
{
    (void)state;
    static const char s[] = "id,note,x\n"                          /* 1 */
                            "1,\"会上说\"\"不去\"\"后\"未参加,a\n" /* 2 */
                            "2,b,c\n"                              /* 3 */
                            "3,\"q\"r\"s\",t\n"                    /* 4 */
                            "4,\"u\" v,w\n"                        /* 5 */
                            "5,\"a\" \"b\",z\n"                    /* 6 */
                            "6,say \"hi\",12\"\n"                  /* 7: quotes in plain cells */
                            "7,\"ok\"  ,y\n"                       /* 8: blanks, then the end */
                            "8,\"x\"y\n"                           /* 9 */
                            "9,z\n";                               /* 10 */
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(rf_diags_count(d), 0);
    assert_string_equal(c.text.p, "2+1:1|会上说\"不去\"后未参加|a\n"
                                  "3+1:2|b|c\n"
                                  "4+1:3|qr\"s\"|t\n"
                                  "5+1:4|u v|w\n"
                                  "6+1:5|a \"b\"|z\n"
                                  "7+1:6|say \"hi\"|12\"\n"
                                  "8+1:7|ok|y\n"
                                  "9+1:8|xy\n"
                                  "10+1:9|z\n");
    const char *why = "has text after its closing quote: read as spreadsheets read it, the text "
                      "appended to the cell and the row ending at its line break\n";
    buf want = {0};
    static const char *const lines[] = {"2", "4", "5", "6", "9"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        bstr(&want, lines[i]);
        bstr(&want, " keep: cell 2 (note) ");
        bstr(&want, why);
    }
    assert_string_equal(c.probs.p, want.p);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(want.p);
}

/* A header with such a cell is read the same way, with a warning. */
static void test_text_after_closing_quote_in_header(void **state)
{
    (void)state;
    static const char s[] = "id,\"note\"s\n1,2\n";
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_string_equal(cs_header(r, 1), "notes");
    assert_int_equal(rf_diags_count(d), 1);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->severity, RF_WARNING);
    assert_int_equal(g->line, 1);
    assert_non_null(strstr(g->message, "header: cell 2 has text after its closing quote"));
    cs_close(r);
    rf_diags_free(d);
}

/* Two exports joined into one file: the second one's byte-order mark is in
 * the middle, before its header. That line is rejected, saying so; so is a
 * line that repeats the header without a mark. */
static void test_bom_mid_file(void **state)
{
    (void)state;
    static const char s[] = "\xEF\xBB\xBF编号,姓名\n"    /* 1 */
                            "1,张三\n"                   /* 2 */
                            "\xEF\xBB\xBF编号, 姓名\n"   /* 3 */
                            "2,李四\n"                   /* 4 */
                            "\xEF\xBB\xBF\"3\",王五\r\n" /* 5 */
                            "编号,\"姓名\"\n"            /* 6: no mark (GBK exports) */
                            "编号,姓名,x\n";             /* 7: one more cell: data */
    collect c = {0};
    read_all(s, sizeof s - 1, &c, NULL);
    assert_string_equal(c.text.p, "2+1:1|张三\n"
                                  "3+1:\xEF\xBB\xBF编号|姓名\n"
                                  "4+1:2|李四\n"
                                  "5+1:\xEF\xBB\xBF\"3\"|王五\n"
                                  "6+1:编号|姓名\n"
                                  "7+1:编号|姓名|x\n");
    assert_string_equal(c.probs.p,
                        "3 reject: a byte-order mark starts the line: another file seems joined "
                        "here (two exports concatenated?); the line repeats the header\n"
                        "5 reject: a byte-order mark starts the line: another file seems joined "
                        "here (two exports concatenated?)\n"
                        "6 reject: the line repeats the header: another file seems joined here "
                        "(two exports concatenated?)\n");
    collect_free(&c);
}

static void test_blank_rows(void **state)
{
    (void)state;
    static const char s[] = "\n"      /* 1 blank before the header */
                            "a,b\n"   /* 2 header */
                            "\n"      /* 3 */
                            "   \n"   /* 4 */
                            ",,\n"    /* 5: Excel's empty row */
                            "1,2\n"   /* 6 */
                            "\t\n"    /* 7 */
                            "\"\",\n" /* 8 */
                            "3,\n";   /* 9 */
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_header_count(r), 2);
    assert_string_equal(cs_header(r, 1), "b");
    assert_null(cs_header(r, 2));
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_string_equal(c.text.p, "6+1:1|2\n9+1:3|\n");
    assert_int_equal(cs_blank_lines(r), 6);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_closed_quote_at_eof(void **state)
{
    (void)state;
    static const char s[] = "a\n\"x,y\"";
    collect c = {0};
    read_all(s, sizeof s - 1, &c, NULL);
    assert_string_equal(c.text.p, "2+1:x,y\n");
    collect_free(&c);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    static const char s[] = "a,b\n1,2\n\n3,\"open\nmore,4\n5,6\n";
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), -1);
    assert_string_equal(c.text.p, "2+1:1|2\n");
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_int_equal(g->line, 4);
    assert_string_equal(g->message, "unterminated quoted field starting at line 4");
    assert_non_null(strstr(g->file, "t.csv"));
    assert_int_equal(cs_read(r, on_row, &c, d), -1);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

/* Lines go to libcsv many at a time and UTF-8 is checked sixteen bytes at
 * a time: every kind of bad sequence, at every alignment, after lines of
 * every kind of good one, is still reported at its first byte and line. */
static void test_utf8_checked_everywhere(void **state)
{
    (void)state;
    static const char *const good[] = {
        "\xC2\x80",     "\xDF\xBF",         "\xE0\xA0\x80",     "\xED\x9F\xBF",     "\xEE\x80\x80",
        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xF3\xBF\xBF\xBF", "中文"};
    static const char *const bad[] = {"\x80",
                                      "\xBF",
                                      "\xC0\x80",
                                      "\xC1\xBF",
                                      "\xE0\x9F\xBF",
                                      "\xED\xA0\x80",
                                      "\xF0\x8F\xBF\xBF",
                                      "\xF4\x90\x80\x80",
                                      "\xF5\x80\x80\x80",
                                      "\xFF",
                                      "\xE4\xB8,",
                                      "\xE4,",
                                      "\xF0\x90\x80,",
                                      "\xC3\xC3\xA9",
                                      "\xE4\xB8\xE4"};
    /* Every offset in a block of 32 (the AVX2 scan's; RF_SIMD=sse2 runs
     * the SSE2 one), after six lines and in the first block of a scan. */
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        for (size_t pad = 0; pad < 2 * 60; pad++) {
            int nlines = pad < 60 ? 6 : 0;
            buf f = {0};
            bstr(&f, "id,name\n");
            for (int line = 0; line < nlines; line++) {
                bstr(&f, "1,");
                for (size_t g = 0; g < sizeof good / sizeof *good; g++) {
                    brep(&f, 'a', (size_t)line + g % 3);
                    bstr(&f, good[g]);
                }
                bstr(&f, line % 2 ? "\r\n" : "\n");
            }
            bstr(&f, "2,");
            brep(&f, 'a', pad % 60 % 5);
            for (size_t i = 0; i < pad % 60 / 5; i++)
                bstr(&f, "张");
            size_t off = f.n;
            bstr(&f, bad[k]);
            bstr(&f, "尾\n3,ok\n4,");
            brep(&f, 'b', 64); /* whole blocks after the first */
            bstr(&f, "\n");
            rf_diags *d = rf_diags_new();
            cs_reader *r = open_mem("bad.csv", f.p, f.n, CS_ENC_UTF8, 0, d);
            assert_non_null(r);
            collect c = {.r = r};
            assert_int_equal(cs_read(r, on_row, &c, d), -1);
            assert_int_equal(c.rows, nlines);
            const rf_diag *e = first_error(d);
            assert_non_null(e);
            char want[256];
            snprintf(want, sizeof want,
                     "the file is not valid UTF-8 at line %d, byte offset %zu; if it was saved by "
                     "Excel on a Chinese system, try --encoding gb18030",
                     nlines + 2, off);
            assert_string_equal(e->message, want);
            assert_int_equal(e->line, nlines + 2);
            cs_close(r);
            rf_diags_free(d);
            collect_free(&c);
            free(f.p);
        }
    }
}

/* A row whose callback stops reading ends a stretch of lines read in one
 * go: reading resumes at the next row, with the same lines, blank lines and
 * rows as one read gives, for a stop at every row. */
static void test_stop_every_row(void **state)
{
    (void)state;
    static const char s[] =
        "a,b\r\n1,张三\r\n\r\n  \r\n2,李四\n3,\"x\"\r\n4,y\r\r\n5,\r\n,\r\n6,王五\r\n"
        "7,z\n\n8,end";
    rf_diags *d = rf_diags_new();
    collect all = {0};
    uint64_t blank = 0;
    read_all(s, sizeof s - 1, &all, &blank);
    assert_int_equal(all.rows, 8);
    for (size_t k = 1; k <= all.rows; k++) {
        cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
        assert_non_null(r);
        collect c = {.r = r, .stop_at = k};
        assert_int_equal(cs_read(r, on_row, &c, d), 7);
        assert_int_equal(c.rows, k);
        c.stop_at = 0;
        assert_int_equal(cs_read(r, on_row, &c, d), 0);
        assert_string_equal(c.text.p, all.text.p);
        assert_string_equal(c.raw.p, all.raw.p);
        assert_int_equal(cs_blank_lines(r), blank);
        cs_close(r);
        collect_free(&c);
    }
    assert_int_equal(rf_diags_count(d), 0);
    rf_diags_free(d);
    collect_free(&all);
}

static void test_stop_early(void **state)
{
    (void)state;
    static const char s[] = "a\n1\n2\n3\n";
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    collect c = {.r = r, .stop_at = 2};
    assert_int_equal(cs_read(r, on_row, &c, d), 7);
    assert_string_equal(c.text.p, "2+1:1\n3+1:2\n");
    c.stop_at = 0;
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_string_equal(c.text.p, "2+1:1\n3+1:2\n4+1:3\n");
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_tab_delimiter(void **state)
{
    (void)state;
    static const char s[] = "a\tb\tc\n1\t\t3\n\"x\ty\"\tq, r\t\" z\"\n";
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("t.tsv", s, sizeof s - 1, CS_ENC_AUTO, '\t', d);
    assert_non_null(r);
    assert_int_equal(cs_header_count(r), 3);
    assert_string_equal(cs_header(r, 2), "c");
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_string_equal(c.text.p, "2+1:1||3\n3+1:x\ty|q, r| z\n");
    assert_string_equal(c.raw.p, "1\t\t3\n\"x\ty\"\tq, r\t\" z\"\n");
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

/* ---- header and files --------------------------------------------------- */

static void test_bom_and_trim(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_options o = {CS_ENC_AUTO, 0};
    cs_reader *r = cs_open(datafile("bom_header.csv"), "members", &o, d);
    assert_non_null(r);
    assert_int_equal(cs_header_count(r), 4);
    assert_string_equal(cs_header(r, 0), "编号");
    assert_string_equal(cs_header(r, 1), "姓名");
    assert_string_equal(cs_header(r, 2), "性别");
    assert_string_equal(cs_header(r, 3), "备注");
    assert_int_equal(cs_detected(r), CS_ENC_UTF8);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_string_equal(c.text.p, "2+1:001|张三|男|\n");
    assert_int_equal(rf_diags_count(d), 0);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_empty_file(void **state)
{
    (void)state;
    static const char *const contents[] = {"", "\n\r\n  \n,,\n", "\xEF\xBB\xBF"};
    for (size_t i = 0; i < 3; i++) {
        rf_diags *d = rf_diags_new();
        cs_reader *r = open_mem("empty.csv", contents[i], strlen(contents[i]), CS_ENC_AUTO, 0, d);
        assert_null(r);
        const rf_diag *g = first_error(d);
        assert_non_null(g);
        assert_int_equal(g->cls, RF_CLASS_INPUT);
        assert_string_equal(g->message, "empty file, expected a header row");
        assert_non_null(strstr(g->file, "empty.csv"));
        rf_diags_free(d);
    }
}

static void test_missing_file(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_options o = {CS_ENC_AUTO, 0};
    assert_null(cs_open("/nonexistent/dir/x.csv", "members", &o, d));
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_string_equal(g->file, "/nonexistent/dir/x.csv");
    assert_non_null(strstr(g->message, "cannot open"));
    rf_diags_free(d);
}

static void test_utf16_refused(void **state)
{
    (void)state;
    static const char s[] = "\xFF\xFE"
                            "a\0,\0b\0\n\0";
    rf_diags *d = rf_diags_new();
    assert_null(open_mem("u16.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d));
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_non_null(strstr(g->message, "UTF-16"));
    rf_diags_free(d);
}

/* ---- encodings ----------------------------------------------------------- */

static void test_gb18030_auto(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_options o = {CS_ENC_AUTO, 0};
    const char *path = datafile("members_gb18030.csv");
    cs_reader *r = cs_open(path, "members", &o, d);
    assert_non_null(r);
    assert_int_equal(cs_detected(r), CS_ENC_GB18030);
    assert_int_equal(cs_header_count(r), 4);
    assert_string_equal(cs_header(r, 1), "姓名");
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    /* 𠮷 is a four-byte GB18030 sequence. */
    assert_string_equal(c.text.p, "2+1:001|张三|男|\n3+1:002|李𠮷|女|党小组长\n");
    assert_int_equal(rf_diags_errors(d), 0);
    assert_int_equal(rf_diags_count(d), 1);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->severity, RF_NOTE);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_string_equal(g->file, path);
    /* It says what it decided, where, and on what evidence. */
    assert_string_equal(g->message,
                        "read as GB18030: line 1 (byte offset 0) is not UTF-8; of the 56 bytes "
                        "read from line 1 on, 25 are not UTF-8 (UTF-8 characters: 5) and all are "
                        "valid GB18030; use --encoding to choose");
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_gb18030_explicit(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_options o = {CS_ENC_GB18030, 0};
    cs_reader *r = cs_open(datafile("members_gb18030.csv"), "members", &o, d);
    assert_non_null(r);
    assert_int_equal(cs_detected(r), CS_ENC_GB18030);
    assert_string_equal(cs_header(r, 0), "编号");
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(c.rows, 2);
    assert_int_equal(rf_diags_count(d), 0);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_gb_file_as_utf8_fails(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_options o = {CS_ENC_UTF8, 0};
    const char *path = datafile("members_gb18030.csv");
    assert_null(cs_open(path, "members", &o, d));
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_string_equal(g->file, path);
    assert_int_equal(g->line, 1);
    assert_string_equal(g->message,
                        "the file is not valid UTF-8 at line 1, byte offset 0; if it was saved by "
                        "Excel on a Chinese system, try --encoding gb18030");
    rf_diags_free(d);
}

/* UTF-8 text, then two bytes that are not: the UTF-8 characters outnumber
 * them four to one, so the file is UTF-8 with damage, reported where it is. */
static void test_invalid_utf8_after_utf8(void **state)
{
    (void)state;
    static const char s[] = "id,name\n1,诸葛亮司马懿曹孟德\n\n2,ok\n3,\xD5\xC5\n4,x\n";
    size_t off = strlen("id,name\n1,诸葛亮司马懿曹孟德\n\n2,ok\n3,");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("bad.csv", s, sizeof s - 1, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_detected(r), CS_ENC_UTF8);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), -1);
    assert_string_equal(c.text.p, "2+1:1|诸葛亮司马懿曹孟德\n4+1:2|ok\n");
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->line, 5);
    char want[256];
    snprintf(want, sizeof want,
             "the file is not valid UTF-8 at line 5, byte offset %zu; if it was saved by Excel "
             "on a Chinese system, try --encoding gb18030",
             off);
    assert_string_equal(g->message, want);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
}

static void test_strict_utf8(void **state)
{
    (void)state;
    /* overlong NUL, overlong '/', a surrogate, above U+10FFFF, stray
     * continuation (a file cut inside a character: test_utf8_cut_at_end) */
    static const char *const bad[] = {"\xC0\x80", "\xE0\x80\xAF", "\xED\xA0\x80",
                                      "\xF4\x90\x80\x80", "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        buf b = {0};
        bstr(&b, "h\r\nok,好\r\nx");
        size_t off = b.n;
        bstr(&b, bad[i]);
        rf_diags *d = rf_diags_new();
        cs_reader *r = open_mem("s.csv", b.p, b.n, CS_ENC_UTF8, 0, d);
        assert_non_null(r);
        collect c = {.r = r};
        assert_int_equal(cs_read(r, on_row, &c, d), -1);
        const rf_diag *g = first_error(d);
        assert_non_null(g);
        assert_int_equal(g->line, 3);
        char want[64];
        snprintf(want, sizeof want, "at line 3, byte offset %zu;", off);
        if (!strstr(g->message, want))
            fail_msg("case %zu: %s", i, g->message);
        cs_close(r);
        rf_diags_free(d);
        collect_free(&c);
        free(b.p);
    }
}

/* A GBK file whose first Chinese character (说, CB B5) happens to be valid
 * UTF-8: the rest of the block decides, and the note says why. */
static void test_gbk_that_starts_like_utf8(void **state)
{
    (void)state;
    size_t gn;
    char *gb = to_gb18030("id,note\n1,说,x\n2,张三丰\n", &gn);
    assert_memory_equal(gb + strlen("id,note\n1,"), "\xCB\xB5", 2);
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("g.csv", gb, gn, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_detected(r), CS_ENC_GB18030);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_string_equal(c.text.p, "2+1:1|说|x\n3+1:2|张三丰\n");
    assert_int_equal(rf_diags_errors(d), 0);
    assert_int_equal(rf_diags_count(d), 1);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->severity, RF_NOTE);
    char want[256];
    snprintf(want, sizeof want,
             "read as GB18030: line 3 (byte offset %zu) is not UTF-8; of the %zu bytes read from "
             "line 2 on, ",
             strlen("id,note\n1,说,x\n2,") - 1, gn - strlen("id,note\n1,"));
    if (strncmp(g->message, want, strlen(want)) != 0)
        fail_msg("%s", g->message);
    assert_non_null(strstr(g->message, "(UTF-8 characters: 1) and all are valid GB18030"));
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(gb);
}

/* UTF-8 cut at the end of the file (a download or copy cut short): read as
 * UTF-8, not sent to GB18030 nor refused; the last row is rejected, naming
 * the cut, with U+FFFD where the broken character was. */
static void test_utf8_cut_at_end(void **state)
{
    (void)state;
    static const struct {
        const char *text; /* then the first two bytes of 三 */
        cs_encoding enc;
        const char *rows;
        uint64_t line;
    } cases[] = {
        {"id,name\n1,ok\n2,张", CS_ENC_AUTO, "2+1:1|ok\n3+1:2|张\xEF\xBF\xBD\n", 3},
        {"id,name\n1,ok\n2,x", CS_ENC_AUTO, "2+1:1|ok\n3+1:2|x\xEF\xBF\xBD\n", 3},
        {"id,name\n1,ok\n", CS_ENC_UTF8, "2+1:1|ok\n3+1:\xEF\xBF\xBD\n", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf b = {0};
        bstr(&b, cases[i].text);
        size_t off = b.n;
        bstr(&b, "\xE4\xB8");
        rf_diags *d = rf_diags_new();
        cs_reader *r = open_mem("s.csv", b.p, b.n, cases[i].enc, 0, d);
        assert_non_null(r);
        collect c = {.r = r};
        assert_int_equal(cs_read(r, on_row, &c, d), 0);
        assert_int_equal(rf_diags_count(d), 0);
        assert_int_equal(cs_detected(r), CS_ENC_UTF8);
        assert_string_equal(c.text.p, cases[i].rows);
        char want[256];
        snprintf(want, sizeof want,
                 "%llu reject: the file ends inside a UTF-8 character (byte offset %zu): it was "
                 "cut short, so this last row is incomplete\n",
                 (unsigned long long)cases[i].line, off);
        assert_string_equal(c.probs.p, want);
        cs_close(r);
        rf_diags_free(d);
        collect_free(&c);
        free(b.p);
    }
}

/* The same for GB18030, forced or detected: the first byte of 四 (CB C4)
 * ends the file. */
static void test_gb18030_cut_at_end(void **state)
{
    (void)state;
    size_t gn;
    char *gb = to_gb18030("编号,姓名\n1,张三\n2,李", &gn);
    buf b = {0};
    badd(&b, gb, gn);
    bstr(&b, "\xCB");
    for (int auto_enc = 0; auto_enc < 2; auto_enc++) {
        rf_diags *d = rf_diags_new();
        cs_reader *r = open_mem("g.csv", b.p, b.n, auto_enc ? CS_ENC_AUTO : CS_ENC_GB18030, 0, d);
        assert_non_null(r);
        collect c = {.r = r};
        assert_int_equal(cs_read(r, on_row, &c, d), 0);
        assert_int_equal(rf_diags_errors(d), 0);
        assert_int_equal(cs_detected(r), CS_ENC_GB18030);
        assert_string_equal(c.text.p, "2+1:1|张三\n3+1:2|李\xEF\xBF\xBD\n");
        char want[256];
        snprintf(want, sizeof want,
                 "3 reject: the file ends inside a GB18030 character (byte offset %zu): it was "
                 "cut short, so this last row is incomplete\n",
                 gn);
        assert_string_equal(c.probs.p, want);
        cs_close(r);
        rf_diags_free(d);
        collect_free(&c);
    }
    free(b.p);
    free(gb);
}

static void test_gb_invalid_bytes(void **state)
{
    (void)state;
    /* 0xFF is no GB18030 lead byte. */
    size_t gn;
    char *gb = to_gb18030("编号,姓名\n1,张三\n2,", &gn);
    buf b = {0};
    badd(&b, gb, gn);
    size_t off = b.n;
    bstr(&b, "\xFF\xFF\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("g.csv", b.p, b.n, CS_ENC_GB18030, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), -1);
    assert_string_equal(c.text.p, "2+1:1|张三\n");
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->line, 3);
    char want[64];
    snprintf(want, sizeof want, "not valid GB18030 at line 3, byte offset %zu;", off);
    assert_non_null(strstr(g->message, want));
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(b.p);
    free(gb);
}

/* The first non-ASCII byte comes after the first 64 KiB: the switch to
 * GB18030 happens in cs_read and keeps the rows before it. */
static void test_late_gb18030(void **state)
{
    (void)state;
    buf b = {0};
    bstr(&b, "id,name\n");
    size_t rows = 0;
    while (b.n < CHUNK + 1000) {
        bstr(&b, "1234,abcdefghij\n");
        rows++;
    }
    size_t gn;
    char *gb = to_gb18030("9,张三\n", &gn);
    badd(&b, gb, gn);
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("late.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_detected(r), CS_ENC_UTF8);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(c.rows, rows + 1);
    char want[64];
    snprintf(want, sizeof want, "%zu+1:9|张三\n", rows + 2);
    assert_non_null(strstr(c.text.p, want));
    assert_int_equal(cs_detected(r), CS_ENC_GB18030);
    assert_int_equal(rf_diags_errors(d), 0);
    assert_int_equal(rf_diags_count(d), 1);
    assert_int_equal(rf_diags_get(d, 0)->severity, RF_NOTE);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(gb);
    free(b.p);
}

/* ---- the 64 KiB read boundary ------------------------------------------- */

/* Read b (as file `name`, in `enc`) with no diagnostic: the rows as on_row
 * writes them must be want, rows of them. Frees both buffers. */
static void read_expect(const char *name, buf *b, buf *want, cs_encoding enc, size_t rows)
{
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem(name, b->p, b->n, enc, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(rf_diags_count(d), 0);
    assert_int_equal(c.rows, rows);
    assert_string_equal(c.text.p, want->p);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(b->p);
    free(want->p);
}

/* "h\n" then a row whose multibyte character starts at CHUNK - before. */
static void boundary_utf8(size_t before)
{
    buf b = {0}, want = {0};
    bstr(&b, "h\n");
    brep(&b, 'a', CHUNK - before - b.n);
    bstr(&b, "你好\n后,\"x\ny\"\n");
    bstr(&want, "2+1:");
    brep(&want, 'a', CHUNK - before - 2);
    bstr(&want, "你好\n3+2:后|x\\ny\n");
    read_expect("b.csv", &b, &want, CS_ENC_UTF8, 2);
}

static void test_boundary_utf8(void **state)
{
    (void)state;
    boundary_utf8(1);
    boundary_utf8(2);
    boundary_utf8(3);
}

/* text: UTF-8, converted to GB18030; its first character starts at
 * CHUNK - before. */
static void boundary_gb(const char *text, size_t before, cs_encoding enc)
{
    size_t gn;
    buf src = {0};
    bstr(&src, text);
    bstr(&src, "\n后,\"x\ny\"\n");
    char *gb = to_gb18030(src.p, &gn);
    free(src.p);
    buf b = {0}, want = {0};
    bstr(&b, "h\n");
    brep(&b, 'a', CHUNK - before - b.n);
    badd(&b, gb, gn);
    bstr(&want, "2+1:");
    brep(&want, 'a', CHUNK - before - 2);
    bstr(&want, text);
    bstr(&want, "\n3+2:后|x\\ny\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("g.csv", b.p, b.n, enc, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(rf_diags_errors(d), 0);
    assert_string_equal(c.text.p, want.p);
    assert_int_equal(cs_detected(r), CS_ENC_GB18030);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(b.p);
    free(want.p);
    free(gb);
}

static void test_boundary_gb18030(void **state)
{
    (void)state;
    /* 𠮷 is four bytes in GB18030, 你 two; GB 你 (C4 E3) starts like a
     * UTF-8 two-byte sequence, so AUTO can only decide after the refill. */
    for (size_t before = 1; before <= 5; before++) {
        boundary_gb("𠮷你", before, CS_ENC_GB18030);
        boundary_gb("𠮷你", before, CS_ENC_AUTO);
        boundary_gb("你𠮷", before, CS_ENC_GB18030);
        boundary_gb("你𠮷", before, CS_ENC_AUTO);
    }
}

static void test_boundary_crlf(void **state)
{
    (void)state;
    /* CR is the last byte of the first read, LF the first of the second. */
    buf b = {0};
    bstr(&b, "h\n");
    brep(&b, 'a', CHUNK - 1 - b.n);
    bstr(&b, "\r\nz\r\n");
    assert_int_equal(b.p[CHUNK - 1], '\r');
    collect c = {0};
    uint64_t blank = 9;
    read_all(b.p, b.n, &c, &blank);
    assert_int_equal(c.rows, 2);
    assert_non_null(strstr(c.text.p, "\n3+1:z\n"));
    assert_int_equal(blank, 0);
    collect_free(&c);
    free(b.p);
}

/* The scan passes plain ASCII 16 or 8 bytes at a time: a line break, a
 * Chinese character, a NUL or a byte that is not UTF-8 at every offset of
 * such a step is still found where it is (line numbers, byte offsets). */
static void test_scan_offsets(void **state)
{
    (void)state;
    for (size_t k = 0; k < 40; k++) {
        buf b = {0};
        bstr(&b, "h\nA");
        brep(&b, 'a', k);
        bstr(&b, "\rb");
        brep(&b, 'c', k);
        bstr(&b, "\xe5\xa5\xbd");
        brep(&b, 'd', k);
        bstr(&b, "\r\ne\n");
        collect c = {0};
        read_all(b.p, b.n, &c, NULL);
        char want[256];
        snprintf(want, sizeof want, "2+1:A%.*s\n3+1:b%.*s\xe5\xa5\xbd%.*s\n4+1:e\n", (int)k,
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", (int)k,
                 "cccccccccccccccccccccccccccccccccccccccc", (int)k,
                 "dddddddddddddddddddddddddddddddddddddddd");
        assert_string_equal(c.text.p, want);
        collect_free(&c);
        free(b.p);
        for (int bad = 0; bad < 2; bad++) {
            buf e = {0};
            bstr(&e, "h\nok\n");
            brep(&e, 'x', k);
            size_t off = e.n;
            badd(&e, bad ? "\xff" : "\0", 1);
            brep(&e, 'y', 20);
            bstr(&e, "\n");
            rf_diags *d = rf_diags_new();
            cs_reader *r = open_mem("t.csv", e.p, e.n, CS_ENC_UTF8, 0, d);
            assert_non_null(r);
            collect ce = {.r = r};
            assert_int_equal(cs_read(r, on_row, &ce, d), -1);
            assert_int_equal(ce.rows, 1);
            const rf_diag *g = first_error(d);
            assert_non_null(g);
            assert_int_equal(g->line, 3);
            snprintf(want, sizeof want, "line 3, byte offset %zu", off);
            if (!strstr(g->message, want))
                fail_msg("offset %zu: %s", k, g->message);
            cs_close(r);
            rf_diags_free(d);
            collect_free(&ce);
            free(e.p);
        }
    }
}

/* ---- size ------------------------------------------------------------------ */

static void test_big_field(void **state)
{
    (void)state;
    const size_t big = (size_t)1 << 20;
    buf b = {0};
    bstr(&b, "id,text\n1,\"");
    for (size_t i = 0; i < big; i++)
        badd(&b, i % 1000 == 999 ? "," : "x", 1);
    bstr(&b, "\"\n2,y\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("big.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(c.rows, 2);
    assert_int_equal(c.text.n, strlen("2+1:1|") + big + strlen("\n3+1:2|y\n"));
    assert_memory_equal(c.text.p + strlen("2+1:1|"), b.p + strlen("id,text\n1,\""), big);
    assert_string_equal(c.text.p + c.text.n - strlen("\n3+1:2|y\n"), "\n3+1:2|y\n");
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(b.p);
}

/* libcsv writes the cells straight into the row buffer, which grows in the
 * middle of a cell or between two: rows whose bytes end on every offset
 * around the buffer's first size (4 KiB), with an empty cell, a quoted cell
 * across a line break and a stray quote after the edge, read whole. */
static void test_rowbuf_edges(void **state)
{
    (void)state;
    buf b = {0}, want = {0};
    bstr(&b, "a,b,c,d\n");
    uint64_t line = 2;
    char t[64];
    for (size_t len = 4070; len < 4110; len++) {
        for (int shape = 0; shape < 3; shape++) {
            snprintf(t, sizeof t, "%llu+%d:", (unsigned long long)line, shape == 1 ? 2 : 1);
            bstr(&want, t);
            brep(&b, 'x', len);
            brep(&want, 'x', len);
            if (shape == 0) {
                bstr(&b, ",,y,\n");
                bstr(&want, "||y|\n");
            } else if (shape == 1) {
                bstr(&b, ",\"q\nz\",,w\n");
                bstr(&want, "|q\\nz||w\n");
            } else {
                bstr(&b, ",5,\"s\"t,\n");
                bstr(&want, "|5|st|\n");
            }
            line += shape == 1 ? 2 : 1;
        }
    }
    read_expect("edges.csv", &b, &want, CS_ENC_AUTO, 40 * 3);
}

static int wide_row(void *ctx, const cs_row *row)
{
    size_t *n = ctx;
    assert_int_equal(row->nfields, 10000);
    assert_string_equal(row->fields[0].p, "v0");
    assert_string_equal(row->fields[9999].p, "v9999");
    assert_int_equal(row->fields[5000].n, 5);
    (*n)++;
    return 0;
}

static void test_wide_row(void **state)
{
    (void)state;
    buf b = {0};
    char t[32];
    for (int row = 0; row < 3; row++) {
        for (int i = 0; i < 10000; i++) {
            snprintf(t, sizeof t, "%s%s%d", i ? "," : "", row ? "v" : "c", i);
            bstr(&b, t);
        }
        bstr(&b, "\n");
    }
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("wide.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_header_count(r), 10000);
    assert_string_equal(cs_header(r, 9999), "c9999");
    size_t n = 0;
    assert_int_equal(cs_read(r, wide_row, &n, d), 0);
    assert_int_equal(n, 2);
    cs_close(r);
    rf_diags_free(d);
    free(b.p);
}

/* Cells as the run takes them: one-byte cells point at the reader's table,
 * the others into the row buffer, which may move in the middle of a row (a
 * long cell after short ones); cs_field.num holds the value of a one-digit
 * cell in every column and of 2 to 9 digits in the columns given to
 * cs_digits, -1 for anything else. */
static int digits_row(void *ctx, const cs_row *row)
{
    buf *b = ctx;
    char t[64];
    for (size_t i = 0; i < row->nfields; i++) {
        const cs_field *f = &row->fields[i];
        assert_int_equal(f->p[f->n], 0);
        assert_int_equal(strlen(f->p), f->n);
        if (f->n <= 16)
            snprintf(t, sizeof t, "%s%s=%lld", i ? " " : "", f->p, (long long)f->num);
        else
            snprintf(t, sizeof t, "%s%c*%zu=%lld", i ? " " : "", f->p[0], f->n, (long long)f->num);
        bstr(b, t);
    }
    bstr(b, "\n");
    return 0;
}

static void test_digits(void **state)
{
    (void)state;
    buf b = {0};
    bstr(&b, "a,b,c,d\n7,123,45,x\n0,,1234567890,12a\n9,000000042,\"3\", 5\n1,22,");
    brep(&b, 'z', 5000);
    bstr(&b, ",4,\"");
    brep(&b, 'y', 20);
    bstr(&b, "\"\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("digits.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    const bool dig[] = {false, true, false};
    cs_digits(r, dig, 3);
    buf out = {0};
    assert_int_equal(cs_read(r, digits_row, &out, d), 0);
    assert_string_equal(out.p, "7=7 123=123 45=-1 x=-1\n"
                               "0=0 =-1 1234567890=-1 12a=-1\n"
                               "9=9 000000042=42 3=3 5=5\n"
                               "1=1 22=22 z*5000=-1 4=4 y*20=-1\n");
    cs_close(r);
    rf_diags_free(d);
    free(out.p);
    free(b.p);
}

/* cs_counts: the count cells added as read, each row from zero; a row is
 * counted only when every count cell is a number in its range or an empty
 * cell that may be. Two columns share count 0; count 1's range is narrow
 * (one-digit cells out of it take the full test). */
typedef struct counted {
    buf b;
    uint32_t *counts;
} counted;

static int counts_row(void *ctx, const cs_row *row)
{
    counted *c = ctx;
    char t[64];
    if (row->counted)
        snprintf(t, sizeof t, "%llu:%u,%u\n", (unsigned long long)row->line, c->counts[0],
                 c->counts[1]);
    else
        snprintf(t, sizeof t, "%llu:-\n", (unsigned long long)row->line);
    bstr(&c->b, t);
    return 0;
}

static void test_counts(void **state)
{
    (void)state;
    buf b = {0};
    bstr(&b, "a,b,c,d,e\n"
             "x,1,3,7,z\n"
             "x,2,,,z\n"
             "x,9,5,,z\n"
             "x,1,1,1,z\n"
             "x,3,4,42,z\n"
             "x,,2,x,z\n"
             "x,0,2,101,z\n"
             "\n"
             "x,5,2,3\n"
             "1,1,2,3,4,5\n");
    brep(&b, 'w', 40);
    bstr(&b, ",7,\"2\",0010,z\n,-1,3,0,z\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("counts.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    const cs_count cols[] = {
        {.slot = -1}, {0, 0, 9, true}, {1, 2, 3, false}, {0, 0, 100, true}, {.slot = -1}};
    uint32_t counts[3] = {7, 7, 7};
    cs_counts(r, cols, 5, counts, 2);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[2], 7); /* past ncounts: not the reader's */
    counted c = {.counts = counts};
    assert_int_equal(cs_read(r, counts_row, &c, d), 0);
    assert_string_equal(c.b.p, "2:8,3\n"
                               "3:-\n"
                               "4:9,5\n"
                               "5:-\n"
                               "6:45,4\n"
                               "7:-\n"
                               "8:-\n"
                               "10:8,2\n"
                               "11:4,2\n"
                               "12:17,2\n"
                               "13:-\n");
    cs_close(r);
    rf_diags_free(d);
    free(c.b.p);
    free(b.p);
}

/* A line of commas (50 MB of them took 26 times its size): the row limits
 * refuse it at the line, with the limit; so does one cell over 16 MiB,
 * quoted across lines or not. The widest row allowed still reads. */
static void row_limit(const char *head, char fill, size_t n, const char *tail, const char *want)
{
    buf b = {0};
    bstr(&b, "id,x\n1,2\n");
    bstr(&b, head);
    brep(&b, fill, n);
    bstr(&b, tail);
    bstr(&b, "3,4\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("big.csv", b.p, b.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), -1);
    assert_string_equal(c.text.p, "2+1:1|2\n");
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_int_equal(g->line, 3);
    assert_non_null(strstr(g->file, "big.csv"));
    assert_string_equal(g->message, want);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(b.p);
}

static void test_row_limits(void **state)
{
    (void)state;
    const char *cells = "the row at line 3 has more than 16,384 cells, the limit per row: the "
                        "file is not a roster (wrong --delimiter? not a CSV file?)";
    const char *bytes = "the row at line 3 has more than 16 MiB, the limit per row: the file is "
                        "not a roster (wrong --delimiter? not a CSV file?)";
    row_limit("", ',', (size_t)1 << 20, "\n", cells);
    row_limit("", ',', CS_MAX_CELLS, "\n", cells);
    row_limit("1,", 'x', CS_MAX_ROW_BYTES, "\n", bytes);
    row_limit("1,\"", 'x', CS_MAX_ROW_BYTES, "\"\n", bytes);
    /* the quoted cell spans lines: fill with line breaks too */
    buf b = {0};
    bstr(&b, "\n");
    brep(&b, 'y', CS_MAX_ROW_BYTES / 2);
    bstr(&b, "\"\n");
    row_limit("1,\"", 'x', CS_MAX_ROW_BYTES / 2, b.p, bytes);
    free(b.p);

    /* CS_MAX_CELLS cells is allowed */
    buf w = {0};
    bstr(&w, "h");
    brep(&w, ',', CS_MAX_CELLS - 1);
    bstr(&w, "\n");
    brep(&w, ',', CS_MAX_CELLS - 1);
    bstr(&w, "z\n");
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_mem("wide.csv", w.p, w.n, CS_ENC_AUTO, 0, d);
    assert_non_null(r);
    assert_int_equal(cs_header_count(r), CS_MAX_CELLS);
    collect c = {.r = r};
    assert_int_equal(cs_read(r, on_row, &c, d), 0);
    assert_int_equal(c.rows, 1);
    cs_close(r);
    rf_diags_free(d);
    collect_free(&c);
    free(w.p);
}

/* ---- binding ---------------------------------------------------------------- */

static const char *const id_names[] = {"编号", "党员编号", "member_id"};
static const char *const name_names[] = {"姓名"};
static const char *const sex_names[] = {"性别", "Sex"};

static cs_reader *open_header(const char *header, rf_diags *d)
{
    return open_mem("h.csv", header, strlen(header), CS_ENC_AUTO, 0, d);
}

static void test_bind_missing(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_header("姓名,性别\n", d);
    assert_non_null(r);
    cs_want w[] = {
        {"member_id", id_names, 3, true}, {"name", name_names, 1, true}, {"phone", NULL, 0, false}};
    int pos[3];
    assert_int_equal(cs_bind(r, w, 3, pos, d), 1);
    assert_int_equal(pos[0], -1);
    assert_int_equal(pos[1], 0);
    assert_int_equal(pos[2], -1);
    assert_int_equal(rf_diags_count(d), 2);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->severity, RF_ERROR);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_int_equal(g->line, 1);
    assert_string_equal(g->file, cs_path(r));
    assert_string_equal(g->message, "input 'members' has no column 'member_id' (tried header "
                                    "names: 编号, 党员编号, member_id; header has: 姓名, 性别)");
    g = rf_diags_get(d, 1);
    assert_int_equal(g->severity, RF_NOTE);
    assert_string_equal(g->message, "ignored columns not used by the pack: 性别");
    cs_close(r);
    rf_diags_free(d);
}

static void test_bind_duplicate(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_header("姓名,编号,性别,备注2,编号\n", d);
    assert_non_null(r);
    cs_want w[] = {{"member_id", id_names, 3, true},
                   {"name", name_names, 1, true},
                   {"sex", sex_names, 2, false}};
    int pos[3];
    assert_int_equal(cs_bind(r, w, 3, pos, d), 1);
    assert_int_equal(pos[0], 1);
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_int_equal(g->line, 1);
    assert_string_equal(g->message, "columns 2 and 5 both match 'member_id' (编号, 编号)");
    cs_close(r);
    rf_diags_free(d);
}

static void test_bind_ok(void **state)
{
    (void)state;
    rf_diags *d = rf_diags_new();
    /* Case-insensitive for ASCII; blank header cells are not "ignored
     * columns". */
    cs_reader *r = open_header("备注2,SEX,党员编号,,姓名,联系电话\n", d);
    assert_non_null(r);
    cs_want w[] = {{"member_id", id_names, 3, true},
                   {"name", name_names, 1, true},
                   {"sex", sex_names, 2, false}};
    int pos[3];
    assert_int_equal(cs_bind(r, w, 3, pos, d), 0);
    assert_int_equal(pos[0], 2);
    assert_int_equal(pos[1], 4);
    assert_int_equal(pos[2], 1);
    assert_int_equal(rf_diags_count(d), 1);
    const rf_diag *g = rf_diags_get(d, 0);
    assert_int_equal(g->severity, RF_NOTE);
    assert_int_equal(g->cls, RF_CLASS_INPUT);
    assert_string_equal(g->message, "ignored columns not used by the pack: 备注2, 联系电话");
    cs_close(r);
    rf_diags_free(d);
}

static void test_bind_exact_before_fold(void **state)
{
    (void)state;
    static const char *const one[] = {"sex"};
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_header("Sex,sex\n", d);
    assert_non_null(r);
    cs_want w[] = {{"sex", one, 1, true}};
    int pos[1];
    assert_int_equal(cs_bind(r, w, 1, pos, d), 0);
    assert_int_equal(pos[0], 1);
    cs_close(r);
    rf_diags_free(d);
}

static void test_bind_two_wants_one_cell(void **state)
{
    (void)state;
    static const char *const a[] = {"编号"};
    rf_diags *d = rf_diags_new();
    cs_reader *r = open_header("编号,姓名\n", d);
    assert_non_null(r);
    cs_want w[] = {
        {"member_id", id_names, 3, true}, {"other_id", a, 1, false}, {"name", name_names, 1, true}};
    int pos[3];
    assert_int_equal(cs_bind(r, w, 3, pos, d), 1);
    const rf_diag *g = first_error(d);
    assert_non_null(g);
    assert_string_equal(g->message, "column 1 (编号) matches both 'member_id' and 'other_id'");
    cs_close(r);
    rf_diags_free(d);
}

/* ---- setup ---------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_cs.XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"t.csv",      "t.tsv",     "empty.csv", "u16.csv",
                                        "bad.csv",    "s.csv",     "g.csv",     "late.csv",
                                        "b.csv",      "big.csv",   "wide.csv",  "h.csv",
                                        "digits.csv", "edges.csv", "counts.csv"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    return rmdir(tmpdir);
}

/* ---- splitting between workers ---------------------------------------------- */

/* Read `data` whole, then again in pieces cut at every record start the
 * splitter finds (scanning `step` bytes a call): the rows, their lines, raw
 * text, problems and blank lines must be the same. */
static void split_same(const char *data, size_t n, cs_encoding enc, size_t step)
{
    rf_diags *d = rf_diags_new();
    collect whole = {0}, parts = {0};
    cs_reader *r = open_mem("s.csv", data, n, enc, 0, d);
    assert_non_null(r);
    whole.r = r;
    assert_int_equal(cs_read(r, on_row, &whole, d), 0);
    uint64_t blank = cs_blank_lines(r);
    cs_close(r);
    r = open_mem("s.csv", data, n, enc, 0, d);
    assert_non_null(r);
    uint64_t pblank = cs_blank_lines(r), first = cs_data_line(r);
    const unsigned char *u = (const unsigned char *)data;
    size_t bom = n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    cs_split sp;
    cs_split_init(&sp, ',');
    size_t start = bom; /* the header's end, found a byte at a time */
    uint64_t lines = 0;
    while (start < n) {
        size_t cut = cs_split_scan(&sp, u + start, 1, &lines);
        start++;
        if (cut && lines + 1 == first)
            break;
    }
    uint64_t startline = first;
    for (size_t at = start; at < n;) {
        size_t k = at + step <= n ? step : n - at;
        size_t cut = cs_split_scan(&sp, u + at, k, &lines);
        at += k;
        size_t end = at == n ? n : cut ? at - k + cut : 0;
        if (end > start) {
            cs_reader *c = cs_open_chunk(r, u + start, end - start, start, startline, d);
            assert_non_null(c);
            parts.r = c;
            assert_int_equal(cs_read(c, on_row, &parts, d), 0);
            pblank += cs_blank_lines(c);
            cs_close(c);
            start = end;
            startline = lines + 1;
        }
    }
    assert_int_equal(rf_diags_errors(d), 0);
    assert_true(start > 0);
    bstr(&whole.text, "");
    bstr(&parts.text, "");
    assert_string_equal(parts.text.p, whole.text.p);
    bstr(&whole.raw, "");
    bstr(&parts.raw, "");
    assert_string_equal(parts.raw.p, whole.raw.p);
    bstr(&whole.probs, "");
    bstr(&parts.probs, "");
    assert_string_equal(parts.probs.p, whole.probs.p);
    assert_int_equal(pblank, blank);
    cs_close(r);
    collect_free(&whole);
    collect_free(&parts);
    rf_diags_free(d);
}

static void test_split_agrees(void **state)
{
    (void)state;
    static const char s[] = "\r\n"
                            "id,name,note\r\n"
                            "1,\"two\r\nlines\",x\r\n"
                            "2,\"a\"\"b\",\"c,d\"\n"
                            "3,\"closed\" after,\"x\n"
                            "y\"\r"
                            "4,\"q\"  \"again\n"
                            "41,\"x\ny\",z\n"
                            "5,un\"quoted\",\"\"\n"
                            ",,\n"
                            "  \n"
                            "6, \"lead\" ,\"trail\"  \n"
                            "id,name,note\n"
                            "7,\"\"\"\",\"\n\n\"\n"
                            "\xEF\xBB\xBF"
                            "8,\xE5\xA7\x93\xE5\x90\x8D,\"\xE4\xB8\xAD\r\n\xE6\x96\x87\"\n"
                            "\r"
                            "9,last,\"no end\"";
    for (size_t step = 1; step <= 9; step++)
        split_same(s, sizeof s - 1, CS_ENC_AUTO, step);
    split_same(s, sizeof s - 1, CS_ENC_AUTO, 4096);
    static const char b[] = "\xEF\xBB\xBFh1,h2\n\"a\nb\",1\r\nc,\"2\"x\n";
    for (size_t step = 1; step <= 5; step++)
        split_same(b, sizeof b - 1, CS_ENC_AUTO, step);
    /* Runs of blanks, delimiters, quotes and line breaks at every offset
     * of the scan's 16- and 8-byte steps. */
    buf g = {0};
    bstr(&g, "id,name,note\n");
    for (size_t k = 0; k < 24; k++) {
        brep(&g, 'a', k);
        bstr(&g, ",");
        brep(&g, ' ', k);
        bstr(&g, "\"q,");
        brep(&g, 'r', k);
        bstr(&g, "\"");
        brep(&g, ' ', k % 5);
        bstr(&g, k % 3 ? "," : "x,");
        brep(&g, '\t', k % 4);
        bstr(&g, k % 2 ? "\"two\r\nlines" : "\"one");
        brep(&g, 's', k);
        bstr(&g, k % 4 ? "\"\r\n" : "\"\n");
    }
    for (size_t step = 13; step <= 40; step += 9)
        split_same(g.p, g.n, CS_ENC_AUTO, step);
    split_same(g.p, g.n, CS_ENC_AUTO, g.n);
    free(g.p);
}

static void test_split_gb18030(void **state)
{
    (void)state;
    /* 姓名 and 中文 in GB18030, a quoted cell over two lines. */
    static const char s[] = "id,\xD0\xD5\xC3\xFB\n"
                            "1,\"\xD6\xD0\r\n\xCE\xC4\"\n"
                            "2,\xD6\xD0\xCE\xC4\n"
                            "3,\"x\"y\n";
    for (size_t step = 1; step <= 6; step++)
        split_same(s, sizeof s - 1, CS_ENC_GB18030, step);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_cr_then_blanks),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_text_after_closing_quote),
        cmocka_unit_test(test_text_after_closing_quote_in_header),
        cmocka_unit_test(test_bom_mid_file),
        cmocka_unit_test(test_blank_rows),
        cmocka_unit_test(test_closed_quote_at_eof),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_tab_delimiter),
        cmocka_unit_test(test_bom_and_trim),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_utf16_refused),
        cmocka_unit_test(test_gb18030_auto),
        cmocka_unit_test(test_gb18030_explicit),
        cmocka_unit_test(test_gb_file_as_utf8_fails),
        cmocka_unit_test(test_invalid_utf8_after_utf8),
        cmocka_unit_test(test_strict_utf8),
        cmocka_unit_test(test_gbk_that_starts_like_utf8),
        cmocka_unit_test(test_utf8_cut_at_end),
        cmocka_unit_test(test_gb18030_cut_at_end),
        cmocka_unit_test(test_gb_invalid_bytes),
        cmocka_unit_test(test_late_gb18030),
        cmocka_unit_test(test_boundary_utf8),
        cmocka_unit_test(test_boundary_gb18030),
        cmocka_unit_test(test_boundary_crlf),
        cmocka_unit_test(test_scan_offsets),
        cmocka_unit_test(test_big_field),
        cmocka_unit_test(test_rowbuf_edges),
        cmocka_unit_test(test_wide_row),
        cmocka_unit_test(test_row_limits),
        cmocka_unit_test(test_bind_missing),
        cmocka_unit_test(test_bind_duplicate),
        cmocka_unit_test(test_bind_ok),
        cmocka_unit_test(test_bind_exact_before_fold),
        cmocka_unit_test(test_bind_two_wants_one_cell),
        cmocka_unit_test(test_utf8_checked_everywhere),
        cmocka_unit_test(test_stop_every_row),
        cmocka_unit_test(test_split_agrees),
        cmocka_unit_test(test_split_gb18030),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
