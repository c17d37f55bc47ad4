/* SPDX-License-Identifier: MIT */
/* The HTML report: one self-contained page (inline CSS and SVG, no script,
 * no external resource, a Content-Security-Policy that forbids them) built
 * from struct ws_report_data. Every string from a log is escaped. */
#ifndef WS_REPORT_HTML_H
#define WS_REPORT_HTML_H

#include <stdint.h>

#include "report/data.h"
#include "util/mem.h"

struct ws_report_opts {
	const char *title;    /* page heading; NULL = "wormscope report"; escaped */
	int64_t generated_at; /* UTC seconds shown in the header; negative = not shown */
	/* The "Outbreak estimate" section (estimate --db on the store's default
	 * view): its chart (SVG written by src/estimate/plot.c) and text, or why
	 * there is none. All NULL: the section says the estimate was not run.
	 * The text and reason are escaped here; the SVG is inserted as is. */
	const char *estimate_svg, *estimate_text, *estimate_why;
};

/* Appends the whole page to out. Cannot fail (running out of memory aborts);
 * d is borrowed and may be empty (a store with no sightings). */
void ws_report_html(struct ws_buf *out, const struct ws_report_data *d,
		    const struct ws_report_opts *o);

/* The stylesheet's CSP source ("'sha256-...'"), for tests: static. */
const char *ws_report_style_hash(void);

#endif
