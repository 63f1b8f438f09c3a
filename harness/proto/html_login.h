/*
 * What a web page is for, as far as access control goes, pure and bounded:
 * whether it asks for a password, and whether it only sends the browser
 * somewhere else.  A device that answers a protected path with its login
 * page, or with a page that jumps to the login, answers 200 without giving
 * anything away; these tell such pages from content.
 */
#ifndef IOTCERT_HTML_LOGIN_H
#define IOTCERT_HTML_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A login page: an <input> whose type attribute is "password" (any case,
 * quoted or not, comments skipped), or a <title> naming a login ("Login",
 * "Log in", "Sign in", "Anmelden", ...).
 */
bool html_login_page(const uint8_t *p, size_t n);

/*
 * A page that only moves the browser on: a <meta http-equiv="refresh">, or
 * a script assigning location / calling location.replace(), in a page of at
 * most HTML_REDIRECT_MAX bytes (a full page that happens to script a
 * navigation somewhere is content, not a redirect).
 */
#define HTML_REDIRECT_MAX 2048
bool html_soft_redirect(const uint8_t *p, size_t n);

#endif
