/* xlsx_floor.c - the floor for writing a results workbook with libxlsxwriter.
 *
 * Reads a results CSV (from `rosterflag run -f csv`) whole into memory, then
 * writes the same cells to a workbook the way `run -f xlsx` writes its
 * results sheet, with libxlsxwriter in constant-memory mode and nothing else:
 * a header row in a bold filled format, frozen and filterable, column widths;
 * an empty cell is not written, a number (-?digits[.digits]) is a number
 * cell, YYYY-MM-DD a date cell in a date format, anything else a string; the
 * --fill column gets one filled format per distinct value (the level colours),
 * made before the first row (except a --plain value, written unformatted, as
 * rosterflag writes "no level" when the pack gives it no colour). Only the writing is timed: the
 * CPU seconds (process CPU clock) and wall seconds from the first cell to the closed file are
 * printed on stdout. Whatever rosterflag does, its workbook cannot cost less than this on the same
 * machine.
 *
 * Build: cc -O2 bench/xlsx_floor.c -lcsv -lxlsxwriter -o bench/data/xlsx_floor
 * Usage: xlsx_floor RESULTS.csv OUT.xlsx [--drop COLUMN]... [--fill COLUMN [--plain VALUE]]
 *   e.g. --drop level --fill level_label --plain 无: the cells rosterflag's
 *   results sheet holds for the Xuan'en pack (the level's label is written,
 *   its id is not, and "no level" has no colour).
 * Under callgrind, --toggle-collect=xf_write counts only the writing.
 */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

enum { MAXCOLS = 256, MAXFILLS = 16 };

typedef struct table {
    char *text; /* every field, each ending in NUL */
    size_t len, cap;
    size_t *cell; /* offset of each field in text, row after row */
    size_t ncells, cellcap;
    size_t ncols; /* fields per row, from the header */
    size_t rows;  /* header included */
    size_t col;   /* field number in the current row */
} table;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("xlsx_floor: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void on_field(void *s, size_t n, void *data)
{
    table *t = data;
    if (t->rows > 0 && t->col >= t->ncols) { /* a ragged row: extra fields dropped */
        t->col++;
        return;
    }
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->text = xrealloc(t->text, t->cap);
    }
    if (t->ncells == t->cellcap) {
        t->cellcap = t->cellcap ? t->cellcap * 2 : 1024;
        t->cell = xrealloc(t->cell, t->cellcap * sizeof *t->cell);
    }
    t->cell[t->ncells++] = t->len;
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len++] = 0;
    t->col++;
}

static void on_row(int c, void *data)
{
    table *t = data;
    (void)c;
    if (t->rows == 0)
        t->ncols = t->col;
    while (t->col < t->ncols) /* a short row: padded with empty fields */
        on_field("", 0, t);
    t->rows++;
    t->col = 0;
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int is_number(const char *s)
{
    const char *p = s + (*s == '-');
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == 0;
}

static int is_date(const char *s)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    return s[10] == 0;
}

