/* cs: streaming CSV reader. See cs.h.
 *
 * Pipeline: read() 64 KiB chunks -> (GB18030 only) iconv to UTF-8 ->
 * scan for line breaks and validate UTF-8 -> libcsv, which writes each
 * cell straight into the row buffer -> field callback -> row callback.
 *
 * libcsv does not say where in its input a row ended. Outside quotes every
 * line break ends a row, so a stretch of whole lines with no quote (and no
 * CR without its LF) goes to csv_parse in one call and the row callback
 * counts the lines (cs_stretch, cs_feed_lines). Elsewhere — a line with a
 * quote, a quoted cell spanning lines, a byte to report — the input is cut
 * after every CR and LF byte, so that a row-end callback can only come from
 * the last byte of the piece (cs_feed). Either way physical line numbers
 * are exact for LF, CRLF, lone CR and line breaks inside quoted fields,
 * without re-implementing CSV quoting here.
 *
 * libcsv runs in strict mode for one reason: to stop at a stray quote,
 * where cs_unquote reads it as spreadsheets do and parsing goes on (its own
 * non-strict reading can swallow lines). Clean input pays nothing for it. */
#include "cs.h"

#include "ar.h"
#include "dg.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* An AVX2 cs_stretch, chosen at run time (cs_open) where the processor has
 * it: thirty-two bytes a step. */
#if defined(__SSE2__) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define CS_AVX2 1
#include <immintrin.h>
#endif

#define CS_CHUNK ((size_t)64 * 1024)
/* Room for the tail of an incomplete multibyte sequence carried over to the
 * next read (at most 3 bytes for UTF-8 and GB18030). */
#define CS_CARRY 16
/* GB18030 -> UTF-8 grows at most 2 bytes -> 3, 4 -> 4, 1 -> 1. */
#define CS_UCAP (CS_CHUNK * 2 + 64)
/* The row buffer's first size (it grows for longer rows: cs_rowbuf_grow). */
#define CS_ROWBUF ((size_t)4096)

/* libcsv keeps its state constants private; these are stable across 3.x.
 * FIELD_BEGUN with `quoted` set is the only way to tell "inside an open
 * quoted field" at EOF from "just after a closing quote"; the two states are
 * also where strict mode stops on a stray quote (see cs_feed). */
#define CS_LIBCSV_FIELD_BEGUN 2
#define CS_LIBCSV_FIELD_MIGHT_HAVE_ENDED 3

/* What the row being built has met (see cs_row.problem). */
#define CS_ROW_AFTER_QUOTE 1u
#define CS_ROW_CUT 2u

/* How the cells at one position are read (cs_digits, cs_counts), kept for
 * every position the row's cells have room for (nfcap): the field callback
 * looks at its own without a bounds test. */
typedef struct cs_col {
    uint64_t lo, len; /* a count column's range, as cs_count's, but at most
                         2^62 each: the reader's -1 (no number) never counts */
    uint32_t *at;     /* its count, NULL if none */
    bool dig;         /* 2 to 9 digits are read as a number */
    bool empty_ok;
} cs_col;

struct cs_reader {
    char *path, *label;
    int fd;
    rf_diags *d;

    cs_encoding want; /* as asked */
    cs_encoding enc;  /* decided; AUTO while everything seen is ASCII */
    cs_encoding hint; /* what the rest of the first chunk suggests */
    unsigned char delim;
    bool avx2; /* cs_stretch_avx2 (cs_simd) */

    struct csv_parser p;
    bool pinit;

    /* raw input: rbuf[rpos..rlen) not yet consumed; roff = file offset of rbuf[0] */
    unsigned char *rbuf;
    size_t rpos, rlen;
    uint64_t roff;
    bool eof, bom_done, need_more;

    /* GB18030 conversion output */
    iconv_t cd;
    bool cd_open;
    unsigned char *ubuf;
    size_t upos, ulen;
    bool gb_bad, gb_cut;
    uint64_t gb_bad_off;

    /* line tracking: `line` is the physical line of the next byte fed */
    uint64_t line, row_start, blank;
    unsigned char last; /* last byte fed to libcsv */
    bool crlf_tail;     /* the piece being parsed ends with the LF of a CRLF */
    bool inq;           /* inside a quoted field after the last piece */
    uint64_t qline;     /* line that quoted field started on */
    uint64_t rows;      /* row callbacks so far */
    /* cs_feed_lines: a stretch of whole lines in one csv_parse call, where
     * the row callback keeps the line count (see there) */
    bool multi;
    int mlast;       /* the last line break's byte, '\r' when an LF ending a
                        CRLF is next */
    uint64_t nbrk;   /* line breaks the stretch's rows ended at so far */
    uint64_t stopat; /* nbrk at the row whose callback asked to stop */
    /* The first bytes of a first cell that send a row to cs_row_problem:
     * those a header cell, a blank, a byte-order mark or an ideographic
     * space starts with, and NUL (an empty cell); every byte before the
     * header is read. */
    unsigned char look[256];
    cs_row row; /* the row handed over when it has no problem */

    /* the row being built */
    unsigned rowflags;
    size_t quote_col; /* 0-based cell with the first text after a closing quote */
    uint64_t cut_off; /* where the file ends inside a character */
    char problem[640];
    char *fbuf;
    size_t flen, fcap; /* flen counts every cell taken, and its NUL (the limits) */
    /* Below it a cell's bytes keep the row within its limit and two bytes
     * of the row buffer free, and its field has a place: nfcap bounds it,
     * as every cell takes a byte of flen at least (nfields <= flen); see
     * cs_set_froom. */
    size_t froom;
    cs_field *fields;
    size_t nfields, nfcap;
    bool *dig; /* cs_digits: dig[0..ndig); a chunk reader's is its whole's */
    size_t ndig;
    bool dig_own;
    const cs_count *cnt; /* cs_counts: cnt[0..ncnt), adding into counts */
    size_t ncnt;
    uint32_t *counts;
    size_t ncounts; /* 0: no counting */
    bool cbad;      /* a count cell of the row being built did not count */
    cs_col *col;    /* col[0..nfcap) */
    /* Per position, where a cell of one digit is added without a test: its
     * count when every digit is in range, the sink for a column that counts
     * nothing, NULL for one whose range needs a look (col). */
    uint32_t **cat;
    uint32_t sink;

    char *rawbuf;
    size_t rawcap;

    /* header */
    char *hbuf;
    const char **hdr;
    size_t nh;
    uint64_t hline;
    bool have_header;

    cs_row_fn fn;
    void *ctx;
    int stop;
    bool finished, failed;
    bool borrowed; /* a chunk reader: rbuf and the header belong to others */
};

/* ---- small helpers ------------------------------------------------------ */

typedef struct cs_sb {
    char *p;
    size_t n, cap;
} cs_sb;

static void cs_sb_add(cs_sb *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->p = ar_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void cs_sb_str(cs_sb *b, const char *s)
{
    cs_sb_add(b, s, strlen(s));
}

static char *cs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ar_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static void cs_fail(cs_reader *r, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void cs_fail(cs_reader *r, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dg_vadd(r->d, RF_ERROR, RF_CLASS_INPUT, r->path, line, 0, 0, NULL, fmt, ap);
    va_end(ap);
    r->failed = true;
}

/* Length of the valid UTF-8 sequence at s (1..4); 0 when s[0..avail) is a
 * valid but incomplete prefix; -1 when invalid. Strict: no overlongs, no
 * surrogates, nothing above U+10FFFF. */
static int cs_u8len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int need;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return -1;
    if (c < 0xE0) {
        need = 2;
    } else if (c < 0xF0) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return -1;
    }
    for (int k = 1; k < need; k++) {
        if ((size_t)k >= avail)
            return 0;
        unsigned b = s[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return -1;
    }
    return need;
}

/* ---- libcsv callbacks ----------------------------------------------------- */

/* Said once, and the row is not delivered: the file fails. */
static void cs_too_big(cs_reader *r, const char *what)
{
    if (!r->failed)
        cs_fail(r, r->row_start,
                "the row at line %llu has more than %s, the limit per row: the file is not a "
                "roster (wrong --delimiter? not a CSV file?)",
                (unsigned long long)r->row_start, what);
}

/* col[from..nfcap) from the reader's settings. */
static void cs_col_fill(cs_reader *r, size_t from)
{
    for (size_t i = from; i < r->nfcap; i++) {
        cs_col *k = &r->col[i];
        const cs_count *c =
            i < r->ncnt && r->cnt[i].slot >= 0 && (size_t)r->cnt[i].slot < r->ncounts ? &r->cnt[i]
                                                                                      : NULL;
        /* The numbers read are below 10^9: capped, the ranges count the
         * same ones. */
        const uint64_t cap = (uint64_t)1 << 62;
        k->dig = (i < r->ndig && r->dig[i]) || c;
        k->at = c ? r->counts + c->slot : NULL;
        k->lo = c ? (c->lo < cap ? c->lo : cap) : 0;
        k->len = c ? (c->len < cap ? c->len : cap) : 0;
        k->empty_ok = c && c->empty_ok;
        r->cat[i] = !c ? &r->sink : k->lo == 0 && k->len >= 9 ? k->at : NULL;
    }
}

/* Below froom a cell's bytes leave the row within its limit and two bytes
 * of the row buffer free (a NUL, and an empty cell's), and its field has a
 * place. */
static void cs_set_froom(cs_reader *r)
{
    size_t m = r->fcap - 2 < CS_MAX_ROW_BYTES ? r->fcap - 2 : CS_MAX_ROW_BYTES;
    r->froom = r->nfcap < m ? r->nfcap : m;
}

/* Room for one more field of n bytes, within the limits per row. The
 * limits are only checked here, when a buffer must grow: off the hot path. */
static bool cs_grow(cs_reader *r, size_t n)
{
    if (r->nfields >= CS_MAX_CELLS) {
        cs_too_big(r, "16,384 cells");
        return false;
    }
    if (r->flen + n + 1 > CS_MAX_ROW_BYTES) {
        cs_too_big(r, "16 MiB");
        return false;
    }
    /* The fields grow with the bytes too (up to the cell limit), so that
     * froom follows the bytes of a row of short cells. */
    if (r->nfields == r->nfcap || (r->flen >= r->nfcap && r->nfcap < CS_MAX_CELLS)) {
        size_t was = r->nfcap;
        r->nfcap = r->nfcap ? r->nfcap * 2 : 64;
        r->fields = ar_xrealloc(r->fields, r->nfcap * sizeof *r->fields);
        r->col = ar_xrealloc(r->col, r->nfcap * sizeof *r->col);
        r->cat = ar_xrealloc(r->cat, r->nfcap * sizeof *r->cat);
        cs_col_fill(r, was);
    }
    cs_set_froom(r);
    return true;
}

/* libcsv writes each cell straight into the row buffer (cs_cb_field): its
 * field buffer is pointed at the row buffer's free part, and moved past
 * each cell it hands over. libcsv never grows it (cs_no_grow): where it
 * would, csv_parse stops, cs_parse grows the row buffer (cs_rowbuf_grow)
 * and parsing goes on from the same byte. */
static void *cs_no_grow(void *p, size_t n)
{
    (void)p, (void)n;
    return NULL;
}

/* The row buffer emptied for the next row (libcsv is between cells). */
static inline void cs_rowbuf_reset(cs_reader *r)
{
    r->flen = 0;
    r->p.entry_buf = (unsigned char *)r->fbuf;
    r->p.entry_size = r->fcap - 1;
}

static void cs_rowbuf_init(cs_reader *r)
{
    r->fcap = CS_ROWBUF;
    r->fbuf = ar_xmalloc(r->fcap);
    csv_set_realloc_func(&r->p, cs_no_grow);
    cs_set_froom(r);
    cs_rowbuf_reset(r);
}

/* A row buffer with room for `need` bytes: the row's cells and the `open`
 * bytes of the cell libcsv is writing moved, the cells re-pointed. false:
 * the row is over its limit (said). open is libcsv's entry_pos where it
 * stopped for room, 0 between cells: inside a field callback the
 * entry_pos in the parser is stale (libcsv keeps its own in a local). */
static bool cs_rowbuf_grow(cs_reader *r, size_t need, size_t open)
{
    if (need > CS_MAX_ROW_BYTES + 2) {
        cs_too_big(r, "16 MiB");
        return false;
    }
    size_t cap = r->fcap * 2;
    while (cap < need)
        cap *= 2;
    if (cap > CS_MAX_ROW_BYTES + 2)
        cap = CS_MAX_ROW_BYTES + 2;
    size_t at = (size_t)((char *)r->p.entry_buf - r->fbuf), keep = at + open;
    char *nb = ar_xmalloc(cap);
    memcpy(nb, r->fbuf, keep);
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].p = nb + (r->fields[i].p - r->fbuf);
    free(r->fbuf);
    r->fbuf = nb;
    r->fcap = cap;
    r->p.entry_buf = (unsigned char *)nb + at;
    r->p.entry_size = cap - at - 1;
    cs_set_froom(r);
    return true;
}

