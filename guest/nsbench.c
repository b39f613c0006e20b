// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: namespace micro-benchmarks for make bench (scripts/bench.sh).
 * Uses only interfaces Linux 6.12 already has, so that the very same
 * program runs on the unpatched base and on the patched kernel; listns()
 * is the one exception: where it fails with ENOSYS (the base) only the
 * /proc side of that benchmark runs.
 *
 *   nsbench [-c COUNT] create TYPE   create+destroy throughput of one type
 *                                    (uts ipc mnt net pid cgroup time user)
 *                                    or mix (all eight types in turn)
 *                                    or container (all eight at once,
 *                                    fork, exec a static true, reap)
 *   nsbench [-c COUNT] lookup [N1 N2] mount namespace lookup with N1 and N2
 *                                    live mount namespaces (10 and 10000)
 *   nsbench [-c COUNT] listns [N]    enumerating every namespace: listns()
 *                                    vs the /proc walk, with N processes
 *                                    holding a uts namespace each (1000)
 *   nsbench [-c COUNT] listns-scale [N1 N2]
 *                                    listns() owner query and unprivileged
 *                                    listing with N1 and N2 unrelated
 *                                    namespaces (10 and 10000)
 *   nsbench [-c COUNT] open proc|handle
 *                                    COUNT opens and closes of the network
 *                                    namespace, by /proc/self/ns/net or by
 *                                    its handle (for make profile; where
 *                                    there are no handles, the base: /proc)
 *   nsbench all                      every create benchmark, lookup, listns,
 *                                    listns-scale
 *
 * Every result is one line on stdout:
 *   BENCH name=create-uts unit=ops/s value=12345.6 count=2000 secs=0.162
 *   BENCH name=lookup-statmount-n10000 unit=ns/op value=1234.5 ...
 *   BENCH name=lookup-statmount-scale unit=ratio value=1.05 ...
 * Errors go to stderr as "nsbench: ..." and make the exit status non-zero.
 *
 * Create: a forked child loops unshare(CLONE_NEWxxx); each unshare makes a
 * new namespace and drops the one before. The count runs in 5 batches:
 * create-TYPE is the whole run's rate, create-TYPE-best the fastest
 * batch's (less disturbed by the host). pid:
 * unshare() only sets pid_for_children and a second one fails (EINVAL), so
 * each round is unshare(CLONE_NEWPID) + setns() back to the active pid
 * namespace. user: user namespaces nest (32 levels), so each round is
 * fork + unshare + exit.
 * container: what a container runtime or sandbox does per start: a child
 * unshare()s all eight types in one call (CLONE_NEWUSER with the others:
 * as root the new user namespace gets the capabilities for the rest),
 * forks, and the grandchild, pid 1 of the new pid namespace, execs a
 * static true (the guest's busybox); the child reaps it and exits, and
 * is reaped.
 * Network namespaces are torn down asynchronously (cleanup_net): the time
 * covers creation and the final put, the rest runs after the loop, so the
 * program waits a little before the next benchmark (same on every kernel).
 *
 * Lookup: a child makes a minimal mount namespace (/ and /proc only), then
 * N copies of it, each kept alive by an open /proc/self/ns/mnt fd, and
 * times ioctl(init_mntns_fd, NS_MNT_GET_NEXT) + close of the returned fd,
 * and statmount() of the root mount of the mid-range namespace by its
 * mnt_ns_id (struct mnt_id_req, MNT_ID_REQ_SIZE_VER1). Best of 3 trials.
 *
 * Listns: a child forks N processes that each unshare(CLONE_NEWUTS) and
 * pause(), then enumerates every namespace of the system two ways, in 5
 * interleaved trials: listns() (syscall 470, pages of 1024 ids, cursor =
 * the last id, until a page of 0 ids or ENOENT; each trial times 20
 * enumerations, -c
 * changes that) and the way lsns does it (readdir /proc; for every PID
 * fstatat() of each /proc/PID/ns/ENTRY into a set of unique dev:inode
 * pairs; one enumeration per trial). enum-listns-nN and enum-proc-nN are
 * the best trial's time per enumeration, listns-vs-proc their ratio
 * proc/listns (how many times faster listns() is), with both counts:
 * each method must find at least the N namespaces of the children
 * (else an error), and counts=differ flags that they found different
 * numbers. All N processes are killed and reaped at the end.
 *
 * Listns-scale (listns() only: nothing on a kernel without it): a user
 * namespace X that owns exactly three namespaces (uts, ipc, cgroup, made
 * by a child that unshares the user namespace and then them), amid N
 * unrelated namespaces (uts namespaces of a pool process, each kept active
 * by an open nsfs fd). listns-owner-nN: time per complete owner query,
 * listns(user_ns_id=X) paged to the end, by root in the initial
 * namespaces; listns-unpriv-nN: time per complete listing of everything an
 * unprivileged caller may see (every type, pages of 1024 ids until 0 or
 * ENOENT), by a child with uid 1000 in a user namespace (and uts
 * namespace) of its own, without CAP_SYS_ADMIN in the initial one. Best of
 * 3 trials at N1, then the pool grows to N2 and the same again;
 * listns-owner-scale and listns-unpriv-scale are the N2/N1 ratios within
 * one run. Both queries must find the same number of ids at N1 and N2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/nsfs.h>

#include "nsid-guest.h"

#ifndef MNT_DETACH
#define MNT_DETACH 2
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Default counts: each measurement takes about 0.5-2 s under QEMU TCG. */
static const struct bench_type {
	const char *name;
	int flag;
	long count;
} types[] = {
	{ "uts", CLONE_NEWUTS, 200000 },    { "ipc", CLONE_NEWIPC, 10000 },
	{ "mnt", CLONE_NEWNS, 5000 },	    { "net", CLONE_NEWNET, 1000 },
	{ "pid", CLONE_NEWPID, 100000 },    { "cgroup", CLONE_NEWCGROUP, 250000 },
	{ "time", CLONE_NEWTIME, 100000 },  { "user", CLONE_NEWUSER, 800 },
};
static const long mix_count = 1500;	/* rounds, one namespace each */
/* create container: not in types[] (mix cycles through those). */
static const struct bench_type container = { "container", 0, 200 };
#define CONTAINER_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define TRUE_PATH "/bin/busybox"	/* static; argv[0] "true" picks the applet */
static const long lookup_ops = 50000;	/* ops per timed trial */
#define BATCHES 5			/* create: best of 5 batches of count/5 */

static long opt_count;			/* -c: overrides the counts above */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "nsbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run fn(arg) in a forked child; its exit status is ours to check. */
static int in_child(int (*fn)(const void *), const void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "nsbench: benchmark child failed (status 0x%x)\n", status);
		return 1;
	}
	return 0;
}

