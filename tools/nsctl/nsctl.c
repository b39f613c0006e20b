// SPDX-License-Identifier: GPL-2.0
/*
 * nsctl: list, identify, save and enter Linux namespaces by their 64-bit
 * ids and nsfs file handles: NS_GET_ID, name_to_handle_at() and
 * open_by_handle_at(FD_NSFS_ROOT) on namespace files, and listns().
 * The manual is nsctl.1 next to this file.
 *
 *   nsctl list [-t TYPE[,TYPE...]] [-u USERNS] [-n] [--json] [--tree]
 *   nsctl id PATH...
 *   nsctl handle PATH...
 *   nsctl enter NS... -- CMD [ARG...]
 *   nsctl save FILE
 *   nsctl verify [--alive] FILE
 *
 * Only libc is needed, and no header newer than the oldest glibc with
 * getopt_long(): every namespace constant, struct and system call number
 * is defined here under a name of its own (NSCTL_*), with mainline's
 * values. System calls go through syscall(), never through libc wrappers
 * that an old libc may lack.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define NSCTL_VERSION "1.0"

/* Exit statuses (nsctl.1, EXIT STATUS). */
enum {
	NX_OK = 0,		/* success */
	NX_FAIL = 1,		/* the operation failed, or verify found a change */
	NX_USAGE = 2,		/* bad command line or malformed input */
	NX_NOFEATURE = 3,	/* the kernel lacks an interface that is needed */
	NX_CANNOT_EXEC = 126,	/* enter: CMD found but not executable */
	NX_NOT_FOUND = 127,	/* enter: CMD not found */
};

/* ---- The kernel's ABI, under our own names ---- */

/* <linux/nsfs.h> */
#define NSCTL_NSIO		0xb7
#define NSCTL_NS_GET_USERNS	_IO(NSCTL_NSIO, 0x1)
#define NSCTL_NS_GET_PARENT	_IO(NSCTL_NSIO, 0x2)
#define NSCTL_NS_GET_NSTYPE	_IO(NSCTL_NSIO, 0x3)
#define NSCTL_NS_GET_ID		_IOR(NSCTL_NSIO, 13, uint64_t)
#define NSCTL_LISTNS_CURRENT_USER UINT64_MAX

/* struct ns_id_req, listns()'s request (NS_ID_REQ_SIZE_VER0 = 32) */
struct nsctl_ns_id_req {
	uint32_t size;		/* sizeof(struct nsctl_ns_id_req) */
	uint32_t spare;		/* 0 */
	uint64_t ns_id;		/* cursor: the last id already seen, 0 first */
	uint32_t ns_type;	/* CLONE_NEW* bits, 0: every type */
	uint32_t spare2;	/* 0 */
	uint64_t user_ns_id;	/* only namespaces this user ns owns; 0: any */
};

/* struct nsfs_file_handle, the payload of a FILEID_NSFS handle */
struct nsctl_nsfs_fh {
	uint64_t ns_id;
	uint32_t ns_type;	/* CLONE_NEW* value, 0 in an id-only handle */
	uint32_t ns_inum;	/* inode number, 0 in an id-only handle */
};

_Static_assert(sizeof(struct nsctl_ns_id_req) == 32, "struct ns_id_req is 32 bytes");
_Static_assert(sizeof(struct nsctl_nsfs_fh) == 16, "struct nsfs_file_handle is 16 bytes");

/* <linux/exportfs.h>, <linux/fcntl.h>, <linux/magic.h>, <fcntl.h> */
#define NSCTL_FILEID_NSFS	0xf1
#define NSCTL_FD_NSFS_ROOT	(-10003)
#define NSCTL_NSFS_MAGIC	0x6e736673
#define NSCTL_MAX_HANDLE_SZ	128
#define NSCTL_AT_EMPTY_PATH	0x1000

/* struct file_handle, with room for the largest handle */
struct nsctl_handle {
	uint32_t handle_bytes;
	int32_t handle_type;
	unsigned char f_handle[NSCTL_MAX_HANDLE_SZ] __attribute__((aligned(8)));
};

/* System call numbers: the headers' when they have them, else mainline's. */
#if defined(__NR_name_to_handle_at)
#define NSCTL_NR_name_to_handle_at __NR_name_to_handle_at
#define NSCTL_NR_open_by_handle_at __NR_open_by_handle_at
#elif defined(__x86_64__) && !defined(__ILP32__)
#define NSCTL_NR_name_to_handle_at 303
#define NSCTL_NR_open_by_handle_at 304
#elif defined(__i386__)
#define NSCTL_NR_name_to_handle_at 341
#define NSCTL_NR_open_by_handle_at 342
#elif defined(__aarch64__) || defined(__riscv)
#define NSCTL_NR_name_to_handle_at 264
#define NSCTL_NR_open_by_handle_at 265
#else
#error "name_to_handle_at: unknown system call number on this architecture"
#endif

#if defined(__NR_setns)
#define NSCTL_NR_setns __NR_setns
#elif defined(__x86_64__) && !defined(__ILP32__)
#define NSCTL_NR_setns 308
#elif defined(__i386__)
#define NSCTL_NR_setns 346
#elif defined(__aarch64__) || defined(__riscv)
#define NSCTL_NR_setns 268
#else
#error "setns: unknown system call number on this architecture"
#endif

#if defined(__NR_listns)
#define NSCTL_NR_listns __NR_listns
#elif defined(__alpha__)
#define NSCTL_NR_listns 580
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI32
#define NSCTL_NR_listns 4470
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_NABI32
#define NSCTL_NR_listns 6470
#elif defined(__mips__)
#define NSCTL_NR_listns 5470
#else
#define NSCTL_NR_listns 470	/* x86_64, i386 and the generic table */
#endif

/* The eight types by their CLONE_NEW* bit, in /proc/PID/ns order. */
#define NSCTL_CLONE_NEWUSER 0x10000000
#define NSCTL_CLONE_NEWPID 0x20000000
static const struct nstype {
	const char *name;
	uint32_t flag;
} nstypes[] = {
	{ "cgroup", 0x02000000 },
	{ "ipc", 0x08000000 },
	{ "mnt", 0x00020000 },
	{ "net", 0x40000000 },
	{ "pid", NSCTL_CLONE_NEWPID },
	{ "time", 0x00000080 },
	{ "user", NSCTL_CLONE_NEWUSER },
	{ "uts", 0x04000000 },
};
#define NR_TYPES (sizeof(nstypes) / sizeof(nstypes[0]))

