#ifndef CAPACITA_CLIBPQ_SHIM_H
#define CAPACITA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
