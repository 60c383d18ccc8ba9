#include "wx.h"

#include "ar.h"
#include "gr.h"
#include "pk.h"
#include "wr.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* Sheet names and headings the workbook itself adds (the pack's own names
 * come from the pack). The people who open it read Chinese. */
#define WX_SUMMARY "汇总"
#define WX_RESULTS "结果"
#define WX_REJECTS "问题行"
#define WX_RULES "规则与选项"

enum { WX_MAXCOLS = 256, WX_WIDEST = 60 };

struct wx_book {
    const rf_pack *p;
    lxw_workbook *wb;
    lxw_worksheet *summary, *results, *rejects, *rules;
    lxw_format *head, *date, *wrap, *bold;
    lxw_format *level_fmt[RF_MAX_LEVELS + 1];
    lxw_format *flag_fmt[RF_MAX_FLAGS];
    int ncols;
    vl_kind kind[WX_MAXCOLS]; /* of each output column */
    size_t width[WX_MAXCOLS];
    lxw_row_t row; /* next results row */
    int sheets;    /* results sheets so far (a sheet holds 1,048,575 results) */
    bool levels;   /* the results have a level column */
    char *buf;     /* reasons joined */
    size_t bufcap;
    bool failed;
    char stamp[512];
};

static lxw_format *wx_fill(lxw_workbook *wb, unsigned color)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_bg_color(f, color);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_font_color(f, rp_ink(color));
    return f;
}

static void wx_note_width(wx_book *x, int c, const char *s, size_t n)
{
    /* A text is never wider than its bytes, so most cells of a long run are
     * passed over without decoding their UTF-8. */
    if (c >= WX_MAXCOLS || x->width[c] >= WX_WIDEST || n <= x->width[c])
        return;
    size_t w = rp_text_width(s, n < 4 * WX_WIDEST ? n : 4 * WX_WIDEST);
    if (w > x->width[c])
        x->width[c] = w > WX_WIDEST ? WX_WIDEST : w;
}

static void wx_str(wx_book *x, lxw_worksheet *ws, lxw_row_t r, int c, const char *s, lxw_format *f)
{
    if (worksheet_write_string(ws, r, (lxw_col_t)c, s, f) != LXW_NO_ERROR)
        x->failed = true;
}

/* Printed: A4 landscape, as wide as one page, the header on every page and
 * the rules that made it in the footer. */
static void wx_print(wx_book *x, lxw_worksheet *ws, bool header_row)
{
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    if (header_row)
        worksheet_repeat_rows(ws, 0, 0);
    char foot[600];
    /* '&' starts a field code in a footer: the stamp has none to escape
     * but an id could, so it is doubled. */
    size_t o = (size_t)snprintf(foot, sizeof foot, "&L");
    for (const char *c = x->stamp; *c && o + 3 < sizeof foot; c++) {
        if (*c == '&')
            foot[o++] = '&';
        foot[o++] = *c;
    }
    snprintf(foot + o, sizeof foot - o, "&R&P / &N");
    worksheet_set_footer(ws, foot);
}

static void wx_header(wx_book *x, lxw_worksheet *ws)
{
    const rf_pack *p = x->p;
    int c = 0;
    for (int i = 0; i < p->nouts; i++, c++) {
        const char *h = rp_out_label(p, i);
        wx_str(x, ws, 0, c, h, x->head);
        wx_note_width(x, c, h, strlen(h));
    }
    if (x->levels)
        wx_str(x, ws, 0, c++, "等级", x->head);
    for (int f = 0; f < p->nflags; f++, c++) {
        wx_str(x, ws, 0, c, p->flags[f].label.zh, x->head);
        wx_note_width(x, c, p->flags[f].label.zh, strlen(p->flags[f].label.zh));
    }
    wx_str(x, ws, 0, c++, "原因", x->head);
    if (p->ntallies)
        wx_str(x, ws, 0, c++, "明细", x->head);
    worksheet_freeze_panes(ws, 1, 0);
    wx_print(x, ws, true);
}

