/*
 * redact.c — find secrets in text and replace them with
 * "[REDACTED:<kind>]" before a session leaves the workspace (doc/design.md §15:
 * every export redacts by default).  The patterns live in one table,
 * `patterns[]` below; ruru_redact_patterns() hands the same table to the
 * front ends, which list it (`ruru export --help`, ruru(1)).
 *
 * Each pattern is a small hand-written matcher rather than a regular
 * expression: the text may hold NUL bytes, and most patterns need word
 * boundaries and length rules that are clearer in C.  A matcher is tried at
 * every position where a token can start; it says which bytes are the
 * secret (for `password=VALUE` and `scheme://user:PASS@host` only the value
 * goes, so the reader still sees what was there).  The text is scanned once,
 * left to right; the first pattern of the table that matches wins.
 *
 * The matchers see a normalised copy of the text (normalise() below):
 * invisible characters left out and compatibility forms folded to ASCII,
 * so that a secret split by a zero-width space or written in fullwidth
 * letters is still found; a match replaces the original bytes it covers.
 * Text with nothing to fold is scanned as it is, without a copy.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "alloc.h"
#include "text.h"
#include "banned.h"

/* A matcher looks at s[i..len) where i starts a candidate; on a match it
 * sets [*vs, *ve) to the secret (i <= *vs < *ve <= len). */
typedef bool (*matcher)(const char *s, size_t len, size_t i, size_t *vs, size_t *ve);

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper_or_digit(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* Characters of a token body: letters, digits, '_' and '-'. */
static bool is_tok(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

/* A token may start at i only when the byte before it cannot be part of
 * the same word ("risk-key" does not start a key at "sk-"). */
static bool starts_word(const char *s, size_t i)
{
	return i == 0 || !is_tok((unsigned char)s[i - 1]);
}

static bool has_prefix(const char *s, size_t len, size_t i, const char *p)
{
	size_t n = strlen(p);
	return len - i >= n && memcmp(s + i, p, n) == 0;
}

/* Length of an earlier replacement "[REDACTED:kind]" at s[i], 0 when none. */
static size_t replacement_at(const char *s, size_t len, size_t i)
{
	if (!has_prefix(s, len, i, "[REDACTED:"))
		return 0;
	size_t j = i + 10;
	while (j < len && j - i < 48 && ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '-'))
		j++;
	return j > i + 10 && j < len && s[j] == ']' ? j + 1 - i : 0;
}

/* Length of the run of bytes from i on that satisfy `ok`. */
static size_t run(const char *s, size_t len, size_t i, bool (*ok)(unsigned char))
{
	size_t j = i;
	while (j < len && ok((unsigned char)s[j]))
		j++;
	return j - i;
}

/* prefix + at least `min` body bytes, ending at a word boundary. */
static bool prefixed(const char *s, size_t len, size_t i, const char *const *prefixes,
		     size_t min, bool (*body)(unsigned char), size_t *vs, size_t *ve)
{
	if (!starts_word(s, i))
		return false;
	for (size_t k = 0; prefixes[k]; k++) {
		if (!has_prefix(s, len, i, prefixes[k]))
			continue;
		size_t p = i + strlen(prefixes[k]);
		size_t n = run(s, len, p, body);
		if (n < min || (p + n < len && is_tok((unsigned char)s[p + n])))
			continue;
		*vs = i;
		*ve = p + n;
		return true;
	}
	return false;
}

/* -----BEGIN … PRIVATE KEY----- through its END line (or the end of the
 * text when the block was cut off: a truncated key is still a secret). */
static bool m_private_key(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	if (!has_prefix(s, len, i, "-----BEGIN "))
		return false;
	const char *eol = memchr(s + i, '\n', len - i);
	size_t hend = eol ? (size_t)(eol - s) : len;
	const char *tag = "PRIVATE KEY-----";
	size_t tl = strlen(tag);
	bool priv = false;
	for (size_t j = i + 11; j + tl <= hend; j++)
		if (memcmp(s + j, tag, tl) == 0) {
			priv = true;
			break;
		}
	if (!priv)
		return false;
	*vs = i;
	*ve = len;
	for (size_t j = hend; j + 9 <= len; j++) {
		if (memcmp(s + j, RURU_LIT("-----END ")) != 0)
			continue;
		size_t k = j + 9;
		while (k + 5 <= len && s[k] != '\n' && memcmp(s + k, RURU_LIT("-----")) != 0)
			k++;
		if (k + 5 <= len && memcmp(s + k, RURU_LIT("-----")) == 0) {
			*ve = k + 5;
			break;
		}
	}
	return true;
}

/* AWS access key IDs: AKIA, ASIA, … followed by 16 of [A-Z2-7]. */
static bool m_aws(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA",
					 "AIPA", "ANPA", "ANVA", "APKA", NULL };
	if (!starts_word(s, i))
		return false;
	for (size_t k = 0; p[k]; k++) {
		if (!has_prefix(s, len, i, p[k]))
			continue;
		size_t n = run(s, len, i + 4, is_upper_or_digit);
		if (n != 16 || (i + 20 < len && is_tok((unsigned char)s[i + 20])))
			return false;
		*vs = i;
		*ve = i + 20;
		return true;
	}
	return false;
}

