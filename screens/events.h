/*
 * events.h: "Recent recovery events", the main menu's view of the event
 * log (backends/audit.h): the newest events first, each with its time,
 * console, account and what happened in plain words; Enter shows all
 * that one line says. Events not checked yet are counted on the main
 * menu at every start until someone proves the administrator's password
 * here (c), not by just opening the list: there is no login at the main
 * menu, so whoever caused them could open it too.
 */
#ifndef NVR_SCREENS_EVENTS_H
#define NVR_SCREENS_EVENTS_H

#include <stddef.h>

#include "backends/audit.h"
#include "screens/screen.h"

extern const struct screen_class events_screen;

/* The main menu's line for events not checked yet ("2 failed tries for
 * admin since the last check (6: Recent recovery events)."), or "". */
void events_unread_line(const struct audit_unread *u, char *out,
    size_t size);

#endif
