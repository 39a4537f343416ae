/* test_redact.c — the secret patterns of ruru_redact (doc/design.md §15): a corpus
 * of real-shaped fake secrets that must go and of look-alikes that must
 * stay.  The fakes are assembled from pieces at run time so that no
 * secret-shaped string sits in the repository for scanners to flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ruru.h"

/* n bytes cycling through `alphabet`, deterministic. */
static char *fill(char *dst, const char *alphabet, size_t n)
{
	size_t a = strlen(alphabet);
	for (size_t i = 0; i < n; i++)
		dst[i] = alphabet[(i * 7 + 3) % a];
	dst[n] = '\0';
	return dst;
}

#define ALNUM "aB3dE5fG7hJ9kLmN2pQrS4tUvW6xYz8"
#define UPPER32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

static char *redact(const char *in, size_t *count)
{
	struct ruru_buf b = RURU_BUF_INIT;
	*count = ruru_redact(&b, in, strlen(in));
	return ruru_buf_detach(&b, NULL);
}

/* `pre SECRET post` becomes `pre [REDACTED:kind] post`. */
static void expect_gone(const char *pre, const char *secret, const char *post, const char *kind)
{
	char in[4096], want[4096];
	snprintf(in, sizeof in, "%s%s%s", pre, secret, post);
	snprintf(want, sizeof want, "%s[REDACTED:%s]%s", pre, kind, post);
	size_t n;
	char *got = redact(in, &n);
	if (strcmp(got, want) != 0)
		fail_msg("in:   %s\nwant: %s\ngot:  %s", in, want, got);
	assert_int_equal(n, 1);
	free(got);
}

static void expect_kept(const char *in)
{
	size_t n;
	char *got = redact(in, &n);
	if (strcmp(got, in) != 0 || n != 0)
		fail_msg("look-alike changed:\nin:  %s\ngot: %s", in, got);
	free(got);
}

static void tokens_go(void **state)
{
	(void)state;
	char body[200], sec[300];

	snprintf(sec, sizeof sec, "AKIA%s", fill(body, UPPER32, 16));
	expect_gone("aws ", sec, " here", "aws-access-key");
	snprintf(sec, sizeof sec, "ASIA%s", fill(body, UPPER32, 16));
	expect_gone("(", sec, ")", "aws-access-key");

	snprintf(sec, sizeof sec, "gh%s_%s", "p", fill(body, ALNUM, 36));
	expect_gone("export GH=", sec, "\n", "github-token");
	snprintf(sec, sizeof sec, "gh%s_%s", "s", fill(body, ALNUM, 36));
	expect_gone("`", sec, "`", "github-token");
	snprintf(sec, sizeof sec, "github_%s_%s_%s", "pat", fill(body, ALNUM, 22), "x9Yz8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9Ed8Cb7Aa6Zz5Yy4Xx3Ww");
	expect_gone("use ", sec, ".", "github-token");

	snprintf(sec, sizeof sec, "gl%s-%s", "pat", fill(body, ALNUM, 20));
	expect_gone("token ", sec, " end", "gitlab-token");

	snprintf(sec, sizeof sec, "xo%s-%s-%s-%s", "xb", "1234567890", "0987654321", fill(body, ALNUM, 24));
	expect_gone("slack ", sec, " ok", "slack-token");
	snprintf(sec, sizeof sec, "https://hooks.slack.com/%s/T0000/B0000/%s", "services", fill(body, ALNUM, 24));
	expect_gone("hook ", sec, " ok", "slack-token");

	snprintf(sec, sizeof sec, "np%s_%s", "m", fill(body, ALNUM, 36));
	expect_gone("//registry.npmjs.org/:_authToken ", sec, "\n", "npm-token");

	snprintf(sec, sizeof sec, "sk-%s-api03-%s", "ant", fill(body, ALNUM, 80));
	expect_gone("ANTHROPIC ", sec, " x", "anthropic-key");
	snprintf(sec, sizeof sec, "sk-%s-%s", "proj", fill(body, ALNUM, 60));
	expect_gone("OPENAI ", sec, " x", "openai-key");
	snprintf(sec, sizeof sec, "s%s-%s", "k", fill(body, ALNUM, 48));
	expect_gone("key ", sec, " x", "openai-key");

	snprintf(sec, sizeof sec, "ey%s.ey%s.%s", "JhbGciOiJIUzI1NiJ9", "JzdWIiOiIxMjM0NTY3ODkwIn0",
		 fill(body, ALNUM, 43));
	expect_gone("Authorization: Bearer ", sec, "\n", "jwt");
}

