/*
 * words.h — library-internal: the rows of the vocabularies in words.c that
 * carry more than a word (a task type's template and team).
 */
#ifndef RURU_WORDS_H
#define RURU_WORDS_H

#include "ruru.h"

/* MDTM task types (templates 01-06 of V7), ended by a row of NULLs. */
struct ruru_task_type {
	const char *type, *template, *team;
};
extern const struct ruru_task_type ruru_task_types[];

#endif