/* ---- Small helpers ---- */

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("nsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nsctl --help'.\n", stderr);
	return NX_USAGE;
}

static const char *type_name(uint32_t flag)
{
	for (size_t i = 0; i < NR_TYPES; i++)
		if (nstypes[i].flag == flag)
			return nstypes[i].name;
	return "?";
}

static uint32_t type_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_TYPES; i++)
		if (strlen(nstypes[i].name) == len && !strncmp(nstypes[i].name, name, len))
			return nstypes[i].flag;
	return 0;
}

/* A decimal number that fits 64 bits, nothing else. */
static bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- System calls ---- */

static int sys_name_to_handle(int fd, struct nsctl_handle *fh)
{
	int mnt_id;

	memset(fh, 0, sizeof(*fh));
	fh->handle_bytes = NSCTL_MAX_HANDLE_SZ;
	return (int)syscall(NSCTL_NR_name_to_handle_at, (long)fd, "", fh, &mnt_id,
			    (long)NSCTL_AT_EMPTY_PATH);
}

static int sys_open_by_handle(const struct nsctl_handle *fh)
{
	return (int)syscall(NSCTL_NR_open_by_handle_at, (long)NSCTL_FD_NSFS_ROOT, fh,
			    (long)(O_RDONLY | O_CLOEXEC));
}

static long sys_listns(const struct nsctl_ns_id_req *req, uint64_t *ids, size_t nr)
{
	return syscall(NSCTL_NR_listns, req, ids, nr, 0L);
}

static int sys_setns(int fd)
{
	return (int)syscall(NSCTL_NR_setns, (long)fd, 0L);
}

/* NS_GET_ID of an nsfs fd: 0 and *id, or -1 with errno. */
static int ns_get_id(int fd, uint64_t *id)
{
	return ioctl(fd, NSCTL_NS_GET_ID, id);
}

/* ---- Namespace files and references ---- */

/*
 * Open PATH, which must be a namespace file (nsfs), into *fdp. Prints the
 * problem and returns an exit status otherwise.
 */
static int open_nsfs_path(const char *path, int *fdp)
{
	struct statfs sfs;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			msg("%s: permission denied", path);
		else
			msg("%s: %s", path, strerror(errno));
		return NX_FAIL;
	}
	if (fstatfs(fd, &sfs)) {
		msg("%s: %s", path, strerror(errno));
		close(fd);
		return NX_FAIL;
	}
	if ((unsigned long)sfs.f_type != NSCTL_NSFS_MAGIC) {
		msg("%s: not a namespace file (like /proc/self/ns/net)", path);
		close(fd);
		return NX_FAIL;
	}
	*fdp = fd;
	return NX_OK;
}

/* NS_GET_ID, with the error explained. */
static int get_id_checked(int fd, const char *what, uint64_t *id)
{
	if (ns_get_id(fd, id) == 0)
		return NX_OK;
	if (errno == ENOTTY || errno == EINVAL) {
		msg("%s: this kernel has no NS_GET_ID ioctl (namespace ids: Linux 6.18, or 6.12 with the namespace-id series)",
		    what);
		return NX_NOFEATURE;
	}
	msg("%s: NS_GET_ID: %s", what, strerror(errno));
	return NX_FAIL;
}

/* name_to_handle_at(), with the error explained. */
static int get_handle_checked(int fd, const char *what, struct nsctl_handle *fh)
{
	if (sys_name_to_handle(fd, fh) == 0)
		return NX_OK;
	switch (errno) {
	case ENOSYS:
	case EOPNOTSUPP:
	case EINVAL:
		msg("%s: this kernel has no file handles for namespaces (name_to_handle_at: %s; nsfs handles: Linux 6.18, or 6.12 with the namespace-id series)",
		    what, strerror(errno));
		return NX_NOFEATURE;
	case EPERM:
	case EACCES:
		msg("%s: name_to_handle_at: permission denied", what);
		return NX_FAIL;
	default:
		msg("%s: name_to_handle_at: %s", what, strerror(errno));
		return NX_FAIL;
	}
}

/* "TYPE:HEX": at most 8 + 1 + 2 * NSCTL_MAX_HANDLE_SZ characters */
#define NSCTL_HANDLE_TEXT_MAX (2 * NSCTL_MAX_HANDLE_SZ + 16)

static void format_handle(char buf[NSCTL_HANDLE_TEXT_MAX], const struct nsctl_handle *fh)
{
	int len = snprintf(buf, NSCTL_HANDLE_TEXT_MAX, "%x:", (unsigned int)fh->handle_type);

	for (uint32_t i = 0; i < fh->handle_bytes && i < NSCTL_MAX_HANDLE_SZ; i++)
		len += snprintf(buf + len, NSCTL_HANDLE_TEXT_MAX - (size_t)len, "%02x",
				fh->f_handle[i]);
}

/* A namespace named on the command line or in a saved file. */
struct nsref {
	const char *text;
	struct nsctl_handle fh;
	bool id_only;		/* given as a bare id */
};

/*
 * An id (decimal) becomes an id-only nsfs handle; TYPE:HEX is a handle as
 * 'nsctl handle' prints it. False when TEXT is neither.
 */
