/* ideal_score.c - the best case for a libcsv-based scorer of one pack.
 *
 * The job of `rosterflag run rules/xuanen-twelve-point.yaml --threads 1
 * --columns member_id,name,branch,score,deducted,bonus,level` on a year-end
 * sheet (gen_yearend.py, narrow or --wide), hard-coded: the pack's point
 * values, its bonus cap, its two levels and the sheet's column names are in
 * this file. It parses exactly as bare_parse.c does (libcsv with no options,
 * 64 KiB fread chunks, callbacks) and adds only what the job needs: each
 * count cell read to a number in the field callback and weighted into three
 * sums, the three text cells written straight into the output buffer (quoted
 * as rosterflag quotes them), and per row the score, deducted, bonus and
 * level appended. No UTF-8 validation, no line numbers, no rejects report,
 * no duplicate-id check: a cell that is not a count stops the run. It answers
 * one question: how close to bare_parse can any libcsv-based scorer get?
 *
 * Build: cc -O2 bench/ideal_score.c -lcsv -o bench/data/ideal_score
 * Usage: ideal_score FILE > OUT      (CSV with a header line)
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)
#define OUTCAP (256 * 1024)
#define MAXCOL 64

enum { K_HEAD, K_SKIP, K_DED, K_ALL, K_BON, K_ID, K_NAME, K_BRANCH };

/* rules/xuanen-twelve-point.yaml as shipped. */
static const struct {
    const char *code;
    int kind;
    int points;
} items[] = {
    {"D01", K_DED, 2}, {"D02", K_DED, 1}, {"D03", K_DED, 2}, {"D04", K_DED, 2},  {"D05", K_DED, 2},
    {"D06", K_DED, 1}, {"D07", K_DED, 3}, {"D08", K_DED, 2}, {"D09", K_DED, 3},  {"D10", K_DED, 2},
    {"D11", K_DED, 3}, {"D12", K_DED, 1}, {"D13", K_DED, 1}, {"F01", K_ALL, 12}, {"F02", K_ALL, 12},
    {"B01", K_BON, 2}, {"B02", K_BON, 2}, {"B03", K_BON, 1},
};
enum { START_POINTS = 12, BONUS_CAP = 4, REMINDER_AT = 6 };

struct state {
    int ncol;         /* columns in the header */
    int col;          /* the current field's column */
    int bad;          /* a count cell was not a count */
    int kind[MAXCOL]; /* what each column is */
    int64_t weight[MAXCOL];
    int64_t sum[3]; /* deducted, all-points count, bonus: indexed kind - K_DED */
    size_t n;       /* bytes in out */
    char out[OUTCAP];
};

static void flush(struct state *st)
{
    if (st->n && fwrite(st->out, 1, st->n, stdout) != st->n) {
        perror("ideal_score: stdout");
        exit(1);
    }
    st->n = 0;
}

static void reserve(struct state *st, size_t need)
{
    if (st->n + need > OUTCAP)
        flush(st);
}

static int special(unsigned char c)
{
    return c == ',' || c == '"' || c == '\n' || c == '\r';
}

/* As engine/wr.c: eight bytes a step look for any byte below '-' (0x2D),
 * the four that force quoting all are. */
static int needs_quote(const char *s, size_t n)
{
    size_t i = 0;
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w - ones * 0x2D) & ~w & high)
            for (size_t k = i; k < i + 8; k++)
                if (special((unsigned char)s[k]))
                    return 1;
    }
    for (; i < n; i++)
        if (special((unsigned char)s[i]))
            return 1;
    return 0;
}

/* The slow path: a cell that needs quoting. */
static void put_quoted(struct state *st, const char *s, size_t n, int inert)
{
    reserve(st, 3);
    st->out[st->n++] = '"';
    if (inert)
        st->out[st->n++] = '\'';
    for (size_t i = 0; i < n; i++) {
        reserve(st, 2);
        if (s[i] == '"')
            st->out[st->n++] = '"';
        st->out[st->n++] = s[i];
    }
    reserve(st, 1);
    st->out[st->n++] = '"';
}

/* A text cell as rosterflag writes it: a leading formula character gets an
 * apostrophe (made inert for spreadsheets), a delimiter, quote or line break
 * gets RFC 4180 quoting. */
static void put_text(struct state *st, const char *s, size_t n)
{
    int inert = n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                      s[0] == '\r');
    if (needs_quote(s, n)) {
        put_quoted(st, s, n, inert);
        return;
    }
    reserve(st, n + 2);
    if (n + 2 > OUTCAP) {
        if ((inert && putchar('\'') == EOF) || fwrite(s, 1, n, stdout) != n) {
            perror("ideal_score: stdout");
            exit(1);
        }
        return;
    }
    if (inert)
        st->out[st->n++] = '\'';
    memcpy(st->out + st->n, s, n);
    st->n += n;
}

static void put_int(struct state *st, int64_t v)
{
    if ((uint64_t)v < 10) {
        st->out[st->n++] = (char)('0' + v);
        return;
    }
    if ((uint64_t)v < 100) {
        st->out[st->n++] = (char)('0' + v / 10);
        st->out[st->n++] = (char)('0' + v % 10);
        return;
    }
    char tmp[24];
    int k = sizeof tmp;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    memcpy(st->out + st->n, tmp + k, sizeof tmp - (size_t)k);
    st->n += sizeof tmp - (size_t)k;
}

