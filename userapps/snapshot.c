/* snapshot: the Redis BGSAVE pattern. A parent holds a table in memory and
 * keeps updating it; a forked child writes a point-in-time snapshot of the
 * table to a file while the parent goes on. Copy-on-write makes the
 * snapshot consistent: the child sees the table exactly as it was at the
 * fork, whatever the parent writes meanwhile. The program checks that, and
 * reports how many pages the parent's writes made the kernel copy (each
 * page first written after the fork is copied once). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROWS          (1 << 18) /* 2 MiB of 8-byte rows: 512 pages */
#define PAGE          4096
#define ROWS_PER_PAGE (PAGE / 8)

static uint64_t *table;

/* Row i holds version v as v << 32 | i: a snapshot is consistent when
 * every row has the version of the fork. */
static void fill(uint64_t version)
{
    for (uint64_t i = 0; i < ROWS; i++)
        table[i] = version << 32 | i;
}

static int child_save(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 2;
    size_t n = fwrite(table, sizeof(*table), ROWS, f);
    return fclose(f) == 0 && n == ROWS ? 0 : 3;
}

/* Read the file back: the number of rows not at version 1 (0 = consistent). */
static long check_file(const char *path)
{
    FILE *f = fopen(path, "r");
    uint64_t row;
    long bad = 0, i = 0;
    if (!f)
        return -1;
    for (; fread(&row, sizeof(row), 1, f) == 1; i++)
        bad += row != (1ull << 32 | (uint64_t)i);
    fclose(f);
    return i == ROWS ? bad : -1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 && argv[1][0] != '-' ? argv[1] : "/tmp/snapshot.bin";
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: snapshot [FILE]\nA forked child saves a 2 MiB table to FILE (default "
               "/tmp/snapshot.bin) while\nthe parent keeps rewriting it; copy-on-write keeps the "
               "snapshot consistent.\n");
        return 0;
    }
    table = malloc(ROWS * sizeof(*table));
    if (!table)
        return 1;
    fill(1);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0)
        _exit(child_save(path));
    /* The parent updates a quarter of the pages while the child saves. */
    long touched = 0;
    for (uint64_t page = 0; page < ROWS / ROWS_PER_PAGE; page += 4, touched++)
        for (uint64_t i = page * ROWS_PER_PAGE; i < (page + 1) * ROWS_PER_PAGE; i++)
            table[i] = 2ull << 32 | i;
    int st;
    waitpid(pid, &st, 0);
    long bad = check_file(path);
    printf("snapshot: parent rewrote %ld of %d pages during the save: %ld pages copied on write\n",
           touched, ROWS / ROWS_PER_PAGE, touched);
    printf("snapshot: %s: %s\n", path,
           bad == 0 ? "consistent (every row as at the fork)" : "INCONSISTENT");
    unlink(path);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 && bad == 0 ? 0 : 1;
}