static bool parse_ref(const char *text, struct nsref *ref)
{
	struct nsctl_nsfs_fh nsfh = { 0 };
	const char *colon = strchr(text, ':'), *p;
	uint64_t id;
	uint32_t type = 0;
	size_t n;

	memset(ref, 0, sizeof(*ref));
	ref->text = text;
	if (!colon) {
		if (!parse_u64(text, &id))
			return false;
		nsfh.ns_id = id;
		ref->id_only = true;
		ref->fh.handle_type = NSCTL_FILEID_NSFS;
		ref->fh.handle_bytes = sizeof(nsfh);
		memcpy(ref->fh.f_handle, &nsfh, sizeof(nsfh));
		return true;
	}
	if (colon == text || colon - text > 8)
		return false;
	for (p = text; p < colon; p++) {
		if (hexval(*p) < 0)
			return false;
		type = type << 4 | (uint32_t)hexval(*p);
	}
	if (type > INT32_MAX)
		return false;
	n = strlen(colon + 1);
	if (n == 0 || n % 2 || n / 2 > NSCTL_MAX_HANDLE_SZ)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(colon[1 + 2 * i]), lo = hexval(colon[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return false;
		ref->fh.f_handle[i] = (unsigned char)(hi << 4 | lo);
	}
	ref->fh.handle_type = (int32_t)type;
	ref->fh.handle_bytes = (uint32_t)(n / 2);
	return true;
}

static int malformed_ref(const char *text)
{
	return usage_error("malformed namespace '%s': expected an id (decimal) or a handle TYPE:HEX as 'nsctl handle' prints it",
			   text);
}

/*
 * Whether the kernel opens id-only nsfs handles (ns_type and ns_inum 0),
 * tried on the caller's own uts namespace: 1 yes, 0 no. Linux 6.18 opens
 * only full handles; 6.19 and the 6.12 series open id-only ones too.
 */
static int id_only_handles_work(void)
{
	static int known = -1;
	struct nsref ref;
	char idtext[24];
	uint64_t id;
	int fd, nfd;

	if (known >= 0)
		return known;
	known = 0;
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return known;
	if (ns_get_id(fd, &id) == 0) {
		snprintf(idtext, sizeof(idtext), "%" PRIu64, id);
		if (parse_ref(idtext, &ref)) {
			nfd = sys_open_by_handle(&ref.fh);
			if (nfd >= 0) {
				known = 1;
				close(nfd);
			}
		}
	}
	close(fd);
	return known;
}

/* Why opening REF by its handle failed with ERR: prints it, exit status. */
static int explain_open_error(const struct nsref *ref, int err)
{
	switch (err) {
	case ESTALE:
		if (ref->id_only && !id_only_handles_work()) {
			msg("%s: this kernel cannot open a namespace by its id alone (id-only nsfs handles: Linux 6.19, or 6.12 with the namespace-id series); use the full handle from 'nsctl handle PATH'",
			    ref->text);
			return NX_NOFEATURE;
		}
		msg("%s: no such namespace, or not visible to you", ref->text);
		return NX_FAIL;
	case EBADF:
	case ENOSYS:
	case EOPNOTSUPP:
		msg("%s: this kernel cannot open namespaces by file handle (open_by_handle_at(FD_NSFS_ROOT): %s; nsfs handles: Linux 6.18, or 6.12 with the namespace-id series)",
		    ref->text, strerror(err));
		return NX_NOFEATURE;
	case EPERM:
	case EACCES:
		msg("%s: permission denied", ref->text);
		return NX_FAIL;
	case EINVAL:
		msg("%s: the kernel refuses this handle as invalid", ref->text);
		return NX_FAIL;
	default:
		msg("%s: open_by_handle_at: %s", ref->text, strerror(err));
		return NX_FAIL;
	}
}

/* Open a namespace by its reference into *fdp; explains failures. */
static int open_ref(const struct nsref *ref, int *fdp)
{
	int fd = sys_open_by_handle(&ref->fh);

	if (fd < 0)
		return explain_open_error(ref, errno);
	*fdp = fd;
	return NX_OK;
}

/* ---- list ---- */

/* One namespace as list shows it. Owner and parent are linked by inode. */
struct nsent {
	uint64_t id, ino, owner_id, owner_ino, parent_id, parent_ino;
	dev_t dev, owner_dev;
	uint32_t type;
	bool has_id, has_owner_id, has_owner, has_parent_id;
	int up, child, last_child, sibling;	/* the tree, as indices, -1: none */
};

struct nslist {
	struct nsent *v;
	size_t n, cap;
};

static struct nsent *list_add(struct nslist *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nsent *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			msg("out of memory");
			exit(NX_FAIL);
		}
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/*
 * Fill E from an nsfs fd: type, inode, id, and the ids of the owning user
 * namespace and (user and pid namespaces) of the parent. EPERM from
 * NS_GET_USERNS/NS_GET_PARENT (not visible from here) leaves them unset.
 */
static void fill_entry(int fd, uint32_t type_hint, struct nsent *e)
{
	struct stat st;
	int type, rfd;

	type = ioctl(fd, NSCTL_NS_GET_NSTYPE);
	e->type = type > 0 ? (uint32_t)type : type_hint;
	if (fstat(fd, &st) == 0) {
		e->ino = st.st_ino;
		e->dev = st.st_dev;
	}
	e->has_id = ns_get_id(fd, &e->id) == 0;
	rfd = ioctl(fd, NSCTL_NS_GET_USERNS);
	if (rfd >= 0) {
		if (fstat(rfd, &st) == 0) {
			e->has_owner = true;
			e->owner_ino = st.st_ino;
			e->owner_dev = st.st_dev;
		}
		e->has_owner_id = ns_get_id(rfd, &e->owner_id) == 0;
		close(rfd);
	}
	if (e->type == NSCTL_CLONE_NEWUSER || e->type == NSCTL_CLONE_NEWPID) {
		rfd = ioctl(fd, NSCTL_NS_GET_PARENT);
		if (rfd >= 0) {
			if (fstat(rfd, &st) == 0)
				e->parent_ino = st.st_ino;
			e->has_parent_id = ns_get_id(rfd, &e->parent_id) == 0;
			close(rfd);
		}
	}
}

struct list_opts {
	uint32_t types;		/* CLONE_NEW* bits, 0: all */
	bool by_owner;		/* -u given */
	bool owner_self;	/* -u self */
	uint64_t owner;		/* -u ID */
	bool json, tree, noheadings;
};

/*
 * Every namespace listns() reports, opened by an id-only handle. Returns
 * -1 when listns() is not there (ENOSYS, or EPERM from a seccomp filter),
 * else an exit status.
 *
 * The pages end in one of two ways, and both mean "nothing left": ENOENT
 * when no active namespace of the walked tree lies above the cursor
 * (never with the cursor at 0), or a count of 0 when some do but none that
 * the filters pass and the caller may see (a caller that may not see all
 * namespaces gets that after its last own one; a new user namespace that
 * owns nothing gets it at once). A count of 0 is that answer only because
 * every call asks for room (nr_ns_ids > 0: with 0 the kernel returns 0
 * wherever the cursor is); a count below the room asked for is no end
 * yet, the next call says.
 */
static int gather_listns(const struct list_opts *o, struct nslist *l)
{
	struct nsctl_ns_id_req req = { .size = sizeof(req) };
	uint64_t ids[256];
	struct nsref ref;
	char idtext[24];
	long n;
	int fd;

	req.ns_type = o->types;
	if (o->by_owner)
		req.user_ns_id = o->owner_self ? NSCTL_LISTNS_CURRENT_USER : o->owner;
	_Static_assert(sizeof(ids) / sizeof(ids[0]) > 0, "0 ends the list only with room");
	for (bool first = true;; first = false) {
		n = sys_listns(&req, ids, sizeof(ids) / sizeof(ids[0]));
		if (n < 0 && errno == ENOENT)
			return NX_OK;		/* past the last active namespace */
		if (n < 0 && first && (errno == ENOSYS || errno == EPERM))
			return -1;
		/*
		 * EINVAL: the -u user namespace is not active (any more).
		 * After the first page, it went inactive while we listed:
		 * what it owned was listed while it was active.
		 */
		if (n < 0 && errno == EINVAL && o->by_owner && !first)
			return NX_OK;
		if (n < 0 && errno == EINVAL && o->by_owner) {
			if (o->owner_self)
				msg("listns: your user namespace is not an active user namespace");
			else
				msg("-u %" PRIu64 ": no such user namespace", o->owner);
			return NX_FAIL;
		}
		if (n < 0) {
			msg("listns: %s", strerror(errno));
			return NX_FAIL;
		}
		if (n == 0)
			return NX_OK;		/* nothing left that we may see */
		if (n > (long)(sizeof(ids) / sizeof(ids[0]))) {
			msg("listns: %ld ids for a buffer of %zu", n, sizeof(ids) / sizeof(ids[0]));
			return NX_FAIL;
		}
		for (long i = 0; i < n; i++) {
			snprintf(idtext, sizeof(idtext), "%" PRIu64, ids[i]);
			parse_ref(idtext, &ref);
			fd = sys_open_by_handle(&ref.fh);
			if (fd < 0 && errno == ESTALE)
				continue;	/* inactive since listns() listed it */
			if (fd < 0) {
				if (explain_open_error(&ref, errno) == NX_NOFEATURE)
					return NX_NOFEATURE;
				continue;
			}
			fill_entry(fd, 0, list_add(l));
			l->v[l->n - 1].id = ids[i];
			l->v[l->n - 1].has_id = true;
			close(fd);
		}
		req.ns_id = ids[n - 1];
	}
}

static bool seen(const struct nslist *l, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino == ino && l->v[i].dev == dev)
			return true;
	return false;
}

