/*
 * UPnP device description parsing: descriptions in the styles real devices
 * send (a MiniUPnPd-like IGD with nested devices, a prefixed-namespace media
 * player, no namespace at all), and the documents it must refuse without
 * expanding or fetching anything: DOCTYPEs with internal entities (billion
 * laughs), external entities (XXE), external DTDs, a DOCTYPE hidden in
 * UTF-16, oversized input and garbage.  libxml2 must print nothing.
 */
#include "check_main.h"
#include "core/util.h"
#include "proto/upnp.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char igd[] =
    "<?xml version=\"1.0\"?>\n"
    "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1337\">\n"
    "<specVersion><major>1</major><minor>1</minor></specVersion>\n"
    "<device>\n"
    "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>\n"
    "<friendlyName>ASUS RT-AC68U</friendlyName>\n"
    "<manufacturer>ASUSTeK Computer Inc.</manufacturer>\n"
    "<manufacturerURL>http://www.asus.com/</manufacturerURL>\n"
    "<modelDescription>  ASUS\n\tWireless   Router </modelDescription>\n"
    "<modelName>RT-AC68U</modelName>\n"
    "<modelNumber>3.0.0.4</modelNumber>\n"
    "<serialNumber>305a3a000001</serialNumber>\n"
    "<UDN>uuid:3ddcd1d3-2380-45f5-b069-305a3a000001</UDN>\n"
    "<iconList><icon><mimetype>image/png</mimetype><url>/icon.png</url></icon></iconList>\n"
    "<serviceList><service>\n"
    "<serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>\n"
    "<serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId>\n"
    "<SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL></service></serviceList>\n"
    "<deviceList><device>\n"
    "<deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>\n"
    "<friendlyName>WANDevice</friendlyName>\n"
    "<serialNumber>not-the-root-serial</serialNumber>\n"
    "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1"
    "</serviceType></service></serviceList>\n"
    "<deviceList><device>\n"
    "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>\n"
    "<serviceList><service>\n"
    "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType>\n"
    "<controlURL>/ctl/IPConn</controlURL></service></serviceList>\n"
    "</device></deviceList></device></deviceList>\n"
    "<presentationURL>http://192.168.1.1:80/</presentationURL>\n"
    "</device></root>\n";

START_TEST(igd_description)
{
	upnp_desc_t d;
	char err[160];
	ck_assert_int_eq(upnp_parse(igd, sizeof(igd) - 1, &d, err, sizeof(err)), UPNP_OK);
	ck_assert_str_eq(d.device_type, "urn:schemas-upnp-org:device:InternetGatewayDevice:2");
	ck_assert_str_eq(d.friendly_name, "ASUS RT-AC68U");
	ck_assert_str_eq(d.manufacturer, "ASUSTeK Computer Inc.");
	ck_assert_str_eq(d.model_description, "ASUS Wireless Router");
	ck_assert_str_eq(d.model_name, "RT-AC68U");
	ck_assert_str_eq(d.model_number, "3.0.0.4");
	ck_assert_str_eq(d.serial, "305a3a000001");
	ck_assert_str_eq(d.udn, "uuid:3ddcd1d3-2380-45f5-b069-305a3a000001");
	ck_assert_str_eq(d.presentation_url, "http://192.168.1.1:80/");
	ck_assert_ptr_null(d.firmware);
	ck_assert(d.igd);
	ck_assert(d.port_mapping);
	ck_assert_uint_eq(d.n_devices, 3);
	ck_assert_uint_eq(d.service_types.n, 3);
	ck_assert_str_eq(d.service_types.v[2], "urn:schemas-upnp-org:service:WANIPConnection:2");
	ck_assert_uint_eq(d.device_types.n, 2);
	upnp_desc_clear(&d);
	upnp_desc_clear(NULL);
}
END_TEST

