// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: namespace micro-benchmarks for make bench (scripts/bench.sh).
 * Uses only interfaces Linux 6.12 already has, so that the very same
 * program runs on the unpatched base and on the patched kernel.
 *
 *   nsbench [-c COUNT] create TYPE   create+destroy throughput of one type
 *                                    (uts ipc mnt net pid cgroup time user)
 *                                    or mix (all eight types in turn)
 *   nsbench [-c COUNT] lookup [N1 N2] mount namespace lookup with N1 and N2
 *                                    live mount namespaces (10 and 10000)
 *   nsbench all                      every create benchmark, then lookup
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
 * Network namespaces are torn down asynchronously (cleanup_net): the time
 * covers creation and the final put, the rest runs after the loop, so the
 * program waits a little before the next benchmark (same on every kernel).
 *
 * Lookup: a child makes a minimal mount namespace (/ and /proc only), then
 * N copies of it, each kept alive by an open /proc/self/ns/mnt fd, and
 * times ioctl(init_mntns_fd, NS_MNT_GET_NEXT) + close of the returned fd,
 * and statmount() of the root mount of the mid-range namespace by its
 * mnt_ns_id (struct mnt_id_req, MNT_ID_REQ_SIZE_VER1). Best of 3 trials.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/nsfs.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

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

/* One create+destroy round of one type, in the benchmark child. */
static void create_one(const struct bench_type *t)
{
	int status;
	pid_t pid;

	switch (t->flag) {
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
		if (unshare(CLONE_NEWPID))
			die("unshare(pid)");
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
	report(name, "ops/s", done / total, " count=%ld secs=%.3f", done, total);
	snprintf(name, sizeof(name), "create-%s-best", t ? t->name : "mix");
	report(name, "ops/s", batch / best, " count=%ld secs=%.3f", batch, best);
	return 0;
}

static int bench_create(const char *type)
{
	if (!strcmp(type, "mix"))
		return in_child(create_child, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i].name))
			return in_child(create_child, &types[i]);
	fprintf(stderr, "nsbench: unknown namespace type %s (uts ipc mnt net pid cgroup time user mix)\n",
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
	static const char *const names[] = {
		"user", "pid", "uts", "ipc", "net", "mnt", "cgroup", "time",
	};
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		long cur = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", names[i]);
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
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif

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
		int fd = open_by_handle_at(FD_NSFS_ROOT, handle, O_RDONLY | O_CLOEXEC);

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

static void usage(void)
{
	fprintf(stderr,
		"usage: nsbench [-c COUNT] create uts|ipc|mnt|net|pid|cgroup|time|user|mix\n"
		"       nsbench [-c COUNT] lookup [N1 N2]\n"
		"       nsbench [-c COUNT] all\n");
	exit(2);
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
		if (argc == 3) {
			lookup_n[0] = atol(argv[1]);
			lookup_n[1] = atol(argv[2]);
			if (lookup_n[0] < 1 || lookup_n[1] < 1)
				usage();
		} else if (argc != 1) {
			usage();
		}
		return in_child(lookup_child, NULL);
	}
	if (!strcmp(argv[0], "all") && argc == 1) {
		/* Network namespaces last: their teardown is asynchronous. */
		static const char *const order[] = {
			"uts", "ipc", "mnt", "pid", "cgroup", "time", "user", "net", "mix",
		};

		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			rc |= bench_create(order[i]);
			/* Let the asynchronous net namespace teardown settle. */
			if (!strcmp(order[i], "net") || !strcmp(order[i], "mix"))
				sleep(1);
		}
		sleep(1);
		rc |= in_child(lookup_child, NULL);
		return rc ? 1 : 0;
	}
	usage();
}
