#ifndef CAPACITA_CCURL_SHIM_H
#define CAPACITA_CCURL_SHIM_H
#include <curl/curl.h>
#endif
