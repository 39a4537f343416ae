/*
 * error.c — the error record every library function fills instead of
 * printing.  Front ends format it as "FILE:LINE:COL: message" and word the
 * structured hint (argument, next step) in their own terms.  The lowest
 * file of the library: it calls nothing of it (ruru_error_format, which
 * writes into a buffer, is in buf.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ruru.h"
#include "banned.h"

void ruru_error_clear(struct ruru_error *err)
{
	if (!err)
		return;
	err->code = RURU_OK;
	err->line = err->col = 0;
	err->file[0] = '\0';
	err->msg[0] = '\0';
	err->arg = NULL;
	err->hint = RURU_HINT_NONE;
	err->subject[0] = '\0';
}

int ruru_error_set(struct ruru_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	err->code = code;
	err->line = err->col = 0;
	err->arg = NULL;
	err->hint = RURU_HINT_NONE;
	err->subject[0] = '\0';
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(err->msg)) {
		/* Too long for the record: say it was cut, at a character
		 * boundary (a path of PATH_MAX bytes can get here). */
		size_t at = sizeof(err->msg) - 4;
		while (at > 0 && ((unsigned char)err->msg[at] & 0xC0) == 0x80)
			at--;
		memcpy(err->msg + at, "...", 4);
	}
	return -1;
}

int ruru_error_hint(struct ruru_error *err, const char *arg, enum ruru_hint hint,
		    const char *subject)
{
	if (!err)
		return -1;
	err->arg = arg;
	err->hint = hint;
	snprintf(err->subject, sizeof(err->subject), "%s", subject ? subject : "");
	return -1;
}

void ruru_error_set_file(struct ruru_error *err, const char *file)
{
	if (err)
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
}