static bool is_alnum_b(unsigned char c)
{
	return is_alnum(c);
}

static bool is_alnum_us(unsigned char c)
{
	return is_alnum(c) || c == '_';
}

static bool m_github(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const classic[] = { "ghp_", "gho_", "ghu_", "ghs_", "ghr_", NULL };
	static const char *const fine[] = { "github_pat_", NULL };
	return prefixed(s, len, i, classic, 36, is_alnum_b, vs, ve) ||
	       prefixed(s, len, i, fine, 40, is_alnum_us, vs, ve);
}

static bool is_tok_b(unsigned char c)
{
	return is_tok(c);
}

static bool m_gitlab(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "glpat-", "gldt-", "glrt-", "glptt-", "gloas-", NULL };
	return prefixed(s, len, i, p, 20, is_tok_b, vs, ve);
}

static bool m_slack(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-",
					 "xapp-", NULL };
	static const char *const hook[] = { "https://hooks.slack.com/services/", NULL };
	if (prefixed(s, len, i, p, 10, is_tok_b, vs, ve))
		return true;
	if (!has_prefix(s, len, i, hook[0]))
		return false;
	size_t j = i + strlen(hook[0]);
	size_t n = 0;
	while (j + n < len && (is_alnum((unsigned char)s[j + n]) || s[j + n] == '/'))
		n++;
	if (n < 20)
		return false;
	*vs = i;
	*ve = j + n;
	return true;
}

static bool m_npm(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "npm_", NULL };
	return prefixed(s, len, i, p, 36, is_alnum_b, vs, ve);
}

static bool m_anthropic(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "sk-ant-", NULL };
	return prefixed(s, len, i, p, 20, is_tok_b, vs, ve);
}

/* OpenAI: sk-proj-…, sk-svcacct-…, sk-admin-…, legacy sk-<48>; the body
 * must hold a digit and a letter so that "sk-some-long-word-list" lives. */
static bool m_openai(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	static const char *const p[] = { "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-", NULL };
	if (has_prefix(s, len, i, "sk-ant-") || !prefixed(s, len, i, p, 20, is_tok_b, vs, ve))
		return false;
	bool digit = false, upper = false, lower = false;
	for (size_t j = i + 3; j < *ve; j++) {
		unsigned char c = (unsigned char)s[j];
		digit |= c >= '0' && c <= '9';
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
	}
	return digit && (upper || lower) && (upper || *ve - i >= 40);
}

