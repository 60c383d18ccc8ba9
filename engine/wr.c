#include "wr.h"

#include "ar.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void wr_failed(wr_writer *w)
{
    if (!w->failed)
        w->err = errno ? errno : EIO;
    w->failed = true;
}

bool wr_flush(wr_writer *w)
{
    if (w->f && w->n && fwrite(w->buf, 1, w->n, w->f) != w->n)
        wr_failed(w);
    w->n = 0;
    w->flushes++;
    return !w->failed;
}

static void wr_put(wr_writer *w, const char *s, size_t n)
{
    if (w->n + n > WR_BUF) {
        wr_flush(w);
        if (n > WR_BUF) {
            if (fwrite(s, 1, n, w->f) != n)
                wr_failed(w);
            return;
        }
    }
    ar_copy_short(w->buf + w->n, s, n);
    w->n += n;
}

static void wr_ch(wr_writer *w, char c)
{
    if (w->n == WR_BUF)
        wr_flush(w);
    w->buf[w->n++] = c;
}

static bool wr_special(unsigned char c)
{
    return c == ',' || c == '"' || c == '\n' || c == '\r';
}

static inline bool wr_needs_quote(const char *s, size_t n)
{
    /* The four bytes that force quoting are all below '-' (0x2D), and
     * names, codes and Chinese text almost never hold such a byte: test
     * eight bytes at a time for "any byte below 0x2D" (exact as to whether
     * one exists), and look closer only at a word that has one. */
    size_t i = 0;
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    if (n >= 8 && n <= 16) {
        /* an id or a name: two words, the second ending at n */
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        if (!((((a - ones * 0x2D) & ~a) | ((b - ones * 0x2D) & ~b)) & high))
            return false;
    }
    if (n >= 48)
        /* a long text (a detail: "D03×2 −4; D04×2 −4; ...", a space in
         * every word): four scans of the library's, 32 bytes a step */
        return memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) || memchr(s, '\r', n);
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* a word with a byte below '-' (a space or a '+' will do, and
         * a detail text has them in every word): whether it holds one of
         * the four, exactly, by a zero byte in the word xor each */
        if ((w - ones * 0x2D) & ~w & high) {
            uint64_t a = w ^ (ones * ','), b = w ^ (ones * '"'), c = w ^ (ones * '\n'),
                     d = w ^ (ones * '\r');
            if ((((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) | ((d - ones) & ~d)) &
                high)
                return true;
        }
    }
    for (; i < n; i++)
        if (wr_special((unsigned char)s[i]))
            return true;
    return false;
}

bool wr_formula_like(const char *s, size_t n)
{
    return n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r');
}

bool wr_was_inert(const char *s, size_t n)
{
    return n > 1 && s[0] == '\'' && wr_formula_like(s + 1, n - 1);
}

static void wr_csv(wr_writer *w, const char *s, size_t n)
{
    bool inert = wr_formula_like(s, n);
    if (!inert && !wr_needs_quote(s, n)) {
        wr_put(w, s, n);
        return;
    }
    if (!wr_needs_quote(s, n)) {
        wr_ch(w, '\'');
        wr_put(w, s, n);
        return;
    }
    if (w->n + 2 * n + 3 <= WR_BUF) {
        /* room for the worst case (every byte a quote): one check, the
         * bytes between quotes copied whole */
        char *o = w->buf + w->n;
        *o++ = '"';
        if (inert)
            *o++ = '\'';
        for (const char *e = s + n, *q; s < e; s = q + 1) {
            q = memchr(s, '"', (size_t)(e - s));
            size_t k = (size_t)((q ? q : e) - s);
            memcpy(o, s, k);
            o += k;
            if (!q)
                break;
            *o++ = '"';
            *o++ = '"';
        }
        *o++ = '"';
        w->n = (size_t)(o - w->buf);
        return;
    }
    wr_ch(w, '"');
    if (inert)
        wr_ch(w, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            wr_ch(w, '"');
        wr_ch(w, s[i]);
    }
    wr_ch(w, '"');
}

