/* sql_name.c: plain SQL names from the config (sql_name.h). */
#include "backends/accounts/sql_name.h"

#include <string.h>

bool
sql_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SQL_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_';

		if (!letter && (i == 0 || c < '0' || c > '9'))
			return false;
	}
	return true;
}

bool
sql_name_set(const struct config_section *settings, const char *key,
    const char *fallback, char *out)
{
	const char *name = config_section_string(settings, key);

	if (name == NULL)
		name = fallback;
	out[0] = '\0';
	if (name == NULL)
		return true;
	if (!sql_name_ok(name)) {
		config_section_error(settings, key, "must be a plain SQL name "
		    "(a letter or _, then letters, digits or _, at most %d), "
		    "not '%s'", SQL_NAME_MAX, name);
		return false;
	}
	memcpy(out, name, strlen(name) + 1);
	return true;
}
