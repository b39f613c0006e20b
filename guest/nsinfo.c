// SPDX-License-Identifier: GPL-2.0
/*
 * nsinfo: show what the running kernel tells about namespaces through the
 * nsfs ioctls and file handles, first for the caller's own namespaces, then
 * for a fresh set made by unshare() in a child, then, while that child still
 * holds them, every namespace listns() lists, opened by id alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "nsid-guest.h"

/* "ino N" of the namespace an ioctl returned an fd for, or the errno name. */
static void show_fd_result(const char *what, int fd)
{
	struct stat st;

	if (fd < 0) {
		printf(" %s=%s", what, strerrorname_np(errno));
		return;
	}
	if (fstat(fd, &st) == 0)
		printf(" %s=%lu", what, (unsigned long)st.st_ino);
	close(fd);
}

#ifdef NSFS_FILE_HANDLE_SIZE_VER0
/* The namespace's file handle, printed, and opened again from it alone. */
static void show_handle(int fd, const struct stat *st)
{
	char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ]
		__attribute__((aligned(8)));
	struct file_handle *fh = (struct file_handle *)buf;
	struct stat st2;
	int mnt_id, nfd;

	fh->handle_bytes = MAX_HANDLE_SZ;
	printf("          ");
	if (name_to_handle_at(fd, "", fh, &mnt_id, AT_EMPTY_PATH)) {
		printf("handle=%s\n", strerrorname_np(errno));
		return;
	}
	printf("handle=%x:", fh->handle_type);
	for (unsigned int i = 0; i < fh->handle_bytes; i++)
		printf("%02x", fh->f_handle[i]);
	nfd = open_by_handle_at(NSID_FD_NSFS_ROOT, fh, O_RDONLY | O_CLOEXEC);
	if (nfd < 0) {
		printf(" open_by_handle_at=%s\n", strerrorname_np(errno));
		return;
	}
	printf(" open_by_handle_at=%s\n",
	       fstat(nfd, &st2) == 0 && st2.st_ino == st->st_ino ?
	       "same-namespace" : "DIFFERENT-NAMESPACE");
	close(nfd);
}
#endif

static void show_ns(const char *name)
{
	char path[64];
	struct stat st;
	uid_t uid;
	uint64_t id;
	int fd, type;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		printf("  %-7s %s\n", name, strerror(errno));
		return;
	}
	printf("  %-7s ino=%lu", name, (unsigned long)st.st_ino);
#ifdef NS_GET_ID
	if (ioctl(fd, NS_GET_ID, &id) == 0)
		printf(" id=%llu", (unsigned long long)id);
	else
		printf(" id=%s", strerrorname_np(errno));
#endif
	type = ioctl(fd, NS_GET_NSTYPE);
	printf(" nstype=%s", type < 0 ? strerrorname_np(errno) : nsid_type_name(type));
	show_fd_result("userns", ioctl(fd, NS_GET_USERNS));
	show_fd_result("parent", ioctl(fd, NS_GET_PARENT));
	if (type == CLONE_NEWUSER) {
		if (ioctl(fd, NS_GET_OWNER_UID, &uid) == 0)
			printf(" owner_uid=%u", uid);
		else
			printf(" owner_uid=%s", strerrorname_np(errno));
	}
	if (type == CLONE_NEWNS) {
		if (ioctl(fd, NS_GET_MNTNS_ID, &id) == 0)
			printf(" mntns_id=%llu", (unsigned long long)id);
		else
			printf(" mntns_id=%s", strerrorname_np(errno));
	}
	printf("\n");
#ifdef NSFS_FILE_HANDLE_SIZE_VER0
	show_handle(fd, &st);
#endif
	close(fd);
}

static void show_all(const char *title)
{
	printf("%s (pid %d, uid %d):\n", title, getpid(), getuid());
	for (size_t i = 0; i < NSID_NR_TYPES; i++)
		show_ns(nsid_types[i].name);
}

/* ---- listns() ---- */

#define LISTNS_PAGE		4	/* small: the listing shows the pagination */

/* One page of ids above cursor, of the types in ns_type (0: all). */
static long listns_page(uint64_t cursor, uint32_t ns_type, uint64_t *ids, size_t nr)
{
	struct nsid_listns_req req = {
		.size = sizeof(req), .ns_id = cursor, .ns_type = ns_type,
	};

	return nsid_listns(&req, ids, nr, 0);
}

