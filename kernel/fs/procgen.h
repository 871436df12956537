/* The generators of /proc's files (procgen.c), for procfs.c: each writes
 * a file's text for process (or thread) id into buf (n bytes; GEN_MAX is
 * enough for every one) and returns its length, 0 when id is gone. */
#ifndef UNIPLEX_FS_PROCGEN_H
#define UNIPLEX_FS_PROCGEN_H

#include <stddef.h>

#define GEN_MAX 4096
typedef int gen_fn(int id, char *buf, size_t n);

gen_fn gen_meminfo;
gen_fn gen_uptime;
gen_fn gen_cpuinfo;
gen_fn gen_version;
gen_fn gen_loadavg;
gen_fn gen_stat_all;
gen_fn gen_stat;
gen_fn gen_status;
gen_fn gen_cmdline;
gen_fn gen_task_stat;
gen_fn gen_task_status;
gen_fn gen_mounts;
gen_fn gen_mountinfo;
gen_fn gen_maps;
gen_fn gen_limits;
gen_fn gen_filesystems;
gen_fn gen_statm;
gen_fn gen_task_statm;
/* /proc/<pid>/fdinfo/<fd>'s text (0 when the descriptor is gone). */
int gen_fdinfo(int pid, int fd, char *buf, size_t n);

/* /proc/net/dev (kernel/net/netproc.c), tcp and udp (inet_proc.c). */
gen_fn gen_net_dev;
gen_fn gen_net_tcp;
gen_fn gen_net_udp;
gen_fn gen_net_ip6; /* tcp6 and udp6: no IPv6 sockets, the header alone */

/* The writable files of /proc/sys share these (procsys.c): read text (len
 * bytes) at f's offset; take a write's text, up to the first newline,
 * into buf (size bytes; longer text is cut, as Linux's proc_dostring cuts
 * it): 0, -EFAULT, or -EACCES without CAP_SYS_ADMIN (Linux refuses the
 * open, by the mode). */
struct file;
long sysctl_text_read(struct file *f, void *ubuf, size_t n, const char *text, size_t len);
int sysctl_text_write(const void *ubuf, size_t n, char *buf, size_t size);
/* kernel.hostname and kernel.domainname, read and written. */
extern const struct file_ops sysctl_hostname_ops, sysctl_domainname_ops;

/* /proc/sys (procsys.c): each file's value and a newline. */
gen_fn gen_sys_ostype;
gen_fn gen_sys_osrelease;
gen_fn gen_sys_version;
gen_fn gen_sys_pid_max;
gen_fn gen_sys_ngroups_max;
gen_fn gen_sys_threads_max;
gen_fn gen_sys_boot_id;
gen_fn gen_sys_uuid;
gen_fn gen_sys_aio_max_nr;
gen_fn gen_sys_aio_nr;
gen_fn gen_sys_file_max;
gen_fn gen_sys_nr_open;
gen_fn gen_sys_pipe_max_size;
gen_fn gen_sys_pipe_user_pages;
gen_fn gen_sys_tainted;
gen_fn gen_sys_overcommit_memory;
gen_fn gen_sys_max_map_count;

#endif
