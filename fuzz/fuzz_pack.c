/* fuzz_pack: the bytes are a rule pack (YAML). Load it from memory, render
 * every diagnostic, read back what a loaded pack offers; then, if it loaded,
 * run it on small CSV files shaped from its own inputs (header names, types,
 * the key, references), so a pack the loader accepts is also exercised by
 * the run. Which columns the headers leave out is chosen from a hash of the
 * bytes: a pack that leaves its key or reference optional once crashed the
 * run when the header lacked it.
 *
 * Checks beyond the sanitizers: a failed load reports at least one error;
 * a diagnostic's message is one line (no newline; a soft check, see
 * fz_soft); a failed run reports an error; a run that completes reconciles
 * rows == used + outside + rejected for every input.
 *
 * Generator mode: bytes starting with 0x02 are not YAML but the recipe for
 * a pack of measures reading each other (fz_gen below): chains up to 1,024
 * deep, either way round, shuffled, with a second reference, or closed
 * into a cycle, plus one measure whose text is the rest of the bytes. Mutating
 * bytes would hardly ever write such a pack, and a deep one crashed the
 * loader (recursion per measure). Checks: a chain loads and evaluates to
 * the value its arithmetic gives; a cycle is exactly one error. */
#include "ar.h"
#include "fz_run.h"
#include "pk.h"
#include "rosterflag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz_pack: contract violated: %s\n", what);
    abort();
}

/* Minor contract checks (a message that spans lines) would stop a campaign
 * at the first shallow finding: they are reported once per process and
 * fuzzing goes on, unless RF_FUZZ_STRICT is set in the environment. */
static void fz_soft(const char *what, const char *msg)
{
    static int said;
    if (getenv("RF_FUZZ_STRICT")) {
        fprintf(stderr, "fuzz_pack: %s: '%s'\n", what, msg);
        fz_fail(what);
    }
    if (!said++)
        fprintf(stderr, "fuzz_pack: warning (once): %s: '%s'\n", what, msg);
}

static void fz_touch(const char *s)
{
    if (s)
        fwrite(s, 1, strlen(s), devnull);
}

static void fz_diags(const rf_diags *d)
{
    for (size_t i = 0; i < rf_diags_count(d); i++) {
        const rf_diag *g = rf_diags_get(d, i);
        if (!g || !g->message)
            fz_fail("rf_diags_get returned no diagnostic or no message");
        if (strchr(g->message, '\n'))
            fz_soft("diagnostic message spans lines", g->message);
        fz_touch(g->file);
        fz_touch(g->source_line);
        rf_diag_format(g, devnull);
    }
}

/* ---- running a loaded pack ---- */

static char fz_paths[RF_MAX_INPUTS][96];

static void fz_cleanup(void)
{
    for (int i = 0; i < RF_MAX_INPUTS; i++)
        if (fz_paths[i][0])
            unlink(fz_paths[i]);
}

static void fz_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A cell of column c's type, in one of three flavours: 0 and 1 are valid
 * and differ (keys K1, K2; references match them), 2 is out of the way. */
static const char *fz_cell(const pk_column *col, int flavour)
{
    switch (col->type.kind) {
    case VL_INT:
        return flavour == 0 ? "1" : flavour == 1 ? "5" : "-7";
    case VL_DEC:
        return flavour == 0 ? "1.5" : flavour == 1 ? "0" : "99999";
    case VL_DATE:
        return flavour == 0 ? "2025-06-01" : flavour == 1 ? "2024-12-31" : "2025年2月29日";
    case VL_BOOL:
        return flavour == 0 ? "true" : flavour == 1 ? "false" : "是";
    case VL_ENUM:
        if (!col->type.en || col->type.en->nlabels == 0)
            return "";
        return col->type.en->labels[flavour == 1 ? col->type.en->nlabels - 1 : 0];
    default:
        return flavour == 0 ? "K1" : flavour == 1 ? "K2" : " K9 ";
    }
}

