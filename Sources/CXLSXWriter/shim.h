#ifndef CAPACITA_CXLSXWRITER_SHIM_H
#define CAPACITA_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