/* The cell's number (cs_field.num): a one-digit cell always, one of 2 to 9
 * digits in a column given to cs_digits. It is read here, from libcsv's
 * buffer, while the cell is at hand: the run then takes its value without a
 * second look at its text. */
static inline int64_t cs_num(const cs_col *k, const unsigned char *u, size_t n)
{
    if (n == 1)
        return (unsigned)(u[0] - '0') < 10 ? u[0] - '0' : -1;
    if (n < 2 || n > 9 || !k->dig)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)(u[i] - '0') >= 10)
            return -1;
        x = x * 10 + (u[i] - '0');
    }
    return x;
}

/* A count column's cell (cs_counts), its number x, is added into its count
 * here, as it is read: the run then need not look at the cell again. */
static inline void cs_count_cell(cs_reader *r, const cs_col *k, int64_t x, size_t n)
{
    if (!k->at)
        return;
    if ((uint64_t)x - k->lo <= k->len)
        *k->at += (uint32_t)x;
    else if (n || !k->empty_ok)
        r->cbad = true;
}

/* A row's end, delivered or not: the next one counts from zero. Up to 32
 * counts (a year-end sheet has a score of them) by overlapping stores of
 * 16 bytes, not a call to memset for every row. */
static inline void cs_count_reset(cs_reader *r)
{
    size_t n = r->ncounts * sizeof *r->counts;
    unsigned char *d = (unsigned char *)r->counts;
    if (n >= 16 && n <= 128) {
        static const unsigned char z[16];
        size_t e = n - 16;
        memcpy(d, z, 16);
        memcpy(d + e, z, 16);
        if (n > 32) {
            memcpy(d + 16, z, 16);
            memcpy(d + e - 16, z, 16);
        }
        if (n > 64) {
            memcpy(d + 32, z, 16);
            memcpy(d + 48, z, 16);
            memcpy(d + e - 32, z, 16);
            memcpy(d + e - 48, z, 16);
        }
    } else if (n) {
        memset(d, 0, n);
    }
    r->cbad = false;
}

/* The first cells of a file, and long ones: out of the way of the usual
 * cell, which then needs no registers saved. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
cs_take_slow(cs_reader *r, unsigned char *u, size_t n)
{
    if ((r->nfields == r->nfcap || r->flen + n + 1 > CS_MAX_ROW_BYTES ||
         (r->flen >= r->nfcap && r->nfcap < CS_MAX_CELLS)) &&
        !cs_grow(r, n))
        return;
    size_t nf = r->nfields, fl = r->flen;
    cs_field *f = &r->fields[nf];
    r->nfields = nf + 1;
    r->flen = fl + n + 1;
    f->n = n;
    u[n] = 0;
    int64_t x = cs_num(&r->col[nf], u, n);
    f->num = x;
    cs_count_cell(r, &r->col[nf], x, n);
    f->p = (char *)u;
    r->p.entry_buf = u + n + 1;
    /* room for the next cell's NUL at least (an empty cell has only that) */
    if (r->fcap - r->flen < 2 && !cs_rowbuf_grow(r, r->flen + 2, 0))
        return;
    r->p.entry_size = r->fcap - r->flen - 1;
}

/* The cell is where libcsv wrote it, in the row buffer (cs_rowbuf_init):
 * ended with a NUL (libcsv left room for it) and kept there, and libcsv's
 * next cell goes after it. No copy: a load of the bytes just written a byte
 * at a time waits for those stores to land, which costs more than the copy.
 * What is read of r comes first, as the stores through u may alias it. */
static void cs_cb_field(void *s, size_t n, void *data)
{
    cs_reader *r = data;
    unsigned char *u = s;
    size_t nf = r->nfields, fl = r->flen;
    if (fl + n >= r->froom) { /* nf <= fl < froom <= nfcap, and the row's bytes */
        cs_take_slow(r, u, n);
        return;
    }
    cs_field *f = &r->fields[nf];
    const cs_col *k = &r->col[nf];
    uint32_t *at = r->cat[nf];
    size_t end = fl + n + 1;
    r->nfields = nf + 1;
    r->flen = end;
    r->p.entry_buf = u + n + 1;
    r->p.entry_size = r->fcap - end - 1;
    f->n = n;
    f->p = (char *)u;
    u[n] = 0;
    /* A count cell is mostly one digit: added where cat says, no test. */
    unsigned d0 = (unsigned)(u[0] - '0');
    bool one = n == 1 && d0 < 10;
    int64_t x = one ? d0 : cs_num(k, u, n);
    f->num = x;
    if (one && at)
        *at += d0;
    else
        cs_count_cell(r, k, x, n);
}

static bool cs_hblank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* A header cell as bound: Excel users pad headers with ideographic spaces
 * to align them. */
static void cs_trim(const unsigned char **sp, size_t *np)
{
    const unsigned char *s = *sp;
    size_t n = *np;
    for (;;) {
        if (n && cs_hblank(s[0]))
            s++, n--;
        else if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
            s += 3, n -= 3;
        else
            break;
    }
    for (;;) {
        if (n && cs_hblank(s[n - 1]))
            n--;
        else if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80)
            n -= 3;
        else
            break;
    }
    *sp = s;
    *np = n;
}

static void cs_set_look(cs_reader *r)
{
    memset(r->look, 0, sizeof r->look);
    static const unsigned char first[] = {0, ' ', '\t', 0xE3, 0xEF};
    for (size_t i = 0; i < sizeof first; i++)
        r->look[first[i]] = 1;
    r->look[(unsigned char)r->hdr[0][0]] = 1;
}

static void cs_take_header(cs_reader *r, uint64_t line)
{
    r->hbuf = ar_xmalloc(r->flen ? r->flen : 1);
    r->hdr = ar_xmalloc(r->nfields * sizeof *r->hdr);
    size_t at = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        const unsigned char *s = (const unsigned char *)r->fields[i].p;
        size_t n = r->fields[i].n;
        cs_trim(&s, &n);
        memcpy(r->hbuf + at, s, n);
        r->hbuf[at + n] = 0;
        r->hdr[i] = r->hbuf + at;
        at += n + 1;
    }
    r->nh = r->nfields;
    r->hline = line;
    r->have_header = true;
    cs_set_look(r);
}

static bool cs_is_bom(const cs_field *f)
{
    return f->n >= 3 && memcmp(f->p, "\xEF\xBB\xBF", 3) == 0;
}

/* Does the row (its first cell without its first `skip` bytes) repeat the
 * header? Compared as bound: trimmed, exact. A row of data seldom gets
 * past its first cell. */
static bool cs_repeats_header(const cs_reader *r, size_t nf, size_t skip)
{
    if (nf != r->nh)
        return false;
    for (size_t i = 0; i < nf; i++) {
        const unsigned char *s = (const unsigned char *)r->fields[i].p;
        size_t n = r->fields[i].n;
        if (i == 0)
            s += skip, n -= skip;
        /* A cell that starts with no blank keeps its first byte when
         * trimmed: a row of data rarely gets past this test. */
        if (n && s[0] != (unsigned char)r->hdr[i][0] && !cs_hblank(s[0]) && s[0] != 0xE3)
            return false;
        cs_trim(&s, &n);
        if (n != strlen(r->hdr[i]) || memcmp(s, r->hdr[i], n) != 0)
            return false;
    }
    return true;
}

/* The text of cs_row.problem for the row in r->fields[0..nf); sets *reject.
 * NULL when the row is clean: the usual case costs one test of rowflags and
 * one of the first cell. */
