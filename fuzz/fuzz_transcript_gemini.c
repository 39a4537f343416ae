/* fuzz_transcript_gemini.c — libFuzzer target for the gemini transcript reader
 * and hook payloads (transcript.c, capture.c); see transcript_fuzz.h. */
#define FUZZ_HOST "gemini"
#include "transcript_fuzz.h"
