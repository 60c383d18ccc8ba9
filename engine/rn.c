/* rn: running a pack over CSV inputs.
 *
 * Two shapes, chosen by what the user passed:
 *  - only the entity input (a year-end sheet): each row is evaluated and
 *    written as soon as it is read, in constant memory;
 *  - the entity input plus related inputs (a roster and a ledger): the
 *    entity rows are kept with their accumulators (per-entity state only),
 *    related rows stream through the aggregates, then every entity is
 *    evaluated in roster order.
 * A pack with a ranking goes over the entities twice (rk.h): the streaming
 * shape reads its input a second time, keeping in between only the line of
 * each row used and what the rankings need.
 * Every row ends in the results, as "outside the period", or in the
 * rejects report; the summary's counts reconcile. */
/* madvise(MADV_HUGEPAGE) is a Linux extension, outside the POSIX the build
 * asks for */
#define _DEFAULT_SOURCE
#include "rn.h"

#include "ar.h"
#include "cs.h"
#include "dg.h"
#include "dv.h"
#include "ex.h"
#include "pk.h"
#include "rk.h"
#include "wr.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* An entity is one block, a whole number of cache lines (rn_block), laid
 * out in the order a related row touches it: this header with the rows
 * counted per input, the accumulators every row of the input steps right
 * after it (the header's line holds the first of them), the tally counts,
 * the pick lines, the groups, the entity row's values and, last, its text,
 * the key first. With 100,000 villages and rows in no order, each row's
 * fold meets memory no cache holds; one block, no pointers to chase and no
 * bytes between blocks keep that to the lines the fold writes (the header
 * and five 48-byte accumulators: four lines), and the state small enough
 * that more of it stays cached. Every part but the text is the same size in
 * every block of a run, so the parts are found at offsets the run keeps
 * (rn_layout; rn_accs and the like). The key is compared in its hash slot
 * (rn_slot), not here: a worker's lookup reads no line of the block, which
 * the main thread's fold writes. */
typedef struct rn_ent {
    uint64_t line;
    uint32_t nrows[]; /* per input: the rows used */
} rn_ent;

/* How one bound column's cells are converted: decided once when the header
 * is bound, so the per-row loop touches only this, not the pk_column. */
typedef enum rn_how {
    RN_GENERAL = 0,
    RN_INT,
    RN_TEXT,
    RN_DATE,
    RN_ENUM,
    RN_DATE_CHECK,
    RN_UNREAD
} rn_how;
typedef struct rn_cell {
    int c, pos;
    rn_how how;
    int64_t lo, hi; /* RN_INT: the range as integers (the whole int64 range if none) */
    bool empty_ok;  /* an empty cell reads as `empty` (what rn_convert_cell gives) */
    vl_value empty;
    int slot; /* a count column's tally item in rn_run.stream_counts; others the spare
               * last entry, so the integer path adds without a test */
    /* RN_ENUM: the enumeration, and its labels indexed */
    const vl_enum *en;
    const vl_enum_ix *eix;
} rn_cell;

/* An integer column, as rn_convert's first pass reads it: what it needs
 * of the rn_cell and no more, half a cache line. */
typedef struct rn_icell {
    int c, pos, slot;
    int at;           /* its place in plan; plan[at].empty the empty value */
    uint64_t lo, len; /* the range: lo >= 0 (the reader's -1 falls outside), up to lo + len */
    bool empty_ok;    /* as rn_cell.empty_ok */
} rn_icell;

/* A cell rn_fast reads: its column and its place in the row. */
typedef struct rn_tcell {
    int c, pos;
} rn_tcell;

/* One aggregate over an input, as the fold steps it: its slots worked out
 * once, so a row looks up nothing but its accumulator. */
typedef struct rn_step {
    const ex_agg *ag;
    int g;      /* its number */
    int acc;    /* slot in rn_ent's accumulators */
    int set;    /* grouped: slot in rn_ent's sets, else -1 */
    int pick;   /* a pick: slot in rn_ent's pick lines, else -1 */
    int pc, pa; /* where a row a worker evaluated keeps the filter's value
                   and the argument's (rn_rec.pre), -1 if never needed */
} rn_step;

typedef struct rn_in {
    const pk_input *pin;
    int index;
    const rf_input *given;
    cs_reader *r;
    int *pos;
    rn_cell *plan; /* the columns the header has, in pack order */
    int nplan;
    rn_icell *ints; /* plan's integer columns whose range has room for digits... */
    int nints;
    rn_icell *tints; /* (of those, on a streamed sheet, the count columns read as
                      * nothing but counts: rn_counts_only) */
    int ntints;
    cs_count *ctab; /* the same by header position, for the reader to add up */
    size_t nctab;
    rn_cell *rest; /* ...and the others, in pack order */
    int nrest;
    /* rest as rn_fast takes it: its plain text cells, its dates and its
     * checked-only dates (column and position), each a test and a store;
     * the columns that then read as missing (RN_UNREAD, RN_DATE_CHECK),
     * stored once while uvals, the array they were stored in, is not
     * written by another path; and the cells left for the general loop. */
    rn_tcell *ftext, *fdate, *fchk;
    int nftext, nfdate, nfchk;
    int *ucols;
    int nucols;
    const vl_value *uvals;
    rn_cell *rest2;
    int nrest2;
    /* rn_fast reads every cell of a row of nwant (the header's) that the
     * reader has counted, if any count column is left to it: no column
     * absent, no integer or general cell left, no results to read back. */
    bool quick;
    size_t nwant;
    /* quick, and the key is one of ftext: after rn_fast its value is the
     * key text rn_keytext finds (no blank at either end to trim, no
     * results' inert mark to take off) */
    bool keyfast;
    int *absent; /* the columns it lacks, with the value each reads as */
    vl_value *absent_val;
    int nabsent;
    rf_input_stats *st;
    int *aggs;      /* aggregates over this input: naggs indices */
    rn_step *steps; /* the same, as the fold steps them */
    int naggs;
    int npre;     /* values a worker notes per row (rn_step.pc, pa) */
    bool grouped; /* one of them is grouped (dv) */
    /* Not grouped: the steps' filters and arguments evaluated over a row
     * together, each subexpression they share once (ex_pre) */
    const ex_pre *xpre;
    bool warned; /* results: another version of the pack was said */
} rn_in;

/* A hash slot holds a key of up to RN_INLINE bytes itself, with part of
 * the key's hash and the entity's address: two slots share a cache line, so
 * the common probe, on a table kept at most half full, reads that one line
 * and no line of the entity's block. A longer key (RN_LONG) keeps its
 * length and whole hash there instead, and is compared in the block's text
 * when both match. */
#define RN_INLINE 21
#define RN_LONG 0xFF
typedef struct rn_slot {
    rn_ent *e; /* NULL: empty */
    uint16_t tag;
    uint8_t n;         /* the key's length, or RN_LONG */
    char k[RN_INLINE]; /* the key; a long one's length and hash (rn_long) */
} rn_slot;
_Static_assert(sizeof(rn_slot) == 32 || sizeof(void *) != 8, "two slots a cache line");

/* Streaming shape: the ids seen so far, each with its text and the line of
 * its row, so a member listed twice on a year-end sheet is rejected as in
 * the ledger shape; a repeat is decided by the texts, never by a hash
 * alone. Bounded: after RN_SEEN_MAX ids, or RN_SEEN_TEXT bytes of them,
 * the check stops, said once, so memory stays flat on sheets of any length.
 *
 * Sheets exported by a system usually come sorted by id. While every id is
 * greater than the one before, none can repeat an earlier one, so the ids
 * are only appended to a list (sequential writes, no hash at all); the
 * first id out of order hashes the list into a table, and from then on
 * every id is looked up. A slot is 8 bytes, part of the hash and the id's
 * number, so a probe that meets other ids is settled within its cache line
 * and only a slot whose part matches sends it to the id's text. A sorted
 * sheet is checked whole, past the bound too, since only the previous id
 * can repeat.
 *
 * While sorted the list is kept front-coded (rn_seen_code): ids in order
 * mostly share all but their last bytes with the one before, so an id
 * costs its line's step, the shared length, and the bytes that differ,
 * about 4 bytes where the list takes 16 and the text; on a long sheet that
 * is most of the memory the check writes, each new page a fault. The first
 * id out of order decodes it into the list once (rn_seen_decode). */
typedef struct rn_seen {
    uint64_t line;
    uint32_t off, n; /* its text: seentext[off..off+n) */
} rn_seen;
typedef struct rn_sslot {
    uint32_t tag; /* the high half of the id's hash */
    uint32_t id;  /* 1 + its place in the list; 0: empty */
} rn_sslot;
#define RN_SEEN_MAX ((size_t)1 << 20)
#define RN_SEEN_TEXT ((size_t)64 << 20)

/* What a result column holds. The writer walks a list of these, so choosing
 * columns drops and reorders entries, and the full list writes what a run
 * without a choice always wrote. */
typedef enum {
    RN_COL_OUT,
    RN_COL_LEVEL,
    RN_COL_LABEL,
    RN_COL_FLAG,
    RN_COL_REASONS,
    RN_COL_DETAIL,
    RN_COL_PACK
} rn_colkind;

typedef struct rn_col {
    rn_colkind kind;
    int i; /* the output or flag number */
} rn_col;

/* One step of writing a result row when the memo is on: a column of the
 * entity's own row (written from the row), or a run of the other columns,
 * whose bytes the memo keeps (cols[col0..col0+ncols)). */
typedef struct rn_wop {
    int col0, ncols;
    bool own;
    int vi;      /* own: the row's value written (vals[vi]) */
    bool detail; /* the detail column, in the second table's layout: written per row */
} rn_wop;

typedef struct rn_run {
    const rf_pack *p;
    const rf_run_options *o;
    rf_diags *d;
    FILE *rejects;
    int rejects_err; /* errno of the first failed write to the rejects report */
    rf_summary *sum;
    ar_arena *a;          /* lives for the run: entity state */
    ar_arena *scratch;    /* reset per entity */
    ar_arena *rowscratch; /* reset per row handed to on_row; NULL without it */
    rn_in in[RF_MAX_INPUTS];
    wr_writer w;
    vl_value builtins[PK_BI_COUNT];
    vl_value *aggvals, *mvals, *tvals, *rowvals;
    /* Per tally item (as counted: tally first + j) the row an aggregate over
     * the tally reads, istride values (its fields, its code, its count, set
     * as it is stepped), and its weight: made once, not for every entity. */
    vl_value *irows;
    size_t istride;
    double *iweight;
    bool ifinite; /* every weight finite: a zero count may add w * 0 */
    /* Per aggregate over a tally (apre[g], NULL for others and where the
     * item's count or the entity matters), per item what it gives the
     * aggregate (ex_agg_pre): any(deducted, all_points) reads constants of
     * the item only, so it is worked out once a run, not per entity. */
    vl_value **apre;
    bool apre_made;
    vl_value *prevals; /* a worker's values of a row for the aggregates (rn_rec.pre) */
    vl_value *fvals;   /* per flag: true, false, or missing when undecided */
    int *accslot;      /* per aggregate: slot in rn_ent.accs, or -1 (tally) */
    int *feeditems;    /* a row's item per tally its input feeds */
    int naccs;
    int ncountcols; /* count columns of the entity input (year-end sheets) */
    int *countcol, *countslot;
    int *pickslot; /* per aggregate: slot in rn_ent.plines if a pick over an input */
    int npicks;
    int *setslot; /* per aggregate: slot in rn_ent.sets if grouped, else -1 */
    int nsets;
    dv_groups *groups;
    dv_set *empty_sets;
    ex_acc *empty_accs;
    /* The tally counts of the entity row last converted: rn_convert adds each
     * count cell in as it reads it (no second pass over the row's values), so
     * the streaming shape zeroes it before each row. One spare entry more, the
     * sink of the cells that count nothing. */
    uint32_t *stream_counts;
    int32_t pstart, pend;
    bool stopped;
    /* ledger mode */
    rn_ent **ents;
    size_t nents, capents;
    rn_seen *seen; /* the ids, in order met: nseen of capseen */
    size_t nseen, capseen;
    rn_sslot *stab; /* once out of order: the ids by hash, stabcap slots */
    size_t stabcap;
    char *seentext; /* their texts, seentn bytes of seentcap */
    size_t seentn, seentcap;
    bool seen_full, seen_hashed;
    char *lastid; /* while sorted: the previous id, and its line (0: none yet) */
    size_t lastn, lastcap;
    uint64_t lastline;
    struct rn_zblock *seenz,
        *seenzt;        /* while sorted: the list, front-coded, first and last block */
    uint64_t seenzline; /* the line of the id coded last */
    bool seenzcut;      /* the previous id was not kept: the next is coded whole */
    /* How many ids rn_seen_quick may still keep without a look at the
     * bounds, the block's room or the flags above (rn_seen_budget): 0
     * when it must not. */
    size_t seenq;
    char *slabs; /* the blocks entities are cut from (rn_block), listed */
    size_t nslabs;
    char *slab; /* the free part of the newest, slableft bytes */
    size_t slableft;
    rn_slot *hash;       /* on a cache line */
    const rn_slot *last; /* the slot rn_find found last: team rows come grouped */
    size_t hashcap;
    /* Where the parts of an entity's block start (rn_layout) */
    uint32_t acco, cnto, plo, seto, valo, texto;
    int entcols, entkey; /* the entity row's columns, and its key's */
    char reason[1024];
    /* explain */
    const char *xkey;
    size_t xkeyn;
    FILE *xo;
    bool xfound;
    uint64_t xshown[RF_MAX_INPUTS];
    const char *stamp; /* id@version, written in every result */
    size_t stampn;
    /* The texts every result repeats, encoded for the output once
     * (wr_encode): per level and the none level (index nlevels) its id and
     * label, and the stamp; NULL where one is written as text. */
    const char **cell_id, **cell_label, *cell_stamp;
    size_t *cell_idn, *cell_labeln, cell_stampn;
    rn_col *cols; /* the result columns written, in order (all, or --columns) */
    int ncols;
    /* The detail text is built only for where it goes: its column or
     * on_result (and --explain, asked per entity). */
    bool detail_wanted;
    /* The memo (rn_memo_*): on when an entity's result is a function of its
     * tally counts and the columns its measures and conditions read. */
    bool memo_on;
    /* Lookups and hits since the last look at the hit rate: a sheet whose
     * entities rarely agree pays a key and an entry per row for nothing,
     * so the memo turns itself off for the rest of the thread's run. */
    uint32_t mtries, mhits;
    /* Of those hits, the first table's: where the second answers and the
     * first seldom does (members alike in totals, never in counts), the
     * first is left (m1off) and rows go to the second alone. */
    uint32_t m1hits;
    bool m1off;
    int *mcols; /* those columns */
    int nmcols;
    rn_wop *wops; /* the result row as written: own columns and runs of the rest */
    int nwops;
    /* The second table's layout: as wops, with the detail column (which
     * reads the counts) its own op, written from the row; wops itself
     * where no detail is written. */
    rn_wop *wops2;
    int nwops2;
    size_t *mat;          /* per result column where its bytes began in the writer's buffer */
    char *mdetail;        /* the row's detail text, on a miss in the first table */
    size_t mdn;           /* its length */
    struct rn_memo *memo; /* RN_MEMO_SLOTS entries, made at first use (each worker its own) */
    uint64_t *mtags;      /* per entry of the memo its key's hash, a set's side by side */
    unsigned char *mkey;  /* the row's key past its counts, RN_MEMO_KEY bytes */
    /* The second table (rn_memo_tallied): on where no column written reads
     * an entity's counts but through its tallies; keyed on those. */
    bool m2on;
    struct rn_memo *memo2;
    uint64_t *mtags2;
    unsigned char *mkey2;  /* RN_MEMO_KEY bytes */
    struct rn_memo *m2;    /* the row's entry there, taken on a miss, to fill */
    unsigned char *cstate; /* per condition of the row: 0 false, 1 true, 2 undecided */
    /* rankings */
    rk_state *rk;
    uint64_t *used; /* streaming shape: a bit per row read, set if the row was used */
    size_t capused, nused, next, row;
    bool again; /* the second read of a streamed input: problems were said */
    /* threads: a worker notes ids here instead of checking them (rn_keys) */
    struct rn_chunk *keys;
    uint64_t chunk_blank[RF_MAX_INPUTS]; /* blank lines the pieces read, per input */
    /* threads on a related input: a worker notes each row to fold here, and
     * the main thread folds them in input order (rn_commit) */
    struct rn_chunk *rel;
    /* A worker's piece of a related input, scanned before it is read: per
     * physical line, the key's place in the piece and its hash (rn_ahead) */
    struct rn_ahead *ahead;
    size_t nahead, capahead;
    const unsigned char *aheadbuf;
    uint64_t aheadline; /* the piece's first line */
    ar_arena **kept;    /* workers' arenas: the causes of cells read as missing */
    size_t nkept;
} rn_run;

/* Aggregates over related inputs */
static ex_acc *rn_accs(const rn_run *R, rn_ent *e)
{
    return (ex_acc *)(void *)((char *)e + R->acco);
}
/* Tally item counts */
static uint32_t *rn_counts(const rn_run *R, rn_ent *e)
{
    return (uint32_t *)(void *)((char *)e + R->cnto);
}
/* Per pick aggregate: the line of its first matching row */
static uint64_t *rn_plines(const rn_run *R, rn_ent *e)
{
    return (uint64_t *)(void *)((char *)e + R->plo);
}
/* Per grouped aggregate: its groups */
static dv_set *rn_sets(const rn_run *R, rn_ent *e)
{
    return (dv_set *)(void *)((char *)e + R->seto);
}
/* The entity row (its text inside the block) */
static vl_value *rn_vals(const rn_run *R, rn_ent *e)
{
    return (vl_value *)(void *)((char *)e + R->valo);
}
/* The key's text, the first of the block's texts */
static const char *rn_key(const rn_run *R, const rn_ent *e)
{
    return (const char *)e + R->texto;
}

/* Ask for the cache line at p, a hint that reads nothing. On x86 as an
 * instruction the compiler keeps: gcc drops a __builtin_prefetch whose
 * block does nothing else (a loop of them, or a branch around them). */
static inline void rn_prefetch(const void *p)
{
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#elif defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

struct rf_coverage {
    const rf_pack *p;
    uint64_t *items;
    uint64_t *cond_true, *cond_false;
    uint64_t *levels;
    uint64_t *flag_true, *flag_false;
};

static void rn_cov_zero(rf_coverage *c)
{
    const rf_pack *p = c->p;
    memset(c->items, 0, ((size_t)p->nitems_total + 1) * sizeof *c->items);
    memset(c->cond_true, 0, ((size_t)p->nconds_total + 1) * sizeof *c->cond_true);
    memset(c->cond_false, 0, ((size_t)p->nconds_total + 1) * sizeof *c->cond_false);
    memset(c->levels, 0, ((size_t)p->nlevels + 1) * sizeof *c->levels);
    memset(c->flag_true, 0, ((size_t)p->nflags + 1) * sizeof *c->flag_true);
    memset(c->flag_false, 0, ((size_t)p->nflags + 1) * sizeof *c->flag_false);
}

rf_coverage *rf_coverage_new(const rf_pack *p)
{
    rf_coverage *c = ar_xmalloc(sizeof *c);
    c->p = p;
    size_t ni = (size_t)p->nitems_total + 1, nc = (size_t)p->nconds_total + 1;
    c->items = ar_xmalloc(ni * sizeof *c->items);
    c->cond_true = ar_xmalloc(nc * sizeof *c->cond_true);
    c->cond_false = ar_xmalloc(nc * sizeof *c->cond_false);
    c->levels = ar_xmalloc(((size_t)p->nlevels + 1) * sizeof *c->levels);
    c->flag_true = ar_xmalloc(((size_t)p->nflags + 1) * sizeof *c->flag_true);
    c->flag_false = ar_xmalloc(((size_t)p->nflags + 1) * sizeof *c->flag_false);
    rn_cov_zero(c);
    return c;
}

void rf_coverage_free(rf_coverage *c)
{
    if (!c)
        return;
    free(c->items);
    free(c->cond_true);
    free(c->cond_false);
    free(c->levels);
    free(c->flag_true);
    free(c->flag_false);
    free(c);
}

void rf_coverage_counts(const rf_coverage *c, size_t *hit, size_t *total)
{
    const rf_pack *p = c->p;
    size_t h = 0, t = 0;
    for (int i = 0; i < p->nitems_total; i++, t++)
        h += c->items[i] > 0;
    for (int i = 0; i < p->nconds_total; i++, t += 2)
        h += (c->cond_true[i] > 0) + (c->cond_false[i] > 0);
    /* A flags-only pack has no level to choose, so no "no level" point. */
    for (int l = 0; l < p->nlevels + pk_has_level_column(p); l++, t++)
        h += c->levels[l] > 0;
    for (int f = 0; f < p->nflags; f++, t += 2)
        h += (c->flag_true[f] > 0) + (c->flag_false[f] > 0);
    *hit = h;
    *total = t;
}

/* rf_coverage_each's walk: the text of each point is formatted into one
 * buffer, grown as a long condition needs. */
typedef struct rn_gaps {
    rf_coverage_fn fn;
    void *ctx;
    const char *file;
    char *buf;
    size_t cap;
    int rc;
} rn_gaps;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static bool
rn_gap(rn_gaps *G, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (G->rc)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(G->buf, G->cap, fmt, ap);
    va_end(ap);
    if (n < 0) {
        G->rc = -1;
        return false;
    }
    if ((size_t)n >= G->cap) {
        size_t cap = (size_t)n + 1;
        char *b = realloc(G->buf, cap);
        if (!b) {
            G->rc = -1;
            return false;
        }
        G->buf = b;
        G->cap = cap;
        va_start(ap, fmt);
        vsnprintf(G->buf, G->cap, fmt, ap);
        va_end(ap);
    }
    rf_coverage_gap g = {G->file, line, line ? col : 0, G->buf};
    G->rc = G->fn(G->ctx, &g);
    return G->rc == 0;
}

int rf_coverage_each(const rf_coverage *c, rf_coverage_fn fn, void *ctx)
{
    const rf_pack *p = c->p;
    rn_gaps G = {fn, ctx, p->path, malloc(256), 256, 0};
    if (!G.buf)
        return -1;
    for (int t = 0; t < p->ntallies; t++) {
        const pk_tally *ta = &p->tallies[t];
        const pk_catalogue *cat = &p->cats[ta->catalogue];
        for (int j = 0; j < cat->nitems; j++)
            if (!c->items[ta->first + j])
                rn_gap(&G, cat->items[j].line, cat->items[j].col,
                       "item %s (%s) of tally %s never occurred", cat->items[j].code,
                       cat->items[j].name.zh, ta->name);
    }
    int k = 0;
    for (int pass = 0; pass < 2; pass++) {
        const pk_level *Ls = pass ? p->flags : p->levels;
        int nL = pass ? p->nflags : p->nlevels;
        const char *what = pass ? "flag" : "level";
        for (int l = 0; l < nL; l++)
            for (int i = 0; i < Ls[l].nconds; i++, k++) {
                const pk_cond *C = &Ls[l].conds[i];
                const char *txt = C->expr ? ex_text(C->expr) : "?";
                if (!c->cond_true[k])
                    rn_gap(&G, C->line, C->col, "condition '%s' of %s %s never true", txt, what,
                           Ls[l].id);
                if (!c->cond_false[k])
                    rn_gap(&G, C->line, C->col, "condition '%s' of %s %s never false", txt, what,
                           Ls[l].id);
            }
    }
    for (int f = 0; f < p->nflags; f++) {
        const pk_level *F = &p->flags[f];
        if (!c->flag_true[f])
            rn_gap(&G, F->line, F->col, "flag %s never raised", F->id);
        if (!c->flag_false[f])
            rn_gap(&G, F->line, F->col, "flag %s never left down", F->id);
    }
    for (int l = 0; l < p->nlevels + pk_has_level_column(p); l++)
        if (!c->levels[l]) {
            if (l < p->nlevels)
                rn_gap(&G, p->levels[l].line, p->levels[l].col, "level %s never chosen",
                       p->levels[l].id);
            else
                rn_gap(&G, 0, 0, "no case ends with no level (%s)", p->none_id);
        }
    free(G.buf);
    return G.rc;
}

static int rn_gap_line(void *ctx, const rf_coverage_gap *g)
{
    FILE *to = ctx;
    if (g->line)
        fprintf(to, "  %s:%llu:%u: %s\n", g->file, (unsigned long long)g->line, g->column, g->what);
    else
        fprintf(to, "  %s: %s\n", g->file, g->what);
    return 0;
}

void rf_coverage_report(const rf_coverage *c, FILE *to)
{
    rf_coverage_each(c, rn_gap_line, to);
}

/* ---- explain ------------------------------------------------------------ */

/* Keys are compared as written, less surrounding spaces and tabs. */
static void rn_trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool rn_xmatch(const rn_run *R, const char *s, size_t n)
{
    rn_trim(&s, &n);
    return R->xkey && n == R->xkeyn && memcmp(s, R->xkey, n) == 0;
}

static void rn_xrow(rn_run *R, rn_in *I, const cs_row *row, const char *what)
{
    size_t rawn = 0;
    const char *raw = cs_row_raw(I->r, row, &rawn);
    fprintf(R->xo, "  line %llu: %s: %.*s\n", (unsigned long long)row->line, what, (int)rawn, raw);
    R->xshown[I->index]++;
}

/* ---- rejects ----------------------------------------------------------- */

/* One line of the rejects report: a row rejected, or a row kept with a
 * problem (a cell set to missing, a duplicate match, an entity with no
 * related rows). Without a report file, the same goes to the diagnostics. */
static void rn_report(rn_run *R, const char *path, uint64_t line, const char *input,
                      const char *action, const char *reason, const char *raw, size_t rawn)
{
    bool rejected = strcmp(action, "rejected") == 0;
    if (R->rejects) {
        wr_csv_field(R->rejects, path, strlen(path));
        fprintf(R->rejects, ",%llu,", (unsigned long long)line);
        wr_csv_field(R->rejects, input, strlen(input));
        putc(',', R->rejects);
        fputs(action, R->rejects);
        putc(',', R->rejects);
        wr_csv_field(R->rejects, reason, strlen(reason));
        putc(',', R->rejects);
        wr_csv_field(R->rejects, raw, rawn);
        putc('\n', R->rejects);
        if (!R->rejects_err && ferror(R->rejects))
            R->rejects_err = errno ? errno : EIO;
    } else if (rejected) {
        dg_add(R->d, RF_ERROR, RF_CLASS_ROW, path, line, 0, 0, NULL, "row rejected: %s", reason);
    } else {
        dg_add(R->d, RF_WARNING, RF_CLASS_ROW, path, line, 0, 0, NULL, "%s", reason);
    }
}

static void rn_kept(rn_run *R, rn_in *I, uint64_t line, const char *reason, const char *raw,
                    size_t rawn)
{
    I->st->problems++;
    rn_report(R, I->st->path, line, I->pin->name, "kept", reason, raw, rawn);
}

static int rn_reject(rn_run *R, rn_in *I, const cs_row *row, const char *reason)
{
    I->st->rejected++;
    int kc = I->index == R->p->entity ? I->pin->key : I->pin->ref;
    if (R->xkey && kc >= 0 && I->pos[kc] >= 0 && (size_t)I->pos[kc] < row->nfields &&
        rn_xmatch(R, row->fields[I->pos[kc]].p, row->fields[I->pos[kc]].n)) {
        char what[1200];
        snprintf(what, sizeof what, "rejected (%s)", reason);
        rn_xrow(R, I, row, what);
    }
    size_t rawn = 0;
    const char *raw = cs_row_raw(I->r, row, &rawn);
    rn_report(R, I->st->path, row->line, I->pin->name, "rejected", reason, raw, rawn);
    if (!R->o->max_rejects)
        return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < R->sum->ninputs; i++)
        total += R->sum->inputs[i].rejected;
    if (total >= R->o->max_rejects) {
        dg_add(R->d, RF_ERROR, RF_CLASS_LIMIT, I->st->path, row->line, 0, 0, NULL,
               "stopped: %llu rows rejected, the limit set by --max-rejects",
               (unsigned long long)total);
        R->stopped = true;
        return 1;
    }
    return 0;
}

/* A problem the CSV reader found in the row itself (cs_row.problem): true
 * when the row must be rejected for it; a row the reader repaired is noted
 * as kept, and goes on. */
static bool rn_read_problem(rn_run *R, rn_in *I, const cs_row *row)
{
    if (row->reject)
        return true;
    size_t rawn = 0;
    const char *raw = cs_row_raw(I->r, row, &rawn);
    rn_kept(R, I, row->line, row->problem, raw, rawn);
    return false;
}

/* ---- converting a row --------------------------------------------------- */

/* A cell the pack lets through as missing (invalid: missing): the row stays,
 * the value carries the problem as its cause, and the report says so. The
 * cause outlives the row (entity rows are kept), so it goes in the run arena;
 * this is the error path, not the hot one. */
static vl_value rn_invalid(rn_run *R, rn_in *I, const cs_row *row, int c)
{
    const char *why = ar_printf(R->a, "%s, line %llu", R->reason, (unsigned long long)row->line);
    if (R->again)
        return vl_missing(why);
    char msg[1200];
    snprintf(msg, sizeof msg, "%s; kept the row with %s missing", R->reason, I->pin->cols[c].id);
    size_t rawn = 0;
    const char *raw = cs_row_raw(I->r, row, &rawn);
    rn_kept(R, I, row->line, msg, raw, rawn);
    return vl_missing(why);
}

/* Convert one cell by the general path: trimming, every date style, enums,
 * ranges, empty cells. False with R->reason set if the row must go. */
static bool rn_convert_cell(rn_run *R, rn_in *I, const cs_row *row, int c, int pos, vl_value *vals)
{
    const pk_column *col = &I->pin->cols[c];
    const cs_field *f = &row->fields[pos];
    char err[256];
    vl_value v;
    size_t n = f->n;
    if (col->percent) { /* 95% or 95％: the figure before the sign */
        while (n && (f->p[n - 1] == ' ' || f->p[n - 1] == '\t'))
            n--;
        if (n && f->p[n - 1] == '%')
            n--;
        else if (n >= 3 && memcmp(f->p + n - 3, "\xef\xbc\x85", 3) == 0)
            n -= 3;
    }
    if (!vl_parse(col->type, f->p, n, &v, err, sizeof err)) {
        snprintf(R->reason, sizeof R->reason, "column %s (%s): %s", cs_header(I->r, (size_t)pos),
                 col->id, err);
        if (col->keep_invalid) {
            vals[c] = rn_invalid(R, I, row, c);
            return true;
        }
        return false;
    }
    if (v.kind == VL_MISSING) {
        if (col->tally >= 0) {
            /* A blank count cell on a year-end sheet means none. */
            vals[c] = vl_int(0);
            return true;
        }
        if (col->required) {
            snprintf(R->reason, sizeof R->reason, "column %s (%s) is empty but required",
                     cs_header(I->r, (size_t)pos), col->id);
            return false;
        }
        v.u.why = col->why_empty;
    } else if (col->has_range) {
        double x = v.kind == VL_INT ? (double)v.u.i : v.u.d;
        if (x < col->lo || x > col->hi) {
            char lo[64], hi[64];
            vl_format(vl_dec(col->lo), lo, sizeof lo);
            vl_format(vl_dec(col->hi), hi, sizeof hi);
            snprintf(R->reason, sizeof R->reason, "column %s (%s): %.*s is outside %s..%s",
                     cs_header(I->r, (size_t)pos), col->id, (int)f->n, f->p, lo, hi);
            if (col->keep_invalid) {
                vals[c] = rn_invalid(R, I, row, c);
                return true;
            }
            return false;
        }
    }
    vals[c] = v;
    return true;
}

/* The ten bytes of a YYYY-MM-DD cell (the dashes checked by the caller) as
 * digit values: "YYYY-MM-" in *t as a little-endian word, "DD" in *u, each
 * byte xor '0' (a digit becomes 0..9); false if one is no digit, tested for
 * "above 9" by adding 0x76 (the high bit then says so, or the byte had it
 * already). Eight bytes a step: on a year-end sheet every row has two. */
static inline bool rn_ymd10_digits(const unsigned char *s, uint64_t *t, unsigned *u)
{
    const uint64_t zeros = 0x3030303030303030ULL, digits = 0x0080800080808080ULL;
    uint64_t a;
    uint16_t b;
    memcpy(&a, s, 8);
    memcpy(&b, s + 8, 2);
    *t = a ^ zeros;
    *u = (unsigned)b ^ 0x3030u;
    return !((((*t + 0x7676767676767676ULL) | *t) & digits) | (((*u + 0x7676u) | *u) & 0x8080u));
}

/* A date cell of exactly YYYY-MM-DD read from its digits: false if a byte is
 * no digit or there is no such date, for the general parser to say why. */
static inline bool rn_ymd10_check(const unsigned char *s, unsigned *yp, unsigned *mp, unsigned *dp)
{
    static const unsigned char dim[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t t;
    unsigned u;
    if (!rn_ymd10_digits(s, &t, &u))
        return false;
    t &= 0x00FFFF00FFFFFFFFULL; /* the dashes out, or their bytes carry */
    /* the digits paired by one multiply-add (t0*10 + t1 in byte 0, and so on) */
    uint64_t pr = t * 10 + (t >> 8);
    unsigned y = (unsigned)(pr & 0xFF) * 100 + (unsigned)(pr >> 16 & 0xFF),
             m = (unsigned)(pr >> 40 & 0xFF), d = (u & 0xFF) * 10 + (u >> 8);
    if (!y || m - 1 >= 12 || !d)
        return false;
    if (d > dim[m]) {
        bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        if (!(m == 2 && d == 29 && leap))
            return false;
    }
    *yp = y;
    *mp = m;
    *dp = d;
    return true;
}

/* Whether a date cell of exactly YYYY-MM-DD (the dashes checked by the
 * caller) is one rn_ymd10_check reads, for a date column nothing reads:
 * the same tests, the year worked out only for the 29th of February. */
static inline bool rn_ymd10_ok(const unsigned char *s)
{
    static const unsigned char dim[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t t;
    unsigned u;
    if (!rn_ymd10_digits(s, &t, &u))
        return false;
    unsigned m = (unsigned)(t >> 40 & 0xFF) * 10 + (unsigned)(t >> 48 & 0xFF),
             d = (u & 0xFF) * 10 + (u >> 8);
    /* year 0000: its four digits' bytes all zero */
    if (!(uint32_t)t || m - 1 >= 12 || d - 1 >= dim[m])
        return false;
    if (m == 2 && d == 29) {
        unsigned y = (unsigned)(t & 0xFF) * 1000 + (unsigned)(t >> 8 & 0xFF) * 100 +
                     (unsigned)(t >> 16 & 0xFF) * 10 + (unsigned)(t >> 24 & 0xFF);
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    }
    return true;
}

/* The day number of a YYYY-MM-DD cell: vl_days_from_ymd's (Hinnant's
 * days-from-civil), inline, with the year known to be 1..9999. */
static inline bool rn_ymd10(const unsigned char *s, int32_t *days)
{
    unsigned y, m, d;
    if (!rn_ymd10_check(s, &y, &m, &d))
        return false;
    y -= m <= 2;
    unsigned era = y / 400, yoe = y - era * 400;
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = (int32_t)(era * 146097 + doe) - 719468;
    return true;
}

/* A count cell that is not digits in range: what the integer passes added
 * is dropped, and the row goes down the general pass from its first cell. */
static void rn_whole_row(const rn_run *R, const rn_in *I, uint32_t *counts, const rn_cell **pc,
                         const rn_cell **end)
{
    memset(counts, 0, (size_t)R->p->nitems_total * sizeof *counts);
    *pc = I->plan;
    *end = I->plan + I->nplan;
}

/* A text cell's first byte (1) or last (2) that rn_fast leaves to the loop:
 * a blank or control byte (33 entries of 3), the first or last byte of an
 * ideographic space. */
#define RN_EDGE_LOW                                                                                \
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,   \
        3, 3
static const unsigned char rn_edge[256] = {RN_EDGE_LOW, [0x80] = 2, [0xE3] = 1};

/* rn_fast's dates read as values: out of line, so that a sheet without
 * them does not pay for the registers they take. */
__attribute__((noinline)) static bool rn_fast_dates(const rn_in *I, const cs_field *fields,
                                                    vl_value *vals)
{
    for (const rn_tcell *t = I->fdate, *e = t + I->nfdate; t < e; t++) {
        const cs_field *f = &fields[t->pos];
        const unsigned char *s = (const unsigned char *)f->p;
        int32_t days;
        if (f->n != 10 || s[4] != '-' || s[7] != '-' || !rn_ymd10(s, &days))
            return false;
        vals[t->c] = vl_date(days);
    }
    return true;
}

/* The cells of rest that need a test and a store (rn_fast_plan), over a
 * row: false at the first that needs more, for the general loop to read
 * the row again from its first cell, so a row is rejected for the first
 * bad cell in pack order as ever (what was stored here is stored again). */
static inline bool rn_fast(rn_in *I, const cs_field *fields, vl_value *vals)
{
    for (const rn_tcell *t = I->ftext, *e = t + I->nftext; t < e; t++) {
        const cs_field *f = &fields[t->pos];
        const unsigned char *s = (const unsigned char *)f->p;
        size_t n = f->n;
        if (!n || (rn_edge[s[0]] & 1) | (rn_edge[s[n - 1]] & 2))
            return false;
        vals[t->c] = vl_text(f->p, n);
    }
    if (I->nfdate && !rn_fast_dates(I, fields, vals))
        return false;
    for (const rn_tcell *t = I->fchk, *e = t + I->nfchk; t < e; t++) {
        const cs_field *f = &fields[t->pos];
        const unsigned char *s = (const unsigned char *)f->p;
        if (f->n != 10 || s[4] != '-' || s[7] != '-' || !rn_ymd10_ok(s))
            return false;
    }
    if (I->uvals != vals) {
        for (int k = 0; k < I->nucols; k++)
            vals[I->ucols[k]] = vl_missing(NULL);
        I->uvals = vals;
    }
    return true;
}

/* Split rest for rn_fast: the plain texts, the dates and the checked-only
 * dates apart from the cells the general loop reads. */
static void rn_fast_plan(rn_run *R, rn_in *I)
{
    size_t n = (size_t)I->nrest + 1;
    I->ftext = ar_alloc(R->a, n * sizeof *I->ftext);
    I->fdate = ar_alloc(R->a, n * sizeof *I->fdate);
    I->fchk = ar_alloc(R->a, n * sizeof *I->fchk);
    I->ucols = ar_alloc(R->a, n * sizeof *I->ucols);
    I->rest2 = ar_alloc(R->a, n * sizeof *I->rest2);
    I->nftext = I->nfdate = I->nfchk = I->nucols = I->nrest2 = 0;
    I->uvals = NULL;
    for (int k = 0; k < I->nrest; k++) {
        const rn_cell *pc = &I->rest[k];
        rn_tcell t = {pc->c, pc->pos};
        switch (pc->how) {
        case RN_TEXT:
            I->ftext[I->nftext++] = t;
            break;
        case RN_DATE:
            I->fdate[I->nfdate++] = t;
            break;
        case RN_DATE_CHECK:
            I->fchk[I->nfchk++] = t;
            I->ucols[I->nucols++] = pc->c;
            break;
        case RN_UNREAD:
            I->ucols[I->nucols++] = pc->c;
            break;
        default:
            I->rest2[I->nrest2++] = *pc;
            break;
        }
    }
    I->quick = !I->nints && !I->nabsent && !I->nrest2 && I->pin->results < 0;
    I->nwant = cs_header_count(I->r);
    I->keyfast = false;
    for (int k = 0; k < I->nftext; k++)
        I->keyfast |= I->quick && I->ftext[k].c == I->pin->key;
}

/* The integer cells ic[0..n) of a row, whose digits the reader read
 * (cs_digits): each added into its count, and its value stored when vals is
 * given (the count cells nothing reads are only counted). False at the first
 * that is not digits in range, an empty cell its column allows aside: the
 * row then goes down the general pass. Inlined with vals constant, so each
 * caller's loop is as lean as a loop written out for it. */
static inline bool rn_int_cells(const rn_in *I, const rn_icell *ic, int n, const cs_field *fields,
                                uint32_t *counts, vl_value *vals)
{
    for (const rn_icell *iend = ic + n; ic < iend; ic++) {
        const cs_field *f = &fields[ic->pos];
        int64_t x = f->num;
        if ((uint64_t)x - ic->lo > ic->len) {
            if (f->n || !ic->empty_ok)
                return false;
            if (vals) /* a count's 0 adds nothing */
                vals[ic->c] = I->plan[ic->at].empty;
            continue;
        }
        if (vals)
            vals[ic->c] = vl_int(x);
        counts[ic->slot] += (uint32_t)x;
    }
    return true;
}

/* Fill vals[] for every column of the input, and add the count columns
 * into R->stream_counts; false with R->reason set if the row must be
 * rejected. Text values point into the reader's buffer. Out of line: the
 * usual row of a year-end sheet takes rn_convert's quick path. */
__attribute__((noinline)) static bool rn_convert_all(rn_run *R, rn_in *I, const cs_row *row,
                                                     vl_value *vals)
{
    uint32_t *counts = R->stream_counts;
    size_t want = cs_header_count(I->r);
    if (row->nfields != want) {
        snprintf(R->reason, sizeof R->reason, "%s row: %zu fields, the header has %zu",
                 row->nfields < want ? "short" : "long", row->nfields, want);
        return false;
    }
    for (int k = 0; k < I->nabsent; k++)
        vals[I->absent[k]] = I->absent_val[k];
    /* First the integer columns (a year-end sheet's count columns), whose
     * digits the reader has read (cs_digits): a cell needs a range test, a
     * store and an add. A cell of anything but digits in range sends the
     * whole row down the pass below, from its first cell, so a row is
     * rejected for the first bad cell in pack order as ever. */
    bool whole = !rn_int_cells(I, I->ints, I->nints, row->fields, counts, vals);
    /* The count cells nothing reads as a value: only counted (an empty one
     * counts none), unless a cell above already sent the row below or the
     * reader has added them all as it read them (rn_reader_counts). */
    if (!whole && I->ntints && !row->counted)
        whole = !rn_int_cells(I, I->tints, I->ntints, row->fields, counts, NULL);
    const rn_cell *pc, *end;
    if (whole) {
        rn_whole_row(R, I, counts, &pc, &end);
        I->uvals = NULL;
    } else if (rn_fast(I, row->fields, vals)) {
        pc = I->rest2;
        end = pc + I->nrest2;
    } else {
        pc = I->rest;
        end = pc + I->nrest;
        I->uvals = NULL;
    }
    for (; pc < end; pc++) {
        const cs_field *f = &row->fields[pc->pos];
        const unsigned char *s = (const unsigned char *)f->p;
        size_t n = f->n;
        /* The common cells, short plain digits and untrimmed text, skip the
         * general parser: on a million-row sheet it is the largest cost
         * after libcsv itself. Anything unusual takes the full path. */
        switch (pc->how) {
        case RN_TEXT:
            if (n) {
                unsigned char a = s[0], z = s[n - 1];
                if (a > ' ' && a != 0xE3 && z > ' ' && z != 0x80) {
                    vals[pc->c] = vl_text(f->p, n);
                    continue;
                }
            }
            break;
        case RN_ENUM:
            if (n) {
                /* a label as written, with nothing to trim: found by its bytes */
                unsigned char a = s[0], z = s[n - 1];
                int lv;
                if (a > ' ' && a != 0xE3 && z > ' ' && z != 0x80 &&
                    (lv = vl_enum_find(pc->eix, f->p, n)) >= 0) {
                    vals[pc->c] = vl_enumv(pc->en, lv);
                    continue;
                }
            }
            break;
        case RN_DATE:
            /* 2025-03-05 exactly, the form nearly every export writes: the
             * general parser would read the same date after trimming and
             * normalising digits that are already plain. */
            if (n == 10 && s[4] == '-' && s[7] == '-') {
                int32_t days;
                if (rn_ymd10(s, &days)) {
                    vals[pc->c] = vl_date(days);
                    continue;
                }
            }
            break;
        case RN_UNREAD:
            /* An optional text column nothing reads (rn_counts_only): no
             * cell of it can reject the row. */
            vals[pc->c] = vl_missing(NULL);
            continue;
        case RN_DATE_CHECK:
            /* A date column nothing reads (rn_counts_only): checked as
             * RN_DATE reads it, the day number not worked out. */
            if (n == 10 && s[4] == '-' && s[7] == '-') {
                unsigned y, m, d;
                if (rn_ymd10_check(s, &y, &m, &d)) {
                    vals[pc->c] = vl_missing(NULL);
                    continue;
                }
            }
            break;
        case RN_INT:
            if (f->num >= 0) {
                /* The reader read the digits (cs_digits). */
                if (f->num >= pc->lo && f->num <= pc->hi) {
                    vals[pc->c] = vl_int(f->num);
                    counts[pc->slot] += (uint32_t)f->num;
                    continue;
                }
            } else if (n && n <= 9) {
                int64_t x = 0;
                size_t i = 0;
                while (i < n && (unsigned)(s[i] - '0') < 10)
                    x = x * 10 + (s[i++] - '0');
                if (i == n && x >= pc->lo && x <= pc->hi) {
                    vals[pc->c] = vl_int(x);
                    counts[pc->slot] += (uint32_t)x;
                    continue;
                }
            }
            break;
        case RN_GENERAL:
            break;
        }
        if (!n && pc->empty_ok) {
            vals[pc->c] = pc->empty; /* a count's 0 adds nothing */
            continue;
        }
        if (!rn_convert_cell(R, I, row, pc->c, pc->pos, vals))
            return false;
        if (vals[pc->c].kind == VL_INT) /* a count read as missing counts none */
            counts[pc->slot] += (uint32_t)vals[pc->c].u.i;
    }
    /* Results read back: a text cell the writer made inert ('=...) reads as
     * the text it was written from. */
    if (I->pin->results >= 0)
        for (int c = 0; c < I->pin->ncols; c++) {
            vl_value *v = &vals[c];
            if (v->kind == VL_TEXT && wr_was_inert(v->u.p, v->n)) {
                v->u.p++;
                v->n--;
            }
        }
    return true;
}

/* A row whose every cell rn_fast reads, converted there: false if it is
 * not such a row, for rn_convert_all (a chunk's reader shares the header,
 * so nwant holds for it). */
static inline bool rn_convert_quick(rn_in *I, const cs_row *row, vl_value *vals)
{
    return I->quick && row->nfields == I->nwant && (row->counted || !I->ntints) &&
           rn_fast(I, row->fields, vals);
}

static inline bool rn_convert(rn_run *R, rn_in *I, const cs_row *row, vl_value *vals)
{
    return rn_convert_quick(I, row, vals) || rn_convert_all(R, I, row, vals);
}

/* Marks in read[] every slot of `space` that e reads. */
static void rn_mark_refs(rn_run *R, const ex_expr *e, int space, bool *read, int n)
{
    if (!e)
        return;
    int buf[64], *idx = buf, cap = 64;
    int k = ex_refs(e, space, idx, cap);
    if (k > cap) {
        idx = ar_alloc(R->scratch, (size_t)k * sizeof *idx);
        k = ex_refs(e, space, idx, k);
    }
    for (int i = 0; i < k; i++)
        if (idx[i] >= 0 && idx[i] < n)
            read[idx[i]] = true;
}

/* The columns of input `in` an expression of the pack reads (in the
 * entity's own row, or in an aggregate's rows), one pass over the pack. */
static bool *rn_cols_read(rn_run *R, int in)
{
    const rf_pack *p = R->p;
    int n = p->inputs[in].ncols;
    bool *read = ar_alloc(R->a, ((size_t)n + 1) * sizeof *read);
    memset(read, 0, ((size_t)n + 1) * sizeof *read);
    if (in == p->entity) {
        for (int m = 0; m < p->nmeasures; m++) {
            rn_mark_refs(R, p->measures[m].expr, PK_SP_ENTITY, read, n);
            rn_mark_refs(R, p->measures[m].by, PK_SP_ENTITY, read, n);
            rn_mark_refs(R, p->measures[m].within, PK_SP_ENTITY, read, n);
        }
        for (int l = 0; l < p->nlevels + p->nflags; l++) {
            const pk_level *L = l < p->nlevels ? &p->levels[l] : &p->flags[l - p->nlevels];
            for (int k = 0; k < L->nconds; k++)
                rn_mark_refs(R, L->conds[k].expr, PK_SP_ENTITY, read, n);
        }
    }
    for (int g = 0; g < ex_agg_count(p->ex); g++) {
        const ex_agg *ag = ex_agg_get(p->ex, g);
        if (ag->relation == in) {
            const ex_expr *parts[EX_AGG_NPARTS];
            for (int k = ex_agg_parts(ag, parts); k-- > 0;)
                rn_mark_refs(R, parts[k], PK_SP_ROW, read, n);
        }
    }
    ar_reset(R->scratch);
    return read;
}

/* The reader reads the integer columns' plain digits as it takes them
 * (rn_convert's fast path, without a second look at the text). */
static void rn_digits(const rn_in *I, cs_reader *r)
{
    size_t n = cs_header_count(r);
    bool *dig = ar_xmalloc((n ? n : 1) * sizeof *dig);
    memset(dig, 0, (n ? n : 1) * sizeof *dig);
    for (int k = 0; k < I->nplan; k++)
        if (I->plan[k].how == RN_INT && (size_t)I->plan[k].pos < n)
            dig[I->plan[k].pos] = true;
    cs_digits(r, dig, n);
    free(dig);
}

/* After binding: split the columns into those the header has (with how to
 * convert them) and those it lacks (with the value they read as). */
static void rn_plan(rn_run *R, rn_in *I)
{
    const pk_input *pin = I->pin;
    I->plan = ar_alloc(R->a, ((size_t)pin->ncols + 1) * sizeof *I->plan);
    I->absent = ar_alloc(R->a, ((size_t)pin->ncols + 1) * sizeof *I->absent);
    I->absent_val = ar_alloc(R->a, ((size_t)pin->ncols + 1) * sizeof *I->absent_val);
    bool *read = NULL; /* found once, when a column is missing */
    for (int c = 0; c < pin->ncols; c++) {
        const pk_column *col = &pin->cols[c];
        if (I->pos[c] < 0) {
            I->absent[I->nabsent] = c;
            if (col->tally >= 0) {
                I->absent_val[I->nabsent++] = vl_int(0);
                continue;
            }
            /* Not "empty": the sheet has no such column at all, and a run
             * whose conditions read it must not pass for a clean one. */
            I->absent_val[I->nabsent++] = vl_missing(
                ar_printf(R->a, "%s: the header has no column %s", col->id, col->names[0]));
            if (!read && !R->again)
                read = rn_cols_read(R, (int)(pin - R->p->inputs));
            if (read && read[c])
                dg_add(R->d, RF_WARNING, RF_CLASS_INPUT, I->st->path, 1, 0, 0, NULL,
                       "column '%s' (%s) is not in the header of %s: what reads it is not "
                       "evaluated",
                       col->id, col->names[0], pin->name);
            continue;
        }
        rn_cell *pc = &I->plan[I->nplan++];
        pc->c = c;
        pc->pos = I->pos[c];
        pc->how = col->percent                                   ? RN_GENERAL
                  : col->type.kind == VL_INT                     ? RN_INT
                  : col->type.kind == VL_TEXT                    ? RN_TEXT
                  : col->type.kind == VL_DATE && !col->has_range ? RN_DATE
                  : col->type.kind == VL_ENUM && col->type.en    ? RN_ENUM
                                                                 : RN_GENERAL;
        if (pc->how == RN_ENUM) {
            pc->en = col->type.en;
            pc->eix = vl_enum_index(R->a, col->type.en);
        }
        /* An empty cell, as rn_convert_cell reads it: none of a count, a
         * required column's rejects the row (said there). */
        pc->empty_ok = !col->required || col->tally >= 0;
        if (col->tally >= 0) {
            pc->empty = vl_int(0);
        } else {
            vl_value v = {.kind = VL_MISSING, .u.why = NULL};
            v.u.why = col->why_empty;
            pc->empty = v;
        }
        pc->slot = R->p->nitems_total;
        if (col->tally >= 0 && I->index == R->p->entity)
            pc->slot = R->p->tallies[col->tally].first + col->item;
        pc->lo = INT64_MIN;
        pc->hi = INT64_MAX;
        if (col->has_range) {
            /* The fast path meets at most nine digits, so bounds beyond
             * ±1e18 need no care. */
            double lo = col->lo < -1e18 ? -1e18 : col->lo, hi = col->hi > 1e18 ? 1e18 : col->hi;
            pc->lo = (int64_t)ceil(lo);
            pc->hi = (int64_t)floor(hi);
        }
    }
    I->ints = ar_alloc(R->a, ((size_t)I->nplan + 1) * sizeof *I->ints);
    I->rest = ar_alloc(R->a, ((size_t)I->nplan + 1) * sizeof *I->rest);
    for (int k = 0; k < I->nplan; k++) {
        const rn_cell *pc = &I->plan[k];
        int64_t lo = pc->lo < 0 ? 0 : pc->lo;
        if (pc->how == RN_INT && pc->hi >= lo)
            I->ints[I->nints++] = (rn_icell){
                pc->c,       pc->pos, pc->slot, k, (uint64_t)lo, (uint64_t)pc->hi - (uint64_t)lo,
                pc->empty_ok};
        else
            I->rest[I->nrest++] = *pc;
    }
    rn_fast_plan(R, I);
    rn_digits(I, I->r);
}

/* The reader r of input I adds the count-only cells into the run's
 * stream_counts as it reads them (cs_counts), zeroing them after each row:
 * a row it says is counted needs neither the memset nor the loop over
 * them in rn_convert. */
static void rn_reader_counts(const rn_run *R, const rn_in *I, cs_reader *r)
{
    if (I->nctab)
        cs_counts(r, I->ctab, I->nctab, R->stream_counts, (size_t)R->p->nitems_total);
}

/* A year-end sheet streamed alone, without a ranking: its count columns
 * that no measure, condition or aggregate reads, that are not written and
 * are not the key, are read by nothing but the tallies, so rn_convert only
 * adds their cells into the counts and stores no value for them (a row
 * it sends down the general pass has every value stored as ever). Its
 * date columns nothing reads are only checked (RN_DATE_CHECK): a row is
 * rejected for a bad date as ever, and nothing needs the day number; its
 * optional text columns nothing reads are not looked at (RN_UNREAD), as no
 * text rejects a row. */
static void rn_counts_only(rn_run *R)
{
    const rf_pack *p = R->p;
    rn_in *I = &R->in[p->entity];
    const pk_input *pin = I->pin;
    bool *read = rn_cols_read(R, p->entity);
    for (int i = 0; i < p->nouts; i++)
        if (p->outs[i].kind == PK_OUT_COLUMN)
            read[p->outs[i].index] = true;
    read[pin->key] = true;
    I->tints = ar_alloc(R->a, ((size_t)I->nints + 1) * sizeof *I->tints);
    int k = 0;
    for (int i = 0; i < I->nints; i++) {
        const rn_icell *ic = &I->ints[i];
        if (pin->cols[ic->c].tally >= 0 && ic->slot < p->nitems_total && !read[ic->c])
            I->tints[I->ntints++] = *ic;
        else
            I->ints[k++] = *ic;
    }
    I->nints = k;
    for (int i = 0; i < I->nrest; i++) {
        rn_cell *pc = &I->rest[i];
        if (read[pc->c])
            continue;
        if (pc->how == RN_DATE)
            pc->how = RN_DATE_CHECK;
        else if (pc->how == RN_TEXT && pc->empty_ok && !pin->cols[pc->c].has_range)
            pc->how = RN_UNREAD;
    }
    rn_fast_plan(R, I);
    if (!I->ntints)
        return;
    I->nctab = cs_header_count(I->r);
    I->ctab = ar_alloc(R->a, (I->nctab + 1) * sizeof *I->ctab);
    for (size_t i = 0; i < I->nctab; i++)
        I->ctab[i] = (cs_count){.slot = -1};
    for (int i = 0; i < I->ntints; i++) {
        const rn_icell *ic = &I->tints[i];
        I->ctab[ic->pos] = (cs_count){ic->slot, ic->lo, ic->len, ic->empty_ok};
    }
    rn_reader_counts(R, I, I->r);
}

/* ---- entity state ---------------------------------------------------- */

static uint64_t rn_hash(const char *s, size_t n)
{
    return ar_fnv(AR_FNV_BASIS, s, n);
}

static bool rn_text_eq(vl_value a, const char *s, size_t n)
{
    return a.kind == VL_TEXT && a.n == n && memcmp(a.u.p, s, n) == 0;
}

static bool rn_code_ieq(vl_value a, const char *code)
{
    size_t n = strlen(code);
    if (a.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.u.p[i], y = (unsigned char)code[i];
        if (x >= 'a' && x <= 'z')
            x = (unsigned char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (unsigned char)(y - 'a' + 'A');
        if (x != y)
            return false;
    }
    return true;
}

/* Length of a quotation mark or space at s (n bytes left), or 0: a name
 * is compared without them, as ledgers quote 三会一课 with “” or "" or not. */
static size_t rn_quote_len(const char *s, size_t n)
{
    static const char *const marks[] = {"\xe2\x80\x9c",
                                        "\xe2\x80\x9d",
                                        "\xe2\x80\x98",
                                        "\xe2\x80\x99",
                                        "\xe3\x80\x8c",
                                        "\xe3\x80\x8d",
                                        "\xe3\x80\x80",
                                        "\"",
                                        "'",
                                        " "};
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++) {
        size_t m = strlen(marks[k]);
        if (m <= n && memcmp(s, marks[k], m) == 0)
            return m;
    }
    return 0;
}

static bool rn_name_eq(vl_value a, const char *name)
{
    if (!name || !*name)
        return false;
    const char *p = a.u.p, *q = name;
    size_t np = a.n, nq = strlen(name), k;
    for (;;) {
        while ((k = rn_quote_len(p, np)))
            p += k, np -= k;
        while ((k = rn_quote_len(q, nq)))
            q += k, nq -= k;
        if (!np || !nq)
            return !np && !nq;
        if (*p != *q)
            return false;
        p++, np--, q++, nq--;
    }
}

/* Key text as written in the cell: keys are compared as text whatever their
 * type, so "007" and "7" stay different members. */
static void rn_keytext_trim(const rn_in *I, const char **s, size_t *n)
{
    rn_trim(s, n);
    /* A key the CSV writer made inert ('-x) in results read back. */
    if (I->pin->results >= 0 && wr_was_inert(*s, *n)) {
        (*s)++;
        (*n)--;
    }
}

static inline void rn_keytext(const cs_row *row, const rn_in *I, int col, const char **s, size_t *n)
{
    const cs_field *f = &row->fields[I->pos[col]];
    *s = f->p;
    *n = f->n;
    /* The usual id, inline: no space or tab to trim (nor any byte below
     * them), not starting with the inert mark. */
    if (!f->n || (unsigned char)f->p[0] <= ' ' || (unsigned char)f->p[f->n - 1] <= ' ' ||
        f->p[0] == '\'')
        rn_keytext_trim(I, s, n);
}

/* What a slot holds past its entity's address, for key s[0..n) of hash hv:
 * a probe compares these bytes at once (the key's bytes past n are zero in
 * both), reading no byte outside the slot. */
#define RN_PROBE (sizeof(rn_slot) - offsetof(rn_slot, tag))
typedef struct rn_probe {
    char b[RN_PROBE];
} rn_probe;

static rn_probe rn_probe_of(uint64_t hv, const char *s, size_t n)
{
    rn_slot sl;
    memset(&sl, 0, sizeof sl);
    sl.tag = (uint16_t)(hv >> 48);
    if (n <= RN_INLINE) {
        sl.n = (uint8_t)n;
        if (n)
            memcpy(sl.k, s, n);
    } else {
        /* A long key: its length and whole hash, for rn_hash_insert and
         * so that a probe reads the block only for its own key */
        uint32_t n32 = (uint32_t)n;
        sl.n = RN_LONG;
        memcpy(sl.k, &n32, sizeof n32);
        memcpy(sl.k + sizeof n32, &hv, sizeof hv);
    }
    rn_probe pr;
    memcpy(pr.b, (const char *)&sl + offsetof(rn_slot, tag), RN_PROBE);
    return pr;
}

static bool rn_slot_is(const rn_run *R, const rn_slot *sl, const rn_probe *pr, const char *s,
                       size_t n)
{
    /* A compare of a constant size: a few word loads, no call */
    if (memcmp((const char *)sl + offsetof(rn_slot, tag), pr->b, RN_PROBE) != 0)
        return false;
    return n <= RN_INLINE || memcmp(rn_key(R, sl->e), s, n) == 0;
}

/* n bytes on a 2 MiB boundary (free() frees them), asked to be backed by
 * huge pages: the entity blocks and the hash table are read in no order,
 * and with 4 KiB pages 100,000 villages' state (~46 MB) spans 11,000 pages,
 * so each row's lines miss the TLB as well as the caches. Only advice: the
 * kernel may say no (transparent huge pages off), nothing changes then. */
static void *rn_huge(size_t n)
{
    size_t h = (size_t)2 << 20;
    n = (n + h - 1) & ~(h - 1);
    void *p = NULL;
    if (posix_memalign(&p, h, n) != 0 || !p)
        return ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

/* The entity with key s[0..n) of hash hv (rn_hash), or NULL */
static rn_ent *rn_find_h(rn_run *R, const char *s, size_t n, uint64_t hv)
{
    if (!R->hashcap)
        return NULL;
    rn_probe pr = rn_probe_of(hv, s, n);
    if (R->last && rn_slot_is(R, R->last, &pr, s, n))
        return R->last->e;
    size_t mask = R->hashcap - 1;
    for (size_t h = hv & mask;; h = (h + 1) & mask) {
        const rn_slot *sl = &R->hash[h];
        if (!sl->e)
            return NULL;
        if (rn_slot_is(R, sl, &pr, s, n)) {
            R->last = sl;
            return sl->e;
        }
    }
}

static rn_ent *rn_find(rn_run *R, const char *s, size_t n)
{
    return rn_find_h(R, s, n, rn_hash(s, n));
}

static void rn_slot_put(rn_slot *tab, size_t cap, rn_ent *e, uint64_t hv, const rn_probe *pr)
{
    size_t h = hv & (cap - 1);
    while (tab[h].e)
        h = (h + 1) & (cap - 1);
    tab[h].e = e;
    memcpy((char *)&tab[h] + offsetof(rn_slot, tag), pr->b, RN_PROBE);
}

/* Entity e with key ks[0..kn) into the table, grown first when it would be
 * more than half full; the slots move with what they hold, so growing reads
 * no entity's block. */
static void rn_hash_insert(rn_run *R, rn_ent *e, const char *ks, size_t kn)
{
    if ((R->nents + 1) * 2 > R->hashcap) {
        size_t cap = R->hashcap ? R->hashcap * 2 : 1024;
        rn_slot *old = R->hash;
        rn_slot *tab;
        if (cap * sizeof *tab >= ((size_t)2 << 20)) {
            tab = rn_huge(cap * sizeof *tab);
        } else {
            tab = aligned_alloc(64, cap * sizeof *tab);
            if (!tab)
                ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
        }
        memset(tab, 0, cap * sizeof *tab);
        for (size_t i = 0; i < R->hashcap; i++) {
            const rn_slot *sl = &old[i];
            if (!sl->e)
                continue;
            uint64_t hv;
            if (sl->n == RN_LONG)
                memcpy(&hv, sl->k + sizeof(uint32_t), sizeof hv);
            else
                hv = rn_hash(sl->k, sl->n);
            rn_probe pr;
            memcpy(pr.b, (const char *)sl + offsetof(rn_slot, tag), RN_PROBE);
            rn_slot_put(tab, cap, sl->e, hv, &pr);
        }
        free(old);
        R->hash = tab;
        R->hashcap = cap;
        R->last = NULL;
    }
    uint64_t hv = rn_hash(ks, kn);
    rn_probe pr = rn_probe_of(hv, ks, kn);
    rn_slot_put(R->hash, R->hashcap, e, hv, &pr);
}

/* ---- evaluation ------------------------------------------------------- */

static void rn_env(rn_run *R, ex_env *env, const vl_value *entity)
{
    memset(env, 0, sizeof *env);
    env->space[EX_SPACE_AGG] = R->aggvals;
    env->space[PK_SP_ENTITY] = entity;
    env->space[PK_SP_MEASURE] = R->mvals;
    env->space[PK_SP_TALLY] = R->tvals;
    env->space[PK_SP_BUILTIN] = R->builtins;
}

static double rn_num(vl_value v)
{
    return v.kind == VL_INT ? (double)v.u.i : v.kind == VL_DEC ? v.u.d : 0;
}

static vl_value rn_numval(vl_type t, double x)
{
    return t.kind == VL_DEC ? vl_dec(x) : vl_int((int64_t)x);
}

/* Appending to the detail text without printf: it is built for every
 * entity with items, so its cost counts on a million-row sheet. */
static void rn_cat(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
    if (*o + n >= cap)
        n = *o + 1 < cap ? cap - 1 - *o : 0;
    memcpy(buf + *o, s, n);
    *o += n;
}

static void rn_catnum(char *buf, size_t cap, size_t *o, vl_value v)
{
    char num[64];
    size_t n;
    if (v.kind == VL_INT) {
        char tmp[24];
        uint64_t u = v.u.i < 0 ? (uint64_t)0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
        size_t k = 0;
        do {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        n = 0;
        if (v.u.i < 0)
            num[n++] = '-';
        while (k)
            num[n++] = tmp[--k];
    } else {
        n = vl_format(v, num, sizeof num);
    }
    rn_cat(buf, cap, o, num, n);
}

/* Tally totals, aggregates over tally items, and the detail text. */
/* Most members have no item at all in a year: one branch-free pass over
 * the counts spares the per-item loops (and their mispredicted tests). */
static bool rn_any(const uint32_t *counts, int n)
{
    uint32_t any = 0;
    for (int j = 0; j < n; j++)
        any |= counts[j];
    return any != 0;
}

/* The measures aggregates read inside their rows, from the entity's own row
 * (the loader made sure they need nothing else), before a row is stepped. */
static void rn_row_measures(rn_run *R, const ex_env *env)
{
    const rf_pack *p = R->p;
    for (int i = 0; i < p->nmeasures; i++) {
        const pk_measure *ms = &p->measures[p->order[i]];
        if (ms->in_rows)
            R->mvals[p->order[i]] = ex_eval(ms->expr, env);
    }
}

/* Whether aggregate g reads nothing of a tally item but the catalogue's
 * fields and code (not its count: slot nfields + 1) and the run's
 * built-ins: the same for an item whoever has it. */
static bool rn_item_const(const ex_agg *g, int nfields)
{
    if (g->by)
        return false;
    const ex_expr *parts[EX_AGG_NPARTS];
    int np = ex_agg_parts(g, parts);
    for (int k = 0; k < np; k++) {
        if (ex_has_agg(parts[k]))
            return false;
        for (int sp = 0; sp < EX_SPACE_MAX; sp++) {
            if (sp == PK_SP_BUILTIN)
                continue;
            int idx[64];
            int n = ex_refs(parts[k], sp, idx, 64);
            if (sp != PK_SP_ROW ? n > 0 : n > 64)
                return false;
            for (int i = 0; i < n; i++)
                if (idx[i] > nfields)
                    return false;
        }
    }
    return true;
}

/* R->apre, made at the first entity (the built-ins are set by then). */
static void rn_item_pre(rn_run *R, const ex_env *env)
{
    const rf_pack *p = R->p;
    R->apre_made = true;
    R->apre = ar_alloc(R->a, ((size_t)p->naggs + 1) * sizeof *R->apre);
    for (int g = 0; g < p->naggs; g++) {
        const ex_agg *ag = ex_agg_get(p->ex, g);
        R->apre[g] = NULL;
        if (ag->relation < p->ninputs)
            continue;
        const pk_tally *t = &p->tallies[ag->relation - p->ninputs];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        if (!rn_item_const(ag, cat->nfields))
            continue;
        vl_value *pre = ar_alloc(R->a, ((size_t)cat->nitems + 1) * 2 * sizeof *pre);
        ex_env row = *env;
        for (int j = 0; j < cat->nitems; j++) {
            row.space[PK_SP_ROW] = R->irows + (size_t)(t->first + j) * R->istride;
            ex_agg_pre(ag, &row, &pre[2 * j]);
        }
        R->apre[g] = pre;
    }
}

static size_t rn_tallies(rn_run *R, const uint32_t *counts, ex_env *env, char *detail, size_t cap)
{
    /* cap 0: the totals only (a ranking's first pass writes no detail). */
    const rf_pack *p = R->p;
    size_t o = 0;
    if (cap)
        detail[0] = '\0';
    /* Asked once for all the items: on the common row with none, no tally
     * or aggregate looks again. */
    bool some = rn_any(counts, p->nitems_total);
    if (!R->apre_made)
        rn_item_pre(R, env);
    for (int g = 0; g < p->naggs; g++) {
        const ex_agg *ag = ex_agg_get(p->ex, g);
        if (ag->relation < p->ninputs)
            continue;
        const pk_tally *t = &p->tallies[ag->relation - p->ninputs];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        ex_acc acc;
        ex_acc_init(&acc);
        ex_env row = *env;
        int items = some && rn_any(counts + t->first, cat->nitems) ? cat->nitems : 0;
        const vl_value *pre = R->apre[g];
        if (pre) {
            for (int j = 0; j < items; j++)
                if (counts[t->first + j])
                    ex_agg_step_pre(ag, &acc, ag->cond ? &pre[2 * j] : NULL, &pre[2 * j + 1],
                                    (double)counts[t->first + j]);
            items = 0;
        }
        for (int j = 0; j < items; j++) {
            uint32_t n = counts[t->first + j];
            if (!n)
                continue;
            vl_value *ir = R->irows + (size_t)(t->first + j) * R->istride;
            ir[cat->nfields + 1] = vl_int(n);
            row.space[PK_SP_ROW] = ir;
            ex_agg_step(ag, &acc, &row, (double)n);
        }
        R->aggvals[g] = ex_agg_final(ag, &acc);
    }
    for (int ti = 0; ti < p->ntallies; ti++) {
        const pk_tally *t = &p->tallies[ti];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        double total = 0;
        const uint32_t *tc = counts + t->first;
        const double *tw = R->iweight + t->first;
        int items = some && rn_any(tc, cat->nitems) ? cat->nitems : 0;
        /* The totals alone (no detail): no branch on which counts are 0,
         * which follows the data; adding w * 0 leaves a total as it was. */
        if (!cap && R->ifinite) {
            for (int j = 0; j < items; j++)
                total += tw[j] * tc[j];
            items = 0;
        }
        for (int j = 0; j < items; j++) {
            uint32_t n = tc[j];
            if (!n)
                continue;
            double w = tw[j];
            total += w * n;
            if (!cap)
                continue;
            if (o)
                rn_cat(detail, cap, &o, "; ", 2);
            rn_cat(detail, cap, &o, cat->items[j].code, strlen(cat->items[j].code));
            rn_cat(detail, cap, &o, "×", strlen("×"));
            rn_catnum(detail, cap, &o, vl_int(n));
            if (t->weight >= 0) {
                rn_cat(detail, cap, &o, " ", 1);
                rn_cat(detail, cap, &o, t->sign, strlen(t->sign));
                rn_catnum(detail, cap, &o, rn_numval(t->type, w * n));
            }
        }
        double capped = total;
        if (t->has_cap && total > rn_num(t->cap)) {
            capped = rn_num(t->cap);
            if (cap) {
                rn_cat(detail, cap, &o, " (capped ", 9);
                rn_cat(detail, cap, &o, t->sign, strlen(t->sign));
                rn_catnum(detail, cap, &o, t->cap);
                rn_cat(detail, cap, &o, ")", 1);
            }
        }
        R->tvals[ti] = rn_numval(t->type, capped);
    }
    if (cap)
        detail[o] = '\0';
    return o;
}

static bool rn_is_explained(const rn_run *R, vl_value key)
{
    return R->xkey && key.kind == VL_TEXT && key.n == R->xkeyn &&
           memcmp(key.u.p, R->xkey, R->xkeyn) == 0;
}

static const char *rn_fmt(rn_run *R, vl_value v)
{
    if (v.kind == VL_TEXT)
        return ar_strndup(R->scratch, v.u.p, v.n);
    char buf[256];
    vl_format(v, buf, sizeof buf);
    return ar_strdup(R->scratch, buf);
}

static bool rn_listed(const rf_pack *p, pk_outkind kind, int index)
{
    for (int i = 0; i < p->nouts; i++)
        if (p->outs[i].kind == kind && p->outs[i].index == index)
            return true;
    return false;
}

static vl_value rn_outval(const rn_run *R, const vl_value *vals, const pk_out *o)
{
    switch (o->kind) {
    case PK_OUT_COLUMN:
        return vals[o->index];
    case PK_OUT_MEASURE:
        return R->mvals[o->index];
    default:
        return R->tvals[o->index];
    }
}

static void rn_explain_values(rn_run *R, const vl_value *vals)
{
    const rf_pack *p = R->p;
    FILE *x = R->xo;
    if (p->ntallies) {
        fputs("tallies:\n", x);
        for (int t = 0; t < p->ntallies; t++) {
            vl_value v = R->tvals[t];
            fprintf(x, "  %s = %s\n", p->tallies[t].name, rn_fmt(R, v));
        }
    }
    fputs("measures:\n", x);
    for (int i = 0; i < p->nmeasures; i++) {
        int m = p->order[i];
        vl_value v = R->mvals[m];
        fprintf(x, "  %s = %s", p->measures[m].name,
                v.kind == VL_MISSING ? "(missing)" : rn_fmt(R, v));
        if (v.kind == VL_MISSING)
            fprintf(x, ": %s", v.u.why);
        const pk_measure *ms = &p->measures[m];
        fprintf(x, "    [%s]\n", ms->expr ? ex_text(ms->expr) : ms->text ? ms->text : "");
    }
    (void)vals;
}

typedef struct rn_reasons {
    const char **v;
    int n, cap;
} rn_reasons;

/* The strings joined, NUL-terminated, in a: a reason is made for every
 * row with a level, so not with printf. */
static const char *rn_join(ar_arena *a, const char *const *part, int n)
{
    size_t len[8], total = 0;
    for (int i = 0; i < n; i++)
        total += len[i] = strlen(part[i]);
    char *s = ar_alloc(a, total + 1), *o = s;
    for (int i = 0; i < n; i++) {
        memcpy(o, part[i], len[i]);
        o += len[i];
    }
    *o = '\0';
    return s;
}

/* Evaluate the conditions of a level or flag (coverage numbers them from
 * *k on), add a reason for each that held or could not be decided, and say
 * whether the whole holds, or might (*maybe: values missing). */
static bool rn_conds(rn_run *R, const pk_level *L, ex_env *env, int *k, bool explain,
                     rn_reasons *rs, bool *maybe)
{
    rf_coverage *cov = R->o->coverage;
    int held = 0, unknown = 0;
    int first = rs->n;
    for (int c = 0; c < L->nconds; c++, (*k)++) {
        const pk_cond *C = &L->conds[c];
        vl_value v = ex_eval(C->expr, env);
        bool t = v.kind == VL_BOOL && v.u.b;
        bool u = v.kind == VL_MISSING;
        R->cstate[*k] = t ? 1 : u ? 2 : 0;
        if (cov) {
            cov->cond_true[*k] += t;
            cov->cond_false[*k] += !t && !u;
        }
        char desc[512];
        if (explain || t)
            ex_describe(C->expr, env, desc, sizeof desc);
        if (explain) {
            if (u)
                fprintf(R->xo, "    %-15s %s (%s)\n", "not evaluated:", ex_text(C->expr), v.u.why);
            else
                fprintf(R->xo, "    %-15s %s    [%s]\n", t ? "true:" : "false:", desc,
                        ex_text(C->expr));
        }
        if (!t && !u)
            continue;
        held += t;
        unknown += u;
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 8;
            const char **nr = ar_alloc(R->scratch, (size_t)rs->cap * sizeof *nr);
            if (rs->n)
                memcpy(nr, rs->v, (size_t)rs->n * sizeof *nr);
            rs->v = nr;
        }
        /* An undecided condition names the condition and what it lacked,
         * so staff know which cell to fill in. */
        if (u) {
            const char *part[] = {L->id, ": not evaluated: ", ex_text(C->expr), " (", v.u.why, ")"};
            rs->v[rs->n++] = rn_join(R->scratch, part, 6);
        } else if (C->reason) {
            const char *part[] = {L->id, ": ", C->reason, " (", desc, ")"};
            rs->v[rs->n++] = rn_join(R->scratch, part, 6);
        } else {
            const char *part[] = {L->id, ": ", desc};
            rs->v[rs->n++] = rn_join(R->scratch, part, 3);
        }
    }
    bool holds = L->all ? held == L->nconds : held > 0;
    *maybe = L->all ? held + unknown == L->nconds && unknown > 0 : unknown > 0;
    /* Part of an all-level that did not hold is no reason for anything:
     * listing it would read as if the level applied. */
    if (L->all && !holds && !*maybe)
        rs->n = first;
    return holds;
}

static void rn_explain_flags(rn_run *R)
{
    const rf_pack *p = R->p;
    int raised = 0, open = 0;
    fputs("flags raised:", R->xo);
    for (int f = 0; f < p->nflags; f++)
        if (R->fvals[f].kind == VL_BOOL && R->fvals[f].u.b)
            fprintf(R->xo, " %s", p->flags[f].id), raised++;
        else
            open += R->fvals[f].kind == VL_MISSING;
    fputs(raised ? "" : " (none)", R->xo);
    if (open) {
        fputs("; not decided, values are missing:", R->xo);
        for (int f = 0; f < p->nflags; f++)
            if (R->fvals[f].kind == VL_MISSING)
                fprintf(R->xo, " %s", p->flags[f].id);
    }
    fputc('\n', R->xo);
}

/* Tallies, aggregates and measures of one entity, number `ord` in input
 * order; in a ranking's first pass only the measures that need no ranking. */
static size_t rn_measures(rn_run *R, ex_env *env, const ex_acc *accs, const dv_set *sets,
                          const uint32_t *counts, size_t ord, bool first_pass, char *detail,
                          size_t cap)
{
    const rf_pack *p = R->p;
    size_t dn = rn_tallies(R, counts, env, detail, cap);
    for (int g = 0; g < p->naggs; g++)
        if (R->setslot[g] >= 0)
            R->aggvals[g] = dv_final(R->groups, &sets[R->setslot[g]], ex_agg_get(p->ex, g),
                                     &accs[R->accslot[g]]);
        else if (R->accslot[g] >= 0)
            R->aggvals[g] = ex_agg_final(ex_agg_get(p->ex, g), &accs[R->accslot[g]]);
    for (int i = 0; i < p->nmeasures; i++) {
        int m = p->order[i];
        const pk_measure *ms = &p->measures[m];
        if (ms->kind != PK_M_EXPR)
            R->mvals[m] = first_pass ? vl_missing("ranked later") : rk_value(R->rk, m, ord, env);
        else if (!first_pass || !ms->after_rank)
            R->mvals[m] = ms->expr ? ex_eval(ms->expr, env) : vl_missing("no expression");
    }
    return dn;
}

/* The first pass of a ranking pack: note what the rankings need. */
static void rn_rank_note(rn_run *R, const vl_value *vals, const ex_acc *accs, const dv_set *sets,
                         const uint32_t *counts)
{
    ex_env env;
    rn_env(R, &env, vals);
    char none[1];
    rn_measures(R, &env, accs, sets, counts, 0, true, none, 0);
    rk_note(R->rk, &env);
}

static void rn_cells(rn_run *R)
{
    const rf_pack *p = R->p;
    size_t nl = (size_t)p->nlevels + 1;
    R->cell_id = ar_alloc(R->a, nl * sizeof *R->cell_id);
    R->cell_label = ar_alloc(R->a, nl * sizeof *R->cell_label);
    R->cell_idn = ar_alloc(R->a, nl * sizeof *R->cell_idn);
    R->cell_labeln = ar_alloc(R->a, nl * sizeof *R->cell_labeln);
    for (size_t l = 0; l < nl; l++) {
        const char *id = l < (size_t)p->nlevels ? p->levels[l].id : p->none_id;
        const char *lab = l < (size_t)p->nlevels ? p->levels[l].label.zh : p->none.zh;
        R->cell_id[l] = wr_encode(R->a, R->w.fmt, id, strlen(id), &R->cell_idn[l]);
        R->cell_label[l] = wr_encode(R->a, R->w.fmt, lab, strlen(lab), &R->cell_labeln[l]);
    }
    R->cell_stamp = wr_encode(R->a, R->w.fmt, R->stamp, R->stampn, &R->cell_stampn);
}

/* A text every result repeats: encoded once if it could be. */
static void rn_repeated(wr_writer *w, const char *cell, size_t celln, const char *s)
{
    if (cell)
        wr_encoded(w, cell, celln);
    else
        wr_text(w, s, strlen(s));
}

/* ---- the memo ------------------------------------------------------------
 * Where nothing but an entity's tally counts and the columns of its own row
 * that its measures and conditions read decide its result (no aggregate
 * over an input, no ranking, no callback that wants the values), entities
 * that agree on those get the same result: the same level, flags, reasons,
 * detail and computed cells. On a year-end sheet most members have no item
 * at all, and the rest share few combinations, so a small table of the
 * results seen last, keyed by those bytes, spares most rows the tallies,
 * the measures, the conditions, their reasons and the writing of every
 * cell that is not the row's own: a hit replays the counts and copies the
 * encoded cells. The key holds the values themselves (texts by content, a
 * missing value by its cause, which lives as long as the run), so a hit is
 * exact, never a guess; a row whose key does not fit is evaluated as ever. */
/* 2,048 entries of 256 bytes (no padding: half a MiB a thread, L2's half
 * here), in sets of four: the set the hash's top nine bits. Four ways
 * bring the misses near the combinations there are (200k wide rows: 5,840
 * combinations, 10,931 misses direct-mapped over 1,024 entries, 6,941
 * now; 2M rows: 106,708 -> 57,305). */
enum { RN_MEMO_SETBITS = 9, RN_MEMO_WAYS = 4, RN_MEMO_SLOTS = RN_MEMO_WAYS << RN_MEMO_SETBITS };
/* The second table (rn_memo_tallied): 1,024 entries. */
enum { RN_MEMO2_SETBITS = 8 };
enum { RN_MEMO_KEY = 256, RN_MEMO_BYTES = 240, RN_MEMO_TRIAL = 4096 };
/* The room for an entity's detail text (longer is cut, the same way on
 * every path). */
enum { RN_DETAIL_CAP = 2048 };
/* A way's uses saturate at 255; one miss in 16 (by the hash's low bits)
 * ages its set, so a combination that stops coming gives its way up. */
enum { RN_MEMO_USES = 255, RN_MEMO_AGE = 16 };
/* A hit's lane is made with room for its own texts up to this long each:
 * one test a text (a longer one goes by the calls). */
enum { RN_MEMO_OWN = 256 };

typedef struct rn_memo {
    /* hits not yet counted in the summary and coverage (rn_memo_fold) */
    uint32_t hits;
    uint16_t keyn;
    uint16_t datan; /* 0: empty */
    uint16_t lv;
    uint8_t uses; /* hits, saturating and aged (RN_MEMO_USES, RN_MEMO_AGE) */
    bool undecided;
    /* for a hit, worked out at the fill: where in b the cells begin, and
     * the room its row takes besides its own texts */
    uint16_t cello, lane;
    /* the key, a state per condition and per flag (as R->cstate), then per
     * run of cells (rn_wop not own) its length (2 bytes) and bytes */
    unsigned char b[RN_MEMO_BYTES];
} rn_memo;

/* What the memo writes for a row, each thread its own (after the plan). */
static void rn_memo_scratch(rn_run *R)
{
    R->mat = ar_alloc(R->a, ((size_t)R->ncols + 1) * sizeof *R->mat);
    R->mdetail = R->detail_wanted ? ar_alloc(R->a, RN_DETAIL_CAP) : NULL;
}

/* RF_MEMO=off turns the memo off: tests compare a run with it and one
 * without, which must give the same bytes. */
static bool rn_memo_disabled(void)
{
    const char *e = getenv("RF_MEMO");
    return e && strcmp(e, "off") == 0;
}

/* The memo's plan, made once per run: whether it applies, the columns the
 * key holds, the result row's runs. */
static void rn_memo_plan(rn_run *R)
{
    const rf_pack *p = R->p;
    R->memo_on = false;
    if (R->rk || R->o->on_result || R->nsets || R->naccs || p->nin_rows)
        return;
    for (int m = 0; m < p->nmeasures; m++)
        if (p->measures[m].kind != PK_M_EXPR)
            return;
    const pk_input *ent = &p->inputs[p->entity];
    bool *read = rn_cols_read(R, p->entity);
    R->mcols = ar_alloc(R->a, ((size_t)ent->ncols + 1) * sizeof *R->mcols);
    R->nmcols = 0;
    for (int c = 0; c < ent->ncols; c++)
        if (read[c])
            R->mcols[R->nmcols++] = c;
    /* The fixed part of the key (a value takes at most 13 bytes besides a
     * text's) and the states must leave room for texts and cells. */
    size_t fixed = (size_t)p->nitems_total * 4 + (size_t)R->nmcols * 13;
    if (fixed > RN_MEMO_KEY / 2 || (size_t)p->nconds_total + (size_t)p->nflags > 64)
        return;
    R->wops = ar_alloc(R->a, ((size_t)R->ncols + 1) * sizeof *R->wops);
    R->nwops = 0;
    for (int c = 0; c < R->ncols; c++) {
        const rn_col *C = &R->cols[c];
        bool own = C->kind == RN_COL_OUT && p->outs[C->i].kind == PK_OUT_COLUMN;
        rn_wop *last = R->nwops ? &R->wops[R->nwops - 1] : NULL;
        if (!own && last && !last->own)
            last->ncols++;
        else
            R->wops[R->nwops++] = (rn_wop){c, 1, own, own ? p->outs[C->i].index : -1, false};
    }
    R->wops2 = R->wops;
    R->nwops2 = R->nwops;
    if (R->detail_wanted) {
        R->wops2 = ar_alloc(R->a, ((size_t)R->ncols + 1) * sizeof *R->wops2);
        R->nwops2 = 0;
        for (int c = 0; c < R->ncols; c++) {
            const rn_col *C = &R->cols[c];
            bool own = C->kind == RN_COL_OUT && p->outs[C->i].kind == PK_OUT_COLUMN;
            bool det = C->kind == RN_COL_DETAIL;
            rn_wop *last = R->nwops2 ? &R->wops2[R->nwops2 - 1] : NULL;
            if (!own && !det && last && !last->own && !last->detail)
                last->ncols++;
            else
                R->wops2[R->nwops2++] = (rn_wop){c, 1, own, own ? p->outs[C->i].index : -1, det};
        }
    }
    rn_memo_scratch(R);
    R->memo_on = !rn_memo_disabled();
    /* The detail text is the one cell that reads the counts themselves:
     * the second table keeps every cell but it, made for each row. */
    R->m2on = p->nitems_total > 0;
}

/* Puts value v in key k at *o: its kind and the bytes that tell values of
 * that kind apart (texts by content, a missing value by its cause, which
 * lives as long as the run); false if it does not fit RN_MEMO_KEY. */
static inline bool rn_memo_put(unsigned char *k, size_t *o, const vl_value *v)
{
    size_t n = *o;
    if (n + 13 > RN_MEMO_KEY)
        return false;
    k[n++] = (unsigned char)v->kind;
    switch (v->kind) {
    case VL_TEXT:
        if (n + 4 + v->n > RN_MEMO_KEY)
            return false;
        memcpy(k + n, &v->n, 4);
        memcpy(k + n + 4, v->u.p, v->n);
        n += 4 + (size_t)v->n;
        break;
    case VL_BOOL:
        k[n++] = v->u.b;
        break;
    case VL_DATE:
        memcpy(k + n, &v->u.date, 4);
        n += 4;
        break;
    case VL_ENUM:
        memcpy(k + n, &v->ord, 4);
        memcpy(k + n + 4, &v->u.en, sizeof v->u.en);
        n += 4 + sizeof v->u.en;
        break;
    default: /* an integer, a decimal's bits, a missing value's cause */
        memcpy(k + n, &v->u.i, 8);
        n += 8;
    }
    *o = n;
    return true;
}

/* The row's key: its tally counts (read in place), then in R->mkey each
 * column read; *kn the latter's length. */
static bool rn_memo_key(rn_run *R, const vl_value *vals, size_t *kn)
{
    size_t o = 0;
    for (int i = 0; i < R->nmcols; i++)
        if (!rn_memo_put(R->mkey, &o, &vals[R->mcols[i]]))
            return false;
    *kn = o;
    return true;
}

/* Mixes k[0..n) into h: a multiply per word (the slot is the hash's top
 * byte, which every bit of the words reaches). */
static uint64_t rn_memo_mix(uint64_t h, const unsigned char *k, size_t n)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t w;
    size_t i = 0;
    /* two words a step: the same hash, half the loop's tests */
    for (; i + 16 <= n; i += 16) {
        uint64_t v;
        memcpy(&w, k + i, 8);
        memcpy(&v, k + i + 8, 8);
        h = (h + w) * m;
        h = (h + v) * m;
    }
    if (i + 8 <= n) {
        memcpy(&w, k + i, 8);
        h = (h + w) * m;
        i += 8;
    }
    if (i < n) {
        w = 0;
        for (size_t j = 0; i + j < n; j++)
            w |= (uint64_t)k[i + j] << (8 * j);
        h = (h + w) * m;
    }
    return h;
}

/* a[0..n) == b[0..n) for a key of a few dozen bytes: inline, and with one
 * test at the end. memcmp is a call, and it stops at the first byte that
 * differs: where a key first differs from an entry's follows the data, and
 * a branch that follows the data is mispredicted. */
static inline bool rn_memo_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    uint64_t d = 0, x, y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        d |= x ^ y;
    }
    for (; i < n; i++)
        d |= (uint64_t)(a[i] ^ b[i]);
    return d == 0;
}

/* The hash of the key a[0..an) b[0..bn): a set is its top bits. */
static inline uint64_t rn_memo_hash(const unsigned char *a, size_t an, const unsigned char *b,
                                    size_t bn)
{
    uint64_t h = rn_memo_mix(rn_memo_mix(bn, a, an), b, bn);
    h ^= h >> 31;
    return h * 0xBF58476D1CE4E5B9ULL;
}

/* The way of a set (tags: its hashes) that holds the key a[0..an) b[0..bn)
 * of hash h, or NULL. The ways whose tags match are found with no branch a
 * way: which way a row's entry sits in follows the data, and a branch on
 * it is mispredicted. */
static inline rn_memo *rn_memo_find(rn_memo *ways, const uint64_t *tags, uint64_t h,
                                    const unsigned char *a, size_t an, const unsigned char *b,
                                    size_t bn)
{
    unsigned match = 0;
    for (int wy = 0; wy < RN_MEMO_WAYS; wy++)
        match |= (unsigned)(tags[wy] == h) << wy;
    while (match) { /* more than one: 64-bit hashes that collide */
        rn_memo *me = &ways[__builtin_ctz(match)];
        match &= match - 1;
        if (me->datan && me->keyn == an + bn && rn_memo_eq(me->b, a, an) &&
            rn_memo_eq(me->b + an, b, bn))
            return me;
    }
    return NULL;
}

/* A table of 2^setbits sets, made at first use (each worker its own). */
static void rn_memo_table(rn_run *R, rn_memo **memo, uint64_t **tags, int setbits)
{
    size_t n = (size_t)RN_MEMO_WAYS << setbits;
    *memo = ar_alloc(R->a, n * sizeof **memo);
    memset(*memo, 0, n * sizeof **memo);
    *tags = ar_alloc(R->a, n * sizeof **tags);
    memset(*tags, 0, n * sizeof **tags);
}

static void rn_memo_fold(rn_run *R, rn_memo *me);

/* The way a miss takes: the one used least (the last of equals), so a
 * combination met once (most are) does not push out one that many rows
 * share. It gets the key a[0..an) b[0..bn) and no result yet. */
static rn_memo *rn_memo_take(rn_run *R, rn_memo *ways, uint64_t *tags, uint64_t h,
                             const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    int victim = RN_MEMO_WAYS - 1;
    for (int wy = RN_MEMO_WAYS - 2; wy >= 0; wy--)
        if (ways[wy].uses < ways[victim].uses)
            victim = wy;
    if ((h & (RN_MEMO_AGE - 1)) == 0)
        for (int wy = 0; wy < RN_MEMO_WAYS; wy++)
            ways[wy].uses -= ways[wy].uses > 0;
    rn_memo *me = &ways[victim];
    if (me->hits)
        rn_memo_fold(R, me);
    me->uses = 1;
    tags[victim] = h;
    me->datan = 0;
    me->keyn = (uint16_t)(an + bn);
    memcpy(me->b, a, an);
    memcpy(me->b + an, b, bn);
    return me;
}

/* Entry to's result made src's, each under its own key; false if it does
 * not fit (to stays empty). */
static bool rn_memo_copy(rn_memo *to, const rn_memo *src)
{
    size_t n = (size_t)src->datan - src->keyn;
    if (to->keyn + n > RN_MEMO_BYTES)
        return false;
    memcpy(to->b + to->keyn, src->b + src->keyn, n);
    to->lv = src->lv;
    to->undecided = src->undecided;
    to->cello = (uint16_t)(to->keyn + (src->cello - src->keyn));
    to->lane = src->lane;
    to->datan = (uint16_t)(to->keyn + n);
    return true;
}

/* The second table, on a miss in the first or with the first left
 * (m1off): keyed on the row's tally totals and the aggregates over tally
 * items, where nothing written reads the counts but through them (no
 * detail column), so that members whose items differ but add up alike
 * share an entry. On a roster whose members have items, the counts take
 * tens of thousands of values where those take a few hundred; a miss in
 * the first table is then a copy, not an evaluation. The row's entry
 * there, or NULL with R->m2 the entry taken for it (NULL too if its key
 * does not fit). */
static rn_memo *rn_memo_tallied(rn_run *R, const vl_value *vals, const uint32_t *counts, size_t kn)
{
    const rf_pack *p = R->p;
    ex_env env;
    rn_env(R, &env, vals);
    R->mdn = rn_tallies(R, counts, &env, R->mdetail, R->detail_wanted ? RN_DETAIL_CAP : 0);
    size_t o = 0;
    for (int t = 0; t < p->ntallies; t++)
        if (!rn_memo_put(R->mkey2, &o, &R->tvals[t]))
            return NULL;
    for (int g = 0; g < p->naggs; g++)
        if (ex_agg_get(p->ex, g)->relation >= p->ninputs &&
            !rn_memo_put(R->mkey2, &o, &R->aggvals[g]))
            return NULL;
    if (o + kn > RN_MEMO_BYTES)
        return NULL;
    uint64_t h = rn_memo_hash(R->mkey2, o, R->mkey, kn);
    if (!R->memo2)
        rn_memo_table(R, &R->memo2, &R->mtags2, RN_MEMO2_SETBITS);
    size_t set = (size_t)(h >> (64 - RN_MEMO2_SETBITS)) * RN_MEMO_WAYS;
    rn_memo *e = rn_memo_find(&R->memo2[set], &R->mtags2[set], h, R->mkey2, o, R->mkey, kn);
    if (!e)
        R->m2 = rn_memo_take(R, &R->memo2[set], &R->mtags2[set], h, R->mkey2, o, R->mkey, kn);
    return e;
}

/* An entry's hits counted in the summary and the coverage at once, not a
 * row at a time: when the entry is given up, and before the run's (or a
 * piece's) summary is read (rn_memo_fold_all). */
static void rn_memo_fold(rn_run *R, rn_memo *me)
{
    const rf_pack *p = R->p;
    rf_coverage *cov = R->o->coverage;
    const uint64_t n = me->hits;
    const unsigned char *cs = me->b + me->keyn, *fs = cs + p->nconds_total;
    me->hits = 0;
    if (cov)
        for (int k = 0; k < p->nconds_total; k++) {
            cov->cond_true[k] += n * (cs[k] == 1);
            cov->cond_false[k] += n * (cs[k] == 0);
        }
    for (int f = 0; f < p->nflags; f++) {
        R->sum->flags[f].count += n * (fs[f] == 1);
        R->sum->flags[f].undecided += n * (fs[f] == 2);
        if (cov) {
            cov->flag_true[f] += n * (fs[f] == 1);
            cov->flag_false[f] += n * (fs[f] == 0);
        }
    }
    R->sum->entities += n;
    R->sum->undecided += n * me->undecided;
    R->sum->levels[me->lv].count += n;
    if (cov)
        cov->levels[me->lv] += n;
}

static void rn_memo_fold_all(rn_run *R)
{
    if (R->memo)
        for (size_t i = 0; i < RN_MEMO_SLOTS; i++)
            if (R->memo[i].hits)
                rn_memo_fold(R, &R->memo[i]);
    if (R->memo2)
        for (size_t i = 0; i < (size_t)RN_MEMO_WAYS << RN_MEMO2_SETBITS; i++)
            if (R->memo2[i].hits)
                rn_memo_fold(R, &R->memo2[i]);
}

/* A hit: the result the entry keeps, written (and counted, later:
 * rn_memo_fold). */
__attribute__((always_inline)) static inline void rn_memo_replay(rn_run *R, rn_memo *me,
                                                                 const vl_value *vals)
{
    me->hits++;
    wr_writer *w = &R->w;
    const unsigned char *cell = me->b + me->cello;
    int i = 0;
    /* CSV, as most rows go: room made once for the row's fixed part (the
     * entry's cells, which its bytes past the key bound, a separator each
     * and the line's end) and its own texts up to RN_MEMO_OWN bytes each,
     * and bytes straight into the buffer; from a cell that is not a plain
     * text on (or is longer), the calls below. Everything
     * the loop reads is in locals: stores through o may alias anything. */
    const size_t fixed = me->lane;
    const rn_wop *wops = R->wops;
    const int nwops = R->nwops;
    char *o = wr_lane(w, fixed + (size_t)nwops * RN_MEMO_OWN);
    if (o) {
        for (; i < nwops; i++) {
            const rn_wop op = wops[i];
            if (op.own) {
                const vl_value v = vals[op.vi];
                if (v.kind != VL_TEXT || v.n > RN_MEMO_OWN)
                    break;
                char *t = o + (op.col0 != 0);
                *o = ',';
                if (!wr_plain_put(t, v.u.p, v.n))
                    break;
                o = t + v.n;
                continue;
            }
            uint16_t n;
            memcpy(&n, cell, 2);
            ar_copy_short(o, (const char *)cell + 2, n);
            o += n;
            cell += 2 + n;
        }
        if (i == nwops) {
            *o++ = '\n';
            wr_lane_end(w, o, R->ncols);
            return;
        }
        wr_lane_end(w, o, R->wops[i].col0);
    } else {
        wr_row_begin(w);
    }
    for (; i < R->nwops; i++) {
        const rn_wop *op = &R->wops[i];
        if (op->own) {
            wr_value(w, vals[op->vi]);
            continue;
        }
        uint16_t n;
        memcpy(&n, cell, 2);
        wr_cells(w, (const char *)cell + 2, n, op->ncols);
        cell += 2 + n;
    }
    wr_row_end(w);
}

/* What a result's cells are written from, besides its row and values. */
typedef struct rn_cellset {
    size_t lv;
    const char *lid, *llab;
    const char *const *reasons;
    int nreasons;
    const char *detail;
    size_t dn;
} rn_cellset;

static inline void rn_write_col(rn_run *R, const rn_col *C, const vl_value *vals,
                                const rn_cellset *s)
{
    wr_writer *w = &R->w;
    switch (C->kind) {
    case RN_COL_OUT:
        wr_cell(w, rn_outval(R, vals, &R->p->outs[C->i]));
        break;
    case RN_COL_LEVEL:
        rn_repeated(w, R->cell_id[s->lv], R->cell_idn[s->lv], s->lid);
        break;
    case RN_COL_LABEL:
        rn_repeated(w, R->cell_label[s->lv], R->cell_labeln[s->lv], s->llab);
        break;
    case RN_COL_FLAG:
        wr_cell(w, R->fvals[C->i]);
        break;
    case RN_COL_REASONS:
        wr_list(w, s->reasons, s->nreasons);
        break;
    case RN_COL_DETAIL:
        wr_text(w, s->detail, s->dn);
        break;
    case RN_COL_PACK:
        if (R->cell_stamp)
            wr_encoded(w, R->cell_stamp, R->cell_stampn);
        else
            wr_text(w, R->stamp, R->stampn);
        break;
    }
}

/* Keeps in entry me (its key there) a row's outcome (states: one per
 * condition, then one per flag, as R->cstate) and, per run of wops that is
 * neither the row's own nor the detail, the bytes the row's cells took in
 * the writer's buffer (R->mat: where each column began, the row unflushed
 * since); an entry they do not fit stays empty. */
static void rn_memo_store(rn_run *R, rn_memo *me, const rn_wop *wops, int nwops,
                          const unsigned char *states, size_t lv, bool undecided)
{
    const rf_pack *p = R->p;
    const wr_writer *w = &R->w;
    size_t o = me->keyn, ns = (size_t)p->nconds_total + (size_t)p->nflags;
    me->datan = 0;
    if (o + ns > RN_MEMO_BYTES)
        return;
    memcpy(me->b + o, states, ns);
    o += ns;
    for (int i = 0; i < nwops; i++) {
        const rn_wop *op = &wops[i];
        if (op->own || op->detail)
            continue;
        size_t from = R->mat[op->col0];
        size_t n = w->f ? R->mat[op->col0 + op->ncols] - from : 0;
        if (o + 2 + n > RN_MEMO_BYTES)
            return;
        uint16_t n16 = (uint16_t)n;
        memcpy(me->b + o, &n16, 2);
        memcpy(me->b + o + 2, w->buf + from, n);
        o += 2 + n;
    }
    /* me->lane must hold the row's room: a row of more cells than that
     * (none seen) is not kept */
    if (o + (size_t)R->ncols + 1 > UINT16_MAX)
        return;
    me->lv = (uint16_t)lv;
    me->undecided = undecided;
    me->datan = (uint16_t)o;
    me->cello = (uint16_t)(me->keyn + ns);
    me->lane = (uint16_t)(o - me->keyn + (size_t)R->ncols + 1);
}

/* A miss: the row's cells written as ever, noting where each began, and
 * kept in the first table's entry me and the second's R->m2 (either may
 * be NULL), each in its own layout. */
static void rn_memo_fill(rn_run *R, rn_memo *me, const vl_value *vals, const rn_cellset *s,
                         bool undecided)
{
    const rf_pack *p = R->p;
    wr_writer *w = &R->w;
    unsigned long flushes = w->flushes;
    for (int c = 0; c < R->ncols; c++) {
        R->mat[c] = w->n;
        rn_write_col(R, &R->cols[c], vals, s);
    }
    R->mat[R->ncols] = w->n;
    if (flushes != w->flushes) /* the row's first bytes were handed on */
        return;
    unsigned char states[2 * 64 + 2];
    size_t ns = (size_t)p->nconds_total, nf = (size_t)p->nflags;
    memcpy(states, R->cstate, ns);
    for (size_t f = 0; f < nf; f++)
        states[ns + f] = R->fvals[f].kind == VL_MISSING ? 2 : R->fvals[f].u.b ? 1 : 0;
    if (me)
        rn_memo_store(R, me, R->wops, R->nwops, states, s->lv, undecided);
    if (R->m2)
        rn_memo_store(R, R->m2, R->wops2, R->nwops2, states, s->lv, undecided);
}

/* A hit in the second table where the detail is written: the row's cells
 * from entry e, its own and its detail (R->mdetail, dn bytes) from the
 * row; kept in the first table's entry me too if there is one. The row
 * is counted with e's hits. */
static void rn_memo_splice(rn_run *R, rn_memo *me, rn_memo *e, const vl_value *vals, size_t dn)
{
    wr_writer *w = &R->w;
    rn_cellset cs = {e->lv, NULL, NULL, NULL, 0, R->mdetail, dn};
    const unsigned char *cell = e->b + e->cello;
    unsigned long flushes = w->flushes;
    e->hits++;
    e->uses += e->uses < RN_MEMO_USES;
    wr_row_begin(w);
    for (int i = 0; i < R->nwops2; i++) {
        const rn_wop *op = &R->wops2[i];
        R->mat[op->col0] = w->n;
        if (op->own || op->detail) {
            rn_write_col(R, &R->cols[op->col0], vals, &cs);
            continue;
        }
        uint16_t n;
        memcpy(&n, cell, 2);
        wr_cells(w, (const char *)cell + 2, n, op->ncols);
        cell += 2 + n;
    }
    R->mat[R->ncols] = w->n;
    if (me && flushes == w->flushes)
        rn_memo_store(R, me, R->wops, R->nwops, e->b + e->keyn, e->lv, e->undecided);
    wr_row_end(w);
}

static void rn_evaluate(rn_run *R, const vl_value *vals, const ex_acc *accs, const dv_set *sets,
                        const uint32_t *counts, uint64_t line, size_t ord)
{
    const rf_pack *p = R->p;
    const pk_input *ent = &p->inputs[p->entity];
    rf_coverage *cov = R->o->coverage;
    bool explain = rn_is_explained(R, vals[ent->key]);
    if (cov)
        for (int i = 0; i < p->nitems_total; i++)
            cov->items[i] += counts[i] > 0;
    rn_memo *me = NULL;
    R->m2 = NULL;
    size_t kn, cn = (size_t)p->nitems_total * 4;
    /* The entry holds the counts and the key in its RN_MEMO_BYTES: a key
     * that fits RN_MEMO_KEY (a long text) may not fit there. */
    if (R->memo_on && !explain && rn_memo_key(R, vals, &kn) && cn + kn <= RN_MEMO_BYTES) {
        if (++R->mtries == RN_MEMO_TRIAL) {
            /* A hit saves a whole evaluation, a miss costs a key and a
             * copy: below one hit in eight it does not pay. */
            R->memo_on = R->mhits >= RN_MEMO_TRIAL / 8;
            R->m1off |= R->m2on && R->m1hits < RN_MEMO_TRIAL / 8;
            R->mtries = R->mhits = R->m1hits = 0;
        }
        if (R->m1off) {
            me = rn_memo_tallied(R, vals, counts, kn);
            if (me && R->detail_wanted) {
                R->mhits++;
                rn_memo_splice(R, NULL, me, vals, R->mdn);
                return;
            }
            if (me)
                goto hit;
            goto miss; /* R->m2 filled below, if its key fitted */
        }
        /* Every row is hashed: which rows agree with the row before
         * follows the data, and a branch on it is mispredicted, which
         * costs more than the hash (trying the last row's entry first, as
         * this did, was slower for it). */
        const unsigned char *ck = (const unsigned char *)counts;
        uint64_t h = rn_memo_hash(ck, cn, R->mkey, kn);
        if (!R->memo)
            rn_memo_table(R, &R->memo, &R->mtags, RN_MEMO_SETBITS);
        size_t set = (size_t)(h >> (64 - RN_MEMO_SETBITS)) * RN_MEMO_WAYS;
        me = rn_memo_find(&R->memo[set], &R->mtags[set], h, ck, cn, R->mkey, kn);
        R->m1hits += me != NULL;
        if (!me) {
            me = rn_memo_take(R, &R->memo[set], &R->mtags[set], h, ck, cn, R->mkey, kn);
            rn_memo *e = R->m2on ? rn_memo_tallied(R, vals, counts, kn) : NULL;
            if (e && R->detail_wanted) {
                R->mhits++;
                rn_memo_splice(R, me, e, vals, R->mdn);
                return;
            }
            if (!e || !rn_memo_copy(me, e))
                goto miss;
        }
    hit:
        /* One place a hit is replayed: rn_memo_replay is inlined here once. */
        R->mhits++;
        me->uses += me->uses < RN_MEMO_USES;
        rn_memo_replay(R, me, vals);
        return;
    }
miss:;
    ex_env env;
    rn_env(R, &env, vals);
    char detail[RN_DETAIL_CAP];
    size_t dn = rn_measures(R, &env, accs, sets, counts, ord, false, detail,
                            R->detail_wanted || explain ? sizeof detail : 0);
    ar_reset(R->scratch);
    bool levels = pk_has_level_column(p);
    if (explain) {
        if (p->ntallies)
            fprintf(R->xo, "detail: %s\n", dn ? detail : "(no items)");
        rn_explain_values(R, vals);
        if (R->nsets) {
            fputs("groups:\n", R->xo);
            for (int g = 0; g < p->naggs; g++)
                if (R->setslot[g] >= 0) {
                    char gs[2048];
                    const ex_agg *ag = ex_agg_get(p->ex, g);
                    dv_describe(R->groups, &sets[R->setslot[g]], ag, &accs[R->accslot[g]], gs,
                                sizeof gs);
                    fprintf(R->xo, "  %s: %s\n", ag->text, gs);
                }
        }
        if (levels)
            fputs("levels, most severe first:\n", R->xo);
    }
    rn_reasons rs = {NULL, 0, 0};
    int chosen = -1;
    bool level_undecided = false, undecided = false;
    int k = 0;
    for (int l = 0; l < p->nlevels; l++) {
        const pk_level *L = &p->levels[l];
        if (explain)
            fprintf(R->xo, "  %s (%s), if %s of:\n", L->id, L->label.zh, L->all ? "all" : "any");
        bool maybe, holds = rn_conds(R, L, &env, &k, explain, &rs, &maybe);
        if (chosen < 0 && maybe && !holds)
            level_undecided = true;
        if (chosen < 0 && holds)
            chosen = l;
    }
    if (explain && levels)
        fprintf(R->xo, "level: %s (%s)%s\n", chosen < 0 ? p->none_id : p->levels[chosen].id,
                chosen < 0 ? p->none.zh : p->levels[chosen].label.zh,
                level_undecided ? "; a more severe level could not be decided: values are missing"
                                : "");
    if (explain && p->nflags)
        fputs("flags:\n", R->xo);
    for (int f = 0; f < p->nflags; f++) {
        const pk_level *F = &p->flags[f];
        if (explain)
            fprintf(R->xo, "  %s (%s), if %s of:\n", F->id, F->label.zh, F->all ? "all" : "any");
        bool maybe, holds = rn_conds(R, F, &env, &k, explain, &rs, &maybe);
        /* Undecided is neither raised nor down: the cell stays empty and the
         * reasons say which value was missing. */
        R->fvals[f] = holds ? vl_bool(true) : maybe ? vl_missing(NULL) : vl_bool(false);
        R->sum->flags[f].count += holds;
        R->sum->flags[f].undecided += maybe && !holds;
        undecided |= maybe && !holds;
        if (cov) {
            cov->flag_true[f] += holds;
            cov->flag_false[f] += !holds && !maybe;
        }
    }
    undecided |= level_undecided;
    const char **reasons = rs.v;
    int nreasons = rs.n;
    size_t lv = chosen < 0 ? (size_t)p->nlevels : (size_t)chosen;
    R->sum->entities++;
    R->sum->undecided += undecided;
    R->sum->levels[lv].count++;
    if (cov)
        cov->levels[lv]++;
    const char *lid = chosen < 0 ? p->none_id : p->levels[chosen].id;
    const char *llab = chosen < 0 ? p->none.zh : p->levels[chosen].label.zh;
    if (explain && p->nflags)
        rn_explain_flags(R);
    R->xfound |= explain;

    rn_cellset cs = {lv, lid, llab, reasons, nreasons, detail, dn};
    wr_writer *w = &R->w;
    wr_row_begin(w);
    if (me || R->m2)
        rn_memo_fill(R, me, vals, &cs, undecided);
    else
        for (int c = 0; c < R->ncols; c++)
            rn_write_col(R, &R->cols[c], vals, &cs);
    wr_row_end(w);

    if (R->o->on_result) {
        size_t nf =
            (size_t)p->nouts + (size_t)p->nflags + (size_t)p->nmeasures + (size_t)p->ntallies;
        const char **names = ar_alloc(R->scratch, (nf + 1) * sizeof *names);
        const char **values = ar_alloc(R->scratch, (nf + 1) * sizeof *values);
        size_t n = 0;
        for (int i = 0; i < p->nouts; i++) {
            names[n] = p->outs[i].name;
            values[n++] = rn_fmt(R, rn_outval(R, vals, &p->outs[i]));
        }
        for (int f = 0; f < p->nflags; f++) {
            names[n] = p->flags[f].id;
            values[n++] = rn_fmt(R, R->fvals[f]);
        }
        for (int m = 0; m < p->nmeasures; m++)
            if (!rn_listed(p, PK_OUT_MEASURE, m)) {
                names[n] = p->measures[m].name;
                values[n++] = rn_fmt(R, R->mvals[m]);
            }
        for (int t = 0; t < p->ntallies; t++)
            if (!rn_listed(p, PK_OUT_TALLY, t)) {
                names[n] = p->tallies[t].name;
                values[n++] = rn_fmt(R, R->tvals[t]);
            }
        rf_result r = {rn_fmt(R, vals[ent->key]),
                       line,
                       lid,
                       llab,
                       n,
                       names,
                       values,
                       (size_t)nreasons,
                       reasons,
                       p->ntallies ? detail : "",
                       undecided};
        if (R->o->on_result(R->o->ctx, &r) != 0)
            R->stopped = true;
    }
}

/* ---- streaming callbacks ----------------------------------------------- */

typedef struct rn_ctx {
    rn_run *R;
    rn_in *I;
} rn_ctx;

static void rn_counts_from_cols(rn_run *R, const vl_value *vals, uint32_t *counts)
{
    for (int k = 0; k < R->ncountcols; k++) {
        vl_value v = vals[R->countcol[k]];
        counts[R->countslot[k]] += v.kind == VL_INT ? (uint32_t)v.u.i : 0;
    }
}

/* A second row for the key ks[0..kn) whose first row is on line `first`. */
static int rn_reject_dup(rn_run *R, rn_in *I, const cs_row *row, const char *ks, size_t kn,
                         uint64_t first)
{
    snprintf(R->reason, sizeof R->reason, "duplicate %s '%.*s' (first at line %llu)",
             I->pin->cols[I->pin->key].id, (int)kn, ks, (unsigned long long)first);
    return rn_reject(R, I, row, R->reason);
}

/* Room for one more id of n bytes, within the bounds. */
static bool rn_seen_fits(const rn_run *R, size_t n)
{
    return R->nseen < RN_SEEN_MAX && R->seentn + n <= RN_SEEN_TEXT;
}

/* The id's slot in the table: an empty one (id 0) if it is not there. */
static rn_sslot *rn_seen_slot(const rn_run *R, const char *s, size_t n, uint64_t hv)
{
    size_t mask = R->stabcap - 1;
    uint32_t tag = (uint32_t)(hv >> 32);
    for (size_t h = tag & mask;; h = (h + 1) & mask) {
        rn_sslot *sl = &R->stab[h];
        if (!sl->id)
            return sl;
        if (sl->tag == tag) {
            const rn_seen *e = &R->seen[sl->id - 1];
            if (e->n == n && memcmp(R->seentext + e->off, s, n) == 0)
                return sl;
        }
    }
}

/* A table of cap slots for the ids listed so far. An id's home slot is
 * its tag's low bits, so a bigger table is made from the slots of the one
 * before, each id once and none hashed again; past 2 MiB on huge pages
 * (rn_huge): it is probed in no order. */
static void rn_seen_table(rn_run *R, size_t cap)
{
    size_t bytes = cap * sizeof *R->stab, mask = cap - 1;
    rn_sslot *tab = bytes >= ((size_t)2 << 20) ? rn_huge(bytes) : ar_xmalloc(bytes);
    memset(tab, 0, bytes);
    rn_sslot *old = R->stab;
    size_t oldcap = R->stabcap;
    R->stab = tab;
    R->stabcap = cap;
    R->seen_hashed = true;
    R->seenq = 0;
    /* the ids are distinct: each takes the first empty slot from its home */
    if (old) {
        for (size_t i = 0; i < oldcap; i++) {
            if (!old[i].id)
                continue;
            size_t h = old[i].tag & mask;
            while (tab[h].id)
                h = (h + 1) & mask;
            tab[h] = old[i];
        }
        free(old);
        return;
    }
    for (size_t i = 0; i < R->nseen; i++) {
        uint64_t hv = rn_hash(R->seentext + R->seen[i].off, R->seen[i].n);
        size_t h = (hv >> 32) & mask;
        while (tab[h].id)
            h = (h + 1) & mask;
        tab[h] = (rn_sslot){(uint32_t)(hv >> 32), (uint32_t)i + 1};
    }
}

/* p (used of *cap elements of `size` bytes) with room for need: doubled
 * from `first` while at most 2 MiB, then the bound at once, on huge pages
 * (rn_huge): one copy of 2 MiB, no fault a 4 KiB page, no copy after (the
 * bounds, rn_seen_fits, keep need within it). */
static void *rn_seen_room(void *p, size_t used, size_t *cap, size_t need, size_t first,
                          size_t bound, size_t size)
{
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    void *q;
    if (c * size > ((size_t)2 << 20)) {
        c = bound;
        q = rn_huge(c * size);
        if (used)
            memcpy(q, p, used * size);
        free(p);
    } else {
        q = ar_xrealloc(p, c * size);
    }
    *cap = c;
    return q;
}

/* Append an id to the list (rn_seen_fits said there is room). */
static void rn_seen_keep(rn_run *R, const char *s, size_t n, uint64_t line)
{
    if (R->nseen == R->capseen)
        R->seen = rn_seen_room(R->seen, R->nseen, &R->capseen, R->nseen + 1, 4096, RN_SEEN_MAX,
                               sizeof *R->seen);
    if (R->seentn + n > R->seentcap)
        R->seentext = rn_seen_room(R->seentext, R->seentn, &R->seentcap, R->seentn + n, 65536,
                                   RN_SEEN_TEXT, 1);
    ar_copy_short(R->seentext + R->seentn, s, n);
    R->seen[R->nseen++] = (rn_seen){line, (uint32_t)R->seentn, (uint32_t)n};
    R->seentn += n;
}

static void rn_seen_stop(rn_run *R, rn_in *I, uint64_t line)
{
    R->seen_full = true;
    R->seenq = 0;
    if (R->nseen < RN_SEEN_MAX)
        dg_add(R->d, RF_WARNING, RF_CLASS_INPUT, I->st->path, line, 0, 0, NULL,
               "more than %zu MiB of %s values, not in order: duplicates from this line on are "
               "not looked for",
               RN_SEEN_TEXT >> 20, I->pin->cols[I->pin->key].id);
    else
        dg_add(R->d, RF_WARNING, RF_CLASS_INPUT, I->st->path, line, 0, 0, NULL,
               "more than %zu %s values, not in order: duplicates from this line on are not "
               "looked for",
               RN_SEEN_MAX, I->pin->cols[I->pin->key].id);
}

/* A number in 7-bit groups, low first, the high bit saying more follow. */
static unsigned char *rn_put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static const unsigned char *rn_get_varint(const unsigned char *p, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned sh = 0;; sh += 7) {
        unsigned char b = *p++;
        x |= (uint64_t)(b & 0x7f) << sh;
        if (b < 0x80)
            break;
    }
    *v = x;
    return p;
}

