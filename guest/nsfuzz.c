// SPDX-License-Identifier: GPL-2.0
/*
 * nsfuzz: a bounded fuzzer for the namespace-id interfaces, with an oracle.
 *
 *   nsfuzz [-s SEED] [-n CALLS] [-j WORKERS] [-c CHURN_USEC] [-q] [-v SHOWN] [-M]
 *          [-A [-a ITERATIONS] [-t SECS]]
 *
 * Makes CALLS fuzzed system calls (default 500000) from a PRNG seeded with
 * SEED (default 1): open_by_handle_at() with random and mutated-valid nsfs
 * file handles (FD_NSFS_ROOT, real nsfs fds, bind-mounted nsfs fds and bad
 * fds as the mount fd), name_to_handle_at() on nsfs fds, listns() with
 * random and mutated-valid struct ns_id_req and bad buffers, and the nsfs
 * ioctls with mutated numbers. Meanwhile a churn process creates and
 * destroys namespaces of all eight types (also inside nested user and pid
 * namespaces, and pinned by bind mounts) and passes fds of some of them in.
 *
 * Every result is checked against ../shared/SPEC.md sections 4, 5 and 6:
 * errnos outside the allowed set (most argument errors are predicted
 * exactly, in the documented order), an fd for a malformed handle or for a
 * namespace the caller may not see (without may_see_all_namespaces(), any fd
 * must be one of the caller's own namespaces), a refused handle of a
 * namespace that must open (the caller's own, or, with
 * may_see_all_namespaces(), one it holds an fd of), a handle opened with
 * flags giving anything but what open("/proc/self/ns/<type>", flags) gives
 * on the same kernel (SPEC 5: the normal open path with the caller's
 * flags), listns() ids out of order, not above the cursor, more than asked
 * for, of the wrong type, invisible to the caller or missing (paging must
 * be complete, and ends at a 0 or -ENOENT), -ENOENT where an active
 * namespace of the walked tree lies above the cursor or the cursor is 0
 * (SPEC 6: -ENOENT only past the end), a count from listns() with a
 * faulting buffer, and fds left open at the end.
 *
 * Now and then a worker also checks the lifetime rules of SPEC 4 on
 * namespaces it makes for that: a network namespace (under 0-3 new user
 * namespaces) that only a socket is left in is inactive, SIOCGSKNS on the
 * socket revives it with its whole owner chain for as long as that fd
 * lives, NS_GET_USERNS and NS_GET_PARENT hand out fds that keep their
 * namespace active on their own, and closing them makes all of it inactive
 * again; a zombie keeps its user and pid namespaces active (listed, opened
 * by handle, /proc/<zombie>/ns/{user,pid} open) until it is reaped. A
 * namespace that must have gone inactive is asked again a few times first,
 * so that another worker's short-lived handle of it cannot fail a correct
 * kernel.
 *
 * WORKERS processes (default 2) share the calls, each with its own PRNG
 * stream (SEED + its number) and namespace pool; the churn pauses
 * CHURN_USEC microseconds between steps (default 0). -q leaves out the
 * progress lines, -v sets how many violations each worker shows (default
 * 25; all are counted). -M accepts, as notes, what Linux mainline does
 * where SPEC deliberately goes beyond it (guest/mainline-differences):
 * -ENOENT when the namespace right after the cursor is inactive (cause A);
 * handles longer than 16 bytes judged by the wrong bytes (cause C: some
 * with non-zero tails open, some with zero tails fail with ESTALE); and a
 * cursor of ~0 taken for 0 (its ns_id + 1 wraps); name_to_handle_at()'s
 * AT_HANDLE_CONNECTABLE (0x002, 6.13), which 6.12 refuses as unknown. For
 * runs on the mainline oracle kernel only.
 *
 * -A adds the awkward churn (see "awkward churn" below): a process that
 * drops the last reference of namespaces of every type from the awkward
 * places 6.12 has (F_SETOWN, F_SETOWN_EX, a controlling tty, posix
 * timers, mq_notify(), pidfds, SCM_RIGHTS in flight, /proc fds, ptrace,
 * sockets), the modes in turn, for as long as the workers run. With -n 0
 * it runs alone, until SIGTERM, SECS seconds (-t) or ITERATIONS
 * iterations (-a); make fuzz runs it so while trinity fuzzes. Either way
 * it ends with one "nsfuzz: awkward MODE runs=N failed=N VARIANT=N..."
 * line per mode and the summary "nsfuzz: churn-awkward setown=N ...
 * sock=N skipped=... lingering=N".
 *
 * The last line is "nsfuzz: PASS" or "nsfuzz: FAIL"; the exit status is 0
 * or 1 (2 for usage or setup errors).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/nsfs.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "nsid-guest.h"

/* uapi this series adds, for headers that predate it. */
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif
#ifndef FD_PIDFS_ROOT
#define FD_PIDFS_ROOT -10002
#endif
#ifndef FD_INVALID
#define FD_INVALID -10009
#endif
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif
#ifndef MAX_HANDLE_SZ
#define MAX_HANDLE_SZ 128
#endif
#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200
#endif
#ifndef AT_HANDLE_MNT_ID_UNIQUE
#define AT_HANDLE_MNT_ID_UNIQUE 0x001
#endif
#ifndef __NR_listns
#define __NR_listns 470
#endif
#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C	/* <linux/sockios.h> */
#endif
#ifndef NSIO
#define NSIO 0xb7
#endif
#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 13, __u64)
#endif
#ifndef NS_MNT_GET_INFO
struct mnt_ns_info {
	__u32 size;
	__u32 nr_mounts;
	__u64 mnt_ns_id;
};
#define MNT_NS_INFO_SIZE_VER0 16
#define NS_MNT_GET_INFO _IOR(NSIO, 10, struct mnt_ns_info)
#define NS_MNT_GET_NEXT _IOR(NSIO, 11, struct mnt_ns_info)
#define NS_MNT_GET_PREV _IOR(NSIO, 12, struct mnt_ns_info)
#endif
#ifndef NSFS_FILE_HANDLE_SIZE_VER0
struct nsfs_file_handle {
	__u64 ns_id;
	__u32 ns_type;
	__u32 ns_inum;
};
#define NSFS_FILE_HANDLE_SIZE_VER0 16
#define NSFS_FILE_HANDLE_SIZE_LATEST sizeof(struct nsfs_file_handle)
#endif
#ifndef NS_ID_REQ_SIZE_VER0
struct ns_id_req {
	__u32 size;
	__u32 spare;
	__u64 ns_id;
	struct {
		__u32 ns_type;
		__u32 spare2;
		__u64 user_ns_id;
	};
};
#define NS_ID_REQ_SIZE_VER0 32
#endif
#ifndef LISTNS_CURRENT_USER
#define LISTNS_CURRENT_USER 0xffffffffffffffffULL
#endif
#define USER_NS_INIT_ID_ 3ULL		/* enum init_ns_id */
#define PID_NS_INIT_ID_ 4ULL
#define NR_INIT_NS_ 8			/* ids 1-8 */
/*
 * No namespace id reaches this in a fuzz run (one counter, from 9 up): a
 * cursor at or above it is past the end of every tree.
 */
#define ID_CEILING (1ULL << 62)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE 4096UL
#define LISTNS_MAX 1000000UL
#define ALL_TYPES (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		   CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define MAX_VIOLATIONS_SHOWN 25

static bool valid_type(uint32_t type)
{
	return type && !(type & (type - 1)) && (type & ALL_TYPES);
}

/* ---------------------------------------------------------------- PRNG */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* One of the eight CLONE_NEW* types. */
static uint32_t any_type(void)
{
	return nsid_types[below(NSID_NR_TYPES)].type;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* A "boundary-ish" random 64-bit value. */
static uint64_t rnd_u64(void)
{
	switch (below(6)) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return below(64);
	case 3: return 1ULL << below(64);
	case 4: return (uint64_t)INT64_MAX + below(3) - 1;
	default: return rnd();
	}
}

/* ---------------------------------------------------------- accounting */

enum op { OP_OPEN, OP_ENCODE, OP_LISTNS, OP_IOCTL, NR_OPS };

static const char *const op_name[NR_OPS] = {
	"open_by_handle_at", "name_to_handle_at", "listns", "ioctl",
};

struct opstats {
	uint64_t calls, ok;
	uint64_t ns;			/* ticks() spent in the calls */
	uint64_t err[256];
};

static struct opstats stats[NR_OPS];
static uint64_t total_calls, violations, notes_trailing;
static uint64_t notes_mainline;	/* -M: mainline's causes B and E accepted */
static uint64_t revive_checks, zombie_checks;	/* lifetime checks done */
static int worker_id;
static bool quiet, mainline_mode;
static uint64_t max_shown = MAX_VIOLATIONS_SHOWN;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Time spent in the calls, in cycles: clock_gettime() may be a system call
 * itself in a guest without a usable TSC clocksource, and would double the
 * calls. Converted to seconds with the run's cycles per wall-clock second.
 */
static uint64_t ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __rdtsc();
#else
	return now_ns();
#endif
}

/* Time and count one fuzzed call; returns its result with errno kept. */
#define FUZZ_CALL(op, expr) ({						\
	uint64_t t0_ = ticks();						\
	long r_ = (expr);						\
	int e_ = errno;							\
	stats[op].ns += ticks() - t0_;					\
	stats[op].calls++;						\
	total_calls++;							\
	if (r_ >= 0)							\
		stats[op].ok++;						\
	else								\
		stats[op].err[e_ & 255]++;				\
	errno = e_;							\
	r_;								\
})

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "OK";

	return s ? s : "E?";
}

static void violation(const char *fmt, ...)
{
	va_list ap;

	violations++;
	if (violations > max_shown)
		return;
	printf("nsfuzz: VIOLATION #%" PRIu64 " (worker %d, call %" PRIu64 "): ",
	       violations, worker_id, total_calls);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	printf("nsfuzz: setup error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\nnsfuzz: FAIL\n", ename(errno));
	exit(2);
}

/* Allowed outcomes: bit 0 is success, bit e is -e. */
typedef unsigned __int128 outcomes;
#define OK_ ((outcomes)1)
#define E_(e) ((outcomes)1 << (e))

static void describe_outcomes(outcomes m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int e = 0; e < 128 && n < len; e++)
		if (m & E_(e))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      ename(e));
}

/* Whether result r (errno e) is one of @allowed; a violation if not. */
static bool check(long r, int e, outcomes allowed, const char *what)
{
	int got = r >= 0 ? 0 : e;
	char want[256];

	if (got < 128 && (allowed & E_(got)))
		return true;
	describe_outcomes(allowed, want, sizeof(want));
	violation("%s = %s, SPEC allows only %s", what,
		  r >= 0 ? "success" : ename(e), want);
	return false;
}

/* ------------------------------------------------------ namespace pool */

struct nsent {
	int fd;			/* -1: retired (closed), handle kept */
	bool own;		/* the caller is a member */
	uint64_t id, owner;	/* owner: id of the owning user ns, 0 unknown */
	uint32_t type, inum;
};

#define OWN_MAX 8
#define HELD_MAX 40
#define RETIRED_MAX 64

static struct nsent own[OWN_MAX];
static int nown;
static struct nsent held[HELD_MAX];
static int nheld;
static struct nsent retired[RETIRED_MAX];
static int nretired, retired_next;
static bool see_all;		/* may_see_all_namespaces() */
static uint64_t own_userns_id;
static uint64_t received_fds, churned_msgs;

/* Counted by the churn processes, in shared memory. */
static struct churn_counts {
	uint64_t steps, created, failed, bad_accepted;
	uint64_t by[3];		/* steps by unshare(), clone(), clone3() */
} *churn_counts;

static bool is_own_id(uint64_t id)
{
	for (int i = 0; i < nown; i++)
		if (own[i].id == id)
			return true;
	return false;
}

static struct nsent *find_id(uint64_t id)
{
	for (int i = 0; i < nown; i++)
		if (own[i].id == id)
			return &own[i];
	for (int i = 0; i < nheld; i++)
		if (held[i].id == id)
			return &held[i];
	return NULL;
}

/* Id, type, inode and owner of an nsfs fd; false if it is none. */
static bool identify(int fd, struct nsent *e)
{
	struct stat st;
	uint64_t id;
	int type, ufd;

	if (fstat(fd, &st) || ioctl(fd, NS_GET_ID, &id))
		return false;
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return false;
	e->fd = fd;
	e->id = id;
	e->type = type;
	e->inum = st.st_ino;
	e->owner = 0;
	ufd = ioctl(fd, NS_GET_USERNS);
	if (ufd >= 0) {
		if (ioctl(ufd, NS_GET_ID, &id) == 0)
			e->owner = id;
		close(ufd);
	}
	return true;
}

static struct nsent *random_entry(void)
{
	int n = nown + nheld;
	int i = below(n);

	return i < nown ? &own[i] : &held[i - nown];
}

static void retire(struct nsent *e)
{
	retired[retired_next] = *e;
	retired[retired_next].fd = -1;
	retired_next = (retired_next + 1) % RETIRED_MAX;
	if (nretired < RETIRED_MAX)
		nretired++;
	close(e->fd);
	e->fd = -1;
}

static int churn_sock = -1;

/*
 * Take in some namespace fds the churn passed, retiring old ones: one
 * message at a time, at most 4 of its fds (identifying one takes six
 * system calls); the rest are closed unlooked at.
 */
#define CHURN_MAX_FDS 16

/*
 * One message from the churn process, if one is queued: the fds it
 * carries (SCM_RIGHTS, close-on-exec) go to @fds. Returns how many, or -1
 * when nothing is queued.
 */
