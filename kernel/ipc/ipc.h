/* System V IPC (svipc(7)): shared memory segments, semaphore sets and
 * message queues, named by a key and an id, as Linux has them.
 *
 * Objects live until IPC_RMID (a shared memory segment until its last
 * detach after that), not with any process: a program that leaves one
 * behind leaves it to the next. The ids are Linux's (index + sequence *
 * 32768), the limits Linux 6.1's defaults, the structures Linux's x86-64
 * layouts. Permission checks use the mode bits against the caller's
 * effective ids, an effective uid of 0 passing them all (CAP_IPC_OWNER). */
#ifndef UNIPLEX_IPC_IPC_H
#define UNIPLEX_IPC_IPC_H

#include <stddef.h>
#include <stdint.h>

struct proc;

/* Register the system calls (shmget, shmat, shmdt, shmctl, semget, semop,
 * semtimedop, semctl, msgget, msgsnd, msgrcv, msgctl). Called from kmain
 * before syscall_init, which counts them. */
void ipc_init(void);

/* p's last thread is exiting (proc_end, p still current): its SEM_UNDO
 * adjustments are applied. Attached shared memory goes with the address
 * space, as on exec. */
void ipc_proc_exit(struct proc *p);
/* unshare(CLONE_SYSVSEM) by p's only thread: as Linux's exit_sem, its
 * SEM_UNDO adjustments are applied now and forgotten (an empty list from
 * then on). ipc_sem_undo_held: 1 when p has any SEM_UNDO record (Linux
 * makes a process's undo list at its first SEM_UNDO operation: kcmp's
 * KCMP_SYSVSEM compares those lists, absent ones as equal). */
void ipc_sem_detach(struct proc *p);
int ipc_sem_undo_held(const struct proc *p);

/* Live objects of all three kinds (the leak check). */
uint64_t ipc_count(void);

/* /proc/sysvipc/{shm,sem,msg} in Linux's format, and the limits
 * /proc/sys/kernel shows (procgen.h's gen_fn). */
int gen_sysvipc_shm(int id, char *buf, size_t n);
int gen_sysvipc_sem(int id, char *buf, size_t n);
int gen_sysvipc_msg(int id, char *buf, size_t n);
int gen_sys_shmmax(int id, char *buf, size_t n);
int gen_sys_shmall(int id, char *buf, size_t n);
int gen_sys_shmmni(int id, char *buf, size_t n);
int gen_sys_sem(int id, char *buf, size_t n);
int gen_sys_msgmax(int id, char *buf, size_t n);
int gen_sys_msgmnb(int id, char *buf, size_t n);
int gen_sys_msgmni(int id, char *buf, size_t n);

#endif
