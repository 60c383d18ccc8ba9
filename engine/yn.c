#include "yn.h"

#include "ar.h"
#include "dg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deep enough for any real pack, shallow enough that recursion elsewhere
 * (building, freeing) stays far from the stack limit. */
#define YN_MAX_DEPTH 64

typedef struct yn_stack {
    yn_node *node;
    size_t cap;
    /* A big map's keys by hash (item index + 1, 0 empty), so that finding
     * a repeated key is not a scan of every key before it: 200,000 keys
     * took minutes. */
    size_t *keys, nkeys;
} yn_stack;

typedef struct yn_builder {
    ar_arena *a;
    yn_doc *doc;
    rf_diags *d;
    yn_stack stack[YN_MAX_DEPTH + 1];
    int depth;
    int errors;
    /* Aliases after the first: counted, not each reported (a billion-laughs
     * file has dozens, and one error says all there is to say). */
    uint32_t more_aliases, more_line, more_col, last_alias_line;
} yn_builder;

const char *yn_kind_name(yn_kind k)
{
    switch (k) {
    case YN_SCALAR:
        return "a scalar";
    case YN_SEQ:
        return "a list";
    default:
        return "a map";
    }
}

const char *yn_line(ar_arena *a, const yn_doc *doc, uint32_t line)
{
    if (line == 0 || line > doc->nlines)
        return NULL;
    const char *s = doc->lines[line - 1];
    const char *end = doc->src + doc->srclen;
    const char *e = s;
    while (e < end && *e != '\n' && *e != '\r')
        e++;
    return ar_strndup(a, s, (size_t)(e - s));
}

static void yn_error(yn_builder *b, uint32_t line, uint32_t col, const char *fmt, const char *arg)
{
    dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, line, col, 1, yn_line(b->a, b->doc, line),
           fmt, arg);
    b->errors++;
}

static void yn_append(yn_builder *b, yn_node *parent, yn_node *child, size_t *cap)
{
    if (parent->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        yn_node **items = ar_alloc(b->a, ncap * sizeof *items);
        if (parent->n)
            memcpy(items, parent->items, parent->n * sizeof *items);
        parent->items = items;
        *cap = ncap;
    }
    parent->items[parent->n++] = child;
}

static size_t yn_hash(const char *s, size_t n)
{
    uint64_t h = ar_fnv(AR_FNV_BASIS, s, n);
    return (size_t)(h ^ (h >> 29));
}

/* The text of the empty scalar standing in for an alias (already an error):
 * it equals no key, so two aliases as keys are not also a duplicate key. */
static const char yn_alias_text[] = "";

static bool yn_same_key(const yn_node *k, const yn_node *node)
{
    return k->kind == YN_SCALAR && k->len == node->len && k->text != yn_alias_text &&
           node->text != yn_alias_text && memcmp(k->text, node->text, k->len) == 0;
}

/* The earlier key equal to `node` in the map on top, or NULL; a key not
 * seen before is remembered. Small maps are scanned. */
static const yn_node *yn_find_key(yn_builder *b, yn_stack *top, const yn_node *node)
{
    enum { SCAN = 16 };
    const yn_node *p = top->node;
    if (p->n / 2 < SCAN) {
        for (size_t i = 0; i < p->n; i += 2)
            if (yn_same_key(p->items[i], node))
                return p->items[i];
        return NULL;
    }
    if (top->nkeys < p->n * 2) { /* (re)build at a quarter full */
        size_t n = 64;
        while (n < p->n * 4)
            n *= 2;
        top->keys = ar_alloc(b->a, n * sizeof *top->keys);
        top->nkeys = n;
        for (size_t i = 0; i < p->n; i += 2) {
            const yn_node *k = p->items[i];
            if (k->kind != YN_SCALAR)
                continue;
            size_t h = yn_hash(k->text, k->len) & (n - 1);
            while (top->keys[h] && !yn_same_key(p->items[top->keys[h] - 1], k))
                h = (h + 1) & (n - 1);
            if (!top->keys[h])
                top->keys[h] = i + 1;
        }
    }
    size_t h = yn_hash(node->text, node->len) & (top->nkeys - 1);
    for (; top->keys[h]; h = (h + 1) & (top->nkeys - 1))
        if (yn_same_key(p->items[top->keys[h] - 1], node))
            return p->items[top->keys[h] - 1];
    top->keys[h] = p->n + 1; /* where yn_attach is about to put it */
    return NULL;
}

/* Attach a finished node to the collection on top of the stack; for maps,
 * keys and values alternate, and keys must be unique scalars. */
