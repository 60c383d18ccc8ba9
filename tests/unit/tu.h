/* tu: what the unit tests that run packs share — a scratch folder with the
 * CSV files a test writes, and each result flattened to text so that a test
 * compares it with one assert. Static inline: each test is its own program,
 * and takes only what it uses. Include after cmocka.h. */
#ifndef TU_H
#define TU_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rosterflag.h"

/* One result: its key and level, the output values joined by '|' (each as
 * "name=value" when asked), the reasons joined by "; ". */
typedef struct tu_got {
    char key[32], level[32], fields[512], reasons[1024];
    int undecided;
} tu_got;

static inline void tu_cat(char *buf, size_t cap, const char *s)
{
    strncat(buf, s, cap - strlen(buf) - 1);
}

static inline void tu_fill(tu_got *g, const rf_result *r, bool names)
{
    snprintf(g->key, sizeof g->key, "%s", r->key);
    snprintf(g->level, sizeof g->level, "%s", r->level);
    g->fields[0] = g->reasons[0] = '\0';
    for (size_t i = 0; i < r->nfields; i++) {
        if (names) {
            tu_cat(g->fields, sizeof g->fields, r->names[i]);
            tu_cat(g->fields, sizeof g->fields, "=");
        }
        tu_cat(g->fields, sizeof g->fields, r->values[i]);
        tu_cat(g->fields, sizeof g->fields, "|");
    }
    for (size_t i = 0; i < r->nreasons; i++) {
        tu_cat(g->reasons, sizeof g->reasons, r->reasons[i]);
        tu_cat(g->reasons, sizeof g->reasons, "; ");
    }
    g->undecided = r->undecided;
}

static char tu_dir[64];

/* Writes `text` to NAME in the scratch folder; the path stays valid for the
 * next seven calls. */
static inline const char *tu_put(const char *name, const char *text)
{
    static char path[8][128];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 128, "%s/%s", tu_dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* Loading src must fail with a diagnostic whose message contains `want`;
 * otherwise every diagnostic is shown, rendered as the CLI renders it. */
static inline void tu_load_fails(const char *name, const char *src, const char *want)
{
    rf_diags *d = rf_diags_new();
    rf_pack *p = NULL;
    assert_int_equal(rf_pack_load_mem(name, src, strlen(src), &p, d), -1);
    assert_null(p);
    bool found = false;
    for (size_t i = 0; i < rf_diags_count(d); i++)
        found |= strstr(rf_diags_get(d, i)->message, want) != NULL;
    if (!found) {
        for (size_t i = 0; i < rf_diags_count(d); i++)
            rf_diag_format(rf_diags_get(d, i), stderr);
        fail_msg("wanted a diagnostic with '%s'", want);
    }
    rf_diags_free(d);
}

/* The whole of a stream written so far (up to 4 KiB), from its start. */
static inline char *tu_slurp(FILE *f)
{
    static char buf[4096];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    return buf;
}

static inline int tu_mkdir(const char *name)
{
    snprintf(tu_dir, sizeof tu_dir, "/tmp/rf-%s-XXXXXX", name);
    return mkdtemp(tu_dir) ? 0 : -1;
}

/* Removes the scratch folder with every file a test left in it. */
static inline int tu_rmdir(void)
{
    DIR *d = opendir(tu_dir);
    if (!d)
        return -1;
    struct dirent *e;
    char p[384];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", tu_dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    return rmdir(tu_dir);
}

#endif
