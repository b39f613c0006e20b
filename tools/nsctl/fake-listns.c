// SPDX-License-Identifier: GPL-2.0
/*
 * A test double, linked into build/nsctl/nsctl-fakelistns by make
 * nsctl-test and never installed: with -Wl,--wrap=syscall it answers
 * nsctl's listns() calls (and its open_by_handle_at() of id-only handles)
 * from a /proc scan, so that nsctl's listns() code path (pagination,
 * filters, opening every listed id) runs on a kernel that lacks listns(),
 * like the Linux 6.18 of the development machine. Everything else goes to
 * the real syscall().
 *
 * Semantics follow listns() as SPEC.md states them: ids above the cursor in
 * ascending order, ns_type bits and user_ns_id (LISTNS_CURRENT_USER)
 * filters, EINVAL for bad flags/size/spare or an unknown user namespace,
 * ENOENT only when the cursor is past the end (not 0, and no namespace of
 * the walked tree above it: the owner's with user_ns_id, else the type's
 * for exactly one type bit, else all), otherwise the count, which can be
 * 0 (a page after which only namespaces the filters refuse follow, a user
 * namespace that owns nothing, nr_ns_ids 0). Pages hold at most 3 ids,
 * whatever the caller asks for, so that every listing takes several
 * calls. The /proc scan stands for "active and visible": the double knows
 * no namespace that the caller cannot open there.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAKE_NR_LISTNS		470
#define FAKE_PAGE		3
#define FAKE_NS_GET_USERNS	_IO(0xb7, 0x1)
#define FAKE_NS_GET_NSTYPE	_IO(0xb7, 0x3)
#define FAKE_NS_GET_ID		_IOR(0xb7, 13, uint64_t)
#define FAKE_FILEID_NSFS	0xf1
#define FAKE_CLONE_NEWUSER	0x10000000

struct fake_req {
	uint32_t size, spare;
	uint64_t ns_id;
	uint32_t ns_type, spare2;
	uint64_t user_ns_id;
};

struct fake_fh {
	uint32_t handle_bytes;
	int32_t handle_type;
	uint64_t ns_id;
	uint32_t ns_type, ns_inum;
};

struct fake_ns {
	uint64_t id, owner;
	uint32_t type;
	char path[300];
};

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

static int cmp_ns(const void *a, const void *b)
{
	const struct fake_ns *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every namespace with an id under /proc, unique, sorted by id. */
static size_t scan(struct fake_ns **out)
{
	static const char *const entries[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
		"time", "time_for_children", "user", "uts",
	};
	struct fake_ns *v = NULL, e;
	size_t n = 0, i;
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int fd, ufd;

	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		for (size_t k = 0; k < sizeof(entries) / sizeof(entries[0]); k++) {
			memset(&e, 0, sizeof(e));
			snprintf(e.path, sizeof(e.path), "/proc/%s/ns/%s", d->d_name, entries[k]);
			fd = open(e.path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (ioctl(fd, FAKE_NS_GET_ID, &e.id)) {
				close(fd);
				continue;
			}
			e.type = (uint32_t)ioctl(fd, FAKE_NS_GET_NSTYPE);
			ufd = ioctl(fd, FAKE_NS_GET_USERNS);
			if (ufd >= 0) {
				if (ioctl(ufd, FAKE_NS_GET_ID, &e.owner))
					e.owner = 0;
				close(ufd);
			}
			close(fd);
			for (i = 0; i < n && v[i].id != e.id; i++)
				;
			if (i < n)
				continue;
			v = realloc(v, (n + 1) * sizeof(*v));
			if (!v)
				abort();
			v[n++] = e;
		}
	}
	if (proc)
		closedir(proc);
	qsort(v, n, sizeof(*v), cmp_ns);
	*out = v;
	return n;
}

static long fake_listns(const struct fake_req *req, uint64_t *ids, size_t nr, unsigned int flags)
{
	struct fake_ns *v;
	uint64_t owner;
	size_t n, k = 0, i;
	uint32_t one;
	int fd, above = 0;

	if (flags || req->size < sizeof(*req) || req->spare) {
		errno = EINVAL;
		return -1;
	}
	owner = req->user_ns_id;
	if (owner == UINT64_MAX) {
		fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, FAKE_NS_GET_ID, &owner))
			abort();
		close(fd);
	}
	n = scan(&v);
	if (owner) {
		for (i = 0; i < n && !(v[i].id == owner && v[i].type == FAKE_CLONE_NEWUSER); i++)
			;
		if (i == n) {
			free(v);
			errno = EINVAL;
			return -1;
		}
	}
	one = req->ns_type && !(req->ns_type & (req->ns_type - 1)) ? req->ns_type : 0;
	for (i = 0; i < n; i++) {
		if (v[i].id <= req->ns_id)
			continue;
		/* In the walked tree: past the end only if none of it is here. */
		if (owner ? v[i].owner == owner : !one || v[i].type == one)
			above = 1;
		if ((req->ns_type && !(v[i].type & req->ns_type)) ||
		    (owner && v[i].owner != owner) || k >= nr || k >= FAKE_PAGE)
			continue;
		ids[k++] = v[i].id;
	}
	free(v);
	if (req->ns_id && !above) {
		errno = ENOENT;
		return -1;
	}
	return (long)k;
}

/* An id-only nsfs handle: open the namespace with that id under /proc. */
static long fake_open_id(uint64_t id)
{
	struct fake_ns *v;
	size_t n = scan(&v);
	long fd = -1;

	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			fd = open(v[i].path, O_RDONLY | O_CLOEXEC);
	free(v);
	if (fd < 0)
		errno = ESTALE;
	return fd;
}

/* How many arguments nsctl passes to each system call it makes. */
static int nr_args(long nr)
{
	switch (nr) {
	case SYS_setns:
		return 2;
	case SYS_open_by_handle_at:
		return 3;
	case FAKE_NR_LISTNS:
		return 4;
	case SYS_name_to_handle_at:
		return 5;
	default:
		return 6;
	}
}

long __wrap_syscall(long nr, ...)
{
	const struct fake_fh *fh;
	long a[6] = { 0 };
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < nr_args(nr); i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == FAKE_NR_LISTNS)
		return fake_listns((const struct fake_req *)a[0], (uint64_t *)a[1],
				   (size_t)a[2], (unsigned int)a[3]);
	if (nr == SYS_open_by_handle_at) {
		fh = (const struct fake_fh *)a[1];
		if (fh->handle_type == FAKE_FILEID_NSFS && fh->handle_bytes == 16 &&
		    !fh->ns_type && !fh->ns_inum && fh->ns_id)
			return fake_open_id(fh->ns_id);
	}
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
