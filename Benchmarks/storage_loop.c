/* The storage ceiling of the benchmark: the file-system work of one aggregate update and
 * nothing else (no parsing, no JSON, no HTTP).
 *
 *     storage-loop DIR USERS SECONDS fast|durable PROCESSES [BYTES [ROUNDS]]
 *
 * Creates DIR/users/NNNNNN/{.lock,aggregate.json} (BYTES, default 4096) and syncs the file
 * system once, then, ROUNDS times (default 1), runs PROCESSES processes for SECONDS. Each one walks its own share of the users round robin (disjoint
 * shares; with fewer users than processes they share users and contend on the lock) and, per
 * operation, does what the receiver does per request:
 *
 *   open(.lock, O_RDWR|O_CREAT) + flock(LOCK_EX)
 *   open + read aggregate.json
 *   open(aggregate.json.tmp, O_WRONLY|O_CREAT|O_TRUNC) + write BYTES  [+ fsync]  + close
 *   rename(tmp, aggregate.json)                                       [+ open dir, fsync, close]
 *   close(.lock)  (releases the flock)
 *
 * Prints one line per round:  ops=N seconds=S ops_per_s=R   (run.sh keeps the best)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what, const char *path) {
    fprintf(stderr, "storage-loop: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_all(int fd, const char *data, size_t size, const char *path) {
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write", path);
        }
        data += n;
        size -= (size_t)n;
    }
}

/* One operation of the loop on user directory `dir`: what the receiver does per request. */
static void update_once(const char *dir, char *buffer, size_t bytes, int durable, long ops) {
    char path[8192], tmp[8192];
    snprintf(path, sizeof path, "%s/.lock", dir);
    int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (lock < 0) die("open", path);
    while (flock(lock, LOCK_EX) != 0) if (errno != EINTR) die("flock", path);

    snprintf(path, sizeof path, "%s/aggregate.json", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open", path);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, buffer + got, bytes + 1 - got)) > 0) got += (size_t)n;
    if (n < 0) die("read", path);
    close(fd);
    if (got != bytes) {
        fprintf(stderr, "storage-loop: %s has %zu bytes, not %zu\n", path, got, bytes);
        _exit(1);
    }

    snprintf(tmp, sizeof tmp, "%s/aggregate.json.tmp", dir);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) die("create", tmp);
    buffer[0] = (char)('a' + ops % 26);
    write_all(fd, buffer, bytes, tmp);
    if (durable && fsync(fd) != 0) die("fsync", tmp);
    close(fd);
    if (rename(tmp, path) != 0) die("rename", tmp);
    if (durable) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) die("open", dir);
        if (fsync(dfd) != 0) die("fsync", dir);
        close(dfd);
    }
    close(lock); /* releases the flock */
}

/* One round: `processes` children for `seconds`; returns the total operations per second. */
static double run_round(const char *root, int users, double seconds, int durable, int processes, size_t bytes) {
    int pipes[2];
    if (pipe(pipes) != 0) die("pipe", "");
    for (int p = 0; p < processes; p++) {
        pid_t pid = fork();
        if (pid < 0) die("fork", "");
        if (pid > 0) continue;
        /* Child p walks users [first, last) round robin; with fewer users than processes,
         * every child walks all of them (they contend for the locks). */
        int first = users >= processes ? users * p / processes : 0;
        int last = users >= processes ? users * (p + 1) / processes : users;
        char *buffer = malloc(bytes + 1);
        char dir[4096];
        long ops = 0;
        int u = first;
        double start = now(), end = start + seconds;
        while ((ops & 15) != 0 || now() < end) {
            snprintf(dir, sizeof dir, "%s/users/%06d", root, u);
            update_once(dir, buffer, bytes, durable, ops);
            ops++;
            if (++u >= last) u = first;
        }
        char line[128];
        int len = snprintf(line, sizeof line, "%ld %.6f\n", ops, now() - start);
        _exit(write(pipes[1], line, (size_t)len) == len ? 0 : 1);
    }
    close(pipes[1]);
    FILE *results = fdopen(pipes[0], "r");
    long total = 0, ops;
    double longest = 0, elapsed;
    int reported = 0;
    while (fscanf(results, "%ld %lf", &ops, &elapsed) == 2) {
        total += ops;
        if (elapsed > longest) longest = elapsed;
        reported++;
    }
    fclose(results);
    int status, failed = 0;
    while (wait(&status) > 0) if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    if (failed || reported != processes) {
        fprintf(stderr, "storage-loop: a worker process failed\n");
        exit(1);
    }
    printf("ops=%ld seconds=%.3f ops_per_s=%.0f\n", total, longest, total / longest);
    return total / longest;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: storage-loop DIR USERS SECONDS fast|durable PROCESSES [BYTES [ROUNDS]]\n");
        return 64;
    }
    const char *root = argv[1];
    int users = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int durable = strcmp(argv[4], "durable") == 0;
    int processes = atoi(argv[5]);
    size_t bytes = argc > 6 ? (size_t)atol(argv[6]) : 4096;
    int rounds = argc > 7 ? atoi(argv[7]) : 1;
    if (users < 1 || processes < 1 || seconds <= 0 || bytes < 1 || rounds < 1) return 64;

    char *content = malloc(bytes);
    for (size_t i = 0; i < bytes; i++) content[i] = "{\"abcdefghijklmnopqrstuvwxyz0123456789\":}"[i % 40];
    char path[8192], dir[4096];
    snprintf(path, sizeof path, "%s/users", root);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) die("mkdir", path);
    for (int u = 0; u < users; u++) {
        snprintf(dir, sizeof dir, "%s/users/%06d", root, u);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) die("mkdir", dir);
        snprintf(path, sizeof path, "%s/aggregate.json", dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
        if (fd < 0) die("create", path);
        write_all(fd, content, bytes, path);
        close(fd);
    }
    /* Start from clean pages: the setup's writes are not the loop's. */
    int rootfd = open(root, O_RDONLY | O_DIRECTORY);
    if (rootfd < 0 || syncfs(rootfd) != 0) die("syncfs", root);
    close(rootfd);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int round = 0; round < rounds; round++) run_round(root, users, seconds, durable, processes, bytes);
    return 0;
}