static const char *cs_row_problem(cs_reader *r, size_t nf, bool *reject)
{
    *reject = false;
    if (r->rowflags & CS_ROW_CUT) {
        *reject = true;
        snprintf(r->problem, sizeof r->problem,
                 "the file ends inside a %s character (byte offset %llu): it was cut short, so "
                 "this last row is incomplete",
                 r->enc == CS_ENC_GB18030 ? "GB18030" : "UTF-8", (unsigned long long)r->cut_off);
        return r->problem;
    }
    if (r->have_header && nf && cs_is_bom(&r->fields[0])) {
        /* Two exports joined into one file: the second one's mark stays
         * in the middle, and its header would be read as a row. */
        *reject = true;
        snprintf(r->problem, sizeof r->problem,
                 "a byte-order mark starts the line: another file seems joined here (two exports "
                 "concatenated?)%s",
                 cs_repeats_header(r, nf, 3) ? "; the line repeats the header" : "");
        return r->problem;
    }
    /* Inline, the test that settles nearly every row of data: its first
     * cell starts with a byte the header's does not, and no blank. */
    const unsigned char *c0 = nf ? (const unsigned char *)r->fields[0].p : NULL;
    bool differs = nf != r->nh || (nf && r->fields[0].n && c0[0] != (unsigned char)r->hdr[0][0] &&
                                   !cs_hblank(c0[0]) && c0[0] != 0xE3);
    if (r->have_header && !differs && cs_repeats_header(r, nf, 0)) {
        /* The same without a mark (exports in GBK have none): read as
         * data, a header of text columns would become an entity. */
        *reject = true;
        snprintf(r->problem, sizeof r->problem,
                 "the line repeats the header: another file seems joined here (two exports "
                 "concatenated?)");
        return r->problem;
    }
    if (r->rowflags & CS_ROW_AFTER_QUOTE) {
        const char *h = r->have_header && r->quote_col < r->nh ? r->hdr[r->quote_col] : "";
        snprintf(r->problem, sizeof r->problem,
                 "cell %zu%s%.200s%s has text after its closing quote: read as spreadsheets read "
                 "it, the text appended to the cell and the row ending at its line break",
                 r->quote_col + 1, *h ? " (" : "", h, *h ? ")" : "");
        return r->problem;
    }
    return NULL;
}

/* The header row, a row with a problem to check for or to note, and rows
 * after the reading stopped or failed. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
cs_row_slow(cs_reader *r, uint64_t start, uint64_t end, size_t nf)
{
    if (r->stop || r->failed) {
        r->rowflags = 0;
        cs_rowbuf_reset(r);
        cs_count_reset(r);
        return;
    }
    bool reject;
    const char *problem = cs_row_problem(r, nf, &reject);
    r->rowflags = 0;
    if (!r->have_header) {
        if (problem)
            dg_add(r->d, RF_WARNING, RF_CLASS_INPUT, r->path, start, 0, 0, NULL, "header: %s",
                   problem);
        r->nfields = nf;
        cs_take_header(r, start);
        r->nfields = 0;
        r->stop = 1;
    } else {
        cs_row row = {start,  end - start + 1,       nf, r->fields, NULL, 0, problem,
                      reject, r->ncounts && !r->cbad};
        int rc = r->fn(r->ctx, &row);
        if (rc) {
            r->stop = rc;
            r->stopat = r->nbrk;
        }
    }
    cs_rowbuf_reset(r);
    cs_count_reset(r);
}

static void cs_cb_row(int c, void *data)
{
    cs_reader *r = data;
    r->rows++;
    uint64_t end = r->line;
    if (r->multi) {
        /* Every line break of the stretch ends a row here (it holds no
         * quote), in order, and a CR in it is always followed by its LF:
         * the count of lines is kept here. The rows after one whose
         * callback asked to stop are read again when reading resumes. */
        if (r->stop) {
            r->nfields = 0;
            cs_rowbuf_reset(r);
            cs_count_reset(r);
            return;
        }
        r->nbrk++;
        bool tail = c == '\n' && r->mlast == '\r';
        r->mlast = c;
        if (tail)
            return;
        r->line++;
    } else if (c == '\n' && r->crlf_tail && r->nfields == 0) {
        /* With CSV_REPALL_NL the LF of a CRLF arrives as an empty row of
         * its own. */
        return;
    }
    uint64_t start = r->row_start;
    r->row_start = end + 1;
    size_t nf = r->nfields;
    r->nfields = 0;
    /* r->flen has n + 1 for each cell: all empty when it is nf. */
    if (r->flen == nf) {
        r->blank += end - start + 1;
        cs_rowbuf_reset(r);
        r->rowflags = 0;
        cs_count_reset(r);
        return;
    }
    /* A row of data with nothing to note (see cs_row_problem): nothing was
     * repaired, and its first cell starts with none of the bytes in look. */
    if (!(r->rowflags | (unsigned)r->stop | r->failed) &&
        !r->look[(unsigned char)r->fields[0].p[0]]) {
        cs_rowbuf_reset(r);
        r->row.line = start;
        r->row.nlines = end - start + 1;
        r->row.nfields = nf;
        r->row.fields = r->fields;
        r->row.counted = r->ncounts && !r->cbad;
        int rc = r->fn(r->ctx, &r->row);
        if (rc) {
            r->stop = rc;
            r->stopat = r->nbrk;
        }
        cs_count_reset(r);
        return;
    }
    cs_row_slow(r, start, end, nf);
}

/* ---- feeding libcsv ------------------------------------------------------- */

/* Strict mode stopped before the quote-related byte c. libcsv's own
 * non-strict reading of a quote after a closing quote is to go on as if
 * still inside the quotes, which swallows the following lines into one cell
 * up to the next stray quote. Read it as spreadsheets do instead: the
 * closing quote ends the quoted part, and the rest of the cell up to the
 * delimiter or line break is plain text appended to it. Returns how many
 * bytes the recovery consumed (0: re-parse c), or -1 when this is not a
 * quote error. */
static int cs_unquote(cs_reader *r, unsigned char c)
{
    struct csv_parser *p = &r->p;
    if (p->pstate == CS_LIBCSV_FIELD_MIGHT_HAVE_ENDED) {
        /* entry_buf ends with the closing quote, then the blanks after it:
         * drop the quote, keep the blanks (text follows them). */
        unsigned char *b = p->entry_buf;
        size_t sp = p->spaces, at = p->entry_pos - sp - 1;
        memmove(b + at, b + at + 1, sp);
        p->entry_pos--;
        p->spaces = 0;
        p->quoted = 0;
        p->pstate = CS_LIBCSV_FIELD_BEGUN;
        if (!(r->rowflags & CS_ROW_AFTER_QUOTE)) {
            r->rowflags |= CS_ROW_AFTER_QUOTE;
            r->quote_col = r->nfields;
        }
        return 0;
    }
    if (p->pstate == CS_LIBCSV_FIELD_BEGUN && !p->quoted && c == p->quote_char) {
        /* A quote inside an unquoted cell (say "hi", 12") is text, as in
         * every spreadsheet. libcsv checked for room before reading it. */
        p->entry_buf[p->entry_pos++] = c;
        p->spaces = 0;
        return 1;
    }
    return -1;
}

/* csv_parse over s[0..n), reading stray quotes as cs_unquote does. */
static int cs_parse(cs_reader *r, const unsigned char *s, size_t n)
{
    size_t done = 0;
    for (;;) {
        done += csv_parse(&r->p, s + done, n - done, cs_cb_field, cs_cb_row, r);
        if (done == n)
            break;
        if (csv_error(&r->p) == CSV_ENOMEM) { /* the row buffer is full (cs_no_grow) */
            if (!cs_rowbuf_grow(r, r->flen + r->p.entry_pos + 2, r->p.entry_pos))
                return -1;
            r->p.status = 0;
            continue;
        }
        int k = csv_error(&r->p) == CSV_EPARSE ? cs_unquote(r, s[done]) : -1;
        if (k < 0) {
            cs_fail(r, r->line, "cannot parse the file at line %llu: %s",
                    (unsigned long long)r->line, csv_strerror(csv_error(&r->p)));
            return -1;
        }
        r->p.status = 0;
        done += (size_t)k;
        if (done == n)
            break;
    }
    if (r->failed)
        return -1;
    /* A cell still open here (a quoted one spanning lines) is not a field
     * yet, but its bytes count against the row's limit already. */
    if (r->p.entry_pos > CS_MAX_ROW_BYTES - r->flen) {
        cs_too_big(r, "16 MiB");
        return -1;
    }
    return 0;
}

/* Parse s[0..n): only its last byte may be a CR or LF. */
static int cs_feed(cs_reader *r, const unsigned char *s, size_t n)
{
    unsigned char end = s[n - 1];
    bool brk = end == '\r' || end == '\n';
    unsigned char before = n >= 2 ? s[n - 2] : r->last;
    r->crlf_tail = end == '\n' && before == '\r';
    uint64_t rows = r->rows;
    size_t nf = r->nfields;
    if (cs_parse(r, s, n) < 0)
        return -1;
    bool inq = r->p.quoted != 0;
    if (inq && (!r->inq || r->rows != rows || r->nfields != nf))
        r->qline = r->line;
    r->inq = inq;
    if (brk && !r->crlf_tail)
        r->line++;
    r->last = end;
    return 0;
}

/* Parse s[0..n), whole lines (it ends with an LF) that hold no quote, no
 * NUL and no CR but before an LF, in one call: each line break then ends a
 * row, so the row callback counts the lines (r->multi). libcsv must not be
 * inside or just after a quoted cell. When a row's callback asks to stop,
 * the rows after it have been parsed but not delivered: returns the length
 * of s up to the stopping row's line break, from where reading resumes
 * (libcsv is then between rows, as it is at the end of s) in *used; n
 * otherwise. */
static int cs_feed_lines(cs_reader *r, const unsigned char *s, size_t n, size_t *used)
{
    r->multi = true;
    r->mlast = r->last == '\r' && s[0] == '\n' ? '\r' : 0;
    r->nbrk = 0;
    int rc = cs_parse(r, s, n);
    r->multi = false;
    if (rc < 0)
        return -1;
    r->inq = false;
    size_t i = n;
    if (r->stop)
        for (uint64_t k = i = 0; k < r->stopat; i++)
            if (s[i] == '\r' || s[i] == '\n')
                k++;
    r->last = s[i - 1];
    *used = i;
    return 0;
}

static int cs_gb_start(cs_reader *r)
{
    if (!r->cd_open) {
        r->cd = iconv_open("UTF-8", "GB18030");
        if (r->cd == (iconv_t)-1) {
            cs_fail(r, 0, "cannot convert from GB18030 on this system (iconv: %s)",
                    strerror(errno));
            return -1;
        }
        r->cd_open = true;
        r->ubuf = ar_xmalloc(CS_UCAP);
    }
    r->enc = CS_ENC_GB18030;
    return 0;
}

/* Length of the GB18030 character at s (1, 2 or 4); 0 when s[0..avail) is
 * a valid but incomplete prefix; -1 when invalid. By byte ranges only. */
static int cs_gblen(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c == 0x80 || c == 0xFF)
        return -1;
    if (avail < 2)
        return 0;
    unsigned b = s[1];
    if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE))
        return 2;
    if (b < 0x30 || b > 0x39)
        return -1;
    if (avail >= 3 && (s[2] < 0x81 || s[2] == 0xFF))
        return -1;
    if (avail < 4)
        return 0;
    return s[3] >= 0x30 && s[3] <= 0x39 ? 4 : -1;
}

