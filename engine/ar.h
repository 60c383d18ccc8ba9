/* ar: region (arena) allocator.
 *
 * A loaded pack owns one arena; freeing it frees everything the pack built.
 * Per-row scratch memory lives in a separate arena that is reset, not freed,
 * so the hot path never calls malloc once the first block has grown to size.
 * Allocation failure goes to the handler set with rf_set_out_of_memory, then
 * aborts: the library has no sensible way to continue half-built, and every
 * caller would otherwise need the same check. */
#ifndef AR_H
#define AR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ar_arena ar_arena;

ar_arena *ar_new(void);
void ar_free(ar_arena *a);
/* Zeroed memory, aligned for any scalar type. */
void *ar_alloc(ar_arena *a, size_t size);
/* Copy of s[0..n) with a terminating NUL. */
char *ar_strndup(ar_arena *a, const char *s, size_t n);
char *ar_strdup(ar_arena *a, const char *s);
/* printf into the arena. */
char *ar_printf(ar_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Forget every allocation but keep the largest block for reuse. */
void ar_reset(ar_arena *a);
/* Bytes currently reserved from the system (for memory reports and tests). */
size_t ar_reserved(const ar_arena *a);

/* Abort-on-failure wrappers for the few allocations that outlive no arena. */
void *ar_xmalloc(size_t n);
void *ar_xrealloc(void *p, size_t n);

/* FNV-1a over p[0..n), going on from h (start from AR_FNV_BASIS): the one
 * byte hash behind the engine's tables (names, keys, groups, rankings). */
#define AR_FNV_BASIS 1469598103934665603ULL
static inline uint64_t ar_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

/* Copy n bytes where n is nearly always small (a CSV cell, an id, a number
 * being written): fixed-size moves, overlapping at the end, beat a call to
 * memcpy up to 32 bytes (a branch's name in Chinese is 20 to 30) on the
 * per-cell paths, called tens of millions of times on a big sheet. */
static inline void ar_copy_short(char *d, const char *s, size_t n)
{
    uint64_t a, b, c, e;
    if (n >= 16 && n <= 32) {
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&c, s + n - 16, 8);
        memcpy(&e, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 8 && n < 16) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
}

#endif
