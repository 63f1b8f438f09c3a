/*
 * published-info: fetches what the manufacturer publishes for consumers and
 * checks that it is reachable without restriction and says what it must
 * (TS 103 701 5.2-1-2 and 5.3-13-2; UK PSTI Sch.1 paras 2 and 3).  Parameter
 * `page` picks which: the vulnerability disclosure policy (a contact, a
 * timescale for acknowledging a report and one for status updates) or the
 * support period (an end date or a period, not in the past, matching the
 * end date the DUT profile states).  The URL comes from the DUT profile's
 * `user-info:` (IXIT 2-UserInfo); for the policy, the device's own
 * /.well-known/security.txt (RFC 9116) on each of its HTTP(S) services is
 * read too, judged, and its Policy URL used when the profile gives none.
 * The probe records; the case's expectations decide.  Judging is in
 * published_judge.c, fetching in net/fetch.c.
 */
#include "core/probe.h"

#include "core/util.h"
#include "net/fetch.h"
#include "net/sock.h"
#include "probes/published_judge.h"
#include "proto/html_login.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SECTXT_CAP (64u * 1024)	/* RFC 9116 files are a few hundred bytes */
#define SECTXT_PATH "/.well-known/security.txt"

static const param_spec_t params[] = {
	{ "page", VT_STR, NULL, false,
	  "which publication: vulnerability-disclosure or support-period" },
	{ "read-timeout", VT_INT, "10000", true,
	  "milliseconds allowed for each fetch, redirects included" },
	{ "security-txt", VT_BOOL, "true", true,
	  "vulnerability-disclosure: also read /.well-known/security.txt on the device's HTTP(S) services" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "url", VT_STR, "the URL fetched (empty when none was known)" },
	{ "url_source", VT_STR, "where it came from: dut-profile, security.txt or none" },
	{ "reachable", VT_BOOL, "the page answered 2xx with content, without a login" },
	{ "requires_login", VT_BOOL, "the page asked for a login (401/403/407, WWW-Authenticate, a login form or a redirect to one)" },
	{ "http_status", VT_INT, "status of the final response, 0 when none" },
	{ "final_url", VT_STR, "the URL of the final response, after redirects" },
	{ "redirects", VT_LIST, "each redirect hop, as \"302 URL -> URL\"" },
	{ "truncated", VT_BOOL, "the page was larger than 1 MiB and judged from its first 1 MiB" },
	{ "tls_problem", VT_BOOL, "a certificate of the page (or of a security.txt) failed verification" },
	{ "tls_problems", VT_LIST, "the certificate problems, with the URL" },
	{ "has_contact", VT_BOOL, "the page names a point of contact (e-mail, phone, contact URL)" },
	{ "contact", VT_STR, "the contact found" },
	{ "has_ack_timeline", VT_BOOL, "the page gives a timescale for acknowledging a report" },
	{ "ack_timeline", VT_STR, "the sentence giving it" },
	{ "has_status_timeline", VT_BOOL, "the page gives a timescale for status updates until resolution" },
	{ "status_timeline", VT_STR, "the sentence giving it" },
	{ "support_end", VT_STR, "the end of the support period the page states, YYYY-MM-DD (empty: none)" },
	{ "support_period", VT_STR, "a period the page states instead (\"5 years from the date of purchase\")" },
	{ "support_stated", VT_BOOL, "the page states an end date or a period" },
	{ "support_end_past", VT_BOOL, "the stated end date is before today" },
	{ "support_end_declared", VT_STR, "the end date the DUT profile states (support-period-end)" },
	{ "support_end_consistent", VT_BOOL, "the page states the declared end date (true when none is declared)" },
	{ "securitytxt_found", VT_BOOL, "a security.txt was served by one of the device's HTTP(S) services" },
	{ "securitytxt_urls", VT_LIST, "where security.txt files were found" },
	{ "securitytxt_signed", VT_BOOL, "a security.txt found is OpenPGP cleartext-signed" },
	{ "securitytxt_policy", VT_STR, "the Policy URL of the security.txt used" },
	{ "securitytxt_problems", VT_LIST, "what makes a security.txt found (or declared and missing) not conform to RFC 9116" },
	{ "unexamined", VT_LIST, "what could not be fetched, with the reason" },
	{ NULL, 0, NULL },
};

