#include "rp.h"

#include "ar.h"
#include "gr.h"
#include "vl.h"
#include "pk.h"
#include "wh.h"
#include "wx.h"

#include <stdlib.h>
#include <string.h>

struct rp_report {
    const rf_pack *p;
    const char *group_by;
    int col;        /* the group column's place among rf_result's fields */
    size_t nlevels; /* level counters: the pack's levels and "no level", or 0 */
    gr_table *groups;
    wx_book *book;
    wh_page *page;
    bool raised[RF_MAX_FLAGS];
};

rp_report *rp_new(const rf_pack *p, const char *group_by, char *why, size_t whyn)
{
    if (!group_by)
        group_by = p->group_by;
    int col = group_by ? pk_output_index(p, group_by) : -1;
    if (group_by && col < 0) {
        size_t o = (size_t)snprintf(why, whyn,
                                    "'%s' is not an output column of %s; it has:", group_by, p->id);
        for (int i = 0; i < p->nouts && o < whyn; i++)
            o += (size_t)snprintf(why + o, whyn - o, " %s", p->outs[i].name);
        return NULL;
    }
    rp_report *r = ar_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->p = p;
    r->group_by = group_by;
    r->col = col;
    r->nlevels = pk_has_level_column(p) ? (size_t)p->nlevels + 1 : 0;
    if (group_by)
        r->groups = gr_new(r->nlevels, (size_t)p->nflags);
    return r;
}

void rp_free(rp_report *r)
{
    if (!r)
        return;
    gr_free(r->groups);
    wx_discard(r->book);
    wh_discard(r->page);
    free(r);
}

const char *rp_group_by(const rp_report *r)
{
    return r ? r->group_by : NULL;
}

int rp_on_result(void *ctx, const rf_result *res)
{
    rp_report *r = ctx;
    size_t group = 0;
    if (r->groups) {
        size_t level = 0;
        while (level < r->nlevels && strcmp(rf_pack_level_id(r->p, level), res->level) != 0)
            level++;
        /* rf_result lists the output columns, then the flags. */
        size_t nouts = (size_t)r->p->nouts;
        for (size_t f = 0; f < (size_t)r->p->nflags; f++)
            r->raised[f] = strcmp(res->values[nouts + f], "true") == 0;
        const char *g = res->values[r->col];
        group = gr_add(r->groups, g, strlen(g), level, r->raised);
    }
    if (r->book && wx_result(r->book, res) != 0)
        return -1;
    if (r->page && wh_result(r->page, res, group) != 0)
        return -1;
    return 0;
}

int rp_open_book(rp_report *r, const char *path, char *why, size_t whyn)
{
    r->book = wx_open(r->p, path, why, whyn);
    return r->book ? 0 : -1;
}

int rp_close_book(rp_report *r, bool ok, const rf_summary *s, FILE *rejects, int argc, char **argv,
                  char *why, size_t whyn)
{
    wx_book *x = r->book;
    r->book = NULL;
    if (!ok) {
        wx_discard(x);
        return 0;
    }
    return x ? wx_close(x, s, r, rejects, argc, argv, why, whyn) : 0;
}

int rp_on_row(void *ctx, const rf_row *row)
{
    rp_report *r = ctx;
    return r->page ? wh_row(r->page, row) : 0;
}

int rp_open_page(rp_report *r, FILE *out, bool all, bool notices, char *why, size_t whyn)
{
    r->page = wh_open(r->p, out, all, notices, why, whyn);
    return r->page ? 0 : -1;
}

int rp_close_page(rp_report *r, bool ok, const rf_summary *s, char *why, size_t whyn)
{
    wh_page *h = r->page;
    r->page = NULL;
    if (!ok) {
        wh_discard(h);
        return 0;
    }
    return h ? wh_close(h, s, r, why, whyn) : 0;
}

void rp_summary(const rp_report *r, const rf_summary *s, FILE *to)
{
    if (!r || !r->groups)
        return;
    size_t n = gr_count(r->groups);
    fprintf(to, "  by %s: %zu group%s\n", r->group_by, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const gr_group *g = gr_get(r->groups, i);
        fprintf(to, "    %s: %llu", g->name[0] ? g->name : "(empty)",
                (unsigned long long)g->results);
        for (size_t l = 0; l < r->nlevels; l++)
            fprintf(to, "%s %s %llu", l ? "," : ";", s->levels[l].id,
                    (unsigned long long)g->levels[l]);
        for (size_t f = 0; f < s->nflags; f++)
            fprintf(to, "%s %s %llu", f ? "," : "; flags", s->flags[f].id,
                    (unsigned long long)g->flags[f]);
        fputc('\n', to);
    }
}

const struct gr_table *rp_groups(const rp_report *r)
{
    return r ? r->groups : NULL;
}

const char *rp_out_label(const rf_pack *p, int i)
{
    const pk_out *o = &p->outs[i];
    if (o->kind == PK_OUT_COLUMN) {
        const pk_column *c = &p->inputs[p->entity].cols[o->index];
        return c->nnames ? c->names[0] : c->id;
    }
    if (o->kind == PK_OUT_MEASURE && p->measures[o->index].label.zh)
        return p->measures[o->index].label.zh;
    if (o->kind == PK_OUT_TALLY && p->tallies[o->index].label.zh)
        return p->tallies[o->index].label.zh;
    return o->name;
}

const char *rp_level_label(const rf_pack *p, size_t l)
{
    return l < (size_t)p->nlevels ? p->levels[l].label.zh : p->none.zh;
}

static unsigned rp_hex(const char *s)
{
    return (unsigned)strtoul(s + 1, NULL, 16);
}

unsigned rp_level_color(const rf_pack *p, size_t l, bool *has)
{
    *has = true;
    if (l < (size_t)p->nlevels && p->levels[l].color)
        return rp_hex(p->levels[l].color);
    if (l >= (size_t)p->nlevels) {
        *has = p->none_color != NULL;
        return p->none_color ? rp_hex(p->none_color) : 0xFFFFFF;
    }
    /* No colour in the pack: greys from dark (most severe) to light. */
    unsigned n = (unsigned)p->nlevels,
             g = n > 1 ? 0x70 + (0xC8 - 0x70) * (unsigned)l / (n - 1) : 0x90;
    return g << 16 | g << 8 | g;
}

unsigned rp_flag_color(const rf_pack *p, size_t f)
{
    return p->flags[f].color ? rp_hex(p->flags[f].color) : 0xBFBFBF;
}

unsigned rp_ink(unsigned c)
{
    unsigned r = c >> 16 & 0xFF, g = c >> 8 & 0xFF, b = c & 0xFF;
    return 299 * r + 587 * g + 114 * b < 140000 ? 0xFFFFFF : 0x000000;
}

size_t rp_text_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (k > 1 && i + k <= n) {
            cp = c & (0x7F >> k);
            for (size_t j = 1; j < k; j++)
                cp = cp << 6 | ((unsigned char)s[i + j] & 0x3F);
        }
        i += k;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
        w += wide ? 2 : 1;
    }
    return w;
}