/* A block of the front-coded list: records never span two. Past the first,
 * blocks are huge pages (rn_huge): the list grows without a copy, and a
 * million ids in order fault a few pages, not a thousand. */
typedef struct rn_zblock {
    struct rn_zblock *next;
    size_t used, cap;
    unsigned char b[];
} rn_zblock;

/* A new last block with room for need bytes. */
static rn_zblock *rn_seen_zgrow(rn_run *R, size_t need)
{
    size_t size = (size_t)64 << 10;
    if (R->seenz)
        size = (size_t)2 << 20;
    if (size < need + sizeof(rn_zblock))
        size = need + sizeof(rn_zblock);
    rn_zblock *z = R->seenz ? rn_huge(size) : ar_xmalloc(size);
    if (R->seenz)
        size = (size + ((size_t)2 << 20) - 1) & ~(((size_t)2 << 20) - 1); /* as rn_huge rounds */
    z->next = NULL;
    z->used = 0;
    z->cap = size - sizeof(rn_zblock);
    if (R->seenzt)
        R->seenzt->next = z;
    else
        R->seenz = z;
    R->seenzt = z;
    return z;
}

static void rn_seen_zfree(rn_run *R)
{
    for (rn_zblock *z = R->seenz, *next; z; z = next) {
        next = z->next;
        free(z);
    }
    R->seenz = R->seenzt = NULL;
}

