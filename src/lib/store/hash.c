/*
 * hash.c — SHA-256 as 64 hex digits, from nettle: plain functions with no
 * global initialisation (OpenSSL's EVP loads providers on first use, which
 * costs every command that hashes a few milliseconds of start-up).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "store_int.h"
#include "alloc.h"
#include "banned.h"

/* ------------------------------------------------------------- SHA-256 */

static void to_hex(const unsigned char *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

/* nettle's SHA-256: plain functions, no global initialisation (OpenSSL's
 * EVP loads its providers on first use, which costs every command that
 * hashes a few milliseconds of start-up). */
void ruru_sha256_hex(const void *data, size_t len, char hex[65])
{
	struct sha256_ctx ctx;
	unsigned char md[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(md), md);
	to_hex(md, hex);
}