static int churn_recv(int fds[CHURN_MAX_FDS])
{
	char cbuf[CMSG_SPACE(CHURN_MAX_FDS * sizeof(int))];
	uint32_t seq;
	struct iovec iov = { &seq, sizeof(seq) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int n = 0;

	if (recvmsg(churn_sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (int i = 0; i < k && n < CHURN_MAX_FDS; i++)
			fds[n++] = ((int *)CMSG_DATA(c))[i];
	}
	return n;
}

static void receive_fds(void)
{
	int fds[CHURN_MAX_FDS];
	int n = churn_recv(fds);

	if (n < 0)
		return;
	churned_msgs++;
	for (int i = 0; i < n; i++) {
		struct nsent e = { .fd = -1 };

		if (i >= 4 || !identify(fds[i], &e) || find_id(e.id)) {
			close(fds[i]);
			continue;
		}
		if (nheld == HELD_MAX) {
			int v = below(HELD_MAX);

			retire(&held[v]);
			held[v] = held[--nheld];
		}
		held[nheld++] = e;
		received_fds++;
	}
}

/* ------------------------------------------------------------- memory */

/*
 * Two RW pages followed by a PROT_NONE page: objects placed so that they
 * end at (or cross) the guard fault there.
 */
struct arena {
	char *base, *guard;
};

static struct arena harena, rarena, marena;
static char *ids_buf, *ids_guard;	/* LISTNS_MAX ids, then a guard page */
static char *scratch;			/* 64 KiB for ioctl arguments */
static char *none_page;			/* PROT_NONE */
#define KERNEL_PTR ((void *)0xffffffff81000000UL)
#define IDS_MAP (((LISTNS_MAX + 1) * sizeof(uint64_t) + PAGE - 1) & ~(PAGE - 1))

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes", len);
	return p;
}

static void arena_init(struct arena *a)
{
	a->base = map_or_die(3 * PAGE, PROT_READ | PROT_WRITE);
	a->guard = a->base + 2 * PAGE;
	if (mprotect(a->guard, PAGE, PROT_NONE))
		die("mprotect");
}

enum ptr_kind { P_GOOD, P_NULL, P_NONE, P_KERNEL, P_CROSS_HEAD, P_CROSS_TAIL };

static const char *const ptr_name[] = {
	"good", "NULL", "PROT_NONE", "kernel", "crossing(head)", "crossing(tail)",
};

static enum ptr_kind rnd_ptr_kind(unsigned int bad_percent)
{
	if (!chance(bad_percent))
		return P_GOOD;
	return 1 + below(5);
}

/* ------------------------------------------------------ file handles */

struct hnd {
	uint32_t bytes;
	int32_t type;
	unsigned char f[MAX_HANDLE_SZ + 16];
};

static void handle_of(const struct nsent *e, struct hnd *h, bool id_only)
{
	struct nsfs_file_handle fh = {
		.ns_id = e->id,
		.ns_type = id_only ? 0 : e->type,
		.ns_inum = id_only ? 0 : e->inum,
	};

	memset(h, 0, sizeof(*h));
	h->bytes = sizeof(fh);
	h->type = FILEID_NSFS;
	memcpy(h->f, &fh, sizeof(fh));
}

static struct nsfs_file_handle payload(const struct hnd *h)
{
	struct nsfs_file_handle fh;

	memcpy(&fh, h->f, sizeof(fh));
	return fh;
}

static void set_payload(struct hnd *h, const struct nsfs_file_handle *fh)
{
	memcpy(h->f, fh, sizeof(*fh));
}

/* A handle to fuzz with: valid, mutated valid, stale or random. */
static void gen_handle(struct hnd *h)
{
	struct nsfs_file_handle fh;
	int kind = below(100);

	if (kind < 70 || !nretired) {
		handle_of(random_entry(), h, chance(30));
	} else if (kind < 85) {
		handle_of(&retired[below(nretired)], h, chance(30));
	} else {
		memset(h, 0, sizeof(*h));
		h->bytes = chance(50) ? 16 : below(MAX_HANDLE_SZ + 1);
		h->type = chance(50) ? FILEID_NSFS : (int32_t)rnd_u64();
		for (size_t i = 0; i < sizeof(h->f); i++)
			h->f[i] = chance(70) ? 0 : rnd();
		fh = payload(h);
		fh.ns_id = chance(50) ? below(64) : rnd_u64();
		fh.ns_type = chance(50) ? any_type() : (uint32_t)rnd_u64();
		fh.ns_inum = chance(30) ? 0 : 0xf0000000 + below(0x1000);
		set_payload(h, &fh);
		return;
	}
	if (chance(40))
		return;		/* exactly as name_to_handle_at() made it */
	for (int n = 1 + below(3); n; n--) {
		fh = payload(h);
		switch (below(12)) {
		case 0: h->bytes = below(MAX_HANDLE_SZ + 1); break;
		case 1: h->bytes = chance(50) ? 16 + 4 * below(29) : rnd_u64(); break;
		case 2: h->type = chance(50) ? (int32_t)rnd_u64() : FILEID_NSFS ^ (1 << below(32)); break;
		case 3: fh.ns_id = chance(50) ? 0 : fh.ns_id + below(5) - 2; break;
		case 4: fh.ns_id = chance(50) ? random_entry()->id : rnd_u64(); break;
		case 5: fh.ns_type = chance(50) ? any_type() : (uint32_t)rnd_u64(); break;
		case 6: fh.ns_type = 0; break;
		case 7: fh.ns_inum = chance(50) ? 0 : fh.ns_inum + below(5) - 2; break;
		case 8: fh.ns_inum = random_entry()->inum; break;
		case 9:	/* trailing bytes, zero or not */
			h->bytes = 16 + below(MAX_HANDLE_SZ - 15);
			memset(h->f + 16, 0, sizeof(h->f) - 16);
			if (chance(50))
				h->f[16 + below(h->bytes - 16 + 1)] = 1 + below(255);
			break;
		case 10: h->f[below(16)] ^= 1 << below(8); continue;
		default: fh.ns_type = fh.ns_inum = 0; break;
		}
		set_payload(h, &fh);
	}
}

static void fmt_handle(const struct hnd *h, char *buf, size_t len)
{
	struct nsfs_file_handle fh = payload(h);

	snprintf(buf, len, "{type=%#x bytes=%u id=%" PRIu64 " ns_type=%#x inum=%u}",
		 (unsigned int)h->type, h->bytes, (uint64_t)fh.ns_id, fh.ns_type,
		 fh.ns_inum);
}

/*
 * What nsfs_fh_to_dentry() must refuse outright (-ESTALE), from the handle
 * alone. The VFS passes handle_bytes / 4 dwords on: the 1-3 bytes past the
 * last whole dword are never looked at (mainline does the same).
 */
static const char *malformed(const struct hnd *h)
{
	uint32_t len = (h->bytes / 4) * 4;
	struct nsfs_file_handle fh = payload(h);

	if ((uint32_t)h->type != FILEID_NSFS)
		return "handle_type is not FILEID_NSFS";
	if (len < NSFS_FILE_HANDLE_SIZE_VER0)
		return "handle_bytes too short";
	for (uint32_t i = 16; i < len; i++)
		if (h->f[i])
			return "non-zero trailing bytes";
	if (!fh.ns_id)
		return "id 0";
	if (!fh.ns_type != !fh.ns_inum)
		return "only one of type and inode number";
	if (fh.ns_type && !valid_type(fh.ns_type))
		return "no such namespace type";
	return NULL;
}

/*
 * What opening a namespace with @flags must give (SPEC 5, corrected): the
 * handle's namespace is opened through the normal open path with the
 * caller's flags, so the result is exactly what open() of
 * /proc/self/ns/<type> with those flags gives on the same kernel, and
 * that is what is asked here, once per flags and type. O_NOFOLLOW is left
 * out of that open(): there it would refuse the magic link, while a
 * handle's dentry is no symbolic link. *getfl is the fd's F_GETFL.
 */
struct ref_open {
	bool valid;
	int flags, getfl;
	uint32_t type;
	outcomes res;
};

#define REF_OPEN_CACHE 1024
static struct ref_open ref_open_cache[REF_OPEN_CACHE];

static outcomes ref_open_outcome(uint32_t type, int flags, int *getfl)
{
	uint32_t h = ((uint32_t)flags * 2654435761U) ^ (type * 40503U);
	struct ref_open *c = &ref_open_cache[(h >> 16) % REF_OPEN_CACHE];
	char path[64];
	int fd;

	if (!valid_type(type))
		type = CLONE_NEWNET;
	if (c->valid && c->flags == flags && c->type == type) {
		*getfl = c->getfl;
		return c->res;
	}
	snprintf(path, sizeof(path), "/proc/self/ns/%s", nsid_type_name(type));
	fd = open(path, flags & ~O_NOFOLLOW, 0);
	c->valid = true;
	c->flags = flags;
	c->type = type;
	c->getfl = -1;
	if (fd < 0) {
		c->res = errno < 128 ? E_(errno) : E_(EIO);
	} else {
		c->res = OK_;
		c->getfl = fcntl(fd, F_GETFL);
		close(fd);
	}
	*getfl = c->getfl;
	return c->res;
}

static int rnd_open_flags(void)
{
	static const int bits[] = {
		O_WRONLY, O_RDWR, O_ACCMODE, O_TRUNC, O_DIRECT, O_TMPFILE,
		O_DIRECTORY, O_PATH, O_CREAT, O_EXCL, O_APPEND, O_NOATIME,
		O_NOFOLLOW, O_SYNC, O_NOCTTY, O_LARGEFILE,
	};
	int flags = O_RDONLY;

	if (chance(50))
		flags |= O_CLOEXEC;
	if (chance(10))
		flags |= O_NONBLOCK;
	if (chance(25))
		flags |= bits[below(ARRAY_SIZE(bits))];
	if (chance(3))
		flags = (int)rnd();
	return flags;
}

/* Place @h per @kind in harena; returns the pointer to pass. */
static void *place_handle(const struct hnd *h, enum ptr_kind kind)
{
	size_t n = 8 + (h->bytes <= MAX_HANDLE_SZ + 16 ? h->bytes : 0);
	char *p;

	switch (kind) {
	case P_NULL: return NULL;
	case P_NONE: return none_page;
	case P_KERNEL: return KERNEL_PTR;
	case P_CROSS_HEAD: p = harena.guard - 4; break;
	case P_CROSS_TAIL: p = harena.guard - 8 - (n > 9 ? below(n - 8) : 0); break;
	default: p = harena.guard - 8 - sizeof(h->f) - 64 - 8 * below(8); break;
	}
	memcpy(p, h, kind == P_CROSS_HEAD ? 4 : (size_t)(harena.guard - p) < n ?
	       (size_t)(harena.guard - p) : n);
	return p;
}

static int pipe_fd = -1, proc_fd = -1;
static int closed_fd;		/* a number that is never an open fd */

/* ------------------------------------------------ open_by_handle_at() */

static void op_open(void)
{
	struct hnd h;
	enum ptr_kind pk = rnd_ptr_kind(5);
	int mfd, mkind = below(100), flags = rnd_open_flags();
	outcomes allowed;
	const char *bad;
	char desc[384], hs[160];
	struct nsent *target = NULL;
	struct nsfs_file_handle fh;
	bool mismatch = false;
	void *uptr;
	long r;
	int e;
	outcomes fl_ok, argerr;
	bool type_flags, tail_only = false, tail_long = false;
	uint32_t rtype;
	int ref_fl;

	gen_handle(&h);
	fh = payload(&h);
	if (mkind < 60) {
		mfd = FD_NSFS_ROOT;
	} else if (mkind < 90) {
		mfd = random_entry()->fd;
	} else if (mkind < 95) {
		static const int badfds[] = {
			-1, FD_INVALID, -10004, INT_MIN, 1 << 20,
		};
		mfd = below(8) ? badfds[below(ARRAY_SIZE(badfds))] : closed_fd;
	} else {
		mfd = below(3) == 0 ? pipe_fd : below(2) ? proc_fd : FD_PIDFS_ROOT;
	}
	uptr = place_handle(&h, pk);
	r = FUZZ_CALL(OP_OPEN, syscall(SYS_open_by_handle_at, mfd, uptr, flags));
	e = errno;

	fmt_handle(&h, hs, sizeof(hs));
	snprintf(desc, sizeof(desc), "open_by_handle_at(%d, %s %s, %#x)", mfd,
		 ptr_name[pk], hs, flags);

	/*
	 * Argument errors first. SPEC does not order them for this call (6.12
	 * checks the fd first, mainline the handle): with several, any of
	 * their errors will do, never an fd.
	 */
	target = find_id(fh.ns_id);
	rtype = target ? target->type : fh.ns_type;
	fl_ok = ref_open_outcome(rtype, flags, &ref_fl);
	bad = malformed(&h);
	if (bad && mainline_mode && !strcmp(bad, "non-zero trailing bytes")) {
		/* Cause E: mainline looks at the 16-byte payload only. */
		struct hnd m = h;

		memset(m.f + 16, 0, sizeof(m.f) - 16);
		tail_only = !malformed(&m);
	}
	argerr = 0;
	if (mkind >= 90 && mkind < 95)
		argerr |= E_(EBADF);
	if (mfd == FD_PIDFS_ROOT)	/* pidfs handles: mainline 6.15+ */
		argerr |= E_(EBADF) | E_(ESTALE) | E_(EPERM) | E_(EINVAL);
	if (mkind >= 95)
		/* Not nsfs: the VFS rules (CAP_DAC_READ_SEARCH), never an fd. */
		argerr |= E_(EPERM) | E_(ESTALE);
	if (pk == P_NULL || pk == P_NONE || pk == P_KERNEL || pk == P_CROSS_HEAD)
		argerr |= E_(EFAULT);
	else if (h.bytes == 0 || h.bytes > MAX_HANDLE_SZ)
		argerr |= E_(EINVAL);
	else if (pk == P_CROSS_TAIL)
		argerr |= E_(EFAULT);
	/*
	 * 6.12 passes any handle_type on to nsfs (ESTALE); mainline since
	 * 6.13 refuses negative types and unknown user flag bits in the VFS
	 * (EINVAL), and strips the known ones (0x10000, 0x20000).
	 */
	type_flags = pk != P_NULL && pk != P_NONE && pk != P_KERNEL &&
		     pk != P_CROSS_HEAD && (h.type < 0 || (h.type & 0xffff0000));
	if (argerr) {
		allowed = argerr | (type_flags ? E_(EINVAL) : 0);
	} else if (bad) {
		allowed = E_(ESTALE) | (type_flags ? E_(EINVAL) : 0);
		if (tail_only)
			allowed |= fl_ok;
		if (type_flags && h.type > 0 &&
		    ((uint32_t)h.type & ~0x30000U) == FILEID_NSFS) {
			struct hnd m = h;

			m.type = FILEID_NSFS;
			if (!malformed(&m))	/* what mainline hands nsfs */
				allowed |= fl_ok;
		}
	} else {
		if (target && fh.ns_type &&
		    (fh.ns_type != target->type || fh.ns_inum != target->inum))
			mismatch = true;
		if (mismatch || (!see_all && !is_own_id(fh.ns_id))) {
			allowed = E_(ESTALE);
		} else if (target && (target->own || see_all)) {
			/*
			 * Active (we are in it, or hold an fd of it) and
			 * visible: it must open, with the flags' result.
			 */
			allowed = fl_ok;
			/*
			 * Cause E the other way round: past 16 bytes mainline
			 * looks at the wrong bytes for the zero tail, and
			 * refuses some well-formed longer handles.
			 */
			if (mainline_mode && h.bytes / 4 > 4) {
				allowed |= E_(ESTALE);
				tail_long = !(fl_ok & E_(ESTALE));
			}
		} else {
			allowed = E_(ESTALE) | fl_ok;
		}
	}
	allowed |= E_(ENOMEM);
	if (!check(r, e, allowed, desc)) {
		if (r >= 0)
			close(r);
		return;
	}
	if (r < 0) {
		if (tail_long && e == ESTALE)
			notes_mainline++;
		return;
	}
	if (tail_only)
		notes_mainline++;

	/* An fd: it must be the namespace the handle names, and visible. */
	{
		struct stat st;
		uint64_t id = 0;
		int type = -1, fl = below(8) ? -2 : fcntl(r, F_GETFL);

		if (fstat(r, &st)) {
			violation("%s = fd %ld, fstat() fails", desc, r);
		} else if (flags & O_PATH) {
			/* O_PATH fds take no ioctls: the inode must do. */
			struct nsent *t = find_id(fh.ns_id);

			if (t && st.st_ino != t->inum)
				violation("%s = O_PATH fd to inode %lu, not %u", desc,
					  (unsigned long)st.st_ino, t->inum);
			if (fh.ns_inum && st.st_ino != fh.ns_inum)
				violation("%s = O_PATH fd to inode %lu", desc,
					  (unsigned long)st.st_ino);
		} else if (ioctl(r, NS_GET_ID, &id)) {
			violation("%s = fd %ld that is no namespace (%s)", desc, r,
				  ename(errno));
		} else {
			/*
			 * Inode numbers are unique across all types: id and
			 * inode pin the namespace down, so its type is only
			 * asked for when something is wrong.
			 */
			struct nsent *t = find_id(id);
			bool wrong = id != fh.ns_id ||
				     (fh.ns_inum && st.st_ino != fh.ns_inum) ||
				     (t && st.st_ino != t->inum) ||
				     (!see_all && !is_own_id(id));

			if (wrong)
				type = ioctl(r, NS_GET_NSTYPE);
			if (id != fh.ns_id)
				violation("%s = fd to namespace id %" PRIu64, desc, id);
			if ((fh.ns_inum && st.st_ino != fh.ns_inum) ||
			    (t && st.st_ino != t->inum))
				violation("%s = fd to %s namespace inode %lu", desc,
					  nsid_type_name(type), (unsigned long)st.st_ino);
			if (!see_all && !is_own_id(id))
				violation("%s = fd to %s namespace id %" PRIu64
					  ", which the caller is not a member of",
					  desc, nsid_type_name(type), id);
		}
		/* The file flags too are those of the /proc open. */
		if (fl != -2 && (fl < 0 || ((fl ^ ref_fl) & ~O_NOFOLLOW)))
			violation("%s = fd with flags %#x, open(\"/proc/self/ns/%s\") "
				  "gives %#x", desc, fl, nsid_type_name(rtype), ref_fl);
		if (h.bytes % 4 && !bad) {
			for (uint32_t i = h.bytes & ~3U; i < h.bytes; i++)
				if (h.f[i])
					notes_trailing++;
		}
		close(r);
	}
}

/* ------------------------------------------------ name_to_handle_at() */

static void op_encode(void)
{
	struct nsent *t = random_entry();
	int kind = below(100), dfd = t->fd, flags = AT_EMPTY_PATH;
	enum ptr_kind pk = rnd_ptr_kind(8);
	const char *path = "";
	char pathbuf[64], desc[320];
	uint32_t bytes;
	void *uptr, *mnt_ptr;
	bool mnt_bad = chance(4), proc_nofollow = false;
	outcomes allowed;
	struct hnd h = { 0 };
	long r;
	int e;

	bytes = chance(45) ? 16 : chance(85) ? below(MAX_HANDLE_SZ + 16) : (uint32_t)rnd_u64();
	if (chance(20))
		flags |= AT_HANDLE_FID;
	if (chance(20))
		flags |= AT_HANDLE_MNT_ID_UNIQUE;
	if (chance(10))
		flags |= AT_SYMLINK_FOLLOW;
	if (kind < 10) {
		/* Through the /proc magic link, followed or not. */
		snprintf(pathbuf, sizeof(pathbuf), "/proc/self/ns/%s",
			 nsid_type_name(own[below(nown)].type));
		path = pathbuf;
		dfd = AT_FDCWD;
		flags &= ~AT_EMPTY_PATH;
		if (chance(70))
			flags |= AT_SYMLINK_FOLLOW;
		else
			flags &= ~AT_SYMLINK_FOLLOW;
		proc_nofollow = !(flags & AT_SYMLINK_FOLLOW);
		for (int i = 0; i < nown; i++)
			if (!strcmp(nsid_type_name(own[i].type), pathbuf + 14))
				t = &own[i];
	} else if (kind < 14) {
		flags &= ~AT_EMPTY_PATH;	/* "" needs AT_EMPTY_PATH */
	} else if (kind < 18) {
		dfd = below(2) ? -1 : closed_fd;
	} else if (kind < 20) {
		path = none_page;		/* unreadable path */
	}
	if (chance(3))
		flags |= 1 << below(31);	/* maybe an unknown flag */

	h.bytes = bytes;
	h.type = 0x5a5a;
	if (pk == P_CROSS_TAIL && bytes > MAX_HANDLE_SZ)
		pk = P_GOOD;
	uptr = place_handle(&h, pk);
	mnt_ptr = mnt_bad ? (chance(50) ? NULL : none_page) : marena.guard - 8;
	r = FUZZ_CALL(OP_ENCODE, syscall(SYS_name_to_handle_at, dfd, path, uptr,
					 mnt_ptr, flags));
	e = errno;
	snprintf(desc, sizeof(desc),
		 "name_to_handle_at(%d, \"%s\", %s {bytes=%u}, %s, %#x) on %s id %" PRIu64,
		 dfd, path == none_page ? "<PROT_NONE>" : path, ptr_name[pk],
		 bytes, mnt_bad ? "bad mnt_id" : "mnt_id", flags,
		 nsid_type_name(t->type), t->id);

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID |
		      AT_HANDLE_MNT_ID_UNIQUE))
		allowed = E_(EINVAL);
	else if (path == none_page)
		allowed = E_(EFAULT);
	else if (!*path && !(flags & AT_EMPTY_PATH))
		allowed = E_(ENOENT);
	else if (dfd == -1 || dfd == closed_fd)
		allowed = E_(EBADF);
	else if (proc_nofollow)	/* the /proc symlink itself: not nsfs */
		allowed = OK_ | E_(EOPNOTSUPP) | E_(EOVERFLOW) | E_(EFAULT) |
			  E_(EINVAL);
	else if (pk == P_NULL || pk == P_NONE || pk == P_KERNEL || pk == P_CROSS_HEAD)
		allowed = E_(EFAULT);
	else if (bytes > MAX_HANDLE_SZ)
		allowed = E_(EINVAL);
	else if (mnt_bad)
		allowed = E_(EFAULT);
	else if (bytes < NSFS_FILE_HANDLE_SIZE_VER0)
		allowed = E_(EOVERFLOW);
	else if (pk == P_CROSS_TAIL && (size_t)((char *)harena.guard - (char *)uptr) < 8 + 16)
		allowed = E_(EFAULT);
	else
		allowed = OK_;
	allowed |= E_(ENOMEM);
	/*
	 * Mainline (6.13+) knows AT_HANDLE_CONNECTABLE (0x002), which 6.12
	 * refuses as unknown: with -M, its own answers too.
	 */
	if (mainline_mode && (flags & 0x002))
		allowed |= OK_ | E_(EOPNOTSUPP) | E_(EINVAL) | E_(EOVERFLOW) |
			   E_(EFAULT);
	if (!check(r, e, allowed, desc) || proc_nofollow || pk != P_GOOD ||
	    (mainline_mode && (flags & 0x002)))
		return;
	memcpy(&h, uptr, 8 + 16);
	if (r == 0) {
		struct nsfs_file_handle fh = payload(&h);

		if ((uint32_t)h.type != FILEID_NSFS || h.bytes != 16 ||
		    fh.ns_id != t->id || fh.ns_type != t->type ||
		    fh.ns_inum != t->inum)
			violation("%s gave handle type=%#x bytes=%u id=%" PRIu64
				  " ns_type=%#x inum=%u, not {0xf1, 16, %" PRIu64
				  ", %#x, %u}", desc, (unsigned int)h.type, h.bytes,
				  (uint64_t)fh.ns_id, fh.ns_type, fh.ns_inum, t->id,
				  t->type, t->inum);
	} else if (e == EOVERFLOW && h.bytes != NSFS_FILE_HANDLE_SIZE_VER0) {
		violation("%s = EOVERFLOW with handle_bytes=%u, not the needed 16",
			  desc, h.bytes);
	}
}

/* ------------------------------------------------------------ listns() */

static bool have_listns = true;

static long sys_listns(const void *req, void *ids, size_t nr, unsigned int flags)
{
	return syscall(__NR_listns, req, ids, nr, flags);
}

