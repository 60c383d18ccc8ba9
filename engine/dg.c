#include "dg.h"

#include "ar.h"

#include <stdlib.h>
#include <string.h>

struct rf_diags {
    ar_arena *arena;
    rf_diag *items;
    size_t n, cap, errors;
};

rf_diags *rf_diags_new(void)
{
    rf_diags *d = ar_xmalloc(sizeof *d);
    memset(d, 0, sizeof *d);
    d->arena = ar_new();
    return d;
}

void rf_diags_free(rf_diags *d)
{
    if (!d)
        return;
    ar_free(d->arena);
    free(d->items);
    free(d);
}

size_t rf_diags_count(const rf_diags *d)
{
    return d->n;
}

const rf_diag *rf_diags_get(const rf_diags *d, size_t i)
{
    return i < d->n ? &d->items[i] : NULL;
}

size_t rf_diags_errors(const rf_diags *d)
{
    return d->errors;
}

void rf_diags_clear(rf_diags *d)
{
    ar_reset(d->arena);
    d->n = 0;
    d->errors = 0;
}

const rf_diag *dg_vadd(rf_diags *d, rf_severity sev, rf_class cls, const char *file, uint64_t line,
                       uint32_t column, uint32_t span, const char *source_line, const char *fmt,
                       va_list ap)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = ar_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    rf_diag *g = &d->items[d->n++];
    g->severity = sev;
    g->cls = cls;
    g->file = file ? ar_strdup(d->arena, file) : NULL;
    g->line = line;
    g->column = column;
    g->span = span;
    /* A message is one line whatever text it quotes (a YAML key may hold a
     * line break): show breaks as \n so the report stays one line each. */
    char one[sizeof buf * 2];
    size_t o = 0;
    for (const char *c = buf; *c && o + 2 < sizeof one; c++) {
        if (*c == '\n' || *c == '\r') {
            one[o++] = '\\';
            one[o++] = *c == '\n' ? 'n' : 'r';
        } else {
            one[o++] = *c;
        }
    }
    one[o] = '\0';
    g->message = ar_strdup(d->arena, one);
    g->source_line = NULL;
    if (source_line) {
        size_t n = strcspn(source_line, "\r\n");
        g->source_line = ar_strndup(d->arena, source_line, n);
    }
    if (sev == RF_ERROR)
        d->errors++;
    return g;
}

const rf_diag *dg_add(rf_diags *d, rf_severity sev, rf_class cls, const char *file, uint64_t line,
                      uint32_t column, uint32_t span, const char *source_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const rf_diag *g = dg_vadd(d, sev, cls, file, line, column, span, source_line, fmt, ap);
    va_end(ap);
    return g;
}

size_t dg_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[65];
    if (na > 64 || nb > 64)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[nb];
}

uint32_t dg_utf8_chars(const char *s, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static const char *dg_sevname(rf_severity s)
{
    switch (s) {
    case RF_ERROR:
        return "error";
    case RF_WARNING:
        return "warning";
    default:
        return "note";
    }
}

/* East Asian wide characters take two terminal columns; the caret must line
 * up under Chinese text, so count display width, not code points. */
static int dg_cpwidth(const unsigned char *p, size_t *len)
{
    unsigned c = p[0];
    if (c < 0x80) {
        *len = 1;
        return 1;
    }
    unsigned cp;
    if ((c & 0xE0) == 0xC0 && p[1]) {
        cp = ((c & 0x1F) << 6) | (p[1] & 0x3F);
        *len = 2;
    } else if ((c & 0xF0) == 0xE0 && p[1] && p[2]) {
        cp = ((c & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        *len = 3;
    } else if ((c & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
        cp = 0x10000;
        *len = 4;
    } else {
        *len = 1;
        return 1;
    }
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x10000)
        return 2;
    return 1;
}

void rf_diag_format(const rf_diag *g, FILE *to)
{
    if (g->file) {
        fputs(g->file, to);
        if (g->line) {
            fprintf(to, ":%llu", (unsigned long long)g->line);
            if (g->column)
                fprintf(to, ":%u", g->column);
        }
        fputs(": ", to);
    }
    fprintf(to, "%s: %s\n", dg_sevname(g->severity), g->message);
    if (!g->source_line || !g->column)
        return;
    /* A hostile or minified line can be megabytes long: show a window of
     * about 120 characters around the column, marked with "...". */
    const unsigned char *line = (const unsigned char *)g->source_line;
    uint32_t col = 1, first = g->column > 60 ? g->column - 60 : 1;
    const unsigned char *p = line;
    while (*p && col < first) {
        size_t len;
        dg_cpwidth(p, &len);
        p += len;
        col++;
    }
    const unsigned char *start = p, *end = p;
    for (uint32_t k = 0; *end && k < 120; k++) {
        size_t len;
        dg_cpwidth(end, &len);
        end += len;
    }
    fprintf(to, " %5llu | %s%.*s%s\n       | %s", (unsigned long long)g->line,
            start > line ? "..." : "", (int)(end - start), (const char *)start, *end ? "..." : "",
            start > line ? "   " : "");
    p = start;
    while (*p && col < g->column) {
        size_t len;
        int w = dg_cpwidth(p, &len);
        fputs(*p == '\t' ? "\t" : (w == 2 ? "  " : " "), to);
        p += len;
        col++;
    }
    uint32_t span = g->span ? g->span : 1;
    uint32_t room = col - first < 120 ? 120 - (col - first) : 1;
    if (span > room)
        span = room;
    for (uint32_t i = 0; i < span; i++) {
        size_t len = 1;
        int w = *p ? dg_cpwidth(p, &len) : 1;
        fputs(i == 0 ? (w == 2 ? "^~" : "^") : (w == 2 ? "~~" : "~"), to);
        if (*p)
            p += len;
    }
    fputc('\n', to);
}

void dg_near_consider(dg_near *nr, const char *cand)
{
    size_t d = dg_edit_distance(nr->s, nr->n, cand, strlen(cand));
    size_t limit = nr->n <= 3 ? 1 : nr->n <= 6 ? 2 : 3;
    if (d <= limit && d < nr->dist) {
        nr->dist = d;
        nr->best = cand;
    }
}
