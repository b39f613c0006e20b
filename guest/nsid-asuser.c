// SPDX-License-Identifier: GPL-2.0
/*
 * nsid-asuser UID CMD [ARG...]: drop to UID (and GID UID) with no
 * supplementary groups, unshare a user namespace that maps UID to 0, and
 * exec CMD. CMD then runs as an unprivileged user: uid 0 with full
 * capabilities, but only over the namespaces its new user namespace owns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		fprintf(stderr, "nsid-asuser: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	close(fd);
}

int main(int argc, char *argv[])
{
	char map[64];
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: nsid-asuser UID CMD [ARG...]\n");
		return 2;
	}
	uid = strtoul(argv[1], NULL, 10);
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid)) {
		perror("nsid-asuser: dropping privileges");
		return 1;
	}
	/* Changing uids made us non-dumpable: /proc/self would stay root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		perror("nsid-asuser: PR_SET_DUMPABLE");
		return 1;
	}
	if (unshare(CLONE_NEWUSER)) {
		perror("nsid-asuser: unshare(CLONE_NEWUSER)");
		return 1;
	}
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/gid_map", map);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "nsid-asuser: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
