/* TEMPORARY stubs, replaced by w3c.c iis.c json.c error.c custom.c */
#include "logfmt/logfmt.h"
int ws_parse_json(const char *line, size_t n, struct ws_request *req, struct ws_buf *scratch)
{ (void)scratch; (void)line; (void)n; ws_request_reset(req); return WS_PARSE_BAD; }
int ws_parse_custom(const struct ws_custom *c, const char *line, size_t n, struct ws_request *req)
{ (void)c; (void)line; (void)n; ws_request_reset(req); return WS_PARSE_BAD; }
struct ws_custom *ws_custom_compile(const char *spec, struct ws_err *err)
{ (void)spec; return ws_err_set(err, WS_EUSAGE, "custom formats not yet"), (struct ws_custom *)0; }
void ws_custom_free(struct ws_custom *c) { (void)c; }
