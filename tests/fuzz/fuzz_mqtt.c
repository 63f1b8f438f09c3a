/*
 * Feeds a broker's answer to our CONNECT to mqtt_connack_parse, for MQTT
 * 3.1.1 and for MQTT 5 (whose CONNACK carries properties), consuming one
 * packet after the other while they parse.
 */
#include <stddef.h>
#include <stdint.h>

#include "auth/mqtt_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int levels[2] = { MQTT_V311, MQTT_V5 };
	for (int i = 0; i < 2; i++) {
		size_t off = 0;
		for (int k = 0; k < 16 && off < size; k++) {
			mqtt_connack_t ack;
			size_t used = 0;
			char why[256];
			if (mqtt_connack_parse(data + off, size - off, levels[i], &ack, &used,
			    why, sizeof(why)) != 0 || used == 0)
				break;
			off += used;
		}
	}
	return 0;
}