enum page { PAGE_DISCLOSURE, PAGE_SUPPORT };

typedef struct pub {
	probe_ctx_t *ctx;
	enum page page;
	unsigned read_ms;
	int64_t now;
	char *sectxt_policy;	/* owned: the first Policy of a valid security.txt */
	char *sectxt_url;	/* owned: a security.txt found, without Policy */
	unsigned char *sectxt_body;
	size_t sectxt_len;
	bool tls_problem;
} pub_t;

static fetch_result_t *
fetch(pub_t *p, const char *url, size_t cap, bool on_device)
{
	uint64_t dl = mono_ms() + p->read_ms;
	fetch_opts_t o = { .deadline_ms = deadline_min(dl, p->ctx->deadline_ms), .body_cap = cap,
	                   .cancel = p->ctx->cancel, .no_proxy = on_device };
	fetch_result_t *r = fetch_url(url, &o);
	evidence_t *ev = p->ctx->ev;
	/* The connection, so the capture can be cut to this case. */
	flow_t f = { .ipproto = IPPROTO_TCP };
	if (inet_pton(AF_INET, r->remote_ip, f.remote) == 1 &&
	    inet_pton(AF_INET, r->local_ip, f.local) == 1)
		f.family = AF_INET;
	else if (inet_pton(AF_INET6, r->remote_ip, f.remote) == 1 &&
	    inet_pton(AF_INET6, r->local_ip, f.local) == 1)
		f.family = AF_INET6;
	if (f.family && r->remote_port > 0 && r->local_port > 0) {
		f.lport = (uint16_t)r->local_port;
		f.rport = (uint16_t)r->remote_port;
		ev_add_flow(ev, &f);
	}
	char line[2400];
	snprintf(line, sizeof(line), "GET %s -> %s\n", url, r->error);
	if (r->responded)
		snprintf(line, sizeof(line), "GET %s -> HTTP %ld, %zu bytes%s (%s)\n", url, r->status,
		    r->body_len, r->truncated ? ", truncated" : "", r->final_url);
	ev_transcript(ev, "#", line, strlen(line));
	if (r->body_len)
		ev_transcript(ev, "<", r->body, r->body_len < 4096 ? r->body_len : 4096);
	if (r->tls_problem) {
		p->tls_problem = true;
		ev_list_push(ev, "tls_problems", r->tls_error);
		finding_t *fd = ev_finding(ev, "published-tls-problem", NULL, NULL, 0,
		    "certificate verification failed for %s; fetched without verification to see "
		    "the content", r->tls_error);
		finding_attr(fd, "url", "%s", url);
		finding_attr(fd, "value", "%s", r->tls_error);
		/* The page is judged by its content; the certificate is told. */
		finding_attr(fd, "severity", "note");
	}
	return r;
}

/* "http://ADDR:PORT" of a service, IPv6 in brackets with its scope escaped. */
static char *
svc_url(const service_t *s, const char *path)
{
	const char *scheme = strcmp(s->protocol, "https") == 0 || s->tls ? "https" : "http";
	const char *a = s->addr ? s->addr->text : "";
	if (strchr(a, ':') == NULL)
		return xasprintf("%s://%s:%d%s", scheme, a, s->port, path);
	char host[160];
	size_t o = 0;
	for (const char *c = a; *c && o + 4 < sizeof(host); c++) {
		if (*c == '%') {
			memcpy(host + o, "%25", 3);
			o += 3;
		} else {
			host[o++] = *c;
		}
	}
	host[o] = '\0';
	return xasprintf("%s://[%s]:%d%s", scheme, host, s->port, path);
}