static bool matches(const struct nsent *e, uint64_t cursor, uint32_t type,
		    uint64_t owner)
{
	return e->id > cursor && (!type || (e->type & type)) &&
	       (!owner || e->owner == owner);
}

/* Whether listns() may report @id to this caller under this filter. */
static const char *unlisted_reason(uint64_t id, uint64_t cursor, uint32_t type,
				   uint64_t owner)
{
	const struct nsent *e = find_id(id);

	if (id <= cursor)
		return "not above the cursor";
	if (!see_all && !is_own_id(id))
		return "not a namespace the caller is a member of";
	if (e && type && !(e->type & type))
		return "of a type the filter excludes";
	if (e && owner && e->owner && e->owner != owner)
		return "owned by another user namespace";
	/* NS_GET_USERNS refused: its owner is neither ours nor below it. */
	if (e && owner == own_userns_id && !e->owner)
		return "not owned by the caller's user namespace";
	return NULL;
}

/*
 * The initial namespaces, ids 1-8 (enum init_ns_id): always active, all
 * owned by the initial user namespace, which has no owner.
 */
static const uint32_t init_ns_type[NR_INIT_NS_ + 1] = {
	[1] = CLONE_NEWIPC, [2] = CLONE_NEWUTS, [3] = CLONE_NEWUSER,
	[4] = CLONE_NEWPID, [5] = CLONE_NEWCGROUP, [6] = CLONE_NEWTIME,
	[7] = CLONE_NEWNET, [8] = CLONE_NEWNS,
};

/*
 * Whether a namespace known to be active (an initial one, one of the
 * caller's own or one it holds an fd of) lies above @cursor in the tree
 * listns() walks (SPEC 6): the owner's if @owner, else the type's if @type
 * has exactly one bit, else the tree of all. Visibility and the rest of
 * the filter do not matter: with one of them there, -ENOENT is wrong.
 */
static bool known_after(uint64_t cursor, uint32_t type, uint64_t owner)
{
	uint32_t one = type && !(type & (type - 1)) ? type : 0;

	for (uint64_t id = cursor + 1; id <= NR_INIT_NS_ && id > cursor; id++) {
		if (owner ? owner == USER_NS_INIT_ID_ && id != USER_NS_INIT_ID_ :
		    !one || init_ns_type[id] == one)
			return true;
	}
	for (int k = 0; k < nown + nheld; k++) {
		const struct nsent *e = k < nown ? &own[k] : &held[k - nown];

		if (e->id <= cursor)
			continue;
		if (owner ? e->owner == owner : !one || e->type == one)
			return true;
	}
	return false;
}

/* Namespaces that are surely active and visible: the walk must list them. */
static bool must_list(const struct nsent *e)
{
	return e->own || see_all;
}

/*
 * Check one page of ids: order, cursor, visibility and, when the filter is
 * known to hold (@complete), completeness.
 */
static void check_ids(const char *desc, const uint64_t *ids, long n, size_t nr,
		      uint64_t cursor, uint32_t type, uint64_t owner,
		      bool complete)
{
	uint64_t prev = cursor, last;
	const char *why;

	if ((size_t)n > nr) {
		violation("%s = %ld, more than the %zu asked for", desc, n, nr);
		return;
	}
	for (long i = 0; i < n; i++) {
		if (i && ids[i] <= prev) {
			violation("%s: ids not ascending: [%ld]=%" PRIu64
				  " after %" PRIu64, desc, i, ids[i], prev);
			return;
		}
		why = unlisted_reason(ids[i], cursor, type, owner);
		if (why) {
			violation("%s: reported id %" PRIu64 " %s", desc, ids[i], why);
			return;
		}
		prev = ids[i];
	}
	/* Everything active and visible up to the last id must be there. */
	last = (size_t)n == nr && n ? ids[n - 1] : UINT64_MAX;
	for (int k = 0; complete && k < nown + nheld; k++) {
		const struct nsent *e = k < nown ? &own[k] : &held[k - nown];
		bool found = false;

		if (!must_list(e) || !matches(e, cursor, type, owner) || e->id > last)
			continue;
		if (owner && !e->owner)
			continue;
		for (long i = 0; i < n && !found; i++)
			found = ids[i] == e->id;
		if (!found)
			violation("%s: active %s namespace id %" PRIu64
				  " (%s, owner id %" PRIu64 ") missing from the "
				  "%ld ids", desc, nsid_type_name(e->type), e->id,
				  e->own ? "the caller's own" : "held open",
				  e->owner, n);
	}
}

/* How many surely listable namespaces match: listns() owes at least these. */
static size_t stable_count(uint64_t cursor, uint32_t type, uint64_t owner)
{
	size_t n = 0;

	for (int k = 0; k < nown + nheld; k++) {
		const struct nsent *e = k < nown ? &own[k] : &held[k - nown];

		if (must_list(e) && matches(e, cursor, type, owner) &&
		    (!owner || e->owner))
			n++;
	}
	return n;
}

static uint32_t rnd_type_filter(void)
{
	switch (below(6)) {
	case 0: case 1: return 0;
	case 2: case 3: return any_type();
	case 4: return any_type() | any_type();
	default: return chance(50) ? (uint32_t)rnd() : 1U << below(32);
	}
}

enum owner_class { OWN_ANY, OWN_VALID, OWN_MAYBE, OWN_INVALID };

/* How a user_ns_id of @v must be taken: by what we know of that id. */
static uint64_t owner_of_value(uint64_t v, enum owner_class *cls)
{
	const struct nsent *e = find_id(v);

	if (!v)
		*cls = OWN_ANY;
	else if (v == LISTNS_CURRENT_USER || v == USER_NS_INIT_ID_ ||
		 v == own_userns_id)
		*cls = OWN_VALID;
	else if (e && e->type != CLONE_NEWUSER)
		*cls = OWN_INVALID;
	else if (e)
		/*
		 * A user namespace we are in or hold an fd of is active:
		 * -EINVAL is for no active user namespace, whoever asks.
		 */
		*cls = OWN_VALID;
	else if (v < ID_CEILING && v > NR_INIT_NS_)
		*cls = OWN_MAYBE;
	else		/* an initial namespace of another type, or no id */
		*cls = OWN_INVALID;
	return v;
}

static uint64_t rnd_owner(enum owner_class *cls)
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		*cls = OWN_ANY;
		return 0;
	case 4:
		return owner_of_value(LISTNS_CURRENT_USER, cls);
	case 5:
		return owner_of_value(chance(50) ? own_userns_id : USER_NS_INIT_ID_, cls);
	case 6:
		return owner_of_value(random_entry()->id, cls);
	default:
		return owner_of_value(rnd_u64(), cls);
	}
}

static void op_listns(void)
{
	struct ns_id_req req = { 0 };
	enum ptr_kind rk = rnd_ptr_kind(6), bk = rnd_ptr_kind(12);
	enum owner_class ocls;
	uint64_t owner;
	unsigned int flags = chance(95) ? 0 : chance(50) ? 1U << below(32) : rnd();
	size_t nr, k = 0, room;
	uint32_t size = NS_ID_REQ_SIZE_VER0;
	bool tail_nonzero = false;
	char *rp = NULL;
	uint64_t *bp;
	outcomes allowed;
	int expect = 0;
	char desc[320];
	long r;
	int e;

	switch (below(8)) {
	case 0: nr = 0; break;
	case 1: nr = below(LISTNS_MAX + 2); break;
	case 2: nr = chance(50) ? LISTNS_MAX : LISTNS_MAX + 1 + below(3); break;
	case 3: nr = rnd_u64(); break;
	default: nr = 1 + below(40); break;
	}
	req.ns_id = chance(40) ? 0 : chance(50) ? random_entry()->id - below(2) :
		    rnd_u64();
	req.ns_type = rnd_type_filter();
	owner = rnd_owner(&ocls);
	req.user_ns_id = owner;
	if (chance(5))
		req.spare = rnd() | 1;
	if (chance(10))
		req.spare2 = rnd();	/* reserved, not checked (SPEC 6) */
	switch (below(12)) {
	case 0: size = below(NS_ID_REQ_SIZE_VER0); break;
	case 1: size = NS_ID_REQ_SIZE_VER0 + 1 + below(PAGE); break;
	case 2: size = chance(50) ? PAGE + 1 : (uint32_t)rnd(); break;
	default: break;
	}
	req.size = size;

	/* The request: in rarena, any tail after it zero unless chosen. */
	switch (rk) {
	case P_NULL: break;
	case P_NONE: rp = none_page; break;
	case P_KERNEL: rp = KERNEL_PTR; break;
	case P_CROSS_HEAD: rp = rarena.guard - 8 - 4 * below(5); break;
	case P_CROSS_TAIL:
		if (size > NS_ID_REQ_SIZE_VER0 && size <= PAGE) {
			rp = rarena.guard - NS_ID_REQ_SIZE_VER0 - below(size - NS_ID_REQ_SIZE_VER0);
			break;
		}
		rk = P_GOOD;
		/* fall through */
	default:
		rp = rarena.base;
		tail_nonzero = size > NS_ID_REQ_SIZE_VER0 && size <= PAGE && chance(30);
		break;
	}
	if (rk == P_GOOD) {
		memset(rp, 0, size > NS_ID_REQ_SIZE_VER0 && size <= PAGE ? size : 64);
		memcpy(rp, &req, sizeof(req));
		if (tail_nonzero)
			rp[NS_ID_REQ_SIZE_VER0 + below(size - NS_ID_REQ_SIZE_VER0)] = 1;
	} else if (rk == P_CROSS_TAIL || rk == P_CROSS_HEAD) {
		memset(rp, 0, rarena.guard - rp);
		memcpy(rp, &req, rk == P_CROSS_HEAD ? (size_t)(rarena.guard - rp) :
		       sizeof(req));
	}

	/* The id buffer. */
	room = nr;
	switch (bk) {
	case P_NULL: bp = NULL; room = 0; break;
	case P_NONE: bp = (uint64_t *)none_page; room = 0; break;
	case P_KERNEL: bp = KERNEL_PTR; room = 0; break;
	case P_CROSS_HEAD: case P_CROSS_TAIL:
		k = below(8);	/* room for k ids, then the guard */
		bp = (uint64_t *)(ids_guard - k * sizeof(uint64_t));
		room = k;
		break;
	default:
		bp = (uint64_t *)(ids_buf + (chance(10) ? 1 + below(7) : 0));
		break;
	}
	if (bk == P_KERNEL && !nr)
		nr = 1;

	r = FUZZ_CALL(OP_LISTNS, sys_listns(rp, bp, nr, flags));
	e = errno;
	snprintf(desc, sizeof(desc),
		 "listns(%s {size=%u spare=%u ns_id=%" PRIu64 " ns_type=%#x "
		 "spare2=%u user_ns_id=%#" PRIx64 "%s}, %s ids, %zu, %#x)",
		 ptr_name[rk], size, req.spare, (uint64_t)req.ns_id, req.ns_type,
		 req.spare2, owner, tail_nonzero ? " +tail" : "", ptr_name[bk],
		 nr, flags);

	/* The argument errors, in the order SPEC 6 gives. */
	if (flags)
		expect = EINVAL;
	else if (nr > LISTNS_MAX)
		expect = EOVERFLOW;
	else if (bk == P_KERNEL)
		expect = EFAULT;
	else if (rk == P_NULL || rk == P_NONE || rk == P_KERNEL)
		expect = EFAULT;
	else if (size > PAGE)		/* the size field itself is readable */
		expect = E2BIG;
	else if (size < NS_ID_REQ_SIZE_VER0)
		expect = EINVAL;
	else if (rk == P_CROSS_HEAD || rk == P_CROSS_TAIL)
		expect = EFAULT;
	else if (tail_nonzero)
		expect = E2BIG;
	else if (req.spare)
		expect = EINVAL;
	else if (req.ns_type & ~ALL_TYPES)
		expect = EOPNOTSUPP;
	else if (ocls == OWN_INVALID)
		expect = EINVAL;
	if (expect) {
		check(r, e, E_(expect), desc);
		return;
	}

	{
		uint64_t fowner = owner == LISTNS_CURRENT_USER ? own_userns_id : owner;
		/*
		 * Mainline takes a cursor of ~0 for one of 0 (ns_id + 1
		 * wraps) and lists from the start: with -M, so do we.
		 */
		bool wraps = mainline_mode && req.ns_id == UINT64_MAX;
		uint64_t cursor = wraps ? 0 : req.ns_id;
		size_t stable = stable_count(cursor, req.ns_type, fowner);
		size_t owed = stable < nr ? stable : nr;
		/*
		 * -ENOENT only past the end (SPEC 6): a cursor, and no
		 * active namespace of the walked tree above it, whatever the
		 * caller may see or the rest of the filter. Past every id
		 * there can be, it must be -ENOENT. Of an owner we know
		 * nothing about we do not know the tree either.
		 */
		bool enoent_ok = cursor &&
				 (ocls == OWN_MAYBE || mainline_mode ||
				  !known_after(cursor, req.ns_type, fowner));
		bool enoent_must = cursor >= ID_CEILING;
		bool cause_b = enoent_ok && ocls != OWN_MAYBE &&
			       known_after(cursor, req.ns_type, fowner);

		allowed = OK_ | E_(ENOMEM);
		if (ocls == OWN_MAYBE)
			allowed |= E_(EINVAL);
		/* Mainline's user_ns_id walk does not wrap: either answer. */
		if (enoent_ok || wraps)
			allowed |= E_(ENOENT);
		if (enoent_must)
			allowed &= ~OK_;
		if (room < nr && nr && !enoent_must)
			allowed |= E_(EFAULT);
		if (room < owed) {
			/* It must write more than fits: never a partial count. */
			allowed &= ~OK_;
			if (ocls != OWN_MAYBE && !cause_b)
				allowed &= ~E_(ENOENT);
		}
		if (!check(r, e, allowed, desc))
			return;
		if (r < 0) {
			if (e == ENOENT && cause_b)
				notes_mainline++;
			return;
		}
		if ((size_t)r > room) {
			violation("%s = %ld with room for only %zu ids before a "
				  "fault: a partial count", desc, r, room);
			return;
		}
		if (wraps && r)
			notes_mainline++;
		if (!nr) {
			/* Nothing asked, nothing written: 0, wherever the cursor. */
			if (r)
				violation("%s = %ld for 0 ids", desc, r);
			return;
		}
		/* 0 is a fine answer (SPEC 6), unless something was owed. */
		if ((size_t)r < owed)
			violation("%s = %ld, but %zu active visible namespaces match",
				  desc, r, owed);
		if (bk == P_GOOD && ((uintptr_t)bp & 7)) {
			uint64_t tmp[40];
			long n = r < 40 ? r : 40;

			memcpy(tmp, bp, n * sizeof(uint64_t));
			check_ids(desc, tmp, n, r <= 40 ? nr : (size_t)n, cursor,
				  req.ns_type, fowner, ocls != OWN_MAYBE);
		} else {
			check_ids(desc, bp, r, nr, cursor, req.ns_type, fowner,
				  ocls != OWN_MAYBE);
		}
	}
}

/*
 * Page through every namespace of one type (or all) a few ids at a time,
 * as a program would, until a page of 0 ids or -ENOENT: the pages must
 * join into one ascending list that holds every namespace that stayed
 * active and visible throughout. -ENOENT must not come while a namespace
 * known to be active lies above the cursor in the walked tree, nor for
 * the first page.
 */
static void op_walk(void)
{
	uint64_t all[8192], cursor = 0;
	uint32_t type = chance(50) ? 0 : any_type();
	size_t per = 1 + below(9), n = 0;
	struct ns_id_req req = { .size = NS_ID_REQ_SIZE_VER0, .ns_type = type };
	bool complete = true;
	char desc[128];
	long r;

	snprintf(desc, sizeof(desc), "listns() paging by %zu, ns_type=%#x", per, type);
	for (int page = 0; page < 4096; page++) {
		uint64_t *ids = (uint64_t *)ids_buf;

		req.ns_id = cursor;
		r = FUZZ_CALL(OP_LISTNS, sys_listns(&req, ids, per, 0));
		if (r < 0) {
			if (errno != ENOENT) {
				violation("%s: page %d = %s", desc, page, ename(errno));
				return;
			}
			if (!cursor) {
				violation("%s: page 0 = ENOENT, with the cursor at 0",
					  desc);
				return;
			}
			if (known_after(cursor, type, 0)) {
				if (!mainline_mode) {
					violation("%s: page %d (cursor %" PRIu64 ") = "
						  "ENOENT, but active namespaces of the "
						  "walked tree follow", desc, page,
						  cursor);
					return;
				}
				/* Mainline stopped at an inactive successor (B). */
				notes_mainline++;
				complete = false;
			}
			break;
		}
		if ((size_t)r > per) {
			violation("%s: page %d = %ld", desc, page, r);
			return;
		}
		if (r == 0)	/* nothing left that the caller may see */
			break;
		for (long i = 0; i < r; i++) {
			if (ids[i] <= cursor) {
				violation("%s: page %d: id %" PRIu64 " not above the "
					  "cursor %" PRIu64, desc, page, ids[i], cursor);
				return;
			}
			cursor = ids[i];
			if (n < ARRAY_SIZE(all))
				all[n++] = ids[i];
		}
	}
	check_ids(desc, all, n, SIZE_MAX, 0, type, 0, complete);
}

/* -------------------------------------------------------------- ioctl */

static bool nsfs_ioctl_valid(unsigned int cmd)
{
	switch (cmd) {
	case NS_GET_USERNS: case NS_GET_PARENT: case NS_GET_NSTYPE:
	case NS_GET_OWNER_UID: case NS_GET_MNTNS_ID: case NS_GET_ID:
	case NS_GET_PID_FROM_PIDNS: case NS_GET_TGID_FROM_PIDNS:
	case NS_GET_PID_IN_PIDNS: case NS_GET_TGID_IN_PIDNS:
		return true;
	}
	if (_IOC_TYPE(cmd) != NSIO || _IOC_DIR(cmd) != _IOC_READ)
		return false;
	switch (_IOC_NR(cmd)) {
	case 10: case 11: case 12:
		return _IOC_SIZE(cmd) >= MNT_NS_INFO_SIZE_VER0;
	}
	return false;
}

