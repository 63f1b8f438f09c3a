/*
 * report.html: the XML report transformed by reports/iotcert-report.xsl.
 * Rendering from the XML (not from run_t) keeps one source of truth: the page
 * cannot show what report.xml does not say.  The report holds device bytes,
 * so both documents are parsed without network access, DTD loading or entity
 * expansion, and the transformation may not read or write files or sockets.
 */
#include "html.h"
#include "writer.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#ifndef IOTCERT_DATADIR
#define IOTCERT_DATADIR "/usr/local/share/iotcert"
#endif

/* No DTD loading, no entity substitution (no NOENT/DTDLOAD), no network. */
#define PARSE_OPTS XML_PARSE_NONET

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_err_t;
#else
typedef xmlErrorPtr xml_err_t;
#endif

/* What went wrong in a call, for the caller's err: the first message. */
typedef struct msg {
	char *buf;
	size_t len;
	size_t count;
} msg_t;

static bool
is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The build tree's reports/ (EXE/../reports), so build/iotcert run from any
 * directory of a checkout that is not installed still finds its stylesheet.
 */
static char *
beside_binary(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xasprintf("%s/../reports/%s", exe, REPORT_XSL);
}

char *
report_html_stylesheet(void)
{
	const char *e = getenv("IOTCERT_DATA");
	if (e && *e)
		return xasprintf("%s/reports/%s", e, REPORT_XSL);
	if (is_dir("testcases") && is_dir("profiles"))
		return xasprintf("reports/%s", REPORT_XSL);
	char *inst = xasprintf("%s/reports/%s", IOTCERT_DATADIR, REPORT_XSL);
	if (access(inst, R_OK) == 0)
		return inst;
	char *b = beside_binary();
	if (b && access(b, R_OK) == 0) {
		free(inst);
		return b;
	}
	free(b);
	return inst;
}

static void
msg_set(msg_t *m, const char *fmt, ...)
{
	if (m->count++ > 0 || m->len == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->buf, m->len, fmt, ap);
	va_end(ap);
	m->buf[strcspn(m->buf, "\n")] = '\0';
}

static void
collect_parser(void *ctx, xml_err_t e)
{
	xmlParserCtxtPtr pc = ctx;
	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	if (e->file)
		msg_set(pc->_private, "%s:%d: %s", e->file, e->line,
		    e->message ? e->message : "error");
	else
		msg_set(pc->_private, "%s", e->message ? e->message : "error");
}

/*
 * libxslt reports a transformation error printf-style in pieces over several
 * lines (where, then why): all of it goes on one line, as far as it fits.
 */