static int self_pidns_fd = -1;
static long enospc_waits;	/* create pid: waits for freed pid namespaces */

static void reap_ok(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		die("waitpid (%s)", what);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = ECHILD;
		die("%s: status 0x%x", what, status);
	}
}

/*
 * One container start: the child unshares all eight types, forks; the
 * grandchild (pid 1 of the new pid namespace) execs true; the child reaps
 * it and exits; we reap the child.
 */
static void container_one(void)
{
	static char *const argv[] = { "true", NULL };
	static char *const envp[] = { NULL };
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pid_t init;
		int status;

		if (unshare(CONTAINER_FLAGS))
			_exit(2);
		init = fork();
		if (init < 0)
			_exit(3);
		if (init == 0) {
			execve(TRUE_PATH, argv, envp);
			_exit(4);
		}
		if (waitpid(init, &status, 0) != init || !WIFEXITED(status))
			_exit(5);
		_exit(WEXITSTATUS(status));
	}
	reap_ok(pid, "container child (2: unshare, 3: fork, 4: exec " TRUE_PATH ")");
}

/* One create+destroy round of one type, in the benchmark child. */
static void create_one(const struct bench_type *t)
{
	int status;
	pid_t pid;

	switch (t->flag) {
	case 0:
		container_one();
		return;
	case CLONE_NEWUSER:
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(unshare(CLONE_NEWUSER) ? 1 : 0);
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			errno = EPERM;
			die("unshare(user) in a child");
		}
		return;
	case CLONE_NEWPID:
		/*
		 * A pid namespace stops counting against max_pid_namespaces
		 * only in the RCU callback that frees it: a tight loop can
		 * reach the limit (ENOSPC) before a grace period passes.
		 * Then wait for one; the waits are reported.
		 */
		while (unshare(CLONE_NEWPID)) {
			if (errno != ENOSPC || ++enospc_waits > 10000)
				die("unshare(pid)");
			usleep(1000);
		}
		if (setns(self_pidns_fd, CLONE_NEWPID))
			die("setns(pid) back");
		return;
	default:
		if (unshare(t->flag))
			die("unshare(%s)", t->name);
	}
}

static void report(const char *name, const char *unit, double value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(const char *name, const char *unit, double value, const char *fmt, ...)
{
	va_list ap;

	printf(strcmp(unit, "ratio") ? "BENCH name=%s unit=%s value=%.1f" : "BENCH name=%s unit=%s value=%.4f",
	       name, unit, value);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int create_child(const void *arg)
{
	const struct bench_type *t = arg;	/* NULL: mix */
	long n = opt_count ? opt_count : t ? t->count : mix_count;
	long batch = n / BATCHES > 0 ? n / BATCHES : 1, done = 0;
	double t0, secs, total = 0, best = 0;
	char name[32];

	self_pidns_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self_pidns_fd < 0)
		die("open /proc/self/ns/pid");
	/*
	 * create-TYPE is the whole run's rate, teardown work included as far
	 * as it runs in line; create-TYPE-best is the fastest batch, less
	 * disturbed by the host preempting QEMU's threads.
	 */
	for (int b = 0; b < BATCHES; b++) {
		t0 = now();
		for (long i = 0; i < batch; i++, done++)
			create_one(t ? t : &types[done % ARRAY_SIZE(types)]);
		secs = now() - t0;
		total += secs;
		if (b == 0 || secs < best)
			best = secs;
	}
	snprintf(name, sizeof(name), "create-%s", t ? t->name : "mix");
	report(name, "ops/s", done / total, " count=%ld secs=%.3f enospc_waits=%ld", done, total,
	       enospc_waits);
	snprintf(name, sizeof(name), "create-%s-best", t ? t->name : "mix");
	report(name, "ops/s", batch / best, " count=%ld secs=%.3f", batch, best);
	return 0;
}

static int bench_create(const char *type)
{
	if (!strcmp(type, "mix"))
		return in_child(create_child, NULL);
	if (!strcmp(type, container.name))
		return in_child(create_child, &container);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i].name))
			return in_child(create_child, &types[i]);
	fprintf(stderr,
		"nsbench: unknown namespace type %s (uts ipc mnt net pid cgroup time user mix container)\n",
		type);
	return 2;
}