static void blocks_and_values_go(void **state)
{
	(void)state;
	char body[200], sec[1000];
	snprintf(sec, sizeof sec, "-----BEGIN %s PRIVATE KEY-----\n%s\n%s\n-----END %s PRIVATE KEY-----",
		 "OPENSSH", fill(body, ALNUM, 64), "AAAAbbbbCCCC", "OPENSSH");
	expect_gone("key:\n", sec, "\nafter", "private-key");
	/* a block cut off before its END line goes to the end of the text */
	snprintf(sec, sizeof sec, "-----BEGIN %s PRIVATE KEY-----\n%s", "RSA", fill(body, ALNUM, 64));
	expect_gone("cut: ", sec, "", "private-key");

	expect_gone("postgres://admin:", "hunter2hunter", "@db.example.com:5432/app", "url-password");
	expect_gone("https://user:", "p@ss:word", "@example.com/x", "url-password");

	expect_gone("password=", "correct-horse", " next", "password");
	expect_gone("DB_PASSWORD = \"", "s3cr3t value", "\"\n", "password");
	expect_gone("\"client_secret\": \"", "abc123def456", "\"", "secret");
	expect_gone("export API_TOKEN=", "t0k3n", "\n", "token");
	expect_gone("token: ", "abcdefgh12345678", "\n", "token");
	expect_gone("aws_secret_access_key = ", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "\n", "secret");
	expect_gone("curl -d 'user=me&password=", "pw1", "&x=1'", "password");
}