/* What a block of bytes says about its encoding. */
typedef struct cs_evidence {
    size_t u8ok, u8bad; /* UTF-8 multibyte characters read, bytes that are not UTF-8 */
    size_t gbbad;       /* bytes that are not GB18030 */
    size_t first_bad;   /* index of the first byte that is not UTF-8 */
    bool cut;           /* the block ends inside a UTF-8 character */
} cs_evidence;

static void cs_weigh(const unsigned char *s, size_t n, cs_evidence *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->first_bad = n;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int k = cs_u8len(s + i, n - i);
        if (k == 0) {
            ev->cut = true;
            break;
        }
        if (k > 0) {
            ev->u8ok++;
            i += (size_t)k;
        } else {
            if (!ev->u8bad++)
                ev->first_bad = i;
            i++;
        }
    }
    for (size_t i = 0; i < n;) {
        int k = cs_gblen(s + i, n - i);
        if (k == 0)
            break;
        if (k > 0) {
            i += (size_t)k;
        } else {
            ev->gbbad++;
            i++;
        }
    }
}

/* AUTO mode's choice on the evidence. Valid UTF-8 is UTF-8. GBK text may
 * hold a few valid UTF-8 sequences by chance, but has three to five bytes
 * that are not UTF-8 for each of them (measured on Chinese rosters), so
 * UTF-8 characters outnumbering the bad bytes four to one is UTF-8 with
 * damage (reported at the first bad byte); otherwise GB18030 when it fits
 * better. AUTO: too little to go on, the block is only the start of a
 * character that the file goes on after. */
static cs_encoding cs_choose(const cs_evidence *ev, bool eof)
{
    if (!ev->u8bad)
        return ev->u8ok || (ev->cut && eof) ? CS_ENC_UTF8 : CS_ENC_AUTO;
    if (ev->u8ok >= 4 * ev->u8bad)
        return CS_ENC_UTF8;
    return ev->gbbad < ev->u8bad ? CS_ENC_GB18030 : CS_ENC_UTF8;
}

/* Decide AUTO mode at its first non-ASCII byte, s[0], on the rest of the
 * block read (up to 64 KiB), and say why when the answer is GB18030.
 * Returns 1 when decided, 0 to read more first (a few bytes left in the
 * block and more in the file), -1 on error. */
static int cs_auto(cs_reader *r, const unsigned char *s, size_t n, uint64_t off)
{
    if (n < CS_CARRY && !r->eof)
        return 0;
    cs_evidence ev;
    cs_weigh(s, n, &ev);
    cs_encoding e = cs_choose(&ev, r->eof);
    if (e == CS_ENC_AUTO)
        return 0;
    if (e == CS_ENC_UTF8) {
        r->enc = CS_ENC_UTF8;
        return 1;
    }
    if (cs_gb_start(r) < 0)
        return -1;
    uint64_t line = r->line;
    for (size_t i = 0; i < ev.first_bad; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
            line++;
    char why[64];
    if (ev.gbbad)
        snprintf(why, sizeof why, "only %zu are not GB18030", ev.gbbad);
    else
        snprintf(why, sizeof why, "all are valid GB18030");
    dg_add(r->d, RF_NOTE, RF_CLASS_INPUT, r->path, 0, 0, 0, NULL,
           "read as GB18030: line %llu (byte offset %llu) is not UTF-8; of the %zu bytes read "
           "from line %llu on, %zu are not UTF-8 (UTF-8 characters: %zu) and %s; use "
           "--encoding to choose",
           (unsigned long long)line, (unsigned long long)(off + ev.first_bad), n,
           (unsigned long long)r->line, ev.u8bad, ev.u8ok, why);
    return 1;
}

/* The file ends inside a character (at r->cut_off): cut short. The last
 * row gets U+FFFD in its place, so that it is not lost, and is rejected
 * naming the cut (see cs_row_problem). */
static int cs_cut(cs_reader *r)
{
    static const unsigned char fffd[] = {0xEF, 0xBF, 0xBD};
    r->rowflags |= CS_ROW_CUT;
    return cs_feed(r, fffd, sizeof fffd);
}

static void cs_utf8_error(cs_reader *r, uint64_t off)
{
    cs_fail(r, r->line,
            "the file is not valid UTF-8 at line %llu, byte offset %llu; if it was saved by "
            "Excel on a Chinese system, try --encoding gb18030",
            (unsigned long long)r->line, (unsigned long long)off);
}

/* Most bytes are plain ASCII that is neither CR nor LF (nor NUL): the
 * first byte from i that needs a look (when `validate`, any byte from 0x80
 * up too), or a point at most 7 bytes from len from which the caller looks
 * at each byte. Sixteen bytes at a time where SSE2 is (every x86-64),
 * then eight by a has-zero-byte test on a word; in both the lowest hit
 * says where the byte is (in the word test a false hit only ever follows
 * a true one), so the ASCII before it is passed in the same step. */
static size_t cs_plain(const unsigned char *buf, size_t i, size_t len, bool validate)
{
#if defined(__SSE2__)
    const __m128i vcr = _mm_set1_epi8('\r'), vlf = _mm_set1_epi8('\n'), vz = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vcr), _mm_cmpeq_epi8(v, vlf)),
                                   _mm_cmpeq_epi8(v, vz));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (validate)
            m |= (unsigned)_mm_movemask_epi8(v);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
        uint64_t cr = w ^ (ones * '\r'), lf = w ^ (ones * '\n');
        uint64_t hit = ((cr - ones) & ~cr) | ((lf - ones) & ~lf) | ((w - ones) & ~w);
        uint64_t m = (hit | (validate ? w : 0)) & high;
        if (m) {
            /* Bytes are loaded in memory order on little-endian machines
             * only; elsewhere the caller's byte loop finds it. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            i += (size_t)__builtin_ctzll(m) >> 3;
#endif
            return i;
        }
        i += 8;
    }
    return i;
}

/* How cs_stretch takes bytes from 0x80 up: as they are (UTF-8 made by
 * iconv), validated as UTF-8, or as the end of the stretch (AUTO mode
 * before its decision). */
enum { CS_ST_RAW, CS_ST_UTF8, CS_ST_ASCII };

#if defined(__SSE2__)
/* 0xFF in the lanes of v0 (bytes i..i+15) that break UTF-8, given v1, v2,
 * v3: the bytes one, two and three before each. A byte must be a
 * continuation (80..BF) exactly when a lead one before it (C0 up), a lead
 * of three or four bytes two before (E0 up) or one of four three before
 * (F0 up) asks for one. A lead is checked at the byte after it: C0, C1 and
 * F5..FF are never valid, and E0, ED, F0 and F4 bound that byte (no
 * overlong forms, no surrogates, nothing past U+10FFFF). */
static inline __m128i cs_u8err(__m128i v0, __m128i v1, __m128i v2, __m128i v3)
{
    __m128i cont = _mm_cmplt_epi8(v0, _mm_set1_epi8(-64));
    __m128i want = _mm_or_si128(_mm_subs_epu8(v1, _mm_set1_epi8((char)0xBF)),
                                _mm_or_si128(_mm_subs_epu8(v2, _mm_set1_epi8((char)0xDF)),
                                             _mm_subs_epu8(v3, _mm_set1_epi8((char)0xEF))));
    __m128i err = _mm_cmpeq_epi8(_mm_cmpeq_epi8(want, _mm_setzero_si128()), cont);
    /* Chinese text has none of those leads: one test passes them all. */
    __m128i odd = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xE0)),
                     _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xED))),
        _mm_or_si128(
            _mm_cmpeq_epi8(_mm_and_si128(v1, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xC0)),
            _mm_cmpgt_epi8(_mm_xor_si128(v1, _mm_set1_epi8((char)0x80)), _mm_set1_epi8(0x6F))));
    if (!_mm_movemask_epi8(odd))
        return err;
    __m128i bad = _mm_or_si128(
        _mm_cmpgt_epi8(_mm_xor_si128(v1, _mm_set1_epi8((char)0x80)), _mm_set1_epi8(0x74)),
        _mm_cmpeq_epi8(_mm_and_si128(v1, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xC0)));
    /* as signed bytes: A0 is -96, 9F -97, 90 -112, 8F -113 */
    __m128i lo = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xE0)),
                                            _mm_cmplt_epi8(v0, _mm_set1_epi8(-96))),
                              _mm_and_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xF0)),
                                            _mm_cmplt_epi8(v0, _mm_set1_epi8(-112))));
    __m128i hi = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xED)),
                                            _mm_cmpgt_epi8(v0, _mm_set1_epi8(-97))),
                              _mm_and_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xF4)),
                                            _mm_cmpgt_epi8(v0, _mm_set1_epi8(-113))));
    return _mm_or_si128(_mm_or_si128(err, bad), _mm_or_si128(lo, hi));
}
#endif

/* cs_stretch's end, stopped at `stop` with the stretch ending at `end`: a
 * byte that stops may end a character that began before it, so the
 * line-by-line scan looks again from the last ASCII byte. */
static size_t cs_stretch_stop(const unsigned char *b, size_t stop, size_t end, size_t *ok)
{
    while (stop > end && b[stop - 1] >= 0x80)
        stop--;
    *ok = stop;
    return end;
}

/* cs_stretch's last bytes, from i (blocks from start passed the bytes
 * before it), one by one. */
static size_t cs_stretch_bytes(const unsigned char *b, size_t start, size_t i, size_t end,
                               size_t len, int mode, size_t *ok)
{
    /* From the start of the last character before i: the blocks passed
     * it, but it may go on past i. */
    if (mode == CS_ST_UTF8) {
        size_t j = i;
        while (j > start && j + 3 > i && (b[j - 1] & 0xC0) == 0x80)
            j--;
        if (j > start && b[j - 1] >= 0xC0)
            j--;
        i = j;
    }
    while (i < len) {
        unsigned char c = b[i];
        if (c >= 0x80) {
            if (mode == CS_ST_RAW) {
                i++;
                continue;
            }
            int k = mode == CS_ST_UTF8 ? cs_u8len(b + i, len - i) : -1;
            if (k <= 0)
                break;
            i += (size_t)k;
            continue;
        }
        if (c == '\n')
            end = i + 1;
        else if (c == '"' || c == 0 || (c == '\r' && (i + 1 >= len || b[i + 1] != '\n')))
            break;
        i++;
    }
    return cs_stretch_stop(b, i, end, ok);
}

/* From b[i], the start of a character, the whole lines that libcsv can
 * take in one call (cs_feed_lines): up to the first byte that must be
 * looked at on its own — a quote, a NUL, a CR not followed by LF, a byte
 * that is not (or not yet, at len) valid UTF-8 in `mode` CS_ST_UTF8, any
 * byte from 0x80 up in CS_ST_ASCII. Returns the end of the stretch (just
 * after its last LF; i when none), and in *ok a point up to which every
 * byte has passed, at a character boundary no earlier than the end: from
 * there the line-by-line scan takes over. One pass, sixteen bytes a step,
 * every block through the UTF-8 test above. */