static void yn_attach(yn_builder *b, yn_node *node)
{
    if (b->depth == 0) {
        b->doc->root = node;
        return;
    }
    yn_stack *top = &b->stack[b->depth - 1];
    yn_node *p = top->node;
    if (p->kind == YN_MAP && p->n % 2 == 0) {
        if (node->kind != YN_SCALAR) {
            yn_error(b, node->line, node->col, "map keys must be plain text, not %s",
                     yn_kind_name(node->kind));
        } else {
            const yn_node *k = yn_find_key(b, top, node);
            if (k) {
                char msg[64];
                snprintf(msg, sizeof msg, "%u", k->line);
                dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, node->line, node->col,
                       dg_utf8_chars(node->text, node->len), yn_line(b->a, b->doc, node->line),
                       "duplicate key '%s' (first given at line %s)", node->text, msg);
                b->errors++;
            }
        }
    }
    yn_append(b, p, node, &top->cap);
}

static yn_node *yn_new(yn_builder *b, yn_kind k, yaml_mark_t m)
{
    yn_node *n = ar_alloc(b->a, sizeof *n);
    n->kind = k;
    n->line = (uint32_t)m.line + 1;
    n->col = (uint32_t)m.column + 1;
    return n;
}

/* A rule file is text we show back in error messages, so refuse anything
 * that is not UTF-8 up front, with the place and the remedy. */
static bool yn_check_utf8(yn_builder *b, const unsigned char *s, size_t n)
{
    uint32_t line = 1;
    size_t i = 0;
    /* UTF-16 (a BOM, or an ASCII first character with its NUL half) is the
     * other thing a Windows editor saves; name it rather than call it a bad
     * sequence. */
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF) ||
                   (s[0] == 0) != (s[1] == 0))) {
        dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, 1, 0, 0, NULL,
               "rule files must be UTF-8; this one looks like UTF-16 (re-save it as UTF-8, "
               "e.g. iconv -f utf-16 -t utf-8)");
        b->errors++;
        return false;
    }
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) {
            dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, line, 0, 0, NULL,
                   "rule files must be UTF-8 text; a NUL byte at byte offset %zu", i);
            b->errors++;
            return false;
        }
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        bool ok = len != 0 && i + len <= n && !(len == 2 && c < 0xC2);
        for (size_t k = 1; ok && k < len; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && len == 3) {
            unsigned cp = ((c & 0x0F) << 12) | ((unsigned)(s[i + 1] & 0x3F) << 6);
            ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok && len == 4) {
            unsigned cp = ((c & 0x07) << 18) | ((unsigned)(s[i + 1] & 0x3F) << 12);
            ok = cp >= 0x10000 && cp <= 0x10FFFF;
        }
        if (!ok) {
            char where[64];
            snprintf(where, sizeof where, "%zu", i);
            dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, line, 0, 0, NULL,
                   "rule files must be UTF-8; invalid byte sequence at byte offset %s "
                   "(re-save the file as UTF-8, e.g. iconv -f gb18030 -t utf-8)",
                   where);
            b->errors++;
            return false;
        }
        if (c == '\n')
            line++;
        i += len;
    }
    return true;
}

static void yn_index_lines(yn_builder *b)
{
    yn_doc *doc = b->doc;
    size_t n = 1;
    for (size_t i = 0; i < doc->srclen; i++)
        if (doc->src[i] == '\n')
            n++;
    doc->lines = ar_alloc(b->a, n * sizeof *doc->lines);
    doc->nlines = 0;
    doc->lines[doc->nlines++] = doc->src;
    for (size_t i = 0; i < doc->srclen; i++)
        if (doc->src[i] == '\n' && doc->nlines < n)
            doc->lines[doc->nlines++] = doc->src + i + 1;
}

static void yn_parser_error(yn_builder *b, const yaml_parser_t *p)
{
    yaml_mark_t m = p->problem_mark;
    char msg[512];
    if (p->context)
        snprintf(msg, sizeof msg, "%s %s (line %zu)", p->problem ? p->problem : "syntax error",
                 p->context, (size_t)p->context_mark.line + 1);
    else
        snprintf(msg, sizeof msg, "%s", p->problem ? p->problem : "syntax error");
    /* libyaml's wording for a tab in the indentation says nothing of tabs,
     * and editors insert them. (Its marks count characters, not bytes, so
     * the line's text is looked at, not src[m.index].) */
    const char *text = yn_line(b->a, b->doc, (uint32_t)m.line + 1);
    size_t lead = text ? strspn(text, " \t") : 0;
    bool tab = text && memchr(text, '\t', lead) != NULL;
    dg_add(b->d, RF_ERROR, RF_CLASS_PACK, b->doc->path, (uint64_t)m.line + 1,
           (uint32_t)m.column + 1, 1, text, "YAML syntax: %s%s", msg,
           tab ? " (the line is indented with a tab: YAML indents with spaces only)" : "");
    b->errors++;
}