/*
 * The way lsns finds namespaces: every /proc/PID/ns/ENTRY, unique by
 * inode. Processes whose namespace files we may not open are left out.
 */
static int gather_proc(struct nslist *l)
{
	static const char *const entries[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
		"time", "time_for_children", "user", "uts",
	};
	char path[300];		/* /proc/NAME/ns/ENTRY, NAME up to 255 bytes */
	struct dirent *d;
	struct stat st;
	DIR *proc;
	int fd;

	proc = opendir("/proc");
	if (!proc) {
		msg("/proc: %s", strerror(errno));
		return NX_FAIL;
	}
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    strspn(d->d_name, "0123456789") != strlen(d->d_name))
			continue;
		for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s", d->d_name, entries[i]);
			if (stat(path, &st) || seen(l, st.st_dev, st.st_ino))
				continue;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			fill_entry(fd, type_flag(entries[i], strcspn(entries[i], "_")),
				   list_add(l));
			close(fd);
		}
	}
	closedir(proc);
	return NX_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct nsent *x = a, *y = b;

	if (x->has_id != y->has_id)
		return x->has_id ? -1 : 1;
	if (x->has_id && x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The /proc scan's answer to -t and -u, as listns() would filter. */
static int filter_proc(const struct list_opts *o, struct nslist *l)
{
	uint64_t owner = o->owner;
	bool known = false;
	size_t k = 0;
	int fd, rc;

	if (o->by_owner) {
		if (o->owner_self) {
			rc = open_nsfs_path("/proc/self/ns/user", &fd);
			if (rc)
				return rc;
			rc = get_id_checked(fd, "-u self", &owner);
			close(fd);
			if (rc)
				return rc;
		}
		for (size_t i = 0; i < l->n; i++) {
			if (!l->v[i].has_id && l->v[i].type == NSCTL_CLONE_NEWUSER) {
				msg("-u: this kernel has no NS_GET_ID ioctl, namespaces have no ids");
				return NX_NOFEATURE;
			}
			if ((l->v[i].has_id && l->v[i].id == owner &&
			     l->v[i].type == NSCTL_CLONE_NEWUSER) ||
			    (l->v[i].has_owner_id && l->v[i].owner_id == owner))
				known = true;
		}
		if (!known && !o->owner_self) {
			msg("-u %" PRIu64 ": no such user namespace", owner);
			return NX_FAIL;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		if (o->types && !(l->v[i].type & o->types))
			continue;
		if (o->by_owner && !(l->v[i].has_owner_id && l->v[i].owner_id == owner))
			continue;
		l->v[k++] = l->v[i];
	}
	l->n = k;
	return NX_OK;
}

static const char *num(char *buf, size_t size, bool has, uint64_t v, const char *none)
{
	if (!has)
		return none;
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static void print_table(const struct list_opts *o, const struct nslist *l)
{
	char a[24], b[24], c[24];

	if (!o->noheadings)
		printf("%10s %-6s %10s %10s %10s\n", "ID", "TYPE", "INODE", "USERNS", "PARENT");
	for (size_t i = 0; i < l->n; i++) {
		const struct nsent *e = &l->v[i];

		printf("%10s %-6s %10" PRIu64 " %10s %10s\n",
		       num(a, sizeof(a), e->has_id, e->id, "-"), type_name(e->type), e->ino,
		       num(b, sizeof(b), e->has_owner_id, e->owner_id, "-"),
		       num(c, sizeof(c), e->has_parent_id, e->parent_id, "-"));
	}
}

static void print_json_fields(const struct nsent *e)
{
	char a[24], b[24], c[24];

	printf("{\"id\": %s, \"type\": \"%s\", \"inode\": %" PRIu64
	       ", \"userns\": %s, \"parent\": %s",
	       num(a, sizeof(a), e->has_id, e->id, "null"), type_name(e->type), e->ino,
	       num(b, sizeof(b), e->has_owner_id, e->owner_id, "null"),
	       num(c, sizeof(c), e->has_parent_id, e->parent_id, "null"));
}

static void print_json(const struct nslist *l)
{
	printf("[");
	for (size_t i = 0; i < l->n; i++) {
		printf("%s\n  ", i ? "," : "");
		print_json_fields(&l->v[i]);
		printf("}");
	}
	printf("%s]\n", l->n ? "\n" : "");
}

/*
 * Link every namespace under its owning user namespace, when that one is
 * listed too (matched by inode: ids may be unknown). The others are roots.
 */
static void build_tree(struct nslist *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i].up = l->v[i].child = l->v[i].last_child = l->v[i].sibling = -1;
	for (size_t i = 0; i < l->n; i++) {
		struct nsent *e = &l->v[i];

		if (!e->has_owner)
			continue;
		for (size_t j = 0; j < l->n; j++) {
			struct nsent *u = &l->v[j];

			if (j == i || u->type != NSCTL_CLONE_NEWUSER ||
			    u->ino != e->owner_ino || u->dev != e->owner_dev)
				continue;
			e->up = (int)j;
			if (u->last_child < 0)
				u->child = (int)i;
			else
				l->v[u->last_child].sibling = (int)i;
			u->last_child = (int)i;
			break;
		}
	}
}

#define TREE_PREFIX_MAX 512

static void print_node(const struct nsent *e)
{
	char a[24];

	printf("%s id=%s inode=%" PRIu64, type_name(e->type),
	       num(a, sizeof(a), e->has_id, e->id, "-"), e->ino);
	if (e->up < 0)
		printf(" userns=%s", num(a, sizeof(a), e->has_owner_id, e->owner_id, "-"));
	if (e->type == NSCTL_CLONE_NEWPID)
		printf(" parent=%s", num(a, sizeof(a), e->has_parent_id, e->parent_id, "-"));
	printf("\n");
}

/*
 * The node's own line, then its children's, each after PREFIX (the
 * vertical bars of the levels above) and its branch.
 */
static void print_tree_at(const struct nslist *l, int i, char *prefix, size_t plen)
{
	print_node(&l->v[i]);
	for (int c = l->v[i].child; c >= 0; c = l->v[c].sibling) {
		bool last = l->v[c].sibling < 0;

		printf("%s%s", prefix, last ? "`-- " : "|-- ");
		if (plen + 5 > TREE_PREFIX_MAX) {
			printf("...\n");	/* deeper than any kernel nests */
			continue;
		}
		memcpy(prefix + plen, last ? "    " : "|   ", 5);
		print_tree_at(l, c, prefix, plen + 4);
		prefix[plen] = '\0';
	}
}

static void print_tree(const struct nslist *l)
{
	char prefix[TREE_PREFIX_MAX] = "";

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].up < 0)
			print_tree_at(l, (int)i, prefix, 0);
}

