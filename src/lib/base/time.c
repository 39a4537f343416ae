/*
 * time.c — timestamps and calendar arithmetic: reading the stamps people
 * and tools write in session logs, and formatting the two forms ruru writes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ruru.h"
#include "timestamp.h"
#include "banned.h"

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

/* ------------------------------------------------------------- timestamps */

/* Read exactly n digits at s[i]. */
static bool num(const char *s, size_t len, size_t i, int n, int *out)
{
	if (i + (size_t)n > len)
		return false;
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (!is_digit((unsigned char)s[i + k]))
			return false;
		v = v * 10 + (s[i + k] - '0');
	}
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): timegm() would do, at ten times the cost, once per
 * session in `ruru list`. */
static time_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const long era = (y >= 0 ? y : y - 399) / 400;
	const long yoe = y - era * 400;
	const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (time_t)(era * 146097 + doe - 719468);
}

time_t time_from_civil(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * 86400 + (time_t)h * 3600 + (time_t)mi * 60 + s;
}

time_t time_from_toml(const struct ruru_toml_datetime *dt, enum ruru_toml_kind kind)
{
	time_t t = time_from_civil(dt->year, dt->month, dt->day, dt->hour, dt->minute, dt->second);
	return kind == RURU_TOML_DATETIME ? t - (time_t)dt->offset_minutes * 60 : t;
}

static bool make_time(int y, int mo, int d, int h, int mi, int s, int off_min, time_t *out)
{
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || s > 60)
		return false;
	*out = time_from_civil(y, mo, d, h, mi, s) - (time_t)off_min * 60;
	return true;
}

/* Zone abbreviations seen in logs or likely from the people who write them.
 * Ambiguous ones (IST, CST in Asia) take their most common meaning. */
static const struct {
	const char *name;
	int minutes;
} zone_names[] = {
	{ "UTC", 0 },    { "GMT", 0 },     { "UT", 0 },      { "WET", 0 },
	{ "WEST", 60 },  { "BST", 60 },    { "CET", 60 },    { "CEST", 120 },
	{ "EET", 120 },  { "EEST", 180 },  { "MSK", 180 },   { "ICT", 420 },
	{ "WIB", 420 },  { "SGT", 480 },   { "HKT", 480 },   { "AWST", 480 },
	{ "JST", 540 },  { "KST", 540 },   { "ACST", 570 },  { "AEST", 600 },
	{ "ACDT", 630 }, { "AEDT", 660 },  { "NZST", 720 },  { "NZDT", 780 },
	{ "EST", -300 }, { "EDT", -240 },  { "CST", -360 },  { "CDT", -300 },
	{ "MST", -420 }, { "MDT", -360 },  { "PST", -480 },  { "PDT", -420 },
};

/* A zone at s[i]: Z, ±HH:MM, ±HHMM, ±HH, or (after at most one space) a
 * known abbreviation.  Returns the bytes used, 0 when there is none. */
static size_t scan_zone(const char *s, size_t len, size_t i, int *off_min)
{
	if (i < len && (s[i] == 'Z' || s[i] == 'z') && (i + 1 == len || !is_alpha((unsigned char)s[i + 1]))) {
		*off_min = 0;
		return 1;
	}
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1, h, m = 0;
		size_t k = i + 1;
		if (num(s, len, k, 2, &h)) {
			k += 2;
			if (k < len && s[k] == ':' && num(s, len, k + 1, 2, &m))
				k += 3;
			else if (num(s, len, k, 2, &m))
				k += 2;
			if ((k == len || !is_digit((unsigned char)s[k])) && h <= 23 && m <= 59) {
				*off_min = sign * (h * 60 + m);
				return k - i;
			}
		}
		return 0;
	}
	size_t k = i;
	if (k < len && s[k] == ' ')
		k++;
	size_t w = k;
	while (w < len && is_upper((unsigned char)s[w]))
		w++;
	if (w - k < 2 || w - k > 4 || (w < len && is_alpha((unsigned char)s[w])))
		return 0;
	for (size_t z = 0; z < sizeof(zone_names) / sizeof(zone_names[0]); z++)
		if (strlen(zone_names[z].name) == w - k && memcmp(s + k, zone_names[z].name, w - k) == 0) {
			*off_min = zone_names[z].minutes;
			return w - i;
		}
	return 0;
}

