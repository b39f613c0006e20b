// SPDX-License-Identifier: GPL-2.0
/*
 * nsinfo: show what the running kernel tells about namespaces through the
 * nsfs ioctls and file handles, first for the caller's own namespaces, then
 * for a fresh set made by unshare() in a child.
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
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int type;
} types[] = {
	{ "mnt", CLONE_NEWNS },		{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },	{ "user", CLONE_NEWUSER },
	{ "pid", CLONE_NEWPID },	{ "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },	{ "time", CLONE_NEWTIME },
};

static const char *type_name(int type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	return "?";
}

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
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif
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
	nfd = open_by_handle_at(FD_NSFS_ROOT, fh, O_RDONLY | O_CLOEXEC);
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
	printf(" nstype=%s", type < 0 ? strerrorname_np(errno) : type_name(type));
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
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		show_ns(types[i].name);
}

int main(void)
{
	int flags = 0, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	show_all("own namespaces");

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		flags |= types[i].type;
	/* New pid and time namespaces apply to children: fork once more. */
	pid = fork();
	if (pid == 0) {
		if (unshare(flags)) {
			printf("unshare: %s\n", strerror(errno));
			_exit(1);
		}
		pid = fork();
		if (pid == 0) {
			show_all("\nnew namespaces from unshare(all eight types)");
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
