/* fuzz_transcript_codex.c — libFuzzer target for the codex transcript reader
 * and hook payloads (transcript.c, capture.c); see transcript_fuzz.h. */
#define FUZZ_HOST "codex"
#include "transcript_fuzz.h"