static size_t cs_stretch(const unsigned char *b, size_t i, size_t len, int mode, size_t *ok)
{
    size_t start = i, end = i;
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('"'), vcr = _mm_set1_epi8('\r'), vlf = _mm_set1_epi8('\n');
    const __m128i vz = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i lfv = _mm_cmpeq_epi8(v0, vlf), crv = _mm_cmpeq_epi8(v0, vcr);
        __m128i qz = _mm_or_si128(_mm_cmpeq_epi8(v0, vq), _mm_cmpeq_epi8(v0, vz));
        __m128i ev = vz;
        if (mode == CS_ST_UTF8) {
            /* Nothing before start is read: a character starts there. */
            __m128i v1, v2, v3;
            if (i == start) {
                v1 = _mm_slli_si128(v0, 1);
                v2 = _mm_slli_si128(v0, 2);
                v3 = _mm_slli_si128(v0, 3);
            } else {
                v1 = _mm_loadu_si128((const __m128i *)(const void *)(b + i - 1));
                v2 = _mm_loadu_si128((const __m128i *)(const void *)(b + i - 2));
                v3 = _mm_loadu_si128((const __m128i *)(const void *)(b + i - 3));
            }
            /* on every block, ASCII or not: which blocks of a roster are
             * ASCII follows its rows' lengths, and a branch on that is
             * mispredicted often enough to cost more than the test */
            ev = cs_u8err(v0, v1, v2, v3);
        } else if (mode == CS_ST_ASCII) {
            ev = _mm_cmplt_epi8(v0, vz);
        }
        unsigned lf = (unsigned)_mm_movemask_epi8(lfv);
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(qz, crv), ev))) {
            /* a CR must have its LF next (the last lane's is in the next
             * block) */
            unsigned cr = (unsigned)_mm_movemask_epi8(crv);
            unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(qz, ev));
            bad |= cr & ~(lf >> 1) & 0x7FFF;
            if ((cr & 0x8000) && (i + 16 >= len || b[i + 16] != '\n'))
                bad |= 0x8000;
            if (bad) {
                unsigned k = (unsigned)__builtin_ctz(bad);
                lf &= (1u << k) - 1;
                if (lf)
                    end = i + 32 - (size_t)__builtin_clz(lf);
                return cs_stretch_stop(b, i + k, end, ok);
            }
        }
        /* no branch on whether the block ends a line either */
        size_t at = i + 32 - (size_t)__builtin_clz(lf | 1);
        end = lf ? at : end;
        i += 16;
    }
#endif
    return cs_stretch_bytes(b, start, i, end, len, mode, ok);
}

#if defined(CS_AVX2)
#define CS_AVX2_FN __attribute__((target("avx2")))
/* cs_u8err on thirty-two bytes. */
CS_AVX2_FN static inline __m256i cs_u8err32(__m256i v0, __m256i v1, __m256i v2, __m256i v3)
{
    const __m256i z = _mm256_setzero_si256();
    __m256i cont = _mm256_cmpgt_epi8(_mm256_set1_epi8(-64), v0);
    __m256i want =
        _mm256_or_si256(_mm256_subs_epu8(v1, _mm256_set1_epi8((char)0xBF)),
                        _mm256_or_si256(_mm256_subs_epu8(v2, _mm256_set1_epi8((char)0xDF)),
                                        _mm256_subs_epu8(v3, _mm256_set1_epi8((char)0xEF))));
    __m256i err = _mm256_cmpeq_epi8(_mm256_cmpeq_epi8(want, z), cont);
    __m256i odd = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xE0)),
                        _mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xED))),
        _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v1, _mm256_set1_epi8((char)0xFE)),
                                          _mm256_set1_epi8((char)0xC0)),
                        _mm256_cmpgt_epi8(_mm256_xor_si256(v1, _mm256_set1_epi8((char)0x80)),
                                          _mm256_set1_epi8(0x6F))));
    if (!_mm256_movemask_epi8(odd))
        return err;
    __m256i bad =
        _mm256_or_si256(_mm256_cmpgt_epi8(_mm256_xor_si256(v1, _mm256_set1_epi8((char)0x80)),
                                          _mm256_set1_epi8(0x74)),
                        _mm256_cmpeq_epi8(_mm256_and_si256(v1, _mm256_set1_epi8((char)0xFE)),
                                          _mm256_set1_epi8((char)0xC0)));
    /* as signed bytes: A0 is -96, 9F -97, 90 -112, 8F -113 */
    __m256i lo =
        _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xE0)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8(-96), v0)),
                        _mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xF0)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8(-112), v0)));
    __m256i hi =
        _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xED)),
                                         _mm256_cmpgt_epi8(v0, _mm256_set1_epi8(-97))),
                        _mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8((char)0xF4)),
                                         _mm256_cmpgt_epi8(v0, _mm256_set1_epi8(-113))));
    return _mm256_or_si256(_mm256_or_si256(err, bad), _mm256_or_si256(lo, hi));
}

/* cs_stretch thirty-two bytes a step, the same results: the blocks as
 * there, the last bytes by cs_stretch_bytes. */
CS_AVX2_FN static size_t cs_stretch_avx2(const unsigned char *b, size_t i, size_t len, int mode,
                                         size_t *ok)
{
    size_t start = i, end = i;
    const __m256i vq = _mm256_set1_epi8('"'), vcr = _mm256_set1_epi8('\r'),
                  vlf = _mm256_set1_epi8('\n'), vz = _mm256_setzero_si256();
    while (i + 32 <= len) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
        __m256i lfv = _mm256_cmpeq_epi8(v0, vlf), crv = _mm256_cmpeq_epi8(v0, vcr);
        __m256i qz = _mm256_or_si256(_mm256_cmpeq_epi8(v0, vq), _mm256_cmpeq_epi8(v0, vz));
        __m256i ev = vz;
        if (mode == CS_ST_UTF8) {
            /* Nothing before start is read: a character starts there, and
             * the bytes before it are taken as zeros. */
            __m256i v1, v2, v3;
            if (i == start) {
                __m256i prev = _mm256_permute2x128_si256(v0, v0, 0x08);
                v1 = _mm256_alignr_epi8(v0, prev, 15);
                v2 = _mm256_alignr_epi8(v0, prev, 14);
                v3 = _mm256_alignr_epi8(v0, prev, 13);
            } else {
                v1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i - 1));
                v2 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i - 2));
                v3 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i - 3));
            }
            ev = cs_u8err32(v0, v1, v2, v3);
        } else if (mode == CS_ST_ASCII) {
            ev = _mm256_cmpgt_epi8(vz, v0);
        }
        uint32_t lf = (uint32_t)_mm256_movemask_epi8(lfv);
        if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(qz, crv), ev))) {
            uint32_t cr = (uint32_t)_mm256_movemask_epi8(crv);
            uint32_t bad = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(qz, ev));
            bad |= cr & ~(lf >> 1) & 0x7FFFFFFFu;
            if ((cr & 0x80000000u) && (i + 32 >= len || b[i + 32] != '\n'))
                bad |= 0x80000000u;
            if (bad) {
                unsigned k = (unsigned)__builtin_ctz(bad);
                lf &= (1u << k) - 1;
                if (lf)
                    end = i + 32 - (size_t)__builtin_clz(lf);
                return cs_stretch_stop(b, i + k, end, ok);
            }
        }
        size_t at = i + 32 - (size_t)__builtin_clz(lf | 1);
        end = lf ? at : end;
        i += 32;
    }
    return cs_stretch_bytes(b, start, i, end, len, mode, ok);
}
#endif

/* Use cs_stretch_avx2? Where the processor has AVX2, unless RF_SIMD=sse2
 * (read once per file opened: the tests run both). */