/* Keep id s[0..n) of line `line`, in order, sharing its first `pre` bytes
 * with the previous id: coded as the step from the line coded last, pre
 * (0 when the previous id was not kept: past the text bound a shorter id
 * may still fit) and the bytes past it. Counted as rn_seen_keep counts. */
static void rn_seen_code(rn_run *R, const char *s, size_t n, size_t pre, uint64_t line)
{
    if (R->seenzcut)
        pre = 0;
    /* three numbers of at most 10 bytes each, and the bytes */
    rn_zblock *z = R->seenzt;
    if (!z || z->cap - z->used < n + 30)
        z = rn_seen_zgrow(R, n + 30);
    unsigned char *p = z->b + z->used;
    uint64_t step = line - R->seenzline;
    size_t rest = n - pre;
    if (step < 0x80 && pre < 0x80 && rest < 0x80) {
        p[0] = (unsigned char)step;
        p[1] = (unsigned char)pre;
        p[2] = (unsigned char)rest;
        p += 3;
    } else {
        p = rn_put_varint(p, step);
        p = rn_put_varint(p, pre);
        p = rn_put_varint(p, rest);
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 8 && rest <= 8) {
        /* the id's last eight bytes, moved down to its last `rest`: one
         * store of eight (the block has room past them), no byte loop */
        uint64_t w;
        memcpy(&w, s + n - 8, 8);
        w = rest ? w >> (8 * (8 - rest)) : 0;
        memcpy(p, &w, 8);
    } else
#endif
        ar_copy_short((char *)p, s + pre, rest);
    z->used = (size_t)(p + rest - z->b);
    R->seenzline = line;
    R->seenzcut = false;
    R->nseen++;
    R->seentn += n;
}