static void read_header(struct state *st, int c, const char *s, size_t len)
{
    st->kind[c] = K_SKIP;
    st->weight[c] = 0;
    if (len == strlen("编号") && !memcmp(s, "编号", len))
        st->kind[c] = K_ID;
    else if (len == strlen("姓名") && !memcmp(s, "姓名", len))
        st->kind[c] = K_NAME;
    else if (len == strlen("所在支部") && !memcmp(s, "所在支部", len))
        st->kind[c] = K_BRANCH;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        if (len == 3 && !memcmp(s, items[i].code, 3)) {
            st->kind[c] = items[i].kind;
            /* The all-points sum counts the F cells; their 12 goes into
             * deducted at the row's end. */
            st->weight[c] = items[i].kind == K_ALL ? 1 : items[i].points;
        }
}

/* The text columns, the header row and count cells
 * of more than one digit: kept out of on_field so that its common case, a
 * one-digit count, stays a few instructions with no register spills. */
__attribute__((noinline)) static void other_field(struct state *st, int c, int k, const char *s,
                                                  size_t len)
{
    if (k == K_HEAD) {
        read_header(st, c, s, len);
        return;
    }
    if (k >= K_ID) {
        /* id, name and branch are the first three output columns, in the
         * sheet's order: straight to the output. */
        if (k != K_ID) {
            reserve(st, 1);
            st->out[st->n++] = ',';
        }
        put_text(st, s, len);
        return;
    }
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned)(s[i] - '0') >= 10) {
            st->bad = 1;
            return;
        }
        v = v * 10 + (s[i] - '0');
    }
    st->sum[k - K_DED] += v * st->weight[c];
}

static void on_field(void *p, size_t len, void *data)
{
    struct state *st = data;
    const char *s = p;
    int c = st->col++;
    int k = c < MAXCOL ? st->kind[c] : K_SKIP;
    if (k <= K_BON && k >= K_DED && len == 1 && (unsigned)(s[0] - '0') < 10) {
        st->sum[k - K_DED] += (s[0] - '0') * st->weight[c];
        return;
    }
    if (k != K_SKIP)
        other_field(st, c, k, s, len);
}

static void on_row(int term, void *data)
{
    struct state *st = data;
    (void)term;
    if (st->ncol == 0) {
        st->ncol = st->col;
        if (st->ncol > MAXCOL) {
            fprintf(stderr, "ideal_score: more than %d columns\n", MAXCOL);
            exit(1);
        }
        for (int c = st->ncol; c < MAXCOL; c++)
            st->kind[c] = K_SKIP;
        if (st->ncol < 3 || st->kind[0] != K_ID || st->kind[1] != K_NAME ||
            st->kind[2] != K_BRANCH) {
            fprintf(stderr, "ideal_score: the sheet must start 编号,姓名,所在支部\n");
            exit(1);
        }
        static const char head[] = "member_id,name,branch,score,deducted,bonus,level\n";
        reserve(st, sizeof head - 1);
        memcpy(st->out + st->n, head, sizeof head - 1);
        st->n += sizeof head - 1;
        st->col = 0;
        return;
    }
    if (st->bad || st->col != st->ncol) {
        fprintf(stderr, "ideal_score: a row with a bad count cell or %d fields, not %d\n", st->col,
                st->ncol);
        exit(1);
    }
    int64_t all = st->sum[K_ALL - K_DED];
    int64_t ded = st->sum[0] + START_POINTS * all;
    int64_t bon = st->sum[K_BON - K_DED];
    if (bon > BONUS_CAP)
        bon = BONUS_CAP;
    int64_t score = START_POINTS - ded + bon;
    if (all > 0 || score < 0)
        score = 0;
    else if (score > START_POINTS)
        score = START_POINTS;
    reserve(st, 3 * 24 + 32);
    st->out[st->n++] = ',';
    put_int(st, score);
    st->out[st->n++] = ',';
    put_int(st, ded);
    st->out[st->n++] = ',';
    put_int(st, bon);
    static const char unq[] = ",unqualified\n", talk[] = ",reminder_talk\n", none[] = ",none\n";
    const char *lv = score == 0 ? unq : score <= REMINDER_AT ? talk : none;
    size_t ln = score == 0             ? sizeof unq - 1
                : score <= REMINDER_AT ? sizeof talk - 1
                                       : sizeof none - 1;
    memcpy(st->out + st->n, lv, ln);
    st->n += ln;
    st->sum[0] = st->sum[1] = st->sum[2] = 0;
    st->col = 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    struct csv_parser p;
    if (csv_init(&p, 0) != 0) {
        fprintf(stderr, "csv_init failed\n");
        fclose(f);
        return 1;
    }
    static char buf[CHUNK];
    static struct state st;
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, &st) != n) {
            fprintf(stderr, "csv_parse: %s\n", csv_strerror(csv_error(&p)));
            rc = 1;
            break;
        }
    }
    if (ferror(f)) {
        perror(argv[1]);
        rc = 1;
    }
    if (rc == 0 && csv_fini(&p, on_field, on_row, &st) != 0) {
        fprintf(stderr, "csv_fini: %s\n", csv_strerror(csv_error(&p)));
        rc = 1;
    }
    csv_free(&p);
    fclose(f);
    flush(&st);
    if (fflush(stdout) != 0) {
        perror("ideal_score: stdout");
        rc = 1;
    }
    return rc;
}
