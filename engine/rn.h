/* rn: the run (rf_run in rosterflag.h). */
#ifndef RN_H
#define RN_H
#include "rosterflag.h"
#endif