/* The first id out of order: the front-coded list becomes the list the
 * table is built on, each id whole (rn_seen_code undone). */
static void rn_seen_decode(rn_run *R)
{
    size_t nseen = R->nseen, tn = R->seentn;
    R->seen = rn_seen_room(NULL, 0, &R->capseen, nseen + 1, 4096, RN_SEEN_MAX, sizeof *R->seen);
    R->seentext = rn_seen_room(NULL, 0, &R->seentcap, tn, 65536, RN_SEEN_TEXT, 1);
    const rn_zblock *z = R->seenz;
    const unsigned char *p = z ? z->b : NULL;
    uint64_t line = 0;
    size_t off = 0, prev = 0;
    for (size_t i = 0; i < nseen; i++) {
        if (p == z->b + z->used) {
            z = z->next;
            p = z->b;
        }
        uint64_t step, pre, rest;
        p = rn_get_varint(p, &step);
        p = rn_get_varint(p, &pre);
        p = rn_get_varint(p, &rest);
        line += step;
        memmove(R->seentext + off, R->seentext + prev, (size_t)pre);
        memcpy(R->seentext + off + pre, p, (size_t)rest);
        p += rest;
        R->seen[i] = (rn_seen){line, (uint32_t)off, (uint32_t)(pre + rest)};
        prev = off;
        off += (size_t)(pre + rest);
    }
    rn_seen_zfree(R);
}