static void print_json_tree_at(const struct nslist *l, int i, int depth)
{
	const struct nsent *e = &l->v[i];

	printf("%*s", 2 * depth, "");
	print_json_fields(e);
	printf(", \"children\": [");
	for (int c = e->child; c >= 0; c = l->v[c].sibling) {
		printf("%s\n", c == e->child ? "" : ",");
		print_json_tree_at(l, c, depth + 1);
	}
	if (e->child >= 0)
		printf("\n%*s", 2 * depth, "");
	printf("]}");
}

static void print_json_tree(const struct nslist *l)
{
	bool first = true;

	printf("[");
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].up >= 0)
			continue;
		printf("%s\n", first ? "" : ",");
		print_json_tree_at(l, (int)i, 1);
		first = false;
	}
	printf("%s]\n", first ? "" : "\n");
}

static int parse_types(const char *arg, uint32_t *types)
{
	const char *p = arg;

	while (*p) {
		size_t len = strcspn(p, ",");
		uint32_t flag = type_flag(p, len);

		if (!flag)
			return usage_error("unknown namespace type '%.*s' (types: cgroup ipc mnt net pid time user uts)",
					   (int)len, p);
		*types |= flag;
		p += len;
		if (*p == ',' && *++p == '\0')
			break;
	}
	if (!*types)
		return usage_error("-t: no namespace type given");
	return NX_OK;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "userns", required_argument, NULL, 'u' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "tree", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o = { 0 };
	struct nslist l = { 0 };
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+t:u:njTh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			rc = parse_types(optarg, &o.types);
			if (rc)
				return rc;
			break;
		case 'u':
			o.by_owner = true;
			if (!strcmp(optarg, "self"))
				o.owner_self = true;
			else if (!parse_u64(optarg, &o.owner) || !o.owner ||
				 o.owner == NSCTL_LISTNS_CURRENT_USER)
				return usage_error("-u: '%s' is not a user namespace id (or 'self')", optarg);
			break;
		case 'n':
			o.noheadings = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'T':
			o.tree = true;
			break;
		case 'h':
			return -1;
		default:
			return usage_error("list: unknown option or missing argument: %s",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("list: unexpected argument '%s'", argv[optind]);

	rc = getenv("NSCTL_FORCE_PROC") ? -1 : gather_listns(&o, &l);
	if (rc < 0) {
		if (getenv("NSCTL_FORCE_PROC"))
			msg("listns() not used (NSCTL_FORCE_PROC is set), scanning /proc");
		else
			msg("listns() not available, scanning /proc");
		l.n = 0;
		rc = gather_proc(&l);
		if (rc == NX_OK)
			rc = filter_proc(&o, &l);
		if (rc == NX_OK)
			qsort(l.v, l.n, sizeof(l.v[0]), cmp_entry);
	}
	if (rc) {
		free(l.v);
		return rc;
	}
	if (o.tree)
		build_tree(&l);
	if (o.json && o.tree)
		print_json_tree(&l);
	else if (o.json)
		print_json(&l);
	else if (o.tree)
		print_tree(&l);
	else
		print_table(&o, &l);
	free(l.v);
	return NX_OK;
}

/* ---- id, handle ---- */

static int only_help_opts(int argc, char **argv, const char *cmd)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h')
			return -1;
		return usage_error("%s: unknown option %s", cmd, argv[optind - 1]);
	}
	return NX_OK;
}

