/* sdnotify MSG...: send the messages, joined by newlines, as one datagram
 * to $NOTIFY_SOCKET (what sd_notify(3) does), for tests of nsrun's
 * forwarding; prints "sent" or why not. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (!path || !*path || strlen(path) >= sizeof(a.sun_path)) {
		puts("no NOTIFY_SOCKET");
		return 1;
	}
	memcpy(a.sun_path, path, strlen(path));
	if (a.sun_path[0] == '@')
		a.sun_path[0] = 0;
	char msg[4096] = "";
	for (int i = 1; i < argc; i++) {
		if (strlen(msg) + strlen(argv[i]) + 2 > sizeof(msg))
			return 1;
		if (i > 1)
			strcat(msg, "\n");
		strcat(msg, argv[i]);
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a, len) < 0) {
		perror("sendto");
		return 1;
	}
	puts("sent");
	return 0;
}
