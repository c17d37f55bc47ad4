/* SPDX-License-Identifier: MIT */
/* The simulator's clock (simulator core): the multipliers that time alone
 * sets (the worm's calendar, its expiry, the night-time switch-off, the start
 * of each defence) and a host's effective rate at an instant. The fast
 * engine, the telescope pass and the per-probe mode all read them here, so
 * all three switch at the same instants; none of them is called from here. */
#include <math.h>

#include "sim/clock.h"
#include "util/time.h"

double ws_sim_night_on(const struct ws_sim_scenario *sc, double t)
{
	if (sc->worm.night_off <= 0)
		return 1.0;
	double local = fmod((double)sc->start + t + sc->worm.night_utc_offset_h * 3600.0, 86400.0);
	if (local < 0)
		local += 86400.0;
	double h = local / 3600.0;
	return h >= 22.0 || h < 6.0 ? 1.0 - sc->worm.night_off : 1.0;
}

static double calendar_on(const struct ws_sim_scenario *sc, double t)
{
	double abs_t = (double)sc->start + t;
	if (sc->worm.expiry && abs_t >= (double)sc->worm.expiry)
		return 0.0;
	if (sc->worm.calendar == WS_SIM_CAL_CODE_RED) {
		int y, m, d;
		ws_civil_from_days((int64_t)floor(abs_t / 86400.0), &y, &m, &d);
		if (d > 19) /* 20-27 flood one address, 28-31 sleep: no spreading */
			return 0.0;
	}
	return 1.0;
}

double ws_sim_active(const struct ws_sim_scenario *sc, double t)
{
	return calendar_on(sc, t) * ws_sim_night_on(sc, t);
}

double ws_sim_infect_factor(const struct ws_sim_scenario *sc, double t)
{
	return ws_sim_active(sc, t) * ws_sim_night_on(sc, t);
}

double ws_sim_op_time(const struct ws_sim_scenario *sc, double t)
{
	double tau = 0;
	for (double a = 0; a < t;) {
		double nb = ws_sim_next_break(sc, a), e = nb < t ? nb : t;
		tau += ws_sim_infect_factor(sc, a) * (e - a);
		a = e;
	}
	return tau;
}

static void consider(double *best, double t, double cand)
{
	if (cand > t && cand < *best)
		*best = cand;
}

double ws_sim_next_break(const struct ws_sim_scenario *sc, double t)
{
	double best = INFINITY, abs_t = (double)sc->start + t;
	if (sc->worm.calendar != WS_SIM_CAL_NONE)
		consider(&best, t, (floor(abs_t / 86400.0) + 1) * 86400.0 - (double)sc->start);
	if (sc->worm.expiry)
		consider(&best, t, (double)sc->worm.expiry - (double)sc->start);
	if (sc->worm.night_off > 0) {
		double off = sc->worm.night_utc_offset_h * 3600.0;
		double day0 = floor((abs_t + off) / 86400.0) * 86400.0 - off - (double)sc->start;
		for (int k = 0; k < 2; k++) {
			consider(&best, t, day0 + k * 86400.0 + 6 * 3600.0);
			consider(&best, t, day0 + k * 86400.0 + 22 * 3600.0);
		}
	}
	const struct ws_sim_defence *d = &sc->def;
	double starts[] = {d->content_filter_start_h, d->blacklist_start_h, d->tarpit_start_h,
			   d->throttle_start_h, d->egress_start_h};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (starts[i] >= 0)
			consider(&best, t, starts[i] * 3600.0);
	return best;
}

bool ws_sim_started(double start_h, double t)
{
	return start_h >= 0 && t >= start_h * 3600.0;
}

double ws_sim_host_rate(const struct ws_sim_scenario *sc, double class_rate, uint8_t hflag,
			double t)
{
	const struct ws_sim_defence *d = &sc->def;
	double r = class_rate;
	if (hflag & WS_HF_CHINESE)
		r *= sc->worm.chinese_rate_factor;
	if (sc->worm.bandwidth_cap > 0 && r > sc->worm.bandwidth_cap)
		r = sc->worm.bandwidth_cap;
	/* LaBrea: a thread's probe lands in the tarpit with probability q and is
	 * held hold_s, so a thread's mean time per probe grows from T/r... to
	 * threads/r + q hold: the rate falls by 1 + q hold r / threads. */
	if (d->tarpit_share > 0 && ws_sim_started(d->tarpit_start_h, t)) {
		double threads = sc->worm.threads > 0 ? sc->worm.threads : 1.0;
		r /= 1.0 + d->tarpit_share * d->tarpit_hold_s * r / threads;
	}
	/* Williamson: new destinations are released at throttle_rate per second. */
	if ((hflag & WS_HF_THROTTLED) && d->throttle_rate > 0 && ws_sim_started(d->throttle_start_h, t) &&
	    r > d->throttle_rate)
		r = d->throttle_rate;
	return r;
}
