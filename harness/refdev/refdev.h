/*
 * iotcert-refdev: a reference consumer IoT device that certification labs point
 * the harness at.  This header holds the types every file of the device shares:
 * the configuration, the process-wide context, one accepted connection, and the
 * entry points of each file.  Nothing here is global; the context is passed.
 */
#ifndef IOTCERT_REFDEV_H
#define IOTCERT_REFDEV_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#define REFDEV_VERSION "0.1.0"
#define REFDEV_PROG "iotcert-refdev"

#define REFDEV_MAX_CONNS 256
#define REFDEV_IDLE_MS_DEFAULT 30000
/* Hard cap on any one connection, however chatty the client is. */
#define REFDEV_CONN_LIFETIME_MS (10 * 60 * 1000)
/* Time allowed for the TLS handshake, which a client can otherwise stall. */
#define REFDEV_HANDSHAKE_MS 10000

enum refdev_mode { MODE_WEAK, MODE_HARDENED };

enum svc {
	SVC_TELNET,
	SVC_HTTP,
	SVC_MQTT,
	SVC_HTTPS,
	SVC_MQTTS,
	SVC_DEBUG,
	SVC_COAP,
	SVC_SSDP,
	SVC_UPNP,
	SVC_COUNT
};

#define SVC_BIT(s) (1u << (s))
#define SVC_EVERY ((1u << SVC_COUNT) - 1)
#define SVC_UDP (SVC_BIT(SVC_COAP) | SVC_BIT(SVC_SSDP))
/* Every stream service: the generic switches (silence, reset...) need a connection. */
#define SVC_ALL (SVC_EVERY & ~SVC_UDP)

typedef struct conn conn_t;
typedef struct dgram dgram_t;

/* Static description of a service: its name, default ports and handler. */
typedef struct svc_info {
	const char *name;
	int weak_port;      /* 0: off by default in this mode */
	int hardened_port;
	bool tls;
	const char *what;   /* one line for --help */
	void (*run)(conn_t *c);            /* TCP: serves one accepted connection */
	void (*datagram)(const dgram_t *d); /* UDP: answers one datagram (run is NULL) */
} svc_info_t;

const svc_info_t *svc_get(enum svc s);
int svc_by_name(const char *name); /* -1 when unknown */

/* Port request from the command line: unset, off, ephemeral, or a number. */
#define PORT_UNSET (-1)
#define PORT_AUTO (-2)

typedef struct refdev_cfg {
	enum refdev_mode mode;
	char *addr;
	int port[SVC_COUNT];           /* PORT_UNSET, 0 (off), PORT_AUTO, 1..65535 */
	uint32_t misbehave[SVC_COUNT]; /* bit i: registry entry i is on */
	char *ready_file;
	bool quiet;
	char *admin_password;          /* hardened credentials */
	bool admin_password_generated;
	char *mqtt_user;
	char *mqtt_password;
	int idle_ms;
	int lockout_attempts;          /* web login lockout: failures, 0 = off */
	int lockout_ms;                /* ... and how long it lasts */
	char *cloud;                   /* --cloud ADDR:PORT, or NULL */
	int cloud_interval_ms;         /* between telemetry posts */
} refdev_cfg_t;

typedef struct listener {
	enum svc svc;
	int fd;
	int port;   /* actual port once bound */
} listener_t;

/* svc_coap.c's state; only the thread running serve() touches it. */
#define COAP_CONFIG_MAX 512
typedef struct coap_state {
	bool ready;
	uint16_t next_mid;   /* message ids of our non-confirmable responses */
	unsigned char config[COAP_CONFIG_MAX];
	size_t config_len;
	int config_cf;       /* its Content-Format */
} coap_state_t;

/*
 * Process-wide state.  stop_rd becomes readable (and stays so: it is never
 * drained) once shutdown begins, so every connection thread polls it too.
 */
