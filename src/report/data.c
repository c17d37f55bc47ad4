/* SPDX-License-Identifier: MIT */
/* Frees what ws_store_report_data() filled. */
#include <stdlib.h>

#include "report/data.h"

void ws_report_data_free(struct ws_report_data *d)
{
	free(d->db_path);
	free(d->hours);
	for (size_t i = 0; i < d->n_curves; i++) {
		free(d->curves[i].t);
		free(d->curves[i].cum);
	}
	free(d->curves);
	free(d->top);
	free(d->top16);
	free(d->top8);
	free(d->status);
	for (size_t i = 0; i < d->n_inputs; i++) {
		free(d->inputs[i].name);
		free(d->inputs[i].format);
		free(d->inputs[i].sensor);
	}
	free(d->inputs);
	for (size_t i = 0; i < d->n_answers; i++) {
		free(d->answers[i].uri);
		free(d->answers[i].agent);
		free(d->answers[i].host);
	}
	free(d->answers);
	free(d->sensors);
	*d = (struct ws_report_data){0};
}
