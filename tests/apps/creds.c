/* creds: user and group ids (credentials(7)): the real, effective, saved
 * and file-system ids, Linux's rules for setuid, setreuid, setresuid,
 * setfsuid (and the gid calls), supplementary groups, inheritance across
 * fork and exec, and /proc/self/status. Run as root (pid 1 in Uniplex;
 * root on the host); each case changes ids in a child of its own.
 *
 * usage: creds [CASE...]
 *        creds --check-res R E S (what exec_keeps_ids execs: exits 0 when
 *        getresuid gives R E S) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

static void expect_res(uid_t r, uid_t e, uid_t s)
{
    uid_t gr, ge, gs;
    T_EXPECT(getresuid(&gr, &ge, &gs) == 0, "getresuid: %s", t_errname(errno));
    T_EXPECT(gr == r && ge == e && gs == s, "uids %u %u %u, expected %u %u %u", gr, ge, gs, r, e,
             s);
}

static void expect_errno(int r, int e, const char *what)
{
    T_EXPECT(r == -1 && errno == e, "%s: %d/%s, expected %s", what, r, t_errname(errno),
             t_errname(e));
}

static void case_start_root(void)
{
    gid_t r, e, s;
    expect_res(0, 0, 0);
    T_EXPECT(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "not all 0");
    T_EXPECT(getresgid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "gids %u %u %u", r, e, s);
}

/* /proc/self/status's Uid: line: real, effective, saved, fs. */
static void case_setresuid_status(void)
{
    char buf[2048], want[64];
    T_EXPECT(setresuid(1000, 1001, 1002) == 0, "setresuid: %s", t_errname(errno));
    expect_res(1000, 1001, 1002);
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "\nUid:\t1000\t1001\t1002\t1001\n");
    T_EXPECT(strstr(buf, want), "no \"%s\" in /proc/self/status", want + 1);
}

/* Unprivileged: setuid may only move the effective id to the real or
 * saved one; setresuid takes only ids the process has; -1 keeps. */
static void case_unprivileged_rules(void)
{
    T_EXPECT(setresuid(1000, 1001, 1002) == 0, "setresuid: %s", t_errname(errno));
    expect_errno(setuid(0), EPERM, "setuid(0)");
    expect_errno(setuid(5), EPERM, "setuid(5)");
    T_EXPECT(setuid(1002) == 0, "setuid(saved): %s", t_errname(errno));
    expect_res(1000, 1002, 1002);
    expect_errno(setresuid(-1, 7, -1), EPERM, "setresuid(-1, 7, -1)");
    T_EXPECT(setresuid(1002, -1, 1000) == 0, "setresuid within: %s", t_errname(errno));
    expect_res(1002, 1002, 1000);
    expect_errno(setuid(-1), EINVAL, "setuid(-1)");
}

/* setreuid: setting the real id (or the effective one to other than the
 * old real id) makes the saved id the new effective one. */
static void case_setreuid_saved(void)
{
    T_EXPECT(setreuid(10, 20) == 0, "setreuid(10, 20): %s", t_errname(errno));
    expect_res(10, 20, 20);
    T_EXPECT(setreuid(-1, 10) == 0, "setreuid(-1, 10): %s", t_errname(errno));
    expect_res(10, 10, 20); /* effective set to the real id: saved unchanged */
    expect_errno(setreuid(30, -1), EPERM, "setreuid(30, -1)");
    T_EXPECT(setreuid(10, 20) == 0, "setreuid(10, 20) again: %s", t_errname(errno));
    expect_res(10, 20, 20);
}

/* setfsuid returns the old fs id; unprivileged it takes only ids the
 * process has; the effective id's changes carry the fs id along. */
static void case_fsuid(void)
{
    T_EXPECT(setfsuid(77) == 0, "setfsuid(77) did not return the old 0");
    T_EXPECT(setfsuid(-1) == 77, "fs id not 77");
    T_EXPECT(setresuid(5, 6, 7) == 0, "setresuid: %s", t_errname(errno));
    T_EXPECT(setfsuid(-1) == 6, "fs id not the new effective 6");
    setfsuid(99); /* not one of ours: refused silently */
    T_EXPECT(setfsuid(-1) == 6, "fs id moved to 99 unprivileged");
    setfsuid(7);
    T_EXPECT(setfsuid(-1) == 7, "fs id not the saved 7");
}