/* Where s[0..n) and t[0..tn) first differ: min(n, tn) if one starts the
 * other. Eight bytes at a time, the last eight overlapping the ones before,
 * as ids are short and mostly agree. */
static size_t rn_common(const char *s, size_t n, const char *t, size_t tn)
{
    size_t m = n < tn ? n : tn, i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (m >= 8) {
        uint64_t a, b;
        for (; i + 8 <= m; i += 8) {
            memcpy(&a, s + i, 8);
            memcpy(&b, t + i, 8);
            if (a != b)
                return i + (size_t)__builtin_ctzll(a ^ b) / 8;
        }
        if (i == m)
            return m;
        /* the bytes before i agree, so the first that differs is past it */
        memcpy(&a, s + m - 8, 8);
        memcpy(&b, t + m - 8, 8);
        return a != b ? m - 8 + (size_t)__builtin_ctzll(a ^ b) / 8 : m;
    }
#endif
    while (i < m && s[i] == t[i])
        i++;
    return i;
}

/* a[0..an) after b[0..bn), as bytes (no memcmp call: ids are short) */
static bool rn_key_after(const char *a, size_t an, const char *b, size_t bn)
{
    size_t d = rn_common(a, an, b, bn);
    return d < an && (d == bn || (unsigned char)a[d] > (unsigned char)b[d]);
}

/* rn_run.seenq after an id was kept or passed over: the ids as long as
 * it that rn_seen_quick may keep, each at most 3 + 8 bytes of the block
 * and n of the text, before the block's room (n + 30 before each, as
 * rn_seen_code wants), RN_SEEN_MAX or RN_SEEN_TEXT need a look. */
static void rn_seen_budget(rn_run *R)
{
    size_t n = R->lastn;
    const rn_zblock *z = R->seenzt;
    R->seenq = 0;
    if (n < 8 || n > 16 || R->seen_hashed || R->seen_full || R->seenzcut || !z ||
        z->cap - z->used < n + 30 || !rn_seen_fits(R, n))
        return;
    size_t k = (z->cap - z->used - (n + 30)) / 11 + 1, kn = RN_SEEN_MAX - R->nseen,
           kt = (RN_SEEN_TEXT - R->seentn - n) / n + 1;
    R->seenq = k < kn ? (k < kt ? k : kt) : (kn < kt ? kn : kt);
}

/* s[0..n) of line `line` is after the previous id, which it shares d bytes
 * with: keep it, and it is the previous id now. */
static void rn_seen_next(rn_run *R, const char *s, size_t n, size_t d, uint64_t line)
{
    /* Past the bound the list stops growing, but order alone still rules
     * out every repeat but the previous id. */
    if (rn_seen_fits(R, n))
        rn_seen_code(R, s, n, d, line);
    else
        R->seenzcut = true;
    if (n > R->lastcap) {
        R->lastcap = n * 2 + 16;
        R->lastid = ar_xrealloc(R->lastid, R->lastcap);
    }
    if (n >= 8 && n <= 16) /* four moves, fewer than a short tail's loop */
        ar_copy_short(R->lastid, s, n);
    else if (n > d) /* the bytes past what the two share */
        ar_copy_short(R->lastid + d, s + d, n - d);
    R->lastn = n;
    R->lastline = line;
    rn_seen_budget(R);
}

/* The id out of order or looked up: its earlier line, or 0 and it is kept.
 * Out of line: the in-order path that calls it saves no registers for it. */
__attribute__((noinline)) static uint64_t rn_seen_look(rn_run *R, rn_in *I, const char *s, size_t n,
                                                       uint64_t line, const uint64_t *hvp)
{
    if (!rn_seen_fits(R, n)) {
        rn_seen_stop(R, I, line);
        return 0;
    }
    if (!R->seen_hashed) {
        rn_seen_decode(R);
        size_t cap = 4096;
        while (cap < (R->nseen + 1) * 2)
            cap *= 2;
        rn_seen_table(R, cap);
    } else if ((R->nseen + 1) * 2 > R->stabcap) {
        rn_seen_table(R, R->stabcap * 2);
    }
    uint64_t hv = hvp ? *hvp : rn_hash(s, n);
    rn_sslot *sl = rn_seen_slot(R, s, n, hv);
    if (sl->id)
        return R->seen[sl->id - 1].line;
    rn_seen_keep(R, s, n, line);
    *sl = (rn_sslot){(uint32_t)(hv >> 32), (uint32_t)R->nseen};
    return 0;
}

/* Does s[0..n) come after the previous id t[0..n) (8 to 16 bytes each)? d:
 * the first byte where they differ; a0, a1: s's first and last 8 bytes,
 * which the callers keep. A repeat is not after. Where words are not
 * little-endian (their lowest byte is not the first), always false: the
 * in-order paths are then never taken, and rn_seen_add decides. */
static inline bool rn_seen_after(const char *s, const char *t, size_t n, uint64_t *a0, uint64_t *a1,
                                 size_t *d)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t b0, b1;
    memcpy(a0, s, 8);
    memcpy(&b0, t, 8);
    memcpy(a1, s + n - 8, 8);
    memcpy(&b1, t + n - 8, 8);
    if (*a0 != b0)
        *d = (size_t)__builtin_ctzll(*a0 ^ b0) / 8;
    else if (*a1 != b1) /* the bytes before 8 agree: the first that differs is past them */
        *d = n - 8 + (size_t)__builtin_ctzll(*a1 ^ b1) / 8;
    else
        return false;
    return (unsigned char)s[*d] > (unsigned char)t[*d];
#else
    (void)s, (void)t, (void)n, (void)a0, (void)a1, (void)d;
    return false;
#endif
}

/* The id whose first and last 8 bytes are a0 and a1 (n bytes, as long as
 * the previous one) is the previous one now. */
static inline void rn_seen_last(rn_run *R, uint64_t a0, uint64_t a1, size_t n, uint64_t line)
{
    memcpy(R->lastid, &a0, 8);
    memcpy(R->lastid + n - 8, &a1, 8);
    R->lastline = line;
}

/* Past the list's bound (RN_SEEN_MAX ids or RN_SEEN_TEXT bytes) an id in
 * order is only compared with the one before, which it replaces (as
 * rn_seen_add and rn_seen_next do): the usual one (8 to 16 bytes, as long as
 * the one before and after it) here, inline, as most rows of a long sorted
 * sheet are. false: rn_seen_add decides. */
static inline bool rn_seen_past(rn_run *R, const char *s, size_t n, uint64_t line)
{
    uint64_t a0, a1;
    size_t d;
    if (n < 8 || n > 16 || R->seen_hashed || R->seen_full || rn_seen_fits(R, n) ||
        !rn_seen_after(s, R->lastid, n, &a0, &a1, &d))
        return false;
    rn_seen_last(R, a0, a1, n, line);
    return true;
}

/* The usual id of a sorted sheet, checked and kept inline: as long as the
 * previous one (8 to 16 bytes), after it, differing in its last 8 bytes,
 * a line step and lengths of one byte each, room in the block. false: not
 * so (a repeat among them), rn_seen_add decides. */
static inline bool rn_seen_quick(rn_run *R, const char *s, size_t n, uint64_t line)
{
    if (n != R->lastn || !R->seenq) /* seenq: n is 8 to 16, the block has room */
        return R->seenzcut && n == R->lastn && rn_seen_past(R, s, n, line);
    uint64_t a0, a1;
    size_t d;
    if (!rn_seen_after(s, R->lastid, n, &a0, &a1, &d))
        return false;
    size_t rest = n - d;
    uint64_t step = line - R->seenzline;
    if (rest > 8 || step >= 0x80)
        return false;
    rn_zblock *z = R->seenzt;
    R->seenq--;
    /* as rn_seen_code codes it: step, shared length, the bytes past it */
    unsigned char *p = z->b + z->used;
    p[0] = (unsigned char)step;
    p[1] = (unsigned char)d;
    p[2] = (unsigned char)rest;
    uint64_t w = a1 >> (8 * (8 - rest));
    memcpy(p + 3, &w, 8);
    z->used += 3 + rest;
    R->seenzline = line;
    R->nseen++;
    R->seentn += n;
    rn_seen_last(R, a0, a1, n, line);
    return true;
}

/* The line of an earlier row with the same id, or 0 (and the id is noted). */
static uint64_t rn_seen_add(rn_run *R, rn_in *I, const char *s, size_t n, uint64_t line,
                            const uint64_t *hvp)
{
    if (R->seen_full)
        return 0;
    if (R->seen_hashed)
        return rn_seen_look(R, I, s, n, line, hvp);
    size_t d = rn_common(s, n, R->lastid, R->lastn);
    /* s is after the previous id if it differs by a greater byte at d, or
     * the previous id is all of s's start */
    if (!R->lastline ||
        (d < n && (d == R->lastn || (unsigned char)s[d] > (unsigned char)R->lastid[d]))) {
        rn_seen_next(R, s, n, d, line);
        return 0;
    }
    if (d == n && n == R->lastn)
        return R->lastline;
    return rn_seen_look(R, I, s, n, line, hvp);
}

/* A row of a related input a worker read and checked, to be folded into
 * its entity by the main thread, in input order. */
typedef struct rn_rec {
    rn_ent *e;      /* NULL: a derived entity, found or made when folded */
    const char *ks; /* its key, if so */
    size_t kn;
    vl_value *vals; /* text copied */
    /* What the worker evaluated of the row for each aggregate over the
     * input (ex_agg_pre; where: rn_step.pc, pa), the row's values then not
     * kept (vals NULL); NULL: the main thread evaluates the row. */
    vl_value *pre;
    int *items;
    int nitems;
    bool fold;        /* false: the row only makes its derived entity (outside the period) */
    cs_field *fields; /* the row's cells, when a second pick match may name the row */
    size_t nfields;
    uint64_t line;
    uint64_t rejoff; /* bytes of the rejects report the worker wrote before the row */
    size_t ndiag;    /* and diagnostics */
} rn_rec;

/* A piece of an input read by a worker, and what reading it gave, held
 * until the main thread writes it out in input order. */
typedef struct rn_id {
    uint64_t hash, line;
    size_t off, n;
} rn_id;

typedef struct rn_chunk {
    unsigned char *buf;
    size_t n, cap;
    uint64_t off, line; /* where it starts in the file */
    FILE *of, *rf;      /* streams into out and rej, kept for the run */
    char *out, *rej;    /* results and rejects report, as written */
    size_t outn, rejn;
    rf_diags *d;
    rf_summary sum;
    rf_coverage *cov;
    uint64_t blank;
    int rc;
    bool ready;
    /* The ids of the rows that reached the duplicate check, in order: the
     * main thread checks them against every earlier piece. */
    rn_id *keys;
    size_t nkeys, capkeys;
    char *ktext;
    size_t ktn, ktcap;
    /* Each id after the one before: while so the ids are not hashed (the
     * main thread, sorted so far, needs none; if not, it hashes them). */
    bool ksorted;
    /* A piece of a related input: the rows to fold, their values and text
     * in ra (emptied for every piece). */
    rn_rec *recs;
    size_t nrecs, caprecs;
    ar_arena *ra;
    bool raw;        /* keep each row's cells (rn_rec.fields) */
    bool pre;        /* evaluate each row's aggregate arguments (rn_rec.pre) */
    uint64_t said;   /* report lines counted when rejoff was taken */
    uint64_t rejoff; /* the rejects report's length then */
} rn_chunk;

static uint64_t rn_key_note(rn_chunk *c, const char *s, size_t n, uint64_t line)
{
    if (c->nkeys == c->capkeys) {
        c->capkeys = c->capkeys ? c->capkeys * 2 : 1024;
        c->keys = ar_xrealloc(c->keys, c->capkeys * sizeof *c->keys);
    }
    if (c->ktn + n + 1 > c->ktcap) {
        while (c->ktn + n + 1 > c->ktcap)
            c->ktcap = c->ktcap ? c->ktcap * 2 : 16384;
        c->ktext = ar_xrealloc(c->ktext, c->ktcap);
    }
    memcpy(c->ktext + c->ktn, s, n);
    if (c->ksorted && c->nkeys) {
        const rn_id *p = &c->keys[c->nkeys - 1];
        if (!rn_key_after(s, n, c->ktext + p->off, p->n)) {
            c->ksorted = false; /* out of order: every id is hashed, here */
            for (size_t i = 0; i < c->nkeys; i++)
                c->keys[i].hash = rn_hash(c->ktext + c->keys[i].off, c->keys[i].n);
        }
    }
    c->keys[c->nkeys++] = (rn_id){c->ksorted ? 0 : rn_hash(s, n), line, c->ktn, n};
    c->ktn += n;
    return 0;
}

static int rn_stream_row(void *ctx, const cs_row *row)
{
    rn_ctx *c = ctx;
    rn_run *R = c->R;
    rn_in *I = c->I;
    I->st->rows++;
    if (row->problem && rn_read_problem(R, I, row))
        return rn_reject(R, I, row, row->problem);
    /* Ids out of order are looked up in a table larger than the caches on
     * a long sheet: the id's slot is fetched while the row converts. */
    const char *ks;
    size_t kn;
    uint64_t hv;
    const uint64_t *hvp = NULL;
    if (R->seen_hashed && !R->seen_full && !R->keys && (size_t)I->pos[I->pin->key] < row->nfields) {
        rn_keytext(row, I, I->pin->key, &ks, &kn);
        hv = rn_hash(ks, kn);
        __builtin_prefetch(&R->stab[(hv >> 32) & (R->stabcap - 1)]);
        hvp = &hv;
    }
    if (!row->counted) /* else the reader zeroed them and added its cells (rn_reader_counts) */
        memset(R->stream_counts, 0, (size_t)R->p->nitems_total * sizeof *R->stream_counts);
    bool quick = rn_convert_quick(I, row, R->rowvals);
    if (!quick && !rn_convert_all(R, I, row, R->rowvals))
        return rn_reject(R, I, row, R->reason);
    if (quick && I->keyfast) {
        ks = R->rowvals[I->pin->key].u.p;
        kn = R->rowvals[I->pin->key].n;
    } else {
        rn_keytext(row, I, I->pin->key, &ks, &kn);
    }
    uint64_t first = R->keys ? rn_key_note(R->keys, ks, kn, row->line)
                     : rn_seen_quick(R, ks, kn, row->line)
                         ? 0
                         : rn_seen_add(R, I, ks, kn, row->line, hvp);
    if (first)
        return rn_reject_dup(R, I, row, ks, kn, first);
    if (R->xkey && rn_is_explained(R, R->rowvals[I->pin->key])) {
        fprintf(R->xo, "%s (%s):\n", I->pin->name, I->st->path);
        rn_xrow(R, I, row, "the entity's row");
    }
    I->st->used++;
    if (!R->rk) {
        rn_evaluate(R, R->rowvals, R->empty_accs, R->empty_sets, R->stream_counts, row->line, 0);
        return 0;
    }
    /* One bit per row read says which rows the second read evaluates: the
     * rows rejected now are passed over then without a word. */
    size_t k = (size_t)(I->st->rows - 1);
    if (k / 64 >= R->capused) {
        size_t cap = R->capused ? R->capused * 2 : 1024;
        R->used = ar_xrealloc(R->used, cap * sizeof *R->used);
        memset(R->used + R->capused, 0, (cap - R->capused) * sizeof *R->used);
        R->capused = cap;
    }
    R->used[k / 64] |= (uint64_t)1 << (k % 64);
    R->nused++;
    rn_rank_note(R, R->rowvals, R->empty_accs, R->empty_sets, R->stream_counts);
    return 0;
}

/* The second read of a streamed input for a ranking pack: the rows the first
 * read used, in the same order, now evaluated with their ranks. Rejects and
 * counts were said the first time. */
static int rn_stream_again(void *ctx, const cs_row *row)
{
    rn_ctx *c = ctx;
    rn_run *R = c->R;
    rn_in *I = c->I;
    size_t k = R->row++;
    if (k / 64 >= R->capused || !(R->used[k / 64] >> (k % 64) & 1) || R->next >= R->nused)
        return 0;
    memset(R->stream_counts, 0, (size_t)R->p->nitems_total * sizeof *R->stream_counts);
    if (!rn_convert(R, I, row, R->rowvals)) {
        dg_add(R->d, RF_ERROR, RF_CLASS_INPUT, I->st->path, row->line, 0, 0, NULL,
               "the file changed while it was read twice (for the ranking): %s", R->reason);
        return -1;
    }
    rn_evaluate(R, R->rowvals, R->empty_accs, R->empty_sets, R->stream_counts, row->line,
                R->next++);
    return R->stopped ? 1 : 0;
}

/* Read the entity input a second time (rn_stream_again), in the encoding the
 * first read found, with the header bound as before. */
static int rn_read_again(rn_run *R, rn_in *I)
{
    rf_diags *quiet = rf_diags_new();
    cs_options co = {cs_detected(I->r), (unsigned char)I->given->delimiter};
    cs_reader *r = cs_open(I->given->path, I->pin->name, &co, quiet);
    int rc = -1;
    if (r && cs_header_count(r) == cs_header_count(I->r)) {
        cs_reader *first = I->r;
        rn_digits(I, r);
        I->r = r;
        R->again = true;
        rn_ctx c = {R, I};
        rc = cs_read(r, rn_stream_again, &c, R->d);
        R->again = false;
        I->r = first;
    } else {
        dg_add(R->d, RF_ERROR, RF_CLASS_INPUT, I->st->path, 0, 0, 0, NULL,
               "cannot read the file a second time, for the ranking%s%s",
               rf_diags_count(quiet) ? ": " : " (its header changed)",
               rf_diags_count(quiet) ? rf_diags_get(quiet, 0)->message : "");
    }
    if (r)
        cs_close(r);
    rf_diags_free(quiet);
    if (rc == 0 && R->next != R->nused) {
        dg_add(R->d, RF_ERROR, RF_CLASS_INPUT, I->st->path, 0, 0, 0, NULL,
               "the file changed while it was read twice (for the ranking): %zu of %zu rows "
               "found again",
               R->next, R->nused);
        rc = -1;
    }
    return rc;
}

static vl_value rn_copy(rn_run *R, vl_value v)
{
    if (v.kind == VL_TEXT)
        v.u.p = ar_strndup(R->a, v.u.p, v.n);
    return v;
}

/* Bytes from p up to the next multiple of `to` (a power of two); 16 is
 * what the arena aligns to, enough for every part of an entity. */
static size_t rn_pad(uintptr_t p, size_t to)
{
    return (size_t)(-p & (to - 1));
}

