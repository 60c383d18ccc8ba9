#include "wh.h"

#include "ar.h"
#include "gr.h"
#include "pk.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Headings the page itself adds; the pack's own names come from the pack.
 * The people who print it read Chinese. */

typedef struct wh_block {
    uint32_t group, len;
    uint64_t off;
    uint32_t split; /* where the period goes (a notice is written before the run
                       knows its year), 0: nowhere */
} wh_block;

/* Rows kept for notices: each entity's, chained, in the scratch file. */
typedef struct wh_rowrec {
    uint64_t off;
    uint32_t len;
    int32_t next;
} wh_rowrec;

typedef struct wh_key {
    char *key;
    int32_t first, last;
} wh_key;

struct wh_page {
    const rf_pack *p;
    FILE *out, *scratch;
    bool all;
    wh_block *blocks;
    size_t nblocks, cap;
    uint64_t *listed; /* per group */
    size_t nlisted;
    uint64_t off;
    bool failed;
    bool notices;
    FILE *rows; /* notices: the rows' HTML */
    wh_rowrec *recs;
    size_t nrecs, reccap;
    wh_key *keys; /* open addressing, power-of-two size */
    size_t nkeys, keycap;
    int year;
};

/* Text into HTML, for element content and attribute values alike. */
static void wh_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            putc(*s, f);
        }
    }
}

wh_page *wh_open(const rf_pack *p, FILE *out, bool all, bool notices, char *why, size_t whyn)
{
    FILE *scratch = tmpfile(), *rows = notices ? tmpfile() : NULL;
    if (!scratch || (notices && !rows)) {
        if (scratch)
            fclose(scratch);
        snprintf(why, whyn, "cannot make a scratch file for the report");
        return NULL;
    }
    wh_page *h = ar_xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    h->p = p;
    h->out = out;
    h->scratch = scratch;
    h->all = all;
    h->notices = notices;
    h->rows = rows;
    return h;
}

static size_t wh_level(const rf_pack *p, const char *id)
{
    size_t l = 0;
    while (l < (size_t)p->nlevels && strcmp(p->levels[l].id, id) != 0)
        l++;
    return l;
}

/* ---- notices -------------------------------------------------------------- */

static uint64_t wh_hash(const char *s)
{
    return ar_fnv(AR_FNV_BASIS, s, strlen(s));
}

/* The entity's slot in the key table (added when `add`), or NULL. */
static wh_key *wh_key_find(wh_page *h, const char *key, bool add)
{
    if (add && 2 * (h->nkeys + 1) > h->keycap) {
        size_t cap = h->keycap ? h->keycap * 2 : 256;
        wh_key *k = ar_xmalloc(cap * sizeof *k);
        memset(k, 0, cap * sizeof *k);
        for (size_t i = 0; i < h->keycap; i++)
            if (h->keys[i].key) {
                size_t j = wh_hash(h->keys[i].key) & (cap - 1);
                while (k[j].key)
                    j = (j + 1) & (cap - 1);
                k[j] = h->keys[i];
            }
        free(h->keys);
        h->keys = k;
        h->keycap = cap;
    }
    if (!h->keycap)
        return NULL;
    size_t j = wh_hash(key) & (h->keycap - 1);
    while (h->keys[j].key) {
        if (strcmp(h->keys[j].key, key) == 0)
            return &h->keys[j];
        j = (j + 1) & (h->keycap - 1);
    }
    if (!add)
        return NULL;
    size_t n = strlen(key) + 1;
    h->keys[j].key = ar_xmalloc(n);
    memcpy(h->keys[j].key, key, n);
    h->keys[j].first = h->keys[j].last = -1;
    h->nkeys++;
    return &h->keys[j];
}

