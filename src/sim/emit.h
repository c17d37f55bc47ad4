/* SPDX-License-Identifier: MIT */
/* Files drawn from a finished run's trace: the capture of the telescopes
 * (emitpcap.c) and a server's access log (emitlog.c). */
#ifndef WS_SIM_EMIT_H
#define WS_SIM_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "sim/trace.h"

/* simulate --emit-pcap for one run (o->pcap set): draws the probes into
 * every telescope and writes them into o->pcap, or refuses (o->pcap_err)
 * when more than o->pcap_max packets are expected at o->pcap_sample. */
int ws_sim_run_pcap(const struct ws_sim_trace *tr, uint64_t seed, const struct ws_sim_outputs *o);

/* Formats the access log of a server of kind `kind` ("apache", "iis") from
 * its probes (sorted here), after a first line header. */
void ws_sim_emit_log(const struct ws_sim_scenario *sc, const char *header, const char *kind,
		     struct ws_sim_probe *v, size_t n, struct ws_buf *out);

#endif