typedef struct refdev {
	refdev_cfg_t cfg;
	SSL_CTX *tls;
	int sig_fd;
	int stop_rd, stop_wr;
	listener_t lis[SVC_COUNT];
	size_t nlis;
	/* Each service's bound port, 0 when off: set before any thread starts and
	 * kept through shutdown, so connection threads may read it unlocked. */
	int bound_port[SVC_COUNT];
	pthread_mutex_t lock;
	pthread_cond_t drained;
	int active;
	/* Web login lockout (5.1-5), under `lock`: one counter for the whole
	 * device, as on the cheap devices that have one at all. */
	int auth_failures;
	uint64_t locked_until_ms;
	/* cloud.c: the simulated cloud and the device's posts to it. */
	int cloud_fd;
	struct sockaddr_storage cloud_addr;
	socklen_t cloud_len;
	pthread_t cloud_sink, cloud_tele;
	int cloud_threads;             /* started, to join */
	coap_state_t coap;
} refdev_t;

/* cloud.c: --cloud.  start: 0, or prints why and returns -1; stop joins
 * the threads once stop_rd is readable. */
int cloud_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len);
int cloud_start(refdev_t *rd);
void cloud_stop(refdev_t *rd);

/* lockout.c: the web login lockout; ms left of it, 0 when not locked. */
uint64_t refdev_lockout_left(refdev_t *rd);
void refdev_login_result(refdev_t *rd, bool ok);

/* Behaviour flags set by misbehaviour handlers and read by services. */
enum {
	CF_SLOW = 1u << 0,
	CF_HALF_CLOSE = 1u << 1,
	CF_BAD_CONNACK = 1u << 2,
	CF_HTTP_NO_CRLF = 1u << 3,
	CF_HTTP_HUGE_HEADERS = 1u << 4,
	CF_HTTP_BAD_CHUNKED = 1u << 5,
	CF_MQTT_BAD_LENGTH = 1u << 6,
	CF_HTTP_HUGE_BODY = 1u << 7,
	CF_HTTP_ENDLESS_CHUNKED = 1u << 8,
	CF_UPNP_ENTITY_EXPANSION = 1u << 9,
	CF_UPNP_EXTERNAL_ENTITY = 1u << 10,
	CF_UPNP_HUGE = 1u << 11,
	CF_COAP_MALFORMED = 1u << 12,
	CF_COAP_BAD_LENGTH = 1u << 13,
	CF_POLICY_LOGIN = 1u << 14,
	CF_POLICY_INCOMPLETE = 1u << 15,
	CF_SUPPORT_EXPIRED = 1u << 16,
	CF_SECTXT_EXPIRED = 1u << 17,
	CF_SECTXT_GARBAGE = 1u << 18,
};

#define CONN_RX_SIZE 4096

struct conn {
	refdev_t *rd;
	enum svc svc;
	int fd;
	SSL *ssl;
	char peer[80];
	uint64_t end_ms;          /* hard lifetime deadline */
	int idle_ms;              /* no-progress limit for any read or write */
	unsigned flags;           /* CF_* */
	size_t banner_pending;    /* giant-banner bytes still to send */
	bool dead;                /* an I/O call failed: the rest fail fast */
	unsigned char rx[CONN_RX_SIZE];
	size_t rx_off, rx_len;
};