int wh_row(wh_page *h, const rf_row *r)
{
    if (!h->notices)
        return 0;
    const rf_pack *p = h->p;
    int in = 0;
    while (in < p->ninputs && strcmp(p->inputs[in].name, r->input) != 0)
        in++;
    int ref = in < p->ninputs ? p->inputs[in].ref : -1;
    FILE *f = h->rows;
    long start = ftell(f);
    fputs("<tr>", f);
    for (size_t c = 0; c < r->nfields; c++) {
        if ((int)c == ref)
            continue;
        fputs("<td>", f);
        wh_esc(f, r->values[c]);
        fputs("</td>", f);
    }
    fputs("<td>", f);
    for (size_t k = 0; k < r->nitems; k++) {
        fputs(k ? "; " : "", f);
        wh_esc(f, r->item_names[k]);
    }
    fputs("</td><td class=\"pts\">", f);
    for (size_t k = 0; k < r->nitems; k++) {
        fputs(k ? "; " : "", f);
        wh_esc(f, r->effects[k]);
    }
    fputs("</td></tr>", f);
    long end = ftell(f);
    if (start < 0 || end < start || ferror(f))
        return h->failed = true, -1;
    if (h->nrecs == h->reccap) {
        h->reccap = h->reccap ? h->reccap * 2 : 256;
        h->recs = ar_xrealloc(h->recs, h->reccap * sizeof *h->recs);
    }
    wh_key *k = wh_key_find(h, r->key, true);
    int32_t idx = (int32_t)h->nrecs++;
    h->recs[idx] = (wh_rowrec){(uint64_t)start, (uint32_t)(end - start), -1};
    if (k->last >= 0)
        h->recs[k->last].next = idx;
    else
        k->first = idx;
    k->last = idx;
    return 0;
}

/* The notice's table of rows: the related input's own headings. */
static void wh_notice_rows(wh_page *h, const rf_result *r)
{
    const rf_pack *p = h->p;
    FILE *f = h->scratch;
    wh_key *k = wh_key_find(h, r->key, false);
    if (!k || k->first < 0)
        return;
    /* The inputs that feed tallies from rows; the first names the columns. */
    const pk_input *in = NULL;
    for (int t = 0; t < p->ntallies && !in; t++)
        if (p->tallies[t].rows_input >= 0)
            in = &p->inputs[p->tallies[t].rows_input];
    fputs("<table class=\"rows\"><thead><tr>", f);
    for (int c = 0; in && c < in->ncols; c++) {
        if (c == in->ref)
            continue;
        fputs("<th>", f);
        wh_esc(f, in->cols[c].nnames ? in->cols[c].names[0] : in->cols[c].id);
        fputs("</th>", f);
    }
    fputs("<th>项目</th><th>分值</th></tr></thead><tbody>", f);
    char *buf = NULL;
    size_t cap = 0;
    for (int32_t i = k->first; i >= 0; i = h->recs[i].next) {
        const wh_rowrec *rr = &h->recs[i];
        if (rr->len > cap) {
            cap = rr->len * 2;
            buf = ar_xrealloc(buf, cap);
        }
        if (fseek(h->rows, (long)rr->off, SEEK_SET) != 0 ||
            fread(buf, 1, rr->len, h->rows) != rr->len || fwrite(buf, 1, rr->len, f) != rr->len)
            h->failed = true;
    }
    fseek(h->rows, 0, SEEK_END);
    free(buf);
    fputs("</tbody></table>", f);
}

/* One page for one entity, for the clerk who holds the talk: who, the
 * period, the level and what it means, the rows that counted, the caps. No
 * expression and no id of the pack: only its labels and names. */