wx_book *wx_open(const rf_pack *p, const char *path, char *why, size_t whyn)
{
    if (p->nouts + p->nflags + 4 > WX_MAXCOLS) {
        snprintf(why, whyn, "the workbook holds at most %d columns", WX_MAXCOLS);
        return NULL;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        snprintf(why, whyn, "cannot start the workbook %s", path);
        return NULL;
    }
    wx_book *x = ar_xmalloc(sizeof *x);
    memset(x, 0, sizeof *x);
    x->p = p;
    x->wb = wb;
    x->levels = pk_has_level_column(p);
    x->summary = workbook_add_worksheet(wb, WX_SUMMARY);
    x->results = workbook_add_worksheet(wb, WX_RESULTS);
    x->rejects = workbook_add_worksheet(wb, WX_REJECTS);
    x->rules = workbook_add_worksheet(wb, WX_RULES);
    x->sheets = 1;
    x->head = workbook_add_format(wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xEDEDED);
    format_set_pattern(x->head, LXW_PATTERN_SOLID);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    x->bold = workbook_add_format(wb);
    format_set_bold(x->bold);
    x->date = workbook_add_format(wb);
    format_set_num_format(x->date, "yyyy-mm-dd");
    x->wrap = workbook_add_format(wb);
    format_set_text_wrap(x->wrap);
    for (size_t l = 0; l <= (size_t)p->nlevels; l++) {
        bool has;
        unsigned c = rp_level_color(p, l, &has);
        x->level_fmt[l] = has ? wx_fill(wb, c) : NULL;
    }
    for (int f = 0; f < p->nflags; f++)
        x->flag_fmt[f] = wx_fill(wb, rp_flag_color(p, (size_t)f));
    const pk_input *ent = &p->inputs[p->entity];
    for (int i = 0; i < p->nouts; i++) {
        const pk_out *o = &p->outs[i];
        x->kind[i] = o->kind == PK_OUT_COLUMN    ? ent->cols[o->index].type.kind
                     : o->kind == PK_OUT_MEASURE ? p->measures[o->index].type.kind
                                                 : p->tallies[o->index].type.kind;
    }
    /* The CSV's pack column (the same on every row) is not repeated in a
     * million cells: the rules sheet and every printed page's footer name it. */
    x->ncols = p->nouts + (x->levels ? 1 : 0) + p->nflags + 1 + (p->ntallies ? 1 : 0);
    snprintf(x->stamp, sizeof x->stamp, "%s@%s%s", p->id, p->version,
             p->set_stamp ? p->set_stamp : "");
    wx_print(x, x->summary, false);
    wx_print(x, x->rejects, true);
    wx_print(x, x->rules, false);
    wx_header(x, x->results);
    x->row = 1;
    return x;
}

/* A number as CSV formats it. Results are mostly small integers (scores,
 * counts): those are read digit by digit, the rest by strtod. */
static bool wx_number(const char *v, double *d)
{
    const char *s = v + (*v == '-');
    uint64_t n = 0;
    size_t k = 0;
    while (k < 15 && s[k] >= '0' && s[k] <= '9')
        n = n * 10 + (uint64_t)(s[k++] - '0');
    if (k && !s[k]) {
        *d = *v == '-' ? -(double)n : (double)n;
        return true;
    }
    char *end;
    *d = strtod(v, &end);
    return !*end;
}

/* A cell as CSV formats it, written as what it is: a number, a date, a
 * boolean, or a string (a string is never read as a formula in a workbook). */
static void wx_cell(wx_book *x, lxw_worksheet *ws, int c, vl_kind k, const char *v)
{
    size_t n = strlen(v);
    if (!n)
        return;
    lxw_error e = LXW_NO_ERROR;
    if (k == VL_INT || k == VL_DEC) {
        double d;
        if (wx_number(v, &d)) {
            e = worksheet_write_number(ws, x->row, (lxw_col_t)c, d, NULL);
            wx_note_width(x, c, v, n);
            goto done;
        }
    } else if (k == VL_DATE && n == 10 && v[4] == '-' && v[7] == '-') {
        lxw_datetime dt = {atoi(v), atoi(v + 5), atoi(v + 8), 0, 0, 0};
        e = worksheet_write_datetime(ws, x->row, (lxw_col_t)c, &dt, x->date);
        wx_note_width(x, c, v, n);
        goto done;
    } else if (k == VL_BOOL && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)) {
        e = worksheet_write_boolean(ws, x->row, (lxw_col_t)c, v[0] == 't', NULL);
        goto done;
    }
    e = worksheet_write_string(ws, x->row, (lxw_col_t)c, v, NULL);
    wx_note_width(x, c, v, n);
done:
    if (e != LXW_NO_ERROR)
        x->failed = true;
}

static const char *wx_join(wx_book *x, const char *const *items, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 2;
    if (len > x->bufcap) {
        x->bufcap = len * 2;
        x->buf = ar_xrealloc(x->buf, x->bufcap);
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(x->buf + o, "; ", 2);
            o += 2;
        }
        size_t k = strlen(items[i]);
        memcpy(x->buf + o, items[i], k);
        o += k;
    }
    x->buf[o] = 0;
    return x->buf;
}

