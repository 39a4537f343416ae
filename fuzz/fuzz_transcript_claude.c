/* fuzz_transcript_claude.c — libFuzzer target for the claude transcript reader
 * and hook payloads (transcript.c, capture.c); see transcript_fuzz.h. */
#define FUZZ_HOST "claude"
#include "transcript_fuzz.h"
