#ifndef RECONCILE_CYAML_SHIM_H
#define RECONCILE_CYAML_SHIM_H
#include <yaml.h>
#endif