int wx_result(wx_book *x, const rf_result *r)
{
    const rf_pack *p = x->p;
    lxw_worksheet *ws = x->results;
    if (x->row == LXW_ROW_MAX) {
        /* A sheet is full: the results go on in another. */
        char name[32];
        snprintf(name, sizeof name, "%s%d", WX_RESULTS, ++x->sheets);
        worksheet_autofilter(ws, 0, 0, x->row - 1, (lxw_col_t)(x->ncols - 1));
        x->results = ws = workbook_add_worksheet(x->wb, name);
        if (!ws)
            return x->failed = true, -1;
        wx_header(x, ws);
        x->row = 1;
    }
    int c = 0;
    for (int i = 0; i < p->nouts; i++, c++)
        wx_cell(x, ws, c, x->kind[i], r->values[i]);
    if (x->levels) {
        size_t l = 0;
        while (l < (size_t)p->nlevels && strcmp(p->levels[l].id, r->level) != 0)
            l++;
        wx_str(x, ws, x->row, c, r->level_label, x->level_fmt[l]);
        wx_note_width(x, c++, r->level_label, strlen(r->level_label));
    }
    for (int f = 0; f < p->nflags; f++, c++) {
        const char *v = r->values[p->nouts + f];
        if (*v && worksheet_write_boolean(ws, x->row, (lxw_col_t)c, v[0] == 't',
                                          v[0] == 't' ? x->flag_fmt[f] : NULL) != LXW_NO_ERROR)
            x->failed = true;
    }
    const char *reasons = wx_join(x, r->reasons, r->nreasons);
    if (*reasons)
        wx_str(x, ws, x->row, c, reasons, NULL);
    wx_note_width(x, c++, reasons, strlen(reasons));
    if (p->ntallies && *r->detail) {
        wx_str(x, ws, x->row, c, r->detail, NULL);
        wx_note_width(x, c, r->detail, strlen(r->detail));
    }
    x->row++;
    return x->failed ? -1 : 0;
}

/* ---- the summary -------------------------------------------------------- */

static void wx_counts(wx_book *x, lxw_row_t r, const char *name, uint64_t total,
                      const uint64_t *levels, size_t nlev, const uint64_t *flags, size_t nfl)
{
    lxw_worksheet *ws = x->summary;
    wx_str(x, ws, r, 0, name, NULL);
    lxw_col_t c = 1;
    for (size_t l = 0; l < nlev; l++)
        worksheet_write_number(ws, r, c++, (double)levels[l], NULL);
    for (size_t f = 0; f < nfl; f++)
        worksheet_write_number(ws, r, c++, (double)flags[f], NULL);
    worksheet_write_number(ws, r, c, (double)total, x->bold);
}