static bool cs_simd(void)
{
#if defined(CS_AVX2)
    const char *e = getenv("RF_SIMD");
    if (e && strcmp(e, "sse2") == 0)
        return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* Scan buf[*pos..len), feeding libcsv one line at a time. Stops early when
 * a row callback asks to, when a UTF-8 sequence is cut by the end of the
 * buffer (need_more), or when AUTO mode switches to GB18030. `validate`:
 * the bytes are raw file bytes (offset base + index) that must be UTF-8. */
static int cs_scan(cs_reader *r, const unsigned char *buf, size_t len, size_t *pos, bool validate,
                   uint64_t base)
{
    size_t i = *pos, seg = i;
    while (i < len) {
        if (i == seg && r->have_header && !r->p.quoted) {
            /* At a line's start (or where the last read stopped) and not
             * inside a quoted cell: the lines up to the first byte that
             * needs a look go to libcsv in one call. */
            int mode = !validate ? CS_ST_RAW : r->enc == CS_ENC_AUTO ? CS_ST_ASCII : CS_ST_UTF8;
            size_t ok;
#if defined(CS_AVX2)
            size_t e = r->avx2 ? cs_stretch_avx2(buf, i, len, mode, &ok)
                               : cs_stretch(buf, i, len, mode, &ok);
#else
            size_t e = cs_stretch(buf, i, len, mode, &ok);
#endif
            if (e > seg) {
                size_t used;
                if (cs_feed_lines(r, buf + seg, e - seg, &used) < 0)
                    return -1;
                if (r->stop) {
                    i = seg = seg + used;
                    break;
                }
                seg = e;
            }
            i = ok;
            if (i >= len)
                break;
        }
        i = cs_plain(buf, i, len, validate);
        if (i >= len)
            break;
        unsigned char b = buf[i];
        if (b == '\r' || b == '\n') {
            i++;
            if (cs_feed(r, buf + seg, i - seg) < 0)
                return -1;
            seg = i;
            if (r->stop)
                break;
            continue;
        }
        if (b == 0) {
            /* No spreadsheet writes a NUL into a CSV: this is UTF-16 without
             * a byte-order mark, or not a text file at all. Taking it as a
             * cell would cut texts short further on. */
            if (validate)
                cs_fail(r, r->line,
                        "the file has a NUL byte at line %llu, byte offset %llu: it is not a "
                        "text CSV (UTF-16 without a byte-order mark? save it as \"CSV UTF-8\")",
                        (unsigned long long)r->line, (unsigned long long)(base + i));
            else
                cs_fail(r, r->line, "the file has a NUL byte at line %llu: it is not a text CSV",
                        (unsigned long long)r->line);
            return -1;
        }
        if (b < 0x80 || !validate) {
            i++;
            continue;
        }
        if (r->enc == CS_ENC_AUTO) {
            /* Nothing but ASCII so far, which GB18030 shares: decide here,
             * the prefix already parsed stays as it is. */
            int k = cs_auto(r, buf + i, len - i, base + i);
            if (k < 0)
                return -1;
            if (k == 0) {
                r->need_more = true;
                break;
            }
            if (r->enc == CS_ENC_GB18030)
                break;
        }
        /* Chinese text is three-byte sequences led by E4..E9 (no surrogate
         * or overlong forms there): accept those inline. */
        if (b >= 0xE4 && b <= 0xE9 && i + 2 < len && (buf[i + 1] & 0xC0) == 0x80 &&
            (buf[i + 2] & 0xC0) == 0x80) {
            /* Names and branches are runs of such characters: stay here for
             * the whole run rather than retrying the ASCII loop each time. */
            i += 3;
            while (i + 2 < len && (unsigned)(buf[i] - 0xE4) <= 0xE9 - 0xE4 &&
                   (buf[i + 1] & 0xC0) == 0x80 && (buf[i + 2] & 0xC0) == 0x80)
                i += 3;
            continue;
        }
        int n = cs_u8len(buf + i, len - i);
        if (n == 0 && !r->eof) {
            r->need_more = true;
            break;
        }
        if (n > 0) {
            i += (size_t)n;
            continue;
        }
        if (n == 0) {
            /* r->eof: the file ends inside a character. */
            if (i > seg && cs_feed(r, buf + seg, i - seg) < 0)
                return -1;
            r->cut_off = base + i;
            if (cs_cut(r) < 0)
                return -1;
            i = seg = len;
            break;
        }
        cs_utf8_error(r, base + i);
        return -1;
    }
    if (i > seg && cs_feed(r, buf + seg, i - seg) < 0)
        return -1;
    *pos = i;
    return 0;
}

static void cs_convert(cs_reader *r)
{
    char *in = (char *)r->rbuf + r->rpos, *out = (char *)r->ubuf;
    size_t inl = r->rlen - r->rpos, outl = CS_UCAP;
    size_t rc = iconv(r->cd, &in, &inl, &out, &outl);
    int err = errno;
    r->rpos = (size_t)((unsigned char *)in - r->rbuf);
    r->upos = 0;
    r->ulen = (size_t)((unsigned char *)out - r->ubuf);
    if (rc != (size_t)-1)
        return;
    if (err == EILSEQ) {
        /* Report once the text before the bad bytes is parsed, so the line
         * number is right. */
        r->gb_bad = true;
        r->gb_bad_off = r->roff + r->rpos;
    } else if (err == EINVAL && r->eof) {
        /* Cut inside the last character: dealt with once the text before
         * it is parsed, as for UTF-8. */
        r->gb_cut = true;
        r->cut_off = r->roff + r->rpos;
        r->rpos = r->rlen;
    } else if (err == EINVAL) {
        r->need_more = true;
    }
}

static int cs_fill(cs_reader *r)
{
    size_t keep = r->rlen - r->rpos;
    memmove(r->rbuf, r->rbuf + r->rpos, keep);
    r->roff += r->rpos;
    r->rpos = 0;
    r->rlen = keep;
    r->need_more = false;
    ssize_t n;
    do
        n = read(r->fd, r->rbuf + keep, CS_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        cs_fail(r, 0, "cannot read the file: %s", strerror(errno));
        return -1;
    }
    if (n == 0)
        r->eof = true;
    else
        r->rlen += (size_t)n;
    if (!r->bom_done && (r->rlen >= 3 || r->eof)) {
        r->bom_done = true;
        const unsigned char *b = r->rbuf;
        if (r->rlen >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
            r->rpos = 3;
            if (r->want == CS_ENC_GB18030)
                dg_add(r->d, RF_NOTE, RF_CLASS_INPUT, r->path, 0, 0, 0, NULL,
                       "the file starts with a UTF-8 byte order mark: read as UTF-8, not GB18030");
            r->enc = CS_ENC_UTF8;
        } else if (r->rlen >= 2 &&
                   ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
            cs_fail(r, 0,
                    "the file is UTF-16 (Excel \"Unicode Text\"); save it as \"CSV UTF-8\" or "
                    "plain CSV");
            return -1;
        } else {
            /* UTF-16 without a mark: every other byte of its ASCII is NUL.
             * Said here, before a high byte could send auto detection off
             * to GB18030 and a less helpful error. */
            size_t head = r->rlen < 256 ? r->rlen : 256;
            const unsigned char *nl = memchr(b, '\n', head);
            const unsigned char *z = memchr(b, 0, nl ? (size_t)(nl - b) : head);
            if (z) {
                cs_fail(r, 1,
                        "the file has a NUL byte at line 1, byte offset %zu: it is not a text CSV "
                        "(UTF-16 without a byte-order mark? save it as \"CSV UTF-8\")",
                        (size_t)(z - b));
                return -1;
            }
        }
    }
    return 0;
}

static int cs_finish(cs_reader *r)
{
    if (r->p.quoted && r->p.pstate == CS_LIBCSV_FIELD_BEGUN) {
        cs_fail(r, r->qline, "unterminated quoted field starting at line %llu",
                (unsigned long long)r->qline);
        return -1;
    }
    csv_fini(&r->p, cs_cb_field, cs_cb_row, r);
    r->finished = true;
    return r->failed ? -1 : 0;
}

/* Run the pipeline until a row callback sets r->stop, end of file, or an
 * error. Resumable: all positions live in r. */
static int cs_pump(cs_reader *r)
{
    while (!r->stop) {
        if (r->failed)
            return -1;
        if (r->finished)
            return 0;
        if (!r->bom_done) {
            /* Nothing is scanned before the first 3 bytes are in (a pipe may
             * deliver fewer): a BOM decides the encoding. */
            if (cs_fill(r) < 0)
                return -1;
            continue;
        }
        if (r->enc == CS_ENC_GB18030) {
            if (r->upos < r->ulen) {
                if (cs_scan(r, r->ubuf, r->ulen, &r->upos, false, 0) < 0)
                    return -1;
                continue;
            }
            if (r->gb_cut) {
                r->gb_cut = false;
                if (cs_cut(r) < 0)
                    return -1;
                continue;
            }
            if (r->gb_bad) {
                cs_fail(r, r->line,
                        "the file is not valid GB18030 at line %llu, byte offset %llu; check its "
                        "encoding (--encoding utf-8 or gb18030)",
                        (unsigned long long)r->line, (unsigned long long)r->gb_bad_off);
                return -1;
            }
            if (r->rpos < r->rlen && !r->need_more) {
                cs_convert(r);
                continue;
            }
        } else if (r->rpos < r->rlen && !r->need_more) {
            if (cs_scan(r, r->rbuf, r->rlen, &r->rpos, true, r->roff) < 0)
                return -1;
            continue;
        }
        if (r->eof)
            return cs_finish(r);
        if (cs_fill(r) < 0)
            return -1;
    }
    return 0;
}

/* ---- public --------------------------------------------------------------- */

void cs_close(cs_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->pinit) {
        r->p.entry_buf = NULL; /* the row buffer, freed below */
        csv_free(&r->p);
    }
    if (r->cd_open)
        iconv_close(r->cd);
    free(r->path);
    free(r->label);
    if (!r->borrowed || r->fd >= 0)
        free(r->rbuf);
    if (!r->borrowed) {
        free(r->hbuf);
        free(r->hdr);
    }
    if (r->dig_own)
        free(r->dig);
    free(r->ubuf);
    free(r->fbuf);
    free(r->fields);
    free(r->col);
    free(r->cat);
    free(r->rawbuf);
    free(r);
}

/* What the rest of the buffered chunk says, so that cs_detected is right
 * after cs_open for the usual file whose first Chinese text is within the
 * first 64 KiB. Same rule as the streaming decision. */
static cs_encoding cs_prescan(const unsigned char *s, size_t n, bool eof)
{
    size_t i = 0;
    while (i < n && s[i] < 0x80)
        i++;
    if (i == n)
        return CS_ENC_AUTO;
    cs_evidence ev;
    cs_weigh(s + i, n - i, &ev);
    return cs_choose(&ev, eof);
}

cs_reader *cs_open(const char *path, const char *label, const cs_options *opt, rf_diags *d)
{
    unsigned char delim = opt && opt->delimiter ? opt->delimiter : ',';
    if (delim == '\r' || delim == '\n' || delim == '"') {
        dg_add(d, RF_ERROR, RF_CLASS_USAGE, path, 0, 0, 0, NULL,
               "a line break or a quote cannot be the delimiter");
        return NULL;
    }
    cs_reader *r = ar_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->d = d;
    r->path = cs_strdup(path);
    r->label = cs_strdup(label ? label : "");
    r->delim = delim;
    r->avx2 = cs_simd();
    r->want = opt ? opt->encoding : CS_ENC_AUTO;
    r->enc = r->want;
    r->line = r->row_start = 1;
    memset(r->look, 1, sizeof r->look);
    r->fd = open(path, O_RDONLY);
    if (r->fd < 0) {
        dg_add(d, RF_ERROR, RF_CLASS_INPUT, path, 0, 0, 0, NULL, "cannot open the %s file: %s",
               r->label, strerror(errno));
        cs_close(r);
        return NULL;
    }
    /* Strict, so that a stray quote stops libcsv where it is, and cs_unquote
     * reads it as spreadsheets do (Excel and hand edits produce them).
     * REPALL_NL: blank lines must reach us to be counted. */
    csv_init(&r->p, CSV_STRICT | CSV_REPALL_NL);
    r->pinit = true;
    cs_rowbuf_init(r);
    csv_set_delim(&r->p, delim);
    r->rbuf = ar_xmalloc(CS_CHUNK + CS_CARRY);
    if (r->want == CS_ENC_GB18030 && cs_gb_start(r) < 0) {
        cs_close(r);
        return NULL;
    }
    if (cs_pump(r) < 0) {
        cs_close(r);
        return NULL;
    }
    if (!r->have_header) {
        dg_add(d, RF_ERROR, RF_CLASS_INPUT, path, 0, 0, 0, NULL,
               "empty file, expected a header row");
        cs_close(r);
        return NULL;
    }
    r->stop = 0;
    if (r->enc == CS_ENC_AUTO)
        r->hint = cs_prescan(r->rbuf + r->rpos, r->rlen - r->rpos, r->eof);
    return r;
}

size_t cs_header_count(const cs_reader *r)
{
    return r->nh;
}

const char *cs_header(const cs_reader *r, size_t i)
{
    return i < r->nh ? r->hdr[i] : NULL;
}

cs_encoding cs_detected(const cs_reader *r)
{
    if (r->enc != CS_ENC_AUTO)
        return r->enc;
    return r->hint == CS_ENC_GB18030 ? CS_ENC_GB18030 : CS_ENC_UTF8;
}

