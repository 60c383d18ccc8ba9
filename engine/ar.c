#include "ar.h"

#include "rosterflag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ar_block {
    struct ar_block *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
} ar_block;

struct ar_arena {
    ar_block *head;
    size_t reserved;
};

#define AR_ALIGN (sizeof(max_align_t))
#define AR_MIN_BLOCK ((size_t)16 * 1024)

/* Out of memory is not an error a run can report and go on from, so the
 * library hands it to one handler; the default aborts without printing (the
 * library never prints), and an embedding program may install its own. */
static void (*ar_oom)(size_t) = NULL;

void rf_set_out_of_memory(void (*handler)(size_t bytes))
{
    ar_oom = handler;
}

static void ar_fail(size_t n)
{
    if (ar_oom)
        ar_oom(n);
    abort();
}

void *ar_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ar_fail(n);
    return p;
}

void *ar_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        ar_fail(n);
    return q;
}

ar_arena *ar_new(void)
{
    ar_arena *a = ar_xmalloc(sizeof *a);
    a->head = NULL;
    a->reserved = 0;
    return a;
}

void ar_free(ar_arena *a)
{
    if (!a)
        return;
    ar_block *b = a->head;
    while (b) {
        ar_block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

static ar_block *ar_grow(ar_arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : AR_MIN_BLOCK;
    if (size < need)
        size = need;
    if (size > (size_t)64 * 1024 * 1024 && need <= (size_t)64 * 1024 * 1024)
        size = (size_t)64 * 1024 * 1024;
    ar_block *b = ar_xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    a->reserved += size;
    return b;
}

void *ar_alloc(ar_arena *a, size_t size)
{
    size_t rounded = (size + AR_ALIGN - 1) & ~(AR_ALIGN - 1);
    if (rounded < size)
        ar_fail(size);
    ar_block *b = a->head;
    if (!b || b->size - b->used < rounded)
        b = ar_grow(a, rounded);
    void *p = b->data + b->used;
    b->used += rounded;
    memset(p, 0, size);
    return p;
}

char *ar_strndup(ar_arena *a, const char *s, size_t n)
{
    char *p = ar_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ar_strdup(ar_arena *a, const char *s)
{
    return ar_strndup(a, s, strlen(s));
}

char *ar_printf(ar_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ar_strdup(a, "");
    char *p = ar_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void ar_reset(ar_arena *a)
{
    ar_block *keep = NULL, *b = a->head;
    while (b) {
        ar_block *n = b->next;
        if (!keep || b->size > keep->size) {
            if (keep)
                free(keep);
            keep = b;
        } else {
            free(b);
        }
        b = n;
    }
    a->head = keep;
    a->reserved = 0;
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
        a->reserved = keep->size;
    }
}

size_t ar_reserved(const ar_arena *a)
{
    return a->reserved;
}