/* ---- lookup scaling ---- */

struct pool {
	int initfd;		/* the initial mount namespace */
	int *fds;		/* live mount namespaces */
	uint64_t *ids;
	long n;
};

/*
 * The per-user-namespace limits (/proc/sys/user/max_*_namespaces, about
 * max_threads/2 by default) count namespaces until their RCU-deferred
 * free: a tight create loop, or 10000 live mount namespaces, would hit them.
 */
static void raise_ns_limits(long n)
{
	char path[64];

	for (size_t i = 0; i < NSID_NR_TYPES; i++) {
		long cur = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 nsid_types[i].name);
		f = fopen(path, "r");
		if (!f)
			die("open %s", path);
		if (fscanf(f, "%ld", &cur) != 1)
			cur = 0;
		fclose(f);
		if (cur >= n)
			continue;
		f = fopen(path, "w");
		if (!f || fprintf(f, "%ld\n", n) < 0 || fclose(f))
			die("raise %s to %ld", path, n);
	}
}

static void pool_grow(struct pool *p, long n)
{
	struct mnt_ns_info info;

	for (; p->n < n; p->n++) {
		if (unshare(CLONE_NEWNS))
			die("unshare(mnt) #%ld", p->n);
		p->fds[p->n] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (p->fds[p->n] < 0)
			die("open /proc/self/ns/mnt #%ld", p->n);
		memset(&info, 0, sizeof(info));
		info.size = MNT_NS_INFO_SIZE_VER0;
		if (ioctl(p->fds[p->n], NS_MNT_GET_INFO, &info))
			die("NS_MNT_GET_INFO");
		p->ids[p->n] = info.mnt_ns_id;
	}
}

/* ns per op of the best of 3 trials of fn. */
static double best_of_3(double (*fn)(const struct pool *, long, uint64_t), const struct pool *p,
			uint64_t arg)
{
	long ops = opt_count ? opt_count : lookup_ops;
	double best = 0;

	fn(p, ops / 4, arg);	/* warm-up */
	for (int trial = 0; trial < 3; trial++) {
		double t = fn(p, ops, arg) / ops * 1e9;

		if (trial == 0 || t < best)
			best = t;
	}
	return best;
}

static double time_get_next(const struct pool *p, long ops, uint64_t unused)
{
	struct mnt_ns_info info;
	double t0 = now();

	(void)unused;
	for (long i = 0; i < ops; i++) {
		int fd;

		info.size = MNT_NS_INFO_SIZE_VER0;
		fd = ioctl(p->initfd, NS_MNT_GET_NEXT, &info);
		if (fd < 0)
			die("NS_MNT_GET_NEXT");
		close(fd);
	}
	return now() - t0;
}

static void mnt_id_req_init(struct mnt_id_req *req, uint64_t mnt_id, uint64_t param, uint64_t ns_id)
{
	memset(req, 0, sizeof(*req));
	req->size = MNT_ID_REQ_SIZE_VER1;
	req->mnt_id = mnt_id;
	req->param = param;
	req->mnt_ns_id = ns_id;
}

/* The first mount listmount() reports in namespace ns_id. */
static uint64_t root_mount_of(uint64_t ns_id)
{
	struct mnt_id_req req;
	uint64_t ids[4];
	long n;

	mnt_id_req_init(&req, LSMT_ROOT, 0, ns_id);
	n = syscall(__NR_listmount, &req, ids, ARRAY_SIZE(ids), 0);
	if (n < 1)
		die("listmount(mnt_ns_id=%llu)", (unsigned long long)ns_id);
	return ids[0];
}

static double time_statmount(const struct pool *p, long ops, uint64_t ns_id)
{
	uint64_t buf[512];	/* struct statmount + strings, aligned */
	struct statmount *sm = (struct statmount *)buf;
	uint64_t mnt_id = root_mount_of(ns_id);
	struct mnt_id_req req;
	double t0;

	(void)p;
	mnt_id_req_init(&req, mnt_id, STATMOUNT_MNT_BASIC, ns_id);
	t0 = now();
	for (long i = 0; i < ops; i++)
		if (syscall(__NR_statmount, &req, sm, sizeof(buf), 0))
			die("statmount(mnt_ns_id=%llu)", (unsigned long long)ns_id);
	return now() - t0;
}

#ifdef NSFS_FILE_HANDLE_SIZE_VER0
/* Namespace file handles: only the patched kernel's headers have them. */

static char handle_buf[sizeof(struct file_handle) + MAX_HANDLE_SZ]
	__attribute__((aligned(8)));