static long wh_notice(wh_page *h, const rf_result *r, size_t l)
{
    const rf_pack *p = h->p;
    FILE *f = h->scratch;
    fputs("<section class=\"n\" data-key=\"", f);
    wh_esc(f, r->key);
    fputs("\" data-level=\"", f);
    wh_esc(f, r->level);
    fputs("\"><h2>", f);
    wh_esc(f, p->title.zh);
    fputs("</h2><table class=\"who\">", f);
    for (int i = 0; i < p->nouts; i++) {
        if (!r->values[i][0])
            continue;
        fputs("<tr><th>", f);
        wh_esc(f, rp_out_label(p, i));
        fputs("</th><td>", f);
        wh_esc(f, r->values[i]);
        fputs("</td></tr>", f);
    }
    fputs("</table><p class=\"lv\">期间 ", f);
    long split = ftell(f); /* the year, known at the end, goes here */
    fputs(" 年", f);
    if (pk_has_level_column(p)) {
        fprintf(f, " · 等级 <span class=\"b l%zu\">", l);
        wh_esc(f, r->level_label);
        fputs("</span>", f);
    }
    fputs("</p>", f);
    if (l < (size_t)p->nlevels && p->levels[l].meaning.zh) {
        fputs("<p class=\"m\">", f);
        wh_esc(f, p->levels[l].meaning.zh);
        fputs("</p>", f);
    }
    for (int k = 0; k < p->nflags; k++)
        if (strcmp(r->values[p->nouts + k], "true") == 0) {
            fprintf(f, "<p class=\"m\"><span class=\"b f%d\">", k);
            wh_esc(f, p->flags[k].label.zh);
            fputs("</span> ", f);
            if (p->flags[k].meaning.zh)
                wh_esc(f, p->flags[k].meaning.zh);
            fputs("</p>", f);
        }
    wh_notice_rows(h, r);
    /* A cap the engine applied shows in the detail as "(capped +4)". */
    for (int t = 0; t < p->ntallies; t++) {
        const pk_tally *T = &p->tallies[t];
        if (!T->has_cap)
            continue;
        char cap[64], mark[96];
        vl_format(T->cap, cap, sizeof cap);
        snprintf(mark, sizeof mark, "(capped %s%s)", T->sign ? T->sign : "", cap);
        if (strstr(r->detail, mark)) {
            fputs("<p class=\"m\">", f);
            wh_esc(f, T->label.zh ? T->label.zh : "");
            fprintf(f, "超过上限，按 %s%s 计。</p>", T->sign ? T->sign : "", cap);
        }
    }
    fputs("</section>\n", f);
    return split;
}

int wh_result(wh_page *h, const rf_result *r, size_t group)
{
    const rf_pack *p = h->p;
    size_t l = wh_level(p, r->level);
    bool raised = false;
    for (int f = 0; f < p->nflags; f++)
        raised |= strcmp(r->values[p->nouts + f], "true") == 0;
    if (group >= h->nlisted) {
        size_t n = group * 2 + 16;
        h->listed = ar_xrealloc(h->listed, n * sizeof *h->listed);
        memset(h->listed + h->nlisted, 0, (n - h->nlisted) * sizeof *h->listed);
        h->nlisted = n;
    }
    if (!h->all && l >= (size_t)p->nlevels && !raised)
        return 0;
    h->listed[group]++;
    FILE *f = h->scratch;
    long start = ftell(f), split = 0;
    if (h->notices) {
        split = wh_notice(h, r, l) - start;
        goto done;
    }
    fprintf(f, "<section class=\"e\" data-level=\"");
    wh_esc(f, r->level);
    fputs("\"><h3>", f);
    if (pk_has_level_column(p)) {
        fprintf(f, "<span class=\"b l%zu\">", l);
        wh_esc(f, r->level_label);
        fputs("</span> ", f);
    }
    for (int k = 0; k < p->nflags; k++)
        if (strcmp(r->values[p->nouts + k], "true") == 0) {
            fprintf(f, "<span class=\"b f%d\" data-flag=\"", k);
            wh_esc(f, p->flags[k].id);
            fputs("\">", f);
            wh_esc(f, p->flags[k].label.zh);
            fputs("</span> ", f);
        }
    wh_esc(f, r->key);
    fputs("</h3><dl>", f);
    for (int i = 0; i < p->nouts; i++) {
        if (!r->values[i][0])
            continue;
        fputs("<dt>", f);
        wh_esc(f, rp_out_label(p, i));
        fputs("</dt><dd>", f);
        wh_esc(f, r->values[i]);
        fputs("</dd>", f);
    }
    fputs("</dl>", f);
    if (r->nreasons) {
        fputs("<ul>", f);
        for (size_t i = 0; i < r->nreasons; i++) {
            fputs("<li>", f);
            wh_esc(f, r->reasons[i]);
            fputs("</li>", f);
        }
        fputs("</ul>", f);
    }
    if (r->detail[0]) {
        fputs("<p class=\"d\">明细: ", f);
        wh_esc(f, r->detail);
        fputs("</p>", f);
    }
    fputs("</section>\n", f);
done:;
    long end = ftell(f);
    if (start < 0 || end < start || split < 0 || ferror(f)) {
        h->failed = true;
        return -1;
    }
    if (h->nblocks == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->blocks = ar_xrealloc(h->blocks, h->cap * sizeof *h->blocks);
    }
    h->blocks[h->nblocks++] =
        (wh_block){(uint32_t)group, (uint32_t)(end - start), (uint64_t)start, (uint32_t)split};
    return 0;
}

