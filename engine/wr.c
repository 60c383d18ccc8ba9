#include "wr.h"

#include <string.h>

void wr_csv_field(FILE *f, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = true;
            break;
        }
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

static void wr_json_string(FILE *f, const char *s, size_t n)
{
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}

void wr_begin(wr_writer *w, FILE *f, rf_format fmt, const char *const *names, int ncols)
{
    w->f = f;
    w->fmt = fmt;
    w->names = names;
    w->ncols = ncols;
    w->col = 0;
    if (!f || fmt != RF_FORMAT_CSV)
        return;
    for (int i = 0; i < ncols; i++) {
        if (i)
            putc(',', f);
        wr_csv_field(f, names[i], strlen(names[i]));
    }
    putc('\n', f);
}

void wr_row_begin(wr_writer *w)
{
    if (!w->f)
        return;
    w->col = 0;
    if (w->fmt == RF_FORMAT_JSONL)
        putc('{', w->f);
}

static void wr_sep(wr_writer *w)
{
    if (w->fmt == RF_FORMAT_CSV) {
        if (w->col)
            putc(',', w->f);
    } else {
        if (w->col)
            putc(',', w->f);
        const char *name = w->col < w->ncols ? w->names[w->col] : "?";
        wr_json_string(w->f, name, strlen(name));
        putc(':', w->f);
    }
    w->col++;
}

void wr_value(wr_writer *w, vl_value v)
{
    if (!w->f)
        return;
    char buf[256];
    size_t n = vl_format(v, buf, sizeof buf);
    if (v.kind == VL_TEXT) {
        wr_text(w, v.u.s.p, v.u.s.n);
        return;
    }
    wr_sep(w);
    if (w->fmt == RF_FORMAT_CSV) {
        wr_csv_field(w->f, buf, n);
        return;
    }
    switch (v.kind) {
    case VL_MISSING:
        fputs("null", w->f);
        break;
    case VL_INT:
    case VL_DEC:
    case VL_BOOL:
        fwrite(buf, 1, n, w->f);
        break;
    default:
        wr_json_string(w->f, buf, n);
    }
}

void wr_text(wr_writer *w, const char *s, size_t n)
{
    if (!w->f)
        return;
    wr_sep(w);
    if (w->fmt == RF_FORMAT_CSV)
        wr_csv_field(w->f, s, n);
    else
        wr_json_string(w->f, s, n);
}

void wr_list(wr_writer *w, const char *const *items, int n)
{
    if (!w->f)
        return;
    wr_sep(w);
    if (w->fmt == RF_FORMAT_JSONL) {
        putc('[', w->f);
        for (int i = 0; i < n; i++) {
            if (i)
                putc(',', w->f);
            wr_json_string(w->f, items[i], strlen(items[i]));
        }
        putc(']', w->f);
        return;
    }
    /* CSV: one field, items joined; quoting decided on the joined text. */
    bool quote = false;
    for (int i = 0; i < n && !quote; i++)
        quote = strpbrk(items[i], ",\"\r\n") != NULL;
    if (quote)
        putc('"', w->f);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs("; ", w->f);
        for (const char *s = items[i]; *s; s++) {
            if (quote && *s == '"')
                putc('"', w->f);
            putc(*s, w->f);
        }
    }
    if (quote)
        putc('"', w->f);
}

void wr_row_end(wr_writer *w)
{
    if (!w->f)
        return;
    if (w->fmt == RF_FORMAT_JSONL)
        putc('}', w->f);
    putc('\n', w->f);
}