static void op_ioctl(void)
{
	static const unsigned int cmds[] = {
		NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID,
		NS_GET_MNTNS_ID, NS_GET_PID_FROM_PIDNS, NS_GET_TGID_FROM_PIDNS,
		NS_GET_PID_IN_PIDNS, NS_GET_TGID_IN_PIDNS, NS_MNT_GET_INFO,
		NS_MNT_GET_NEXT, NS_MNT_GET_PREV, NS_GET_ID,
	};
	struct nsent *t = random_entry();
	unsigned int cmd = cmds[below(ARRAY_SIZE(cmds))];
	unsigned long arg;
	char desc[160];
	long r;
	int e;

	if (chance(50)) {
		switch (below(4)) {
		case 0: cmd ^= 1U << (30 + below(2)); break;		/* direction */
		case 1: cmd = (cmd & ~0x3fff0000U) | (below(1U << 14) << 16); break;
		case 2: cmd = (cmd & ~0xffU) | below(32); break;		/* number */
		default: cmd = (rnd() & 0xffff00ffU) | (NSIO << 8); break;
		}
	}
	arg = chance(85) ? (unsigned long)scratch : chance(50) ? 0 : below(64);
	r = FUZZ_CALL(OP_IOCTL, ioctl(t->fd, cmd, arg));
	e = errno;
	snprintf(desc, sizeof(desc), "ioctl(%s ns id %" PRIu64 ", %#x, %#lx)",
		 nsid_type_name(t->type), t->id, cmd, arg);
	if (!nsfs_ioctl_valid(cmd)) {
		check(r, e, E_(ENOTTY), desc);
		return;
	}
	if (r > 0 && (_IOC_NR(cmd) == 1 || _IOC_NR(cmd) == 2 ||
		      _IOC_NR(cmd) == 11 || _IOC_NR(cmd) == 12))
		close(r);
	if (cmd == NS_GET_ID && arg == (unsigned long)scratch &&
	    (r || *(uint64_t *)scratch != t->id))
		violation("%s = %s, id %" PRIu64, desc, r ? ename(e) : "0",
			  *(uint64_t *)scratch);
	if (cmd == NS_GET_NSTYPE && r != (long)t->type)
		violation("%s = %ld, not the type %#x", desc, r, t->type);
}

/* ----------------------------------------------------------- lifetime */

/* NS_GET_ID of an nsfs fd, 0 if it has none. */
static uint64_t fd_ns_id(int fd)
{
	uint64_t id = 0;

	if (fd < 0 || ioctl(fd, NS_GET_ID, &id))
		return 0;
	return id;
}

/*
 * After unshare(CLONE_NEWUSER): map uid and gid 0 to the caller's (0 in
 * the parent too, in both of nsfuzz's runs), so that the next level can
 * be made (its creator must have a mapping).
 */
static int map_root(void)
{
	static const char *const files[] = {
		"/proc/self/setgroups", "/proc/self/uid_map", "/proc/self/gid_map",
	};
	static const char *const text[] = { "deny", "0 0 1", "0 0 1" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : write(fd, text[i], strlen(text[i]));

		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)strlen(text[i]))
			return -1;
	}
	return 0;
}

/* NS_GET_ID of the namespace at @path, 0 if that fails. */
static uint64_t path_ns_id(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t id = fd_ns_id(fd);

	if (fd >= 0)
		close(fd);
	return id;
}

/*
 * What the caller can tell of whether namespace @id is active (SPEC 4):
 * with may_see_all_namespaces() by its id-only handle and by listns()
 * with the cursor right below it; for a user namespace, by whether
 * listns() takes it as user_ns_id (-EINVAL only for no active user
 * namespace, whoever asks). Each answer is 1 (active), 0 (inactive) or -1
 * (not asked); any other result is a violation, and gives -2.
 */
struct activity {
	int handle, listed, owner;
};

static int probe_activity(uint64_t id, uint32_t type, struct activity *a,
			  const char *what)
{
	struct ns_id_req req = { .size = NS_ID_REQ_SIZE_VER0 };
	uint64_t ids[4];
	long r;
	int fd;

	a->handle = a->listed = a->owner = -1;
	if (see_all) {
		fd = nsid_open_by_id(id, 0, 0, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (fd_ns_id(fd) != id) {
				violation("%s: the handle of id %" PRIu64 " opened "
					  "id %" PRIu64, what, id, fd_ns_id(fd));
				close(fd);
				return -2;
			}
			close(fd);
			a->handle = 1;
		} else if (errno == ESTALE) {
			a->handle = 0;
		} else {
			violation("%s: open_by_handle_at(id %" PRIu64 ") = %s",
				  what, id, ename(errno));
			return -2;
		}
		req.ns_id = id - 1;
		req.ns_type = type;
		r = sys_listns(&req, ids, 1, 0);
		if (r < 0 && errno != ENOENT) {
			violation("%s: listns(ns_id=%" PRIu64 ", ns_type=%#x) = %s",
				  what, id - 1, type, ename(errno));
			return -2;
		}
		a->listed = r == 1 && ids[0] == id;
	}
	if (type == CLONE_NEWUSER) {
		req.ns_id = 0;
		req.ns_type = 0;
		req.user_ns_id = id;
		r = sys_listns(&req, ids, ARRAY_SIZE(ids), 0);
		if (r < 0 && errno != EINVAL) {
			violation("%s: listns(user_ns_id=%" PRIu64 ") = %s", what,
				  id, ename(errno));
			return -2;
		}
		a->owner = r >= 0;
	}
	return 0;
}

static const char *yesno(int v)
{
	return v < 0 ? "-" : v ? "active" : "inactive";
}

/*
 * The namespace must be active (@want) or inactive by every sign the
 * caller has. Another worker may hold a handle of it for a moment: an
 * inactive one is asked up to 20 times, 2 ms apart.
 */
static void expect_activity(uint64_t id, uint32_t type, bool want,
			    const char *what)
{
	struct activity a;

	for (int try = 0; try < (want ? 1 : 20); try++) {
		if (try)
			usleep(2000);
		if (probe_activity(id, type, &a, what) < 0)
			return;
		if ((a.handle < 0 || a.handle == want) &&
		    (a.listed < 0 || a.listed == want) &&
		    (a.owner < 0 || a.owner == want))
			return;
	}
	violation("%s: %s namespace id %" PRIu64 " should be %s: by handle %s, "
		  "by listns() %s, as user_ns_id %s", what, nsid_type_name(type),
		  id, want ? "active" : "inactive", yesno(a.handle),
		  yesno(a.listed), yesno(a.owner));
}

/*
 * listns() of what user namespace @owner owns, above @cursor, must give
 * exactly the @nwant ids of @want, or -ENOENT for an @nwant of -1: the
 * owner is one the check made, and owns only what the check made.
 */
static void expect_owned(uint64_t owner, uint64_t cursor, const uint64_t *want,
			 int nwant, const char *what)
{
	struct ns_id_req req = {
		.size = NS_ID_REQ_SIZE_VER0, .ns_id = cursor, .user_ns_id = owner,
	};
	uint64_t ids[8];
	long r = sys_listns(&req, ids, ARRAY_SIZE(ids), 0);
	int e = errno;
	bool ok;

	if (nwant < 0)
		ok = r < 0 && e == ENOENT;
	else
		ok = r == nwant && !memcmp(ids, want, nwant * sizeof(*want));
	if (ok)
		return;
	if (r < 0)
		violation("%s: listns(ns_id=%" PRIu64 ", user_ns_id=%" PRIu64 ") = "
			  "%s, SPEC 6 says %s", what, cursor, owner, ename(e),
			  nwant < 0 ? "ENOENT" : "a count");
	else
		violation("%s: listns(ns_id=%" PRIu64 ", user_ns_id=%" PRIu64 ") = "
			  "%ld (first id %" PRIu64 "), SPEC 6 says %s%d", what,
			  cursor, owner, r, r > 0 ? ids[0] : 0,
			  nwant < 0 ? "ENOENT, not " : "", nwant < 0 ? 0 : nwant);
}

/* One message of @len bytes, with up to @n fds (SCM_RIGHTS). */
static int msg_send(int sock, const void *data, size_t len, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))] = { 0 };
	struct iovec iov = { (void *)data, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (n) {
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* The message msg_send() sent, and its one fd (or -1). */
static ssize_t msg_recv(int sock, void *data, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

	*fd = -1;
	for (c = r > 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (int i = 0; i < k; i++) {
			int f = ((int *)CMSG_DATA(c))[i];

			if (*fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
	return r;
}

/*
 * SPEC 4, sockets and resurrection: a child makes 0-3 nested user
 * namespaces L1..Ld and a network namespace N owned by the last (by the
 * caller's own user namespace when d is 0), passes a socket of N back
 * and exits. Reaped, it leaves only the socket: N and every Li are
 * inactive. SIOCGSKNS on the socket gives an fd that makes all of them
 * active (the owner chain); closing it makes them inactive again; a
 * second SIOCGSKNS revives them again; NS_GET_USERNS and NS_GET_PARENT
 * give fds that keep Ld and L(d-1) active on their own.
 */
struct revive_msg {
	uint64_t user[3], net;
	int depth;
};

static void op_revive(void)
{
	struct revive_msg m = { .depth = below(4) };
	int sv[2], sk = -1, nfd = -1, ufd = -1, pfd = -1, status;
	char what[96];
	uint64_t ld;
	pid_t pid;

	/* Without may_see_all only a user namespace chain shows anything. */
	if (!see_all && !m.depth)
		m.depth = 1 + below(3);
	/* SEQPACKET: a child that failed before sending gives EOF. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return;
	pid = fork();
	if (pid == 0) {
		int s;

		close(sv[0]);
		for (int i = 0; i < m.depth; i++) {
			if (unshare(CLONE_NEWUSER) || map_root())
				_exit(1);
			m.user[i] = path_ns_id("/proc/self/ns/user");
		}
		if (unshare(CLONE_NEWNET))
			_exit(1);
		m.net = path_ns_id("/proc/self/ns/net");
		s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0 || msg_send(sv[1], &m, sizeof(m), &s, 1))
			_exit(1);
		_exit(0);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	if (msg_recv(sv[0], &m, sizeof(m), &sk) != sizeof(m) || sk < 0 || !m.net) {
		/* Out of user namespaces or memory: nothing to check. */
		if (sk >= 0)
			close(sk);
		close(sv[0]);
		waitpid(pid, &status, 0);
		return;
	}
	close(sv[0]);
	waitpid(pid, &status, 0);
	revive_checks++;
	ld = m.depth ? m.user[m.depth - 1] : own_userns_id;

	/* Only the socket is left: nothing keeps N or its owners active. */
	snprintf(what, sizeof(what), "netns %" PRIu64 " (depth %d) left with a socket",
		 m.net, m.depth);
	expect_activity(m.net, CLONE_NEWNET, false, what);
	for (int i = 0; i < m.depth; i++)
		expect_activity(m.user[i], CLONE_NEWUSER, false, what);

	for (int round = 1; round <= 2; round++) {
		nfd = ioctl(sk, SIOCGSKNS);
		snprintf(what, sizeof(what), "netns %" PRIu64 " (depth %d), SIOCGSKNS "
			 "#%d", m.net, m.depth, round);
		if (nfd < 0 || fd_ns_id(nfd) != m.net) {
			violation("%s = %s (id %" PRIu64 "), SPEC 4 says an fd of "
				  "netns %" PRIu64, what, nfd < 0 ? ename(errno) : "fd",
				  fd_ns_id(nfd), m.net);
			if (nfd >= 0)
				close(nfd);
			break;
		}
		/* The fd revives N and its whole owner chain. */
		expect_activity(m.net, CLONE_NEWNET, true, what);
		for (int i = 0; i < m.depth; i++)
			expect_activity(m.user[i], CLONE_NEWUSER, true, what);
		if (m.depth) {
			/* Ld owns N alone: a count up to N, ENOENT past it. */
			uint64_t want[1] = { m.net };

			expect_owned(ld, m.net - 1, want, see_all, what);
			expect_owned(ld, m.net, NULL, -1, what);
		}
		if (round == 1 || !m.depth) {
			close(nfd);
			snprintf(what, sizeof(what), "netns %" PRIu64 " (depth %d), "
				 "SIOCGSKNS fd #%d closed", m.net, m.depth, round);
			expect_activity(m.net, CLONE_NEWNET, false, what);
			for (int i = 0; i < m.depth; i++)
				expect_activity(m.user[i], CLONE_NEWUSER, false, what);
			continue;
		}

		/* NS_GET_USERNS: an fd of Ld, which keeps Ld (and up) active. */
		ufd = ioctl(nfd, NS_GET_USERNS);
		close(nfd);
		if (ufd < 0 || fd_ns_id(ufd) != ld) {
			violation("%s: NS_GET_USERNS = %s (id %" PRIu64 "), not an fd "
				  "of user namespace %" PRIu64, what,
				  ufd < 0 ? ename(errno) : "fd", fd_ns_id(ufd), ld);
			if (ufd >= 0)
				close(ufd);
			break;
		}
		snprintf(what, sizeof(what), "netns %" PRIu64 " (depth %d), only an "
			 "NS_GET_USERNS fd left", m.net, m.depth);
		expect_activity(m.net, CLONE_NEWNET, false, what);
		for (int i = 0; i < m.depth; i++)
			expect_activity(m.user[i], CLONE_NEWUSER, true, what);
		/* Ld is active, N is not: nothing active above the cursor. */
		expect_owned(ld, m.net - 1, NULL, -1, what);
		if (m.depth >= 2) {
			/* NS_GET_PARENT: L(d-1) stays active, Ld goes. */
			pfd = ioctl(ufd, NS_GET_PARENT);
			if (pfd < 0 || fd_ns_id(pfd) != m.user[m.depth - 2]) {
				violation("%s: NS_GET_PARENT = %s (id %" PRIu64 "), "
					  "not an fd of user namespace %" PRIu64,
					  what, pfd < 0 ? ename(errno) : "fd",
					  fd_ns_id(pfd), m.user[m.depth - 2]);
			} else {
				close(ufd);
				ufd = -1;
				snprintf(what, sizeof(what), "netns %" PRIu64 " (depth "
					 "%d), only an NS_GET_PARENT fd left", m.net,
					 m.depth);
				expect_activity(ld, CLONE_NEWUSER, false, what);
				for (int i = 0; i < m.depth - 1; i++)
					expect_activity(m.user[i], CLONE_NEWUSER, true,
							what);
			}
			if (pfd >= 0)
				close(pfd);
		}
		if (ufd >= 0)
			close(ufd);
		snprintf(what, sizeof(what), "netns %" PRIu64 " (depth %d), every fd "
			 "closed", m.net, m.depth);
		for (int i = 0; i < m.depth; i++)
			expect_activity(m.user[i], CLONE_NEWUSER, false, what);
	}
	close(sk);
}

/*
 * SPEC 4, zombies: a child made by clone(CLONE_NEWUSER | CLONE_NEWPID),
 * the init of a new pid namespace P owned by a new user namespace L,
 * exits. Until it is reaped it keeps L (its credentials) and P (its pid)
 * active: both listed and opened by handle, L a valid user_ns_id that
 * owns P alone, /proc/<zombie>/ns/user and /proc/<zombie>/ns/pid open
 * (as on 6.12). Reaped, both are inactive.
 */
static void op_zombie(void)
{
	uint64_t ids[2] = { 0, 0 }, got;
	char what[96], path[64];
	int p[2], status, fd;
	siginfo_t si;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return;
	pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | CLONE_NEWPID) |
		      SIGCHLD, NULL, NULL, NULL, 0UL);
	if (pid == 0) {
		ids[0] = path_ns_id("/proc/self/ns/user");
		ids[1] = path_ns_id("/proc/self/ns/pid");
		_exit(write(p[1], ids, sizeof(ids)) == sizeof(ids) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return;
	}
	if (read(p[0], ids, sizeof(ids)) != sizeof(ids) || !ids[0] || !ids[1]) {
		close(p[0]);
		waitpid(pid, &status, 0);
		return;
	}
	close(p[0]);
	/* A zombie now, not reaped. */
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT)) {
		waitpid(pid, &status, 0);
		return;
	}
	zombie_checks++;
	snprintf(what, sizeof(what), "zombie %d (user ns %" PRIu64 ", pid ns %"
		 PRIu64 ")", pid, ids[0], ids[1]);
	expect_activity(ids[0], CLONE_NEWUSER, true, what);
	expect_activity(ids[1], CLONE_NEWPID, true, what);
	expect_owned(ids[0], 0, &ids[1], see_all, what);
	expect_owned(ids[0], ids[1], NULL, -1, what);
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, k ? "pid" : "user");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		got = fd_ns_id(fd);
		if (got != ids[k])
			violation("%s: open(%s) = %s (id %" PRIu64 "), 6.12 and SPEC 4 "
				  "give an fd of id %" PRIu64, what, path,
				  fd < 0 ? ename(errno) : "fd", got, ids[k]);
		if (fd >= 0)
			close(fd);
	}
	waitpid(pid, &status, 0);
	snprintf(what, sizeof(what), "reaped %d (user ns %" PRIu64 ", pid ns %"
		 PRIu64 ")", pid, ids[0], ids[1]);
	expect_activity(ids[0], CLONE_NEWUSER, false, what);
	expect_activity(ids[1], CLONE_NEWPID, false, what);
}

/* -------------------------------------------------------------- churn */

static int send_fds(int sock, uint32_t seq, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(16 * sizeof(int))] = { 0 };
	struct iovec iov = { &seq, sizeof(seq) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	if (!n)
		return 0;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Open this task's namespaces of @mask (and the *_for_children ones). */
static int open_own_ns(uint32_t mask, int *fds, bool bind)
{
	static const char *const names[] = {
		"mnt", "uts", "ipc", "user", "pid", "net", "cgroup", "time",
		"pid_for_children", "time_for_children",
	};
	static const uint32_t bits[] = {
		CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
		CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
		CLONE_NEWPID, CLONE_NEWTIME,
	};
	char path[64];
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(mask & bits[i]))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (bind && bits[i] != CLONE_NEWNS) {
			/* Pin it by a bind mount too, and pass that fd. */
			char target[64];
			int tfd;

			snprintf(target, sizeof(target), "/tmp/nsfuzz-%s", names[i]);
			tfd = open(target, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
			if (tfd >= 0)
				close(tfd);
			if (mount(path, target, NULL, MS_BIND, NULL) == 0) {
				fds[n] = open(target, O_RDONLY | O_CLOEXEC);
				if (fds[n] >= 0)
					n++;
				continue;
			}
		}
		fds[n] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[n] >= 0)
			n++;
	}
	return n;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/*
 * One churn step, in a child: new namespaces (@mask; made already when the
 * child came from clone() or clone3() with them, unshare()d here when it
 * came from fork()), passed on, then gone.
 */