uint64_t cs_blank_lines(const cs_reader *r)
{
    return r->blank;
}

const char *cs_path(const cs_reader *r)
{
    return r->path;
}

int cs_read(cs_reader *r, cs_row_fn fn, void *ctx, rf_diags *d)
{
    if (r->failed)
        return -1;
    r->fn = fn;
    r->ctx = ctx;
    r->d = d;
    r->stop = 0;
    if (cs_pump(r) < 0)
        return -1;
    int rc = r->stop;
    r->stop = 0;
    return rc;
}

void cs_digits(cs_reader *r, const bool *dig, size_t n)
{
    if (r->dig_own)
        free(r->dig);
    r->dig = NULL;
    r->ndig = 0;
    r->dig_own = false;
    size_t last = 0;
    for (size_t i = 0; i < n; i++)
        if (dig[i])
            last = i + 1;
    if (last) {
        r->dig = ar_xmalloc(last * sizeof *r->dig);
        memcpy(r->dig, dig, last * sizeof *r->dig);
        r->ndig = last;
        r->dig_own = true;
    }
    cs_col_fill(r, 0);
}

void cs_counts(cs_reader *r, const cs_count *cols, size_t n, uint32_t *counts, size_t ncounts)
{
    bool any = false;
    for (size_t i = 0; cols && counts && i < n && !any; i++)
        any = cols[i].slot >= 0 && (size_t)cols[i].slot < ncounts;
    r->cnt = any ? cols : NULL;
    r->ncnt = any ? n : 0;
    r->counts = any ? counts : NULL;
    r->ncounts = any ? ncounts : 0;
    cs_col_fill(r, 0);
    r->cbad = false;
    if (r->ncounts)
        memset(counts, 0, ncounts * sizeof *counts);
}

bool cs_decided(const cs_reader *r)
{
    if (r->enc != CS_ENC_AUTO)
        return true;
    /* Still AUTO after the header: the first non-ASCII byte in the block
     * read decides, on the rest of the block. When that says UTF-8 (which
     * is said without a note), reading as UTF-8 from here is the same. */
    size_t i = r->rpos;
    while (i < r->rlen && r->rbuf[i] < 0x80)
        i++;
    if (i == r->rlen || (r->rlen - i < CS_CARRY && !r->eof))
        return false;
    cs_evidence ev;
    cs_weigh(r->rbuf + i, r->rlen - i, &ev);
    return cs_choose(&ev, r->eof) == CS_ENC_UTF8;
}

uint64_t cs_data_line(const cs_reader *r)
{
    return r->row_start;
}

/* The scanner's states are libcsv's, as far as they decide where a record
 * ends, with cs_unquote's repairs folded in: a quote in an unquoted cell is
 * text; after a closing quote, blanks keep the cell closable, a quote right
 * after it is a doubled quote, and anything else (a quote after blanks
 * too) turns the rest of the cell into unquoted text. */
enum { CS_SP_START, CS_SP_PLAIN, CS_SP_QUOTED, CS_SP_CLOSED };

void cs_split_init(cs_split *sp, unsigned char delim)
{
    memset(sp, 0, sizeof *sp);
    sp->delim = delim ? delim : ',';
}

/* Outside quotes the state after a run of bytes that are neither quote nor
 * line break is set by the last of them that is not a blank (the delimiter:
 * START; anything else: PLAIN), or left as it was: it is worked out only
 * where it matters, at a quote (and at the end), by looking back from there
 * to `lo`, the point after the last byte the state was moved by. */
static int cs_split_back(const unsigned char *s, size_t lo, size_t i, int st, unsigned char d)
{
    while (i > lo && (s[i - 1] == ' ' || s[i - 1] == '\t') && s[i - 1] != d)
        i--;
    return i > lo ? (s[i - 1] == d ? CS_SP_START : CS_SP_PLAIN) : st;
}

size_t cs_split_scan(cs_split *sp, const unsigned char *s, size_t n, uint64_t *lines)
{
    size_t cut = 0, lo = 0;
    uint64_t nl = 0, cutnl = 0;
    int st = sp->state;
    bool blanks = sp->blanks;
    const unsigned char d = sp->delim;
    if (sp->cr && n && s[0] != '\n')
        nl++; /* the CR that ended the last call stood alone */
    if (n)
        sp->cr = false;
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('"'), vcr = _mm_set1_epi8('\r'), vlf = _mm_set1_epi8('\n');
#else
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
#endif
    for (size_t i = 0; i < n; i++) {
#if defined(__SSE2__)
        /* Sixteen bytes a step up to the first quote or CR: the LFs in
         * them are counted, and outside quotes each is a record's end. */
        while (st != CS_SP_CLOSED && i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            unsigned stop = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vcr)));
            unsigned lf = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vlf));
            if (stop)
                lf &= (1u << __builtin_ctz(stop)) - 1;
            if (lf) {
                nl += (unsigned)__builtin_popcount(lf);
                if (st != CS_SP_QUOTED) {
                    lo = i + 32 - (size_t)__builtin_clz(lf);
                    cut = lo;
                    cutnl = nl;
                    st = CS_SP_START;
                }
            }
            if (stop) {
                i += (size_t)__builtin_ctz(stop);
                break;
            }
            i += 16;
        }
#else
        /* Eight bytes with no quote and no line break a step. */
        while (st != CS_SP_CLOSED && i + 8 <= n) {
            uint64_t w, q, cr, lf;
            memcpy(&w, s + i, 8);
            q = w ^ (ones * '"');
            cr = w ^ (ones * '\r');
            lf = w ^ (ones * '\n');
            if ((((q - ones) & ~q) | ((cr - ones) & ~cr) | ((lf - ones) & ~lf)) & high)
                break;
            i += 8;
        }
#endif
        if (i >= n)
            break;
        unsigned char c = s[i];
        bool brk = c == '\n' || c == '\r';
        if (brk && (c == '\n' || i + 1 >= n || s[i + 1] != '\n'))
            nl++; /* a CR counts when no LF follows; one at the end of s is
                     counted with the next call's LF, or never cut after */
        if (st == CS_SP_START || st == CS_SP_PLAIN)
            st = cs_split_back(s, lo, i, st, d);
        lo = i + 1;
        switch (st) {
        case CS_SP_QUOTED:
            if (c == '"')
                st = CS_SP_CLOSED, blanks = false;
            continue;
        case CS_SP_CLOSED:
            if (c == '"' && !blanks) {
                st = CS_SP_QUOTED;
                continue;
            }
            if ((c == ' ' || c == '\t') && c != d) {
                blanks = true;
                continue;
            }
            if (c == d) {
                st = CS_SP_START;
                continue;
            }
            if (!brk) {
                st = CS_SP_PLAIN;
                continue;
            }
            break;
        case CS_SP_PLAIN:
            if (c == d)
                st = CS_SP_START;
            if (!brk)
                continue;
            break;
        default:
            if (c == '"' && c != d)
                st = CS_SP_QUOTED;
            else if (c != d && !brk && !((c == ' ' || c == '\t')))
                st = CS_SP_PLAIN;
            if (!brk)
                continue;
            break;
        }
        /* A line break outside quotes: the next record starts after it,
         * unless this CR is the first half of a CRLF (cut after the LF). */
        st = CS_SP_START;
        if (c == '\n' || (i + 1 < n && s[i + 1] != '\n')) {
            cut = i + 1;
            cutnl = nl;
        }
    }
    if (st == CS_SP_START || st == CS_SP_PLAIN)
        st = cs_split_back(s, lo, n, st, d);
    /* A CR ending s whose LF is in the next call: counted there. */
    if (n && s[n - 1] == '\r') {
        nl--;
        sp->cr = true;
    }
    if (lines)
        *lines = sp->lines + cutnl;
    sp->state = st;
    sp->blanks = blanks;
    sp->lines += nl;
    return cut;
}

cs_reader *cs_open_chunk(const cs_reader *whole, const unsigned char *buf, size_t n, uint64_t off,
                         uint64_t line, rf_diags *d)
{
    cs_reader *r = ar_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->borrowed = true;
    r->fd = -1;
    r->d = d;
    r->path = cs_strdup(whole->path);
    r->label = cs_strdup(whole->label);
    r->delim = whole->delim;
    r->avx2 = whole->avx2;
    r->want = whole->want;
    r->enc = cs_detected(whole);
    r->line = r->row_start = line;
    csv_init(&r->p, CSV_STRICT | CSV_REPALL_NL);
    r->pinit = true;
    cs_rowbuf_init(r);
    csv_set_delim(&r->p, r->delim);
    r->bom_done = true;
    r->roff = off;
    if (buf) {
        r->rbuf = (unsigned char *)buf;
        r->rlen = n;
        r->eof = true;
    } else {
        /* The file from off to its end, read as cs_read reads it. */
        r->rbuf = ar_xmalloc(CS_CHUNK + CS_CARRY);
        r->fd = open(r->path, O_RDONLY);
        if (r->fd < 0 || lseek(r->fd, (off_t)off, SEEK_SET) < 0) {
            dg_add(d, RF_ERROR, RF_CLASS_INPUT, r->path, 0, 0, 0, NULL,
                   "cannot open the %s file again: %s", r->label, strerror(errno));
            free(r->rbuf);
            r->rbuf = NULL;
            cs_close(r);
            return NULL;
        }
    }
    r->hbuf = whole->hbuf;
    r->hdr = whole->hdr;
    r->nh = whole->nh;
    r->hline = whole->hline;
    r->have_header = true;
    cs_set_look(r);
    r->dig = whole->dig;
    r->ndig = whole->ndig;
    if (r->enc == CS_ENC_GB18030 && cs_gb_start(r) < 0) {
        cs_close(r);
        return NULL;
    }
    return r;
}

const char *cs_row_raw(cs_reader *r, const cs_row *row, size_t *n)
{
    size_t need = 1;
    for (size_t i = 0; i < row->nfields; i++)
        need += row->fields[i].n * 2 + 3;
    if (need > r->rawcap) {
        size_t cap = r->rawcap ? r->rawcap : 256;
        while (cap < need)
            cap *= 2;
        r->rawbuf = ar_xrealloc(r->rawbuf, cap);
        r->rawcap = cap;
    }
    char *o = r->rawbuf;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s = row->fields[i].p;
        size_t len = row->fields[i].n;
        if (i)
            *o++ = (char)r->delim;
        bool q = len && (cs_hblank((unsigned char)s[0]) || cs_hblank((unsigned char)s[len - 1]));
        for (size_t k = 0; k < len && !q; k++)
            q = s[k] == '"' || s[k] == '\r' || s[k] == '\n' || (unsigned char)s[k] == r->delim;
        if (!q) {
            memcpy(o, s, len);
            o += len;
            continue;
        }
        *o++ = '"';
        for (size_t k = 0; k < len; k++) {
            if (s[k] == '"')
                *o++ = '"';
            *o++ = s[k];
        }
        *o++ = '"';
    }
    *o = 0;
    if (n)
        *n = (size_t)(o - r->rawbuf);
    return r->rawbuf;
}