yn_doc *yn_load_mem(ar_arena *a, const char *name, const char *buf, size_t len, rf_diags *d)
{
    yn_builder b = {.a = a, .d = d};
    b.doc = ar_alloc(a, sizeof *b.doc);
    b.doc->path = ar_strdup(a, name);
    b.doc->src = ar_strndup(a, buf, len);
    b.doc->srclen = len;
    yn_index_lines(&b);
    if (!yn_check_utf8(&b, (const unsigned char *)buf, len))
        return NULL;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        dg_add(d, RF_ERROR, RF_CLASS_PACK, name, 0, 0, 0, NULL, "cannot initialise YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)b.doc->src, len);
    bool done = false;
    int docs = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yn_parser_error(&b, &p);
            break;
        }
        yaml_mark_t m = ev.start_mark;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                yn_error(&b, (uint32_t)m.line + 1, (uint32_t)m.column + 1,
                         "a rule file holds one YAML document%s", "");
            break;
        case YAML_ALIAS_EVENT: {
            if (!b.last_alias_line) {
                yn_error(&b, (uint32_t)m.line + 1, (uint32_t)m.column + 1,
                         "aliases (*%s) are not supported in rule packs; write the value out",
                         (const char *)ev.data.alias.anchor);
            } else if (!b.more_aliases++) {
                b.more_line = (uint32_t)m.line + 1;
                b.more_col = (uint32_t)m.column + 1;
            }
            b.last_alias_line = (uint32_t)m.line + 1;
            /* Stand in for the alias so keys and values stay paired. */
            yn_node *n = yn_new(&b, YN_SCALAR, m);
            n->text = yn_alias_text;
            yn_attach(&b, n);
            break;
        }
        case YAML_SCALAR_EVENT: {
            yn_node *n = yn_new(&b, YN_SCALAR, m);
            n->text = ar_strndup(a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            n->len = ev.data.scalar.length;
            switch (ev.data.scalar.style) {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE:
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
                n->style = YN_QUOTED;
                break;
            case YAML_LITERAL_SCALAR_STYLE:
            case YAML_FOLDED_SCALAR_STYLE:
                n->style = YN_BLOCK;
                break;
            default:
                n->style = YN_PLAIN;
            }
            yn_attach(&b, n);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            yn_node *n = yn_new(&b, ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP, m);
            if (b.depth >= YN_MAX_DEPTH) {
                yn_error(&b, n->line, n->col, "nesting deeper than %s levels", "64");
                yaml_event_delete(&ev);
                goto out;
            }
            b.stack[b.depth].node = n;
            b.stack[b.depth].cap = 0;
            b.stack[b.depth].keys = NULL;
            b.stack[b.depth].nkeys = 0;
            b.depth++;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            yn_node *n = b.stack[--b.depth].node;
            yn_attach(&b, n);
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
out:
    yaml_parser_delete(&p);
    if (b.more_aliases == 1)
        dg_add(d, RF_NOTE, RF_CLASS_PACK, b.doc->path, b.more_line, b.more_col, 1,
               yn_line(a, b.doc, b.more_line), "and 1 more alias here, refused like the first");
    else if (b.more_aliases)
        dg_add(d, RF_NOTE, RF_CLASS_PACK, b.doc->path, b.more_line, b.more_col, 1,
               yn_line(a, b.doc, b.more_line),
               "and %u more aliases from here to line %u, refused like the first", b.more_aliases,
               b.last_alias_line);
    if (b.errors)
        return NULL;
    if (!b.doc->root) {
        dg_add(d, RF_ERROR, RF_CLASS_PACK, name, 1, 1, 0, NULL, "empty rule file");
        return NULL;
    }
    return b.doc;
}

yn_doc *yn_load_file(ar_arena *a, const char *path, rf_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dg_add(d, RF_ERROR, RF_CLASS_PACK, path, 0, 0, 0, NULL, "cannot open rule file: %s",
               strerror(errno));
        return NULL;
    }
    size_t cap = 64 * 1024, len = 0;
    char *buf = ar_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            if (cap >= (size_t)64 * 1024 * 1024) {
                dg_add(d, RF_ERROR, RF_CLASS_PACK, path, 0, 0, 0, NULL,
                       "rule file larger than 64 MiB");
                fclose(f);
                free(buf);
                return NULL;
            }
            cap *= 2;
            buf = ar_xrealloc(buf, cap);
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        dg_add(d, RF_ERROR, RF_CLASS_PACK, path, 0, 0, 0, NULL, "cannot read rule file");
        free(buf);
        return NULL;
    }
    yn_doc *doc = yn_load_mem(a, path, buf, len, d);
    free(buf);
    return doc;
}

yn_node *yn_get(const yn_node *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (strcmp(map->items[i]->text, key) == 0)
            return map->items[i + 1];
    return NULL;
}