static void churn_child(int sock, uint32_t seq, uint64_t seed, uint32_t mask,
			bool cloned)
{
	int fds[16], n;
	bool bind = false;
	pid_t pid;

	rng = seed;
	if (!cloned && unshare(mask)) {
		__atomic_fetch_add(&churn_counts->failed, 1, __ATOMIC_RELAXED);
		_exit(1);
	}
	__atomic_fetch_add(&churn_counts->created, __builtin_popcount(mask),
			   __ATOMIC_RELAXED);
	if ((mask & CLONE_NEWNS) && chance(50) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	    mount("nsfuzz", "/tmp", "tmpfs", 0, NULL) == 0)
		bind = true;
	/* Sometimes a second round: the first set dies right away. */
	if (chance(20)) {
		uint32_t again = mask & ~(uint32_t)(CLONE_NEWUSER | CLONE_NEWPID |
						    CLONE_NEWNS);

		if (again && unshare(again) == 0)
			__atomic_fetch_add(&churn_counts->created,
					   __builtin_popcount(again), __ATOMIC_RELAXED);
	}
	if ((mask & CLONE_NEWPID) && !cloned) {
		/* The new pid namespace's init passes it on, then it dies. */
		pid = fork();
		if (pid == 0) {
			n = open_own_ns(mask & ~(uint32_t)CLONE_NEWTIME, fds, false);
			send_fds(sock, seq, fds, n);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		mask &= ~(uint32_t)CLONE_NEWPID;
	}
	/* A cloned child is the init of its new pid namespace itself. */
	n = open_own_ns(mask, fds, bind);
	if (chance(70))
		send_fds(sock, seq, fds, n);
	close_all(fds, n);
	_exit(0);
}

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

struct nsfuzz_clone_args {	/* struct clone_args, CLONE_ARGS_SIZE_VER0 */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls;
};

/*
 * A child with new namespaces of @mask: by fork() (the child unshares),
 * clone() (which cannot say CLONE_NEWTIME: that bit is its exit signal's)
 * or clone3(). Returns like fork(); *mask is what the child will have.
 */
static pid_t churn_spawn(uint32_t *mask, int how, bool *cloned)
{
	struct nsfuzz_clone_args args = { .exit_signal = SIGCHLD };

	*cloned = how != 0;
	switch (how) {
	case 1:
		*mask &= ~(uint32_t)CLONE_NEWTIME;
		return syscall(SYS_clone, (unsigned long)*mask | SIGCHLD, NULL,
			       NULL, NULL, 0UL);
	case 2:
		args.flags = *mask;
		return syscall(__NR_clone3, &args, sizeof(args));
	default:
		return fork();
	}
}

/*
 * The churn: one step after another until killed, each a child with new
 * namespaces of a random set of types, made by unshare(), clone() or
 * clone3(); now and then a clone that the kernel must refuse (CLONE_FS
 * with a new user or mount namespace).
 */
static pid_t start_churn(int sock, int other, uint64_t seed, int pause_us)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	setpgid(0, 0);
	setpriority(PRIO_PROCESS, 0, 5);	/* the fuzzers come first */
	close(other);
	rng = seed ^ 0x636875726e;
	for (uint32_t seq = 1;; seq++) {
		uint32_t mask = 0;
		int how = below(3);
		uint64_t cseed = rnd() | 1;
		bool cloned;
		pid_t c;

		while (!mask)
			mask = rnd() & (ALL_TYPES &
					~(uint32_t)(chance(60) ? CLONE_NEWUSER : 0));
		if (chance(3)) {
			struct nsfuzz_clone_args args = {
				.flags = mask | CLONE_FS |
					 (chance(50) ? CLONE_NEWUSER : CLONE_NEWNS),
				.exit_signal = SIGCHLD,
			};

			c = how == 2 ? syscall(__NR_clone3, &args, sizeof(args)) :
			    syscall(SYS_clone, (unsigned long)args.flags | SIGCHLD,
				    NULL, NULL, NULL, 0UL);
			if (c == 0)
				_exit(0);
			if (c > 0) {
				waitpid(c, NULL, 0);
				__atomic_fetch_add(&churn_counts->bad_accepted, 1,
						   __ATOMIC_RELAXED);
			}
			continue;
		}
		c = churn_spawn(&mask, how, &cloned);
		if (c == 0)
			churn_child(sock, seq, cseed, mask, cloned);
		if (c > 0) {
			waitpid(c, NULL, 0);
			__atomic_fetch_add(&churn_counts->steps, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&churn_counts->by[how], 1, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_add(&churn_counts->failed, 1, __ATOMIC_RELAXED);
		}
		if (pause_us)
			usleep(pause_us);
	}
}

/* ------------------------------------------------------ awkward churn */

/*
 * -A: the awkward churn. On 6.12 the last reference of a namespace can go
 * from places where its teardown, and nstree's writers, must still be
 * safe: the last put_pid() of a pid namespace's last pid destroys it on
 * the spot, under write_lock_irq() in __f_setown(), under tty->ctrl.lock
 * or siglock for a controlling tty, under an mqueue's spinlock, from RCU
 * callbacks; the last fput() of an nsfs file or a socket can run from the
 * unix garbage collector's work item; sockets die in softirq timers.
 *
 * Each iteration, in a process X of its own (a child subreaper, killed
 * after AWK_WATCHDOG seconds: the "watchdog" count), makes a victim: B,
 * X's child, unshares a user and a pid namespace (and some of the other
 * six types) and forks C, pid 1 of the new pid namespace, or of one 1-2
 * levels further down. C tells X its namespace ids, and X its pid by the
 * credentials of that message. X (or a helper of X's) takes a reference
 * that C's death leaves behind; X lets C go; C exits, B reaps it and
 * exits, X reaps B; X drops that reference in one of the mode's ways:
 *   setown     F_SETOWN (or FIOSETOWN, SIOCSPGRP) of a pipe end, a unix or
 *              a UDP socket to C or its process group, with O_ASYNC and
 *              SIGIO now and then; the owner then replaced, cleared, or
 *              the fd closed, left unread in flight or given to the
 *              collector (a cycle of unix sockets only it frees)
 *   setown_ex  the same by F_SETOWN_EX: F_OWNER_TID (C or a thread of
 *              it), F_OWNER_PID, F_OWNER_PGRP
 *   tty        a pty of a devpts instance of the churn's own: a session
 *              leader S of X's whose foreground process group becomes C's
 *              (TIOCSPGRP), then S resets it, gives the tty up
 *              (TIOCNOTTY), exits, or X hangs it up (S keeps C's group
 *              as tty_old_pgrp until it exits); or C itself a session
 *              leader (setsid, TIOCSCTTY), a child of it the foreground
 *              group, hung up or not before C exits
 *   timer      a posix CPU timer of X's (or of a helper that then exits)
 *              on C's process clock, armed, then deleted; C's own timers
 *              (SIGEV_SIGNAL, SIGEV_THREAD_ID at a thread, CPU clocks)
 *              firing as it exits
 *   mq         mq_notify() by C on X's queue (C shares B's fd table, so
 *              it exits without ->flush()): the notification's pid and
 *              user namespace dropped by a message (under the queue's
 *              spinlock), by the last close or unlink, or the collector
 *   pidfd      pidfds of C (PIDFD_THREAD too, and C's own) used after its
 *              death, then closed, left in flight or collected
 *   scm        C's nsfs fds of all its namespaces, a pidfd of itself and
 *              sockets of its network namespace, sent (with C's pid) on a
 *              unix socket pair of X's, left unread: both ends closed,
 *              one message read, or the pair put in a cycle
 *   proc       /proc/C, /proc/C/task/C, /proc/C/ns and its files, and a
 *              proc instance C mounted for its pid namespace, used after
 *              C's death, then closed, left in flight or collected
 *   ptrace     a tracer T of X's seizes or attaches C and children of C,
 *              follows them to their exit, detaches, or exits while they
 *              are stopped or zombies
 *   sock       sockets of C's new network namespace (TCP connected with
 *              data both ways, a listener with a connection not
 *              accepted, UDP with data queued, unix, packet) and maybe a
 *              SIOCGSKNS fd of it: closed (FIN, RST by SO_LINGER 0),
 *              shut down, or collected
 * With may_see_all_namespaces(), every namespace new to the victim must
 * be inactive (its handle no longer opens) at most AWK_GONE_MS after the
 * iteration; one that still opens is a violation ("lingering"). A mode
 * the kernel cannot do (ENOSYS, no devpts, ...) is skipped, and said so.
 */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PIDFS_IOCTL_MAGIC
#define PIDFS_IOCTL_MAGIC 0xFF
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

enum awk_mode {
	AW_SETOWN, AW_SETOWN_EX, AW_TTY, AW_TIMER, AW_MQ, AW_PIDFD, AW_SCM,
	AW_PROC, AW_PTRACE, AW_SOCK, NR_AW
};

static const char *const aw_name[NR_AW] = {
	"setown", "setown_ex", "tty", "timer", "mq", "pidfd", "scm", "proc",
	"ptrace", "sock",
};

#define AWK_WATCHDOG 60		/* seconds an iteration may take */
#define AWK_GONE_MS 5000	/* a dead namespace may stay active this long */
#define AWK_VARIANTS 12
#define VIC_MAX_FDS 32
#define VIC_MAX_KIDS 3
#define AWK_SKIP 3		/* an iteration's exit status: mode skipped */

/* Shared by the churn and its iterations (one iteration at a time). */
static struct awk_counts {
	uint64_t runs[NR_AW];		/* iterations that dropped their ref */
	uint64_t failed[NR_AW];		/* set-up failures: not violations */
	uint64_t iterations, watchdog, lingering, gone_checks;
	uint64_t vcount[NR_AW][AWK_VARIANTS];
	char vname[NR_AW][AWK_VARIANTS][24];
	int skip_errno[NR_AW];		/* non-zero: the mode is skipped */
	char skip_what[NR_AW][40];
	int fail_line[NR_AW], fail_errno[NR_AW];	/* the first failure */
} *awk;

static bool awkward;
static char awk_ptmx[64];	/* our devpts instance's ptmx */
static volatile sig_atomic_t awk_stop;
static pid_t awk_pid;

/* Count one use of the variant @name of @mode. */
static void awk_variant(int mode, const char *name)
{
	for (int i = 0; i < AWK_VARIANTS; i++) {
		if (!awk->vname[mode][i][0])
			snprintf(awk->vname[mode][i], sizeof(awk->vname[mode][i]),
				 "%s", name);
		if (!strcmp(awk->vname[mode][i], name)) {
			awk->vcount[mode][i]++;
			return;
		}
	}
}

/* Skip @mode from now on: the kernel (or the guest) lacks what it needs. */
static int awk_skip(int mode, const char *what, int e)
{
	if (!awk->skip_errno[mode]) {
		snprintf(awk->skip_what[mode], sizeof(awk->skip_what[mode]),
			 "%s", what);
		awk->skip_errno[mode] = e ? e : EINVAL;
	}
	return AWK_SKIP;
}

/* A set-up failure of @mode (not a violation): the first one is shown. */
static int awk_fail(int mode, int line, int e)
{
	if (!awk->fail_line[mode]) {
		awk->fail_line[mode] = line;
		awk->fail_errno[mode] = e;
	}
	return 1;
}

#define AWK_FAIL(mode) awk_fail((mode), __LINE__, errno)

/* A result that does not matter (the kernel's handling of it does). */
static void discard(long r)
{
	(void)r;
}

static bool lacking(int e)
{
	return e == ENOSYS || e == ENODEV || e == EAFNOSUPPORT ||
	       e == EPROTONOSUPPORT || e == EOPNOTSUPP;
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void shuffle(int *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = below(i + 1), t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* One message of @len bytes with @n fds (SCM_RIGHTS), not waiting. */
static int awk_send(int sock, const void *data, size_t len, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(VIC_MAX_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { (void *)data, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (n > VIC_MAX_FDS)
		n = VIC_MAX_FDS;
	if (n > 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -1 : 0;
}

/*
 * One message, within @ms: its data, its fds (close-on-exec, at most
 * @max kept), and with SO_PASSCRED the sender's pid as we see it.
 */
static ssize_t awk_recv(int sock, void *data, size_t len, int *fds, int *nfds,
			int max, pid_t *pid, int ms)
{
	char cbuf[CMSG_SPACE(VIC_MAX_FDS * sizeof(int)) +
		  CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { data, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t r;

	*nfds = 0;
	if (pid)
		*pid = 0;
	if (poll(&p, 1, ms) <= 0)
		return -1;
	r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	for (c = r >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS && pid) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof(u));
			*pid = u.pid;
		} else if (c->cmsg_type == SCM_RIGHTS) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (int i = 0; i < k; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
				if (*nfds < max)
					fds[(*nfds)++] = f;
				else
					close(f);
			}
		}
	}
	return r;
}

/*
 * Put @fds in flight and close them: queued unread on a unix socket pair
 * that is then closed (its release frees them), or, with @cycle, in a
 * cycle of the two sockets (each in flight in its own queue) that only
 * the garbage collector frees, from its work item.
 */
static void scm_drop(int *fds, int n, bool cycle)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET };
	int s[2];

	if (socketpair(AF_UNIX, types[below(3)] | SOCK_CLOEXEC, 0, s)) {
		close_fds(fds, n);
		return;
	}
	for (int i = 0; i < n; i += 8)
		awk_send(s[0], "f", 1, fds + i, n - i < 8 ? n - i : 8);
	if (cycle) {
		awk_send(s[1], "c", 1, &s[0], 1);
		awk_send(s[0], "c", 1, &s[1], 1);
	}
	close_fds(fds, n);
	close(s[0]);
	close(s[1]);
}

/* Drop @fds in random order: closed, left unread in flight, collected. */
static void awk_drop_fds(int mode, int *fds, int n)
{
	int k = below(10);

	if (n <= 0)
		return;
	shuffle(fds, n);
	if (k < 4) {
		awk_variant(mode, "close");
		close_fds(fds, n);
	} else if (k < 6) {
		awk_variant(mode, "unread");
		scm_drop(fds, n, false);
	} else {
		awk_variant(mode, "collected");
		scm_drop(fds, n, true);
	}
}

/* ------------------------------------------------ the victim: B and C */

struct vmsg {
	uint64_t ids[NSID_NR_TYPES];	/* C's, in nsid_types[] order; 0: ? */
	int32_t role;			/* 0: C's report, 1: a child of C */
	int32_t kids;			/* C: children of it that report too */
	int32_t val, err;		/* C's mode work: result, errno */
};

struct vctx;

struct vopts {
	uint32_t mask;		/* CLONE_NEW* beyond CLONE_NEWUSER|NEWPID */
	int depth;		/* C is pid 1 this many levels below us */
	bool files;		/* C shares B's fd table (clone(CLONE_FILES)) */
	bool pgrp;		/* C leads a process group of its own */
	bool map;		/* B maps its uid and gid to 0 */
	void (*fn)(struct vctx *);	/* C's work; NULL: report, wait */
	void *arg;
	int closefd;		/* B closes it first (a pty master), or -1 */
};

struct vctx {			/* in C */
	const struct vopts *o;
	int go, rep;
	struct vmsg m;
};

struct victim {			/* in X */
	pid_t b, c, kids[VIC_MAX_KIDS];
	int nkids, go, rep, nfds;
	int fds[VIC_MAX_FDS];	/* what C sent with its report */
	struct vmsg m;
	uint32_t newmask;	/* the types new to the victim */
};

static void vic_ids(uint64_t ids[NSID_NR_TYPES])
{
	char path[64];

	for (int i = 0; i < NSID_NR_TYPES; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", nsid_types[i].name);
		ids[i] = path_ns_id(path);
	}
}

/* C: the report, with @n fds; X learns C's pid from its credentials. */
static void vic_report(struct vctx *x, const int *fds, int n)
{
	vic_ids(x->m.ids);
	x->m.role = 0;
	awk_send(x->rep, &x->m, sizeof(x->m), fds, n);
}

/* Until X lets go (a byte or, mostly, the pipe's end). */
static void vic_wait(struct vctx *x)
{
	char c;

	while (read(x->go, &c, 1) < 0 && errno == EINTR)
		;
}

/* C: @n children in C's namespaces, which report and wait too. */
static void vic_kids(struct vctx *x, int n, bool own_pgrp)
{
	x->m.kids = 0;
	for (int i = 0; i < n && i < VIC_MAX_KIDS; i++) {
		pid_t k = fork();

		if (k == 0) {
			struct vmsg m = { .role = 1 };

			if (own_pgrp)
				setpgid(0, 0);
			awk_send(x->rep, &m, sizeof(m), NULL, 0);
			vic_wait(x);
			_exit(0);
		}
		if (k > 0)
			x->m.kids++;
	}
}

static void vic_c(const struct vopts *o, int go, int rep, int level)
{
	static const int quiet[] = {
		SIGHUP, SIGTTOU, SIGTTIN, SIGIO, SIGURG, SIGPIPE, SIGUSR2,
	};
	struct vctx x = { .o = o, .go = go, .rep = rep };

	/* Each level's pid 1 waits for the next one down. */
	for (; level < o->depth; level++) {
		pid_t d;

		if (unshare(CLONE_NEWPID))
			_exit(1);
		d = fork();
		if (d != 0)
			_exit(d > 0 && waitpid(d, NULL, 0) == d ? 0 : 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		signal(quiet[i], SIG_IGN);
	for (int s = SIGRTMIN; s < SIGRTMIN + 8; s++)
		signal(s, SIG_IGN);
	if (o->pgrp)
		setpgid(0, 0);
	if (o->fn) {
		o->fn(&x);
	} else {
		vic_report(&x, NULL, 0);
		vic_wait(&x);
	}
	_exit(0);
}

static void vic_b(const struct vopts *o, int go, int rep)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	pid_t c;

	if (o->closefd >= 0)
		close(o->closefd);
	if (unshare(CLONE_NEWUSER | CLONE_NEWPID | o->mask))
		_exit(2);
	if (o->map) {
		char map[32];
		int fd;

		fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "deny", 4) < 0)
				_exit(4);
			close(fd);
		}
		snprintf(map, sizeof(map), "0 %u 1", uid);
		fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(4);
		close(fd);
		snprintf(map, sizeof(map), "0 %u 1", gid);
		fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(4);
		close(fd);
	}
	c = o->files ? syscall(SYS_clone, (unsigned long)(CLONE_FILES | SIGCHLD),
			       NULL, NULL, NULL, 0UL) : fork();
	if (c == 0)
		vic_c(o, go, rep, 1);
	_exit(c > 0 && waitpid(c, NULL, 0) == c ? 0 : 3);
}

/* Let C go: it exits, B reaps it and exits. */
static void vic_release(struct victim *v)
{
	if (v->go >= 0)
		close(v->go);
	v->go = -1;
}

/* Release C and reap B: 0 if everything exited cleanly. */
static int vic_reap(struct victim *v)
{
	int st = 0;
	pid_t r;

	vic_release(v);
	if (v->b <= 0)
		return -1;
	do
		r = waitpid(v->b, &st, 0);
	while (r < 0 && errno == EINTR);
	v->b = 0;
	return r > 0 && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static void vic_end(struct victim *v)
{
	if (v->b > 0)
		vic_reap(v);
	if (v->rep >= 0)
		close(v->rep);
	v->rep = -1;
	close_fds(v->fds, v->nfds);
	v->nfds = 0;
}

/* Random victim options: some other types, nesting, maps. */
static void vic_opts(struct vopts *o, unsigned int type_percent)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < NSID_NR_TYPES; i++) {
		uint32_t t = nsid_types[i].type;

		if (t != CLONE_NEWUSER && t != CLONE_NEWPID && chance(type_percent))
			o->mask |= t;
	}
	o->depth = chance(70) ? 1 : chance(70) ? 2 : 3;
	o->map = chance(80);
	o->pgrp = chance(50);
	o->closefd = -1;
}

/*
 * Make the victim: C reports (with its fds, and its children if it has
 * any) and waits for vic_release(). 0, or -1 with everything undone.
 */