/* Not inlined, so that callgrind can count it alone. */
__attribute__((noinline)) static int xf_write(const table *t, const char *path, const int *keep,
                                              int fill, const char *plain,
                                              unsigned long long *cells)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb)
        return -1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xEDEDED);
    format_set_pattern(head, LXW_PATTERN_SOLID);
    format_set_bottom(head, LXW_BORDER_THIN);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    const char *fill_value[MAXFILLS];
    lxw_format *fill_fmt[MAXFILLS];
    int nfills = 0;
    size_t width[MAXCOLS] = {0};
    /* The fills are made first, as rosterflag makes its level formats. */
    for (size_t r = 1; fill >= 0 && r < t->rows && nfills < MAXFILLS; r++) {
        const char *v = t->text + t->cell[r * t->ncols + (size_t)fill];
        int k = 0;
        while (k < nfills && strcmp(fill_value[k], v) != 0)
            k++;
        if (k == nfills && !(plain && strcmp(plain, v) == 0)) {
            fill_value[k] = v;
            fill_fmt[k] = workbook_add_format(wb);
            format_set_bg_color(fill_fmt[k], 0x202020u * (unsigned)(k + 1));
            format_set_pattern(fill_fmt[k], LXW_PATTERN_SOLID);
            nfills++;
        }
    }
    lxw_col_t ncols = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (keep[c]) {
            const char *h = t->text + t->cell[c];
            worksheet_write_string(ws, 0, ncols++, h, head);
        }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    unsigned long long n = 0;
    lxw_error e = LXW_NO_ERROR;
    for (size_t r = 1; r < t->rows && e == LXW_NO_ERROR; r++) {
        const size_t *row = t->cell + r * t->ncols;
        lxw_col_t x = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            if (!keep[c])
                continue;
            const char *v = t->text + row[c];
            size_t len = strlen(v);
            if (len > width[x])
                width[x] = len;
            if (!len) {
                x++;
                continue;
            }
            if ((int)c == fill) {
                int k = 0;
                while (k < nfills && strcmp(fill_value[k], v) != 0)
                    k++;
                e = worksheet_write_string(ws, (lxw_row_t)r, x, v, k < nfills ? fill_fmt[k] : NULL);
            } else if (is_number(v)) {
                e = worksheet_write_number(ws, (lxw_row_t)r, x, strtod(v, NULL), NULL);
            } else if (is_date(v)) {
                lxw_datetime dt = {atoi(v), atoi(v + 5), atoi(v + 8), 0, 0, 0};
                e = worksheet_write_datetime(ws, (lxw_row_t)r, x, &dt, date);
            } else {
                e = worksheet_write_string(ws, (lxw_row_t)r, x, v, NULL);
            }
            n++;
            x++;
        }
    }
    for (lxw_col_t c = 0; c < ncols && c < MAXCOLS; c++)
        worksheet_set_column(ws, c, c,
                             (double)(width[c] < 6    ? 6
                                      : width[c] > 60 ? 60
                                                      : width[c]) +
                                 2,
                             NULL);
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)(t->rows > 1 ? t->rows - 1 : 1), ncols - 1);
    lxw_error ce = workbook_close(wb);
    *cells = n;
    return e == LXW_NO_ERROR && ce == LXW_NO_ERROR ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(
            stderr,
            "usage: %s RESULTS.csv OUT.xlsx [--drop COLUMN]... [--fill COLUMN [--plain VALUE]]\n",
            argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    table t = {0};
    struct csv_parser p;
    csv_init(&p, 0);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, &t) != n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
    csv_fini(&p, on_field, on_row, &t);
    csv_free(&p);
    fclose(f);
    if (t.rows == 0 || t.ncols > MAXCOLS) {
        fprintf(stderr, "%s: no header, or more than %d columns\n", argv[1], MAXCOLS);
        return 1;
    }
    int keep[MAXCOLS], fill = -1;
    const char *plain = NULL;
    for (size_t c = 0; c < t.ncols; c++)
        keep[c] = 1;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--plain") == 0 && i + 1 < argc) {
            plain = argv[++i];
            continue;
        }
        int drop = strcmp(argv[i], "--drop") == 0;
        if ((!drop && strcmp(argv[i], "--fill") != 0) || i + 1 == argc) {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[i]);
            return 2;
        }
        const char *name = argv[++i];
        size_t c = 0;
        while (c < t.ncols && strcmp(t.text + t.cell[c], name) != 0)
            c++;
        if (c == t.ncols) {
            fprintf(stderr, "%s: no column %s in %s\n", argv[0], name, argv[1]);
            return 2;
        }
        if (drop)
            keep[c] = 0;
        else
            fill = (int)c;
    }
    unsigned long long cells = 0;
    double cpu0 = now(CLOCK_PROCESS_CPUTIME_ID), wall0 = now(CLOCK_MONOTONIC);
    int rc = xf_write(&t, argv[2], keep, fill, plain, &cells);
    double cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = now(CLOCK_MONOTONIC) - wall0;
    if (rc != 0) {
        fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[2]);
        return 1;
    }
    printf("rows=%zu cells=%llu write_cpu_s=%.3f write_wall_s=%.3f\n", t.rows - 1, cells, cpu,
           wall);
    free(t.text);
    free(t.cell);
    return 0;
}
