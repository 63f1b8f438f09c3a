/*
 * The live capture of a run: one pcap handle on the interface that reaches the
 * devices, and one thread copying what it sees into the run's pcap file until
 * the run ends.  Opening is separate from starting so the harness can open
 * the handle as root, drop privilege, and only then create files and talk to
 * the device.
 */
#include "capture/capture.h"
#include "capture/errmsg.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define CAPTURE_SNAPLEN    65535
#define CAPTURE_BUFFER     (8 << 20)
#define CAPTURE_TIMEOUT_MS 100	/* bounds how long capture_stop() waits */
#define DRAIN_ROUNDS       64	/* a flood must not keep capture_stop() busy */

enum cap_state { CAP_OPEN, CAP_RUNNING, CAP_STOPPED };

struct capture {
	pcap_t *p;
	char ifname[64];
	pthread_mutex_t lock;	/* serialises start/stop/free callers */
	enum cap_state state;	/* under lock */
	atomic_bool stop;
	pthread_t thread;
	/* Touched only by the capture thread while running, by the stopper after
	 * it has joined the thread. */
	pcap_dumper_t *dump;
	uint64_t written;
	char error[256];
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	capture_t *c = (capture_t *)(void *)user;
	pcap_dump((u_char *)c->dump, h, bytes);
	c->written++;
}

static void
note_error(capture_t *c, const char *what, const char *why)
{
	if (c->error[0] == '\0')
		cap_err(c->error, sizeof(c->error), "%s on %s: %s", what,
		    c->ifname, why);
}

/* Flushing after every batch costs a write per batch but keeps the evidence
 * on disk if the harness dies mid-run. */
static bool
flush_dump(capture_t *c)
{
	errno = 0;
	if (pcap_dump_flush(c->dump) != 0 || ferror(pcap_dump_file(c->dump))) {
		note_error(c, "writing the capture", strerror(errno ? errno : EIO));
		return false;
	}
	return true;
}

static void *
capture_thread(void *arg)
{
	capture_t *c = arg;
	while (!atomic_load(&c->stop)) {
		uint64_t before = c->written;
		int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
		if (n == PCAP_ERROR) {
			note_error(c, "capture failed", pcap_geterr(c->p));
			break;
		}
		if (c->written != before && !flush_dump(c))
			break;
	}
	return NULL;
}

/* Packets the kernel queued before the stop are part of the run: the last
 * reply of the last case often arrives just before it. */
static void
drain(capture_t *c)
{
	char eb[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(c->p, 1, eb) != 0) {
		note_error(c, "draining the capture", eb);
		return;
	}
	for (int i = 0; i < DRAIN_ROUNDS; i++) {
		int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
		if (n == PCAP_ERROR_BREAK)	/* the stop's own breakloop */
			continue;
		if (n == PCAP_ERROR)
			note_error(c, "draining the capture", pcap_geterr(c->p));
		if (n <= 0)
			break;
	}
}

/* Returns NULL so failure paths read "cap_err(...); return closed(p);". */
static capture_t *
closed(pcap_t *p)
{
	if (p != NULL)
		pcap_close(p);
	return NULL;
}

