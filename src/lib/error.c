/*
 * error.c — the error record every library function fills instead of
 * printing.  Front ends format it as "FILE:LINE:COL: message".
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
}

int ruru_error_set(struct ruru_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	err->code = code;
	err->line = err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void ruru_error_set_file(struct ruru_error *err, const char *file)
{
	if (err)
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
}

void ruru_error_format(const struct ruru_error *err, char *buf, size_t size)
{
	if (err->file[0] && err->line)
		snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->msg);
	else if (err->line)
		snprintf(buf, size, "%d:%d: %s", err->line, err->col, err->msg);
	else
		snprintf(buf, size, "%s", err->msg);
}
