/* yn: a YAML document as a tree of positioned nodes.
 *
 * libyaml events are copied into arena nodes and deleted at once; every
 * node keeps the 1-based line and column where it starts so that the pack
 * builder can point at the offending text. Aliases are refused (a rule
 * file should read the same top to bottom), duplicate keys are errors, and
 * nesting is bounded so hostile input cannot exhaust the stack. */
#ifndef YN_H
#define YN_H

#include "ar.h"
#include "rosterflag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum yn_kind { YN_SCALAR, YN_SEQ, YN_MAP } yn_kind;

typedef enum yn_style { YN_PLAIN, YN_QUOTED, YN_BLOCK } yn_style;

typedef struct yn_node {
    yn_kind kind;
    yn_style style; /* scalars */
    uint32_t line, col;
    const char *text; /* scalars: NUL-terminated */
    size_t len;
    size_t n;               /* sequence items, or map pairs */
    struct yn_node **items; /* seq: items[i]; map: key items[2i], value items[2i+1] */
} yn_node;

typedef struct yn_doc {
    const char *path;
    yn_node *root;
    const char *src;
    size_t srclen;
    size_t nlines;
    const char **lines; /* start of each source line (not NUL-terminated) */
} yn_doc;

/* Read and parse a whole file. NULL on error, reported in d. */
yn_doc *yn_load_file(ar_arena *a, const char *path, rf_diags *d);
yn_doc *yn_load_mem(ar_arena *a, const char *name, const char *buf, size_t len, rf_diags *d);

/* The text of source line `line` (1-based), NUL-terminated copy in arena. */
const char *yn_line(ar_arena *a, const yn_doc *doc, uint32_t line);

/* Map lookup by key; NULL if absent or not a map. */
yn_node *yn_get(const yn_node *map, const char *key);

const char *yn_kind_name(yn_kind k);

#endif