static bool is_b64url(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

/* JWT: eyJ<header>.eyJ<payload>.<signature> (an empty signature is a token
 * with "alg":"none", a secret all the same). */
static bool m_jwt(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	if (!starts_word(s, i) || !has_prefix(s, len, i, "eyJ"))
		return false;
	size_t h = run(s, len, i, is_b64url);
	size_t p = i + h;
	if (h < 10 || p >= len || s[p] != '.' || !has_prefix(s, len, p + 1, "eyJ"))
		return false;
	size_t b = run(s, len, p + 1, is_b64url);
	p += 1 + b;
	if (b < 10 || p >= len || s[p] != '.')
		return false;
	p += 1 + run(s, len, p + 1, is_b64url);
	*vs = i;
	*ve = p;
	return true;
}

static bool is_scheme(unsigned char c)
{
	return is_alnum(c) || c == '+' || c == '.' || c == '-';
}

static bool url_user(unsigned char c)
{
	/* '[' and ']' never occur in userinfo (RFC 3986), and keeping them out
	 * keeps "[REDACTED:kind]" from reading as user:password */
	return c > ' ' && c != '/' && c != '@' && c != ':' && c != '"' && c != '\'' && c != '<' &&
	       c != '>' && c != '`' && c != '[' && c != ']' && c != 0x7f;
}

/* scheme://user:PASSWORD@host: only the password goes.  Tried at the ':'
 * after the user, so that the scheme and user are scanned like any other
 * text (a token used as a user name is still found). */
static bool m_url_password(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
	size_t u = i;
	while (u > 0 && url_user((unsigned char)s[u - 1]))
		u--;
	if (u == i || u < 4 || memcmp(s + u - 3, RURU_LIT("://")) != 0)
		return false;
	size_t b = u - 3;
	while (b > 0 && is_scheme((unsigned char)s[b - 1]))
		b--;
	if (b == u - 3 || !is_alnum((unsigned char)s[b]) || !starts_word(s, b))
		return false;
	size_t pw = i + 1;
	size_t r = replacement_at(s, len, pw);
	if (r) {
		/* redacted before: the caller keeps it, and the user part with it */
		size_t e = pw + r;
		if (e + 1 >= len || s[e] != '@' || !is_alnum((unsigned char)s[e + 1]))
			return false;
		*vs = pw;
		*ve = e;
		return true;
	}
	size_t q = pw;
	/* The password runs to the last '@' before the host; a password may
	 * hold ':' but not '/', space or quotes. */
	size_t at = 0;
	while (q < len && (url_user((unsigned char)s[q]) || s[q] == ':' || s[q] == '@')) {
		if (s[q] == '@' && q + 1 < len && is_alnum((unsigned char)s[q + 1]))
			at = q; /* the last '@' a host name can follow */
		q++;
	}
	if (at <= pw || at + 1 >= len || !is_alnum((unsigned char)s[at + 1]))
		return false;
	*vs = pw;
	*ve = at;
	return true;
}

/* Key words of `KEY=VALUE` / `KEY: VALUE` assignments, by kind.  The key
 * is an identifier ending in one of the words (DB_PASSWORD, api_token,
 * client-secret), in any case. */
static const struct {
	const char *word;
	const char *kind;
} assign_words[] = {
	{ "password", "password" }, { "passwd", "password" },  { "pwd", "password" },
	{ "passphrase", "password" }, { "secret", "secret" },    { "secret_key", "secret" },
	{ "secret_access_key", "secret" }, { "private_key", "secret" }, { "api_key", "secret" },
	{ "apikey", "secret" },     { "access_key", "secret" }, { "token", "token" },
	{ "auth_token", "token" },  { "access_token", "token" }, { "refresh_token", "token" },
};

static bool is_ident(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static bool ieq(const char *a, const char *b, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char x = (unsigned char)a[k], y = (unsigned char)b[k];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (x == '-')
			x = '_';
		if (x != y)
			return false;
	}
	return true;
}

static bool value_byte(unsigned char c, unsigned char quote)
{
	if (quote)
		return c != quote && c != '\n' && c != '[';
	/* '[' ends a value too: an earlier "[REDACTED:kind]" never becomes
	 * part of a longer value on a second pass */
	return c > ' ' && c != ',' && c != ';' && c != '&' && c != '"' && c != '\'' && c != '`' &&
	       c != '<' && c != '>' && c != ')' && c != '[' && c != ']' && c != '}' && c != 0x7f;
}

/* At a '=' or ':' (s[i]): is the key before it one of assign_words, and
 * which bytes after it are the value?  Looking back from the separator
 * lets the key's own bytes be scanned like any other text (a token inside
 * a key name is still found). */
static bool m_assign(const char *s, size_t len, size_t i, size_t *vs, size_t *ve,
		     const char **kindp)
{
	size_t k = i;
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k > 0 && (s[k - 1] == '"' || s[k - 1] == '\''))
		k--; /* "password": "x" in JSON */
	size_t ks = k;
	while (ks > 0 && is_ident((unsigned char)s[ks - 1]))
		ks--;
	if (ks == k)
		return false;
	const char *kind = NULL;
	for (size_t w = 0; w < sizeof assign_words / sizeof assign_words[0]; w++) {
		size_t n = strlen(assign_words[w].word);
		if (k - ks < n || !ieq(s + k - n, assign_words[w].word, n))
			continue;
		/* the word starts the key or follows a separator */
		size_t b = k - n;
		if (b != ks && s[b - 1] != '_' && s[b - 1] != '-' && s[b - 1] != '.')
			continue;
		kind = assign_words[w].kind;
		break;
	}
	if (!kind)
		return false;
	bool colon = s[i] == ':';
	size_t p = i + 1;
	if (p < len && (s[p] == '=' || (colon && s[p] == ':')))
		return false; /* "token == x" is a comparison, "a::b" a path */
	while (p < len && (s[p] == ' ' || s[p] == '\t'))
		p++;
	/* an earlier replacement: the caller keeps it as it is */
	size_t r = replacement_at(s, len, p);
	if (r) {
		*kindp = kind;
		*vs = p;
		*ve = p + r;
		return true;
	}
	unsigned char quote = 0;
	if (p < len && (s[p] == '"' || s[p] == '\'' || s[p] == '`'))
		quote = (unsigned char)s[p++];
	size_t q = p;
	while (q < len && value_byte((unsigned char)s[q], quote))
		q++;
	if (q == p)
		return false;
	if (quote && (q >= len || (unsigned char)s[q] != quote))
		return false;
	/* After ':' prose is common ("password: see the vault"): there, only a
	 * quoted value or one word of 8 bytes or more counts. */
	if (colon && !quote && q - p < 8)
		return false;
	*kindp = kind;
	*vs = p;
	*ve = q;
	return true;
}

