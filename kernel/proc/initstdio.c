/* init's descriptors 0, 1 and 2: /dev/console, as the kernel gives them to
 * Linux's init; with stdio=vport on the command line, 0 and 1 are the
 * virtio console ports uniplex.stdin (read-only) and uniplex.stdout
 * (write-only) instead, each falling back to the console when missing. */
#include <stdint.h>
#include "errno.h"
#include "kernel/cmdline.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/proc/init.h"
#include "kernel/proc/proc.h"

static const struct {
    const char *path;
    uint32_t flags;
} vports[2] = {
    {"/dev/virtio-ports/uniplex.stdin", O_RDONLY},
    {"/dev/virtio-ports/uniplex.stdout", O_WRONLY},
};

static int open_path(const char *path, uint32_t flags, struct file **f)
{
    struct vnode *vn;
    int err = vfs_walk(vfs_root(), path, WALK_FOLLOW, &vn);
    return err ? err : file_open_vnode(vn, flags, f);
}

/* The file for fd (0..2): a port with stdio=vport, else (or when the port
 * cannot be opened: logged) the console's, referenced again. */
static struct file *stdio_file(int fd, int vport, struct file *console)
{
    struct file *f;
    if (vport && fd < 2) {
        int err = open_path(vports[fd].path, vports[fd].flags, &f);
        if (!err)
            return f;
        printk("init: stdio=vport: %s: error %d, fd %d is the console\n", vports[fd].path, -err,
               fd);
    }
    file_ref(console);
    return console;
}

int init_open_stdio(struct proc *p, const char *cmdline)
{
    const char *v;
    size_t len;
    int vport = cmdline_is(cmdline, "stdio", "vport");
    if (!vport && cmdline_find(cmdline, "stdio", &v, &len))
        printk("init: stdio=%.*s: unknown (only stdio=vport), ignored\n", (int)len, v);
    struct file *console = 0;
    int err = open_path("/dev/console", O_RDWR, &console);
    for (int fd = 0; fd < 3 && !err; fd++) {
        struct file *f = stdio_file(fd, vport, console);
        if ((err = fd_install(p, f, fd, 0)) < 0)
            file_unref(f);
        else
            err = 0;
    }
    if (console)
        file_unref(console); /* the open's own */
    return err;
}
