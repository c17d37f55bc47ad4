/* SPDX-License-Identifier: MIT */
#include "util/cores.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int ws_loadavg_running(const char *text)
{
	double a, b, c;
	int run, total;
	if (sscanf(text, "%lf %lf %lf %d/%d", &a, &b, &c, &run, &total) != 5 || run < 0 ||
	    total < run)
		return -1;
	return run;
}

static int usable_cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static int running_now(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	if (!f)
		return -1;
	char line[128];
	int r = fgets(line, sizeof(line), f) ? ws_loadavg_running(line) : -1;
	fclose(f);
	return r;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int ws_cores_free(void)
{
	int cores = usable_cores();
	int s[5];
	for (int i = 0; i < 5; i++) {
		if ((s[i] = running_now()) < 0)
			return cores;
		struct timespec ms = {0, 1000000};
		if (i < 4)
			nanosleep(&ms, NULL);
	}
	qsort(s, 5, sizeof(s[0]), cmp_int);
	int others = s[2] - 1; /* this thread is one of those running */
	int left = cores - (others > 0 ? others : 0);
	return left > 0 ? left : 0;
}
