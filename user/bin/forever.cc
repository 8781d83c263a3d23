// exolab: lab 5
// user/bin/forever.cc: forever: never ends; gives the CPU away whenever
// it runs (a job for ps and kill to find).
#include "abi/domain.h"
#include "lib/libos.h"

int main() {
    for (;;) (void)sys_yield(YIELD_ANY);
}
