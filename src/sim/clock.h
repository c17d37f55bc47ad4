/* SPDX-License-Identifier: MIT */
/* The simulator's clock (clock.c): global multipliers in time and a host's
 * effective rate, shared by the fast engine, the telescope pass and the
 * per-probe mode. */
#ifndef WS_SIM_CLOCK_H
#define WS_SIM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"
#include "sim/trace.h"

/* Global multiplier of every host's probing at time t (seconds from the
 * start): the calendar, the expiry and the share of hosts switched on. */
double ws_sim_active(const struct ws_sim_scenario *sc, double t);
/* The factor on every infection rate at time t: the activity of the source
 * times the share of targets switched on. */
double ws_sim_infect_factor(const struct ws_sim_scenario *sc, double t);
/* Operational time: the integral of the infection factor over [0, t]. */
double ws_sim_op_time(const struct ws_sim_scenario *sc, double t);
/* The next time after t at which anything time-driven changes (calendar,
 * night, defence starts), or +inf. */
double ws_sim_next_break(const struct ws_sim_scenario *sc, double t);
/* A host's effective rate at time t from its class rate (throttling, tarpit). */
double ws_sim_host_rate(const struct ws_sim_scenario *sc, double class_rate, uint8_t hflag,
			double t);

/* The night-time switch-off's share of hosts on at time t (1 without it). */
double ws_sim_night_on(const struct ws_sim_scenario *sc, double t);
/* Whether a defence that starts start_h hours in (negative: never) is on at t. */
bool ws_sim_started(double start_h, double t);

#endif
