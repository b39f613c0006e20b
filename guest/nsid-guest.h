/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest tools (nsbench, nsfuzz, nsinfo) share: the eight namespace
 * types by name, and mainline's listns() and id-only file handle ABI under
 * names of their own.
 *
 * The tools are compiled against the uapi headers of the kernel they run
 * on: the patched one, or the unpatched base (nsbench measures both). The
 * names here never clash with those headers, so a tool can still ask
 * whether the headers have the real ones (#ifdef NS_GET_ID) and test them.
 * The numbers are SPEC.md's (mainline's).
 */
#ifndef NSID_GUEST_H
#define NSID_GUEST_H

#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/types.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NSID_NR_LISTNS		470		/* __NR_listns */
#define NSID_FD_NSFS_ROOT	-10003		/* FD_NSFS_ROOT */
#define NSID_FILEID_NSFS	0xf1		/* FILEID_NSFS */
#define NSID_NS_GET_ID		_IOR(0xb7, 13, __u64)	/* NS_GET_ID */

/* struct ns_id_req, NS_ID_REQ_SIZE_VER0 */
struct nsid_listns_req {
	uint32_t size;
	uint32_t spare;
	uint64_t ns_id;		/* cursor: the last id already seen, 0 first */
	uint32_t ns_type;	/* CLONE_NEW* bits, 0: every type */
	uint32_t spare2;
	uint64_t user_ns_id;	/* owning user namespace, 0: any */
};
_Static_assert(sizeof(struct nsid_listns_req) == 32, "NS_ID_REQ_SIZE_VER0");

/* struct nsfs_file_handle, NSFS_FILE_HANDLE_SIZE_VER0 */
struct nsid_file_handle {
	uint64_t ns_id;
	uint32_t ns_type;	/* 0: any type */
	uint32_t ns_inum;	/* 0: any inode */
};
_Static_assert(sizeof(struct nsid_file_handle) == 16, "NSFS_FILE_HANDLE_SIZE_VER0");

/* The eight types, in the order the tools show them. */
#define NSID_NR_TYPES 8
static const struct nsid_type {
	const char *name;	/* as in /proc/PID/ns/ */
	uint32_t type;		/* CLONE_NEW* */
} nsid_types[NSID_NR_TYPES] = {
	{ "mnt", CLONE_NEWNS },		{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },	{ "user", CLONE_NEWUSER },
	{ "pid", CLONE_NEWPID },	{ "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },	{ "time", CLONE_NEWTIME },
};

/* The /proc/PID/ns/ name of a CLONE_NEW* type, "?" for anything else. */
static inline const char *nsid_type_name(uint32_t type)
{
	for (size_t i = 0; i < NSID_NR_TYPES; i++)
		if (nsid_types[i].type == type)
			return nsid_types[i].name;
	return "?";
}

/* listns(2): ids of the namespaces req selects, above req->ns_id. */
static inline long nsid_listns(const struct nsid_listns_req *req, uint64_t *ids,
			       size_t nr, unsigned int flags)
{
	return syscall(NSID_NR_LISTNS, req, ids, nr, flags);
}

/* open_by_handle_at(FD_NSFS_ROOT) of an nsfs handle; id-only if type, inum 0. */
static inline int nsid_open_by_id(uint64_t id, uint32_t type, uint32_t inum, int flags)
{
	char buf[sizeof(struct file_handle) + sizeof(struct nsid_file_handle)]
		__attribute__((aligned(8)));
	struct file_handle *fh = (struct file_handle *)buf;
	struct nsid_file_handle nsfh = { .ns_id = id, .ns_type = type, .ns_inum = inum };

	fh->handle_bytes = sizeof(nsfh);
	fh->handle_type = NSID_FILEID_NSFS;
	memcpy(fh->f_handle, &nsfh, sizeof(nsfh));
	return open_by_handle_at(NSID_FD_NSFS_ROOT, fh, flags);
}

#endif /* NSID_GUEST_H */