/* ---- the page ------------------------------------------------------------ */

static void wh_style(const wh_page *h)
{
    const rf_pack *p = h->p;
    FILE *f = h->out;
    fputs("<style>\n"
          "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
          "\"PingFang SC\",\"WenQuanYi Micro Hei\",sans-serif;margin:24px "
          "auto;max-width:960px;color:#222;"
          "-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
          "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #444;"
          "padding-bottom:4px}h3{font-size:15px;margin:0 0 6px}\n"
          ".meta{color:#555;margin:0 0 16px}\n"
          "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #bbb;"
          "padding:3px 8px}td{text-align:right}th{background:#eee}tr.all th,tr.all td"
          "{font-weight:bold}\n"
          ".e{border:1px solid #ccc;border-radius:4px;padding:8px 12px;margin:8px 0;"
          "break-inside:avoid}\n"
          ".e dl{display:grid;grid-template-columns:max-content 1fr max-content 1fr;"
          "gap:2px 12px;margin:4px 0}.e dt{color:#666}.e dd{margin:0}\n"
          ".e ul{margin:4px 0;padding-left:20px}.d{color:#444;margin:4px 0}\n"
          ".b{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:bold}\n"
          ".rest{color:#555;font-style:italic}\n"
          ".n{border:1px solid #ccc;padding:8px 16px;margin:16px 0}.n h2{font-size:18px}\n"
          ".n table.who th{text-align:left;font-weight:normal;color:#555}.n table.who td"
          "{text-align:left}.n .lv{font-size:16px}.n .m{margin:6px 0}\n"
          ".n table.rows td{text-align:left}.n table.rows td.pts{text-align:right}\n"
          "@page{size:A4;margin:14mm 12mm}\n"
          "@media print{body{margin:0;max-width:none}.g{break-before:page}"
          "#summary{break-after:page}.n{break-before:page;border:0;margin:0}"
          ".g>.n:first-of-type{break-before:auto}}\n",
          f);
    for (size_t l = 0; l <= (size_t)p->nlevels; l++) {
        bool has;
        unsigned c = rp_level_color(p, l, &has);
        if (has)
            fprintf(f, ".l%zu{background:#%06X;color:#%06X}\n", l, c, rp_ink(c));
        else
            fprintf(f, ".l%zu{border:1px solid #999}\n", l);
    }
    for (int k = 0; k < p->nflags; k++) {
        unsigned c = rp_flag_color(p, (size_t)k);
        fprintf(f, ".f%d{background:#%06X;color:#%06X}\n", k, c, rp_ink(c));
    }
    fputs("</style>\n", f);
}

