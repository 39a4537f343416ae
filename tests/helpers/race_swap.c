/*
 * race_swap.c — the attacker of the race test: swap
 * two names with renameat2(RENAME_EXCHANGE) in a tight loop, so that a
 * folder on the path of a ruru write is, at any instant, either itself or
 * a symlink leading out of the workspace.
 *
 *   race_swap A B [MAX]
 *
 * Swaps A and B up to MAX times (default 100000000) or until SIGTERM, then
 * prints the number of swaps done on stdout.  An even count leaves the
 * names as they were.  Exit 1 when the first swap fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: race_swap A B [MAX]\n");
		return 2;
	}
	unsigned long max = argc == 4 ? strtoul(argv[3], NULL, 10) : 100000000UL;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	unsigned long done = 0;
	while (!stop && done < max) {
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
			if (errno == EINTR)
				continue;
			if (done == 0) {
				fprintf(stderr, "race_swap: %s <-> %s: %s\n", argv[1], argv[2],
					strerror(errno));
				return 1;
			}
			break;
		}
		done++;
	}
	/* Leave the names as they were found. */
	if (done % 2 && renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) == 0)
		done++;
	printf("%lu\n", done);
	return 0;
}
