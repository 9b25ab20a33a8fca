/*
 * crypt_check.c: an independent check of a password hash, for
 * test_accounts_shadow. Reads one password line from standard input (the
 * final newline is not part of it), hashes it with libxcrypt's crypt()
 * using the hash in argv[1] as the setting, and prints "ok" if the result
 * is that hash, "no" if not.
 *
 *   printf '%s\n' "$password" | crypt_check '$y$j9T$...'
 *
 * Exit status: 0 ok, 1 no, 2 usage or input error. The password never
 * appears on the command line.
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	static char line[CRYPT_MAX_PASSPHRASE_SIZE + 2];
	const char *out;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: crypt_check HASH < password-line\n");
		return 2;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fprintf(stderr, "crypt_check: no password on standard input\n");
		return 2;
	}
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	out = crypt(line, argv[1]);
	explicit_bzero(line, sizeof(line));
	if (out != NULL && out[0] != '*' && strcmp(out, argv[1]) == 0) {
		puts("ok");
		return 0;
	}
	puts("no");
	return 1;
}