static int vic_start(struct victim *v, const struct vopts *o)
{
	int go[2], sp[2], one = 1;
	bool got_c = false;

	memset(v, 0, sizeof(*v));
	v->go = v->rep = -1;
	v->newmask = CLONE_NEWUSER | CLONE_NEWPID | o->mask;
	if (pipe2(go, O_CLOEXEC))
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp)) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	setsockopt(sp[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	v->b = fork();
	if (v->b == 0) {
		close(go[1]);
		close(sp[0]);
		vic_b(o, go[0], sp[1]);
	}
	close(go[0]);
	close(sp[1]);
	v->go = go[1];
	v->rep = sp[0];
	if (v->b < 0) {
		v->b = 0;
		vic_end(v);
		return -1;
	}
	while (!got_c || v->nkids < v->m.kids) {
		struct vmsg m;
		int fds[VIC_MAX_FDS], n;
		pid_t pid;
		ssize_t r = awk_recv(v->rep, &m, sizeof(m), fds, &n, VIC_MAX_FDS,
				     &pid, 20000);

		if (r != sizeof(m) || pid <= 0) {
			close_fds(fds, n);
			vic_end(v);
			return -1;
		}
		if (m.role == 0 && !got_c) {
			got_c = true;
			v->m = m;
			v->c = pid;
			memcpy(v->fds, fds, n * sizeof(int));
			v->nfds = n;
		} else {
			if (v->nkids < VIC_MAX_KIDS)
				v->kids[v->nkids++] = pid;
			close_fds(fds, n);
		}
	}
	return 0;
}

/*
 * After the reaping: mostly let its RCU callbacks (delayed_put_pid(), the
 * task's last puts) run first, so that the drop that follows is the last
 * reference; sometimes not, and an RCU callback may be the last.
 */
static void awk_settle(int mode)
{
	if (chance(80))
		usleep(40000 + below(60000));
	else
		awk_variant(mode, "no_settle");
}

/* Reap whatever of this iteration is left (orphans come to X). */
static void awk_reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

/*
 * Everything of the victim is gone: with may_see_all_namespaces(), each
 * namespace new to it must be inactive, its handle no longer opening,
 * within AWK_GONE_MS (work items and RCU callbacks may still run).
 */
static void awk_expect_gone(int mode, const struct vmsg *m, uint32_t newmask)
{
	awk_reap_all();
	if (!see_all)
		return;
	for (int i = 0; i < NSID_NR_TYPES; i++) {
		uint64_t id = m->ids[i];
		int waited = 0, fd;

		if (!id || !(newmask & nsid_types[i].type))
			continue;
		awk->gone_checks++;
		while ((fd = nsid_open_by_id(id, 0, 0, O_RDONLY | O_CLOEXEC)) >= 0) {
			close(fd);
			if (waited >= AWK_GONE_MS) {
				awk->lingering++;
				printf("nsfuzz: VIOLATION (churn-awkward %s): %s namespace "
				       "id %" PRIu64 " still opens by handle %d ms after "
				       "its last task, fd and reference were gone (SPEC 4)\n",
				       aw_name[mode], nsid_types[i].name, id, waited);
				break;
			}
			usleep(20000);
			waited += 20;
		}
	}
}

/* --------------------------------------------------------- the modes */

/* A thread of C: waits for the release with C. */
static void *vc_thread_main(void *arg)
{
	struct vctx *x = arg;

	vic_wait(x);
	return NULL;
}

/* C: 1-2 threads (for F_OWNER_TID), then report and wait. */
static void vc_threads(struct vctx *x)
{
	pthread_t t;

	for (int n = 1 + below(2); n; n--)
		if (pthread_create(&t, NULL, vc_thread_main, x))
			break;
	vic_report(x, NULL, 0);
	vic_wait(x);
}

/* A task of C's thread group, as we see it. */
static pid_t some_tid(pid_t c)
{
	char path[64];
	pid_t tids[8];
	int n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", c);
	d = opendir(path);
	if (!d)
		return c;
	while ((de = readdir(d)) && n < 8)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			tids[n++] = atoi(de->d_name);
	closedir(d);
	return n ? tids[below(n)] : c;
}

/* Make C (its pid, its process group or a thread) the owner of @fd. */
static int set_owner(int mode, int fd, bool sock, const struct victim *v)
{
	struct f_owner_ex ex;

	if (mode == AW_SETOWN) {
		pid_t who = v->c;

		if (chance(30)) {
			who = -v->c;	/* C leads its process group */
			awk_variant(mode, "pgrp");
		}
		switch (sock ? below(3) : 0) {
		case 1:
			awk_variant(mode, "FIOSETOWN");
			return ioctl(fd, FIOSETOWN, &who);
		case 2:
			awk_variant(mode, "SIOCSPGRP");
			return ioctl(fd, SIOCSPGRP, &who);
		default:
			return fcntl(fd, F_SETOWN, who);
		}
	}
	switch (below(3)) {
	case 0:
		ex.type = F_OWNER_TID;
		ex.pid = some_tid(v->c);
		awk_variant(mode, ex.pid == v->c ? "tid" : "thread");
		break;
	case 1:
		ex.type = F_OWNER_PID;
		ex.pid = v->c;
		awk_variant(mode, "pid");
		break;
	default:
		ex.type = F_OWNER_PGRP;
		ex.pid = v->c;
		awk_variant(mode, "pgrp");
		break;
	}
	return fcntl(fd, F_SETOWN_EX, &ex);
}

static int aw_setown_any(int mode)
{
	struct vopts o;
	struct victim v;
	int fds[4] = { -1, -1, -1, -1 }, n = 2, kind = below(4), t, r;
	bool sock = kind != 0, async = chance(40);
	struct f_owner_ex self = { F_OWNER_PID, getpid() };

	vic_opts(&o, 20);
	o.pgrp = true;
	if (mode == AW_SETOWN_EX && chance(50))
		o.fn = vc_threads;
	switch (kind) {
	case 0:
		r = pipe2(fds, O_CLOEXEC | O_NONBLOCK);
		break;
	case 1:
		r = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds);
		break;
	case 2:
		r = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds);
		break;
	default:
		fds[0] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		r = fds[0] < 0 ? -1 : 0;
		n = 1;
		break;
	}
	if (r)
		return AWK_FAIL(mode);
	awk_variant(mode, kind == 0 ? "pipe" : kind == 3 ? "udp" : "unix");
	if (vic_start(&v, &o)) {
		close_fds(fds, n);
		return AWK_FAIL(mode);
	}
	t = below(n);
	if (chance(30)) {
		fds[n] = fcntl(fds[t], F_DUPFD_CLOEXEC, 0);	/* same file */
		if (fds[n] >= 0)
			n++;
	}
	if (set_owner(mode, fds[t], sock, &v)) {
		vic_end(&v);
		close_fds(fds, n);
		return AWK_FAIL(mode);
	}
	if (n > 1 && chance(30))
		set_owner(mode, fds[(t + 1) % 2], sock, &v);
	if (async) {
		/* SIGIO (or a queued signal) to C while it lives. */
		awk_variant(mode, "O_ASYNC");
		if (chance(50))
			fcntl(fds[t], F_SETSIG, SIGRTMIN + below(8));
		fcntl(fds[t], F_SETFL, O_ASYNC | O_NONBLOCK);
		if (kind != 3)
			discard(write(fds[kind == 0 ? 1 : 1 - t], "x", 1));
	}
	if (vic_reap(&v)) {
		vic_end(&v);
		close_fds(fds, n);
		return AWK_FAIL(mode);
	}
	awk_settle(mode);
	/* C's pid has no task now: only the owner holds it. */
	if (async && kind != 3)		/* SIGIO to a pid without a task */
		discard(write(fds[kind == 0 ? 1 : 1 - t], "y", 1));
	switch (below(6)) {
	case 0:
		awk_variant(mode, "replaced");
		fcntl(fds[t], F_SETOWN, getpid());	/* write_lock_irq() */
		break;
	case 1:
		awk_variant(mode, "cleared");
		fcntl(fds[t], F_SETOWN, 0);
		break;
	case 2:
		awk_variant(mode, "replaced_ex");
		fcntl(fds[t], F_SETOWN_EX, &self);
		break;
	case 3:
		if (sock) {
			pid_t zero = 0;

			awk_variant(mode, "FIOSETOWN_0");
			ioctl(fds[t], FIOSETOWN, &zero);
			break;
		}
		/* fall through */
	default:
		break;		/* the file's release drops it */
	}
	awk_drop_fds(mode, fds, n);
	vic_end(&v);
	awk_expect_gone(mode, &v.m, v.newmask);
	return 0;
}

static int aw_setown(void)
{
	return aw_setown_any(AW_SETOWN);
}

static int aw_setown_ex(void)
{
	return aw_setown_any(AW_SETOWN_EX);
}

/* A pty of our devpts instance: master and slave. */
static int pty_pair(int *m, int *s)
{
	int zero = 0;

	*m = open(awk_ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*m < 0)
		return -1;
	if (ioctl(*m, TIOCSPTLCK, &zero) == 0) {
		*s = ioctl(*m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (*s >= 0)
			return 0;
	}
	close(*m);
	return -1;
}

/* C in S's session: its own process group becomes the foreground one. */
static void vc_tty_fg(struct vctx *x)
{
	int s = *(int *)x->o->arg;
	pid_t pg = getpgrp();

	x->m.val = ioctl(s, TIOCSPGRP, &pg);
	x->m.err = errno;
	vic_report(x, NULL, 0);
	vic_wait(x);
}

/*
 * C a session leader with the pty as its controlling tty, a child of it
 * (own process group) in the foreground.
 */
static void vc_tty_leader(struct vctx *x)
{
	int s = *(int *)x->o->arg;

	x->m.val = setsid() < 0 ? -1 : ioctl(s, TIOCSCTTY, 0);
	x->m.err = errno;
	x->m.kids = 0;
	if (!x->m.val && chance(60)) {
		pid_t k = fork();

		if (k == 0) {
			struct vmsg m = { .role = 1 };
			pid_t pg;

			setpgid(0, 0);
			pg = getpgrp();
			ioctl(s, TIOCSPGRP, &pg);
			awk_send(x->rep, &m, sizeof(m), NULL, 0);
			vic_wait(x);
			_exit(0);
		}
		if (k > 0)
			x->m.kids = 1;
	}
	vic_report(x, NULL, 0);
	vic_wait(x);
}

/* S, a session leader of ours: C's group in its foreground, then gone. */
static void tty_session(int m, int s, int to_x, int from_x)
{
	struct vopts o;
	struct victim v;
	pid_t pg;
	char c = 0;
	int how = below(4);

	if (setsid() < 0 || ioctl(s, TIOCSCTTY, 0))
		_exit(10);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	close(m);
	vic_opts(&o, 20);
	o.pgrp = true;
	o.fn = vc_tty_fg;
	o.arg = &s;
	if (vic_start(&v, &o))
		_exit(11);
	if (v.m.val) {
		vic_end(&v);
		_exit(12);
	}
	if (vic_reap(&v))
		_exit(13);
	awk_settle(AW_TTY);
	/* The tty's foreground group is a pid without a task. */
	if (write(to_x, &v.m, sizeof(v.m)) != sizeof(v.m))
		_exit(14);
	switch (how) {
	case 0:
		pg = getpgrp();
		ioctl(s, TIOCSPGRP, &pg);	/* spin_lock_irq(ctrl.lock) */
		break;
	case 1:
		ioctl(s, TIOCNOTTY);		/* disassociate_ctty(0) */
		break;
	case 2:
		break;				/* our exit: disassociate_ctty(1) */
	default:
		/* X hangs it up: we keep C's group as tty_old_pgrp. */
		if (write(to_x, &c, 1) != 1 || read(from_x, &c, 1) < 0)
			_exit(15);
		break;
	}
	_exit(20 + how);
}

static int aw_tty(void)
{
	static const char *const how[] = {
		"fg_reset", "fg_notty", "fg_leader_exit", "fg_hangup",
	};
	int m, s, to_x[2], from_x[2], st;
	struct vmsg vm;
	char c;
	pid_t sp;

	if (!awk_ptmx[0])
		return awk_skip(AW_TTY, "no devpts instance", ENODEV);
	if (pty_pair(&m, &s))
		return lacking(errno) || errno == ENOENT ?
		       awk_skip(AW_TTY, "no pty from ptmx", errno) : AWK_FAIL(AW_TTY);
	if (chance(50)) {
		/* C itself the session leader in its dying pid namespace. */
		struct vopts o;
		struct victim v;

		vic_opts(&o, 20);
		o.pgrp = false;
		o.fn = vc_tty_leader;
		o.arg = &s;
		o.closefd = m;	/* only our close of it hangs up */
		if (vic_start(&v, &o)) {
			close(m);
			close(s);
			return AWK_FAIL(AW_TTY);
		}
		if (v.m.val) {
			vic_end(&v);
			close(m);
			close(s);
			return AWK_FAIL(AW_TTY);
		}
		awk_variant(AW_TTY, v.nkids ? "leader_fg" : "leader");
		if (chance(50)) {
			awk_variant(AW_TTY, "leader_hangup");
			close(m);		/* SIGHUP to C's session */
			m = -1;
		}
		vic_reap(&v);
		if (m >= 0)
			close(m);
		close(s);
		vic_end(&v);
		awk_expect_gone(AW_TTY, &v.m, v.newmask);
		return 0;
	}
	if (pipe2(to_x, O_CLOEXEC) || pipe2(from_x, O_CLOEXEC))
		return AWK_FAIL(AW_TTY);
	sp = fork();
	if (sp == 0) {
		close(to_x[0]);
		close(from_x[1]);
		tty_session(m, s, to_x[1], from_x[0]);
	}
	close(to_x[1]);
	close(from_x[0]);
	close(s);
	if (sp < 0 || read(to_x[0], &vm, sizeof(vm)) != sizeof(vm)) {
		close(m);
		close(to_x[0]);
		close(from_x[1]);
		if (sp > 0)
			waitpid(sp, NULL, 0);
		return AWK_FAIL(AW_TTY);
	}
	/* S's byte: hang it up now (__tty_hangup()); its end: after S's drop. */
	discard(read(to_x[0], &c, 1));
	close(m);
	close(to_x[0]);
	close(from_x[1]);
	if (waitpid(sp, &st, 0) != sp || !WIFEXITED(st) || WEXITSTATUS(st) < 20)
		return awk_fail(AW_TTY, WIFEXITED(st) ? -WEXITSTATUS(st) : __LINE__, 0);
	awk_variant(AW_TTY, how[WEXITSTATUS(st) - 20]);
	awk_expect_gone(AW_TTY, &vm, CLONE_NEWUSER | CLONE_NEWPID);
	return 0;
}

/* C's own timers, firing while it exits. */
static void vc_noop(int sig)
{
	(void)sig;
}

static volatile pid_t vc_tid;

static void *vc_timer_thread(void *arg)
{
	struct vctx *x = arg;

	vc_tid = syscall(SYS_gettid);
	vic_wait(x);
	if (chance(50))
		for (volatile int i = 0; i < 200000; i++)
			;
	return NULL;
}

static void vc_timers(struct vctx *x)
{
	static const clockid_t clocks[] = {
		CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
		CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
	};
	struct itimerspec its = { { 0, 200000 }, { 0, 200000 } };
	struct sigaction sa = { .sa_handler = vc_noop, .sa_flags = SA_RESTART };
	pthread_t t;
	int made = 0;

	sigaction(SIGUSR1, &sa, NULL);
	if (pthread_create(&t, NULL, vc_timer_thread, x) == 0)
		while (!vc_tid)
			usleep(100);
	for (int i = 0; i < 4; i++) {
		struct sigevent sev = { .sigev_signo = SIGUSR1 };
		timer_t tm;

		sev.sigev_notify = vc_tid && chance(50) ? SIGEV_THREAD_ID : SIGEV_SIGNAL;
		if (sev.sigev_notify == SIGEV_THREAD_ID)
			sev.sigev_notify_thread_id = vc_tid;
		if (timer_create(clocks[below(ARRAY_SIZE(clocks))], &sev, &tm) == 0 &&
		    timer_settime(tm, 0, &its, NULL) == 0)
			made++;
	}
	x->m.val = made ? 0 : -1;
	x->m.err = errno;
	vic_report(x, NULL, 0);
	vic_wait(x);
	for (volatile int i = 0; i < 300000; i++)	/* CPU time: the timers fire */
		;
}

static int aw_timer(void)
{
	struct itimerspec its = { { 0, 500000 }, { 0, 500000 } }, cur;
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	struct vopts o;
	struct victim v;
	clockid_t clk;
	timer_t tm;
	int ctl[2], st;
	pid_t h = 0;
	char c = 0;
	sigset_t ss;

	vic_opts(&o, 20);
	if (chance(50)) {
		o.fn = vc_timers;
		awk_variant(AW_TIMER, "inside");
	}
	if (vic_start(&v, &o))
		return AWK_FAIL(AW_TIMER);
	sigemptyset(&ss);
	sigaddset(&ss, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	if (chance(50)) {
		sev.sigev_notify = SIGEV_SIGNAL;	/* to us: queued, blocked */
		sev.sigev_signo = SIGRTMIN + 1;
	}
	if (clock_getcpuclockid(v.c, &clk)) {
		vic_end(&v);
		return AWK_FAIL(AW_TIMER);
	}
	if (pipe2(ctl, O_CLOEXEC)) {
		vic_end(&v);
		return AWK_FAIL(AW_TIMER);
	}
	if (chance(40)) {
		/* A holder that drops the timer by its exit (exit_itimers()). */
		h = fork();
		if (h == 0) {
			close(ctl[1]);
			vic_release(&v);	/* only X lets C go */
			if (timer_create(clk, &sev, &tm) || timer_settime(tm, 0, &its, NULL))
				_exit(lacking(errno) ? AWK_SKIP : 1);
			while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
				;
			if (chance(50))
				timer_gettime(tm, &cur);
			_exit(0);
		}
		awk_variant(AW_TIMER, "holder_exit");
	} else if (timer_create(clk, &sev, &tm) || timer_settime(tm, 0, &its, NULL)) {
		int e = errno;

		close(ctl[0]);
		close(ctl[1]);
		vic_end(&v);
		return lacking(e) ? awk_skip(AW_TIMER, "timer_create(cpu clock)", e) :
		       AWK_FAIL(AW_TIMER);
	}
	close(ctl[0]);
	if (vic_reap(&v)) {
		close(ctl[1]);
		vic_end(&v);
		return AWK_FAIL(AW_TIMER);
	}
	awk_settle(AW_TIMER);
	/* The timer's pid is all that is left of C. */
	if (h > 0) {
		close(ctl[1]);
		if (waitpid(h, &st, 0) != h || !WIFEXITED(st) || WEXITSTATUS(st)) {
			vic_end(&v);
			if (WIFEXITED(st) && WEXITSTATUS(st) == AWK_SKIP)
				return awk_skip(AW_TIMER, "timer_create(cpu clock)", ENOSYS);
			return AWK_FAIL(AW_TIMER);
		}
	} else {
		close(ctl[1]);
		timer_gettime(tm, &cur);
		if (chance(50)) {
			awk_variant(AW_TIMER, "rearm_dead");
			timer_settime(tm, 0, &its, NULL);
		}
		awk_variant(AW_TIMER, "delete");
		timer_delete(tm);
	}
	vic_end(&v);
	awk_expect_gone(AW_TIMER, &v.m, v.newmask);
	return 0;
}

/* C: notification of the queue to it (SIGEV_SIGNAL or SIGEV_NONE). */
static void vc_mq(struct vctx *x)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	mqd_t q = *(mqd_t *)x->o->arg;

	if (chance(30))
		sev.sigev_notify = SIGEV_NONE;
	x->m.val = mq_notify(q, &sev);
	x->m.err = errno;
	vic_report(x, NULL, 0);
	vic_wait(x);
}

static int aw_mq(void)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	char name[64];
	bool linked = true;
	struct vopts o;
	struct victim v;
	mqd_t q;
	int fd;

	if (chance(40) && unshare(CLONE_NEWIPC) == 0)
		awk_variant(AW_MQ, "own_ipcns");
	snprintf(name, sizeof(name), "/nsfuzz-%d-%" PRIu64, getpid(), rnd() % 100000);
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK | O_CLOEXEC, 0600, &attr);
	if (q < 0)
		return lacking(errno) ? awk_skip(AW_MQ, "mq_open", errno) : AWK_FAIL(AW_MQ);
	if (chance(50)) {
		mq_unlink(name);
		linked = false;
	}
	vic_opts(&o, 20);
	o.files = true;		/* C exits without ->flush() */
	o.depth = 1;
	o.fn = vc_mq;
	o.arg = &q;
	if (vic_start(&v, &o)) {
		close(q);
		if (linked)
			mq_unlink(name);
		return AWK_FAIL(AW_MQ);
	}
	if (v.m.val) {
		vic_end(&v);
		close(q);
		if (linked)
			mq_unlink(name);
		return AWK_FAIL(AW_MQ);
	}
	if (vic_reap(&v)) {
		vic_end(&v);
		close(q);
		if (linked)
			mq_unlink(name);
		return AWK_FAIL(AW_MQ);
	}
	awk_settle(AW_MQ);
	/* The notification holds C's pid and user namespace alone. */
	if (chance(30))
		mq_notify(q, &sev);		/* EBUSY: someone (dead) has it */
	switch (below(4)) {
	case 0:
		awk_variant(AW_MQ, "send");
		mq_send(q, "x", 1, 0);		/* __do_notify(), info->lock */
		close(q);
		break;
	case 1:
		awk_variant(AW_MQ, "last_close");
		if (linked)
			mq_unlink(name);
		linked = false;
		close(q);			/* mqueue_evict_inode() */
		break;
	case 2:
		fd = q;
		if (linked)
			mq_unlink(name);
		linked = false;
		awk_drop_fds(AW_MQ, &fd, 1);
		break;
	default:
		awk_variant(AW_MQ, "unlink_last");
		close(q);
		break;
	}
	if (linked)
		mq_unlink(name);		/* the dentry's inode evicted */
	vic_end(&v);
	awk_expect_gone(AW_MQ, &v.m, v.newmask);
	return 0;
}