static void case_gids(void)
{
    gid_t r, e, s;
    T_EXPECT(setresgid(100, 101, 102) == 0, "setresgid: %s", t_errname(errno));
    T_EXPECT(getresgid(&r, &e, &s) == 0 && r == 100 && e == 101 && s == 102, "gids %u %u %u", r, e,
             s);
    T_EXPECT(setregid(200, -1) == 0 && getgid() == 200 && getegid() == 101, "setregid");
    T_EXPECT(setgid(300) == 0 && getgid() == 300 && getegid() == 300, "setgid as root");
    T_EXPECT(setfsgid(-1) == 300, "fs gid not 300");
    T_EXPECT(setuid(1000) == 0, "setuid(1000): %s", t_errname(errno));
    expect_errno(setgid(400), EPERM, "setgid(400) unprivileged");
}

static void case_groups(void)
{
    gid_t g[3] = {5, 6, 7}, got[8];
    T_EXPECT(setgroups(3, g) == 0, "setgroups: %s", t_errname(errno));
    T_EXPECT(getgroups(0, got) == 3, "getgroups(0) != 3");
    expect_errno(getgroups(2, got), EINVAL, "getgroups(2)");
    T_EXPECT(getgroups(8, got) == 3 && got[0] == 5 && got[1] == 6 && got[2] == 7, "groups");
    expect_errno(setgroups(70000, g), EINVAL, "setgroups(70000)");
    gid_t *volatile bad = (gid_t *)8; /* opaque to the compiler's bounds checks */
    expect_errno(setgroups(2, bad), EFAULT, "setgroups(bad)");
    expect_errno(getgroups(8, bad), EFAULT, "getgroups(bad)");
    T_EXPECT(setgroups(0, NULL) == 0 && getgroups(0, got) == 0, "emptying the groups");
    T_EXPECT(setuid(1000) == 0, "setuid(1000): %s", t_errname(errno));
    expect_errno(setgroups(1, g), EPERM, "setgroups unprivileged");
}

static void case_getres_efault(void)
{
    uid_t a, b;
    expect_errno(getresuid(&a, &b, (uid_t *)8), EFAULT, "getresuid(bad)");
    expect_errno(getresgid((gid_t *)8, &a, &b), EFAULT, "getresgid(bad)");
}

/* A forked child has its parent's ids; exec keeps the real and effective
 * ids and copies the effective one into the saved one. */
static void case_fork_exec_keep(void)
{
    T_EXPECT(setresuid(1, 2, 3) == 0, "setresuid: %s", t_errname(errno));
    pid_t pid = fork();
    if (pid == 0) {
        uid_t r, e, s;
        _exit(getresuid(&r, &e, &s) == 0 && r == 1 && e == 2 && s == 3 ? 0 : 1);
    }
    int st = 0;
    T_EXPECT(p_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "forked child: %s", p_status_str(st));
    pid = fork();
    if (pid == 0) {
        execl(p_self_path("creds"), "creds", "--check-res", "1", "2", "2", (char *)NULL);
        _exit(9);
    }
    T_EXPECT(p_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "exec'd child: %s", p_status_str(st));
}

/* A new file, directory or FIFO is owned by the creator's fs ids. */
static void case_new_node_owner(void)
{
    struct stat st;
    setfsuid(77);
    setfsgid(88);
    unlink("/tmp/creds-f");
    int fd = open("/tmp/creds-f", O_CREAT | O_WRONLY, 0600);
    T_EXPECT(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == 77 && st.st_gid == 88,
             "file owned by %u:%u", st.st_uid, st.st_gid);
    close(fd);
    unlink("/tmp/creds-f");
    rmdir("/tmp/creds-d");
    T_EXPECT(mkdir("/tmp/creds-d", 0700) == 0 && stat("/tmp/creds-d", &st) == 0 &&
                 st.st_uid == 77 && st.st_gid == 88,
             "directory owned by %u:%u", st.st_uid, st.st_gid);
    rmdir("/tmp/creds-d");
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"new_node_owner", case_new_node_owner},
    {"ids_start_root", case_start_root},
    {"setresuid_and_status", case_setresuid_status},
    {"unprivileged_rules", case_unprivileged_rules},
    {"setreuid_saved", case_setreuid_saved},
    {"fsuid", case_fsuid},
    {"gids", case_gids},
    {"groups", case_groups},
    {"getres_efault", case_getres_efault},
    {"fork_exec_keep", case_fork_exec_keep},
};

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--check-res") == 0) {
        uid_t r, e, s;
        return getresuid(&r, &e, &s) == 0 && r == (uid_t)atoi(argv[2]) &&
                       e == (uid_t)atoi(argv[3]) && s == (uid_t)atoi(argv[4])
                   ? 0
                   : 1;
    }
    if (getuid() != 0) {
        printf("creds: must run as root\n");
        return 1;
    }
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[300];
        int st = 0;
        if (t_case_named(argc, argv, cases[i].name) &&
            t_case_run(cases[i].name, cases[i].fn, ALARM_S, 0, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    return t_done("creds");
}