static void fz_run(const rf_pack *p, const uint8_t *data, size_t size)
{
    uint64_t h = ar_fnv(AR_FNV_BASIS, data, size);
    rf_input in[RF_MAX_INPUTS];
    size_t nin = 0;
    for (int ii = 0; ii < p->ninputs && ii < RF_MAX_INPUTS; ii++) {
        const pk_input *pin = &p->inputs[ii];
        if (pin->derived) /* made from another input's rows, never a file */
            continue;
        FILE *f = fopen(fz_paths[ii], "w");
        if (!f)
            abort();
        /* Leave out about one column in eight, as the hash says. */
        unsigned char keep[512];
        int nc = pin->ncols < 512 ? pin->ncols : 512, written = 0;
        for (int c = 0; c < nc; c++) {
            keep[c] = ((h >> ((unsigned)(c * 7 + ii) % 61)) & 7) != 0;
            if (!keep[c])
                continue;
            if (written++)
                fputc(',', f);
            const pk_column *col = &pin->cols[c];
            fz_field(f, col->nnames > 0 && col->names[0] ? col->names[0] : col->id);
        }
        fputc('\n', f);
        static const int rows[] = {0, 1, 0, 2, -1, -2}; /* -1 empty cells, -2 short */
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            int w = 0;
            for (int c = 0; c < nc; c++) {
                if (!keep[c])
                    continue;
                if (rows[r] == -2 && w)
                    break;
                if (w++)
                    fputc(',', f);
                if (rows[r] >= 0)
                    fz_field(f, fz_cell(&pin->cols[c], rows[r]));
            }
            fputc('\n', f);
        }
        if (fclose(f) != 0)
            abort();
        in[nin++] = (rf_input){pin->name, fz_paths[ii], NULL, 0};
    }
    rf_diags *d = rf_diags_new();
    rf_run_options o = RF_RUN_OPTIONS_INIT;
    o.year = 2025;
    o.as_of = "2025-12-31";
    if (h & 1) {
        o.explain = "K1";
        o.explain_out = devnull;
    }
    rf_coverage *cov = rf_coverage_new(p);
    o.coverage = cov;
    rf_summary sum;
    memset(&sum, 0, sizeof sum);
    int rc = rf_run(p, &o, in, nin, devnull, devnull, &sum, d);
    fz_check_run(rc, d, &sum, 1, fz_fail);
    fz_diags(d);
    rf_coverage_free(cov);
    rf_diags_free(d);
}

/* ---- generator mode ---- */

typedef struct fz_buf {
    char *s;
    size_t n, cap;
} fz_buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
fz_put(fz_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k < 0)
            abort();
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k) * 2;
        if (!(b->s = realloc(b->s, b->cap)))
            abort();
    }
}

typedef struct fz_got {
    int n;
    char m0[2][32], r[2][32]; /* the head and its rank, per entity */
} fz_got;

static int fz_collect(void *ctx, const rf_result *r)
{
    fz_got *g = ctx;
    if (g->n < 2 && r->nfields >= 2)
        snprintf(g->m0[g->n], sizeof g->m0[g->n], "%s", r->values[1]);
    for (size_t i = 0; g->n < 2 && r->names && i < r->nfields; i++)
        if (r->names[i] && strcmp(r->names[i], "r") == 0)
            snprintf(g->r[g->n], sizeof g->r[g->n], "%s", r->values[i]);
    g->n++;
    return 0;
}

/* The recipe, after the 0x02: bytes 1-2 the depth (up to 64, or 1,024 with
 * shape bit 4 and no text for x); byte 3 the shape: bit 0 down (m_i reads m_(i+1)) rather
 * than up (m_(i-1)), bit 1 the chain's end closes a cycle instead of
 * reading n, bit 2 each also reads the one after next (through max()),
 * bit 3 measures written in shuffled order, bit 5 the head is ranked
 * (rank r, percentile pc), bit 6 the head is read inside an aggregate's
 * rows (c over input ev), bit 7 a flag reads the head; byte 4 the place along the
 * chain the cycle closes on; byte 5 the shuffle's seed, bit 0 also asks
 * for an explanation; bytes 6 on the text of measure x (quotes and line
 * breaks made spaces), which the levels read and which may read the chain.
 * Without a cycle the chain's head is n + depth - 1. */