static struct file_handle *const handle = (struct file_handle *)handle_buf;

static void handle_of(int fd)
{
	int mnt_id;

	handle->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(fd, "", handle, &mnt_id, AT_EMPTY_PATH))
		die("name_to_handle_at");
}

/* open_by_handle_at(FD_NSFS_ROOT) of the handle in handle_buf, and close. */
static double time_handle_open(const struct pool *p, long ops, uint64_t unused)
{
	double t0 = now();

	(void)p;
	(void)unused;
	for (long i = 0; i < ops; i++) {
		int fd = open_by_handle_at(NSID_FD_NSFS_ROOT, handle, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open_by_handle_at");
		close(fd);
	}
	return now() - t0;
}

/* open("/proc/self/ns/net") and close: what a handle open replaces. */
static double time_proc_open(const struct pool *p, long ops, uint64_t unused)
{
	double t0 = now();

	(void)p;
	(void)unused;
	for (long i = 0; i < ops; i++) {
		int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open /proc/self/ns/net");
		close(fd);
	}
	return now() - t0;
}

static void bench_handle_vs_proc(void)
{
	double proc, byhandle;
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /proc/self/ns/net");
	handle_of(fd);
	close(fd);
	proc = best_of_3(time_proc_open, NULL, 0);
	byhandle = best_of_3(time_handle_open, NULL, 0);
	report("open-proc-net", "ns/op", proc, " path=/proc/self/ns/net");
	report("open-handle-net", "ns/op", byhandle, " mountfd=FD_NSFS_ROOT");
	report("handle-vs-proc", "ratio", byhandle / proc, " open-handle-net/open-proc-net");
}
#endif

/*
 * open: one loop of opens, by handle or by /proc, for make profile, which
 * compares the kernels' instructions per open. A kernel that has no
 * namespace handles (the base: its headers have none) opens by /proc, so
 * that the profile of "open handle" against the base compares the two ways.
 */
static int bench_open(const char *how)
{
	long ops = opt_count ? opt_count : lookup_ops;
	bool by_handle = !strcmp(how, "handle");
	double t0;
	int fd;

	if (!by_handle && strcmp(how, "proc"))
		return 2;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/ns/net");
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
	int mnt_id;

	handle->handle_bytes = MAX_HANDLE_SZ;
	if (by_handle && name_to_handle_at(fd, "", handle, &mnt_id, AT_EMPTY_PATH)) {
		fprintf(stderr, "nsbench: no namespace handles (%s): opening by /proc\n",
			strerror(errno));
		by_handle = false;
	}
#else
	if (by_handle)
		fprintf(stderr, "nsbench: built without namespace handles: opening by /proc\n");
	by_handle = false;
#endif
	close(fd);
	t0 = now();
	for (long i = 0; i < ops; i++) {
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
		fd = by_handle ? open_by_handle_at(NSID_FD_NSFS_ROOT, handle, O_RDONLY | O_CLOEXEC) :
				 open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
#else
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
#endif
		if (fd < 0)
			die("open");
		close(fd);
	}
	report(by_handle ? "open-handle-net" : "open-proc-net", "ns/op", (now() - t0) * 1e9 / ops,
	       " count=%ld", ops);
	return 0;
}

static long lookup_n[2] = { 10, 10000 };

static int lookup_child(const void *arg)
{
	static const char *const drop[] = {
		"/sys/kernel/debug", "/sys/fs/cgroup", "/sys", "/dev", "/tmp", "/run",
	};
	long max = lookup_n[0] > lookup_n[1] ? lookup_n[0] : lookup_n[1];
	struct rlimit rl = { .rlim_cur = max + 64, .rlim_max = max + 64 };
	double next[2], stat[2], t0, secs;
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
	double byhandle[2];
#endif
	struct pool p = { 0 };
	char name[48];

	(void)arg;
	p.initfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (p.initfd < 0)
		die("open /proc/self/ns/mnt");
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE, %ld)", max + 64);
	p.fds = calloc(max, sizeof(*p.fds));
	p.ids = calloc(max, sizeof(*p.ids));
	if (!p.fds || !p.ids)
		die("calloc");
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
	bench_handle_vs_proc();
#endif
	/* A minimal private mount namespace: every copy is cheap. */
	if (unshare(CLONE_NEWNS))
		die("unshare(mnt)");
	if (syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("mount(/, MS_REC|MS_PRIVATE)");
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
		syscall(SYS_umount2, drop[i], MNT_DETACH);	/* absent is fine */

	for (int k = 0; k < 2; k++) {
		long n = lookup_n[k];

		if (n < p.n) {
			fprintf(stderr, "nsbench: lookup: N must grow (%ld after %ld)\n", n, p.n);
			return 2;
		}
		t0 = now();
		pool_grow(&p, n);
		secs = now() - t0;
		if (k == 1)
			report("lookup-pool-create", "ops/s", (n - lookup_n[0]) / secs,
			       " count=%ld secs=%.3f", n - lookup_n[0], secs);
		next[k] = best_of_3(time_get_next, &p, 0);
		stat[k] = best_of_3(time_statmount, &p, p.ids[n / 2]);
		snprintf(name, sizeof(name), "lookup-next-n%ld", n);
		report(name, "ns/op", next[k], " live=%ld", n);
		snprintf(name, sizeof(name), "lookup-statmount-n%ld", n);
		report(name, "ns/op", stat[k], " live=%ld mnt_ns_id=%llu", n,
		       (unsigned long long)p.ids[n / 2]);
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
		handle_of(p.fds[n / 2]);
		byhandle[k] = best_of_3(time_handle_open, &p, 0);
		snprintf(name, sizeof(name), "lookup-handle-n%ld", n);
		report(name, "ns/op", byhandle[k], " live=%ld", n);
#endif
	}
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
	report("lookup-handle-scale", "ratio", byhandle[1] / byhandle[0], " n=%ld/%ld",
	       lookup_n[1], lookup_n[0]);
#endif
	report("lookup-next-scale", "ratio", next[1] / next[0], " n=%ld/%ld", lookup_n[1],
	       lookup_n[0]);
	report("lookup-statmount-scale", "ratio", stat[1] / stat[0], " n=%ld/%ld", lookup_n[1],
	       lookup_n[0]);
	/* Exiting closes the fds and tears the namespaces down. */
	return 0;
}

/* ---- enumerating every namespace: listns() vs the /proc walk ---- */

#define LISTNS_PAGE 1024		/* ids per listns() call */
#define ENUM_TRIALS 5			/* interleaved trials, the best counts */
static long enum_n = 1000;		/* processes, one uts namespace each */
static const long enum_listns_loops = 20;	/* listns() enumerations per trial */

static uint64_t listns_ids[LISTNS_PAGE];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nsbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/*
 * How many namespaces listns() reports, page by page until it returns 0
 * or fails with ENOENT (both end the list, SPEC 6: ENOENT when no active
 * namespace lies above the cursor, 0 when some do but none the caller may
 * see), or -1 when the kernel has no listns() (ENOSYS); user_ns_id != 0:
 * only what that user namespace owns. check: also make sure every page
 * holds ascending ids above the cursor (the untimed pass).
 */
static long enum_listns_owned(uint64_t user_ns_id, int check)
{
	struct nsid_listns_req req = { .size = sizeof(req), .user_ns_id = user_ns_id };
	long total = 0, n;

	for (;;) {
		n = nsid_listns(&req, listns_ids, LISTNS_PAGE, 0);
		if (n < 0 && errno == ENOENT)
			return total;
		if (n < 0 && errno == ENOSYS && total == 0)
			return -1;
		if (n < 0)
			die("listns(ns_id=%llu)", (unsigned long long)req.ns_id);
		if (n == 0 && req.ns_id)
			return total;
		if (n <= 0 || n > LISTNS_PAGE)
			fail("listns(ns_id=%llu) returned %ld ids (1..%d, or 0 or ENOENT after a page, expected)",
			     (unsigned long long)req.ns_id, n, LISTNS_PAGE);
		for (long i = 0; check && i < n; i++)
			if (listns_ids[i] <= (i ? listns_ids[i - 1] : req.ns_id))
				fail("listns(ns_id=%llu): id %llu at %ld does not ascend",
				     (unsigned long long)req.ns_id,
				     (unsigned long long)listns_ids[i], i);
		total += n;
		req.ns_id = listns_ids[n - 1];
	}
}

/* Every namespace the caller may see, of every type and owner. */
static long enum_listns(int check)
{
	return enum_listns_owned(0, check);
}

/* A set of namespaces by (st_dev, st_ino), open addressing; ino 0: free. */
struct nsset {
	struct nskey {
		uint64_t dev, ino;
	} *slot;
	size_t cap;			/* a power of 2 */
	size_t n;
};

static void nsset_init(struct nsset *s, size_t cap)
{
	free(s->slot);
	s->slot = calloc(cap, sizeof(*s->slot));
	if (!s->slot)
		die("calloc");
	s->cap = cap;
	s->n = 0;
}

static void nsset_add(struct nsset *s, uint64_t dev, uint64_t ino)
{
	size_t i = ((ino ^ dev << 32) * 0x9e3779b97f4a7c15ULL >> 17) & (s->cap - 1);

	for (; s->slot[i].ino; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].ino == ino && s->slot[i].dev == dev)
			return;
	s->slot[i].dev = dev;
	s->slot[i].ino = ino;
	if (++s->n * 2 > s->cap) {
		struct nsset big = { 0 };

		nsset_init(&big, s->cap * 2);
		for (i = 0; i < s->cap; i++)
			if (s->slot[i].ino)
				nsset_add(&big, s->slot[i].dev, s->slot[i].ino);
		free(s->slot);
		*s = big;
	}
}

