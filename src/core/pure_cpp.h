// Included first by every src/core header: proves at compile time that the core stays free of
// PostgreSQL. PostgreSQL's headers #define printf, snprintf, qsort, Min, Max, ERROR and friends
// (CPP_IN_POSTGRES.md F6), which silently change what core code means; a core header that sees
// postgres.h would compile differently inside the module than in the unit tests.
#pragma once

#ifdef POSTGRES_H
#error "src/core must not see PostgreSQL headers: include core headers before postgres.h"
#endif
