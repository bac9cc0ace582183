/*
 * Enum <-> string tables: one table per enum, beside it, and one lookup
 * each way.  In the enum's .c file
 *
 *	TT_STRTAB(tt_thing, enum tt_thing, "unknown",
 *	    [TT_THING_A] = "a",
 *	    [TT_THING_B] = "b")
 *
 * defines tt_thing_name() (a value outside the table, or one the table
 * leaves out, gives the fallback) and tt_thing_from_name() (the value, or
 * -EINVAL for a name not in the table); the enum's header declares them.
 */
#ifndef TCPTUNE_STRTAB_H
#define TCPTUNE_STRTAB_H

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define TT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline const char *
tt_strtab_name(const char *const *tab, size_t n, size_t i, const char *fallback)
{
	return i < n && tab[i] != NULL ? tab[i] : fallback;
}

static inline int
tt_strtab_find(const char *const *tab, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (tab[i] != NULL && strcmp(tab[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define TT_STRTAB(prefix, type, fallback, ...)                                             \
	static const char *const prefix##_names[] = { __VA_ARGS__ };                       \
	const char *prefix##_name(type v)                                                  \
	{                                                                                  \
		return tt_strtab_name(                                                     \
		    prefix##_names, TT_ARRAY_SIZE(prefix##_names), (size_t)v, (fallback)); \
	}                                                                                  \
	int prefix##_from_name(const char *s)                                              \
	{                                                                                  \
		return tt_strtab_find(prefix##_names, TT_ARRAY_SIZE(prefix##_names), s);   \
	}

#endif
