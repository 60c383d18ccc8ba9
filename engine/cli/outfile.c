/* outfile: the files a command writes (results, the rejects report).
 *
 * Each is written to a temporary file in the target's own directory and
 * renamed onto the target only when complete, so the name the user asked for
 * holds either its previous content or the whole new one, never a part. The
 * temporary names are NAME.rosterflag-tmp-XXXXXX: a user who finds one left
 * by a killed run (SIGKILL, power loss) knows where it came from and that it
 * may be deleted. SIGINT, SIGTERM, SIGHUP, SIGPIPE and SIGXFSZ remove them
 * before the process dies, and the scratch folder of `rosterflag test` with
 * them (of_scratch_new). */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OF_SUFFIX ".rosterflag-tmp-XXXXXX"
#define OF_SLOTS 4

/* The handler may only call async-signal-safe functions, so the paths to
 * remove sit in a fixed table, filled before a slot is marked live. */
static char of_paths[OF_SLOTS][PATH_MAX];
static volatile sig_atomic_t of_live[OF_SLOTS];
static const int of_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
#define OF_NSIGNALS (int)(sizeof of_signals / sizeof of_signals[0])

/* The scratch folder: files DIR/0.csv, DIR/1.csv, ... numbered by
 * of_scratch_path, counted before each is created, so the handler can name
 * every one without reading the folder (opendir is not async-signal-safe). */
static char of_sdir[PATH_MAX];
static volatile sig_atomic_t of_slive, of_sn;

/* DIR/N.csv into buf (PATH_MAX + 32 bytes), with nothing the handler may
 * not call. */
static void of_scratch_name(char *buf, long n)
{
    size_t o = 0;
    for (const char *s = of_sdir; *s; s++)
        buf[o++] = *s;
    buf[o++] = '/';
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    while (k > 0)
        buf[o++] = digits[--k];
    memcpy(buf + o, ".csv", 5);
}

static void of_scratch_clear(void)
{
    char path[PATH_MAX + 32];
    for (long i = 0; i < (long)of_sn; i++) {
        of_scratch_name(path, i);
        unlink(path);
    }
    rmdir(of_sdir);
}

