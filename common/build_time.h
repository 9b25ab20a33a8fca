/*
 * build_time.h: when this build was made, as the Makefile gives it
 * (NVR_BUILD_TIME, seconds since the epoch): a wall clock showing less
 * is wrong, so what it says is not trusted (a request's lifetime, the
 * time of an event). Builds without it (the fuzzers') take the day the
 * protocol was written.
 */
#ifndef NVR_COMMON_BUILD_TIME_H
#define NVR_COMMON_BUILD_TIME_H

#ifndef NVR_BUILD_TIME
#define NVR_BUILD_TIME 1793491200	/* 2026-11-01: no clock shows less */
#endif

#endif