capture_t *
capture_open(const char *ifname, const char *filter, char *err, size_t errlen)
{
	if (ifname == NULL || *ifname == '\0') {
		cap_err(err, errlen, "no capture interface given");
		return NULL;
	}
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(ifname, eb);
	if (p == NULL) {
		cap_err(err, errlen, "cannot capture on %s: %s", ifname, eb);
		return NULL;
	}
	if (pcap_set_snaplen(p, CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_promisc(p, 0) != 0 ||
	    pcap_set_timeout(p, CAPTURE_TIMEOUT_MS) != 0 ||
	    pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_buffer_size(p, CAPTURE_BUFFER) != 0) {
		cap_err(err, errlen, "cannot configure capture on %s: %s",
		    ifname, pcap_geterr(p));
		return closed(p);
	}

	int rc = pcap_activate(p);
	if (rc < 0) {
		const char *why = pcap_geterr(p);
		if (why == NULL || *why == '\0')
			why = pcap_statustostr(rc);
		switch (rc) {
		case PCAP_ERROR_PERM_DENIED:
		case PCAP_ERROR_PROMISC_PERM_DENIED:
			cap_err(err, errlen, "no capture privilege on %s: %s "
			    "(run as root or grant CAP_NET_RAW)", ifname, why);
			break;
		case PCAP_ERROR_NO_SUCH_DEVICE:
			cap_err(err, errlen, "no interface %s to capture on: %s",
			    ifname, why);
			break;
		case PCAP_ERROR_IFACE_NOT_UP:
			cap_err(err, errlen, "interface %s is down: %s", ifname,
			    why);
			break;
		default:
			cap_err(err, errlen, "cannot capture on %s: %s", ifname,
			    why);
			break;
		}
		return closed(p);
	}
	/* Warnings (rc > 0) concern time stamp types and promiscuous mode,
	 * neither of which the capture relies on. */

	if (filter != NULL && *filter != '\0') {
		struct bpf_program prog;
		if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			cap_err(err, errlen, "bad capture filter \"%s\": %s",
			    filter, pcap_geterr(p));
			return closed(p);
		}
		rc = pcap_setfilter(p, &prog);
		pcap_freecode(&prog);
		if (rc != 0) {
			cap_err(err, errlen, "cannot set the capture filter on "
			    "%s: %s", ifname, pcap_geterr(p));
			return closed(p);
		}
	}

	capture_t *c = xcalloc(1, sizeof(*c));
	c->p = p;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	pthread_mutex_init(&c->lock, NULL);
	c->state = CAP_OPEN;
	atomic_init(&c->stop, false);
	return c;
}

int
capture_start(capture_t *c, const char *pcap_path, char *err, size_t errlen)
{
	if (c == NULL || pcap_path == NULL)
		return cap_err(err, errlen, "no capture or no pcap path");
	pthread_mutex_lock(&c->lock);
	if (c->state != CAP_OPEN) {
		pthread_mutex_unlock(&c->lock);
		return cap_err(err, errlen, "capture on %s was already started",
		    c->ifname);
	}
	c->dump = pcap_dump_open(c->p, pcap_path);
	if (c->dump == NULL) {
		cap_err(err, errlen, "cannot create %s: %s", pcap_path,
		    pcap_geterr(c->p));
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	c->written = 0;
	c->error[0] = '\0';
	atomic_store(&c->stop, false);

	/* Signals (SIGINT ending a run) belong to the harness's main thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&c->thread, NULL, capture_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pcap_dump_close(c->dump);
		c->dump = NULL;
		unlink(pcap_path);
		pthread_mutex_unlock(&c->lock);
		return cap_err(err, errlen, "cannot start the capture thread: %s",
		    strerror(rc));
	}
	c->state = CAP_RUNNING;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int
capture_stop(capture_t *c, capture_stats_t *st)
{
	capture_stats_t local;
	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (c == NULL) {
		snprintf(st->error, sizeof(st->error), "no capture");
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	if (c->state != CAP_RUNNING) {
		snprintf(st->error, sizeof(st->error), "capture on %s is not running",
		    c->ifname);
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	/* The flag covers a thread between two dispatches; breakloop one inside
	 * poll() (libpcap >= 1.10 wakes it, older ones wait out the timeout). */
	atomic_store(&c->stop, true);
	pcap_breakloop(c->p);
	pthread_join(c->thread, NULL);

	drain(c);
	flush_dump(c);
	pcap_dump_close(c->dump);
	c->dump = NULL;
	c->state = CAP_STOPPED;

	st->packets = c->written;
	struct pcap_stat ps;
	if (pcap_stats(c->p, &ps) == 0) {
		st->ps_recv = ps.ps_recv;
		st->ps_drop = ps.ps_drop;
		st->ps_ifdrop = ps.ps_ifdrop;
		st->have_pcap_stats = 1;
	}
	snprintf(st->error, sizeof(st->error), "%s", c->error);
	int rc = c->error[0] ? -1 : 0;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void
capture_free(capture_t *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	bool running = c->state == CAP_RUNNING;
	pthread_mutex_unlock(&c->lock);
	if (running)
		capture_stop(c, NULL);
	pcap_close(c->p);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const char *
capture_lib_version(void)
{
	return pcap_lib_version();
}
