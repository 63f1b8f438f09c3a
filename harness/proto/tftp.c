/*
 * TFTP packets; see tftp.h.
 */
#include "proto/tftp.h"
#include "proto/cursor.h"
#include "proto/pstr.h"

#include <string.h>

static size_t
put_str0(uint8_t *out, size_t cap, size_t o, const char *s)
{
	size_t k = strlen(s);
	if (o == 0 || o + k + 1 > cap)
		return 0;
	memcpy(out + o, s, k + 1);
	return o + k + 1;
}

size_t
tftp_rrq_build(uint8_t *out, size_t cap, const char *file, const char *mode)
{
	if (cap < 2 || !*file)
		return 0;
	out[0] = 0;
	out[1] = TFTP_RRQ;
	return put_str0(out, cap, put_str0(out, cap, 2, file), mode);
}

size_t
tftp_error_build(uint8_t *out, size_t cap, uint16_t code, const char *msg)
{
	if (cap < 4)
		return 0;
	out[0] = 0;
	out[1] = TFTP_ERROR;
	out[2] = (uint8_t)(code >> 8);
	out[3] = (uint8_t)code;
	return put_str0(out, cap, 4, msg);
}

int
tftp_parse(const uint8_t *p, size_t n, tftp_reply_t *r)
{
	memset(r, 0, sizeof(*r));
	cursor_t c;
	cur_init(&c, p, n);
	uint16_t op, v;
	cur_be16(&c, &op);
	cur_be16(&c, &v);
	if (c.bad)
		return -1;
	r->opcode = op;
	if (op == TFTP_DATA) {
		r->block = v;
		r->data_len = cur_left(&c);
		return v >= 1 && r->data_len <= 512 ? 0 : -1;
	}
	if (op != TFTP_ERROR || v > 8)
		return -1;
	r->errcode = v;
	size_t k = 0, left = cur_left(&c);
	const uint8_t *msg;
	cur_bytes(&c, left, &msg);
	while (k < left && msg[k])
		k++;
	if (k > 512)
		return -1;
	for (size_t i = k; i < left; i++)
		if (msg[i] != 0)
			return -1;	/* data after the terminator: not a TFTP error */
	for (size_t i = 0; i < k; i++)
		if (msg[i] < 0x20 && msg[i] != '\t' && msg[i] != '\r' && msg[i] != '\n')
			return -1;
	pstr_copy(r->errmsg, sizeof(r->errmsg), msg, k);
	return 0;
}
