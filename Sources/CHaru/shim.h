#ifndef CAPACITA_CHARU_SHIM_H
#define CAPACITA_CHARU_SHIM_H
#include <hpdf.h>
#endif