static void wx_summary(wx_book *x, const rf_summary *s, const rp_report *rp)
{
    const rf_pack *p = x->p;
    lxw_worksheet *ws = x->summary;
    const gr_table *g = rp_groups(rp);
    size_t nlev = s->nlevels, nfl = s->nflags;
    char line[512];
    snprintf(line, sizeof line, "%s  %s@%s", p->title.zh, p->id, p->version);
    wx_str(x, ws, 0, 0, line, x->bold);
    snprintf(line, sizeof line, "%d 年, 截至 %s; 结果 %llu 条", s->year, s->as_of,
             (unsigned long long)s->entities);
    wx_str(x, ws, 1, 0, line, NULL);
    lxw_row_t top = 3;
    const char *by = rp_group_by(rp);
    int byi = by ? pk_output_index(p, by) : -1;
    wx_str(x, ws, top, 0, byi >= 0 ? rp_out_label(p, byi) : "范围", x->head);
    lxw_col_t c = 1;
    size_t widest = 8;
    for (size_t l = 0; l < nlev; l++)
        wx_str(x, ws, top, c++, rp_level_label(p, l), x->level_fmt[l] ? x->level_fmt[l] : x->head);
    for (size_t f = 0; f < nfl; f++)
        wx_str(x, ws, top, c++, p->flags[f].label.zh, x->flag_fmt[f]);
    wx_str(x, ws, top, c, "合计", x->head);
    uint64_t lv[RF_MAX_LEVELS + 1], fl[RF_MAX_FLAGS];
    for (size_t l = 0; l < nlev; l++)
        lv[l] = s->levels[l].count;
    for (size_t f = 0; f < nfl; f++)
        fl[f] = s->flags[f].count;
    wx_counts(x, top + 1, "全部", s->entities, lv, nlev, fl, nfl);
    size_t ng = g ? gr_count(g) : 0;
    for (size_t i = 0; i < ng; i++) {
        const gr_group *gi = gr_get(g, i);
        wx_counts(x, top + 2 + (lxw_row_t)i, gi->name, gi->results, gi->levels, nlev, gi->flags,
                  nfl);
        size_t w = rp_text_width(gi->name, strlen(gi->name));
        if (w > widest)
            widest = w > WX_WIDEST ? WX_WIDEST : w;
    }
    worksheet_set_column(ws, 0, 0, (double)widest + 2, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(nlev + nfl + 1), 14, NULL);
    /* A bar per level (or flag) for each group; "no level" would dwarf the
     * rest, and it is the total less the others. */
    size_t nser = nlev ? (nlev > 1 ? nlev - 1 : 1) : nfl;
    if (ng == 0 || nser == 0)
        return;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
    size_t shown = ng < 60 ? ng : 60;
    for (size_t k = 0; k < nser; k++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        lxw_col_t col = (lxw_col_t)(1 + (nlev ? k : nlev + k));
        chart_series_set_categories(se, WX_SUMMARY, top + 2, 0, top + 1 + (lxw_row_t)shown, 0);
        chart_series_set_values(se, WX_SUMMARY, top + 2, col, top + 1 + (lxw_row_t)shown, col);
        chart_series_set_name_range(se, WX_SUMMARY, top, col);
        bool has = true;
        lxw_chart_fill fill = {nlev ? rp_level_color(p, k, &has) : rp_flag_color(p, k), 0, 0};
        chart_series_set_fill(se, &fill);
    }
    snprintf(line, sizeof line, "%s: %s", p->title.zh, byi >= 0 ? rp_out_label(p, byi) : "");
    chart_title_set_name(ch, line);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_axis_set_num_format(ch->y_axis, "0");
    chart_axis_set_min(ch->y_axis, 0);
    uint64_t top_count = 0;
    for (size_t i = 0; i < shown; i++)
        for (size_t k = 0; k < nser; k++) {
            const gr_group *gi = gr_get(g, i);
            uint64_t n = nlev ? gi->levels[k] : gi->flags[k];
            top_count = n > top_count ? n : top_count;
        }
    if (top_count <= 10) /* whole results: no 0.2 steps */
        chart_axis_set_major_unit(ch->y_axis, 1);
    lxw_chart_options co = {0};
    co.x_scale = shown > 12 ? 2.0 : 1.4;
    co.y_scale = 1.4;
    worksheet_insert_chart_opt(ws, top + 3 + (lxw_row_t)ng, 0, ch, &co);
}

/* ---- rejects, read back -------------------------------------------------- */

typedef struct wx_rej {
    wx_book *x;
    lxw_row_t row;
    int col;
    size_t width[6];
} wx_rej;

static void wx_rej_field(void *s, size_t n, void *ctx)
{
    wx_rej *j = ctx;
    char *t = s;
    /* The CSV made a formula-looking cell inert; a workbook string is. */
    if (wr_was_inert(t, n)) {
        t++;
        n--;
    }
    if (j->row > 0 && j->col < 6) {
        char tmp[1024];
        size_t k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
        memcpy(tmp, t, k);
        tmp[k] = 0;
        char *end;
        double d = strtod(tmp, &end);
        if (j->col == 1 && k && !*end)
            worksheet_write_number(j->x->rejects, j->row, 1, d, NULL);
        else {
            /* A field longer than the buffer is cut: the raw row is evidence
             * to look at, and Excel caps a cell at 32,767 characters anyway. */
            wx_str(j->x, j->x->rejects, j->row, j->col, tmp, NULL);
        }
        size_t w = rp_text_width(tmp, k);
        if (w > j->width[j->col])
            j->width[j->col] = w;
    }
    j->col++;
}

static void wx_rej_row(int c, void *ctx)
{
    (void)c;
    wx_rej *j = ctx;
    j->row++;
    j->col = 0;
}

static void wx_rejects(wx_book *x, FILE *rejects)
{
    lxw_worksheet *ws = x->rejects;
    static const char *const heads[] = {"文件", "行", "输入", "处理", "原因", "原始行"};
    for (int c = 0; c < 6; c++)
        wx_str(x, ws, 0, c, heads[c], x->head);
    worksheet_freeze_panes(ws, 1, 0);
    wx_rej j = {x, 0, 0, {4, 4, 4, 4, 4, 4}};
    if (rejects && fflush(rejects) == 0 && fseek(rejects, 0, SEEK_SET) == 0) {
        struct csv_parser cp;
        csv_init(&cp, CSV_APPEND_NULL);
        char buf[65536];
        size_t n;
        /* The rejects report may start with a byte-order mark (--bom). */
        bool first = true;
        while ((n = fread(buf, 1, sizeof buf, rejects)) > 0) {
            size_t skip = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
            first = false;
            if (csv_parse(&cp, buf + skip, n - skip, wx_rej_field, wx_rej_row, &j) != n - skip)
                break;
        }
        csv_fini(&cp, wx_rej_field, wx_rej_row, &j);
        csv_free(&cp);
    }
    for (int c = 0; c < 6; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             (double)(j.width[c] > WX_WIDEST ? WX_WIDEST : j.width[c]) + 2, NULL);
    if (j.row > 1)
        worksheet_autofilter(ws, 0, 0, j.row - 1, 5);
}