static void wh_sumrow(FILE *f, const char *name, bool all, uint64_t total, const uint64_t *lv,
                      size_t nlev, const uint64_t *fl, size_t nfl, const rf_summary *s)
{
    if (all)
        fputs("<tr class=\"all\" data-all=\"1\"><th>", f);
    else {
        fputs("<tr data-group=\"", f);
        wh_esc(f, name);
        fputs("\"><th>", f);
    }
    wh_esc(f, name[0] ? name : "（空）");
    fputs("</th>", f);
    for (size_t l = 0; l < nlev; l++) {
        fputs("<td data-level=\"", f);
        wh_esc(f, s->levels[l].id);
        fprintf(f, "\">%llu</td>", (unsigned long long)lv[l]);
    }
    for (size_t k = 0; k < nfl; k++) {
        fputs("<td data-flag=\"", f);
        wh_esc(f, s->flags[k].id);
        fprintf(f, "\">%llu</td>", (unsigned long long)fl[k]);
    }
    fprintf(f, "<td data-total=\"1\">%llu</td></tr>\n", (unsigned long long)total);
}

/* Bars per group: the levels (but "no level", which is the rest), stacked,
 * or the flags of a pack without levels. */
static void wh_chart(const wh_page *h, const rf_summary *s, const gr_table *g)
{
    const rf_pack *p = h->p;
    FILE *f = h->out;
    size_t nlev = s->nlevels, ng = g ? gr_count(g) : 0;
    size_t nser = nlev > 1 ? nlev - 1 : s->nflags;
    if (!nser)
        return;
    size_t rows = ng ? (ng < 40 ? ng : 40) : 1;
    uint64_t max = 1;
    for (size_t i = 0; i < rows; i++) {
        uint64_t t = 0;
        for (size_t k = 0; k < nser; k++) {
            const gr_group *gi = ng ? gr_get(g, i) : NULL;
            t += nlev > 1 ? (gi ? gi->levels[k] : s->levels[k].count)
                          : (gi ? gi->flags[k] : s->flags[k].count);
        }
        if (t > max)
            max = t;
    }
    const int lw = 220, bw = 480, rh = 22;
    int height = (int)rows * rh + 40;
    fprintf(f,
            "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "role=\"img\" font-size=\"12\">\n",
            lw + bw + 60, height);
    for (size_t i = 0; i < rows; i++) {
        const gr_group *gi = ng ? gr_get(g, i) : NULL;
        int y = (int)i * rh + 4;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 14);
        wh_esc(f, gi ? (gi->name[0] ? gi->name : "（空）") : "全部");
        fputs("</text>", f);
        double x = lw;
        uint64_t t = 0;
        for (size_t k = 0; k < nser; k++) {
            uint64_t n = nlev > 1 ? (gi ? gi->levels[k] : s->levels[k].count)
                                  : (gi ? gi->flags[k] : s->flags[k].count);
            bool has = true;
            unsigned c = nlev > 1 ? rp_level_color(p, k, &has) : rp_flag_color(p, k);
            double w = (double)bw * (double)n / (double)max;
            if (n)
                fprintf(f,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#%06X\"/>",
                        x, y, w, rh - 6, c);
            x += w;
            t += n;
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">%llu</text>\n", x + 4, y + 14, (unsigned long long)t);
    }
    int x = lw, y = (int)rows * rh + 24;
    for (size_t k = 0; k < nser; k++) {
        bool has = true;
        unsigned c = nlev > 1 ? rp_level_color(p, k, &has) : rp_flag_color(p, k);
        const char *name = nlev > 1 ? rp_level_label(p, k) : p->flags[k].label.zh;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#%06X\"/>", x, y - 10,
                c);
        fprintf(f, "<text x=\"%d\" y=\"%d\">", x + 16, y);
        wh_esc(f, name);
        fputs("</text>", f);
        x += 16 + (int)rp_text_width(name, strlen(name)) * 7 + 16;
    }
    fputs("\n</svg>\n", f);
    if (ng > rows)
        fprintf(f, "<p class=\"rest\">图中列出前 %zu 组, 共 %zu 组。</p>\n", rows, ng);
}