/* Compact stamps: YYMMDDHHMMSS, YYYYMMDDHHMMSS, YYMMDDHHMM, YYYYMMDD-HHMMSS,
 * YYYYMMDD-HHMM, YYYYMMDDTHHMMSS, optionally followed by a zone. */
static size_t scan_compact(const char *s, size_t len, struct stamp *st)
{
	size_t n = 0;
	while (n < len && is_digit((unsigned char)s[n]))
		n++;
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, off = 0;
	size_t used = n;
	bool ok = false, secs = false;
	if (n == 8 && n + 1 < len && (s[8] == '-' || s[8] == 'T' || s[8] == '_')) {
		size_t m = 9;
		while (m < len && is_digit((unsigned char)s[m]))
			m++;
		if ((m - 9 == 6 || m - 9 == 4) && num(s, len, 0, 4, &y) && num(s, len, 4, 2, &mo) &&
		    num(s, len, 6, 2, &d) && num(s, len, 9, 2, &h) && num(s, len, 11, 2, &mi)) {
			secs = m - 9 == 6;
			if (secs)
				num(s, len, 13, 2, &sec);
			used = m;
			ok = make_time(y, mo, d, h, mi, sec, 0, &st->when);
		}
	} else if (n == 14) {
		ok = num(s, len, 0, 4, &y) && num(s, len, 4, 2, &mo) && num(s, len, 6, 2, &d) &&
		     num(s, len, 8, 2, &h) && num(s, len, 10, 2, &mi) && num(s, len, 12, 2, &sec) &&
		     make_time(y, mo, d, h, mi, sec, 0, &st->when);
		secs = true;
	} else if (n == 12) {
		/* YYMMDDHHMMSS (the corpus) first; YYYYMMDDHHMM (session IDs) when
		 * that reading is not a valid date. */
		num(s, len, 0, 2, &y);
		num(s, len, 2, 2, &mo);
		num(s, len, 4, 2, &d);
		num(s, len, 6, 2, &h);
		num(s, len, 8, 2, &mi);
		num(s, len, 10, 2, &sec);
		ok = make_time(2000 + y, mo, d, h, mi, sec, 0, &st->when);
		secs = ok;
		if (!ok) {
			num(s, len, 0, 4, &y);
			num(s, len, 4, 2, &mo);
			num(s, len, 6, 2, &d);
			num(s, len, 8, 2, &h);
			num(s, len, 10, 2, &mi);
			ok = make_time(y, mo, d, h, mi, 0, 0, &st->when);
		}
	} else if (n == 10) {
		ok = num(s, len, 0, 2, &y) && num(s, len, 2, 2, &mo) && num(s, len, 4, 2, &d) &&
		     num(s, len, 6, 2, &h) && num(s, len, 8, 2, &mi) &&
		     make_time(2000 + y, mo, d, h, mi, 0, 0, &st->when);
	}
	if (!ok)
		return 0;
	st->has_seconds = secs;
	st->has_zone = false;
	size_t z = scan_zone(s, len, used, &off);
	if (z && s[used] != ' ') {
		st->when -= (time_t)off * 60;
		st->has_zone = true;
		used += z;
	}
	return used;
}

/*
 * Scan a timestamp at the start of s: "YYYY-MM-DD", then 'T', 't', ' ' or
 * '_', "HH:MM", optional ":SS" and fraction, optional zone.  With `compact`,
 * the all-digit forms too.  Returns the bytes used, 0 when there is no stamp.
 */
size_t scan_stamp(const char *s, size_t len, bool compact, struct stamp *st)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, off = 0;
	memset(st, 0, sizeof(*st));
	if (!(num(s, len, 0, 4, &y) && len > 4 && s[4] == '-'))
		return compact ? scan_compact(s, len, st) : 0;
	if (!(num(s, len, 5, 2, &mo) && len > 7 && s[7] == '-' && num(s, len, 8, 2, &d)))
		return 0;
	if (!(len > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ' || s[10] == '_')))
		return 0;
	if (!(num(s, len, 11, 2, &h) && len > 13 && s[13] == ':' && num(s, len, 14, 2, &mi)))
		return 0;
	size_t i = 16;
	if (i + 2 < len && s[i] == ':' && num(s, len, i + 1, 2, &sec)) {
		st->has_seconds = true;
		i += 3;
		if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit((unsigned char)s[i + 1])) {
			i++;
			while (i < len && is_digit((unsigned char)s[i]))
				i++;
		}
	}
	if (i < len && is_digit((unsigned char)s[i]))
		return 0;
	size_t z = scan_zone(s, len, i, &off);
	if (z) {
		st->has_zone = true;
		i += z;
	}
	if (!make_time(y, mo, d, h, mi, sec, off, &st->when))
		return 0;
	return i;
}