static int worst(int a, int b)
{
	return a > b ? a : b;
}

/* id and handle: one line per PATH, "-" for a failed one. */
static int cmd_id_or_handle(int argc, char **argv, bool handle)
{
	const char *cmd = handle ? "handle" : "id";
	char text[NSCTL_HANDLE_TEXT_MAX];
	struct nsctl_handle fh;
	int rc, ret = NX_OK, fd;
	uint64_t id;

	rc = only_help_opts(argc, argv, cmd);
	if (rc)
		return rc;
	if (optind >= argc)
		return usage_error("%s: no PATH given (e.g. /proc/self/ns/net)", cmd);
	for (int i = optind; i < argc; i++) {
		rc = open_nsfs_path(argv[i], &fd);
		if (rc == NX_OK) {
			if (handle)
				rc = get_handle_checked(fd, argv[i], &fh);
			else
				rc = get_id_checked(fd, argv[i], &id);
			close(fd);
		}
		if (rc) {
			printf("-\n");
		} else if (handle) {
			format_handle(text, &fh);
			printf("%s\n", text);
		} else {
			printf("%" PRIu64 "\n", id);
		}
		ret = worst(ret, rc);
	}
	return ret;
}

/* ---- enter ---- */

static void __attribute__((noreturn)) exec_cmd(char **cmd)
{
	execvp(cmd[0], cmd);
	msg("%s: %s", cmd[0], strerror(errno));
	exit(errno == ENOENT ? NX_NOT_FOUND : NX_CANNOT_EXEC);
}

/* Run CMD in a child (it is the one in the pid namespace); its status. */
static int fork_cmd(char **cmd)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		msg("fork: %s", strerror(errno));
		return NX_FAIL;
	}
	if (pid == 0)
		exec_cmd(cmd);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			msg("waitpid: %s", strerror(errno));
			return NX_FAIL;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* Die of the same signal, as a shell running CMD would see it. */
	signal(WTERMSIG(status), SIG_DFL);
	kill(getpid(), WTERMSIG(status));
	return 128 + WTERMSIG(status);
}

/* Whether FD is the namespace the caller's /proc/self/ns/NAME is. */
static bool is_current(int fd, const char *name)
{
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int cmd_enter(int argc, char **argv)
{
	struct nsref refs[NR_TYPES];
	int fds[NR_TYPES], order[NR_TYPES];
	uint32_t types[NR_TYPES];
	int i, n = 0, sep = -1, rc = NX_OK, type;
	bool pid = false;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return -1;
	}
	if (sep < 0)
		return usage_error("enter: no '--' before the command (nsctl enter NS... -- CMD [ARG...])");
	if (sep == 1)
		return usage_error("enter: no namespace given before '--'");
	if (sep + 1 >= argc)
		return usage_error("enter: no command given after '--'");
	if (sep - 1 > (int)NR_TYPES)
		return usage_error("enter: more than %zu namespaces given", NR_TYPES);
	for (i = 1; i < sep; i++) {
		if (argv[i][0] == '-')
			return usage_error("enter: unknown option %s", argv[i]);
		if (!parse_ref(argv[i], &refs[i - 1]))
			return malformed_ref(argv[i]);
	}

	/* Open them all first: after a setns() we may no longer see them. */
	for (n = 0; n < sep - 1; n++) {
		rc = open_ref(&refs[n], &fds[n]);
		if (rc)
			goto out;
		type = ioctl(fds[n], NSCTL_NS_GET_NSTYPE);
		if (type <= 0) {
			msg("%s: NS_GET_NSTYPE: %s", refs[n].text, strerror(errno));
			rc = NX_FAIL;
			n++;
			goto out;
		}
		types[n] = (uint32_t)type;
		for (i = 0; i < n; i++) {
			if (types[i] == types[n]) {
				rc = usage_error("enter: %s and %s are both %s namespaces",
						 refs[i].text, refs[n].text, type_name(types[n]));
				n++;
				goto out;
			}
		}
	}
	/* The user namespace first: it gives the rights for the others. */
	i = 0;
	for (int k = 0; k < n; k++)
		if (types[k] == NSCTL_CLONE_NEWUSER)
			order[i++] = k;
	for (int k = 0; k < n; k++)
		if (types[k] != NSCTL_CLONE_NEWUSER)
			order[i++] = k;
	for (int k = 0; k < n; k++) {
		int j = order[k];

		/* setns() into the user namespace one is in fails with EINVAL */
		if (types[j] == NSCTL_CLONE_NEWUSER && is_current(fds[j], "user"))
			continue;
		if (sys_setns(fds[j])) {
			int err = errno;

			if (err == EPERM)
				msg("%s: cannot enter this %s namespace: permission denied (needs CAP_SYS_ADMIN over it%s)",
				    refs[j].text, type_name(types[j]),
				    types[j] == NSCTL_CLONE_NEWUSER ? "" : " in its owning user namespace");
			else
				msg("%s: cannot enter this %s namespace: setns: %s", refs[j].text,
				    type_name(types[j]), strerror(err));
			rc = NX_FAIL;
			goto out;
		}
		if (types[j] == NSCTL_CLONE_NEWPID)
			pid = true;
	}
	for (int k = 0; k < n; k++)
		close(fds[k]);
	/* A new pid namespace applies to children only: fork, as nsenter does. */
	if (pid)
		return fork_cmd(argv + sep + 1);
	exec_cmd(argv + sep + 1);
out:
	while (n-- > 0)
		close(fds[n]);
	return rc;
}