/* size bytes (a multiple of 64) on a cache line, zeroed, for the run. */
static void *rn_block(rn_run *R, size_t size)
{
    if (size > R->slableft) {
        /* Past the first two slabs, slabs of 4 MiB on huge pages (rn_huge) */
        bool huge = R->nslabs >= 2;
        size_t alloc = huge ? (size_t)4 << 20 : (size_t)1 << 20;
        if (size + 128 > alloc)
            alloc = size + 128;
        char *m = huge ? rn_huge(alloc) : ar_xmalloc(alloc);
        R->nslabs++;
        memcpy(m, &R->slabs, sizeof(char *));
        R->slabs = m;
        R->slab = m + sizeof(char *);
        R->slab += rn_pad((uintptr_t)R->slab, 64);
        R->slableft = (size_t)(m + alloc - R->slab);
    }
    void *b = R->slab;
    R->slab += size;
    R->slableft -= size;
    memset(b, 0, size);
    return b;
}

/* Where the parts of every entity's block start, in the order rn_ent
 * says: the same in every block of the run, the text aside. */
static void rn_layout(rn_run *R, int entcols, int entkey)
{
    size_t acco = sizeof(rn_ent) + (size_t)R->p->ninputs * sizeof(uint32_t);
    acco += rn_pad(acco, 8);
    size_t cnto = acco + (size_t)R->naccs * sizeof(ex_acc);
    size_t plo = cnto + (size_t)R->p->nitems_total * sizeof(uint32_t);
    plo += rn_pad(plo, 16);
    size_t seto = plo + (size_t)R->npicks * sizeof(uint64_t);
    seto += rn_pad(seto, 16);
    size_t valo = seto + (size_t)R->nsets * sizeof(dv_set);
    valo += rn_pad(valo, 16);
    size_t texto = valo + (size_t)entcols * sizeof(vl_value);
    if (texto > UINT32_MAX / 2)
        ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
    R->acco = (uint32_t)acco;
    R->cnto = (uint32_t)cnto;
    R->plo = (uint32_t)plo;
    R->seto = (uint32_t)seto;
    R->valo = (uint32_t)valo;
    R->texto = (uint32_t)texto;
    R->entcols = entcols;
    R->entkey = entkey;
}

/* A new entity with the row vals[0..R->entcols) (the key column as trimmed
 * text ks[0..kn)), its accumulators empty: one block, starting on a cache
 * line, laid out as rn_layout says. */
static rn_ent *rn_ent_add(rn_run *R, const vl_value *vals, const char *ks, size_t kn, uint64_t line)
{
    int ncols = R->entcols, key = R->entkey;
    size_t size = R->texto + kn + 1;
    for (int i = 0; i < ncols; i++)
        if (i != key && vals[i].kind == VL_TEXT)
            size += vals[i].n + 1;
    size += rn_pad(size, 64);
    if (size > UINT32_MAX || R->nents >= UINT32_MAX)
        ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
    rn_ent *e = rn_block(R, size);
    char *text = (char *)e + R->texto;
    if (kn)
        memcpy(text, ks, kn);
    e->line = line;
    for (int i = 0; i < R->naccs; i++)
        ex_acc_init(&rn_accs(R, e)[i]);
    vl_value *v = rn_vals(R, e);
    v[key] = vl_text(text, kn);
    text += kn + 1;
    for (int i = 0; i < ncols; i++) {
        if (i == key)
            continue;
        v[i] = vals[i];
        if (v[i].kind == VL_TEXT) {
            memcpy(text, v[i].u.p, v[i].n);
            v[i].u.p = text;
            text += v[i].n + 1;
        }
    }
    if (R->nents == R->capents) {
        R->capents = R->capents ? R->capents * 2 : 1024;
        R->ents = ar_xrealloc(R->ents, R->capents * sizeof *R->ents);
    }
    rn_hash_insert(R, e, v[key].u.p, kn);
    R->ents[R->nents++] = e;
    return e;
}

static int rn_entity_row(void *ctx, const cs_row *row)
{
    rn_ctx *c = ctx;
    rn_run *R = c->R;
    rn_in *I = c->I;
    I->st->rows++;
    if (row->problem && rn_read_problem(R, I, row))
        return rn_reject(R, I, row, row->problem);
    if (!rn_convert(R, I, row, R->rowvals))
        return rn_reject(R, I, row, R->reason);
    const char *ks;
    size_t kn;
    rn_keytext(row, I, I->pin->key, &ks, &kn);
    rn_ent *dup = rn_find(R, ks, kn);
    if (dup)
        return rn_reject_dup(R, I, row, ks, kn, dup->line);
    if (rn_xmatch(R, ks, kn)) {
        fprintf(R->xo, "%s (%s):\n", I->pin->name, I->st->path);
        rn_xrow(R, I, row, "the entity's row");
    }
    rn_ent *e = rn_ent_add(R, R->rowvals, ks, kn, row->line);
    rn_counts_from_cols(R, R->rowvals, rn_counts(R, e));
    I->st->used++;
    return 0;
}

/* pick() wants exactly one matching row; a second one (two secretaries in
 * one village) leaves the value missing, and the report names both lines. */
static void rn_pick_seen(rn_run *R, rn_in *I, const cs_row *row, rn_ent *e, int g, double hits)
{
    const rf_pack *p = R->p;
    uint64_t *first = &rn_plines(R, e)[R->pickslot[g]];
    if (hits < 1.5) {
        *first = row->line;
        /* The row's text lives in the reader's buffer until the next row:
         * the one picked value is kept with the entity. */
        ex_acc *acc = &rn_accs(R, e)[R->accslot[g]];
        if (acc->best.kind == VL_TEXT)
            acc->best = rn_copy(R, acc->best);
        return;
    }
    if (hits > 2.5)
        return; /* the second match already said it */
    const ex_agg *ag = ex_agg_get(p->ex, g);
    const pk_input *ent = &p->inputs[p->entity];
    vl_value key = rn_vals(R, e)[ent->key];
    char msg[1200];
    snprintf(msg, sizeof msg,
             "%s '%.*s' has more than one row %s %s (also line %llu); the value picked "
             "from that row is left missing",
             ent->cols[ent->key].id, (int)key.n, key.u.p, ag->cond ? "where" : "in",
             ag->cond ? ex_text(ag->cond) : I->pin->name, (unsigned long long)*first);
    size_t rawn = 0;
    const char *raw = cs_row_raw(I->r, row, &rawn);
    rn_kept(R, I, row->line, msg, raw, rawn);
}

/* A row of a results file (results: true) written by this pack: another
 * pack's results are rejected row by row (their key would match by chance,
 * their levels mean something else); another version of this pack is said
 * once, as a warning, and read. */
static bool rn_same_pack(rn_run *R, rn_in *I, const cs_row *row)
{
    const rf_pack *p = R->p;
    vl_value v = R->rowvals[I->pin->results];
    const char *s = v.u.p;
    size_t n = v.n, idn = strlen(p->id);
    const char *at = memchr(s, '@', n);
    size_t sid = at ? (size_t)(at - s) : n;
    if (sid != idn || memcmp(s, p->id, idn) != 0) {
        snprintf(R->reason, sizeof R->reason,
                 "written by pack '%.*s', not by %s: results read back must come from a run of "
                 "the same pack",
                 (int)n, s, R->stamp);
        return false;
    }
    if (!I->warned && (n != R->stampn || memcmp(s, R->stamp, n) != 0)) {
        I->warned = true;
        dg_add(R->d, RF_WARNING, RF_CLASS_INPUT, I->st->path, row->line, 0, 0, NULL,
               "results written by %.*s, read by %s: the columns are read as this version "
               "names them",
               (int)n, s, R->stamp);
    }
    return true;
}

/* The level a results file gives a row must be one this pack has: a level
 * it does not know (a hand edit, another version's level) would read as no
 * level at all, and 'twice in a row' would pass unseen. An empty cell is
 * missing, as any cell. */
static bool rn_known_level(rn_run *R, rn_in *I)
{
    const rf_pack *p = R->p;
    vl_value v = R->rowvals[I->pin->results_level];
    if (v.kind != VL_TEXT)
        return true;
    const char *s = v.u.p;
    size_t n = v.n;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (int l = 0; l <= p->nlevels; l++) {
        const char *id = l < p->nlevels ? p->levels[l].id : p->none_id;
        if (strlen(id) == n && memcmp(id, s, n) == 0)
            return true;
    }
    size_t o =
        (size_t)snprintf(R->reason, sizeof R->reason,
                         "level '%.*s' is not a level of %s (its levels: ", (int)n, s, R->stamp);
    for (int l = 0; l <= p->nlevels && o < sizeof R->reason; l++)
        o += (size_t)snprintf(R->reason + o, sizeof R->reason - o, "%s%s", l ? ", " : "",
                              l < p->nlevels ? p->levels[l].id : p->none_id);
    if (o < sizeof R->reason)
        snprintf(R->reason + o, sizeof R->reason - o, ")");
    return false;
}

/* A counted row, for the caller's notices (rf_run_options.on_row). Only
 * runs with on_row set pay for formatting it. */
static void rn_row_out(rn_run *R, rn_in *I, const cs_row *row, const char *ks, size_t kn,
                       const int *items, int nitems)
{
    const rf_pack *p = R->p;
    const pk_input *pin = I->pin;
    ar_arena *a = R->rowscratch;
    ar_reset(a);
    size_t nc = (size_t)pin->ncols, ni = (size_t)nitems;
    const char **names = ar_alloc(a, (nc + 1) * sizeof *names);
    const char **labels = ar_alloc(a, (nc + 1) * sizeof *labels);
    const char **values = ar_alloc(a, (nc + 1) * sizeof *values);
    for (size_t c = 0; c < nc; c++) {
        names[c] = pin->cols[c].id;
        labels[c] = I->pos[c] >= 0 ? cs_header(I->r, (size_t)I->pos[c]) : "";
        vl_value v = R->rowvals[c];
        if (v.kind == VL_MISSING)
            values[c] = "";
        else if (v.kind == VL_TEXT)
            values[c] = ar_strndup(a, v.u.p, v.n);
        else {
            char buf[256];
            vl_format(v, buf, sizeof buf);
            values[c] = ar_strdup(a, buf);
        }
    }
    const char **codes = ar_alloc(a, (ni + 1) * sizeof *codes);
    const char **inames = ar_alloc(a, (ni + 1) * sizeof *inames);
    const char **effects = ar_alloc(a, (ni + 1) * sizeof *effects);
    const char **tallies = ar_alloc(a, (ni + 1) * sizeof *tallies);
    for (size_t k = 0; k < ni; k++) {
        int t = 0;
        while (t + 1 < p->ntallies && p->tallies[t + 1].first <= items[k])
            t++;
        const pk_tally *T = &p->tallies[t];
        const pk_item *it = &p->cats[T->catalogue].items[items[k] - T->first];
        codes[k] = it->code;
        inames[k] = it->name.zh ? it->name.zh : it->code;
        tallies[k] = T->name;
        effects[k] = "";
        if (T->weight >= 0) {
            char buf[64];
            vl_format(it->fields[T->weight], buf, sizeof buf);
            effects[k] = ar_printf(a, "%s%s", T->sign ? T->sign : "", buf);
        }
    }
    rf_row r = {ar_strndup(a, ks, kn),
                pin->name,
                row->line,
                nc,
                names,
                labels,
                values,
                ni,
                codes,
                inames,
                effects,
                tallies};
    if (R->o->on_row(R->o->ctx, &r) != 0)
        R->stopped = true;
}

/* A related row that passed every check, into its entity: the tally
 * items, the caller's notice, every aggregate over the input. vals are the
 * row's values, row its line (and the text a second pick match names). */
static void rn_fold(rn_run *R, rn_in *I, const cs_row *row, rn_ent *e, const vl_value *vals,
                    const vl_value *pre, const int *items, int nitems, const char *ks, size_t kn)
{
    const pk_input *pin = I->pin;
    ex_acc *accs = rn_accs(R, e);
    for (int k = 0; k < nitems; k++)
        rn_counts(R, e)[items[k]]++;
    if (R->rowscratch)
        rn_row_out(R, I, row, ks, kn, items, nitems);
    ex_env env;
    /* A row a worker evaluated is not read here (an input with a grouped
     * aggregate is evaluated here). */
    if (!pre) {
        rn_env(R, &env, rn_vals(R, e));
        env.space[PK_SP_ROW] = vals;
        if (pin->reads_measures)
            rn_row_measures(R, &env);
        if (I->xpre) {
            ex_pre_run(I->xpre, &env, R->prevals);
            pre = R->prevals;
        }
    }
    for (int k = 0; k < I->naggs; k++) {
        const rn_step *st = &I->steps[k];
        ex_acc *acc = &accs[st->acc];
        double before = acc->hits;
        if (st->set >= 0)
            dv_step(R->groups, &rn_sets(R, e)[st->set], st->ag, acc, &env, 1);
        else if (pre)
            ex_agg_step_pre(st->ag, acc, st->pc >= 0 ? &pre[st->pc] : NULL,
                            st->pa >= 0 ? &pre[st->pa] : NULL, 1);
        else
            ex_agg_step(st->ag, acc, &env, 1);
        if (st->pick >= 0 && acc->hits != before)
            rn_pick_seen(R, I, row, e, st->g, acc->hits);
    }
    e->nrows[I->index]++;
    I->st->used++;
}

/* On a worker: note a checked related row for the main thread to fold
 * (rn_commit), with what was said before it. */
static int rn_rec_note(rn_run *R, rn_in *I, const cs_row *row, rn_ent *e, const char *ks, size_t kn,
                       const int *items, int nitems, bool fold)
{
    rn_chunk *c = R->rel;
    if (c->nrecs == c->caprecs) {
        c->caprecs = c->caprecs ? c->caprecs * 2 : 1024;
        c->recs = ar_xrealloc(c->recs, c->caprecs * sizeof *c->recs);
    }
    rn_rec *r = &c->recs[c->nrecs++];
    memset(r, 0, sizeof *r);
    r->e = e;
    r->kn = kn;
    r->line = row->line;
    r->fold = fold;
    r->nitems = nitems;
    /* One allocation a row: the values, the items, the cells (when kept;
     * a text value inside its cell then points into the cell's copy), the
     * other texts, the key (a derived entity's). */
    int nc = I->pin->ncols;
    const vl_value *v = R->rowvals;
    size_t nf = c->raw ? row->nfields : 0;
    /* The fold on the main thread is what bounds a run on N workers: what
     * it can be spared (each aggregate's filter and argument over the
     * row, dates turned into ages and the like) is worked out here, when
     * the entity is known (a derived one is found only then). */
    bool pre = c->pre && e && fold;
    size_t npre = pre ? (size_t)I->npre : 0, nv = pre ? 0 : (size_t)nc;
    vl_value *pv = R->prevals;
    bool may_pick = false;
    if (pre) {
        ex_env env;
        rn_env(R, &env, rn_vals(R, e));
        env.space[PK_SP_ROW] = v;
        if (I->pin->reads_measures)
            rn_row_measures(R, &env);
        if (I->xpre)
            ex_pre_run(I->xpre, &env, pv);
        for (int k = 0; k < I->naggs; k++) {
            const rn_step *st = &I->steps[k];
            vl_value two[2];
            if (I->xpre) {
                two[0] = st->pc >= 0 ? pv[st->pc] : vl_bool(true);
            } else {
                ex_agg_pre(st->ag, &env, two);
                if (st->pc >= 0)
                    pv[st->pc] = two[0];
                if (st->pa >= 0)
                    pv[st->pa] = two[1];
            }
            /* A row no pick takes cannot be named by one */
            may_pick = may_pick || (st->pick >= 0 && two[0].kind != VL_MISSING && two[0].u.b);
        }
        if (!may_pick)
            nf = 0;
    }
    /* Evaluated here, the row's values are not kept: only the texts the
     * values noted point to (a text picked), and the cells when a second
     * pick match must name the row. */
    size_t size = (nv + npre) * sizeof *r->vals + (nf + 1) * sizeof *r->fields +
                  (size_t)nitems * sizeof *items + (e ? 0 : kn + 1);
    for (size_t k = 0; k < nf; k++)
        size += row->fields[k].n + 1;
    for (size_t k = 0; k < nv; k++)
        if (v[k].kind == VL_TEXT)
            size += v[k].n + 1;
    for (size_t k = 0; k < npre; k++)
        if (pv[k].kind == VL_TEXT)
            size += pv[k].n + 1;
    char *b = ar_alloc(c->ra, size);
    r->vals = nv ? (vl_value *)(void *)b : NULL;
    b += nv * sizeof *r->vals;
    r->pre = pre ? (vl_value *)(void *)b : NULL;
    b += npre * sizeof *r->vals;
    r->fields = (cs_field *)(void *)b;
    b += (nf + 1) * sizeof *r->fields;
    r->items = (int *)(void *)b;
    if (nitems)
        memcpy(r->items, items, (size_t)nitems * sizeof *items);
    b += (size_t)nitems * sizeof *items;
    r->nfields = nf;
    for (size_t k = 0; k < nf; k++) {
        r->fields[k] = row->fields[k];
        r->fields[k].p = b;
        memcpy(b, row->fields[k].p, row->fields[k].n);
        b += row->fields[k].n + 1;
    }
    for (size_t k = 0; k < nv; k++) {
        r->vals[k] = v[k];
        if (v[k].kind != VL_TEXT)
            continue;
        int pos = I->pos[k];
        if (pos >= 0 && (size_t)pos < nf) {
            uintptr_t at = (uintptr_t)v[k].u.p, f = (uintptr_t)row->fields[pos].p;
            if (at >= f && at + v[k].n <= f + row->fields[pos].n) {
                r->vals[k].u.p = r->fields[pos].p + (at - f);
                continue;
            }
        }
        memcpy(b, v[k].u.p, v[k].n);
        r->vals[k].u.p = b;
        b += v[k].n + 1;
    }
    for (size_t k = 0; k < npre; k++) {
        r->pre[k] = pv[k];
        if (pv[k].kind == VL_TEXT) {
            memcpy(b, pv[k].u.p, pv[k].n);
            r->pre[k].u.p = b;
            b += pv[k].n + 1;
        }
    }
    if (!e) {
        memcpy(b, ks, kn);
        r->ks = b;
    }
    /* The report's length is asked only when a line was written since. */
    uint64_t said = I->st->rejected + I->st->problems;
    if (R->rejects && said != c->said) {
        off_t at = ftello(R->rejects);
        c->rejoff = at > 0 ? (uint64_t)at : 0;
        c->said = said;
    }
    r->rejoff = c->rejoff;
    r->ndiag = rf_diags_count(R->d);
    return 0;
}

/* A line of a piece, as rn_ahead_scan read it: where the key cell's text
 * lies (trimmed as rn_keytext trims it) and its hash; n UINT32_MAX when the
 * line was not read so (a quote before the key's end, a line without it). */
typedef struct rn_ahead {
    uint64_t hash;
    uint32_t off, n;
} rn_ahead;

/* How many lines ahead a worker asks for a key's hash slot */
#define RN_SLOT_AHEAD 16

/* Before a worker reads a piece of a related input, the key of every line
 * is found by a scan that knows only the delimiter and line breaks, and
 * hashed: reading row i the worker then asks for the hash slot of the row
 * RN_SLOT_AHEAD lines on, so with entities in no order the slot is in the
 * cache by the time that row is looked up. Only a hint: a line the scan
 * reads wrong (a quoted cell, a line break inside quotes, another encoding)
 * is looked up as always, and a row uses the scan's hash only when its key
 * has the same bytes. */
static void rn_ahead_scan(rn_run *R, const rn_in *I, const unsigned char *b, size_t n,
                          uint64_t line)
{
    R->nahead = 0;
    R->aheadbuf = b;
    R->aheadline = line;
    int pos = I->pos[I->pin->ref];
    if (pos < 0 || n > UINT32_MAX)
        return;
    unsigned char dl = I->given->delimiter ? (unsigned char)I->given->delimiter : ',';
    /* What ends a cell here: 1 the delimiter or a line break, 2 a quote
     * (the line is left to the reader) */
    unsigned char stop[256];
    memset(stop, 0, sizeof stop);
    stop[dl] = stop['\n'] = stop['\r'] = 1;
    stop['"'] = 2;
    const unsigned char *p = b, *end = b + n;
    while (p < end) {
        if (R->nahead == R->capahead) {
            R->capahead = R->capahead ? R->capahead * 2 : 4096;
            R->ahead = ar_xrealloc(R->ahead, R->capahead * sizeof *R->ahead);
        }
        rn_ahead *a = &R->ahead[R->nahead++];
        a->n = UINT32_MAX;
        /* The cells before the key */
        int f = 0;
        while (f < pos && p < end && *p != '\n' && *p != '\r' && *p != '"')
            f += *p++ == dl;
        /* The key's bytes are hashed as they are passed */
        const unsigned char *k = p;
        uint64_t h = AR_FNV_BASIS;
        while (p < end && !stop[*p]) {
            h = (h ^ *p) * 1099511628211ULL;
            p++;
        }
        if (f == pos && (p == end || stop[*p] == 1) && (p < end || k < end)) {
            const char *ks = (const char *)k;
            size_t kn = (size_t)(p - k);
            if (kn && (ks[0] == ' ' || ks[0] == '\t' || ks[kn - 1] == ' ' || ks[kn - 1] == '\t')) {
                rn_trim(&ks, &kn);
                h = rn_hash(ks, kn);
            }
            a->off = (uint32_t)(ks - (const char *)b);
            a->n = (uint32_t)kn;
            a->hash = h;
        }
        if (p < end && *p != '\n') {
            const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl : end;
        }
        p += p < end;
    }
}

/* The hash of key ks[0..kn) of the row on `line`, from the scan when it
 * read the same bytes there; and the slot of the row RN_SLOT_AHEAD lines
 * on asked for. */
static uint64_t rn_ahead_hash(rn_run *R, uint64_t line, const char *ks, size_t kn)
{
    size_t k = (size_t)(line - R->aheadline);
    if (line >= R->aheadline && k + RN_SLOT_AHEAD < R->nahead) {
        const rn_ahead *a = &R->ahead[k + RN_SLOT_AHEAD];
        if (a->n != UINT32_MAX)
            rn_prefetch(&R->hash[a->hash & (R->hashcap - 1)]);
    }
    if (line >= R->aheadline && k < R->nahead) {
        const rn_ahead *a = &R->ahead[k];
        if (a->n == kn && memcmp(R->aheadbuf + a->off, ks, kn) == 0)
            return a->hash;
    }
    return rn_hash(ks, kn);
}

static int rn_related_row(void *ctx, const cs_row *row)
{
    rn_ctx *c = ctx;
    rn_run *R = c->R;
    rn_in *I = c->I;
    const rf_pack *p = R->p;
    const pk_input *pin = I->pin;
    I->st->rows++;
    /* A worker leaves a derived entity to the main thread, which makes
     * them, in order: the table is not to be read while it grows. */
    bool derived = p->inputs[p->entity].derived;
    bool lookup = !(R->rel && derived);
    /* The key's hash slot is asked for now, to come in while the row's
     * cells are converted: with entities in no order it is in no cache. */
    const char *ks;
    size_t kn;
    uint64_t hv = 0;
    bool early = lookup && R->hashcap && (size_t)I->pos[pin->ref] < row->nfields;
    if (early) {
        rn_keytext(row, I, pin->ref, &ks, &kn);
        hv = R->aheadbuf ? rn_ahead_hash(R, row->line, ks, kn) : rn_hash(ks, kn);
        rn_prefetch(&R->hash[hv & (R->hashcap - 1)]);
    }
    if (row->problem && rn_read_problem(R, I, row))
        return rn_reject(R, I, row, row->problem);
    if (!rn_convert(R, I, row, R->rowvals))
        return rn_reject(R, I, row, R->reason);
    if (R->rowvals[pin->ref].kind == VL_MISSING) {
        snprintf(R->reason, sizeof R->reason, "column %s (%s) is empty: the row belongs to no %s",
                 cs_header(I->r, (size_t)I->pos[pin->ref]), pin->cols[pin->ref].id,
                 p->inputs[p->entity].name);
        return rn_reject(R, I, row, R->reason);
    }
    if (pin->results >= 0 && !rn_same_pack(R, I, row))
        return rn_reject(R, I, row, R->reason);
    if (pin->results_level >= 0 && !rn_known_level(R, I))
        return rn_reject(R, I, row, R->reason);
    rn_keytext(row, I, pin->ref, &ks, &kn);
    rn_ent *e = !lookup ? NULL : early ? rn_find_h(R, ks, kn, hv) : rn_find(R, ks, kn);
    bool x = rn_xmatch(R, ks, kn);
    /* A derived entity comes into being with the first usable row that
     * names it, so results come in order of first appearance. */
    bool derive = !e && derived;
    if (!e && !derive) {
        snprintf(R->reason, sizeof R->reason, "%s '%.*s' matches no row of %s (%s)",
                 pin->cols[pin->ref].id, (int)kn, ks, p->inputs[p->entity].name,
                 R->sum->inputs[p->entity].path);
        return rn_reject(R, I, row, R->reason);
    }
    /* Find every tally item first: a row with an unknown code is rejected
     * before it can touch any total. */
    int *items = R->feeditems;
    int nitems = 0;
    for (int f = 0; f < pin->nfeeds; f++) {
        const pk_tally *t = &p->tallies[pin->feed_tally[f]];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        vl_value code = R->rowvals[pin->feed_col[f]];
        int found = -1;
        for (int j = 0; j < cat->nitems && found < 0; j++)
            if (rn_text_eq(code, cat->items[j].code, strlen(cat->items[j].code)))
                found = j;
        /* As ledgers write it: the code in another case (d07), or the
         * behaviour's name instead of its code. Only when no code matched. */
        for (int j = 0; j < cat->nitems && found < 0 && code.kind == VL_TEXT; j++)
            if (rn_code_ieq(code, cat->items[j].code) || rn_name_eq(code, cat->items[j].name.zh) ||
                rn_name_eq(code, cat->items[j].name.en))
                found = j;
        if (found >= 0)
            items[nitems++] = t->first + found;
    }
    if (pin->nfeeds && !nitems) {
        vl_value code = R->rowvals[pin->feed_col[0]];
        int o = snprintf(R->reason, sizeof R->reason, "%s '%.*s' is not an item of",
                         pin->cols[pin->feed_col[0]].id, code.kind == VL_TEXT ? (int)code.n : 0,
                         code.kind == VL_TEXT ? code.u.p : "");
        for (int f = 0; f < pin->nfeeds && o < (int)sizeof R->reason; f++)
            o += snprintf(R->reason + o, sizeof R->reason - (size_t)o, "%s catalogue %s",
                          f ? " or" : "", p->cats[p->tallies[pin->feed_tally[f]].catalogue].name);
        return rn_reject(R, I, row, R->reason);
    }
    if (derive && !R->rel) {
        vl_value kv = vl_text(ks, kn);
        e = rn_ent_add(R, &kv, ks, kn, row->line);
    }
    if (pin->period >= 0) {
        vl_value d = R->rowvals[pin->period];
        if (d.kind != VL_DATE || d.u.date < R->pstart || d.u.date > R->pend) {
            I->st->outside++;
            if (derive && R->rel)
                rn_rec_note(R, I, row, NULL, ks, kn, items, 0, false);
            if (x) {
                char what[128];
                snprintf(what, sizeof what, "not counted: %s is outside %d",
                         pin->cols[pin->period].id, R->sum->year);
                rn_xrow(R, I, row, what);
            }
            return 0;
        }
    }
    if (x)
        rn_xrow(R, I, row, "counted");
    if (R->rel)
        return rn_rec_note(R, I, row, e, ks, kn, items, nitems, true);
    rn_fold(R, I, row, e, R->rowvals, NULL, items, nitems, ks, kn);
    return 0;
}

/* An input the pack expects rows from for every entity (every village has a
 * team): an entity without any is still evaluated, and the report says why
 * its aggregates are empty. */
static void rn_every_entity(rn_run *R, rn_in *I)
{
    const rf_pack *p = R->p;
    const pk_input *ent = &p->inputs[p->entity];
    /* A derived entity's line is in the input it comes from. */
    rn_in *E = &R->in[ent->derived ? ent->from : p->entity];
    for (size_t i = 0; i < R->nents; i++) {
        rn_ent *e = R->ents[i];
        if (e->nrows[I->index])
            continue;
        vl_value key = rn_vals(R, e)[ent->key];
        char msg[1024];
        snprintf(msg, sizeof msg, "%s '%.*s' has no rows in %s (%s)", ent->cols[ent->key].id,
                 (int)key.n, key.u.p, I->pin->name, I->st->path);
        rn_kept(R, E, e->line, msg, "", 0);
    }
}

/* ---- set-up --------------------------------------------------------------- */

static bool rn_encoding(const char *s, cs_encoding *e)
{
    if (!s || strcmp(s, "auto") == 0)
        *e = CS_ENC_AUTO;
    else if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
        *e = CS_ENC_UTF8;
    else if (strcasecmp(s, "gb18030") == 0 || strcasecmp(s, "gbk") == 0 ||
             strcasecmp(s, "gb2312") == 0)
        *e = CS_ENC_GB18030;
    else
        return false;
    return true;
}