/* C: pidfds of itself, sent with the report. */
static void vc_pidfd(struct vctx *x)
{
	int fds[2], n = 0;

	fds[n] = syscall(SYS_pidfd_open, getpid(), 0);
	if (fds[n] >= 0)
		n++;
	fds[n] = syscall(SYS_pidfd_open, getpid(), PIDFD_THREAD);
	if (fds[n] >= 0)
		n++;
	vic_report(x, fds, n);
	close_fds(fds, n);
	vic_wait(x);
}

static int aw_pidfd(void)
{
	int fds[VIC_MAX_FDS], n = 0, fd;
	struct vopts o;
	struct victim v;
	siginfo_t si;

	vic_opts(&o, 30);
	if (chance(50)) {
		o.fn = vc_pidfd;
		awk_variant(AW_PIDFD, "own");
	}
	if (vic_start(&v, &o))
		return AWK_FAIL(AW_PIDFD);
	fd = syscall(SYS_pidfd_open, v.c, 0);
	if (fd < 0) {
		int e = errno;

		vic_end(&v);
		return lacking(e) ? awk_skip(AW_PIDFD, "pidfd_open", e) : AWK_FAIL(AW_PIDFD);
	}
	fds[n++] = fd;
	fd = syscall(SYS_pidfd_open, v.c, PIDFD_THREAD);
	if (fd >= 0)
		fds[n++] = fd;
	for (int i = 0; i < v.nfds && n < VIC_MAX_FDS; i++)
		fds[n++] = v.fds[i];
	v.nfds = 0;
	if (chance(30)) {
		/* An nsfs fd of C's pid namespace through the pidfd, held too. */
		fd = ioctl(fds[0], _IO(PIDFS_IOCTL_MAGIC, 5), 0);
		if (fd >= 0) {
			awk_variant(AW_PIDFD, "GET_PID_NS");
			fds[n++] = fd;
		}
	}
	if (vic_reap(&v)) {
		close_fds(fds, n);
		vic_end(&v);
		return AWK_FAIL(AW_PIDFD);
	}
	awk_settle(AW_PIDFD);
	/* Used after the death: all of these must fail cleanly. */
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		int r;

		poll(&p, 1, 0);
		waitid(P_PIDFD, fds[i], &si, WEXITED | WNOHANG);
		syscall(SYS_pidfd_send_signal, fds[i], 0, NULL, 0);
		r = ioctl(fds[i], _IO(PIDFS_IOCTL_MAGIC, 1 + below(10)), 0);
		if (r >= 0)
			close(r);
		r = syscall(SYS_pidfd_getfd, fds[i], 0, 0);
		if (r >= 0)
			close(r);
	}
	awk_drop_fds(AW_PIDFD, fds, n);
	vic_end(&v);
	awk_expect_gone(AW_PIDFD, &v.m, v.newmask);
	return 0;
}

/* C: fds of all its namespaces, a pidfd, sockets: on X's socket pair. */
static void vc_scm(struct vctx *x)
{
	static const char *const names[] = {
		"mnt", "uts", "ipc", "user", "pid", "net", "cgroup", "time",
		"pid_for_children", "time_for_children",
	};
	const int *sx = x->o->arg;
	int fds[VIC_MAX_FDS], n = 0, s = sx[chance(80) ? 0 : 1];
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		fds[n] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[n] >= 0)
			n++;
	}
	fds[n] = syscall(SYS_pidfd_open, getpid(), 0);
	if (fds[n] >= 0)
		n++;
	fds[n] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fds[n] >= 0)
		n++;
	fds[n] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fds[n] >= 0)
		n++;
	fds[n] = socket(chance(50) ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fds[n] >= 0)
		n++;
	shuffle(fds, n);
	/* 1-3 messages, each with C's pid (SO_PASSCRED). */
	for (int i = 0, k = 1 + below(3), per = (n + k - 1) / k; i < n; i += per)
		awk_send(s, "m", 1, fds + i, n - i < per ? n - i : per);
	x->m.val = n;
	close_fds(fds, n);
	vic_report(x, NULL, 0);
	vic_wait(x);
}

static int aw_scm(void)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET };
	int sx[2], one = 1, fds[VIC_MAX_FDS], n, k;
	struct vopts o;
	struct victim v;
	char buf[8];

	if (socketpair(AF_UNIX, types[below(3)] | SOCK_CLOEXEC, 0, sx))
		return AWK_FAIL(AW_SCM);
	setsockopt(sx[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	setsockopt(sx[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	vic_opts(&o, 80);
	o.fn = vc_scm;
	o.arg = sx;
	if (vic_start(&v, &o) || vic_reap(&v)) {
		vic_end(&v);
		close(sx[0]);
		close(sx[1]);
		return AWK_FAIL(AW_SCM);
	}
	awk_settle(AW_SCM);
	/* In flight now: the last references of C's namespaces and pid. */
	switch (below(4)) {
	case 0:
		awk_variant(AW_SCM, "unread");
		k = below(2);
		close(sx[k]);			/* either end first */
		close(sx[1 - k]);
		break;
	case 1:
		awk_variant(AW_SCM, "one_read");
		for (int i = 0; i < 2; i++)
			if (awk_recv(sx[i], buf, sizeof(buf), fds, &n, VIC_MAX_FDS,
				     NULL, 0) > 0) {
				close_fds(fds, n);
				break;
			}
		close(sx[0]);
		close(sx[1]);
		break;
	case 2:
		awk_variant(AW_SCM, "cycle");
		awk_send(sx[1], "c", 1, &sx[0], 1);
		awk_send(sx[0], "c", 1, &sx[1], 1);
		close(sx[0]);
		close(sx[1]);
		break;
	default:
		awk_variant(AW_SCM, "nested");
		scm_drop(sx, 2, true);
		break;
	}
	vic_end(&v);
	awk_expect_gone(AW_SCM, &v.m, v.newmask);
	return 0;
}

/* C: a proc instance of its own pid namespace, its root fd sent. */
static void vc_proc(struct vctx *x)
{
	int fds[2], n = 0;

	x->m.val = -1;
	if ((x->o->mask & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
		x->m.val = 0;
		fds[n] = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[n] >= 0)
			n++;
		fds[n] = open("/proc/1/ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[n] >= 0)
			n++;
	}
	x->m.err = errno;
	vic_report(x, fds, n);
	close_fds(fds, n);
	vic_wait(x);
}

static int aw_proc(void)
{
	static const char *const files[] = {
		"", "task/%d", "ns", "ns/mnt", "ns/uts", "ns/ipc", "ns/user",
		"ns/pid", "ns/net", "ns/cgroup", "ns/time", "ns/pid_for_children",
		"ns/time_for_children", "stat", "fd",
	};
	int fds[VIC_MAX_FDS], n = 0;
	char path[96], sub[32], buf[512];
	struct vopts o;
	struct victim v;

	vic_opts(&o, 40);
	if (chance(60)) {
		o.mask |= CLONE_NEWNS;
		o.fn = vc_proc;
	}
	if (vic_start(&v, &o))
		return AWK_FAIL(AW_PROC);
	if (v.nfds)
		awk_variant(AW_PROC, "own_proc");
	for (size_t i = 0; i < ARRAY_SIZE(files) && n < VIC_MAX_FDS; i++) {
		if (chance(25))
			continue;
		snprintf(sub, sizeof(sub), files[i], v.c);
		snprintf(path, sizeof(path), "/proc/%d/%s", v.c, sub);
		fds[n] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[n] >= 0)
			n++;
	}
	for (int i = 0; i < v.nfds && n < VIC_MAX_FDS; i++)
		fds[n++] = v.fds[i];
	v.nfds = 0;
	if (vic_reap(&v)) {
		close_fds(fds, n);
		vic_end(&v);
		return AWK_FAIL(AW_PROC);
	}
	awk_settle(AW_PROC);
	/* Used after the death. */
	for (int i = 0; i < n; i++) {
		int r;

		if (syscall(SYS_getdents64, fds[i], buf, sizeof(buf)) < 0)
			discard(read(fds[i], buf, sizeof(buf)));
		r = openat(fds[i], chance(50) ? "status" : "1/ns/pid", O_RDONLY | O_CLOEXEC);
		if (r >= 0)
			close(r);
		discard(readlinkat(fds[i], "net", buf, sizeof(buf)));
	}
	awk_drop_fds(AW_PROC, fds, n);
	vic_end(&v);
	awk_expect_gone(AW_PROC, &v.m, v.newmask);
	return 0;
}

/* C: 0-2 children (in C's pid namespace) for a tracer. */
static void vc_kids(struct vctx *x)
{
	vic_kids(x, below(3), chance(50));
	vic_report(x, NULL, 0);
	vic_wait(x);
}

/* T, the tracer: C and its children, to their end or T's. */
static void tracer(const struct victim *v, int ready)
{
	pid_t t[1 + VIC_MAX_KIDS];
	int nt = 0, n = 0, st;
	bool seize = chance(60);
	long opts = PTRACE_O_TRACEEXIT | (chance(30) ? PTRACE_O_EXITKILL : 0) |
		    (chance(50) ? PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK : 0);

	t[nt++] = v->c;
	for (int i = 0; i < v->nkids; i++)
		t[nt++] = v->kids[i];
	for (int i = 0; i < nt; i++) {
		if (seize ? ptrace(PTRACE_SEIZE, t[i], NULL, (void *)opts) :
		    ptrace(PTRACE_ATTACH, t[i], NULL, NULL))
			continue;
		n++;
		if (!seize && waitpid(t[i], &st, __WALL) == t[i]) {
			ptrace(PTRACE_SETOPTIONS, t[i], NULL, (void *)opts);
			ptrace(PTRACE_CONT, t[i], NULL, NULL);
		}
	}
	if (write(ready, &n, sizeof(n)) != sizeof(n) || !n)
		_exit(1);
	if (chance(15))
		_exit(2);			/* detached while they run */
	alarm(30);
	for (;;) {
		unsigned long msg;
		long sig;
		siginfo_t si;
		pid_t p = waitpid(-1, &st, __WALL);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!WIFSTOPPED(st))
			continue;
		ptrace(PTRACE_GETEVENTMSG, p, NULL, &msg);
		ptrace(PTRACE_GETSIGINFO, p, NULL, &si);
		if (chance(8))
			_exit(3);		/* gone with a tracee stopped */
		if (chance(15)) {
			ptrace(PTRACE_DETACH, p, NULL, NULL);
			continue;
		}
		sig = (st >> 16) == 0 && WSTOPSIG(st) != SIGSTOP &&
		      WSTOPSIG(st) != SIGTRAP ? WSTOPSIG(st) : 0;
		ptrace(PTRACE_CONT, p, NULL, (void *)sig);
	}
	_exit(0);
}

static int aw_ptrace(void)
{
	struct vopts o;
	struct victim v;
	int ready[2], n = 0, st;
	pid_t t;

	vic_opts(&o, 30);
	o.fn = vc_kids;
	if (pipe2(ready, O_CLOEXEC))
		return AWK_FAIL(AW_PTRACE);
	if (vic_start(&v, &o)) {
		close(ready[0]);
		close(ready[1]);
		return AWK_FAIL(AW_PTRACE);
	}
	t = fork();
	if (t == 0) {
		close(ready[0]);
		vic_release(&v);	/* only X lets C go */
		tracer(&v, ready[1]);
	}
	close(ready[1]);
	if (t < 0 || read(ready[0], &n, sizeof(n)) != sizeof(n) || !n) {
		close(ready[0]);
		vic_end(&v);
		if (t > 0)
			waitpid(t, &st, 0);
		return AWK_FAIL(AW_PTRACE);
	}
	close(ready[0]);
	awk_variant(AW_PTRACE, v.nkids ? "with_children" : "init_only");
	vic_reap(&v);
	if (waitpid(t, &st, 0) == t && WIFEXITED(st))
		awk_variant(AW_PTRACE, WEXITSTATUS(st) == 0 ? "followed" :
			    WEXITSTATUS(st) == 2 ? "tracer_gone" : "tracer_stopped_gone");
	vic_end(&v);
	awk_expect_gone(AW_PTRACE, &v.m, v.newmask);
	return 0;
}

/* C: sockets of its new network namespace, with data in flight. */
static void vc_sock(struct vctx *x)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fds[VIC_MAX_FDS], n = 0, u = -1, l = -1, c1 = -1, c2, s, pk;
	char data[1024] = { 0 };
	struct ifreq ifr = { 0 };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u >= 0) {
		/* lo up: connections to 127.0.0.1 in this namespace. */
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
		if (ioctl(u, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			ioctl(u, SIOCSIFFLAGS, &ifr);
		}
		if (bind(u, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    getsockname(u, (struct sockaddr *)&a, &al) == 0)
			sendto(u, data, 100, MSG_DONTWAIT, (struct sockaddr *)&a, sizeof(a));
		fds[n++] = u;
	}
	a.sin_port = 0;
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	al = sizeof(a);
	if (l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    listen(l, 4) == 0 && getsockname(l, (struct sockaddr *)&a, &al) == 0) {
		c1 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c1 >= 0 && connect(c1, (struct sockaddr *)&a, sizeof(a)) == 0) {
			s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
			if (s >= 0) {
				if (write(s, data, sizeof(data)) < 0 ||
				    write(c1, data, sizeof(data)) < 0)
					x->m.err = errno;
				fds[n++] = s;
				x->m.val |= 1;
			}
			fds[n++] = c1;
		} else if (c1 >= 0) {
			close(c1);
		}
		c2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c2 >= 0 && connect(c2, (struct sockaddr *)&a, sizeof(a)) == 0) {
			if (write(c2, data, 100) < 0)
				x->m.err = errno;
			fds[n++] = c2;		/* in the backlog, not accepted */
		} else if (c2 >= 0) {
			close(c2);
		}
	}
	if (l >= 0)
		fds[n++] = l;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds + n) == 0) {
		if (write(fds[n], data, 10) < 0)
			x->m.err = errno;
		n += 2;
	}
	pk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(3));
	if (pk >= 0)
		fds[n++] = pk;
	vic_report(x, fds, n);
	close_fds(fds, n);
	vic_wait(x);
}

static int aw_sock(void)
{
	struct linger lg = { 1, 0 };
	int fds[VIC_MAX_FDS], n, ns = -1, gc[VIC_MAX_FDS], ngc = 0;
	struct vopts o;
	struct victim v;

	vic_opts(&o, 30);
	o.mask |= CLONE_NEWNET;
	o.fn = vc_sock;
	if (vic_start(&v, &o))
		return AWK_FAIL(AW_SOCK);
	if (!v.nfds) {
		vic_end(&v);
		return AWK_FAIL(AW_SOCK);
	}
	if (v.m.val & 1)
		awk_variant(AW_SOCK, "tcp");
	n = v.nfds;
	memcpy(fds, v.fds, n * sizeof(int));
	v.nfds = 0;
	if (chance(30))
		fcntl(fds[below(n)], F_SETOWN, v.c);
	if (chance(50)) {
		ns = ioctl(fds[below(n)], SIOCGSKNS);	/* revives it */
		if (ns >= 0)
			awk_variant(AW_SOCK, "SIOCGSKNS");
	}
	if (vic_reap(&v)) {
		close_fds(fds, n);
		if (ns >= 0)
			close(ns);
		vic_end(&v);
		return AWK_FAIL(AW_SOCK);
	}
	awk_settle(AW_SOCK);
	/* No task in the network namespace: sockets (and ns) hold it. */
	shuffle(fds, n);
	for (int i = 0; i < n; i++) {
		if (ns >= 0 && chance(100 / (n - i + 1))) {
			close(ns);
			ns = -1;
		}
		switch (below(5)) {
		case 0:
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fds[i]);			/* RST */
			break;
		case 1:
			shutdown(fds[i], SHUT_WR);	/* FIN, orphaned */
			close(fds[i]);
			break;
		case 2:
			gc[ngc++] = fds[i];
			break;
		default:
			close(fds[i]);
			break;
		}
	}
	if (ns >= 0 && chance(50))
		gc[ngc++] = ns;
	else if (ns >= 0)
		close(ns);
	awk_drop_fds(AW_SOCK, gc, ngc);
	vic_end(&v);
	awk_expect_gone(AW_SOCK, &v.m, v.newmask);
	return 0;
}