/* ---- save, verify ---- */

static int cmd_save(int argc, char **argv)
{
	char texts[NR_TYPES][NSCTL_HANDLE_TEXT_MAX];
	const char *types[NR_TYPES];
	struct nsctl_handle fh;
	char path[64];
	size_t nlines = 0;
	FILE *f;
	int rc, fd;

	rc = only_help_opts(argc, argv, "save");
	if (rc)
		return rc;
	if (optind != argc - 1)
		return usage_error("save: give exactly one FILE ('-': standard output)");
	for (size_t i = 0; i < NR_TYPES; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", nstypes[i].name);
		if (access(path, F_OK) && errno == ENOENT) {
			msg("%s: not on this kernel, not saved", path);
			continue;
		}
		rc = open_nsfs_path(path, &fd);
		if (rc)
			return rc;
		rc = get_handle_checked(fd, path, &fh);
		close(fd);
		if (rc)
			return rc;
		types[nlines] = nstypes[i].name;
		format_handle(texts[nlines++], &fh);
	}
	f = strcmp(argv[optind], "-") ? fopen(argv[optind], "w") : stdout;
	if (!f) {
		msg("%s: %s", argv[optind], strerror(errno));
		return NX_FAIL;
	}
	fprintf(f, "# nsctl save: TYPE HANDLE of each namespace of the saving process\n");
	for (size_t i = 0; i < nlines; i++)
		fprintf(f, "%s %s\n", types[i], texts[i]);
	if (f == stdout ? fflush(f) != 0 || ferror(f) : fclose(f) != 0) {
		msg("%s: %s", argv[optind], strerror(errno));
		return NX_FAIL;
	}
	return NX_OK;
}

/* The id of FD for a message: "id N", or "inode N" without NS_GET_ID. */
static const char *describe(int fd, char *buf, size_t size)
{
	struct stat st;
	uint64_t id;

	if (ns_get_id(fd, &id) == 0)
		snprintf(buf, size, "id %" PRIu64, id);
	else if (fstat(fd, &st) == 0)
		snprintf(buf, size, "inode %" PRIu64, (uint64_t)st.st_ino);
	else
		snprintf(buf, size, "?");
	return buf;
}

/* The id a saved handle names, when it is an nsfs handle. */
static const char *saved_id(const struct nsref *ref, char *buf, size_t size)
{
	struct nsctl_nsfs_fh nsfh;

	if (ref->fh.handle_type != NSCTL_FILEID_NSFS || ref->fh.handle_bytes < sizeof(nsfh)) {
		snprintf(buf, size, "handle %s", ref->text);
		return buf;
	}
	memcpy(&nsfh, ref->fh.f_handle, sizeof(nsfh));
	snprintf(buf, size, "id %" PRIu64, nsfh.ns_id);
	return buf;
}

struct saved {
	const struct nstype *type;
	struct nsref ref;
	char text[NSCTL_HANDLE_TEXT_MAX];
	unsigned int line;
};