void wr_csv_field(FILE *f, const char *s, size_t n)
{
    bool inert = wr_formula_like(s, n);
    if (!wr_needs_quote(s, n)) {
        if (inert)
            putc('\'', f);
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    if (inert)
        putc('\'', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

static void wr_json_string(wr_writer *w, const char *s, size_t n)
{
    wr_ch(w, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            wr_ch(w, '\\');
            wr_ch(w, (char)c);
        } else if (c == '\n') {
            wr_put(w, "\\n", 2);
        } else if (c == '\r') {
            wr_put(w, "\\r", 2);
        } else if (c == '\t') {
            wr_put(w, "\\t", 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            wr_put(w, esc, 6);
        } else {
            wr_ch(w, (char)c);
        }
    }
    wr_ch(w, '"');
}

void wr_begin(wr_writer *w, FILE *f, rf_format fmt, const char *const *names, int ncols)
{
    w->f = f;
    w->fmt = fmt;
    w->names = names;
    w->ncols = ncols;
    w->col = 0;
    w->n = 0;
    w->failed = false;
    w->err = 0;
    if (!f || fmt != RF_FORMAT_CSV)
        return;
    for (int i = 0; i < ncols; i++) {
        if (i)
            wr_ch(w, ',');
        wr_csv(w, names[i], strlen(names[i]));
    }
    wr_ch(w, '\n');
}

void wr_row_begin(wr_writer *w)
{
    if (!w->f)
        return;
    w->col = 0;
    if (w->fmt == RF_FORMAT_JSONL)
        wr_ch(w, '{');
}

static void wr_sep(wr_writer *w)
{
    if (w->col)
        wr_ch(w, ',');
    if (w->fmt == RF_FORMAT_JSONL) {
        const char *name = w->col < w->ncols ? w->names[w->col] : "?";
        wr_json_string(w, name, strlen(name));
        wr_ch(w, ':');
    }
    w->col++;
}

/* A CSV cell written as it is, with its separator: the caller has checked
 * the buffer has room for both (n + 1 bytes), one check for the two. */
static inline void wr_csv_cell(wr_writer *w, const char *s, size_t n)
{
    char *o = w->buf + w->n;
    if (w->col)
        *o++ = ',';
    w->col++;
    ar_copy_short(o, s, n);
    w->n = (size_t)(o + n - w->buf);
}

void wr_value(wr_writer *w, vl_value v)
{
    if (!w->f)
        return;
    if (v.kind == VL_TEXT) {
        /* A text cell as most are (no quoting, nothing a spreadsheet would
         * take for a formula): separator and bytes with one room check,
         * as an integer below; anything else by wr_text. */
        const char *s = v.u.p;
        size_t n = v.n;
        if (w->fmt == RF_FORMAT_CSV && w->n + n + 1 <= WR_BUF) {
            char *o = w->buf + w->n, *t = o + (w->col != 0);
            *o = ',';
            if (wr_plain_put(t, s, n)) {
                w->col++;
                w->n = (size_t)(t + n - w->buf);
                return;
            }
            if (!wr_formula_like(s, n) && !wr_needs_quote(s, n)) {
                wr_csv_cell(w, s, n);
                return;
            }
        }
        wr_text(w, s, n);
        return;
    }
    if (v.kind == VL_INT && w->fmt == RF_FORMAT_CSV) {
        /* the commonest cell: separator and digits straight into the
         * buffer, one room check for both */
        if (w->n + 24 > WR_BUF)
            wr_flush(w);
        char *o = w->buf + w->n;
        if (w->col)
            *o++ = ',';
        w->col++;
        o += wr_itoa(v.u.i, o);
        w->n = (size_t)(o - w->buf);
        return;
    }
    char buf[256];
    size_t n = v.kind == VL_INT ? wr_itoa(v.u.i, buf) : vl_format(v, buf, sizeof buf);
    wr_sep(w);
    if (w->fmt == RF_FORMAT_CSV) {
        /* Numbers, dates and booleans never hold a delimiter or a quote. */
        if (v.kind == VL_INT || v.kind == VL_DEC || v.kind == VL_DATE || v.kind == VL_BOOL ||
            v.kind == VL_MISSING)
            wr_put(w, buf, n);
        else
            wr_csv(w, buf, n);
        return;
    }
    switch (v.kind) {
    case VL_MISSING:
        wr_put(w, "null", 4);
        break;
    case VL_INT:
    case VL_DEC:
    case VL_BOOL:
        wr_put(w, buf, n);
        break;
    default:
        wr_json_string(w, buf, n);
    }
}

void wr_text(wr_writer *w, const char *s, size_t n)
{
    if (!w->f)
        return;
    wr_sep(w);
    if (w->fmt == RF_FORMAT_CSV) {
        if (n) /* an empty cell is nothing between its commas */
            wr_csv(w, s, n);
    } else {
        wr_json_string(w, s, n);
    }
}

const char *wr_encode(ar_arena *a, rf_format fmt, const char *s, size_t n, size_t *len)
{
    /* Written by the row writer's own code into a writer that never
     * flushes: 6 bytes a byte at most (a JSON \u escape) stays inside its
     * buffer. */
    if (n > WR_BUF / 8)
        return NULL;
    wr_writer *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, offsetof(wr_writer, buf));
    t->fmt = fmt;
    if (fmt == RF_FORMAT_CSV)
        wr_csv(t, s, n);
    else
        wr_json_string(t, s, n);
    *len = t->n;
    char *cell = ar_strndup(a, t->buf, t->n);
    free(t);
    return cell;
}

void wr_encoded(wr_writer *w, const char *cell, size_t n)
{
    if (!w->f)
        return;
    if (w->fmt == RF_FORMAT_CSV && w->n + n + 1 <= WR_BUF) {
        wr_csv_cell(w, cell, n);
        return;
    }
    wr_sep(w);
    wr_put(w, cell, n);
}

void wr_cells(wr_writer *w, const char *s, size_t n, int ncols)
{
    if (!w->f)
        return;
    wr_put(w, s, n);
    w->col += ncols;
}

void wr_list(wr_writer *w, const char *const *items, int n)
{
    if (!w->f)
        return;
    wr_sep(w);
    if (!n && w->fmt == RF_FORMAT_CSV)
        return;
    if (w->fmt == RF_FORMAT_JSONL) {
        wr_ch(w, '[');
        for (int i = 0; i < n; i++) {
            if (i)
                wr_ch(w, ',');
            wr_json_string(w, items[i], strlen(items[i]));
        }
        wr_ch(w, ']');
        return;
    }
    /* CSV: one field, items joined; quoting decided on the joined text. */
    bool quote = false;
    for (int i = 0; i < n && !quote; i++)
        quote = strpbrk(items[i], ",\"\r\n") != NULL;
    if (!quote) {
        /* as most are: the items and separators copied whole, after one
         * room check for all of them and an apostrophe */
        size_t total = 1;
        for (int i = 0; i < n; i++)
            total += strlen(items[i]) + 2;
        if (w->n + total <= WR_BUF) {
            char *o = w->buf + w->n;
            if (wr_formula_like(items[0], strlen(items[0])))
                *o++ = '\'';
            for (int i = 0; i < n; i++) {
                size_t k = strlen(items[i]);
                if (i) {
                    memcpy(o, "; ", 2);
                    o += 2;
                }
                memcpy(o, items[i], k);
                o += k;
            }
            w->n = (size_t)(o - w->buf);
            return;
        }
    }
    if (quote)
        wr_ch(w, '"');
    if (n && wr_formula_like(items[0], strlen(items[0])))
        wr_ch(w, '\'');
    for (int i = 0; i < n; i++) {
        if (i)
            wr_put(w, "; ", 2);
        for (const char *s = items[i]; *s; s++) {
            if (quote && *s == '"')
                wr_ch(w, '"');
            wr_ch(w, *s);
        }
    }
    if (quote)
        wr_ch(w, '"');
}

void wr_row_end(wr_writer *w)
{
    if (!w->f)
        return;
    if (w->fmt == RF_FORMAT_JSONL)
        wr_ch(w, '}');
    wr_ch(w, '\n');
}