static void
collect_xslt(void *ctx, const char *fmt, ...)
{
	msg_t *m = ctx;
	m->count++;
	size_t used = m->len ? strlen(m->buf) : 0;
	if (used + 1 >= m->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->buf + used, m->len - used, fmt, ap);
	va_end(ap);
	for (char *p = m->buf + used; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static xmlDocPtr
read_doc(const char *path, msg_t *m)
{
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	if (pc == NULL) {
		msg_set(m, "out of memory");
		return NULL;
	}
	pc->_private = m;
	pc->sax->serror = collect_parser;
	xmlDocPtr doc = xmlCtxtReadFile(pc, path, NULL, PARSE_OPTS);
	xmlFreeParserCtxt(pc);
	if (doc == NULL)
		msg_set(m, "%s: cannot parse", path);
	else if (doc->intSubset != NULL) {
		msg_set(m, "%s: has a DOCTYPE, refused", path);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

static xsltStylesheetPtr
load_stylesheet(const char *xsl, msg_t *m)
{
	if (access(xsl, R_OK) != 0) {
		msg_set(m, "stylesheet %s: %s (set IOTCERT_DATA to the directory "
		    "holding reports/%s)", xsl, strerror(errno), REPORT_XSL);
		return NULL;
	}
	/* str:encode-uri makes evidence hrefs safe; registering twice is harmless. */
	exsltStrRegister();
	xmlDocPtr d = read_doc(xsl, m);
	if (d == NULL)
		return NULL;
	xsltStylesheetPtr s = xsltParseStylesheetDoc(d);
	if (s == NULL) {
		xmlFreeDoc(d);
		msg_set(m, "stylesheet %s: not a usable XSLT stylesheet", xsl);
	}
	return s;
}

/* The sheet needs no I/O of its own: forbid every kind libxslt can check. */
static xsltSecurityPrefsPtr
no_io_prefs(void)
{
	static const xsltSecurityOption opts[] = {
		XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE,
		XSLT_SECPREF_CREATE_DIRECTORY, XSLT_SECPREF_READ_NETWORK,
		XSLT_SECPREF_WRITE_NETWORK,
	};
	xsltSecurityPrefsPtr p = xsltNewSecurityPrefs();
	for (size_t i = 0; p && i < ARRAY_LEN(opts); i++)
		if (xsltSetSecurityPrefs(p, opts[i], xsltSecurityForbid) != 0) {
			xsltFreeSecurityPrefs(p);
			return NULL;
		}
	return p;
}

static xmlDocPtr
transform(xsltStylesheetPtr s, xmlDocPtr doc, msg_t *m)
{
	xsltSecurityPrefsPtr prefs = no_io_prefs();
	xsltTransformContextPtr ctx = prefs ? xsltNewTransformContext(s, doc) : NULL;
	xmlDocPtr out = NULL;
	if (ctx == NULL || xsltSetCtxtSecurityPrefs(prefs, ctx) != 0) {
		msg_set(m, "cannot set up the transformation");
		goto done;
	}
	xsltSetCtxtParseOptions(ctx, PARSE_OPTS);
	xsltSetTransformErrorFunc(ctx, m, collect_xslt);
	out = xsltApplyStylesheetUser(s, doc, NULL, NULL, NULL, ctx);
	if (out == NULL || ctx->state != XSLT_STATE_OK || m->count > 0) {
		if (m->count == 0)
			msg_set(m, "the transformation failed");
		xmlFreeDoc(out);
		out = NULL;
	}
done:
	xsltFreeTransformContext(ctx);
	xsltFreeSecurityPrefs(prefs);
	return out;
}

static int
write_atomic(const char *path, const void *p, size_t n, msg_t *m)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int rc = -1;
	if (f == NULL) {
		msg_set(m, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	bool ok = fwrite(p, 1, n, f) == n;
	int e = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		msg_set(m, "writing %s: %s", path, strerror(e));
		unlink(tmp);
	} else
		rc = 0;
out:
	free(tmp);
	return rc;
}

/*
 * The XML goes through a file beside the target, named uniquely, so the
 * writer reuses report_write_xml exactly and leaves nothing behind.
 */
static xmlDocPtr
render_xml(const run_t *r, const char *path, msg_t *m)
{
	char *src = xasprintf("%s.xml-XXXXXX", path);
	int fd = mkstemp(src);
	xmlDocPtr doc = NULL;
	if (fd < 0) {
		msg_set(m, "%s: %s", src, strerror(errno));
		free(src);
		return NULL;
	}
	close(fd);
	char e[512] = "";
	if (report_write_xml(r, src, e, sizeof(e)) != 0)
		msg_set(m, "%s", e);
	else
		doc = read_doc(src, m);
	unlink(src);
	free(src);
	return doc;
}

int
report_write_html_with(const run_t *r, const char *path, const char *xsl,
    char *err, size_t errlen)
{
	msg_t m = { .buf = err, .len = errlen };
	if (errlen > 0)
		err[0] = '\0';
	xmlInitParser();
	xsltStylesheetPtr s = load_stylesheet(xsl, &m);
	xmlDocPtr doc = s ? render_xml(r, path, &m) : NULL;
	xmlDocPtr html = doc ? transform(s, doc, &m) : NULL;
	xmlChar *txt = NULL;
	int len = 0, rc = -1;
	if (html && (xsltSaveResultToString(&txt, &len, html, s) != 0 || txt == NULL))
		msg_set(&m, "cannot serialize the HTML");
	else if (html)
		rc = write_atomic(path, txt, (size_t)len, &m);
	if (rc != 0 && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "cannot render %s", path);
	for (size_t n = errlen ? strlen(err) : 0; n > 0 && err[n - 1] == ' '; n--)
		err[n - 1] = '\0';
	xmlFree(txt);
	xmlFreeDoc(html);
	xmlFreeDoc(doc);
	xsltFreeStylesheet(s);
	return rc;
}

int
report_write_html(const run_t *r, const char *path, char *err, size_t errlen)
{
	char *xsl = report_html_stylesheet();
	int rc = report_write_html_with(r, path, xsl, err, errlen);
	free(xsl);
	return rc;
}