static const struct ruru_redact_pattern patterns[] = {
	{ "private-key", "PEM/OpenSSH private key blocks (-----BEGIN ... PRIVATE KEY-----)" },
	{ "aws-access-key", "AWS access key IDs (AKIA..., ASIA..., 20 characters)" },
	{ "github-token", "GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)" },
	{ "gitlab-token", "GitLab tokens (glpat-, gldt-, glrt-, glptt-, gloas-)" },
	{ "slack-token", "Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xapp-) and webhook URLs" },
	{ "npm-token", "npm access tokens (npm_ and 36 characters)" },
	{ "anthropic-key", "Anthropic API keys (sk-ant-...)" },
	{ "openai-key", "OpenAI API keys (sk-proj-, sk-svcacct-, sk-admin-, sk-...)" },
	{ "jwt", "JSON Web Tokens (eyJ....eyJ....signature)" },
	{ "url-password", "the password of scheme://user:PASSWORD@host" },
	{ "password", "values of KEY=VALUE or KEY: VALUE where KEY ends in password, passwd, pwd, passphrase" },
	{ "secret", "... where KEY ends in secret, secret_key, api_key, apikey, access_key, private_key" },
	{ "token", "... where KEY ends in token, auth_token, access_token, refresh_token" },
	{ NULL, NULL },
};

static const matcher matchers[] = {
	m_private_key, m_aws, m_github, m_gitlab, m_slack, m_npm, m_anthropic, m_openai, m_jwt,
	/* url-password (m_url_password) and the assignments are tried at ':'
	 * and '=' by ruru_redact() itself */
};

const struct ruru_redact_pattern *ruru_redact_patterns(void)
{
	return patterns;
}

/* Characters that hide a secret from the matchers without changing what a
 * reader sees: zero-width and other invisible format characters, which
 * normalisation drops, and compatibility forms, which it folds to ASCII the
 * way NFKC does (fullwidth ASCII, the ideographic and other wide spaces,
 * mathematical alphanumeric letters and digits).  At s[i] (first byte
 * >= 0xC2): the fold, with *clen set to the character's length; FOLD_DROP
 * for a character that goes, FOLD_NONE for anything else. */
enum { FOLD_NONE = -1, FOLD_DROP = 0 };

static int fold_at(const char *s, size_t len, size_t i, size_t *clen)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t n = len - i, need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	if (p[0] < 0xC2 || p[0] > 0xF4 || n < need)
		return FOLD_NONE;
	unsigned long cp = p[0] & (0x7F >> need);
	for (size_t k = 1; k < need; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return FOLD_NONE;
		cp = cp << 6 | (p[k] & 0x3F);
	}
	*clen = need;
	if (cp == 0x00AD || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
		return FOLD_DROP;
	if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
	    cp == 0x3000)
		return ' ';
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return (int)(cp - 0xFF01 + 0x21);
	/* 13 alphabets of A-Z a-z (bold, italic, script, fraktur, sans,
	 * monospace, ...), then 5 sets of digits 0-9 */
	if (cp >= 0x1D400 && cp < 0x1D400 + 13 * 52) {
		int k = (int)((cp - 0x1D400) % 52);
		return k < 26 ? 'A' + k : 'a' + k - 26;
	}
	if (cp >= 0x1D7CE && cp <= 0x1D7FF)
		return '0' + (int)((cp - 0x1D7CE) % 10);
	return FOLD_NONE;
}

