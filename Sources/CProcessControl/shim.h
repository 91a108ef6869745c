#ifndef CPROCESSCONTROL_SHIM_H
#define CPROCESSCONTROL_SHIM_H
/* prctl(2) is variadic, which Swift cannot call: PR_SET_PDEATHSIG wrapped. Linux only;
   elsewhere it reports failure (-1) and the caller goes without. */
#if defined(__linux__)
#include <sys/prctl.h>
#include <signal.h>
static inline int cprocess_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0); }
#else
static inline int cprocess_set_parent_death_signal(int signal) { (void)signal; return -1; }
#endif
#endif