/* Read a file written by save: "TYPE HANDLE" lines, '#' comments. */
static int read_saved(const char *file, struct saved **out, size_t *nout)
{
	char buf[1024], type[32], text[sizeof(((struct saved *)0)->text)], extra[2];
	struct saved *v = NULL, *s;
	unsigned int line = 0;
	size_t n = 0;
	FILE *f;

	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		msg("%s: %s", file, strerror(errno));
		return NX_FAIL;
	}
	while (fgets(buf, sizeof(buf), f)) {
		const char *p = buf + strspn(buf, " \t");
		uint32_t flag;

		line++;
		if (!strchr(buf, '\n') && !feof(f))
			goto bad;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		_Static_assert(NSCTL_HANDLE_TEXT_MAX == 272, "the %271s below");
		if (sscanf(p, "%31s %271s %1s", type, text, extra) != 2)
			goto bad;
		flag = type_flag(type, strlen(type));
		if (!flag)
			goto bad;
		s = realloc(v, (n + 1) * sizeof(*v));
		if (!s) {
			msg("out of memory");
			exit(NX_FAIL);
		}
		v = s;
		s = &v[n++];
		memset(s, 0, sizeof(*s));
		snprintf(s->text, sizeof(s->text), "%s", text);
		s->line = line;
		for (size_t i = 0; i < NR_TYPES; i++)
			if (nstypes[i].flag == flag)
				s->type = &nstypes[i];
		if (!parse_ref(s->text, &s->ref))
			goto bad;
		if (s->ref.fh.handle_type == NSCTL_FILEID_NSFS &&
		    s->ref.fh.handle_bytes >= sizeof(struct nsctl_nsfs_fh)) {
			struct nsctl_nsfs_fh nsfh;

			memcpy(&nsfh, s->ref.fh.f_handle, sizeof(nsfh));
			if (nsfh.ns_type && nsfh.ns_type != flag) {
				msg("%s:%u: the handle is of a %s namespace, not %s", file, line,
				    type_name(nsfh.ns_type), type);
				goto out_bad;
			}
		}
	}
	if (ferror(f)) {
		msg("%s: %s", file, strerror(errno));
		if (f != stdin)
			fclose(f);
		free(v);
		return NX_FAIL;
	}
	if (f != stdin)
		fclose(f);
	if (!n) {
		msg("%s: no namespaces recorded (not a file from 'nsctl save')", file);
		free(v);
		return NX_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		v[i].ref.text = v[i].text;	/* v moved while growing */
	*out = v;
	*nout = n;
	return NX_OK;
bad:
	msg("%s:%u: malformed line (expected 'TYPE HANDLE' as 'nsctl save' writes it)", file, line);
out_bad:
	if (f != stdin)
		fclose(f);
	free(v);
	return NX_USAGE;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "alive", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char now[48], then[NSCTL_HANDLE_TEXT_MAX + 16], path[64];
	struct saved *v = NULL;
	bool alive = false;
	size_t n = 0, bad = 0;
	int c, rc, fd, cur, type;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+ah", longopts, NULL)) != -1) {
		if (c == 'a')
			alive = true;
		else if (c == 'h')
			return -1;
		else
			return usage_error("verify: unknown option %s", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return usage_error("verify: give exactly one FILE ('-': standard input)");
	rc = read_saved(argv[optind], &v, &n);
	if (rc)
		return rc;

	for (size_t i = 0; i < n; i++) {
		struct saved *s = &v[i];
		const char *status, *detail;
		bool same_handle = false;
		struct nsctl_handle fh;
		char dbuf[sizeof(then) + 128];
		int err;

		/* The caller's namespace of this type now, and its handle. */
		snprintf(path, sizeof(path), "/proc/self/ns/%s", s->type->name);
		cur = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(now, sizeof(now), "none");
		if (cur >= 0) {
			describe(cur, now, sizeof(now));
			same_handle = sys_name_to_handle(cur, &fh) == 0 &&
				      fh.handle_type == s->ref.fh.handle_type &&
				      fh.handle_bytes == s->ref.fh.handle_bytes &&
				      !memcmp(fh.f_handle, s->ref.fh.f_handle, fh.handle_bytes);
		}
		saved_id(&s->ref, then, sizeof(then));

		fd = sys_open_by_handle(&s->ref.fh);
		err = errno;
		if (fd < 0 && err == ESTALE && !(s->ref.id_only && !id_only_handles_work())) {
			/*
			 * Gone, or no longer visible to the caller. Either way,
			 * the caller is not in it: changed, unless the handle is
			 * that of the caller's namespace still.
			 */
			if (alive || same_handle)
				printf("%-6s %-7s saved %s: no such namespace, or not visible to you\n",
				       s->type->name, "gone", then);
			else
				printf("%-6s %-7s saved %s: no such namespace, or not visible to you; now %s\n",
				       s->type->name, "changed", then, now);
			bad++;
		} else if (fd < 0) {
			if (explain_open_error(&s->ref, err) == NX_NOFEATURE) {
				if (cur >= 0)
					close(cur);
				free(v);
				return NX_NOFEATURE;
			}
			printf("%-6s %-7s cannot open saved %s\n", s->type->name, "error", then);
			bad++;
		} else {
			type = ioctl(fd, NSCTL_NS_GET_NSTYPE);
			describe(fd, then, sizeof(then));
			status = alive ? "alive" : "same";
			detail = then;
			if (type > 0 && (uint32_t)type != s->type->flag) {
				status = "changed";
				snprintf(dbuf, sizeof(dbuf), "saved %s is a %s namespace, not %s",
					 then, type_name((uint32_t)type), s->type->name);
				detail = dbuf;
				bad++;
			} else if (!alive && !is_current(fd, s->type->name)) {
				status = "changed";
				snprintf(dbuf, sizeof(dbuf), "saved %s, now %s", then, now);
				detail = dbuf;
				bad++;
			}
			printf("%-6s %-7s %s\n", s->type->name, status, detail);
			close(fd);
		}
		if (cur >= 0)
			close(cur);
	}
	free(v);
	if (bad) {
		msg("verify %s: %zu of %zu namespaces %s", argv[optind], bad, n,
		    alive ? "gone" : "changed or gone");
		return NX_FAIL;
	}
	return NX_OK;
}

/* ---- main ---- */

static void help(FILE *f)
{
	fputs("Usage: nsctl COMMAND [ARG...]\n"
	      "List, identify, save and enter namespaces by id and file handle.\n"
	      "\n"
	      "Commands:\n"
	      "  list [-t TYPE[,TYPE...]] [-u USERNS] [-n] [--json] [--tree]\n"
	      "                        the namespaces you can see: id, type, inode,\n"
	      "                        owning user namespace, parent (listns(), or /proc)\n"
	      "  id PATH...            the 64-bit id of each namespace file (NS_GET_ID)\n"
	      "  handle PATH...        the file handle of each namespace file, as TYPE:HEX\n"
	      "  enter NS... -- CMD [ARG...]\n"
	      "                        run CMD inside the namespaces NS: ids or handles\n"
	      "  save FILE             write the handles of your 8 namespaces to FILE\n"
	      "  verify [--alive] FILE check that you are still in the namespaces in FILE\n"
	      "                        (--alive: that they still exist)\n"
	      "  help                  this text\n"
	      "\n"
	      "Options of list:\n"
	      "  -t, --type TYPES      only these types: cgroup ipc mnt net pid time user uts\n"
	      "  -u, --userns USERNS   only namespaces that the user namespace with this id\n"
	      "                        owns ('self': yours)\n"
	      "  -n, --noheadings      no header line\n"
	      "  -j, --json            a JSON array\n"
	      "  -T, --tree            the ownership tree (with --json: nested)\n"
	      "\n"
	      "PATH is a namespace file such as /proc/self/ns/net; '-' as FILE is\n"
	      "standard output (save) or input (verify).\n"
	      "\n"
	      "Exit status: 0 success, 1 failure (verify: something changed or is gone),\n"
	      "2 usage error or malformed input, 3 the kernel lacks a needed feature;\n"
	      "enter: CMD's status, 126/127 when CMD cannot run. See nsctl(1).\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "list", cmd_list },
		{ "enter", cmd_enter },
		{ "save", cmd_save },
		{ "verify", cmd_verify },
	};
	const char *cmd;
	int rc = -2;

	if (argc < 2)
		return usage_error("no command given");
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		help(stdout);
		return fflush(stdout) ? NX_FAIL : NX_OK;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("nsctl %s\n", NSCTL_VERSION);
		return NX_OK;
	}
	if (!strcmp(cmd, "id") || !strcmp(cmd, "handle"))
		rc = cmd_id_or_handle(argc - 1, argv + 1, !strcmp(cmd, "handle"));
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			rc = cmds[i].fn(argc - 1, argv + 1);
	if (rc == -2)
		return usage_error("unknown command '%s'", cmd);
	if (rc == -1) {		/* COMMAND --help */
		help(stdout);
		rc = NX_OK;
	}
	if (fflush(stdout) || ferror(stdout)) {
		msg("standard output: %s", strerror(errno));
		return NX_FAIL;
	}
	return rc;
}
