/*
 * sandbox.h - narrow what a stage that parses hostile files may do
 *
 * Contract: sandbox_enter() sets PR_SET_NO_NEW_PRIVS and installs a seccomp
 * filter (libseccomp) that makes the system calls a document parser never
 * needs fail with EPERM: running programs (execve, execveat), new processes
 * (fork, vfork, clone without CLONE_THREAD; threads stay possible), networking (socket, connect, bind,
 * listen, accept, socketpair), tracing other processes (ptrace,
 * process_vm_*), and changing the system (mount, umount2, pivot_root,
 * chroot, swapon, reboot, kexec_*, *_module, setuid and friends, keyctl,
 * bpf, perf_event_open, userfaultfd).  Files stay usable: the stage still
 * reads its document and Tesseract's models and writes the store.
 * Call it after the store is open and before the first hostile byte is
 * parsed.  Returns 0, or -1 with a message (the stage then refuses to run).
 */
#ifndef ROI_SANDBOX_H
#define ROI_SANDBOX_H

int	sandbox_enter(void);

#endif