/* A derived entity named where a file is given (--input, --header). */
static void rn_not_a_file(rf_diags *d, const rf_pack *p, int ii, const char *option)
{
    const pk_input *in = &p->inputs[ii], *src = &p->inputs[in->from];
    dg_add(d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
           "'%s' comes from column %s of input '%s', not from a file of its own: pass %s %s=FILE",
           in->name, in->cols[0].id, src->name, option, src->name);
}

static bool rn_open(rn_run *R, const rf_input *inputs, size_t ninputs)
{
    const rf_pack *p = R->p;
    bool ok = true;
    for (size_t i = 0; i < ninputs; i++) {
        int ii = -1;
        for (int k = 0; k < p->ninputs; k++)
            if (strcmp(p->inputs[k].name, inputs[i].name) == 0)
                ii = k;
        if (ii < 0) {
            char list[512] = "";
            for (int k = 0; k < p->ninputs; k++) {
                if (k)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, p->inputs[k].name, sizeof list - strlen(list) - 1);
            }
            dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
                   "pack %s has no input '%s' (its inputs: %s)", p->id, inputs[i].name, list);
            ok = false;
            continue;
        }
        if (p->inputs[ii].derived) {
            rn_not_a_file(R->d, p, ii, "--input");
            ok = false;
            continue;
        }
        if (R->in[ii].given) {
            dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL, "input '%s' is given twice",
                   inputs[i].name);
            ok = false;
            continue;
        }
        R->in[ii].given = &inputs[i];
    }
    for (int k = 0; k < p->ninputs; k++)
        if (!R->in[k].given && !p->inputs[k].optional && !p->inputs[k].derived) {
            const char *t = p->inputs[k].title.zh;
            dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
                   "input '%s'%s%s%s is required: pass --input %s=FILE", p->inputs[k].name,
                   t && *t ? " (" : "", t && *t ? t : "", t && *t ? ")" : "", p->inputs[k].name);
            ok = false;
        }
    if (!ok)
        return false;
    for (int k = 0; k < p->ninputs; k++) {
        rn_in *I = &R->in[k];
        I->pin = &p->inputs[k];
        I->index = k;
        I->st = &R->sum->inputs[k];
        I->st->name = p->inputs[k].name;
        I->st->path = I->given ? I->given->path : "";
        if (!I->given)
            continue;
        cs_options co = {CS_ENC_AUTO, (unsigned char)I->given->delimiter};
        if (!rn_encoding(I->given->encoding, &co.encoding)) {
            dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, I->given->path, 0, 0, 0, NULL,
                   "unknown encoding '%s' (use auto, utf-8 or gb18030)", I->given->encoding);
            ok = false;
            continue;
        }
        I->r = cs_open(I->given->path, I->pin->name, &co, R->d);
        if (!I->r) {
            ok = false;
            continue;
        }
        I->st->encoding = cs_detected(I->r) == CS_ENC_GB18030 ? "gb18030" : "utf-8";
        cs_want *wants = ar_alloc(R->a, (size_t)I->pin->ncols * sizeof *wants);
        for (int c = 0; c < I->pin->ncols; c++) {
            wants[c].id = I->pin->cols[c].id;
            wants[c].names = I->pin->cols[c].names;
            wants[c].nnames = I->pin->cols[c].nnames;
            /* Rows are matched by the key and the reference: without them
             * in the header no row could be placed. */
            wants[c].required = I->pin->cols[c].required || c == I->pin->key || c == I->pin->ref;
        }
        I->pos = ar_alloc(R->a, (size_t)(I->pin->ncols + 1) * sizeof *I->pos);
        if (cs_bind(I->r, wants, I->pin->ncols, I->pos, R->d))
            ok = false;
        else
            rn_plan(R, I);
    }
    return ok;
}

static bool rn_period(rn_run *R)
{
    const rf_run_options *o = R->o;
    int year = o->year;
    int32_t as_of = 0;
    bool have_as_of = false;
    if (o->as_of) {
        char err[256];
        vl_value v;
        vl_type dt = {VL_DATE, NULL};
        bool parsed = vl_parse(dt, o->as_of, strlen(o->as_of), &v, err, sizeof err);
        if (!parsed || v.kind != VL_DATE) {
            dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL, "--as-of: %s",
                   parsed ? "empty date" : err);
            return false;
        }
        as_of = v.u.date;
        have_as_of = true;
        if (!year) {
            int m, dd;
            vl_ymd_from_days(as_of, &year, &m, &dd);
        }
    }
    if (!year) {
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        year = tmv.tm_year + 1900;
    }
    if (year < 1900 || year > 9999) {
        dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
               "--year %d is out of range (1900-9999)", year);
        return false;
    }
    R->pstart = vl_days_from_ymd(year, 1, 1);
    R->pend = vl_days_from_ymd(year, 12, 31);
    if (!have_as_of)
        as_of = R->pend;
    R->builtins[PK_BI_AS_OF] = vl_date(as_of);
    R->builtins[PK_BI_PERIOD_START] = vl_date(R->pstart);
    R->builtins[PK_BI_PERIOD_END] = vl_date(R->pend);
    R->sum->year = year;
    vl_format(vl_date(as_of), R->sum->as_of, sizeof R->sum->as_of);
    return true;
}

/* The result columns: every one the pack's results have, in their order, or
 * those rf_run_options.columns names (comma-separated), in its order. */
static bool rn_columns(rn_run *R, const char ***names_out)
{
    const rf_pack *p = R->p;
    int nall = p->nouts + p->nflags + 5;
    rn_col *all = ar_alloc(R->a, (size_t)nall * sizeof *all);
    const char **names = ar_alloc(R->a, (size_t)nall * sizeof *names);
    int n = 0;
    for (int i = 0; i < p->nouts; i++) {
        all[n] = (rn_col){RN_COL_OUT, i};
        names[n++] = p->outs[i].name;
    }
    if (pk_has_level_column(p)) {
        all[n] = (rn_col){RN_COL_LEVEL, 0};
        names[n++] = "level";
        all[n] = (rn_col){RN_COL_LABEL, 0};
        names[n++] = "level_label";
    }
    for (int f = 0; f < p->nflags; f++) {
        all[n] = (rn_col){RN_COL_FLAG, f};
        names[n++] = p->flags[f].id;
    }
    all[n] = (rn_col){RN_COL_REASONS, 0};
    names[n++] = "reasons";
    if (p->ntallies) {
        all[n] = (rn_col){RN_COL_DETAIL, 0};
        names[n++] = "detail";
    }
    all[n] = (rn_col){RN_COL_PACK, 0};
    names[n++] = "pack";
    const char *want = R->o->columns;
    if (!want) {
        R->cols = all;
        R->ncols = n;
        *names_out = names;
        return true;
    }
    size_t maxsel = 1;
    for (const char *c = want; *c; c++)
        maxsel += *c == ',';
    R->cols = ar_alloc(R->a, maxsel * sizeof *R->cols);
    const char **sel = ar_alloc(R->a, maxsel * sizeof *sel);
    bool *taken = ar_alloc(R->a, (size_t)n * sizeof *taken);
    memset(taken, 0, (size_t)n * sizeof *taken);
    R->ncols = 0;
    for (const char *s = want;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        int found = -1;
        dg_near nr = {s, len, NULL, (size_t)-1};
        for (int k = 0; k < n && found < 0; k++) {
            if (strlen(names[k]) == len && memcmp(names[k], s, len) == 0)
                found = k;
            dg_near_consider(&nr, names[k]);
        }
        const char *best = nr.best;
        if (found < 0 || taken[found]) {
            /* Say every column there is: the list is short and the user
             * needs its spelling. */
            size_t cap = 64;
            for (int k = 0; k < n; k++)
                cap += strlen(names[k]) + 2;
            char *list = ar_alloc(R->a, cap), *o = list;
            for (int k = 0; k < n; k++)
                o += snprintf(o, cap - (size_t)(o - list), "%s%s", k ? ", " : "", names[k]);
            if (len == 0)
                dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
                       "columns: an empty column name in '%s'; the results have: %s", want, list);
            else if (found >= 0)
                dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
                       "columns: '%.*s' is named twice", (int)len, s);
            else
                dg_add(R->d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL,
                       "columns: the results have no column '%.*s'%s%s%s; they have: %s", (int)len,
                       s, best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "",
                       list);
            return false;
        }
        taken[found] = true;
        R->cols[R->ncols] = all[found];
        sel[R->ncols++] = names[found];
        if (!e)
            break;
        s = e + 1;
    }
    *names_out = sel;
    return true;
}

static void rn_free(rn_run *R)
{
    for (int k = 0; k < RF_MAX_INPUTS; k++)
        if (R->in[k].r)
            cs_close(R->in[k].r);
    free(R->ents);
    while (R->slabs) {
        char *next;
        memcpy(&next, R->slabs, sizeof next);
        free(R->slabs);
        R->slabs = next;
    }
    for (size_t i = 0; i < R->nkept; i++)
        ar_free(R->kept[i]);
    free(R->kept);
    free(R->used);
    rk_free(R->rk);
    free(R->seen);
    free(R->stab);
    free(R->seentext);
    rn_seen_zfree(R);
    free(R->lastid);
    free(R->hash);
    dv_free(R->groups);
    ar_free(R->a);
    ar_free(R->scratch);
    if (R->rowscratch)
        ar_free(R->rowscratch);
}

/* ---- threads: the streaming shape on several cores ------------------------ *
 *
 * The main thread reads the entity input in pieces cut at record starts
 * (cs_split: a scan for quotes and line breaks, which also counts lines),
 * workers read, convert, evaluate and write each piece into its own
 * buffers with their own copy of the run's scratch state, and the main
 * thread hands the pieces on in input order: results, rejects report,
 * diagnostics, summary and coverage come out as one thread writes them.
 *
 * What one piece cannot know is decided by the main thread, in order: the
 * duplicate ids (a worker notes each id; the piece is taken as written only
 * when none repeats an earlier one and the check's state moves as it would
 * have row by row) and --max-rejects (a piece that would reach the limit).
 * Such a piece, seldom met, is read again on the main thread by the
 * one-thread path, which decides every row as it always has. A record the
 * scan finds no end to within a bound, and the rest of the file after it,
 * is read that way too. */

#define RN_CHUNK_DEFAULT ((size_t)1024 * 1024)
/* A related input's pieces are smaller: each row read becomes a noted row
 * (rn_rec, its values in the piece's arena), about four times the row's
 * bytes, and the pieces in flight then pass through the last-level cache
 * the entities' state needs: at 1 MiB, 2 workers' 4 pieces took ~20 MB. */
#define RN_CHUNK_RELATED ((size_t)256 * 1024)

typedef struct rn_pool rn_pool;

typedef struct rn_worker {
    rn_pool *P;
    rn_run R;
    rf_run_options o;
    pthread_t t;
    bool started;
} rn_worker;

struct rn_pool {
    rn_run *R;              /* the main run: workers read only what stays fixed in it */
    const cs_reader *whole; /* the entity input as opened: its header */
    FILE *out, *rejects;
    rf_summary sum0; /* the summary's names, counts at 0 */
    rn_chunk *ch;
    size_t nch;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t nfill, nwork, ncommit;
    bool quit;
    uint64_t *tmp; /* duplicate check within a piece: a table of hashes */
    size_t tmpcap;
    int in;                                 /* the input read */
    int (*row)(void *ctx, const cs_row *r); /* its row callback */
};

static void rn_sum_zero(rf_summary *s, int in)
{
    rf_input_stats *st = &s->inputs[in];
    st->rows = st->used = st->outside = st->rejected = st->blank = st->problems = 0;
    s->entities = s->undecided = 0;
    for (size_t l = 0; l < s->nlevels; l++)
        s->levels[l].count = 0;
    for (size_t f = 0; f < s->nflags; f++)
        s->flags[f].count = s->flags[f].undecided = 0;
}

static void rn_sum_add(rf_summary *s, const rf_summary *c, int in)
{
    rf_input_stats *st = &s->inputs[in];
    const rf_input_stats *ct = &c->inputs[in];
    st->rows += ct->rows;
    st->used += ct->used;
    st->outside += ct->outside;
    st->rejected += ct->rejected;
    st->problems += ct->problems;
    s->entities += c->entities;
    s->undecided += c->undecided;
    for (size_t l = 0; l < s->nlevels; l++)
        s->levels[l].count += c->levels[l].count;
    for (size_t f = 0; f < s->nflags; f++) {
        s->flags[f].count += c->flags[f].count;
        s->flags[f].undecided += c->flags[f].undecided;
    }
}

static void rn_cov_add(rf_coverage *to, const rf_coverage *c)
{
    const rf_pack *p = c->p;
    for (int i = 0; i <= p->nitems_total; i++)
        to->items[i] += c->items[i];
    for (int i = 0; i <= p->nconds_total; i++) {
        to->cond_true[i] += c->cond_true[i];
        to->cond_false[i] += c->cond_false[i];
    }
    for (int i = 0; i <= p->nlevels; i++)
        to->levels[i] += c->levels[i];
    for (int i = 0; i <= p->nflags; i++) {
        to->flag_true[i] += c->flag_true[i];
        to->flag_false[i] += c->flag_false[i];
    }
}

/* The row path's scratch arrays, sized once from the pack: nothing grows
 * per row. */
static void rn_scratch(rn_run *R)
{
    const rf_pack *p = R->p;
    int maxcols = 1, maxfields = 1, maxfeeds = 1;
    for (int k = 0; k < p->ninputs; k++) {
        if (p->inputs[k].ncols > maxcols)
            maxcols = p->inputs[k].ncols;
        if (p->inputs[k].nfeeds > maxfeeds)
            maxfeeds = p->inputs[k].nfeeds;
    }
    for (int c = 0; c < p->ncats; c++)
        if (p->cats[c].nfields > maxfields)
            maxfields = p->cats[c].nfields;
    R->rowvals = ar_alloc(R->a, (size_t)maxcols * sizeof *R->rowvals);
    R->feeditems = ar_alloc(R->a, (size_t)maxfeeds * sizeof *R->feeditems);
    R->istride = (size_t)maxfields + 2;
    R->irows = ar_alloc(R->a, ((size_t)p->nitems_total + 1) * R->istride * sizeof *R->irows);
    R->iweight = ar_alloc(R->a, ((size_t)p->nitems_total + 1) * sizeof *R->iweight);
    R->ifinite = true;
    for (int ti = 0; ti < p->ntallies; ti++) {
        const pk_tally *t = &p->tallies[ti];
        const pk_catalogue *cat = &p->cats[t->catalogue];
        for (int j = 0; j < cat->nitems; j++) {
            vl_value *ir = R->irows + (size_t)(t->first + j) * R->istride;
            memcpy(ir, cat->items[j].fields, (size_t)cat->nfields * sizeof *ir);
            ir[cat->nfields] = vl_text(cat->items[j].code, strlen(cat->items[j].code));
            ir[cat->nfields + 1] = vl_int(0);
            double w = t->weight >= 0 ? rn_num(cat->items[j].fields[t->weight]) : 1;
            R->iweight[t->first + j] = w;
            R->ifinite &= isfinite(w);
        }
    }
    R->aggvals = ar_alloc(R->a, (size_t)(p->naggs + 1) * sizeof *R->aggvals);
    R->prevals = ar_alloc(R->a, (size_t)(2 * p->naggs + 1) * sizeof *R->prevals);
    R->mvals = ar_alloc(R->a, (size_t)(p->nmeasures + 1) * sizeof *R->mvals);
    R->tvals = ar_alloc(R->a, (size_t)(p->ntallies + 1) * sizeof *R->tvals);
    R->fvals = ar_alloc(R->a, (size_t)(p->nflags + 1) * sizeof *R->fvals);
    R->stream_counts = ar_alloc(R->a, (size_t)(p->nitems_total + 1) * sizeof *R->stream_counts);
    R->cstate = ar_alloc(R->a, (size_t)p->nconds_total + 1);
    R->mkey = ar_alloc(R->a, RN_MEMO_KEY);
    R->mkey2 = ar_alloc(R->a, RN_MEMO_KEY);
    R->memo = R->memo2 = NULL;
    R->mtries = R->mhits = R->m1hits = 0;
    R->m1off = false;
}

/* A worker's run: the main run's plan and pack, its own scratch. */
static void rn_worker_init(rn_worker *W, rn_pool *P)
{
    rn_run *M = P->R;
    W->P = P;
    W->o = *M->o;
    W->o.max_rejects = 0; /* decided by the main thread, in order */
    memcpy(&W->R, M, sizeof W->R);
    rn_run *R = &W->R;
    R->o = &W->o;
    R->a = ar_new();
    R->scratch = ar_new();
    R->rowscratch = NULL;
    R->seen = NULL;
    R->stab = NULL;
    R->seentext = NULL;
    R->seenz = R->seenzt = NULL;
    R->seenq = 0;
    R->lastid = NULL;
    R->used = NULL;
    R->kept = NULL;
    R->nkept = 0;
    R->ahead = NULL;
    R->nahead = R->capahead = 0;
    R->aheadbuf = NULL;
    /* Everything the row path writes gets its own copy; what stays shared
     * (the plan, the pack, the columns, the empty accumulators) is read. */
    rn_scratch(R);
    if (R->wops) /* the memo's plan was made */
        rn_memo_scratch(R);
    R->w.n = 0;
    R->w.col = 0;
}

/* Read, convert, evaluate and write one piece into its own buffers. */
static void rn_work(rn_worker *W, rn_chunk *c)
{
    rn_run *R = &W->R;
    int e = W->P->in;
    rn_in *I = &R->in[e];
    c->sum = W->P->sum0;
    R->sum = &c->sum;
    I->st = &c->sum.inputs[e];
    rf_diags_clear(c->d);
    R->d = c->d;
    if (c->cov) {
        rn_cov_zero(c->cov);
        W->o.coverage = c->cov;
    }
    /* A piece's streams stay open for the run and are written again from
     * the start: their buffers are kept, not grown again for every piece. */
    if (W->P->out && !c->of)
        c->of = open_memstream(&c->out, &c->outn);
    if (W->P->rejects && !c->rf)
        c->rf = open_memstream(&c->rej, &c->rejn);
    if ((W->P->out && !c->of) || (W->P->rejects && !c->rf))
        ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
    FILE *of = c->of, *rf = c->rf;
    if (of)
        fseeko(of, 0, SEEK_SET);
    if (rf)
        fseeko(rf, 0, SEEK_SET);
    R->rejects = rf;
    R->rejects_err = 0;
    R->w.f = of;
    R->w.n = 0;
    R->w.col = 0;
    R->w.failed = false;
    R->w.err = 0;
    R->stopped = false;
    c->nkeys = c->ktn = 0;
    c->ksorted = true;
    R->keys = c;
    if (e != R->p->entity) {
        if (!c->ra)
            c->ra = ar_new();
        ar_reset(c->ra);
        c->nrecs = 0;
        c->said = c->rejoff = 0;
        R->rel = c;
    }
    R->aheadbuf = NULL;
    if (e != R->p->entity && !R->p->inputs[R->p->entity].derived && R->hashcap)
        rn_ahead_scan(R, I, c->buf, c->n, c->line);
    cs_reader *r = cs_open_chunk(W->P->whole, c->buf, c->n, c->off, c->line, c->d);
    c->rc = -1;
    c->blank = 0;
    if (r) {
        I->r = r;
        rn_reader_counts(R, I, r);
        rn_ctx x = {R, I};
        c->rc = cs_read(r, W->P->row, &x, c->d);
        c->blank = cs_blank_lines(r);
        cs_close(r);
        I->r = NULL;
    }
    rn_memo_fold_all(R); /* into this piece's summary */
    wr_flush(&R->w);
    /* The size is the position flushed to: what this piece wrote. */
    if (of)
        fflush(of);
    if (rf)
        fflush(rf);
}

static void *rn_worker_main(void *arg)
{
    rn_worker *W = arg;
    rn_pool *P = W->P;
    pthread_mutex_lock(&P->mu);
    for (;;) {
        while (!P->quit && P->nwork == P->nfill)
            pthread_cond_wait(&P->cv, &P->mu);
        if (P->quit)
            break;
        rn_chunk *c = &P->ch[P->nwork++ % P->nch];
        pthread_mutex_unlock(&P->mu);
        rn_work(W, c);
        pthread_mutex_lock(&P->mu);
        c->ready = true;
        pthread_cond_broadcast(&P->cv);
    }
    pthread_mutex_unlock(&P->mu);
    return NULL;
}

/* Do the piece's ids pass the duplicate check exactly as row by row, with
 * none found and no word said? If so the check takes them in; if not the
 * piece is read again on the main thread. */
static bool rn_keys_fresh(rn_pool *P, rn_in *I, rn_chunk *c)
{
    rn_run *R = P->R;
    if (R->seen_full || !c->nkeys)
        return true;
    if (!R->seen_hashed) {
        /* Sorted so far: every id must be greater than the one before; the
         * worker saw to all but the first. */
        if (!c->ksorted || (R->lastline && !rn_key_after(c->ktext + c->keys[0].off, c->keys[0].n,
                                                         R->lastid, R->lastn)))
            return false;
    } else {
        if (R->nseen + c->nkeys >= RN_SEEN_MAX || R->seentn + c->ktn > RN_SEEN_TEXT)
            return false;
        if (c->ksorted) {
            for (size_t i = 0; i < c->nkeys; i++)
                c->keys[i].hash = rn_hash(c->ktext + c->keys[i].off, c->keys[i].n);
            c->ksorted = false; /* hashed now */
        }
        for (size_t i = 0; i < c->nkeys; i++)
            if (rn_seen_slot(R, c->ktext + c->keys[i].off, c->keys[i].n, c->keys[i].hash)->id)
                return false;
        size_t cap = 64;
        while (cap < c->nkeys * 2)
            cap *= 2;
        if (cap > P->tmpcap) {
            free(P->tmp);
            P->tmp = ar_xmalloc(cap * sizeof *P->tmp);
            P->tmpcap = cap;
        }
        /* 0 marks an empty slot: a hash of 0 is kept as 1, which can only
         * send a piece to be read again, never let a duplicate through. */
        memset(P->tmp, 0, cap * sizeof *P->tmp);
        for (size_t i = 0; i < c->nkeys; i++) {
            uint64_t hv = c->keys[i].hash ? c->keys[i].hash : 1;
            size_t h = hv & (cap - 1);
            for (; P->tmp[h]; h = (h + 1) & (cap - 1))
                if (P->tmp[h] == hv)
                    return false;
            P->tmp[h] = hv;
        }
    }
    for (size_t i = 0; i < c->nkeys; i++) {
        const rn_id *k = &c->keys[i];
        if (!rn_seen_quick(R, c->ktext + k->off, k->n, k->line))
            rn_seen_add(R, I, c->ktext + k->off, k->n, k->line, c->ksorted ? NULL : &k->hash);
    }
    return true;
}

/* Read buf[0..n) (file offset off, line `line`; buf NULL: the file from off
 * to its end) on the main thread, row by row as one thread does. */
static int rn_read_here(rn_pool *P, rn_in *I, const unsigned char *buf, size_t n, uint64_t off,
                        uint64_t line)
{
    rn_run *R = P->R;
    cs_reader *whole = I->r;
    cs_reader *r = cs_open_chunk(whole, buf, n, off, line, R->d);
    if (!r)
        return -1;
    I->r = r;
    rn_reader_counts(R, I, r);
    rn_ctx x = {R, I};
    int rc = cs_read(r, P->row, &x, R->d);
    R->chunk_blank[I->index] += cs_blank_lines(r);
    I->r = whole;
    cs_close(r);
    /* What the main thread wrote goes out before the next piece. */
    wr_flush(&R->w);
    return rc;
}

/* Hand on what a worker wrote to the rejects report and the diagnostics,
 * from where the last call stopped (*rdone, *ddone) up to rejn and ndiag. */
static void rn_said(rn_run *R, rn_chunk *c, uint64_t rejn, size_t ndiag, size_t *rdone,
                    size_t *ddone)
{
    if (rejn > *rdone && R->rejects) {
        fwrite(c->rej + *rdone, 1, (size_t)rejn - *rdone, R->rejects);
        if (!R->rejects_err && ferror(R->rejects))
            R->rejects_err = errno ? errno : EIO;
    }
    if (rejn > *rdone)
        *rdone = (size_t)rejn;
    for (; *ddone < ndiag; ++*ddone) {
        const rf_diag *g = rf_diags_get(c->d, *ddone);
        dg_add(R->d, g->severity, g->cls, g->file, g->line, g->column, g->span, g->source_line,
               "%s", g->message);
    }
}

/* Fold a row a worker noted (rn_rec_note), on the main thread. */
static void rn_fold_rec(rn_run *R, rn_in *I, rn_rec *r)
{
    rn_ent *e = r->e;
    if (!e) {
        e = rn_find(R, r->ks, r->kn);
        if (!e) {
            vl_value kv = vl_text(r->ks, r->kn);
            e = rn_ent_add(R, &kv, r->ks, r->kn, r->line);
        }
    }
    if (!r->fold)
        return;
    cs_row row;
    memset(&row, 0, sizeof row);
    row.line = r->line;
    row.nfields = r->nfields;
    row.fields = r->fields;
    rn_fold(R, I, &row, e, r->vals, r->pre, r->items, r->nitems, r->ks, r->kn);
}

/* How many rows ahead the main thread's fold asks for an entity's lines */
#define RN_AHEAD 8

/* Ask for the lines of entity block r->e that folding r writes (the header
 * and accumulators, a tally count), to come in while the rows before it are
 * folded: a piece's rows are known in advance, and with entities in no order
 * each row's lines are otherwise waited for in turn. */
static void rn_fold_ahead(const rn_run *R, const rn_rec *r)
{
    if (!r->e || !r->fold)
        return;
    const char *b = (const char *)r->e;
    size_t span = R->cnto < 8 * 64 ? R->cnto : 8 * 64;
    for (size_t o = 0; o < span; o += 64)
        rn_prefetch(b + o);
    rn_prefetch(b + span - 1);
    for (int k = 0; k < r->nitems; k++)
        rn_prefetch(b + R->cnto + (size_t)r->items[k] * sizeof(uint32_t));
}

/* Hand a finished piece on: 0 go on, non-zero stop (-1 an error). */
static int rn_commit(rn_pool *P, rn_chunk *c, FILE *out)
{
    rn_run *R = P->R;
    int e = P->in;
    rn_in *I = &R->in[e];
    bool redo = false;
    if (R->o->max_rejects) {
        uint64_t total = c->sum.inputs[e].rejected;
        for (size_t i = 0; i < R->sum->ninputs; i++)
            total += R->sum->inputs[i].rejected;
        redo = total >= R->o->max_rejects;
    }
    /* Last: when the ids pass, the check has taken them in. */
    redo = redo || !rn_keys_fresh(P, I, c);
    int rc;
    if (redo) {
        rc = rn_read_here(P, I, c->buf, c->n, c->off, c->line);
    } else {
        errno = 0;
        if (c->outn && out && fwrite(c->out, 1, c->outn, out) != c->outn && !R->w.err)
            R->w.err = errno ? errno : EIO; /* the reason given, as wr_flush keeps it */
        /* A related piece's rows are folded here, in order, each after what
         * the worker said before it and before what it said after. */
        size_t rdone = 0, ddone = 0;
        for (size_t k = 0; k < c->nrecs && k < RN_AHEAD; k++)
            rn_fold_ahead(R, &c->recs[k]);
        for (size_t k = 0; k < c->nrecs; k++) {
            rn_rec *r = &c->recs[k];
            if (k + RN_AHEAD < c->nrecs)
                rn_fold_ahead(R, &c->recs[k + RN_AHEAD]);
            rn_said(R, c, r->rejoff, r->ndiag, &rdone, &ddone);
            rn_fold_rec(R, I, r);
        }
        rn_said(R, c, c->rejn, rf_diags_count(c->d), &rdone, &ddone);
        rn_sum_add(R->sum, &c->sum, e);
        if (R->o->coverage)
            rn_cov_add(R->o->coverage, c->cov);
        R->chunk_blank[I->index] += c->blank;
        rc = c->rc;
    }
    return rc ? rc : R->stopped ? 1 : 0;
}

/* Wait for the oldest piece not yet handed on, then hand it on. */
static int rn_commit_next(rn_pool *P, FILE *out)
{
    rn_chunk *c = &P->ch[P->ncommit % P->nch];
    pthread_mutex_lock(&P->mu);
    while (!c->ready)
        pthread_cond_wait(&P->cv, &P->mu);
    pthread_mutex_unlock(&P->mu);
    P->ncommit++;
    return rn_commit(P, c, out);
}