static void
one_sectxt(pub_t *p, const service_t *s)
{
	evidence_t *ev = p->ctx->ev;
	char *url = svc_url(s, SECTXT_PATH);
	fetch_result_t *r = fetch(p, url, SECTXT_CAP, true);
	if (!r->responded) {
		char *item = xasprintf("%s: %s", url, r->error);
		ev_list_push(ev, "unexamined", item);
		free(item);
	} else if (r->status == 200 && r->truncated) {
		/* A huge "security.txt" is a hostile answer, not a file to judge. */
		char *item = xasprintf("%s: more than %u KiB, not read", url, SECTXT_CAP / 1024);
		ev_list_push(ev, "unexamined", item);
		free(item);
	} else if (r->status == 200) {
		pj_sectxt_t st;
		pj_sectxt_parse(r->body, r->body_len, p->now, &st);
		ev_set_bool(ev, "securitytxt_found", true);
		ev_list_push(ev, "securitytxt_urls", r->final_url);
		if (st.signed_pgp)
			ev_set_bool(ev, "securitytxt_signed", true);
		for (size_t i = 0; i < st.problems.n; i++) {
			char *item = xasprintf("%s: %s", r->final_url, st.problems.v[i]);
			ev_list_push(ev, "securitytxt_problems", item);
			free(item);
		}
		char *contacts = strlist_join(&st.contacts, ", ");
		finding_t *f = ev_finding(ev, "security-txt", s->transport, s->protocol, s->port,
		    "%s serves security.txt%s: Contact %s; Expires %s%s%s", url,
		    st.signed_pgp ? " (OpenPGP signed)" : "", contacts[0] ? contacts : "(none)",
		    st.expires ? st.expires : "(none)", st.problems.n ? "; problems: " : "",
		    st.problems.n ? st.problems.v[0] : "");
		finding_attr(f, "url", "%s", r->final_url);
		finding_attr(f, "path", "%s", SECTXT_PATH);
		finding_attr(f, "signed", "%s", st.signed_pgp ? "true" : "false");
		finding_attr(f, "problems", "%zu", st.problems.n);
		if (st.problems.n == 0)
			finding_attr(f, "severity", "note");
		free(contacts);
		if (st.problems.n == 0 && p->sectxt_policy == NULL) {
			for (size_t i = 0; i < st.policies.n && p->sectxt_policy == NULL; i++)
				if (fetch_url_ok(st.policies.v[i]))
					p->sectxt_policy = xstrdup(st.policies.v[i]);
		}
		if (p->sectxt_url == NULL) {
			p->sectxt_url = xstrdup(r->final_url);
			p->sectxt_body = xcalloc(1, r->body_len + 1);
			memcpy(p->sectxt_body, r->body, r->body_len);
			p->sectxt_len = r->body_len;
		}
		pj_sectxt_clear(&st);
	}
	fetch_result_free(r);
	free(url);
}

static void
sectxt_all(pub_t *p)
{
	const target_t *t = p->ctx->target;
	for (size_t i = 0; t && i < t->n_svcs; i++) {
		const service_t *s = &t->svcs[i];
		if (strcmp(s->transport, "tcp") != 0 ||
		    (strcmp(s->protocol, "http") != 0 && strcmp(s->protocol, "https") != 0))
			continue;
		if ((p->ctx->cancel && *p->ctx->cancel) || mono_ms() >= p->ctx->deadline_ms)
			break;
		one_sectxt(p, s);
	}
	const dut_t *d = p->ctx->dut;
	const value_t *found = ev_get(p->ctx->ev, "securitytxt_found");
	if (d && d->userinfo && d->userinfo->security_txt == 1 && !(found && found->b)) {
		const value_t *un = ev_get(p->ctx->ev, "unexamined");
		/* A service that could not be asked proves nothing missing. */
		if (un == NULL || un->n_items == 0)
			ev_list_push(p->ctx->ev, "securitytxt_problems",
			    "the DUT profile says the device serves " SECTXT_PATH
			    ", but none of its HTTP(S) services does");
	}
	if (p->sectxt_policy)
		ev_set_str(p->ctx->ev, "securitytxt_policy", p->sectxt_policy);
}

