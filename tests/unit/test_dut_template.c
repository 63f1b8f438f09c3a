/*
 * The DUT profile template (`iotcert init-profile`): it loads as written,
 * carries the interfaces discovery found, and once its ICS lines are
 * uncommented they load too, one per EN 303 645 provision of the scheme.
 */
#include "check_main.h"
#include "core/util.h"
#include "load/dut_template.h"
#include "load/load.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *
template_text(const scheme_t *s, const tmpl_svc_t *svcs, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(dut_template_write(f, s, svcs, n, "a discovery"), 0);
	fclose(f);
	return buf;
}

static dut_t *
load_text(const char *text, diags_t *d)
{
	char path[] = "/tmp/iotcert-tmpl-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	size_t n = strlen(text);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	dut_t *dut = load_dut(path, d);
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "%d:%d: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
	unlink(path);
	return dut;
}

/* Uncomments "# ics:" and every "#   - {ref:" line. */
static char *
uncomment_ics(const char *t)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	for (const char *l = t; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l + 1) : strlen(l);
		if (strncmp(l, "# ics:", 6) == 0 || strncmp(l, "#   - {ref:", 11) == 0)
			buf_append(&b, l + 2, n - 2);
		else
			buf_append(&b, l, n);
		l += n;
	}
	return buf_steal(&b);
}

/* Uncomments the block that starts with `head` ("# update:") and the
 * indented commented lines after it. */
static char *
uncomment_block(const char *t, const char *head)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	bool in = false;
	for (const char *l = t; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l + 1) : strlen(l);
		if (strncmp(l, head, strlen(head)) == 0)
			in = true;
		else if (in && strncmp(l, "#   ", 4) != 0)
			in = false;
		if (in)
			buf_append(&b, l + 2, n - 2);
		else
			buf_append(&b, l, n);
		l += n;
	}
	return buf_steal(&b);
}

/* The IXIT 7-UpdMech block of the template loads once uncommented. */
START_TEST(template_update_section_loads)
{
	diags_t d = { 0 };
	char *t = template_text(NULL, NULL, 0);
	char *u = uncomment_block(t, "# update:");
	dut_t *dut = load_text(u, &d);
	ck_assert_ptr_nonnull(dut);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(dut->n_updmech, 1);
	ck_assert_str_eq(dut->updmech[0].id, "UpdMech-1");
	ck_assert_str_eq(dut->updmech[0].delivery, "network");
	ck_assert_str_eq(dut->updmech[0].protocol, "https");
	ck_assert_str_eq(dut->updmech[0].authenticity, "signature");
	ck_assert_uint_eq(dut->updmech[0].servers.n, 1);
	dut_free(dut);
	free(u);
	free(t);
	diags_free(&d);
}
END_TEST

START_TEST(template_loads)
{
	diags_t d = { 0 };
	scheme_t *s = load_scheme("profiles/en303645-baseline.yaml", &d);
	ck_assert_ptr_nonnull(s);
	tmpl_svc_t svcs[] = {
		{ "tcp", "telnet", "192.0.2.7", 2323 },
		{ "udp", "coap", "192.0.2.7", 5683 },
		{ "tcp", "unknown", "192.0.2.7", 4444 },
	};
	char *t = template_text(s, svcs, ARRAY_LEN(svcs));
	dut_t *dut = load_text(t, &d);
	ck_assert_ptr_nonnull(dut);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_str_eq(dut->manufacturer, "FILL-IN");
	ck_assert_uint_eq(dut->n_ifaces, 3);
	ck_assert_str_eq(dut->ifaces[1].transport, "udp");
	ck_assert_int_eq(dut->ifaces[1].port, 5683);
	ck_assert_str_eq(dut->ifaces[1].protocol, "coap");
	ck_assert_ptr_null(dut->ifaces[2].protocol);	/* "unknown" is not declared */
	ck_assert_str_eq(dut->addresses.v[0], "192.0.2.7");
	ck_assert_uint_eq(dut->n_ics, 0);
	dut_free(dut);
	char *u = uncomment_ics(t);
	dut = load_text(u, &d);
	ck_assert_ptr_nonnull(dut);
	ck_assert_uint_eq(dut->n_ics, 68);
	ck_assert_str_eq(dut->ics[1].ref, "5.1-1");
	ck_assert_str_eq(dut->ics[1].support, "Y");
	dut_free(dut);
	free(u);
	free(t);
	/* Without services or a scheme: still a loadable template. */
	t = template_text(NULL, NULL, 0);
	dut = load_text(t, &d);
	ck_assert_ptr_nonnull(dut);
	ck_assert_uint_eq(dut->n_ifaces, 1);
	dut_free(dut);
	free(t);
	scheme_free(s);
	diags_free(&d);
}
END_TEST

static Suite *
dut_template_suite(void)
{
	Suite *s = suite_create("dut_template");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, template_loads);
	tcase_add_test(tc, template_update_section_loads);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(dut_template_suite)