/* The entries of /proc/PID/ns on 6.12: lsns's list and the *_for_children. */
static const char *const proc_ns_entries[] = {
	"ns/cgroup", "ns/ipc", "ns/mnt", "ns/net", "ns/pid", "ns/pid_for_children",
	"ns/time", "ns/time_for_children", "ns/user", "ns/uts",
};

/*
 * How many distinct namespaces the processes in /proc are in, the way
 * lsns finds them: for every /proc/PID, fstatat() of each ns/ entry
 * (following the link to the nsfs inode), collected by dev:inode. As in
 * lsns, a process that exits meanwhile, an entry this kernel lacks and one
 * the caller may not look at (EACCES) are skipped.
 */
static long enum_proc(struct nsset *set)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	struct stat st;

	if (!proc)
		die("opendir /proc");
	memset(set->slot, 0, set->cap * sizeof(*set->slot));
	set->n = 0;
	while ((errno = 0, de = readdir(proc))) {
		int dfd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		dfd = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 && errno == ENOENT)
			continue;
		if (dfd < 0)
			die("open /proc/%s", de->d_name);
		for (size_t i = 0; i < ARRAY_SIZE(proc_ns_entries); i++) {
			if (fstatat(dfd, proc_ns_entries[i], &st, 0) == 0)
				nsset_add(set, st.st_dev, st.st_ino);
			else if (errno != ENOENT && errno != ESRCH && errno != EACCES)
				die("stat /proc/%s/%s", de->d_name, proc_ns_entries[i]);
		}
		close(dfd);
	}
	if (errno)
		die("readdir /proc");
	closedir(proc);
	return set->n;
}