/* Is url's host one of the target's addresses?  Then no proxy is used. */
static bool
on_target(const target_t *t, const char *url)
{
	const char *h = strstr(url, "://");
	if (t == NULL || h == NULL)
		return false;
	h += 3;
	bool br = *h == '[';
	h += br;
	for (size_t i = 0; i < t->n_addrs; i++) {
		const char *a = t->addrs[i].text;
		size_t n = strcspn(a, "%");	/* a scope is written %25 in a URL */
		if (strncasecmp(h, a, n) == 0 && strchr(br ? "]%" : ":/?#", h[n]) && h[n] != '\0')
			return true;
		if (!br && strncasecmp(h, a, n) == 0 && h[n] == '\0')
			return true;
	}
	return false;
}

static bool
login_url(const char *url)
{
	static const char *const words[] = { "login", "log-in", "signin", "sign-in", "sign_in",
		"logon", "auth", "register", "account" };
	const char *path = strstr(url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	for (size_t i = 0; path && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(path, words[i]))
			return true;
	return false;
}

static void
content_finding(evidence_t *ev, const char *field, const char *what, const char *snip)
{
	finding_t *f = ev_finding(ev, "published-content", NULL, NULL, 0, "%s: \"%s\"", what, snip);
	finding_attr(f, "field", "%s", field);
	finding_attr(f, "value", "%s", snip);
	finding_attr(f, "severity", "note");	/* what was found, not a problem */
}

static void
missing_finding(evidence_t *ev, const char *field, const char *what, const char *url)
{
	finding_t *f = ev_finding(ev, "published-missing", NULL, NULL, 0, "%s at %s", what, url);
	finding_attr(f, "field", "%s", field);
	finding_attr(f, "url", "%s", url);
}

static void
judge_disclosure(pub_t *p, const char *text, const char *url)
{
	evidence_t *ev = p->ctx->ev;
	char snip[PJ_SNIPPET_MAX + 1];
	bool c = pj_contact(text, snip, sizeof(snip));
	ev_set_bool(ev, "has_contact", c);
	if (c) {
		ev_set_str(ev, "contact", snip);
		content_finding(ev, "contact", "point of contact", snip);
	} else {
		missing_finding(ev, "contact", "no point of contact (e-mail, phone, contact URL)", url);
	}
	bool a = pj_ack_timeline(text, snip, sizeof(snip));
	ev_set_bool(ev, "has_ack_timeline", a);
	if (a) {
		ev_set_str(ev, "ack_timeline", snip);
		content_finding(ev, "ack_timeline", "timescale for acknowledging a report", snip);
	} else {
		missing_finding(ev, "ack_timeline", "no timescale for acknowledging a report", url);
	}
	bool s = pj_status_timeline(text, snip, sizeof(snip));
	ev_set_bool(ev, "has_status_timeline", s);
	if (s) {
		ev_set_str(ev, "status_timeline", snip);
		content_finding(ev, "status_timeline", "timescale for status updates", snip);
	} else {
		missing_finding(ev, "status_timeline", "no timescale for status updates until resolution", url);
	}
}

static void
judge_support(pub_t *p, const char *text, const char *url)
{
	evidence_t *ev = p->ctx->ev;
	char snip[PJ_SNIPPET_MAX + 1], iso[16];
	pj_date_t end;
	bool has_end = pj_support_end(text, &end, iso, sizeof(iso), snip, sizeof(snip));
	if (has_end) {
		ev_set_str(ev, "support_end", iso);
		content_finding(ev, "support_end", "end of the support period", snip);
		time_t now = (time_t)p->now;
		struct tm tm;
		gmtime_r(&now, &tm);
		pj_date_t today = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
		ev_set_bool(ev, "support_end_past", pj_date_cmp(&end, &today) < 0);
	}
	bool has_period = pj_support_period(text, snip, sizeof(snip));
	if (has_period) {
		ev_set_str(ev, "support_period", snip);
		content_finding(ev, "support_period", "support period", snip);
	}
	ev_set_bool(ev, "support_stated", has_end || has_period);
	if (!has_end && !has_period)
		missing_finding(ev, "support_end", "no end date or period of security updates", url);
	const dut_t *d = p->ctx->dut;
	pj_date_t decl;
	if (d && d->userinfo && d->userinfo->support_end &&
	    pj_parse_iso_date(d->userinfo->support_end, &decl)) {
		bool same = pj_mentions_date(text, &decl);
		ev_set_bool(ev, "support_end_consistent", same);
		if (!same)
			missing_finding(ev, "support_end_declared", "the end date the DUT profile "
			    "declares is not stated", url);
	}
}

static void
init_fields(evidence_t *ev, const dut_t *d)
{
	ev_set_str(ev, "url", "");
	ev_set_str(ev, "url_source", "none");
	ev_set_bool(ev, "reachable", false);
	ev_set_bool(ev, "requires_login", false);
	ev_set_int(ev, "http_status", 0);
	ev_set_str(ev, "final_url", "");
	ev_list_init(ev, "redirects");
	ev_set_bool(ev, "truncated", false);
	ev_set_bool(ev, "tls_problem", false);
	ev_list_init(ev, "tls_problems");
	ev_set_bool(ev, "has_contact", false);
	ev_set_str(ev, "contact", "");
	ev_set_bool(ev, "has_ack_timeline", false);
	ev_set_str(ev, "ack_timeline", "");
	ev_set_bool(ev, "has_status_timeline", false);
	ev_set_str(ev, "status_timeline", "");
	ev_set_str(ev, "support_end", "");
	ev_set_str(ev, "support_period", "");
	ev_set_bool(ev, "support_stated", false);
	ev_set_bool(ev, "support_end_past", false);
	const char *decl = d && d->userinfo && d->userinfo->support_end ? d->userinfo->support_end : "";
	ev_set_str(ev, "support_end_declared", decl);
	ev_set_bool(ev, "support_end_consistent", true);
	ev_set_bool(ev, "securitytxt_found", false);
	ev_list_init(ev, "securitytxt_urls");
	ev_set_bool(ev, "securitytxt_signed", false);
	ev_set_str(ev, "securitytxt_policy", "");
	ev_list_init(ev, "securitytxt_problems");
	ev_list_init(ev, "unexamined");
}

/* Fetches and judges the page at url; returns the probe status. */
static probe_status_t
examine(pub_t *p, const char *url)
{
	probe_ctx_t *ctx = p->ctx;
	evidence_t *ev = ctx->ev;
	const char *what = p->page == PAGE_DISCLOSURE ? "vulnerability disclosure policy" :
	    "support period";
	fetch_result_t *r;
	bool local = p->sectxt_url && strcmp(url, p->sectxt_url) == 0;
	if (local) {	/* the security.txt itself is the only publication */
		r = xcalloc(1, sizeof(*r));
		r->responded = true;
		r->status = 200;
		r->final_url = xstrdup(url);
		r->body = xcalloc(1, p->sectxt_len + 1);
		memcpy(r->body, p->sectxt_body, p->sectxt_len);
		r->body_len = p->sectxt_len;
	} else {
		r = fetch(p, url, FETCH_BODY_CAP_DEFAULT, on_target(ctx->target, url));
	}
	for (size_t i = 0; i < r->n_hops; i++) {
		if (r->hops[i].location == NULL || r->hops[i].status < 300 || r->hops[i].status >= 400)
			continue;
		char *hop = xasprintf("%ld %s -> %s", r->hops[i].status, r->hops[i].url,
		    r->hops[i].location);
		ev_list_push(ev, "redirects", hop);
		free(hop);
	}
	ev_set_bool(ev, "tls_problem", p->tls_problem);
	if (!r->responded) {
		probe_status_t st = probe_fail(ctx, PROBE_INCONCLUSIVE, "could not fetch the %s at "
		    "%s: %s", what, url, r->error);
		fetch_result_free(r);
		return st;
	}
	ev_set_int(ev, "http_status", r->status);
	ev_set_str(ev, "final_url", r->final_url);
	ev_set_bool(ev, "truncated", r->truncated);
	bool login = r->status == 401 || r->status == 403 || r->status == 407 ||
	    r->www_authenticate || html_login_page(r->body, r->body_len) ||
	    (r->n_hops > 1 && login_url(r->final_url));
	bool reach = r->status >= 200 && r->status < 300 && !login && r->body_len > 0;
	ev_set_bool(ev, "requires_login", login);
	ev_set_bool(ev, "reachable", reach);
	finding_t *f = ev_finding(ev, "published-page", NULL, NULL, 0, "%s fetched from %s: "
	    "HTTP %ld, %zu bytes%s%s%s", what, url, r->status, r->body_len,
	    r->truncated ? " (truncated at 1 MiB)" : "", login ? "; it requires a login" : "",
	    r->n_hops > 1 ? "; redirected" : "");
	finding_attr(f, "url", "%s", url);
	finding_attr(f, "final-url", "%s", r->final_url);
	finding_attr(f, "status", "%ld", r->status);
	if (reach)
		finding_attr(f, "severity", "note");
	if (reach) {
		char *text = pj_text(r->body, r->body_len);
		if (p->page == PAGE_DISCLOSURE)
			judge_disclosure(p, text, r->final_url);
		else
			judge_support(p, text, r->final_url);
		free(text);
	}
	fetch_result_free(r);
	return PROBE_OK;
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const char *page = step_str(ctx, "page");
	pub_t p = { .ctx = ctx, .now = (int64_t)time(NULL) };
	if (page && strcmp(page, "vulnerability-disclosure") == 0)
		p.page = PAGE_DISCLOSURE;
	else if (page && strcmp(page, "support-period") == 0)
		p.page = PAGE_SUPPORT;
	else
		return probe_fail(ctx, PROBE_ERROR, "page must be vulnerability-disclosure or "
		    "support-period, got '%s'", page ? page : "");
	long long rt = step_int(ctx, "read-timeout");
	if (rt < 1 || rt > 600000)
		return probe_fail(ctx, PROBE_ERROR, "read-timeout must be 1..600000 ms");
	p.read_ms = (unsigned)rt;
	fetch_global_init();
	evidence_t *ev = ctx->ev;
	const dut_userinfo_t *ui = ctx->dut ? ctx->dut->userinfo : NULL;
	init_fields(ev, ctx->dut);

	if (p.page == PAGE_DISCLOSURE && step_bool(ctx, "security-txt"))
		sectxt_all(&p);
	const char *url = NULL, *source = "none";
	if (p.page == PAGE_DISCLOSURE && ui && ui->disclosure_url)
		url = ui->disclosure_url, source = "dut-profile";
	else if (p.page == PAGE_SUPPORT && ui && ui->support_url)
		url = ui->support_url, source = "dut-profile";
	else if (p.page == PAGE_DISCLOSURE && p.sectxt_policy)
		url = p.sectxt_policy, source = "security.txt";
	else if (p.page == PAGE_DISCLOSURE && p.sectxt_url)
		url = p.sectxt_url, source = "security.txt";

	probe_status_t st;
	if (url == NULL) {
		const value_t *un = ev_get(ev, "unexamined");
		char *why = un && un->n_items ? xasprintf(" (not examined: %s)", un->items[0]) :
		    xstrdup("");
		st = p.page == PAGE_DISCLOSURE ?
		    probe_fail(ctx, PROBE_INCONCLUSIVE, "no published URL declared (IXIT 2-UserInfo) "
		        "and no security.txt%s", why) :
		    probe_fail(ctx, PROBE_INCONCLUSIVE, "no published URL declared (IXIT 2-UserInfo "
		        "support-period)");
		free(why);
	} else {
		ev_set_str(ev, "url", url);
		ev_set_str(ev, "url_source", source);
		st = examine(&p, url);
	}
	free(p.sectxt_policy);
	free(p.sectxt_url);
	free(p.sectxt_body);
	return st;
}

const probe_kind_t probe_published_info = {
	.name = "published-info",
	.summary = "fetches the published vulnerability disclosure policy or support period "
	           "(and the device's security.txt) and checks it is reachable and complete",
	.scope = SCOPE_DEVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
