/*
 * Giving up root once the capture handle is open.  Root is needed for one
 * thing, opening the packet socket; everything after that parses bytes from
 * devices that may be hostile, and writes evidence files that the lab member
 * who ran `sudo iotcert` should own.  The drop is permanent (real, effective
 * and saved ids) and checked, because a half-done drop is worse than none: it
 * looks safe in the report and is not.
 */
#include "capture/capture.h"
#include "capture/errmsg.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/util.h"

#define PW_BUF 16384

typedef struct target_user {
	uid_t uid;
	gid_t gid;
	bool have_gid;
	char name[256];		/* "" when the uid has no passwd entry */
} target_user_t;

/* A decimal id, whole string; (id_t)-1 is the "no change" value of the
 * set*id calls, so it is refused too. */
static bool
parse_id(const char *s, unsigned long *out)
{
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v >= (unsigned long)(uid_t)-1 ||
	    v >= (unsigned long)(gid_t)-1)
		return false;
	*out = v;
	return true;
}

static void
take_passwd(const struct passwd *pw, target_user_t *t)
{
	t->uid = pw->pw_uid;
	t->gid = pw->pw_gid;
	t->have_gid = true;
	snprintf(t->name, sizeof(t->name), "%s", pw->pw_name);
}

/* Fills *t from a name or numeric uid; -1 when it names nobody. */
static int
lookup_user(const char *user, target_user_t *t, char *err, size_t errlen)
{
	char *buf = xcalloc(1, PW_BUF);
	struct passwd pw, *res = NULL;
	unsigned long id;
	int rc = 0;
	if (getpwnam_r(user, &pw, buf, PW_BUF, &res) == 0 && res != NULL) {
		take_passwd(res, t);
	} else if (parse_id(user, &id)) {
		t->uid = (uid_t)id;
		if (getpwuid_r(t->uid, &pw, buf, PW_BUF, &res) == 0 && res != NULL)
			take_passwd(res, t);
	} else {
		rc = cap_err(err, errlen, "cannot drop privileges to %s: no such "
		    "user", user);
	}
	free(buf);
	return rc;
}

static int
lookup_invoker(const char *suid, const char *sgid, target_user_t *t,
    char *err, size_t errlen)
{
	unsigned long id;
	if (!parse_id(suid, &id))
		return cap_err(err, errlen, "SUDO_UID=%s is not a user id", suid);
	t->uid = (uid_t)id;
	if (sgid != NULL && *sgid != '\0') {
		if (!parse_id(sgid, &id))
			return cap_err(err, errlen, "SUDO_GID=%s is not a group id",
			    sgid);
		t->gid = (gid_t)id;
		t->have_gid = true;
	}
	char *buf = xcalloc(1, PW_BUF);
	struct passwd pw, *res = NULL;
	if (getpwuid_r(t->uid, &pw, buf, PW_BUF, &res) == 0 && res != NULL) {
		snprintf(t->name, sizeof(t->name), "%s", res->pw_name);
		if (!t->have_gid) {
			t->gid = res->pw_gid;
			t->have_gid = true;
		}
	}
	free(buf);
	return 0;
}

int
privdrop_to_invoker(const char *user, char *err, size_t errlen)
{
	if (geteuid() != 0)
		return 0;
	target_user_t t;
	memset(&t, 0, sizeof(t));
	if (user != NULL && *user != '\0') {
		if (lookup_user(user, &t, err, errlen) != 0)
			return -1;
	} else {
		const char *suid = getenv("SUDO_UID");
		if (suid == NULL || *suid == '\0')
			return 0;
		if (lookup_invoker(suid, getenv("SUDO_GID"), &t, err, errlen) != 0)
			return -1;
	}
	if (t.uid == 0)
		return 0;		/* root invoked sudo, or asked for root */
	if (!t.have_gid)		/* a bare uid: its own group, never root's */
		t.gid = (gid_t)t.uid;

	/* Groups first: after setuid() there is no privilege left to change them. */
	if (t.name[0] != '\0' ? initgroups(t.name, t.gid) != 0
	    : setgroups(1, &t.gid) != 0)
		return cap_err(err, errlen, "cannot set the groups of uid %lu: %s",
		    (unsigned long)t.uid, strerror(errno));
	/* As root, setgid()/setuid() set the real, effective and saved ids. */
	if (setgid(t.gid) != 0)
		return cap_err(err, errlen, "cannot change to gid %lu: %s",
		    (unsigned long)t.gid, strerror(errno));
	if (setuid(t.uid) != 0)
		return cap_err(err, errlen, "cannot change to uid %lu: %s",
		    (unsigned long)t.uid, strerror(errno));

	if (getuid() != t.uid || geteuid() != t.uid || getgid() != t.gid ||
	    getegid() != t.gid)
		return cap_err(err, errlen, "privilege drop to uid %lu incomplete",
		    (unsigned long)t.uid);
	if (setuid(0) == 0 || seteuid(0) == 0)
		return cap_err(err, errlen, "privilege drop to uid %lu failed: "
		    "root can be regained", (unsigned long)t.uid);
	if (t.gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
		return cap_err(err, errlen, "privilege drop to gid %lu failed: "
		    "group root can be regained", (unsigned long)t.gid);
	return 0;
}