static void of_on_signal(int sig)
{
    for (int i = 0; i < OF_SLOTS; i++)
        if (of_live[i])
            unlink(of_paths[i]);
    if (of_slive)
        of_scratch_clear();
    /* Die of the same signal, so the parent sees what happened. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void of_install(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    for (int i = 0; i < OF_NSIGNALS; i++) {
        struct sigaction old, sa;
        /* A signal ignored by whoever started us (nohup, trap '' XFSZ)
         * stays ignored: a write past the file size limit then fails with
         * EFBIG, which is reported like a full disk. */
        if (sigaction(of_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = of_on_signal;
        sigemptyset(&sa.sa_mask);
        for (int k = 0; k < OF_NSIGNALS; k++)
            sigaddset(&sa.sa_mask, of_signals[k]);
        sigaction(of_signals[i], &sa, NULL);
    }
}

/* Signals are held while a temporary file is created or renamed and the
 * table updated, so the handler never sees a file it does not know of. */
static void of_hold(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    for (int i = 0; i < OF_NSIGNALS; i++)
        sigaddset(&s, of_signals[i]);
    sigprocmask(SIG_BLOCK, &s, old);
}

static void of_release(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

static char *of_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* The directory part of `path`, "." when it has none. */
static char *of_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return of_dup(".", 1);
    if (slash == path)
        return of_dup("/", 1);
    return of_dup(path, (size_t)(slash - path));
}

char *of_resolve(const char *path)
{
    char *cur = of_dup(path, strlen(path));
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        char link[PATH_MAX];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return cur;
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = of_dup(link, (size_t)n);
        } else {
            char *dir = of_dirname(cur);
            size_t len = dir ? strlen(dir) + 1 + (size_t)n + 1 : 0;
            next = dir ? malloc(len) : NULL;
            if (next)
                snprintf(next, len, "%s/%s", dir, link);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

bool of_same_file(const char *a, const char *b)
{
    char *ra = of_resolve(a), *rb = of_resolve(b);
    bool same = false;
    struct stat sa, sb;
    if (ra && rb) {
        bool ea = stat(ra, &sa) == 0, eb = stat(rb, &sb) == 0;
        if (ea && eb) {
            /* Devices (/dev/null for both) are not files that get replaced. */
            same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && S_ISREG(sa.st_mode);
        } else if (!ea && !eb) {
            /* Neither exists yet: the same name in the same directory. */
            const char *na = strrchr(ra, '/'), *nb = strrchr(rb, '/');
            na = na ? na + 1 : ra;
            nb = nb ? nb + 1 : rb;
            char *da = of_dirname(ra), *db = of_dirname(rb);
            same = da && db && strcmp(na, nb) == 0 && stat(da, &sa) == 0 && stat(db, &sb) == 0 &&
                   sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
            free(da);
            free(db);
        }
    }
    free(ra);
    free(rb);
    return same;
}

static mode_t of_umask(void)
{
    mode_t m = umask(022);
    umask(m);
    return m;
}

/* Gives up on o (freeing what of_open took so far) and says why: `what`
 * then the text of err, if err is set. */
static bool of_refuse(of_file *o, const char *cmd, const char *name, const char *what, int err)
{
    of_abandon(o);
    fprintf(stderr, "rosterflag %s: cannot write %s: %s%s\n", cmd, name, what,
            err ? strerror(err) : "");
    return false;
}

bool of_open(of_file *o, const char *name, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    o->name = name;
    if (!name || strcmp(name, "-") == 0) {
        o->f = stdout;
        o->name = "standard output";
        return true;
    }
    /* A symbolic link is written through: the file it points to is
     * replaced and the link stays. */
    o->target = of_resolve(name);
    if (!o->target)
        return of_refuse(o, cmd, name, "", errno);
    struct stat st;
    bool exists = stat(o->target, &st) == 0;
    /* A device or a pipe (/dev/null, a FIFO) cannot be replaced by
     * renaming; it is written directly. */
    if (exists && !S_ISREG(st.st_mode)) {
        o->direct = true;
        if (!(o->f = fopen(o->target, "w")))
            return of_refuse(o, cmd, name, "", errno);
        return true;
    }
    size_t n = strlen(o->target) + sizeof OF_SUFFIX;
    if (n > PATH_MAX)
        return of_refuse(o, cmd, name, "", ENAMETOOLONG);
    int slot = 0;
    while (slot < OF_SLOTS && of_live[slot])
        slot++;
    if (slot == OF_SLOTS)
        return of_refuse(o, cmd, name, "too many output files", 0);
    of_install();
    sigset_t held;
    of_hold(&held);
    snprintf(of_paths[slot], sizeof of_paths[slot], "%s" OF_SUFFIX, o->target);
    int fd = mkstemp(of_paths[slot]);
    int err = errno;
    if (fd >= 0)
        of_live[slot] = 1;
    of_release(&held);
    if (fd < 0)
        return of_refuse(o, cmd, name, "cannot create a file in its directory: ", err);
    o->slot = slot;
    o->tmp = of_paths[slot];
    /* mkstemp makes the file 0600; a replaced file keeps its permissions
     * (and its owner and group, where we may set them: root, or a group we
     * are in), a new one gets what the shell's '>' would give it. */
    if (exists && fchown(fd, st.st_uid, st.st_gid) != 0 && fchown(fd, (uid_t)-1, st.st_gid) != 0) {
        /* neither: the file is ours, as a new one would be */
    }
    mode_t mode = exists ? st.st_mode & 0777 : 0666 & ~of_umask();
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        err = errno;
        close(fd);
        return of_refuse(o, cmd, name, "", err);
    }
    static char bufs[OF_SLOTS][1 << 16];
    setvbuf(o->f, bufs[slot], _IOFBF, sizeof bufs[slot]);
    return true;
}

bool of_commit(of_file *o, const char *cmd)
{
    bool ok = true;
    int err = 0;
    if (!o->f)
        return false;
    if (o->f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            err = errno;
            ok = false;
        }
        o->f = NULL;
    } else {
        /* The data must be on disk before the name points at it, or a
         * crash after the rename could leave an empty file in its place. */
        if (fflush(o->f) != 0 || ferror(o->f) || (o->tmp && fsync(fileno(o->f)) != 0)) {
            err = errno ? errno : EIO;
            ok = false;
        }
        if (fclose(o->f) != 0 && ok) {
            err = errno;
            ok = false;
        }
        o->f = NULL;
    }
    if (ok && o->tmp) {
        sigset_t held;
        of_hold(&held);
        if (rename(o->tmp, o->target) != 0) {
            err = errno;
            ok = false;
        } else {
            of_live[o->slot] = 0;
            o->tmp = NULL;
        }
        of_release(&held);
    }
    if (!ok)
        fprintf(stderr, "rosterflag %s: cannot write %s: %s\n", cmd, o->name, strerror(err));
    of_abandon(o);
    return ok;
}

void of_abandon(of_file *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp) {
        sigset_t held;
        of_hold(&held);
        unlink(o->tmp);
        of_live[o->slot] = 0;
        of_release(&held);
        o->tmp = NULL;
    }
    free(o->target);
    o->target = NULL;
}

const char *of_scratch_new(const char *parent)
{
    of_install();
    int n = snprintf(of_sdir, sizeof of_sdir, "%s/rosterflag-test-XXXXXX", parent);
    if (n < 0 || (size_t)n >= sizeof of_sdir) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    sigset_t old;
    of_hold(&old);
    bool made = mkdtemp(of_sdir) != NULL;
    int err = errno;
    of_sn = 0;
    of_slive = made;
    of_release(&old);
    errno = err;
    return made ? of_sdir : NULL;
}

char *of_scratch_path(void)
{
    char *path = malloc(PATH_MAX + 32);
    if (!path)
        return NULL;
    sigset_t old;
    of_hold(&old);
    of_scratch_name(path, (long)of_sn);
    of_sn++; /* before the file exists: a signal then unlinks a name not yet there */
    of_release(&old);
    return path;
}

void of_scratch_remove(void)
{
    if (!of_slive)
        return;
    sigset_t old;
    of_hold(&old);
    of_scratch_clear();
    of_slive = 0;
    of_release(&old);
}