static void wh_summary(const wh_page *h, const rf_summary *s, const rp_report *rp)
{
    const rf_pack *p = h->p;
    FILE *f = h->out;
    const gr_table *g = rp_groups(rp);
    const char *by = rp_group_by(rp);
    int byi = by ? pk_output_index(p, by) : -1;
    fputs("<section id=\"summary\"><h2>汇总</h2>\n<table id=\"counts\"><thead><tr><th>", f);
    wh_esc(f, byi >= 0 ? rp_out_label(p, byi) : "范围");
    fputs("</th>", f);
    for (size_t l = 0; l < s->nlevels; l++) {
        fprintf(f, "<th class=\"l%zu\" data-level=\"", l);
        wh_esc(f, s->levels[l].id);
        fputs("\">", f);
        wh_esc(f, rp_level_label(p, l));
        fputs("</th>", f);
    }
    for (size_t k = 0; k < s->nflags; k++) {
        fprintf(f, "<th class=\"f%zu\" data-flag=\"", k);
        wh_esc(f, s->flags[k].id);
        fputs("\">", f);
        wh_esc(f, p->flags[k].label.zh);
        fputs("</th>", f);
    }
    fputs("<th>合计</th></tr></thead>\n<tbody>\n", f);
    uint64_t lv[RF_MAX_LEVELS + 1], fl[RF_MAX_FLAGS];
    for (size_t l = 0; l < s->nlevels; l++)
        lv[l] = s->levels[l].count;
    for (size_t k = 0; k < s->nflags; k++)
        fl[k] = s->flags[k].count;
    wh_sumrow(f, "全部", true, s->entities, lv, s->nlevels, fl, s->nflags, s);
    for (size_t i = 0; g && i < gr_count(g); i++) {
        const gr_group *gi = gr_get(g, i);
        wh_sumrow(f, gi->name, false, gi->results, gi->levels, s->nlevels, gi->flags, s->nflags, s);
    }
    fputs("</tbody></table>\n", f);
    wh_chart(h, s, g);
    fputs("</section>\n", f);
}

static void wh_date(char *buf, size_t n)
{
    /* SOURCE_DATE_EPOCH makes a page built twice the same, byte for byte. */
    const char *e = getenv("SOURCE_DATE_EPOCH");
    time_t t = e && *e ? (time_t)strtoll(e, NULL, 10) : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d", &tm);
}

static bool wh_copy(wh_page *h, const wh_block *b, int year, char **buf, size_t *cap)
{
    if (b->len > *cap) {
        *cap = b->len * 2;
        *buf = ar_xrealloc(*buf, *cap);
    }
    if (fseek(h->scratch, (long)b->off, SEEK_SET) != 0 ||
        fread(*buf, 1, b->len, h->scratch) != b->len)
        return false;
    if (!b->split)
        return fwrite(*buf, 1, b->len, h->out) == b->len;
    return fwrite(*buf, 1, b->split, h->out) == b->split && fprintf(h->out, "%d", year) > 0 &&
           fwrite(*buf + b->split, 1, b->len - b->split, h->out) == b->len - b->split;
}