/* One listed id: its type and inode, and the id of its owning user ns. */
static void show_listed(uint64_t id)
{
	struct stat st;
	uint64_t owner;
	int fd, ufd, type;

	printf("  id=%-5llu", (unsigned long long)id);
	fd = nsid_open_by_id(id, 0, 0, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf(" open_by_handle_at=%s\n", strerrorname_np(errno));
		return;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	printf(" %-7s", type < 0 ? strerrorname_np(errno) : nsid_type_name(type));
	if (fstat(fd, &st) == 0)
		printf(" ino=%lu", (unsigned long)st.st_ino);
	ufd = ioctl(fd, NS_GET_USERNS);
	if (ufd < 0)
		printf(" userns_id=%s", strerrorname_np(errno));
	else if (ioctl(ufd, NSID_NS_GET_ID, &owner))
		printf(" userns_id=%s", strerrorname_np(errno));
	else
		printf(" userns_id=%llu", (unsigned long long)owner);
	if (ufd >= 0)
		close(ufd);
	close(fd);
	printf("\n");
}

/* How the last listns_walk() ended: "ENOENT" or "0". */
static const char *walk_end = "ENOENT";

/*
 * How many namespaces of the types in ns_type listns() lists, page by
 * page until it returns 0 or fails with ENOENT (both end the list: ENOENT
 * when no active namespace lies above the cursor, 0 when some do but none
 * that the filter and the caller's view let through); with show, each one
 * too. -1 (errno set) on any other error.
 */
static long listns_walk(uint32_t ns_type, int show, int *calls)
{
	uint64_t ids[LISTNS_PAGE], cursor = 0;
	long n, total = 0;

	for (*calls = 1;; ++*calls) {
		n = listns_page(cursor, ns_type, ids, LISTNS_PAGE);
		if (n < 0) {
			walk_end = "ENOENT";
			return errno == ENOENT ? total : -1;
		}
		if (n == 0) {
			walk_end = "0";
			return total;
		}
		if (n > LISTNS_PAGE) {
			errno = ERANGE;
			return -1;
		}
		for (long i = 0; show && i < n; i++)
			show_listed(ids[i]);
		total += n;
		cursor = ids[n - 1];
	}
}

static void show_listns(void)
{
	uint64_t id;
	long total, n, sum = 0;
	int calls;

	if (listns_page(0, 0, &id, 1) < 0 && errno == ENOSYS) {
		printf("\nlistns(): not available on this kernel (ENOSYS), skipped\n");
		return;
	}
	printf("\nlistns(): every namespace listed, %d ids per call, each opened by id:\n",
	       LISTNS_PAGE);
	total = listns_walk(0, 1, &calls);
	if (total < 0) {
		printf("  listns: %s after %d calls\n", strerrorname_np(errno), calls);
		return;
	}
	printf("  %ld namespaces in %d calls (the last one %s)\n", total, calls, walk_end);
	printf("listns() per type (ns_type filter):");
	for (size_t i = 0; i < NSID_NR_TYPES; i++) {
		n = listns_walk(nsid_types[i].type, 0, &calls);
		if (n < 0)
			printf(" %s=%s", nsid_types[i].name, strerrorname_np(errno));
		else
			printf(" %s=%ld", nsid_types[i].name, n);
		sum += n < 0 ? 0 : n;
	}
	printf("\n");
	if (sum != total)
		printf("  MISMATCH: the per-type counts add up to %ld, not %ld\n", sum, total);
}

int main(void)
{
	int flags = 0, status, ready[2], done[2];
	char c;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	show_all("own namespaces");

	for (size_t i = 0; i < NSID_NR_TYPES; i++)
		flags |= nsid_types[i].type;
	if (pipe(ready) || pipe(done)) {
		printf("pipe: %s\n", strerror(errno));
		return 1;
	}
	/*
	 * New pid and time namespaces apply to children: fork once more. The
	 * grandchild stays in the new namespaces (says so on ready) until
	 * listns() has listed them (done closes).
	 */
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		if (unshare(flags)) {
			printf("unshare: %s\n", strerror(errno));
			_exit(1);
		}
		pid = fork();
		if (pid == 0) {
			show_all("\nnew namespaces from unshare(all eight types)");
			if (write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		close(ready[1]);
		close(done[0]);
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	close(ready[1]);
	close(done[0]);
	/* Nothing to read when the child failed: list the others anyway. */
	if (pid > 0 && read(ready[0], &c, 1) < 0)
		printf("read: %s\n", strerror(errno));
	show_listns();
	close(done[1]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