static int (*const aw_fn[NR_AW])(void) = {
	aw_setown, aw_setown_ex, aw_tty, aw_timer, aw_mq, aw_pidfd, aw_scm,
	aw_proc, aw_ptrace, aw_sock,
};

/* ---------------------------------------------------- the churn itself */

static void awk_on_term(int sig)
{
	(void)sig;
	awk_stop = 1;
}

/*
 * A devpts instance of our own for the tty mode (the guest mounts none),
 * in a mount namespace of the churn's own, on a tmpfs over /mnt (or
 * /tmp): nothing of it shows outside.
 */
static void awk_setup(void)
{
	static const char *const dirs[] = { "/mnt", "/tmp" };
	int e = 0;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		e = errno;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
			char pts[32];

			snprintf(pts, sizeof(pts), "%s/pts", dirs[i]);
			if (mount("nsfuzz", dirs[i], "tmpfs", 0, "mode=0755") ||
			    mkdir(pts, 0755) ||
			    mount("devpts", pts, "devpts", 0,
				  "newinstance,ptmxmode=0666,mode=0620")) {
				e = errno;
				continue;
			}
			snprintf(awk_ptmx, sizeof(awk_ptmx), "%s/ptmx", pts);
			return;
		}
	}
	awk_skip(AW_TTY, "cannot mount devpts", e);
}

/* One iteration of @mode, in a process of its own. */
static void awk_iteration(int mode, uint64_t seed)
{
	pid_t x;
	int st = 0;

	fflush(stdout);
	x = fork();
	if (x == 0) {
		int r;

		rng = seed;
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		alarm(AWK_WATCHDOG);
		r = aw_fn[mode]();
		awk_reap_all();
		_exit(r);
	}
	if (x < 0) {
		awk->failed[mode]++;
		return;
	}
	while (waitpid(x, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		awk->watchdog++;
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		awk->runs[mode]++;
	else if (!(WIFEXITED(st) && WEXITSTATUS(st) == AWK_SKIP))
		awk->failed[mode]++;
	/* Orphans of it that outlived it came to us. */
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

/*
 * The awkward churn, until SIGTERM, @secs seconds or @max iterations:
 * the modes in turn, each iteration with a seed of its own.
 */
static pid_t start_awkward(uint64_t seed, uint64_t max, int secs)
{
	struct sigaction sa = { .sa_handler = awk_on_term, .sa_flags = SA_RESTART };
	uint64_t t0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	setpgid(0, 0);
	setpriority(PRIO_PROCESS, 0, 5);	/* the fuzzers (and trinity) first */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	awk_setup();
	rng = seed * 0x9e3779b97f4a7c15ULL ^ 0x61776b7761726421ULL;
	t0 = now_ns();
	for (uint64_t i = rnd() % NR_AW; !awk_stop; i++) {
		int mode = i % NR_AW, live = 0;

		if ((max && awk->iterations >= max) ||
		    (secs > 0 && now_ns() - t0 >= (uint64_t)secs * 1000000000ULL))
			break;
		for (int m = 0; m < NR_AW; m++)
			live += !awk->skip_errno[m];
		if (!live)
			break;
		if (awk->skip_errno[mode])
			continue;
		awk_iteration(mode, rnd() | 1);
		awk->iterations++;
	}
	_exit(0);
}

static void awk_forward(int sig)
{
	(void)sig;
	if (awk_pid > 0)
		kill(awk_pid, SIGTERM);
}

/* Stop the churn (at the end of its iteration) and wait for it. */
static void stop_awkward(void)
{
	int st;

	if (awk_pid <= 0)
		return;
	kill(awk_pid, SIGTERM);
	for (int waited = 0; waitpid(awk_pid, &st, WNOHANG) == 0; waited++) {
		if (waited > 10 * (AWK_WATCHDOG + 10)) {
			kill(-awk_pid, SIGKILL);
			kill(awk_pid, SIGKILL);
			waitpid(awk_pid, &st, 0);
			break;
		}
		usleep(100000);
	}
	kill(-awk_pid, SIGKILL);	/* whatever of it is left */
	awk_pid = 0;
}

/* One line per mode, then the summary line. */
static void print_awkward(void)
{
	char line[1024], skipped[512];
	size_t n = 0, k = 0;

	skipped[0] = 0;
	for (int m = 0; m < NR_AW; m++) {
		char vars[512];
		size_t vn = 0;

		vars[0] = 0;
		for (int i = 0; i < AWK_VARIANTS && awk->vname[m][i][0]; i++)
			vn += snprintf(vars + vn, sizeof(vars) - vn, " %s=%" PRIu64,
				       awk->vname[m][i], awk->vcount[m][i]);
		if (awk->skip_errno[m]) {
			k += snprintf(skipped + k, sizeof(skipped) - k, "%s%s(%s)",
				      k ? "," : "", aw_name[m], ename(awk->skip_errno[m]));
			printf("nsfuzz: awkward %-9s SKIPPED: %s (%s)\n", aw_name[m],
			       awk->skip_what[m], ename(awk->skip_errno[m]));
		} else {
			char first[64] = "";

			if (awk->fail_line[m] > 0)
				snprintf(first, sizeof(first), " (first at nsfuzz.c:%d, %s)",
					 awk->fail_line[m], ename(awk->fail_errno[m]));
			else if (awk->fail_line[m] < 0)
				snprintf(first, sizeof(first), " (first: session exit %d)",
					 -awk->fail_line[m]);
			printf("nsfuzz: awkward %-9s runs=%-6" PRIu64 " failed=%-4" PRIu64
			       "%s%s\n", aw_name[m], awk->runs[m], awk->failed[m], first,
			       vars);
		}
	}
	for (int m = 0; m < NR_AW; m++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64, aw_name[m],
			      awk->runs[m]);
	printf("nsfuzz: churn-awkward%s skipped=%s iterations=%" PRIu64
	       " watchdog=%" PRIu64 " gone-checks=%" PRIu64 " lingering=%" PRIu64 "\n",
	       line, k ? skipped : "none", awk->iterations, awk->watchdog,
	       awk->gone_checks, awk->lingering);
}

/* ------------------------------------------------------------ setup */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static void setup_own(void)
{
	static const char *const names[] = {
		"mnt", "uts", "ipc", "user", "pid", "net", "cgroup", "time",
	};
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int fd;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open %s", path);
		if (!identify(fd, &own[nown]))
			die("NS_GET_ID/NS_GET_NSTYPE on %s: not a kernel with "
			    "namespace ids", path);
		own[nown].own = true;
		if (own[nown].type == CLONE_NEWUSER)
			own_userns_id = own[nown].id;
		nown++;
	}
	/*
	 * may_see_all_namespaces(): in the initial pid namespace with
	 * CAP_SYS_ADMIN in the initial user namespace, which root in the
	 * initial namespaces has.
	 */
	see_all = geteuid() == 0 && own_userns_id == USER_NS_INIT_ID_;
	for (int i = 0; i < nown; i++)
		if (own[i].type == CLONE_NEWPID && own[i].id != PID_NS_INIT_ID_)
			see_all = false;
}

/* What a worker hands back, in shared memory. */
struct results {
	struct opstats stats[NR_OPS];
	uint64_t calls, violations, notes_trailing, received_fds;
	uint64_t notes_mainline, revive_checks, zombie_checks;
	bool done;
};

static void print_stats(const struct results *r, double secs,
			double ticks_per_sec)
{
	for (int op = 0; op < NR_OPS; op++) {
		const struct opstats *st = &r->stats[op];
		char errs[512];
		size_t n = 0;

		errs[0] = 0;
		for (int e = 1; e < 256 && n < sizeof(errs); e++)
			if (st->err[e])
				n += snprintf(errs + n, sizeof(errs) - n, " %s=%" PRIu64,
					      ename(e), st->err[e]);
		printf("nsfuzz: %-17s calls=%-8" PRIu64 " ok=%-7" PRIu64
		       " rate=%.0f/s in-call=%.0fus errors:%s\n", op_name[op],
		       st->calls, st->ok, secs > 0 ? st->calls / secs : 0.0,
		       st->calls ? st->ns / ticks_per_sec * 1e6 / st->calls : 0.0,
		       errs);
	}
	printf("nsfuzz: total calls=%" PRIu64 " time=%.1fs rate=%.0f/s "
	       "violations=%" PRIu64 "\n", r->calls, secs,
	       secs > 0 ? r->calls / secs : 0.0, r->violations);
}

/* One worker: @ncalls calls from its own PRNG stream and namespace pool. */
static void worker(int w, uint64_t seed, uint64_t ncalls, struct results *out)
{
	uint64_t t0 = now_ns(), last_report = t0;
	int base_fds, end_fds;

	worker_id = w;
	rng = (seed + w) * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;
	base_fds = count_fds();
	for (uint64_t i = 0; total_calls < ncalls; i++) {
		unsigned int pick = below(100);

		if (i % 256 == 0)
			receive_fds();
		if (i % 1024 == 512 && have_listns) {
			/* Not fuzzing: SPEC 4's lifetime rules, checked. */
			if (chance(50))
				op_revive();
			else
				op_zombie();
		}
		if (pick < 45)
			op_open();
		else if (pick < 65)
			op_encode();
		else if (pick < 90 && have_listns)
			pick < 88 ? op_listns() : op_walk();
		else
			op_ioctl();
		if (i % 20000 == 19999) {
			int n = count_fds();

			if (n != base_fds + nheld)
				violation("%d fds open, expected %d: a leak", n,
					  base_fds + nheld);
			if (n > base_fds + nheld)
				base_fds = n - nheld;	/* report each leak once */
		}
		if (!quiet && !w && now_ns() - last_report > 30000000000ULL) {
			last_report = now_ns();
			printf("nsfuzz: ... worker 0: %" PRIu64 " calls, %.0f/s\n",
			       total_calls, total_calls / ((last_report - t0) / 1e9));
		}
	}
	while (nheld)
		retire(&held[--nheld]);
	end_fds = count_fds();
	if (end_fds != base_fds)
		violation("%d fds open at the end, %d at the start: a leak",
			  end_fds, base_fds);
	memcpy(out->stats, stats, sizeof(stats));
	out->calls = total_calls;
	out->violations = violations;
	out->notes_trailing = notes_trailing;
	out->received_fds = received_fds;
	out->notes_mainline = notes_mainline;
	out->revive_checks = revive_checks;
	out->zombie_checks = zombie_checks;
	out->done = true;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, ncalls = 500000, t0, tick0, awk_max = 0;
	int opt, sv[2], status, nworkers = 2, churn_us = 0, awk_secs = 0;
	struct results *res, sum = { 0 };
	pid_t churn, pids[16];
	double secs;

	while ((opt = getopt(argc, argv, "s:n:j:c:qv:MAa:t:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': ncalls = strtoull(optarg, NULL, 0); break;
		case 'j': nworkers = atoi(optarg); break;
		case 'c': churn_us = atoi(optarg); break;
		case 'q': quiet = true; break;
		case 'v': max_shown = strtoull(optarg, NULL, 0); break;
		case 'M': mainline_mode = true; break;
		case 'A': awkward = true; break;
		case 'a': awk_max = strtoull(optarg, NULL, 0); break;
		case 't': awk_secs = atoi(optarg); break;
		default:
			nworkers = 0;
			break;
		}
	}
	if (nworkers < 1 || nworkers > 16 || optind != argc ||
	    (!ncalls && !awkward)) {
		fprintf(stderr, "usage: nsfuzz [-s SEED] [-n CALLS] [-j WORKERS] "
			"[-c CHURN_USEC] [-q] [-v SHOWN] [-M] [-A [-a ITERATIONS] "
			"[-t SECS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	rng = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;

	setup_own();
	if (awkward) {
		awk = mmap(NULL, sizeof(*awk), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (awk == MAP_FAILED)
			die("mmap");
		memset(awk, 0, sizeof(*awk));
	}
	if (!ncalls) {
		/* -A -n 0: the awkward churn alone, until SIGTERM or its limits. */
		struct sigaction sa = { .sa_handler = awk_forward, .sa_flags = SA_RESTART };

		printf("nsfuzz: churn-awkward only: seed=%" PRIu64 " uid=%u mode=%s "
		       "iterations=%" PRIu64 " secs=%d (0: until SIGTERM)\n", seed,
		       getuid(), see_all ? "may-see-all" : "member-only", awk_max,
		       awk_secs);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		t0 = now_ns();
		awk_pid = start_awkward(seed, awk_max, awk_secs);
		if (awk_pid < 0)
			die("fork");
		while (waitpid(awk_pid, &status, 0) < 0 && errno == EINTR)
			;
		kill(-awk_pid, SIGKILL);
		awk_pid = 0;
		print_awkward();
		printf("nsfuzz: churn-awkward time=%.1fs\n", (now_ns() - t0) / 1e9);
		printf("nsfuzz: %s\n", awk->lingering ? "FAIL" : "PASS");
		return awk->lingering ? 1 : 0;
	}
	arena_init(&harena);
	arena_init(&rarena);
	arena_init(&marena);
	none_page = map_or_die(PAGE, PROT_NONE);
	scratch = map_or_die(64 * 1024, PROT_READ | PROT_WRITE);
	/* Room for LISTNS_MAX ids (and a misalignment), then a guard page. */
	ids_buf = map_or_die(IDS_MAP + PAGE, PROT_READ | PROT_WRITE);
	ids_guard = ids_buf + IDS_MAP;
	if (mprotect(ids_guard, PAGE, PROT_NONE))
		die("mprotect");
	{
		int p[2];

		if (pipe2(p, O_CLOEXEC))
			die("pipe");
		pipe_fd = p[0];
		close(p[1]);
	}
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die("open /proc");
	closed_fd = 4000;	/* far above anything opened here */

	errno = 0;
	if (sys_listns(NULL, NULL, 0, 0) < 0 && errno == ENOSYS) {
		have_listns = false;
		printf("nsfuzz: listns() is not in this kernel (ENOSYS): its "
		       "calls are skipped\n");
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	churn_counts = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	res = mmap(NULL, nworkers * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (churn_counts == MAP_FAILED || res == MAP_FAILED)
		die("mmap");
	churn = start_churn(sv[1], sv[0], seed, churn_us);
	if (churn < 0)
		die("fork");
	if (awkward) {
		awk_pid = start_awkward(seed, awk_max, 0);
		if (awk_pid < 0)
			die("fork");
	}
	close(sv[1]);
	churn_sock = sv[0];

	for (int i = 0; i < nown; i++)
		printf("nsfuzz: own %-6s id=%-3" PRIu64 " inum=%u owner id=%" PRIu64 "\n",
		       nsid_type_name(own[i].type), own[i].id, own[i].inum, own[i].owner);
	printf("nsfuzz: seed=%" PRIu64 " calls=%" PRIu64 " workers=%d uid=%u "
	       "mode=%s (own user namespace id %" PRIu64 ")%s\n", seed, ncalls,
	       nworkers, getuid(), see_all ? "may-see-all" : "member-only",
	       own_userns_id, mainline_mode ? " oracle=mainline (-M)" : "");

	t0 = now_ns();
	tick0 = ticks();
	for (int w = 0; w < nworkers; w++) {
		uint64_t n = ncalls / nworkers + (w < (int)(ncalls % nworkers));

		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			worker(w, seed, n, &res[w]);
			exit(violations ? 1 : 0);
		}
	}
	for (int w = 0; w < nworkers; w++) {
		waitpid(pids[w], &status, 0);
		if (!res[w].done) {
			printf("nsfuzz: worker %d died (status %#x)\n", w, status);
			sum.violations++;
		}
	}
	secs = (now_ns() - t0) / 1e9;
	tick0 = ticks() - tick0;

	kill(-churn, SIGKILL);
	kill(churn, SIGKILL);
	waitpid(churn, &status, 0);
	stop_awkward();
	for (;;) {		/* whatever is still queued */
		int fds[CHURN_MAX_FDS];
		int n = churn_recv(fds);

		if (n < 0)
			break;
		close_all(fds, n);
	}

	for (int w = 0; w < nworkers; w++) {
		for (int op = 0; op < NR_OPS; op++) {
			sum.stats[op].calls += res[w].stats[op].calls;
			sum.stats[op].ok += res[w].stats[op].ok;
			sum.stats[op].ns += res[w].stats[op].ns;
			for (int e = 0; e < 256; e++)
				sum.stats[op].err[e] += res[w].stats[op].err[e];
		}
		sum.calls += res[w].calls;
		sum.violations += res[w].violations;
		sum.notes_trailing += res[w].notes_trailing;
		sum.received_fds += res[w].received_fds;
		sum.notes_mainline += res[w].notes_mainline;
		sum.revive_checks += res[w].revive_checks;
		sum.zombie_checks += res[w].zombie_checks;
	}
	printf("nsfuzz: churn: %" PRIu64 " steps (unshare %" PRIu64 ", clone %"
	       PRIu64 ", clone3 %" PRIu64 "), %" PRIu64 " namespaces created and "
	       "destroyed, %" PRIu64 " refused, %" PRIu64 " fds of them taken in\n",
	       churn_counts->steps, churn_counts->by[0], churn_counts->by[1],
	       churn_counts->by[2], churn_counts->created, churn_counts->failed,
	       sum.received_fds);
	if (churn_counts->bad_accepted) {
		printf("nsfuzz: VIOLATION: %" PRIu64 " clone()/clone3() calls with "
		       "CLONE_FS and a new user or mount namespace succeeded\n",
		       churn_counts->bad_accepted);
		sum.violations += churn_counts->bad_accepted;
	}
	printf("nsfuzz: lifetime          calls=%" PRIu64 " (SPEC 4 checks, not "
	       "fuzzed): %" PRIu64 " netns revived by SIOCGSKNS, %" PRIu64
	       " zombies\n", sum.revive_checks + sum.zombie_checks,
	       sum.revive_checks, sum.zombie_checks);
	if (mainline_mode)
		printf("nsfuzz: note: -M: %" PRIu64 " answers accepted as mainline's "
		       "(guest/mainline-differences A: ENOENT at an inactive "
		       "successor; C: a handle tail judged by the wrong bytes; "
		       "a cursor of ~0 taken for 0)\n", sum.notes_mainline);
	if (sum.notes_trailing)
		printf("nsfuzz: note: %" PRIu64 " handles opened although bytes "
		       "past the last whole dword of handle_bytes were not zero "
		       "(the VFS passes whole dwords on, as in mainline)\n",
		       sum.notes_trailing);
	if (awkward) {
		print_awkward();
		sum.violations += awk->lingering;
	}
	print_stats(&sum, secs, secs > 0 ? tick0 / secs : 1e9);
	printf("nsfuzz: %s\n", sum.violations ? "FAIL" : "PASS");
	return sum.violations ? 1 : 0;
}