/* ---- header binding ------------------------------------------------------- */

static bool cs_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

/* One UTF-8 code point at s (n bytes left): its value, and its length in
 * *len (1 for a byte that starts no valid sequence, read as itself). */
static uint32_t cs_cp(const unsigned char *s, size_t n, size_t *len)
{
    uint32_t c = s[0];
    size_t k = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (k <= 1 || k > n) {
        *len = 1;
        return c;
    }
    c &= 0x3Fu >> (k - 1);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return s[0];
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *len = k;
    return c;
}

/* A column title as offices vary it, reduced to what names the column:
 * full-width forms (（）％，Ａ１ and the ideographic space) read as their
 * ASCII twins, ASCII letters in lower case, spaces around the title dropped,
 * and a bracketed suffix, which offices use for a unit (进度(%)、
 * 办公面积（㎡）、得分【分】), cut off. At most 63 code points are kept, into
 * out[0..cap) as code points; returns how many. */
enum { CS_FOLD_MAX = 64 };
static size_t cs_fold(const char *title, uint32_t *out)
{
    const unsigned char *s = (const unsigned char *)title;
    size_t n = strlen(title), k = 0;
    while (n && k < CS_FOLD_MAX - 1) {
        size_t len;
        uint32_t c = cs_cp(s, n, &len);
        s += len;
        n -= len;
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        else if (c == 0x3000)
            c = ' ';
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        out[k++] = c;
    }
    for (int round = 0; round < 2; round++) {
        while (k && (out[k - 1] == ' ' || out[k - 1] == '\t'))
            k--;
        size_t lead = 0;
        while (lead < k && (out[lead] == ' ' || out[lead] == '\t'))
            lead++;
        if (lead) {
            memmove(out, out + lead, (k - lead) * sizeof *out);
            k -= lead;
        }
        if (round || !k)
            break;
        uint32_t close = out[k - 1], open = close == ')'      ? '('
                                            : close == ']'    ? '['
                                            : close == 0x3011 ? 0x3010 /* 】【 */
                                                              : 0;
        if (!open)
            break;
        size_t at = k - 1;
        while (at > 0 && out[at] != open)
            at--;
        if (out[at] == open && at > 0) /* a title that is all brackets stays */
            k = at;
    }
    return k;
}

static bool cs_fold_eq(const uint32_t *a, size_t na, const char *b)
{
    uint32_t fb[CS_FOLD_MAX];
    size_t nb = cs_fold(b, fb);
    return na && na == nb && memcmp(a, fb, na * sizeof *a) == 0;
}

/* pass 0: as written; 1: ASCII case aside; 2: folded (cs_fold) */
static bool cs_matches(const cs_want *w, const char *h, const uint32_t *fh, size_t nfh, int pass)
{
    if (!*h)
        return false;
    if (w->nnames <= 0)
        return pass == 0   ? strcmp(w->id, h) == 0
               : pass == 1 ? cs_ieq(w->id, h)
                           : cs_fold_eq(fh, nfh, w->id);
    for (int k = 0; k < w->nnames; k++)
        if (pass == 0   ? strcmp(w->names[k], h) == 0
            : pass == 1 ? cs_ieq(w->names[k], h)
                        : cs_fold_eq(fh, nfh, w->names[k]))
            return true;
    return false;
}

/* Edit distance between two folded titles, in code points. */
static size_t cs_cp_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t row[CS_FOLD_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* Is an unused header title close to one of the column's names: one holds
 * the other, or they differ by a character or two? */
static bool cs_near_title(const cs_want *w, const uint32_t *fh, size_t nfh)
{
    int n = w->nnames > 0 ? w->nnames : 1;
    for (int k = 0; k < n && nfh; k++) {
        uint32_t fn[CS_FOLD_MAX];
        size_t nn = cs_fold(w->nnames > 0 ? w->names[k] : w->id, fn);
        if (!nn)
            continue;
        size_t lim = nn <= 2 ? 0 : nn <= 5 ? 1 : 2;
        if (cs_cp_distance(fn, nn, fh, nfh) <= lim)
            return true;
        const uint32_t *lo = nn <= nfh ? fn : fh, *hi = nn <= nfh ? fh : fn;
        size_t nlo = nn <= nfh ? nn : nfh, nhi = nn <= nfh ? nfh : nn;
        /* a word or two more (推进 / 推进情况), not a whole other header */
        for (size_t at = 0; nlo >= 2 && nhi - nlo <= 4 && at + nlo <= nhi; at++)
            if (memcmp(hi + at, lo, nlo * sizeof *lo) == 0)
                return true;
    }
    return false;
}

/* Messages are capped well below the diagnostic's 1 KiB: a 10,000-column
 * header must not crowd out the part of the message that says what to do. */
#define CS_LIST_MAX 600

static void cs_list_cells(cs_sb *b, const cs_reader *r, const bool *skip)
{
    size_t shown = 0, more = 0;
    for (size_t j = 0; j < r->nh; j++) {
        if (!r->hdr[j][0] || (skip && skip[j]))
            continue;
        if (b->n > CS_LIST_MAX) {
            more++;
            continue;
        }
        if (shown++)
            cs_sb_str(b, ", ");
        cs_sb_str(b, r->hdr[j]);
    }
    if (more) {
        char t[64];
        snprintf(t, sizeof t, ", ... (%zu more)", more);
        cs_sb_str(b, t);
    }
    if (!shown)
        cs_sb_str(b, "(nothing)");
}

int cs_bind(cs_reader *r, const cs_want *wants, int nwants, int *pos, rf_diags *d)
{
    int errors = 0;
    uint64_t line = r->hline ? r->hline : 1;
    int *owner = ar_xmalloc((r->nh ? r->nh : 1) * sizeof *owner);
    bool *used = ar_xmalloc((r->nh ? r->nh : 1) * sizeof *used);
    for (size_t j = 0; j < r->nh; j++) {
        owner[j] = -1;
        used[j] = false;
    }
    /* every header title folded once (cs_fold) */
    uint32_t *fh = ar_xmalloc((r->nh ? r->nh : 1) * CS_FOLD_MAX * sizeof *fh);
    size_t *nfh = ar_xmalloc((r->nh ? r->nh : 1) * sizeof *nfh);
    for (size_t j = 0; j < r->nh; j++)
        nfh[j] = cs_fold(r->hdr[j], fh + j * CS_FOLD_MAX);
    cs_sb b = {0};
    for (int i = 0; i < nwants; i++) {
        const cs_want *w = &wants[i];
        pos[i] = -1;
        /* Exact first, so "ID" and "id" in one header are not a clash when
         * the pack names one of them exactly; then without case; then as
         * offices vary titles (cs_fold). */
        for (int pass = 0; pass < 3 && pos[i] < 0; pass++) {
            size_t first = r->nh;
            bool dup = false;
            for (size_t j = 0; j < r->nh; j++) {
                if (!cs_matches(w, r->hdr[j], fh + j * CS_FOLD_MAX, nfh[j], pass))
                    continue;
                used[j] = true;
                if (first == r->nh) {
                    first = j;
                } else if (!dup) {
                    dup = true;
                    dg_add(d, RF_ERROR, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
                           "columns %zu and %zu both match '%s' (%s, %s)", first + 1, j + 1, w->id,
                           r->hdr[first], r->hdr[j]);
                    errors++;
                }
            }
            if (first < r->nh)
                pos[i] = (int)first;
        }
        if (pos[i] >= 0) {
            size_t j = (size_t)pos[i];
            if (owner[j] >= 0) {
                dg_add(d, RF_ERROR, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
                       "column %zu (%s) matches both '%s' and '%s'", j + 1, r->hdr[j],
                       wants[owner[j]].id, w->id);
                errors++;
            } else {
                owner[j] = i;
            }
            continue;
        }
        if (!w->required)
            continue;
        b.n = 0;
        cs_sb_str(&b, "");
        if (w->nnames <= 0)
            cs_sb_str(&b, w->id);
        for (int k = 0; k < w->nnames; k++) {
            if (k)
                cs_sb_str(&b, ", ");
            cs_sb_str(&b, w->names[k]);
        }
        cs_sb_str(&b, "; header has: ");
        cs_list_cells(&b, r, NULL);
        dg_add(d, RF_ERROR, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
               "input '%s' has no column '%s' (tried header names: %s)", r->label, w->id, b.p);
        errors++;
    }
    /* A column the pack reads that is not here while a title no column
     * took is close to one of its names: most likely the same column,
     * titled another way. Said for every such column, found or required. */
    for (int i = 0; i < nwants; i++) {
        if (pos[i] >= 0)
            continue;
        const cs_want *w = &wants[i];
        for (size_t j = 0; j < r->nh; j++) {
            if (used[j] || !r->hdr[j][0] || !cs_near_title(w, fh + j * CS_FOLD_MAX, nfh[j]))
                continue;
            b.n = 0;
            cs_sb_str(&b, "");
            for (int k = 0; k < w->nnames; k++) {
                cs_sb_str(&b, k ? ", " : "");
                cs_sb_str(&b, w->names[k]);
            }
            dg_add(d, RF_WARNING, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
                   "column '%s' (%s) not found; '%s' is not used: did you mean it?", w->id,
                   w->nnames > 0 ? b.p : w->id, r->hdr[j]);
            break;
        }
    }
    /* A header read as one cell that holds another separator is the usual
     * sign of a semicolon- or tab-separated file read with commas. */
    if (errors && r->nh == 1 && r->delim == ',') {
        if (strchr(r->hdr[0], ';'))
            dg_add(d, RF_NOTE, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
                   "the header is one cell holding ';': if the file is semicolon-separated, "
                   "pass --delimiter '%s=;'",
                   r->label);
        else if (strchr(r->hdr[0], '\t'))
            dg_add(d, RF_NOTE, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
                   "the header is one cell holding tabs: if the file is tab-separated, pass "
                   "--delimiter %s=tab",
                   r->label);
    }
    bool any = false;
    for (size_t j = 0; j < r->nh && !any; j++)
        any = !used[j] && r->hdr[j][0];
    if (any) {
        b.n = 0;
        cs_list_cells(&b, r, used);
        dg_add(d, RF_NOTE, RF_CLASS_INPUT, r->path, line, 0, 0, NULL,
               "ignored columns not used by the pack: %s", b.p);
    }
    free(b.p);
    free(owner);
    free(used);
    free(fh);
    free(nfh);
    return errors;
}