/* conn.c: deadline-bounded I/O over a socket, with or without TLS. */
conn_t *conn_new(refdev_t *rd, enum svc svc, int fd, const char *peer);
void conn_free(conn_t *c);
int conn_read(conn_t *c, void *buf, size_t n);       /* >0, 0 at EOF, -1 */
int conn_read_exact(conn_t *c, void *buf, size_t n); /* 0 or -1 */
int conn_write(conn_t *c, const void *p, size_t n);  /* 0 or -1 */
int conn_puts(conn_t *c, const char *s);
int conn_write_raw(conn_t *c, const void *p, size_t n); /* no slow/banner */
int conn_sleep(conn_t *c, int ms);                   /* -1 when stopping */
int conn_tls_accept(conn_t *c);
void conn_set_idle(conn_t *c, int ms);
/* Tightens the deadline to ms from now for one phase; unlimit restores it. */
uint64_t conn_limit(conn_t *c, int ms);
void conn_unlimit(conn_t *c, uint64_t saved);
void conn_drain(conn_t *c, int max_ms);              /* read and discard */
bool conn_greeted(conn_t *c);                        /* true: stop serving */
void conn_finish(conn_t *c);                         /* orderly close */
void conn_reset(conn_t *c);                          /* close with RST */
void conn_log(conn_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* misbehave.c: the --misbehave registry. */
int misbehave_parse(refdev_cfg_t *cfg, const char *list, char *err, size_t errlen);
bool misbehave_apply(conn_t *c);   /* true when a switch consumed the connection */
unsigned misbehave_flags(refdev_t *rd, enum svc s); /* CF_* of a UDP service */
void misbehave_help(FILE *out);

/* stream.c: a body generated on the fly, never held in memory. */
#define STREAM_ENDLESS UINT64_MAX
typedef struct stream {
	uint64_t len;      /* bytes of body, or STREAM_ENDLESS */
	bool chunked;      /* HTTP/1.1 chunks; an endless body never gets its last one */
	/* Writes the body bytes from offset off into buf; returns how many (1..cap). */
	size_t (*fill)(const void *arg, uint64_t off, unsigned char *buf, size_t cap);
	const void *arg;
	uint64_t rate;     /* bytes per second; 0: as fast as the client reads */
	int max_ms;        /* stop after this long; 0: only the connection's limits */
} stream_t;
int stream_send(conn_t *c, const stream_t *s); /* 0 once len bytes went, else -1 */
size_t stream_fill_text(const void *arg, uint64_t off, unsigned char *buf, size_t cap);

/* udp.c: the UDP services.  A dgram_t is one datagram received. */
struct dgram {
	refdev_t *rd;
	enum svc svc;
	int fd;
	const struct sockaddr_storage *from;
	socklen_t fromlen;
	const char *peer;
	const unsigned char *p;
	size_t n;
};
void udp_readable(refdev_t *rd, const listener_t *l);
void udp_reply(const dgram_t *d, const void *p, size_t n);
void udp_log(const dgram_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *udp_printable(const char *in, char *out, size_t cap); /* '?' for the rest */

/* tls.c */
SSL_CTX *tls_ctx_new(enum refdev_mode mode, bool quiet, char *err, size_t errlen);
void tls_ctx_free(SSL_CTX *ctx);
int tls_random(void *buf, size_t n);   /* 0, or -1 when no entropy */
char *random_password(size_t len);     /* alphanumeric; NULL on failure */
bool secret_eq(const char *a, const char *b); /* constant time for equal lengths */

/* listen.c */
int listeners_open(refdev_t *rd);  /* 0, or prints why and returns -1 */
void listeners_close(refdev_t *rd);
void serve(refdev_t *rd);          /* until SIGINT/SIGTERM */
bool refdev_wait_drained(refdev_t *rd, int max_ms);
int refdev_port(const refdev_t *rd, enum svc s);   /* bound port, 0 when off */
/* "http://ADDR:PORT" of service s, [ADDR] for IPv6; caller frees. */
char *refdev_base_url(const refdev_t *rd, enum svc s);

/* Services. */
void svc_telnet_run(conn_t *c);
void svc_debug_run(conn_t *c);
void svc_http_run(conn_t *c);
void svc_mqtt_run(conn_t *c);
void svc_coap_datagram(const dgram_t *d);
void svc_ssdp_datagram(const dgram_t *d);

/* term.c: line input over a connection, with optional telnet handling. */
typedef struct term term_t;
term_t *term_new(conn_t *c, bool telnet);
void term_free(term_t *t);
int term_negotiate(term_t *t);     /* telnet: send our opening options */
/* Reads one line (without terminator) into out; -1 on EOF/error/timeout. */
int term_readline(term_t *t, char *out, size_t cap, bool echo);
int term_write(term_t *t, const char *s); /* as data: IAC doubled on telnet */

/* shell.c: the tiny root shell behind telnet login and the debug port. */
void shell_run(conn_t *c, term_t *t, bool echo);

#endif