START_TEST(prefixed_and_bare_namespaces)
{
	static const char sonos[] =
	    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
	    "<u:root xmlns:u=\"urn:schemas-upnp-org:device-1-0\" xmlns:v=\"urn:vendor\">"
	    "<u:device><u:deviceType>urn:schemas-upnp-org:device:ZonePlayer:1</u:deviceType>"
	    "<u:friendlyName>192.168.1.20 - Sonos One</u:friendlyName>"
	    "<u:manufacturer>Sonos, Inc.</u:manufacturer><u:modelNumber>S18</u:modelNumber>"
	    "<u:modelName><![CDATA[Sonos One]]></u:modelName>"
	    "<u:softwareVersion>56.0-76060</u:softwareVersion>"
	    "<v:hardwareVersion>1.20.1.6-2</v:hardwareVersion>"
	    "<u:serialNumber>5C-AA-FD-00-00-01:A</u:serialNumber></u:device></u:root>";
	upnp_desc_t d;
	char err[160];
	ck_assert_int_eq(upnp_parse(sonos, sizeof(sonos) - 1, &d, err, sizeof(err)), UPNP_OK);
	ck_assert_str_eq(d.model_name, "Sonos One");
	ck_assert_str_eq(d.firmware, "56.0-76060");
	ck_assert_str_eq(d.hardware, "1.20.1.6-2");
	ck_assert_str_eq(d.serial, "5C-AA-FD-00-00-01:A");
	ck_assert(!d.igd);
	ck_assert(!d.port_mapping);
	upnp_desc_clear(&d);

	static const char bare[] = "<root><device><modelName>Cam</modelName>"
	    "<firmwareVersion>V5.5.3 build 170512</firmwareVersion></device></root>";
	ck_assert_int_eq(upnp_parse(bare, sizeof(bare) - 1, &d, err, sizeof(err)), UPNP_OK);
	ck_assert_str_eq(d.firmware, "V5.5.3 build 170512");
	ck_assert_ptr_null(d.serial);
	upnp_desc_clear(&d);
}
END_TEST

static upnp_rc_t
parse_str(const char *s, char *err, size_t errlen)
{
	upnp_desc_t d;
	upnp_rc_t rc = upnp_parse(s, strlen(s), &d, err, errlen);
	upnp_desc_clear(&d);
	return rc;
}