bool ruru_time_parse(const char *s, size_t len, time_t *when, bool *has_zone)
{
	if (!s)
		return false;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	struct stamp st;
	size_t n = scan_stamp(s, len, true, &st);
	if (!n || n != len)
		return false;
	if (when)
		*when = st.when;
	if (has_zone)
		*has_zone = st.has_zone;
	return true;
}

/* Both formats differ only in the separator.  Years outside 0..9999 are
 * clamped: no log stamp is that far away, and the width must be bounded. */
/* UTC calendar fields of an instant, proleptic Gregorian (Howard
 * Hinnant's civil_from_days); no gmtime_r, whose time zone lock and
 * normalisation `ruru list` would pay once per session. */
static void civil_fields(time_t t, unsigned f[6])
{
	long long days = (long long)t / 86400, secs = (long long)t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	long long era = (days >= 0 ? days : days - 146096) / 146097;
	long long doe = days - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1;
	long long m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);
	f[0] = y < 0 ? 0u : y > 9999 ? 9999u : (unsigned)y;
	f[1] = (unsigned)m;
	f[2] = (unsigned)d;
	f[3] = (unsigned)(secs / 3600);
	f[4] = (unsigned)(secs / 60 % 60);
	f[5] = (unsigned)(secs % 60);
}

static void format_time(time_t t, char sep, char out[32])
{
	/* By hand, not snprintf: `ruru list` formats one per session. */
	unsigned f[6];
	civil_fields(t, f);
	char *p = out;
	*p++ = (char)('0' + f[0] / 1000);
	*p++ = (char)('0' + f[0] / 100 % 10);
	for (int i = 0; i < 6; i++) {
		*p++ = (char)('0' + f[i] / 10 % 10);
		*p++ = (char)('0' + f[i] % 10);
		*p++ = "--" "\0::Z"[i];
	}
	out[10] = sep;
	*p = '\0';
}

void ruru_time_format_entry(time_t t, char out[32])
{
	format_time(t, ' ', out);
}

void ruru_time_format_rfc3339(time_t t, char out[32])
{
	format_time(t, 'T', out);
}

void ruru_time_format_like(struct ruru_buf *out, time_t t, const char *like, size_t n)
{
	/* The shape of `like`: date, separator, seconds, fraction, zone. */
	bool date_only = n <= 10;
	char sep = n > 10 ? like[10] : 'T';
	size_t i = 16, frac = 0;
	bool secs = n >= 19 && like[16] == ':';
	if (secs)
		i = 19;
	if (secs && i < n && (like[i] == '.' || like[i] == ',')) {
		i++;
		while (i < n && like[i] >= '0' && like[i] <= '9') {
			frac++;
			i++;
		}
	}
	const char *zone = i < n ? like + i : "";
	size_t zl = i < n ? n - i : 0;
	long off = 0;
	bool zulu = zl && (zone[0] == 'Z' || zone[0] == 'z');
	bool offset = zl >= 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':';
	if (offset)
		off = (zone[0] == '-' ? -1 : 1) *
		      (((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600L +
		       ((zone[4] - '0') * 10 + (zone[5] - '0')) * 60L);
	time_t local = t + off;
	struct tm tm;
	gmtime_r(&local, &tm);
	ruru_buf_addf(out, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (date_only)
		return;
	ruru_buf_addf(out, "%c%02d:%02d", sep, tm.tm_hour, tm.tm_min);
	if (secs)
		ruru_buf_addf(out, ":%02d", tm.tm_sec);
	if (frac) {
		ruru_buf_addch(out, '.');
		for (size_t k = 0; k < frac; k++)
			ruru_buf_addch(out, '0');
	}
	if (zulu)
		ruru_buf_addch(out, zone[0]);
	else if (offset)
		ruru_buf_add(out, zone, 6);
}