/* ---- the rules and options ---------------------------------------------- */

static void wx_pair(wx_book *x, lxw_row_t r, const char *k, const char *v)
{
    wx_str(x, x->rules, r, 0, k, x->bold);
    if (v && *v)
        wx_str(x, x->rules, r, 1, v, NULL);
}

static void wx_rules(wx_book *x, const rf_summary *s, const rp_report *rp, int argc, char **argv)
{
    const rf_pack *p = x->p;
    lxw_worksheet *ws = x->rules;
    char v[2048];
    lxw_row_t r = 0;
    wx_pair(x, r++, "规则包", p->title.zh);
    wx_pair(x, r++, "标识", p->id);
    wx_pair(x, r++, "版本", p->version);
    wx_pair(x, r++, "出处", p->source);
    snprintf(v, sizeof v, "%d", s->year);
    wx_pair(x, r++, "期间", v);
    wx_pair(x, r++, "截至", s->as_of);
    wx_pair(x, r++, "分组", rp_group_by(rp));
    wx_pair(x, r++, "已改常量", p->set_summary);
    wx_pair(x, r++, "规则包标记", x->stamp); /* the CSV results' pack column */
    for (size_t i = 0; i < s->ninputs; i++) {
        const rf_input_stats *st = &s->inputs[i];
        if (!st->path || !st->path[0])
            continue;
        snprintf(v, sizeof v, "%s (%s): 读 %llu 行, 用 %llu, 期外 %llu, 剔除 %llu", st->path,
                 st->encoding ? st->encoding : "", (unsigned long long)st->rows,
                 (unsigned long long)st->used, (unsigned long long)st->outside,
                 (unsigned long long)st->rejected);
        snprintf(v + strlen(v), sizeof v - strlen(v), "%s", "");
        wx_pair(x, r++, st->name, v);
    }
    size_t o = 0;
    v[0] = 0;
    for (int i = 0; i < argc && o + 1 < sizeof v; i++)
        o += (size_t)snprintf(v + o, sizeof v - o, "%s%s", i ? " " : "rosterflag ", argv[i]);
    wx_pair(x, r++, "命令", v);
    r++;
    wx_str(x, ws, r, 0, "常量", x->head);
    wx_str(x, ws, r++, 1, "值", x->head);
    for (int i = 0; i < p->nconsts; i++) {
        char val[256];
        vl_format(p->consts[i].value, val, sizeof val);
        wx_pair(x, r++, p->consts[i].name, val);
    }
    worksheet_set_column(ws, 0, 0, 16, NULL);
    worksheet_set_column(ws, 1, 1, 90, NULL);
}

static void wx_free(wx_book *x)
{
    free(x->buf);
    free(x);
}

void wx_discard(wx_book *x)
{
    if (!x)
        return;
    lxw_workbook_free(x->wb);
    wx_free(x);
}

int wx_close(wx_book *x, const rf_summary *s, const rp_report *groups, FILE *rejects, int argc,
             char **argv, char *why, size_t whyn)
{
    for (int c = 0; c < x->ncols; c++)
        worksheet_set_column(x->results, (lxw_col_t)c, (lxw_col_t)c,
                             (double)(x->width[c] < 6 ? 6 : x->width[c]) + 2, NULL);
    worksheet_autofilter(x->results, 0, 0, x->row > 1 ? x->row - 1 : 1, (lxw_col_t)(x->ncols - 1));
    wx_summary(x, s, groups);
    wx_rejects(x, rejects);
    wx_rules(x, s, groups, argc, argv);
    worksheet_activate(x->summary);
    lxw_error e = workbook_close(x->wb);
    int rc = 0;
    if (e != LXW_NO_ERROR || x->failed) {
        snprintf(why, whyn, "cannot write the workbook: %s",
                 e != LXW_NO_ERROR ? lxw_strerror(e) : "a cell was refused");
        rc = -1;
    }
    wx_free(x);
    return rc;
}
