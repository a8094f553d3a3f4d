#ifndef CAPACITA_CQRENCODE_SHIM_H
#define CAPACITA_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
