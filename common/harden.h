/*
 * harden.h: what both programs do first, before reading anything: make
 * sure descriptors 0-2 are open (so the next open cannot become one of
 * them), turn core dumps off (a dump could hold passwords or key sets),
 * set umask 077 and close descriptors inherited from whoever started us.
 */
#ifndef NVR_COMMON_HARDEN_H
#define NVR_COMMON_HARDEN_H

/* Exits with FAIL_CODE if descriptors 0-2 cannot be made safe. */
void harden_process(int fail_code);

#endif