static void fz_gen(const uint8_t *data, size_t size)
{
    uint8_t b[5] = {0};
    for (size_t i = 0; i < 5 && i + 1 < size; i++)
        b[i] = data[i + 1];
    const uint8_t *text = size > 6 ? data + 6 : NULL;
    size_t ntext = size > 6 ? size - 6 : 0;
    unsigned shape = b[2];
    /* Deep only without x's text: the text is where mutations find new
     * paths, and deep chains there would spend the run's time on few. */
    unsigned most = (shape & 16) && !ntext ? 1024u : 64u;
    int depth = 1 + (int)(((unsigned)b[0] << 8 | b[1]) % most);
    bool down = shape & 1, cycle = shape & 2, twice = shape & 4, shuffle = shape & 8;
    int close = b[3] % depth;
    int *perm = malloc((size_t)depth * sizeof *perm);
    if (!perm)
        abort();
    for (int i = 0; i < depth; i++)
        perm[i] = i;
    if (shuffle) {
        uint32_t r = 2166136261u ^ b[4];
        for (int i = depth - 1; i > 0; i--) {
            r = r * 1664525u + 1013904223u;
            int j = (int)((r >> 8) % (uint32_t)(i + 1));
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
    }
    fz_buf y = {malloc(4096), 0, 4096};
    if (!y.s)
        abort();
    bool ranked = shape & 32, in_rows = shape & 64, flag = shape & 128;
    int head = down ? 0 : depth - 1;
    fz_put(&y, "rosterflag: 1\npack: {id: gen, version: \"1\", title: gen}\n"
               "inputs:\n  people:\n    key: id\n    columns: {id: text, n: integer}\n");
    if (in_rows)
        fz_put(&y, "  ev:\n    columns: {who: {type: text, ref: people}, k: integer}\n");
    fz_put(&y, "entity: {input: people}\nmeasures:\n");
    if (ranked)
        fz_put(&y, "  r: {rank: m%d, order: descending}\n  pc: {percentile: r}\n", head);
    if (in_rows)
        fz_put(&y, "  c: \"count(ev where k < m%d)\"\n", head);
    for (int k = 0; k < depth; k++) {
        int i = perm[k];
        int step = down ? 1 : -1;
        /* position along the chain: 0 is m0's place, depth - 1 the end */
        int pos = down ? i : depth - 1 - i;
        int next = i + step, after = i + 2 * step;
        fz_put(&y, "  m%d: \"", i);
        if (pos == depth - 1) {
            if (cycle)
                fz_put(&y, "m%d + 1", down ? close : depth - 1 - close);
            else
                fz_put(&y, "n");
        } else if (twice && pos + 2 <= depth - 1) {
            fz_put(&y, "max(m%d, m%d) + 1", next, after);
        } else {
            fz_put(&y, "m%d + 1", next);
        }
        fz_put(&y, "\"\n");
    }
    if (ntext) {
        fz_put(&y, "  x: \"");
        for (size_t i = 0; i < ntext; i++) {
            char c = (char)text[i];
            fz_put(&y, "%c", c == '"' || c == '\\' || c == '\n' || c == '\r' || !c ? ' ' : c);
        }
        fz_put(&y, "\"\n");
    }
    /* the chain's head: m0 down, m(depth - 1) up */
    fz_put(&y, "levels:\n  - id: high\n    any: [\"m%d > 10\"%s%s%s]\n", head,
           ntext ? ", \"x = x\"" : "", ranked ? ", \"pc > 0.9\"" : "",
           in_rows ? ", \"c > 0\"" : "");
    if (flag)
        fz_put(&y, "flags:\n  - id: big\n    any: [\"m%d > 5\"]\n", head);
    fz_put(&y, "output: {columns: [id, m%d]}\n", head);
    free(perm);

    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int rc = rf_pack_load_mem("gen.yaml", y.s, y.n, &p, d);
    fz_diags(d);
    if (rc != 0 && rf_diags_errors(d) == 0)
        fz_fail("generated pack failed without an error diagnostic");
    if (!ntext && cycle) {
        if (rc == 0 || rf_diags_errors(d) != 1 ||
            !strstr(rf_diags_get(d, 0)->message, "depends on itself"))
            fz_fail("a generated cycle is not exactly one 'depends on itself' error");
    }
    if (!ntext && !cycle && rc != 0)
        fz_fail("a generated chain did not load");
    if (rc == 0) {
        FILE *f = fopen(fz_paths[0], "w");
        if (!f)
            abort();
        fputs("id,n\nK1,1\nK2,5\n", f);
        if (fclose(f) != 0)
            abort();
        rf_input in[2] = {{"people", fz_paths[0], NULL, 0}, {"ev", fz_paths[1], NULL, 0}};
        if (in_rows) {
            if (!(f = fopen(fz_paths[1], "w")))
                abort();
            fputs("who,k\nK1,3\nK2,1\n", f);
            if (fclose(f) != 0)
                abort();
        }
        rf_run_options o = RF_RUN_OPTIONS_INIT;
        fz_got got = {0};
        o.on_result = fz_collect;
        o.ctx = &got;
        if (b[4] & 1) {
            o.explain = "K2";
            o.explain_out = devnull;
        }
        rf_diags *rd = rf_diags_new();
        rf_summary sum;
        memset(&sum, 0, sizeof sum);
        int rr = rf_run(p, &o, in, in_rows ? 2 : 1, NULL, devnull, &sum, rd);
        fz_check_run(rr, rd, &sum, 1, fz_fail);
        fz_diags(rd);
        if (!ntext && !cycle) {
            char want[2][32];
            snprintf(want[0], sizeof want[0], "%d", depth);
            snprintf(want[1], sizeof want[1], "%d", depth + 4);
            if (rr != 0 || got.n != 2 || strcmp(got.m0[0], want[0]) != 0 ||
                strcmp(got.m0[1], want[1]) != 0) {
                fprintf(stderr, "depth %d: m0 = '%s', '%s'; want %s, %s\n", depth, got.m0[0],
                        got.m0[1], want[0], want[1]);
                fz_fail("a generated chain evaluated wrong");
            }
            /* descending: K2's head is the higher */
            if (ranked && (strcmp(got.r[0], "2") != 0 || strcmp(got.r[1], "1") != 0)) {
                fprintf(stderr, "ranks '%s', '%s'; want 2, 1\n", got.r[0], got.r[1]);
                fz_fail("a generated ranking ranked wrong");
            }
        }
        rf_diags_free(rd);
        rf_pack_free(p);
    }
    rf_diags_free(d);
    free(y.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_paths[0][0]) {
        for (int i = 0; i < RF_MAX_INPUTS; i++)
            snprintf(fz_paths[i], sizeof fz_paths[i], "/tmp/rosterflag-fuzz-pack-%ld-%d.csv",
                     (long)getpid(), i);
        atexit(fz_cleanup);
    }
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    if (size && data[0] == 0x02) {
        fz_gen(data, size);
        return 0;
    }
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    int rc = rf_pack_load_mem("fuzz.yaml", (const char *)data, size, &p, d);
    fz_diags(d);
    if (rc != 0) {
        if (rf_diags_errors(d) == 0)
            fz_fail("rf_pack_load_mem failed without an error diagnostic");
        if (p)
            rf_pack_free(p);
    } else {
        if (!p)
            fz_fail("rf_pack_load_mem returned 0 without a pack");
        fz_touch(rf_pack_id(p));
        fz_touch(rf_pack_version(p));
        fz_touch(rf_pack_title(p, "zh"));
        fz_touch(rf_pack_title(p, "en"));
        size_t n = rf_pack_input_count(p);
        for (size_t i = 0; i < n; i++) {
            fz_touch(rf_pack_input_name(p, i));
            (void)rf_pack_input_optional(p, i);
        }
        rf_coverage *c = rf_coverage_new(p);
        size_t hit = 0, total = 0;
        rf_coverage_counts(c, &hit, &total);
        rf_coverage_report(c, devnull);
        rf_coverage_free(c);
        fz_run(p, data, size);
        rf_pack_free(p);
    }
    rf_diags_clear(d);
    rf_diags_free(d);
    return 0;
}