struct holders {
	pid_t *pid;
	long n;
};

/*
 * n children, each in a uts namespace of its own (the cheapest type to
 * make), paused until killed. Each reports on a pipe once it has
 * unshared; a child whose parent dies is killed too (PR_SET_PDEATHSIG).
 */
static void holders_spawn(struct holders *h, long n)
{
	pid_t parent = getpid();
	long got = 0, bad = 0;
	int ready[2];
	char buf[256];
	ssize_t r;

	h->pid = calloc(n, sizeof(*h->pid));
	if (!h->pid)
		die("calloc");
	if (pipe2(ready, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	for (h->n = 0; h->n < n; h->n++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork #%ld", h->n);
		if (pid == 0) {
			char c;

			close(ready[0]);
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
				_exit(1);
			c = unshare(CLONE_NEWUTS) ? 'e' : 'k';
			if (write(ready[1], &c, 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		h->pid[h->n] = pid;
	}
	close(ready[1]);
	while (got < n) {
		size_t want = n - got < (long)sizeof(buf) ? (size_t)(n - got) : sizeof(buf);

		r = read(ready[0], buf, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read the children's pipe");
		if (r == 0)
			fail("listns: %ld of %ld children died before they unshared", n - got, n);
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != 'k';
		got += r;
	}
	close(ready[0]);
	if (bad)
		fail("listns: unshare(CLONE_NEWUTS) failed in %ld of %ld children", bad, n);
}

/* Kill every child, then reap every one. */
static void holders_reap(struct holders *h)
{
	for (long i = 0; i < h->n; i++)
		if (kill(h->pid[i], SIGKILL))
			die("kill %d", (int)h->pid[i]);
	for (long i = 0; i < h->n; i++)
		if (waitpid(h->pid[i], NULL, 0) < 0)
			die("waitpid %d", (int)h->pid[i]);
	free(h->pid);
	h->pid = NULL;
	h->n = 0;
}

static int listns_child(const void *arg)
{
	long loops = opt_count ? opt_count : enum_listns_loops;
	long n = enum_n, nproc, nlistns;
	double t0, secs, proc_best = 0, listns_best = 0;
	struct holders h = { 0 };
	struct nsset set = { 0 };
	char name[48];
	int rc = 0;

	(void)arg;
	nsset_init(&set, 4096);
	t0 = now();
	holders_spawn(&h, n);
	secs = now() - t0;
	report("enum-pool-create", "ops/s", n / secs, " count=%ld secs=%.3f", n, secs);

	/* Untimed: what each method finds (listns()'s pages checked too). */
	nproc = enum_proc(&set);
	nlistns = enum_listns(1);
	if (nproc < n) {
		fprintf(stderr, "nsbench: listns: the /proc walk found %ld namespaces, %s %ld\n",
			nproc, "fewer than the children's", n);
		rc = 1;
	}
	if (nlistns >= 0 && nlistns < n) {
		fprintf(stderr, "nsbench: listns: listns() found %ld namespaces, %s %ld\n",
			nlistns, "fewer than the children's", n);
		rc = 1;
	}

	for (int trial = 0; trial < ENUM_TRIALS; trial++) {
		t0 = now();
		enum_proc(&set);
		secs = now() - t0;
		if (trial == 0 || secs < proc_best)
			proc_best = secs;
		if (nlistns < 0)
			continue;
		t0 = now();
		for (long i = 0; i < loops; i++)
			enum_listns(0);
		secs = (now() - t0) / loops;
		if (trial == 0 || secs < listns_best)
			listns_best = secs;
	}
	holders_reap(&h);
	free(set.slot);

	snprintf(name, sizeof(name), "enum-proc-n%ld", n);
	report(name, "ns/op", proc_best * 1e9, " live=%ld found=%ld entries=%zu trials=%d", n,
	       nproc, ARRAY_SIZE(proc_ns_entries), ENUM_TRIALS);
	if (nlistns < 0)	/* no listns() (ENOSYS): the /proc side only */
		return rc;
	snprintf(name, sizeof(name), "enum-listns-n%ld", n);
	report(name, "ns/op", listns_best * 1e9, " live=%ld found=%ld page=%d trials=%d loops=%ld",
	       n, nlistns, LISTNS_PAGE, ENUM_TRIALS, loops);
	report("listns-vs-proc", "ratio", proc_best / listns_best,
	       " enum-proc/enum-listns n=%ld proc-found=%ld listns-found=%ld counts=%s", n, nproc,
	       nlistns, nproc == nlistns ? "equal" : "differ");
	return rc;
}

/* ---- listns() at scale: the owner query and an unprivileged caller ---- */

static long scale_n[2] = { 10, 10000 };
static const long scale_ops = 250;	/* complete listings per timed trial */

/* Write all of buf to fd, read all of it from fd: pipes between us. */
static int write_all(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

/*
 * The pool of unrelated namespaces: a child that, for every target count
 * written to its command pipe, unshares uts namespaces until it holds that
 * many, each kept active by an open nsfs fd, and answers 'k' (or 'e').
 * It exits, and the namespaces go, when the command pipe closes.
 */
struct ns_pool {
	pid_t pid;
	int cmd, ack;
};

static void ns_pool_start(struct ns_pool *p, long max)
{
	int cmd[2], ack[2];
	pid_t parent = getpid();

	if (pipe2(cmd, O_CLOEXEC) || pipe2(ack, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	p->pid = fork();
	if (p->pid < 0)
		die("fork");
	if (p->pid == 0) {
		struct rlimit rl = { .rlim_cur = max + 64, .rlim_max = max + 64 };
		long have = 0, want;
		char c;

		close(cmd[1]);
		close(ack[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(1);
		while (read_all(cmd[0], &want, sizeof(want)) == 0) {
			c = 'k';
			for (; have < want; have++)
				if (unshare(CLONE_NEWUTS) ||
				    open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC) < 0) {
					c = 'e';
					break;
				}
			if (write_all(ack[1], &c, 1))
				_exit(1);
		}
		_exit(0);
	}
	close(cmd[0]);
	close(ack[1]);
	p->cmd = cmd[1];
	p->ack = ack[0];
}

static void ns_pool_grow(struct ns_pool *p, long n)
{
	char c = 0;

	if (write_all(p->cmd, &n, sizeof(n)) || read_all(p->ack, &c, 1) || c != 'k')
		fail("listns-scale: the pool did not grow to %ld namespaces (%c)", n, c ? c : '-');
}

static void ns_pool_stop(struct ns_pool *p)
{
	close(p->cmd);
	close(p->ack);
	reap_ok(p->pid, "listns-scale pool");
}

/* X: a child in a user namespace of its own that owns its uts, ipc, cgroup. */
#define OWNED_FLAGS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP)
#define OWNED_COUNT 3

static pid_t owner_start(uint64_t *user_ns_id)
{
	pid_t parent = getpid(), pid;
	char c = 0, path[64];
	int ready[2], fd;

	if (pipe2(ready, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ready[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		c = unshare(CLONE_NEWUSER) ? 'u' : unshare(OWNED_FLAGS) ? 'o' : 'k';
		if (write_all(ready[1], &c, 1))
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read_all(ready[0], &c, 1) || c != 'k')
		fail("listns-scale: the owner child could not unshare (%c)", c ? c : '-');
	close(ready[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", path);
	if (ioctl(fd, NSID_NS_GET_ID, user_ns_id))
		die("NS_GET_ID of %s", path);
	close(fd);
	return pid;
}

struct scale_result {
	double ns;		/* per complete listing, best trial */
	long found;		/* ids listed */
};

/* Best of 3 trials (after a warm-up) of ops complete listings. */
static struct scale_result time_listing(uint64_t user_ns_id)
{
	long ops = opt_count ? opt_count : scale_ops;
	struct scale_result r = { 0, 0 };
	double t0, t;

	r.found = enum_listns_owned(user_ns_id, 1);
	for (long i = 0; i < ops / 4; i++)
		enum_listns_owned(user_ns_id, 0);
	for (int trial = 0; trial < 3; trial++) {
		t0 = now();
		for (long i = 0; i < ops; i++)
			enum_listns_owned(user_ns_id, 0);
		t = (now() - t0) / ops * 1e9;
		if (trial == 0 || t < r.ns)
			r.ns = t;
	}
	return r;
}

/*
 * The unprivileged listing, in a child: uid and gid 1000 (no capability
 * left in the initial user namespace), then a user and a uts namespace of
 * its own, then every namespace it may see, paged to the end.
 */
static struct scale_result time_unpriv_listing(void)
{
	struct scale_result r = { 0, -1 };
	int res[2];
	pid_t pid;

	if (pipe2(res, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(res[0]);
		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			die("become uid 1000");
		if (unshare(CLONE_NEWUSER))
			die("unshare(user) as uid 1000");
		if (unshare(CLONE_NEWUTS))
			die("unshare(uts) as uid 1000 in its user namespace");
		r = time_listing(0);
		_exit(write_all(res[1], &r, sizeof(r)) ? 1 : 0);
	}
	close(res[1]);
	if (read_all(res[0], &r, sizeof(r)))
		r.found = -1;
	close(res[0]);
	reap_ok(pid, "listns-scale unprivileged child");
	if (r.found < 0)
		fail("listns-scale: no result from the unprivileged child");
	return r;
}

static int listns_scale_child(const void *arg)
{
	struct scale_result owner[2], unpriv[2];
	struct ns_pool pool;
	uint64_t x = 0;
	char name[48];
	pid_t xpid;

	(void)arg;
	if (enum_listns(0) < 0)
		return 0;	/* no listns() (ENOSYS): nothing to measure */
	if (scale_n[1] < scale_n[0]) {
		fprintf(stderr, "nsbench: listns-scale: N must grow (%ld after %ld)\n",
			scale_n[1], scale_n[0]);
		return 2;
	}
	xpid = owner_start(&x);
	ns_pool_start(&pool, scale_n[1]);
	for (int k = 0; k < 2; k++) {
		long n = scale_n[k];

		ns_pool_grow(&pool, n);
		owner[k] = time_listing(x);
		unpriv[k] = time_unpriv_listing();
		if (owner[k].found != OWNED_COUNT)
			fail("listns-scale: listns(user_ns_id=%llu) listed %ld ids, not the %d it owns",
			     (unsigned long long)x, owner[k].found, OWNED_COUNT);
		snprintf(name, sizeof(name), "listns-owner-n%ld", n);
		report(name, "ns/op", owner[k].ns, " unrelated=%ld user_ns_id=%llu found=%ld", n,
		       (unsigned long long)x, owner[k].found);
		snprintf(name, sizeof(name), "listns-unpriv-n%ld", n);
		report(name, "ns/op", unpriv[k].ns, " unrelated=%ld uid=1000 found=%ld", n,
		       unpriv[k].found);
	}
	if (unpriv[0].found != unpriv[1].found)
		fail("listns-scale: the unprivileged caller saw %ld ids at %ld, %ld at %ld",
		     unpriv[0].found, scale_n[0], unpriv[1].found, scale_n[1]);
	ns_pool_stop(&pool);
	if (kill(xpid, SIGKILL) || waitpid(xpid, NULL, 0) < 0)
		die("kill and reap the owner child");
	report("listns-owner-scale", "ratio", owner[1].ns / owner[0].ns, " n=%ld/%ld", scale_n[1],
	       scale_n[0]);
	report("listns-unpriv-scale", "ratio", unpriv[1].ns / unpriv[0].ns, " n=%ld/%ld",
	       scale_n[1], scale_n[0]);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nsbench [-c COUNT] create uts|ipc|mnt|net|pid|cgroup|time|user|mix\n"
		"       nsbench [-c COUNT] lookup [N1 N2]\n"
		"       nsbench [-c COUNT] listns [N]\n"
		"       nsbench [-c COUNT] listns-scale [N1 N2]\n"
		"       nsbench [-c COUNT] open proc|handle\n"
		"       nsbench [-c COUNT] all\n");
	exit(2);
}

/* "BENCH [N1 N2]": the two sizes of a scale benchmark, if given. */
static void parse_pair(int argc, char **argv, long n[2])
{
	if (argc == 1)
		return;
	if (argc != 3)
		usage();
	n[0] = atol(argv[1]);
	n[1] = atol(argv[2]);
	if (n[0] < 1 || n[1] < 1)
		usage();
}

int main(int argc, char **argv)
{
	int opt, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	raise_ns_limits(100000);
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		switch (opt) {
		case 'c':
			opt_count = atol(optarg);
			if (opt_count <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();

	if (!strcmp(argv[0], "create")) {
		if (argc != 2)
			usage();
		return bench_create(argv[1]);
	}
	if (!strcmp(argv[0], "lookup")) {
		parse_pair(argc, argv, lookup_n);
		return in_child(lookup_child, NULL);
	}
	if (!strcmp(argv[0], "listns")) {
		if (argc == 2) {
			enum_n = atol(argv[1]);
			if (enum_n < 1)
				usage();
		} else if (argc != 1) {
			usage();
		}
		return in_child(listns_child, NULL);
	}
	if (!strcmp(argv[0], "open")) {
		if (argc != 2 || bench_open(argv[1]))
			usage();
		return 0;
	}
	if (!strcmp(argv[0], "listns-scale")) {
		parse_pair(argc, argv, scale_n);
		return in_child(listns_scale_child, NULL);
	}
	if (!strcmp(argv[0], "all") && argc == 1) {
		/* Network namespaces last: their teardown is asynchronous. */
		static const char *const order[] = {
			"uts", "ipc", "mnt", "pid", "cgroup", "time", "user", "net", "mix",
			"container",
		};

		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			rc |= bench_create(order[i]);
			/* Let the asynchronous net namespace teardown settle. */
			if (!strcmp(order[i], "net") || !strcmp(order[i], "mix") ||
			    !strcmp(order[i], "container"))
				sleep(1);
		}
		sleep(1);
		rc |= in_child(lookup_child, NULL);
		sleep(1);
		rc |= in_child(listns_child, NULL);
		sleep(1);
		rc |= in_child(listns_scale_child, NULL);
		/* Let the exits settle before a next run's create-uts. */
		sleep(1);
		return rc ? 1 : 0;
	}
	usage();
}