/* The text the matchers see and, for each of its bytes, where the
 * character it came from starts in the original (at[n] = the original's
 * length).  False when nothing folds: then the original is used as is. */
static bool normalise(const char *s, size_t len, struct ruru_buf *norm, size_t **atp)
{
	size_t i = 0, clen = 0;
	for (; i < len; i++)
		if ((unsigned char)s[i] >= 0xC2 && fold_at(s, len, i, &clen) != FOLD_NONE)
			break;
	if (i == len)
		return false;
	if (len >= SIZE_MAX / sizeof(size_t))
		abort();
	size_t *at = ruru_xmalloc((len + 1) * sizeof *at);
	ruru_buf_add(norm, s, i);
	for (size_t k = 0; k < i; k++)
		at[k] = k;
	while (i < len) {
		int f = (unsigned char)s[i] >= 0xC2 ? fold_at(s, len, i, &clen) : FOLD_NONE;
		if (f == FOLD_NONE) {
			at[norm->len] = i;
			ruru_buf_add(norm, s + i, 1);
			i++;
			continue;
		}
		if (f != FOLD_DROP) {
			char c = (char)f;
			at[norm->len] = i;
			ruru_buf_add(norm, &c, 1);
		}
		i += clen;
	}
	at[norm->len] = len;
	*atp = at;
	return true;
}

/* Where the byte n[j] of the normalised text came from: [start, end) of
 * its original character.  A byte copied as it was equals the original
 * byte; a folded one is ASCII where the original had a lead byte. */
static size_t orig_end(const char *orig, size_t olen, const char *n, const size_t *at, size_t j)
{
	size_t o = at[j], clen = 1;
	if (orig[o] != n[j])
		(void)fold_at(orig, olen, o, &clen);
	return o + clen;
}

size_t ruru_redact(struct ruru_buf *out, const char *orig, size_t olen)
{
	/* The matchers run on the normalised text; each match replaces the
	 * original bytes it covers, invisible characters inside included. */
	struct ruru_buf norm = RURU_BUF_INIT;
	size_t *at = NULL;
	bool folded = normalise(orig, olen, &norm, &at);
	const char *s = folded ? norm.ptr : orig;
	size_t len = folded ? norm.len : olen;
	size_t count = 0, copied = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t vs = 0, ve = 0;
		const char *kind = NULL;
		if (c == ':' && m_url_password(s, len, i, &vs, &ve)) {
			kind = "url-password";
		} else if (c == '=' || c == ':') {
			if (!m_assign(s, len, i, &vs, &ve, &kind)) {
				i++;
				continue;
			}
		} else if (!is_alnum(c) && c != '-') {
			i++;
			continue;
		}
		for (size_t m = 0; !kind && m < sizeof matchers / sizeof matchers[0]; m++)
			if (matchers[m](s, len, i, &vs, &ve))
				kind = patterns[m].kind;
		if (!kind) {
			/* skip the rest of this word: no token starts inside it */
			i++;
			while (i < len && is_alnum((unsigned char)s[i]))
				i++;
			continue;
		}
		/* A value that is already a replacement (an export of an export)
		 * stays as it is, so that redacting twice changes nothing. */
		if (replacement_at(s, len, vs) == ve - vs) {
			i = ve;
			continue;
		}
		size_t os = folded ? at[vs] : vs, oe = folded ? orig_end(orig, olen, s, at, ve - 1) : ve;
		ruru_buf_add(out, orig + copied, os - copied);
		ruru_buf_addf(out, "[REDACTED:%s]", kind);
		copied = oe;
		i = ve;
		count++;
	}
	ruru_buf_add(out, orig + copied, olen - copied);
	ruru_buf_release(&norm);
	free(at);
	return count;
}

size_t ruru_redact_json(json_t *v)
{
	size_t count = 0;
	if (json_is_string(v)) {
		struct ruru_buf b = RURU_BUF_INIT;
		count = ruru_redact(&b, json_string_value(v), json_string_length(v));
		if (count)
			json_string_setn(v, b.ptr, b.len);
		ruru_buf_release(&b);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
			count += ruru_redact_json(x);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			count += ruru_redact_json(x);
	}
	return count;
}