START_TEST(doctype_attacks)
{
	char err[160];
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE root [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    "]>\n<root><device><friendlyName>&lol4;</friendlyName></device></root>";
	ck_assert_int_eq(parse_str(laughs, err, sizeof(err)), UPNP_DOCTYPE);
	static const char xxe[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	    "<root><device><friendlyName>&xxe;</friendlyName></device></root>";
	ck_assert_int_eq(parse_str(xxe, err, sizeof(err)), UPNP_DOCTYPE);
	static const char dtd[] = "<!DOCTYPE root SYSTEM \"http://192.0.2.1/evil.dtd\">"
	    "<root><device/></root>";
	ck_assert_int_eq(parse_str(dtd, err, sizeof(err)), UPNP_DOCTYPE);
	ck_assert_int_eq(parse_str("<!doctype root><root><device/></root>", err, sizeof(err)),
	    UPNP_DOCTYPE);
	/* Undeclared entities are a well-formedness error, never a fetch. */
	ck_assert_int_eq(parse_str("<root><device><friendlyName>&xxe;</friendlyName></device></root>",
	    err, sizeof(err)), UPNP_MALFORMED);
}
END_TEST

START_TEST(doctype_in_utf16)
{
	/* The byte scan cannot see this one; the SAX hook must stop the parse. */
	static const char ascii[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE root [<!ENTITY a \"aaaaaaaa\">"
	    "]><root><device><friendlyName>&a;&a;</friendlyName></device></root>";
	size_t n = sizeof(ascii) - 1;
	uint8_t *u16 = xcalloc(2 + 2 * n, 1);
	u16[0] = 0xff;
	u16[1] = 0xfe;
	for (size_t i = 0; i < n; i++)
		u16[2 + 2 * i] = (uint8_t)ascii[i];
	upnp_desc_t d;
	char err[160];
	ck_assert_int_eq(upnp_parse(u16, 2 + 2 * n, &d, err, sizeof(err)), UPNP_DOCTYPE);
	ck_assert_ptr_null(d.friendly_name);
	upnp_desc_clear(&d);
	free(u16);
}
END_TEST

START_TEST(too_big_and_garbage)
{
	char err[160];
	size_t n = 300 * 1024;
	char *big = xcalloc(n + 1, 1);
	strcpy(big, "<root><device><friendlyName>");
	memset(big + strlen(big), 'x', n - 100);
	strcat(big, "</friendlyName></device></root>");
	upnp_desc_t d;
	ck_assert_int_eq(upnp_parse(big, strlen(big), &d, err, sizeof(err)), UPNP_TOO_BIG);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
	free(big);

	ck_assert_int_eq(upnp_parse("", 0, &d, err, sizeof(err)), UPNP_MALFORMED);
	ck_assert_int_eq(parse_str("HTTP/1.1 200 OK\r\n\r\n", err, sizeof(err)), UPNP_MALFORMED);
	ck_assert_int_eq(parse_str("<root><device>", err, sizeof(err)), UPNP_MALFORMED);
	ck_assert_int_eq(parse_str("<root><device></root>", err, sizeof(err)), UPNP_MALFORMED);
	ck_assert_ptr_nonnull(strstr(err, "line 1"));
	static const uint8_t bin[] = { 0x00, 0xff, 0x3c, 0x00, 0x80, 0x81, 0x3e, 0x00 };
	ck_assert_int_eq(upnp_parse(bin, sizeof(bin), &d, err, sizeof(err)), UPNP_MALFORMED);
	ck_assert_int_eq(parse_str("<html><body>hi</body></html>", err, sizeof(err)), UPNP_NOT_UPNP);
	ck_assert_int_eq(parse_str("<root><nodevice/></root>", err, sizeof(err)), UPNP_NOT_UPNP);
	ck_assert_str_eq(upnp_rc_str(UPNP_DOCTYPE), "DOCTYPE refused");
}
END_TEST

START_TEST(caps)
{
	buf_t b;
	buf_init(&b, UPNP_DESC_CAP);
	buf_printf(&b, "<root><device><friendlyName>");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "n");
	buf_printf(&b, "</friendlyName><modelName> a \n\t b </modelName><serviceList>");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "<service><serviceType>urn:x:service:S%d:1</serviceType></service>", i);
	buf_printf(&b, "</serviceList>");
	for (int i = 0; i < 20; i++)
		buf_printf(&b, "<deviceList><device><deviceType>urn:x:device:D%d:1</deviceType>", i);
	for (int i = 0; i < 20; i++)
		buf_printf(&b, "</device></deviceList>");
	buf_printf(&b, "</device></root>");
	ck_assert(!b.truncated);
	upnp_desc_t d;
	char err[160];
	ck_assert_int_eq(upnp_parse(b.data, b.len, &d, err, sizeof(err)), UPNP_OK);
	ck_assert_uint_eq(strlen(d.friendly_name), UPNP_FIELD_MAX - 1);
	ck_assert_str_eq(d.model_name, "a b");
	ck_assert_uint_eq(d.service_types.n, UPNP_MAX_SERVICES);
	ck_assert_uint_eq(d.n_devices, UPNP_MAX_DEPTH + 1);
	upnp_desc_clear(&d);
	buf_free(&b);
}
END_TEST

START_TEST(silent)
{
	/* Whatever libxml2 thinks of the input, nothing reaches stderr. */
	char path[] = "/tmp/iotcert-upnp-stderr-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	char err[160];
	parse_str("<root><device></root>", err, sizeof(err));
	parse_str("<root>&undefined;</root>", err, sizeof(err));
	parse_str("<?xml version=\"1.0\" encoding=\"NO-SUCH\"?><root/>", err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	ck_assert_int_eq(st.st_size, 0);
}
END_TEST

static Suite *
upnp_suite(void)
{
	Suite *s = suite_create("upnp");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, igd_description);
	tcase_add_test(tc, prefixed_and_bare_namespaces);
	tcase_add_test(tc, doctype_attacks);
	tcase_add_test(tc, doctype_in_utf16);
	tcase_add_test(tc, too_big_and_garbage);
	tcase_add_test(tc, caps);
	tcase_add_test(tc, silent);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(upnp_suite)
