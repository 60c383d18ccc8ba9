/* bare_parse.c - the floor for any libcsv-based CSV consumer.
 *
 * Reads a file in 64 KiB chunks, feeds libcsv, and only counts fields and
 * rows in the callbacks. No allocation per field, no conversion, no output
 * per row. Whatever an engine built on libcsv does, it cannot be faster than
 * this on the same machine.
 *
 * Build: cc -O2 bench/bare_parse.c -lcsv -o bench/data/bare_parse
 * Usage: bare_parse FILE        prints "rows=R fields=F" (header included)
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

struct counts {
    unsigned long long rows;
    unsigned long long fields;
    unsigned long long bytes; /* field bytes seen, so the callback does work */
};

static void on_field(void *s, size_t len, void *data)
{
    struct counts *c = data;
    (void)s;
    c->fields++;
    c->bytes += len;
}

static void on_row(int term, void *data)
{
    struct counts *c = data;
    (void)term;
    c->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    struct csv_parser p;
    if (csv_init(&p, 0) != 0) {
        fprintf(stderr, "csv_init failed\n");
        fclose(f);
        return 1;
    }
    static char buf[CHUNK];
    struct counts c = {0, 0, 0};
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
            fprintf(stderr, "csv_parse: %s\n", csv_strerror(csv_error(&p)));
            rc = 1;
            break;
        }
    }
    if (ferror(f)) {
        perror(argv[1]);
        rc = 1;
    }
    if (rc == 0 && csv_fini(&p, on_field, on_row, &c) != 0) {
        fprintf(stderr, "csv_fini: %s\n", csv_strerror(csv_error(&p)));
        rc = 1;
    }
    csv_free(&p);
    fclose(f);
    printf("rows=%llu fields=%llu field_bytes=%llu\n", c.rows, c.fields, c.bytes);
    return rc;
}
