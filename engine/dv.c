/* dv: derived entities and groups inside an entity (see dv.h). */
#include "dv.h"

#include "ar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dv_entity_input(rf_pack *p, ar_arena *a, int from, int col, pk_text label)
{
    pk_input *src = &p->inputs[from];
    int idx = p->ninputs++;
    pk_input *in = &p->inputs[idx];
    memset(in, 0, sizeof *in);
    /* Named after the key (branch): messages then read "branch '共和村党支部'". */
    in->name = src->cols[col].id;
    in->title = label;
    in->derived = true;
    in->from = from;
    in->from_col = col;
    in->key = 0;
    in->period = in->ref = in->results = in->results_level = -1;
    in->ncols = 1;
    in->cols = ar_alloc(a, sizeof *in->cols);
    in->cols[0] = src->cols[col];
    in->cols[0].ref = -1;
    in->cols[0].required = true;
    in->cols[0].keep_invalid = false;
    src->cols[col].ref = idx;
    src->ref = col;
    return idx;
}

/* ---- groups ---------------------------------------------------------- */

typedef struct dv_rec {
    uint64_t hash;
    vl_value key; /* text copied into the table's arena */
    uint32_t set, next;
    ex_acc acc; /* the inner aggregate over this group's rows */
} dv_rec;

struct dv_groups {
    dv_rec *recs;
    size_t nrecs, caprecs;
    uint32_t *slots; /* record + 1; 0: empty */
    size_t capslots;
    uint32_t nsets;
    ar_arena *text;
};

dv_groups *dv_new(void)
{
    dv_groups *t = ar_xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->text = ar_new();
    return t;
}

void dv_free(dv_groups *t)
{
    if (!t)
        return;
    free(t->recs);
    free(t->slots);
    ar_free(t->text);
    free(t);
}

size_t dv_count(const dv_groups *t)
{
    return t ? t->nrecs : 0;
}

static void dv_put(uint32_t *slots, size_t cap, uint64_t hash, uint32_t rec)
{
    size_t h = hash & (cap - 1);
    while (slots[h])
        h = (h + 1) & (cap - 1);
    slots[h] = rec + 1;
}

static void dv_grow(dv_groups *t)
{
    size_t cap = t->capslots ? t->capslots * 2 : 1024;
    uint32_t *slots = ar_xmalloc(cap * sizeof *slots);
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < t->nrecs; i++)
        dv_put(slots, cap, t->recs[i].hash, (uint32_t)i);
    free(t->slots);
    t->slots = slots;
    t->capslots = cap;
}

/* The record of key in set s, created (with a fresh accumulator) if new. */
static dv_rec *dv_find(dv_groups *t, dv_set *s, vl_value key)
{
    if (!s->id)
        s->id = ++t->nsets;
    uint64_t h = AR_FNV_BASIS;
    h = ar_fnv(h, &s->id, sizeof s->id);
    h = vl_hash(key, h); /* told apart as they read (vl_same) */
    if ((t->nrecs + 1) * 2 > t->capslots)
        dv_grow(t);
    size_t mask = t->capslots - 1, at = h & mask;
    for (; t->slots[at]; at = (at + 1) & mask) {
        dv_rec *r = &t->recs[t->slots[at] - 1];
        if (r->hash == h && r->set == s->id && vl_same(r->key, key))
            return r;
    }
    if (t->nrecs == t->caprecs) {
        t->caprecs = t->caprecs ? t->caprecs * 2 : 256;
        t->recs = ar_xrealloc(t->recs, t->caprecs * sizeof *t->recs);
    }
    uint32_t i = (uint32_t)t->nrecs++;
    dv_rec *r = &t->recs[i];
    r->hash = h;
    r->key = key;
    /* The row's text lives in the reader's buffer, reused for the next row. */
    if (key.kind == VL_TEXT)
        r->key.u.p = ar_strndup(t->text, key.u.p, key.n);
    r->set = s->id;
    r->next = s->head;
    ex_acc_init(&r->acc);
    s->head = i + 1;
    s->n++;
    t->slots[at] = i + 1;
    return r;
}

void dv_step(dv_groups *t, dv_set *s, const ex_agg *g, ex_acc *a, const ex_env *env, double w)
{
    vl_value key;
    if (!ex_agg_group_key(g, a, env, &key))
        return;
    dv_rec *r = dv_find(t, s, key);
    if (g->inner)
        ex_agg_step(g->inner, &r->acc, env, w);
}

vl_value dv_final(const dv_groups *t, const dv_set *s, const ex_agg *g, const ex_acc *a)
{
    ex_acc o;
    ex_acc_init(&o);
    /* Rows that were in no group still explain an empty result. */
    o.missing = a->missing;
    o.why = a->why;
    for (uint32_t i = s->head; i; i = t->recs[i - 1].next) {
        const dv_rec *r = &t->recs[i - 1];
        vl_value v = g->inner ? ex_agg_final(g->inner, &r->acc) : vl_int(1);
        ex_agg_step_value(g, &o, v, 1);
    }
    return ex_agg_final(g, &o);
}

/* Append s[0..n) to buf, never past cap - 4 (room for "..."), never cutting
 * a UTF-8 sequence; false once it is full. */
static bool dv_put_text(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
    if (*o + n + 4 > cap) {
        size_t room = cap > *o + 4 ? cap - *o - 4 : 0;
        while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
            room--;
        memcpy(buf + *o, s, room);
        *o += room;
        memcpy(buf + *o, "...", 4);
        *o += 3;
        return false;
    }
    memcpy(buf + *o, s, n);
    *o += n;
    buf[*o] = '\0';
    return true;
}

size_t dv_describe(const dv_groups *t, const dv_set *s, const ex_agg *g, const ex_acc *a, char *buf,
                   size_t cap)
{
    size_t o = 0;
    if (cap < 8)
        return 0;
    buf[0] = '\0';
    /* The list is newest first; explain reads better in roster order. */
    uint32_t *order = ar_xmalloc(((size_t)s->n + 1) * sizeof *order);
    uint32_t n = 0;
    for (uint32_t i = s->head; i && n < s->n; i = t->recs[i - 1].next)
        order[n++] = i - 1;
    bool room = true;
    char key[64], val[72];
    for (uint32_t k = n; k > 0 && room; k--) {
        const dv_rec *r = &t->recs[order[k - 1]];
        if (k < n)
            room = dv_put_text(buf, cap, &o, ", ", 2);
        bool text = r->key.kind == VL_TEXT;
        size_t kn = text ? r->key.n : vl_format(r->key, key, sizeof key);
        if (room)
            room = dv_put_text(buf, cap, &o, text ? r->key.u.p : key, kn);
        if (room && g->inner) {
            vl_value v = ex_agg_final(g->inner, &r->acc);
            val[0] = ' ';
            size_t vn = v.kind == VL_MISSING ? (size_t)snprintf(val + 1, sizeof val - 1, "missing")
                                             : vl_format(v, val + 1, sizeof val - 1);
            room = dv_put_text(buf, cap, &o, val, vn + 1);
        }
    }
    free(order);
    if (!n && room)
        room = dv_put_text(buf, cap, &o, "no group", 8);
    if (a->missing && room) {
        int k = snprintf(val, sizeof val, "; %u row%s in no group", a->missing,
                         a->missing == 1 ? "" : "s");
        dv_put_text(buf, cap, &o, val, (size_t)k);
    }
    return o;
}