static void wh_sections(wh_page *h, const rf_summary *s, const rp_report *rp)
{
    const rf_pack *p = h->p;
    FILE *f = h->out;
    const gr_table *g = rp_groups(rp);
    size_t ng = g ? gr_count(g) : 1;
    const char *by = rp_group_by(rp);
    int byi = by ? pk_output_index(p, by) : -1;
    const char *ent = p->entity_label.zh ? p->entity_label.zh : "结果";
    /* Blocks in group order, each group's in input order: a counting sort. */
    size_t *start = ar_xmalloc((ng + 1) * sizeof *start);
    memset(start, 0, (ng + 1) * sizeof *start);
    for (size_t i = 0; i < h->nblocks; i++)
        start[h->blocks[i].group + 1]++;
    for (size_t i = 0; i < ng; i++)
        start[i + 1] += start[i];
    size_t *order = ar_xmalloc((h->nblocks + 1) * sizeof *order),
           *at = ar_xmalloc((ng + 1) * sizeof *at);
    memcpy(at, start, (ng + 1) * sizeof *at);
    for (size_t i = 0; i < h->nblocks; i++)
        order[at[h->blocks[i].group]++] = i;
    char *buf = NULL;
    size_t cap = 0;
    for (size_t gi = 0; gi < ng; gi++) {
        const gr_group *gg = g ? gr_get(g, gi) : NULL;
        uint64_t total = gg ? gg->results : s->entities;
        uint64_t listed = gi < h->nlisted ? h->listed[gi] : 0;
        fputs("<section class=\"g\"", f);
        if (gg) {
            fputs(" data-group=\"", f);
            wh_esc(f, gg->name);
            fputs("\"><h2>", f);
            wh_esc(f, byi >= 0 ? rp_out_label(p, byi) : "");
            fputs(": ", f);
            wh_esc(f, gg->name[0] ? gg->name : "（空）");
            fprintf(f, " <small>%llu 个%s</small></h2>\n", (unsigned long long)total, ent);
        } else {
            fputs("><h2>", f);
            wh_esc(f, ent);
            fputs("</h2>\n", f);
        }
        for (size_t k = start[gi]; k < start[gi + 1]; k++)
            if (!wh_copy(h, &h->blocks[order[k]], s->year, &buf, &cap))
                h->failed = true;
        if (total > listed)
            fprintf(f,
                    "<p class=\"rest\" data-unlisted=\"%llu\">%llu "
                    "个%s无等级、无标记，未逐一列出。</p>\n",
                    (unsigned long long)(total - listed), (unsigned long long)(total - listed),
                    ent);
        fputs("</section>\n", f);
    }
    free(buf);
    free(order);
    free(at);
    free(start);
}

void wh_discard(wh_page *h)
{
    if (!h)
        return;
    fclose(h->scratch);
    if (h->rows)
        fclose(h->rows);
    for (size_t i = 0; i < h->keycap; i++)
        free(h->keys[i].key);
    free(h->keys);
    free(h->recs);
    free(h->blocks);
    free(h->listed);
    free(h);
}

int wh_close(wh_page *h, const rf_summary *s, const rp_report *rp, char *why, size_t whyn)
{
    const rf_pack *p = h->p;
    FILE *f = h->out;
    char date[32];
    wh_date(date, sizeof date);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
          f);
    wh_esc(f, p->title.zh);
    fprintf(f, " %d</title>\n", s->year);
    wh_style(h);
    fputs("</head><body>\n<header><h1>", f);
    wh_esc(f, p->title.zh);
    fputs("</h1><p class=\"meta\">规则包 <span id=\"pack\">", f);
    wh_esc(f, p->id);
    fputs("@", f);
    wh_esc(f, p->version);
    if (p->set_stamp)
        wh_esc(f, p->set_stamp);
    fprintf(f, "</span> · 期间 <span id=\"period\">%d</span> 年 · 截至 %s · 生成于 %s</p>", s->year,
            s->as_of, date);
    fputs("</header>\n", f);
    wh_summary(h, s, rp);
    wh_sections(h, s, rp);
    fputs("</body></html>\n", f);
    int rc = 0;
    if (h->failed || ferror(f) || ferror(h->scratch)) {
        snprintf(why, whyn, "cannot write the report");
        rc = -1;
    }
    wh_discard(h);
    return rc;
}