static void look_alikes_stay(void **state)
{
	(void)state;
	expect_kept("AKIA is the prefix of AWS keys; AKIAEXAMPLE is too short");
	expect_kept("the ghp_ prefix, ghp_short, and github.com/owner/repo");
	expect_kept("use scikit-learn and sk-learn; risk-assessment-document-for-the-team");
	expect_kept("sk-the-quick-brown-fox-jumps-over-the-lazy-dog");
	expect_kept("git@github.com:owner/repo.git and https://example.com:8080/path");
	expect_kept("http://user@example.com/ and mailto:someone@example.com");
	expect_kept("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----");
	expect_kept("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
	expect_kept("password reset flow; the token expired; a secret handshake");
	expect_kept("password: see the vault");
	expect_kept("max_tokens=100 token_count=5 tokens: 12");
	expect_kept("if token == expected { return }");
	expect_kept("password=\nsecret=\"\"");
	expect_kept("npm_config_cache and xoxb- alone");
	expect_kept("eyJ alone, eyJhbGciOiJIUzI1NiJ9 without payload");
	expect_kept("commit 0123456789abcdef0123456789abcdef01234567");
	expect_kept("already password=[REDACTED:password] done");
}

static void nul_bytes_and_count(void **state)
{
	(void)state;
	char body[64];
	char in[256];
	int n = snprintf(in, sizeof in, "a_b password=x1 AKIA%s", fill(body, UPPER32, 16));
	in[1] = '\0';
	struct ruru_buf b = RURU_BUF_INIT;
	assert_int_equal(ruru_redact(&b, in, (size_t)n), 2);
	assert_int_equal(b.len, 3 + strlen(" password=[REDACTED:password] [REDACTED:aws-access-key]"));
	assert_memory_equal(b.ptr, "a\0b password=[REDACTED:password] [REDACTED:aws-access-key]", b.len);
	ruru_buf_release(&b);

	json_t *j = json_pack("{s:s, s:[s, i]}", "k", "password=abc", "a", "ok", 3);
	assert_int_equal(ruru_redact_json(j), 1);
	assert_string_equal(json_string_value(json_object_get(j, "k")), "password=[REDACTED:password]");
	json_decref(j);

	const struct ruru_redact_pattern *p = ruru_redact_patterns();
	size_t k = 0;
	while (p[k].kind)
		k++;
	assert_true(k >= 10);
}

/* Found by fuzz/fuzz_http.c: redacting twice must change nothing, and a
 * token inside the key of an assignment is still found. */
static void idempotent(void **state)
{
	(void)state;
	char body[64], in[512];
	snprintf(in, sizeof in, "cxr.sk-%s.-passWord=x1 token: ahttps://u:p@h//u:p@h.ex token: abcdefghps:/ "
		 "https://password=h+%%C3ok:p@p", fill(body, ALNUM, 24));
	size_t n;
	char *once = redact(in, &n);
	assert_non_null(strstr(once, "cxr.[REDACTED:openai-key].-passWord=[REDACTED:password]"));
	size_t n2;
	char *twice = redact(once, &n2);
	assert_string_equal(once, twice);
	assert_int_equal(n2, 0);
	free(once);
	free(twice);
}

/* ASCII text written in fullwidth letters (U+FF01..U+FF5E), into dst. */
static char *widen(char *dst, const char *ascii)
{
	char *d = dst;
	for (const char *a = ascii; *a; a++) {
		unsigned cp = 0xFF01u + (unsigned)(*a - '!');
		*d++ = (char)(0xE0 | cp >> 12);
		*d++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*d++ = (char)(0x80 | (cp & 0x3F));
	}
	*d = '\0';
	return dst;
}

#define ZWSP "\xE2\x80\x8B"

/* A secret split by a zero-width space or written in fullwidth letters
 * reads the same to a person: it goes as a whole, the invisible bytes
 * inside it included, and what is around it stays byte for byte. */
static void invisible_and_wide_go(void **state)
{
	(void)state;
	char body[64], sec[512], w[512];

	snprintf(sec, sizeof sec, "AKIA" ZWSP "%s", fill(body, UPPER32, 16));
	expect_gone("aws ", sec, " here", "aws-access-key");
	snprintf(sec, sizeof sec, "AK" ZWSP "IA%.8s" ZWSP "%s", fill(body, UPPER32, 16), body + 8);
	expect_gone("", sec, ZWSP, "aws-access-key");

	snprintf(sec, sizeof sec, "gh%s_%.10s" ZWSP "%s", "p", fill(body, ALNUM, 36), body + 10);
	expect_gone("export GH=", sec, "\n", "github-token");
	/* soft hyphen and a byte order mark are invisible too */
	snprintf(sec, sizeof sec, "gh%s\xC2\xAD_%.20s\xEF\xBB\xBF%s", "o", fill(body, ALNUM, 36), body + 20);
	expect_gone("use ", sec, ".", "github-token");

	expect_gone("pass" ZWSP "word=", "hun" ZWSP "ter2", "\n", "password");
	expect_gone("DB_PASS\xE2\x81\xA0WORD = ", "hunter2", " ", "password");

	/* fullwidth key and separator, ASCII value; fullwidth value */
	expect_gone(widen(w, "password="), "hunter2", "\n", "password");
	expect_gone("api_key\xE3\x80\x80=\xE3\x80\x80", widen(w, "s3cr3tvalue"), "", "secret");
	snprintf(sec, sizeof sec, "ghp_%s", fill(body, ALNUM, 36));
	expect_gone("token in wide letters ", widen(w, sec), " ok", "github-token");
	/* mathematical bold letters fold like NFKC folds them */
	expect_gone("\xF0\x9D\x90\xAD\xF0\x9D\x90\xA8\xF0\x9D\x90\xA4\xF0\x9D\x90\x9E\xF0\x9D\x90\xA7: ",
		    "abcdefgh1234", "", "token");

	size_t n, n2;
	snprintf(sec, sizeof sec, "x pass" ZWSP "word=a" ZWSP "b AKIA" ZWSP "%s " ZWSP,
		 fill(body, UPPER32, 16));
	char *once = redact(sec, &n);
	assert_int_equal(n, 2);
	char *twice = redact(once, &n2);
	assert_string_equal(once, twice);
	assert_int_equal(n2, 0);
	free(once);
	free(twice);
}

/* Text with nothing to fold, and text whose invisible or wide characters
 * hide no secret, comes out byte for byte as it went in. */
static void ordinary_text_unchanged(void **state)
{
	(void)state;
	char w[256];
	expect_kept("caf\xC3\xA9, \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E, \xF0\x9F\x98\x80, "
		    "a\xC2\xA0" "b, password policy");
	expect_kept("zero" ZWSP "width\xE2\x80\x8D joiner \xEF\xBB\xBF" "bom, soft\xC2\xAD" "hyphen");
	expect_kept(widen(w, "Fullwidth(prose)!"));
	expect_kept("password: see\xE3\x80\x80the vault");
	expect_kept("\xF0\x9D\x90\x80\xF0\x9D\x9F\x8E truncated \xE2\x80");
	expect_kept("risk" ZWSP "-key AKIA" ZWSP "SHORT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_go),
		cmocka_unit_test(blocks_and_values_go),
		cmocka_unit_test(look_alikes_stay),
		cmocka_unit_test(nul_bytes_and_count),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(invisible_and_wide_go),
		cmocka_unit_test(ordinary_text_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
