// SPDX-License-Identifier: GPL-2.0
/*
 * nsid-reap [-t SECONDS] CMD [ARG...]: run CMD as a child subreaper's
 * child, and leave nothing of it behind.
 *
 * The guest's init runs every test program under it. Orphans of CMD are
 * reparented to nsid-reap (PR_SET_CHILD_SUBREAPER), not to PID 1, and are
 * reaped as soon as they exit. When CMD itself exits, every process still
 * left in its tree is killed and reaped before nsid-reap returns, so that
 * neither a zombie nor a stray daemon of one test program can keep a
 * namespace alive (or active) into the next one.
 *
 * With -t, CMD gets SIGTERM after SECONDS and SIGKILL 10 s later, and the
 * exit status is 124, as timeout(1) has it. Otherwise it is CMD's (128 +
 * signal when a signal killed it).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t expired;

static void on_alarm(int sig)
{
	(void)sig;
	expired++;
}

/* Send SIGKILL to every process whose parent is this one; count them. */
static int kill_children(void)
{
	pid_t self = getpid();
	struct dirent *d;
	int n = 0;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		char path[300], buf[512], *p;
		int ppid = 0;
		char state;
		FILE *f;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		/* pid (comm) state ppid: comm may hold spaces and parens. */
		if (!p || !(p = strrchr(buf, ')')))
			continue;
		if (sscanf(p + 1, " %c %d", &state, &ppid) != 2 || ppid != self)
			continue;
		if (state == 'Z')
			continue;	/* dead already: the waitpid() reaps it */
		if (kill(atoi(d->d_name), SIGKILL) == 0)
			n++;
	}
	closedir(proc);
	return n;
}

int main(int argc, char **argv)
{
	int status = 0, rc = 1, killed = 0;
	pid_t pid, w;

	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int seconds = 0;
	int timed_out = 0;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		seconds = strtoul(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: nsid-reap [-t SECONDS] CMD [ARG...]\n");
		return 2;
	}
	/* No SA_RESTART: the alarm interrupts waitpid(). */
	sigaction(SIGALRM, &sa, NULL);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		perror("nsid-reap: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("nsid-reap: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "nsid-reap: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}

	alarm(seconds);

	/* Reap everything until CMD exits. */
	for (;;) {
		w = waitpid(-1, &status, 0);
		if (w < 0 && errno == EINTR) {
			if (expired == 1 && !timed_out) {
				fprintf(stderr, "nsid-reap: %s timed out after %us\n",
					argv[1], seconds);
				kill(pid, SIGTERM);
				timed_out = 1;
				alarm(10);
			} else if (expired > 1) {
				kill(pid, SIGKILL);
			}
			continue;
		}
		if (w < 0) {
			perror("nsid-reap: waitpid");
			return 1;
		}
		if (w == pid)
			break;
	}
	alarm(0);
	if (timed_out)
		rc = 124;
	else if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);

	/*
	 * Then what CMD left: kill the children found, reap them (their own
	 * orphans come to us meanwhile), until none is left.
	 */
	for (;;) {
		killed += kill_children();
		w = waitpid(-1, NULL, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;	/* ECHILD: nothing left */
	}
	if (killed)
		fprintf(stderr, "nsid-reap: killed %d process(es) that %s left behind\n",
			killed, argv[1]);
	return rc;
}
