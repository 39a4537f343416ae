/*
 * floor.c — the durable-append floor that bench/startup.sh holds `ruru log`
 * against: what any program must do to add one line to a file durably
 * (open with O_APPEND, one write, fsync), and nothing else.
 *
 *   floor FILE
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char line[] = "- [2026-11-24 03:15:20Z] **note**: bench-entry\n";
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) != 0)
		return 1;
	return close(fd) != 0;
}