static bool rn_read_full(int fd, unsigned char *b, size_t want, size_t *got, bool *eof)
{
    *got = 0;
    while (*got < want) {
        ssize_t k = read(fd, b + *got, want - *got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return false;
        if (k == 0) {
            *eof = true;
            break;
        }
        *got += (size_t)k;
    }
    return true;
}

/* May input I be read in pieces? The entity input only in the plain
 * streaming shape (no ranking, no explain, no callbacks); a related input
 * without explain, on_row or results read back (whose warning about another
 * version is said once, by the row that meets it first); from a regular
 * file whose
 * encoding is known: decided by cs_open, or ASCII throughout (then UTF-8
 * reads it alike), and GB18030 only with a delimiter below 0x40, a byte
 * its two-byte characters never hold. */
static bool rn_can_split(rn_run *R, rn_in *I, int threads)
{
    const rf_run_options *o = R->o;
    bool related = I->index != R->p->entity;
    if (threads < 2 || R->xkey || o->on_row || (!related && (R->rk || o->on_result)) ||
        (related && I->pin->results >= 0))
        return false;
    struct stat sb;
    if (stat(I->given->path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return false;
    unsigned char dl = I->given->delimiter ? (unsigned char)I->given->delimiter : ',';
    if (cs_decided(I->r))
        return cs_detected(I->r) == CS_ENC_UTF8 || dl < 0x40;
    int fd = open(I->given->path, O_RDONLY);
    if (fd < 0)
        return false;
    unsigned char b[65536];
    bool eof = false, ascii = true;
    while (ascii && !eof) {
        size_t n = 0;
        if (!rn_read_full(fd, b, sizeof b, &n, &eof))
            ascii = false;
        for (size_t i = 0; i < n && ascii; i++)
            ascii = b[i] < 0x80;
    }
    close(fd);
    return ascii;
}

/* Run input I over `threads` workers; returns as cs_read would, 2 when
 * nothing was read (the caller reads the input on one thread). */
static int rn_stream_split(rn_run *R, rn_in *I, int threads, size_t chunk, FILE *out)
{
    int fd = open(I->given->path, O_RDONLY);
    if (fd < 0) {
        dg_add(R->d, RF_ERROR, RF_CLASS_INPUT, I->st->path, 0, 0, 0, NULL,
               "cannot open the %s file again: %s", I->pin->name, strerror(errno));
        return -1;
    }
    wr_flush(&R->w);
    rn_pool P;
    memset(&P, 0, sizeof P);
    P.R = R;
    P.whole = I->r;
    P.in = I->index;
    bool related = I->index != R->p->entity;
    P.row = related ? rn_related_row : rn_stream_row;
    P.out = related ? NULL : R->w.f;
    P.rejects = R->rejects;
    P.sum0 = *R->sum;
    rn_sum_zero(&P.sum0, I->index);
    bool raw = false; /* a second pick match names its row from the cells */
    for (int k = 0; k < I->naggs; k++)
        raw = raw || R->pickslot[I->aggs[k]] >= 0;
    P.nch = (size_t)threads * 2;
    P.ch = ar_xmalloc(P.nch * sizeof *P.ch);
    memset(P.ch, 0, P.nch * sizeof *P.ch);
    for (size_t i = 0; i < P.nch; i++) {
        P.ch[i].d = rf_diags_new();
        P.ch[i].cov = R->o->coverage ? rf_coverage_new(R->p) : NULL;
        P.ch[i].raw = raw;
        P.ch[i].pre = related && !I->grouped;
    }
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.cv, NULL);
    rn_worker *W = ar_xmalloc((size_t)threads * sizeof *W);
    for (int i = 0; i < threads; i++)
        rn_worker_init(&W[i], &P);
    int nstarted = 0;
    for (int i = 0; i < threads; i++) {
        W[i].started = pthread_create(&W[i].t, NULL, rn_worker_main, &W[i]) == 0;
        nstarted += W[i].started;
    }

    /* The pieces: a byte-order mark and the header (and blank lines before
     * it) are passed over, a byte at a time, to the line cs_open left at. */
    cs_split sp;
    cs_split_init(&sp, (unsigned char)I->given->delimiter);
    uint64_t first = cs_data_line(I->r), lines = 0, off = 0;
    /* No worker to take a piece: the slots would fill and the wait for the
     * first never end. Nothing is read yet, so rc 2 sends the caller to
     * read the file on one thread; the cleanup below still runs. */
    int rc = nstarted ? 0 : 2;
    bool eof = false, found = false;
    size_t bound = chunk + 4 * CS_MAX_ROW_BYTES; /* past it, no record end: read the rest here */
    unsigned char *carry = ar_xmalloc(chunk + 65536);
    size_t ncarry = 0, ccap = chunk + 65536;
    /* carry[0..ncarry): read, scanned, not yet in a piece; the piece would
     * start at file offset off, line `line` */
    uint64_t line = first;
    size_t carry_cut = 0; /* a record start in the carry, if known */
    uint64_t carry_lines = 0;
    {
        unsigned char b[4096];
        size_t n = 0;
        bool bom = true;
        while (!found && rc == 0) {
            if (!rn_read_full(fd, b, sizeof b, &n, &eof)) {
                rc = -1;
                break;
            }
            size_t i = 0;
            if (bom) {
                bom = false;
                if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
                    i = 3;
            }
            for (; i < n && !found; i++)
                found = cs_split_scan(&sp, b + i, 1, &lines) && lines + 1 == first;
            if (found) {
                /* The rest of the block is scanned now: the pieces scan
                 * only what they read. */
                off += i;
                memcpy(carry, b + i, n - i);
                ncarry = n - i;
                uint64_t l = 0;
                size_t k = ncarry ? cs_split_scan(&sp, carry, ncarry, &l) : 0;
                if (k) {
                    carry_cut = k;
                    carry_lines = l;
                }
            } else {
                off += n;
            }
            if (!found && eof)
                break;
        }
    }
    bool tail = false; /* read the rest on the main thread */
    while (found && rc == 0 && !(eof && ncarry == 0) && !tail) {
        /* Wait for a free slot, handing on the oldest piece meanwhile. */
        rn_chunk *c = &P.ch[P.nfill % P.nch];
        if (P.nfill - P.ncommit == P.nch) {
            rc = rn_commit_next(&P, out); /* the oldest is in c's slot */
            if (rc)
                break;
        }
        c->ready = false;
        if (c->cap < ncarry + chunk) {
            c->cap = ncarry + chunk;
            c->buf = ar_xrealloc(c->buf, c->cap);
        }
        memcpy(c->buf, carry, ncarry);
        c->n = ncarry;
        ncarry = 0;
        c->off = off;
        c->line = line;
        /* Read until a record ends past `chunk` bytes (or the file does). */
        size_t cut = carry_cut;
        uint64_t cutlines = carry_lines;
        carry_cut = 0;
        size_t scanned = c->n;
        while (!eof) {
            if (c->n >= chunk && cut)
                break;
            if (c->n >= bound) {
                tail = true;
                break;
            }
            if (c->cap - c->n < 65536) {
                c->cap = c->cap * 2;
                c->buf = ar_xrealloc(c->buf, c->cap);
            }
            size_t n = 0;
            if (!rn_read_full(fd, c->buf + c->n, chunk < 65536 ? chunk : 65536, &n, &eof)) {
                dg_add(R->d, RF_ERROR, RF_CLASS_INPUT, I->st->path, 0, 0, 0, NULL,
                       "cannot read the file: %s", strerror(errno));
                rc = -1;
                break;
            }
            c->n += n;
            uint64_t l = 0;
            size_t k = n ? cs_split_scan(&sp, c->buf + scanned, n, &l) : 0;
            if (k) {
                cut = scanned + k;
                cutlines = l;
            }
            scanned = c->n;
        }
        if (rc)
            break;
        if (tail) {
            /* Hand on what came before, then read from this piece on. */
            while (P.ncommit < P.nfill && rc == 0)
                rc = rn_commit_next(&P, out);
            if (rc == 0)
                rc = rn_read_here(&P, I, NULL, 0, off, line);
            break;
        }
        if (!eof && cut) {
            ncarry = c->n - cut;
            if (ncarry > ccap) {
                ccap = ncarry;
                carry = ar_xrealloc(carry, ccap);
            }
            memcpy(carry, c->buf + cut, ncarry);
            c->n = cut;
            off += cut;
            line = cutlines + 1;
        } else {
            off += c->n;
        }
        pthread_mutex_lock(&P.mu);
        P.nfill++;
        pthread_cond_broadcast(&P.cv);
        pthread_mutex_unlock(&P.mu);
    }
    if (!found && rc == 0)
        rc = 2;
    while (rc == 0 && P.ncommit < P.nfill)
        rc = rn_commit_next(&P, out);
    pthread_mutex_lock(&P.mu);
    P.quit = true;
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.mu);
    for (int i = 0; i < threads; i++) {
        if (W[i].started)
            pthread_join(W[i].t, NULL);
        ar_free(W[i].R.scratch);
        free(W[i].R.ahead);
        if (!related) {
            ar_free(W[i].R.a);
            continue;
        }
        /* The causes of cells a worker read as missing may be an
         * accumulator's first cause: kept until the entities are evaluated. */
        R->kept = ar_xrealloc(R->kept, (R->nkept + 1) * sizeof *R->kept);
        R->kept[R->nkept++] = W[i].R.a;
    }
    free(W);
    for (size_t i = 0; i < P.nch; i++) {
        if (P.ch[i].of)
            fclose(P.ch[i].of);
        if (P.ch[i].rf)
            fclose(P.ch[i].rf);
        free(P.ch[i].buf);
        free(P.ch[i].out);
        free(P.ch[i].rej);
        free(P.ch[i].keys);
        free(P.ch[i].ktext);
        free(P.ch[i].recs);
        if (P.ch[i].ra)
            ar_free(P.ch[i].ra);
        rf_diags_free(P.ch[i].d);
        rf_coverage_free(P.ch[i].cov);
    }
    free(P.ch);
    free(P.tmp);
    free(carry);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.cv);
    close(fd);
    return rc;
}

/* ---- threads: evaluating the entities ------------------------------------ *
 *
 * Once every related row is folded, the entities are evaluated in roster
 * order. Each entity's measures, levels and flags read only its own state
 * and what stays fixed in the run, so the entities are cut into `threads`
 * runs of neighbours: the calling thread evaluates the first, a worker each
 * other one into its own buffers (results, summary, coverage, diagnostics),
 * which are then written after it in order. Kept on the calling thread:
 * explain, on_result (called in order) and rankings. */

static void rn_eval_range(rn_run *R, size_t from, size_t to)
{
    for (size_t i = from; i < to && !R->stopped; i++)
        rn_evaluate(R, rn_vals(R, R->ents[i]), rn_accs(R, R->ents[i]), rn_sets(R, R->ents[i]),
                    rn_counts(R, R->ents[i]), R->ents[i]->line, i);
    rn_memo_fold_all(R);
}

typedef struct rn_evpart {
    rn_worker W; /* its run: a copy of the main one with its own scratch */
    size_t from, to;
    char *out;
    size_t outn;
    FILE *of;
    rf_summary sum;
    rf_coverage *cov;
    rf_diags *d;
} rn_evpart;

static void *rn_eval_main(void *arg)
{
    rn_evpart *E = arg;
    rn_eval_range(&E->W.R, E->from, E->to);
    wr_flush(&E->W.R.w);
    if (E->of)
        fflush(E->of);
    return NULL;
}

static bool rn_can_split_eval(const rn_run *R, int threads)
{
    return threads > 1 && R->nents >= 2 && !R->xkey && !R->o->on_result && !R->rk;
}

static void rn_eval_split(rn_run *R, int threads)
{
    size_t n = R->nents, parts = (size_t)threads < n ? (size_t)threads : n;
    int e = R->p->entity;
    rn_pool P;
    memset(&P, 0, sizeof P);
    P.R = R;
    rn_evpart *E = ar_xmalloc(parts * sizeof *E);
    memset(E, 0, parts * sizeof *E);
    for (size_t k = 1; k < parts; k++) {
        rn_evpart *x = &E[k];
        x->from = n * k / parts;
        x->to = n * (k + 1) / parts;
        rn_worker_init(&x->W, &P);
        rn_run *W = &x->W.R;
        x->sum = *R->sum;
        rn_sum_zero(&x->sum, e);
        W->sum = &x->sum;
        x->d = rf_diags_new();
        W->d = x->d;
        if (R->o->coverage) {
            x->cov = rf_coverage_new(R->p);
            x->W.o.coverage = x->cov;
        }
        if (R->w.f && !(x->of = open_memstream(&x->out, &x->outn)))
            ar_xmalloc((size_t)-1 / 2); /* out of memory: the handler says so */
        W->w.f = x->of;
        W->w.n = 0;
        W->w.col = 0;
        W->w.failed = false;
        W->w.err = 0;
        x->W.started = pthread_create(&x->W.t, NULL, rn_eval_main, x) == 0;
    }
    rn_eval_range(R, 0, parts > 1 ? n / parts : n);
    /* Then each part in order: one whose thread did not start is evaluated
     * here, into the main run's own buffers. */
    for (size_t k = 1; k < parts; k++) {
        rn_evpart *x = &E[k];
        if (!x->W.started) {
            rn_eval_range(R, x->from, x->to);
        } else {
            pthread_join(x->W.t, NULL);
            wr_flush(&R->w);
            errno = 0;
            if (x->outn && R->w.f && fwrite(x->out, 1, x->outn, R->w.f) != x->outn && !R->w.err)
                R->w.err = errno ? errno : EIO;
            for (size_t i = 0; i < rf_diags_count(x->d); i++) {
                const rf_diag *g = rf_diags_get(x->d, i);
                dg_add(R->d, g->severity, g->cls, g->file, g->line, g->column, g->span,
                       g->source_line, "%s", g->message);
            }
            rn_sum_add(R->sum, &x->sum, e);
            if (x->cov)
                rn_cov_add(R->o->coverage, x->cov);
        }
        if (x->of)
            fclose(x->of);
        free(x->out);
        rf_diags_free(x->d);
        rf_coverage_free(x->cov);
        ar_free(x->W.R.a);
        ar_free(x->W.R.scratch);
    }
    free(E);
}

int rf_run(const rf_pack *p, const rf_run_options *o, const rf_input *inputs, size_t ninputs,
           FILE *out, FILE *rejects, rf_summary *summary, rf_diags *d)
{
    rf_run_options dflt = RF_RUN_OPTIONS_INIT;
    rf_summary local;
    if (!o)
        o = &dflt;
    if (!summary)
        summary = &local;
    memset(summary, 0, sizeof *summary);
    if (p->ninputs > RF_MAX_INPUTS || p->nlevels > RF_MAX_LEVELS || p->nflags > RF_MAX_FLAGS) {
        dg_add(d, RF_ERROR, RF_CLASS_USAGE, p->path, 0, 0, 0, NULL,
               "pack has more than %d inputs, %d levels or %d flags", RF_MAX_INPUTS, RF_MAX_LEVELS,
               RF_MAX_FLAGS);
        return -1;
    }
    /* On a page boundary: where the run's fields fall against the frames of
     * the row path below it decides whether loads wait on stores to
     * unrelated addresses with the same low 12 bits (4 KiB aliasing). With
     * R wherever the stack put it, a change that only added fields made
     * the 2M-row wide sheet 6 % slower (622.8 against 585.7 ms); aligned,
     * it ran as before (584.9 ms), and a run's layout no longer depends
     * on the code around it. */
    _Alignas(4096) rn_run R;
    memset(&R, 0, sizeof R);
    R.p = p;
    R.o = o;
    R.d = d;
    R.rejects = rejects;
    R.sum = summary;
    R.a = ar_new();
    R.scratch = ar_new();
    R.rowscratch = o->on_row ? ar_new() : NULL;
    if (o->explain) {
        R.xkey = o->explain;
        R.xkeyn = strlen(o->explain);
        R.xo = o->explain_out ? o->explain_out : stdout;
    }
    summary->ninputs = (size_t)p->ninputs;
    summary->nlevels = pk_has_level_column(p) ? (size_t)p->nlevels + 1 : 0;
    for (int l = 0; l < p->nlevels; l++)
        summary->levels[l].id = p->levels[l].id;
    summary->levels[p->nlevels].id = p->none_id;
    summary->nflags = (size_t)p->nflags;
    for (int f = 0; f < p->nflags; f++)
        summary->flags[f].id = p->flags[f].id;

    if (!rn_period(&R) || !rn_open(&R, inputs, ninputs)) {
        rn_free(&R);
        return -1;
    }

    rn_scratch(&R);
    R.accslot = ar_alloc(R.a, (size_t)(p->naggs + 1) * sizeof *R.accslot);
    for (int k = 0; k < p->ninputs; k++) {
        R.in[k].aggs = ar_alloc(R.a, (size_t)(p->naggs + 1) * sizeof(int));
        R.in[k].steps = ar_alloc(R.a, (size_t)(p->naggs + 1) * sizeof(rn_step));
    }
    const pk_input *entin = &p->inputs[p->entity];
    R.countcol = ar_alloc(R.a, (size_t)(entin->ncols + 1) * sizeof *R.countcol);
    R.countslot = ar_alloc(R.a, (size_t)(entin->ncols + 1) * sizeof *R.countslot);
    for (int c = 0; c < entin->ncols; c++)
        if (entin->cols[c].tally >= 0 && R.in[p->entity].pos[c] >= 0) {
            R.countcol[R.ncountcols] = c;
            R.countslot[R.ncountcols++] =
                p->tallies[entin->cols[c].tally].first + entin->cols[c].item;
        }
    R.pickslot = ar_alloc(R.a, (size_t)(p->naggs + 1) * sizeof *R.pickslot);
    R.setslot = ar_alloc(R.a, (size_t)(p->naggs + 1) * sizeof *R.setslot);
    for (int g = 0; g < p->naggs; g++) {
        const ex_agg *ag = ex_agg_get(p->ex, g);
        R.accslot[g] = -1;
        R.setslot[g] = ag->by && ag->relation < p->ninputs ? R.nsets++ : -1;
        R.pickslot[g] = ag->op == EX_AGG_PICK && ag->relation < p->ninputs ? R.npicks++ : -1;
        if (ag->relation < p->ninputs) {
            R.accslot[g] = R.naccs++;
            rn_in *I = &R.in[ag->relation];
            I->steps[I->naggs] = (rn_step){ag,
                                           g,
                                           R.accslot[g],
                                           R.setslot[g],
                                           R.pickslot[g],
                                           ag->cond ? I->npre++ : -1,
                                           ag->op != EX_AGG_COUNT ? I->npre++ : -1};
            I->aggs[I->naggs++] = g;
            I->grouped = I->grouped || R.setslot[g] >= 0;
        }
    }
    for (int k = 0; k < p->ninputs; k++) {
        rn_in *I = &R.in[k];
        if (!I->naggs || I->grouped)
            continue;
        const ex_agg **ags = ar_alloc(R.a, (size_t)I->naggs * sizeof *ags);
        int *pc = ar_alloc(R.a, 2 * (size_t)I->naggs * sizeof *pc), *pa = pc + I->naggs;
        for (int s = 0; s < I->naggs; s++) {
            ags[s] = I->steps[s].ag;
            pc[s] = I->steps[s].pc;
            pa[s] = I->steps[s].pa;
        }
        I->xpre = ex_pre_compile(R.a, ags, pc, pa, I->naggs);
    }
    R.empty_accs = ar_alloc(R.a, (size_t)(R.naccs + 1) * sizeof *R.empty_accs);
    for (int i = 0; i < R.naccs; i++)
        ex_acc_init(&R.empty_accs[i]);
    R.empty_sets = ar_alloc(R.a, (size_t)(R.nsets + 1) * sizeof *R.empty_sets);
    if (R.nsets)
        R.groups = dv_new();
    /* A derived entity's row is its key alone */
    if (p->inputs[p->entity].derived)
        rn_layout(&R, 1, 0);
    else
        rn_layout(&R, p->inputs[p->entity].ncols, p->inputs[p->entity].key);

    const char **names = NULL;
    if (!rn_columns(&R, &names)) {
        rn_free(&R);
        return -1;
    }
    R.detail_wanted = o->on_result != NULL;
    for (int c = 0; c < R.ncols; c++)
        R.detail_wanted |= R.cols[c].kind == RN_COL_DETAIL;
    R.stamp = ar_printf(R.a, "%s@%s%s", p->id, p->version, p->set_stamp ? p->set_stamp : "");
    R.stampn = strlen(R.stamp);
    wr_begin(&R.w, out, o->format, names, R.ncols);
    rn_cells(&R);
    R.rk = rk_new(p);
    rn_memo_plan(&R);
    if (rejects)
        fputs("file,line,input,action,reason,raw\n", rejects);

    bool related = false;
    for (int k = 0; k < p->ninputs; k++)
        if (k != p->entity && R.in[k].given && p->inputs[k].ref >= 0)
            related = true;
    if (!related && !R.rk && !p->inputs[p->entity].derived)
        rn_counts_only(&R);

    int rc = 0;
    rn_in *E = &R.in[p->entity];
    rn_ctx ec = {&R, E};
    struct stat sb;
    if (!related && R.rk && (stat(E->given->path, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        /* Known now, not after a whole first read (and opening a pipe again
         * would wait for a writer that has gone). */
        dg_add(d, RF_ERROR, RF_CLASS_INPUT, E->st->path, 0, 0, 0, NULL,
               "not a regular file: a pack with a ranking reads the %s sheet twice; give a "
               "file, not a pipe",
               E->pin->name);
        rc = -1;
    } else if (!related && rn_can_split(&R, E, o->threads)) {
        rc = rn_stream_split(&R, E, o->threads, o->chunk_bytes ? o->chunk_bytes : RN_CHUNK_DEFAULT,
                             out);
        if (rc == 2) /* the header's end not found again: read it here */
            rc = cs_read(E->r, rn_stream_row, &ec, d);
    } else if (!related) {
        rc = cs_read(E->r, rn_stream_row, &ec, d);
        if (rc == 0 && R.rk) {
            rk_finish(R.rk, d, E->st->path);
            rc = rn_read_again(&R, E);
        }
    } else {
        const pk_input *ent = &p->inputs[p->entity];
        if (!ent->derived)
            rc = cs_read(E->r, rn_entity_row, &ec, d);
        /* A derived entity's input comes first: its rows make the entities. */
        for (int j = -1; j < p->ninputs && rc == 0; j++) {
            int k = j < 0 ? (ent->derived ? ent->from : -1) : j;
            if (k < 0 || k == p->entity || !R.in[k].given ||
                (j >= 0 && ent->derived && k == ent->from))
                continue;
            rn_ctx rc2 = {&R, &R.in[k]};
            if (R.xkey)
                fprintf(R.xo, "%s (%s):\n", p->inputs[k].name, R.in[k].st->path);
            rc = 2;
            if (rn_can_split(&R, &R.in[k], o->threads))
                rc = rn_stream_split(&R, &R.in[k], o->threads,
                                     o->chunk_bytes ? o->chunk_bytes : RN_CHUNK_RELATED, NULL);
            if (rc == 2)
                rc = cs_read(R.in[k].r, rn_related_row, &rc2, d);
            if (R.xkey)
                fprintf(R.xo,
                        ent->derived ? "  (%llu rows with another %s not shown)\n"
                                     : "  (%llu rows of other %s not shown)\n",
                        (unsigned long long)(R.in[k].st->rows - R.xshown[k]), ent->name);
        }
        for (int k = 0; k < p->ninputs && rc == 0; k++)
            if (R.in[k].given && p->inputs[k].every_entity)
                rn_every_entity(&R, &R.in[k]);
        if (rc == 0 && R.rk) {
            for (size_t i = 0; i < R.nents; i++)
                rn_rank_note(&R, rn_vals(&R, R.ents[i]), rn_accs(&R, R.ents[i]),
                             rn_sets(&R, R.ents[i]), rn_counts(&R, R.ents[i]));
            rk_finish(R.rk, d, E->st->path);
        }
        if (rc == 0 && rn_can_split_eval(&R, o->threads))
            rn_eval_split(&R, o->threads);
        else if (rc == 0)
            rn_eval_range(&R, 0, R.nents);
    }
    rn_memo_fold_all(&R);
    for (int k = 0; k < p->ninputs; k++)
        if (R.in[k].r) {
            R.in[k].st->blank = cs_blank_lines(R.in[k].r) + R.chunk_blank[k];
            /* Detection may switch to GB18030 mid-file, so ask again now. */
            R.in[k].st->encoding = cs_detected(R.in[k].r) == CS_ENC_GB18030 ? "gb18030" : "utf-8";
        }
    /* The reason is the first failure's: later writes to a full disk
     * fail alike, but errno may have been reused since. */
    errno = 0;
    if (out && (!wr_flush(&R.w) || fflush(out) != 0 || ferror(out))) {
        int err = R.w.err ? R.w.err : errno ? errno : EIO;
        dg_add(d, RF_ERROR, RF_CLASS_OUTPUT, o->out_name, 0, 0, 0, NULL,
               "cannot write the results: %s", strerror(err));
        rc = -1;
    }
    errno = 0;
    if (rejects && (fflush(rejects) != 0 || ferror(rejects))) {
        int err = R.rejects_err ? R.rejects_err : errno ? errno : EIO;
        dg_add(d, RF_ERROR, RF_CLASS_OUTPUT, o->rejects_name, 0, 0, 0, NULL,
               "cannot write the rejects report: %s", strerror(err));
        rc = -1;
    }
    const pk_input *xent = &p->inputs[p->entity];
    if (rc == 0 && R.xkey && !R.xfound && xent->derived) {
        const pk_input *src = &p->inputs[xent->from];
        dg_add(d, RF_ERROR, RF_CLASS_USAGE, R.sum->inputs[xent->from].path, 0, 0, 0, NULL,
               "no row of input %s has %s '%s'", src->name, src->cols[xent->from_col].id, R.xkey);
        rc = -1;
    } else if (rc == 0 && R.xkey && !R.xfound) {
        dg_add(d, RF_ERROR, RF_CLASS_USAGE, R.sum->inputs[p->entity].path, 0, 0, 0, NULL,
               "no %s with %s '%s' in input %s", xent->name, xent->cols[xent->key].id, R.xkey,
               xent->name);
        rc = -1;
    }
    rn_free(&R);
    return rc == 0 && !R.stopped ? 0 : -1;
}

static int rn_count_row(void *ctx, const cs_row *row)
{
    (void)row;
    (*(uint64_t *)ctx)++;
    return 0;
}

int rf_check_inputs(const rf_pack *p, const rf_input *inputs, size_t ninputs, rf_diags *d)
{
    int errors = 0;
    for (size_t i = 0; i < ninputs; i++) {
        int ii = -1;
        for (int k = 0; k < p->ninputs; k++)
            if (strcmp(p->inputs[k].name, inputs[i].name) == 0)
                ii = k;
        if (ii < 0) {
            dg_add(d, RF_ERROR, RF_CLASS_USAGE, NULL, 0, 0, 0, NULL, "pack %s has no input '%s'",
                   p->id, inputs[i].name);
            errors++;
            continue;
        }
        if (p->inputs[ii].derived) {
            rn_not_a_file(d, p, ii, "--header");
            errors++;
            continue;
        }
        cs_options co = {CS_ENC_AUTO, (unsigned char)inputs[i].delimiter};
        if (!rn_encoding(inputs[i].encoding, &co.encoding)) {
            dg_add(d, RF_ERROR, RF_CLASS_USAGE, inputs[i].path, 0, 0, 0, NULL,
                   "unknown encoding '%s' (use auto, utf-8 or gb18030)", inputs[i].encoding);
            errors++;
            continue;
        }
        cs_reader *r = cs_open(inputs[i].path, inputs[i].name, &co, d);
        if (!r) {
            errors++;
            continue;
        }
        const pk_input *pin = &p->inputs[ii];
        cs_want *wants = ar_xmalloc(((size_t)pin->ncols + 1) * sizeof *wants);
        int *pos = ar_xmalloc(((size_t)pin->ncols + 1) * sizeof *pos);
        for (int c = 0; c < pin->ncols; c++) {
            wants[c].id = pin->cols[c].id;
            wants[c].names = pin->cols[c].names;
            wants[c].nnames = pin->cols[c].nnames;
            wants[c].required = pin->cols[c].required || c == pin->key || c == pin->ref;
        }
        errors += cs_bind(r, wants, pin->ncols, pos, d);
        /* Reading every row is the only way to know the whole file decodes. */
        uint64_t rows = 0;
        if (cs_read(r, rn_count_row, &rows, d) < 0)
            errors++;
        free(wants);
        free(pos);
        cs_close(r);
    }
    return errors ? -1 : 0;
}
