/*
 * cmd_serve.c - roi serve: the review pages in a browser
 *
 *   roi serve [--listen ADDRESS:PORT]
 *
 * A small web server (libmicrohttpd) on this machine for the people of
 * roi user: the review queue, a case with each record page as a picture,
 * its proposals numbered over it and listed beside it, keep and restore,
 * a dragged rectangle or typed words to black out, withhold and include a
 * record, approve and reject.  Everything a page changes goes through the
 * review model (review.h), as roi review does; who did it is the signed-in
 * person, and only a reviewer changes anything.
 *
 * Listening: [web] listen, else 127.0.0.1:8750.  Only this machine's
 * loopback address is served without TLS; anything else is refused (TLS
 * is not built yet).
 *
 * SECURITY: the network is hostile.  Every request but the login page and
 * the style sheet needs a session: a 256-bit random token in an HttpOnly,
 * SameSite=Strict cookie (Secure under TLS), ended after [web]
 * idle_minutes without a request and after 12 hours at most; a new token
 * at every sign-in.  Every POST carries the session's CSRF token (the
 * login form one of its own, bound to a cookie) and, when the browser
 * sends Origin, must come from this server; the Host header must name it
 * (DNS rebinding).  URLs are matched against fixed patterns of numbers
 * only: no text from a URL reaches the file system or SQL text; page
 * pictures come from pagecache.h, drawn in a confined child, never here.
 * Request bodies are capped (SERVE_BODY_MAX), as are connections (total,
 * per address), their memory and idle time.  Responses forbid caching,
 * framing, sniffing and any script or style not served from here (CSP).
 * The person's role is read from the store on every request, so removing
 * a person or changing a role takes effect at once.
 * FILES: HOME/roi.db; HOME/spool/pages/ (pictures, through pagecache.h).
 */
#include <arpa/inet.h>
#include <math.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "keys.h"
#include "msg.h"
#include "pagecache.h"
#include "review.h"
#include "roi.h"
#include "spool.h"
#include "store.h"
#include "user.h"

#define SERVE_BODY_MAX		(16 * 1024)	/* a form is small */
#define SERVE_CONN_MAX		64
#define SERVE_CONN_PER_IP	24
#define SERVE_CONN_TIMEOUT	30		/* seconds a connection may idle */
#define SERVE_CONN_MEMORY	(64 * 1024)	/* headers and buffers of one */
#define SERVE_SESSIONS		128
#define SERVE_SESSION_MAX	(12 * 3600)	/* a session's whole life */
#define SERVE_TOKEN		65		/* 32 random bytes in hex, NUL */
#define SERVE_FLASH		1024

struct session {
	char	token[SERVE_TOKEN];
	char	csrf[SERVE_TOKEN];
	char	user[USER_NAMELEN];
	time_t	created, seen;
	char	flash[SERVE_FLASH];	/* said once on the next page */
	int	flash_bad;
	char	pass[KEYS_PASSLEN];	/* a release passphrase, shown once */
	char	pass_to[REVIEW_NAMELEN];
};

struct server {
	const char		*home;
	struct config		*cfg;
	struct store		*st;
	char			host[128];	/* as listened on, for Host: */
	unsigned		port;
	int			tls;
	struct session		s[SERVE_SESSIONS];
};

/* one request's state across libmicrohttpd's calls */
struct req {
	char	*body;
	size_t	len;
	int	too_big;
};

struct buf {
	char	*p;
	size_t	len, cap;
	int	oom;
};

/* this response's nonce for its one <style> element (the boxes' places):
 * the CSP allows no inline style attribute.  One thread serves, so one
 * response is built at a time */
static char			style_nonce[33];

/* ---- output ---- */

static void
bput(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t	cap = b->cap ? b->cap : 4096;
		char	*p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	char	tmp[2048], *big = NULL;
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		bput(b, tmp, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	bput(b, big, (size_t)n);
	free(big);
}

/* besc - text into HTML (element content and quoted attributes alike) */
static void
besc(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': bput(b, "&amp;", 5); break;
		case '<': bput(b, "&lt;", 4); break;
		case '>': bput(b, "&gt;", 4); break;
		case '"': bput(b, "&quot;", 6); break;
		case '\'': bput(b, "&#39;", 5); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				bput(b, "?", 1);
			else
				bput(b, s, 1);
		}
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long
jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* headers - what every response says: no caching of PHI, no framing, no
 * sniffing, nothing from elsewhere */
static void
headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	char csp[300];

	snprintf(csp, sizeof csp, "default-src 'none'; img-src 'self'; style-src 'self'%s%s%s;"
	    " script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	    style_nonce[0] ? " 'nonce-" : "", style_nonce, style_nonce[0] ? "'" : "");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
}

static enum MHD_Result
send_buf(struct MHD_Connection *c, unsigned status, const char *type, struct buf *b,
    const char *cookie)
{
	struct MHD_Response	*r;
	enum MHD_Result		ret;

	if (b->oom) {
		free(b->p);
		b->p = NULL;
		b->len = 0;
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	r = MHD_create_response_from_buffer(b->len, b->p ? b->p : (char *)"", MHD_RESPMEM_MUST_COPY);
	free(b->p);
	if (r == NULL)
		return MHD_NO;
	headers(r, type);
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
	struct MHD_Response	*r = MHD_create_response_from_buffer(0, (char *)"",
	    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result		ret;

	if (r == NULL)
		return MHD_NO;
	headers(r, "text/plain");
	MHD_add_response_header(r, "Location", to);
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

static void
page_top(struct buf *b, const char *title, const struct session *s, enum user_role role)
{
	bprintf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<link rel=\"stylesheet\" href=\"/static/roi.css\"><title>");
	besc(b, title);
	bprintf(b, " - roi</title></head><body>\n<header><a class=\"brand\" href=\"/queue\">roi"
	    " &middot; review</a>");
	if (s) {
		bprintf(b, "<span class=\"who\">");
		besc(b, s->user);
		bprintf(b, " (%s)</span><form method=\"post\" action=\"/logout\" class=\"inline\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button>Sign out</button>"
		    "</form>", user_role_name(role), s->csrf);
	}
	bprintf(b, "</header>\n<main>\n");
}

static void
page_end(struct buf *b)
{
	bprintf(b, "</main>\n<script src=\"/static/roi.js\"></script>\n</body></html>\n");
}

static enum MHD_Result
error_page(struct MHD_Connection *c, unsigned status, const char *what)
{
	struct buf b = { 0 };

	page_top(&b, "Not possible", NULL, USER_NONE);
	bprintf(&b, "<h1>Not possible</h1><p class=\"bad\">");
	besc(&b, what);
	bprintf(&b, "</p><p><a href=\"/queue\">Back to the queue</a></p>");
	page_end(&b);
	return send_buf(c, status, "text/html; charset=utf-8", &b, NULL);
}

/* ---- sessions ---- */

static void
token(char out[SERVE_TOKEN])
{
	unsigned char r[32];

	randombytes_buf(r, sizeof r);
	sodium_bin2hex(out, SERVE_TOKEN, r, sizeof r);
	sodium_memzero(r, sizeof r);
}

static void
session_end(struct session *s)
{
	sodium_memzero(s, sizeof *s);
}

/* session_find - the live session of the cookie, or NULL (expired ones end) */
static struct session *
session_find(struct server *sv, struct MHD_Connection *c, int *expired)
{
	const char	*tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "roi_session");
	time_t		now = time(NULL);
	int		i;

	*expired = 0;
	if (tok == NULL || strlen(tok) != SERVE_TOKEN - 1)
		return NULL;
	for (i = 0; i < SERVE_SESSIONS; i++) {
		struct session *s = &sv->s[i];

		if (s->token[0] == '\0' || sodium_memcmp(s->token, tok, SERVE_TOKEN - 1) != 0)
			continue;
		if (now - s->seen > (time_t)sv->cfg->web_idle_minutes * 60 ||
		    now - s->created > SERVE_SESSION_MAX) {
			user_event(sv->st, s->user, "expired", s->user, "");
			session_end(s);
			*expired = 1;
			return NULL;
		}
		s->seen = now;
		return s;
	}
	return NULL;
}

static struct session *
session_new(struct server *sv, const char *user)
{
	struct session	*s = NULL;
	time_t		now = time(NULL);
	int		i;

	for (i = 0; i < SERVE_SESSIONS; i++) {
		struct session *x = &sv->s[i];

		if (x->token[0] && (now - x->seen > (time_t)sv->cfg->web_idle_minutes * 60 ||
		    now - x->created > SERVE_SESSION_MAX))
			session_end(x);
		if (x->token[0] == '\0' && s == NULL)
			s = x;
	}
	if (s == NULL) {
		/* full: the one idle longest goes */
		s = &sv->s[0];
		for (i = 1; i < SERVE_SESSIONS; i++)
			if (sv->s[i].seen < s->seen)
				s = &sv->s[i];
		session_end(s);
	}
	token(s->token);
	token(s->csrf);
	snprintf(s->user, sizeof s->user, "%s", user);
	s->created = s->seen = now;
	return s;
}

static void
cookie(struct server *sv, char *out, size_t len, const char *name, const char *value, int gone)
{
	snprintf(out, len, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
	    sv->tls ? "; Secure" : "", gone ? "; Max-Age=0" : "");
}

static void
flash(struct session *s, int bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
flash(struct session *s, int bad, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->flash, sizeof s->flash, fmt, ap);
	va_end(ap);
	s->flash_bad = bad;
}

static void
show_flash(struct buf *b, struct session *s)
{
	if (s->flash[0]) {
		bprintf(b, "<p class=\"flash%s\" role=\"status\">", s->flash_bad ? " bad" : "");
		besc(b, s->flash);
		bprintf(b, "</p>\n");
		s->flash[0] = '\0';
	}
	if (s->pass[0]) {
		bprintf(b, "<div class=\"pass\"><p>Passphrase for ");
		besc(b, s->pass_to);
		bprintf(b, ":</p><p class=\"phrase\">%s</p><p>Give it to the recipient by phone, not"
		    " with the package. roi will not show it again.</p></div>\n", s->pass);
		sodium_memzero(s->pass, sizeof s->pass);
	}
}

/* ---- forms ---- */

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* form_get - field name of an x-www-form-urlencoded body, decoded into
 * out; 1 found, 0 not (or not valid: a NUL, or too long) */
static int
form_get(const struct req *q, const char *name, char *out, size_t len)
{
	const char	*p = q->body, *end = q->body ? q->body + q->len : NULL;
	size_t		nl = strlen(name);

	out[0] = '\0';
	while (p && p < end) {
		const char	*amp = memchr(p, '&', (size_t)(end - p));
		const char	*e = amp ? amp : end;
		size_t		n = 0;

		if ((size_t)(e - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
			for (p += nl + 1; p < e; p++) {
				int c = (unsigned char)*p;

				if (c == '+')
					c = ' ';
				else if (c == '%') {
					if (e - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
						return 0;
					c = hexval(p[1]) * 16 + hexval(p[2]);
					p += 2;
				}
				if (c == 0 || n + 1 >= len)
					return 0;
				out[n++] = (char)c;
			}
			out[n] = '\0';
			return 1;
		}
		p = amp ? amp + 1 : end;
	}
	return 0;
}

/* num - a positive decimal of at most 12 digits, else 0 */
static int64_t
num(const char *s, size_t n)
{
	int64_t	v = 0;
	size_t	i;

	if (n == 0 || n > 12)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* csrf_ok - the form's token is the session's (constant time) */
static int
csrf_ok(const struct req *q, const char *want)
{
	char got[SERVE_TOKEN + 1];

	return form_get(q, "csrf", got, sizeof got) && strlen(got) == SERVE_TOKEN - 1 &&
	    strlen(want) == SERVE_TOKEN - 1 && sodium_memcmp(got, want, SERVE_TOKEN - 1) == 0;
}

/* ---- pages ---- */

static const char css[] =
	"*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d2430;"
	"background:#f4f5f7}header{display:flex;gap:1em;align-items:center;padding:.6em 1.2em;"
	"background:#23395b;color:#fff}header a{color:#fff;text-decoration:none}"
	".brand{font-weight:600;margin-right:auto}.who{opacity:.85}main{padding:1em 1.5em;"
	"max-width:1400px;margin:auto}h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;"
	"margin:1.4em 0 .4em}table{border-collapse:collapse;background:#fff;width:100%}"
	"th,td{padding:.45em .7em;border-bottom:1px solid #dde1e7;text-align:left}"
	"th{background:#e9edf3;font-weight:600}tr:hover td{background:#f7f9fc}"
	".num{text-align:right}.inline{display:inline}button{font:inherit;padding:.3em .8em;"
	"border:1px solid #8a96a8;border-radius:4px;background:#fff;cursor:pointer}"
	"button:hover{background:#eef2f8}button.primary{background:#23395b;color:#fff;"
	"border-color:#23395b}button.danger{border-color:#b3261e;color:#b3261e}"
	"header button{background:transparent;color:#fff;border-color:#9fb0c8}"
	"input[type=text],input[type=password]{font:inherit;padding:.3em .5em;border:1px solid"
	" #8a96a8;border-radius:4px;width:100%}label{display:block;margin:.5em 0 .2em}"
	".login{max-width:22em;margin:4em auto;background:#fff;padding:1.5em;border-radius:6px;"
	"box-shadow:0 1px 4px #0002}.flash{padding:.6em 1em;background:#e5f3e8;border-left:4px"
	" solid #2e7d32}.bad{background:#fdecea;border-left:4px solid #b3261e;padding:.6em 1em}"
	".pass{background:#fff8e1;border:1px solid #f0c36d;padding:.6em 1em}.phrase{font:1.3em"
	" monospace}.facts{display:flex;flex-wrap:wrap;gap:.4em 2em;background:#fff;padding:.7em"
	" 1em;border-radius:6px}.facts div span{color:#5a6578}.doc{background:#fff;padding:.2em"
	" 1em 1em;border-radius:6px;margin:1em 0}.pagerow{display:flex;gap:1.2em;align-items:"
	"flex-start;margin:1em 0}.sheet{position:relative;flex:0 0 auto;width:min(62vw,"
	"850px);border:1px solid #c5ccd6;box-shadow:0 1px 3px #0002;background:#fff}.sheet img"
	"{display:block;width:100%;height:auto}.box{position:absolute;background:rgba(198,40,40,.32);"
	"cursor:pointer}.box.kept{background:rgba(46,125,50,.16)}"
	".box.flagged,.box.disclosed{background:rgba(21,101,192,.08);outline:1px solid #1565c0}.box.sel{outline:3px solid #ffb300}.tag{position:absolute;right:100%;top:-1px;"
	"margin-right:3px;font:bold 11px/1.2 sans-serif;background:#c62828;color:#fff;padding:1px 4px;border-radius"
	":3px}.kept .tag{background:#2e7d32}.flagged .tag,.disclosed .tag{background:#1565c0}"
	".list{flex:1 1 auto;min-width:18em}.prop{background:#fbfcfd;border:1px solid #dde1e7;"
	"border-left:5px solid #c62828;padding:.5em .7em;margin:0 0 .6em;border-radius:4px}"
	".prop.kept{border-left-color:#2e7d32}.prop.flagged,.prop.disclosed{border-left-color:"
	"#1565c0}.prop.sel{box-shadow:0 0 0 3px #ffb300}.prop .n{font-weight:700}.prop q{"
	"font-style:italic}.muted{color:#5a6578;font-size:.92em}.state{font-size:.85em;"
	"text-transform:uppercase;letter-spacing:.04em}.decide{background:#fff;padding:1em;"
	"border-radius:6px;margin:1.5em 0;display:flex;gap:2em;flex-wrap:wrap}.decide form{"
	"flex:1 1 20em}.prop form,form.withhold{margin-top:.4em;display:flex;gap:.4em}"
	".prop form input,form.withhold input{flex:1}form.withhold{max-width:40em}"
	".sheet.draw{cursor:crosshair}.drawing{position:absolute;background:rgba(0,0,0,.55);"
	"outline:2px solid #000}.boxform{position:absolute;z-index:5;background:#fff;border:1px"
	" solid #8a96a8;padding:.4em;border-radius:4px;box-shadow:0 2px 6px #0003;display:flex;"
	"gap:.3em;width:32em}.boxform input{flex:1;min-width:12em}.hint{font-size:.9em;color:#5a6578}"
	"@media (max-width:900px){.pagerow{flex-direction:column}.sheet{width:100%}}";

static const char js[] =
	"/* roi review pages: click a numbered box to find its proposal, and back */\n"
	"document.addEventListener('click',function(e){\n"
	" var t=e.target.closest('[data-p]');if(!t)return;\n"
	" var id=t.getAttribute('data-p');\n"
	" document.querySelectorAll('.sel').forEach(function(x){x.classList.remove('sel')});\n"
	" document.querySelectorAll('[data-p=\"'+id+'\"]').forEach(function(x){x.classList.add('sel')});\n"
	" if(t.classList.contains('box')){var l=document.getElementById('p'+id);\n"
	"  if(l){l.scrollIntoView({block:'nearest'});var i=l.querySelector('input[type=text]');if(i)i.focus();}}\n"
	"});\n"
	"/* drag on a page to black out an area: the box goes to the server in points */\n"
	"var drag=null;\n"
	"document.addEventListener('mousedown',function(e){\n"
	" var sh=e.target.closest('.sheet.draw');if(!sh||e.button!==0||e.target.closest('.box,.boxform'))return;\n"
	" e.preventDefault();var old=document.querySelector('.boxform,.drawing');\n"
	" document.querySelectorAll('.boxform,.drawing').forEach(function(x){x.remove()});\n"
	" var r=sh.getBoundingClientRect();drag={sh:sh,r:r,x:e.clientX-r.left,y:e.clientY-r.top,el:document.createElement('div')};\n"
	" drag.el.className='drawing';sh.appendChild(drag.el);place(drag,e);\n"
	"});\n"
	"function place(g,e){var x=Math.max(0,Math.min(e.clientX-g.r.left,g.r.width)),y=Math.max(0,Math.min(e.clientY-g.r.top,g.r.height));\n"
	" g.x0=Math.min(g.x,x);g.y0=Math.min(g.y,y);g.x1=Math.max(g.x,x);g.y1=Math.max(g.y,y);\n"
	" g.el.style.left=g.x0+'px';g.el.style.top=g.y0+'px';g.el.style.width=(g.x1-g.x0)+'px';g.el.style.height=(g.y1-g.y0)+'px';}\n"
	"document.addEventListener('mousemove',function(e){if(drag)place(drag,e)});\n"
	"document.addEventListener('mouseup',function(e){\n"
	" if(!drag)return;var g=drag;drag=null;place(g,e);\n"
	" if(g.x1-g.x0<4||g.y1-g.y0<4){g.el.remove();return;}\n"
	" var sh=g.sh,kx=parseFloat(sh.dataset.pw)/g.r.width,ky=parseFloat(sh.dataset.ph)/g.r.height;\n"
	" var f=document.createElement('form');f.method='post';f.className='boxform';\n"
	" f.action=location.pathname.replace(/\\/$/,'')+'/box';\n"
	" var v={csrf:document.querySelector('input[name=csrf]').value,doc:sh.dataset.doc,page:sh.dataset.page,\n"
	"  x0:(g.x0*kx).toFixed(2),y0:(g.y0*ky).toFixed(2),x1:(g.x1*kx).toFixed(2),y1:(g.y1*ky).toFixed(2)};\n"
	" for(var k in v){var i=document.createElement('input');i.type='hidden';i.name=k;i.value=v[k];f.appendChild(i);}\n"
	" var t=document.createElement('input');t.type='text';t.name='reason';t.placeholder='why (optional)';t.maxLength=300;f.appendChild(t);\n"
	" var b=document.createElement('button');b.textContent='Black out this area';b.name='box';b.className='primary';f.appendChild(b);\n"
	" var c=document.createElement('button');c.type='button';c.textContent='Cancel';\n"
	" c.addEventListener('click',function(){f.remove();g.el.remove();});f.appendChild(c);\n"
	" f.style.left=Math.min(g.x0,Math.max(0,g.r.width-420))+'px';f.style.top=(g.y1+6)+'px';sh.appendChild(f);t.focus();\n"
	"});\n"
	"document.addEventListener('keydown',function(e){\n"
	" if(e.target.tagName==='INPUT')return;\n"
	" var ps=[].slice.call(document.querySelectorAll('.pagerow'));if(!ps.length)return;\n"
	" var y=window.scrollY+10,i=0;ps.forEach(function(p,k){if(p.offsetTop<=y)i=k});\n"
	" if(e.key==='j'||e.key==='PageDown'&&e.altKey){i=Math.min(i+1,ps.length-1)}\n"
	" else if(e.key==='k'){i=Math.max(i-(ps[i].offsetTop<y-20?0:1),0)}else return;\n"
	" e.preventDefault();window.scrollTo(0,ps[i].offsetTop-10);\n"
	"});\n";

static enum MHD_Result
static_file(struct MHD_Connection *c, const char *what)
{
	struct buf b = { 0 };

	if (strcmp(what, "roi.css") == 0) {
		bput(&b, css, sizeof css - 1);
		return send_buf(c, MHD_HTTP_OK, "text/css; charset=utf-8", &b, NULL);
	}
	bput(&b, js, sizeof js - 1);
	return send_buf(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", &b, NULL);
}

static enum MHD_Result
login_page(struct server *sv, struct MHD_Connection *c, const char *msg, int bad,
    unsigned status)
{
	struct buf	b = { 0 };
	const char	*had = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "roi_login");
	char		pre[SERVE_TOKEN], ck[256];
	size_t		i;

	/* the browser's own token stays (another tab, a favicon's redirect
	 * must not void a form already shown); a new one otherwise */
	if (had && strlen(had) == SERVE_TOKEN - 1 && strspn(had, "0123456789abcdef") ==
	    SERVE_TOKEN - 1) {
		for (i = 0; i < SERVE_TOKEN; i++)
			pre[i] = had[i];
	} else
		token(pre);
	cookie(sv, ck, sizeof ck, "roi_login", pre, 0);
	page_top(&b, "Sign in", NULL, USER_NONE);
	bprintf(&b, "<form class=\"login\" method=\"post\" action=\"/login\"><h1>Sign in</h1>");
	if (msg) {
		bprintf(&b, "<p class=\"%s\" role=\"alert\">", bad ? "bad" : "flash");
		besc(&b, msg);
		bprintf(&b, "</p>");
	}
	bprintf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label for=\"name\">Name</label><input type=\"text\" id=\"name\" name=\"name\""
	    " autocomplete=\"username\" autofocus required maxlength=\"32\">"
	    "<label for=\"password\">Password</label><input type=\"password\" id=\"password\""
	    " name=\"password\" autocomplete=\"current-password\" required maxlength=\"128\">"
	    "<p><button class=\"primary\" type=\"submit\">Sign in</button></p></form>", pre);
	page_end(&b);
	return send_buf(c, status, "text/html; charset=utf-8", &b, ck);
}

static enum MHD_Result
login_post(struct server *sv, struct MHD_Connection *c, const struct req *q)
{
	const char		*pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "roi_login");
	const union MHD_ConnectionInfo *ci;
	char			name[USER_NAMELEN + 1], pass[USER_PASS_MAX + 2], why[256];
	char			from[64] = "", ck[256];
	enum user_role		role;
	struct session		*s;
	int			r;

	if (pre == NULL || !csrf_ok(q, pre))
		return error_page(c, MHD_HTTP_FORBIDDEN, "This form has expired or did not come"
		    " from this page: open the sign-in page again.");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
			    from, sizeof from);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			    from, sizeof from);
	}
	if (!form_get(q, "name", name, sizeof name))
		name[0] = '\0';
	if (!form_get(q, "password", pass, sizeof pass))
		pass[0] = '\0';
	r = user_login(sv->st, name, pass, time(NULL), from, &role, why, sizeof why);
	sodium_memzero(pass, sizeof pass);
	if (r != 0)
		return login_page(sv, c, r == 1 ? why : "roi could not check that: try again",
		    1, r == 1 ? MHD_HTTP_FORBIDDEN : MHD_HTTP_INTERNAL_SERVER_ERROR);
	s = session_new(sv, name);
	cookie(sv, ck, sizeof ck, "roi_session", s->token, 0);
	return redirect(c, "/queue", ck);
}

static void
age_text(long long secs, char *out, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 3600)
		snprintf(out, len, "%lld min", secs / 60);
	else if (secs < 2 * 86400)
		snprintf(out, len, "%lld h", secs / 3600);
	else
		snprintf(out, len, "%lld days", secs / 86400);
}

static const char *
decision_text(const char *d)
{
	return !*d ? "not checked" : strcmp(d, "valid") == 0 ? "valid" :
	    strcmp(d, "valid_with_part2") == 0 ? "valid, Part 2 consent" : d;
}

static enum MHD_Result
queue_page(struct server *sv, struct MHD_Connection *c, struct session *s, enum user_role role)
{
	struct buf	b = { 0 };
	json_t		*q = review_queue_json(sv->st, 0), *o;
	size_t		i;
	char		a[32];

	if (q == NULL)
		return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The queue could not be read.");
	page_top(&b, "Review queue", s, role);
	show_flash(&b, s);
	bprintf(&b, "<h1>Waiting for review</h1>\n");
	if (json_array_size(q) == 0)
		bprintf(&b, "<p>Nothing waits for review.</p>\n");
	else
		bprintf(&b, "<table id=\"queue\"><thead><tr><th>Case</th><th>Due</th>"
		    "<th>Request</th><th>Waiting</th><th>Patient</th><th class=\"num\">Records</th><th class=\"num\">Pages</th>"
		    "<th class=\"num\">Proposed redactions</th><th>Authorization</th>"
		    "<th>Part 2</th></tr></thead><tbody>\n");
	json_array_foreach(q, i, o) {
		const char *p2 = jstr(o, "part2");

		age_text(jint(o, "age_seconds"), a, sizeof a);
		bprintf(&b, "<tr><td><a href=\"/case/%lld\">", (long long)case_arg(jstr(o, "case")));
		besc(&b, jstr(o, "case"));
		bprintf(&b, "</a></td><td>");
		besc(&b, *jstr(o, "due") ? jstr(o, "due") : "-");
		bprintf(&b, "</td><td>");
		besc(&b, *jstr(o, "type") ? jstr(o, "type") : "-");
		bprintf(&b, "</td><td>%s</td><td>", a);
		besc(&b, jstr(o, "patient_initials"));
		if (*jstr(o, "patient")) {
			bprintf(&b, " <span class=\"muted\">");
			besc(&b, jstr(o, "patient"));
			bprintf(&b, "</span>");
		}
		bprintf(&b, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		    "<td class=\"num\">%lld</td><td>", jint(o, "records"), jint(o, "pages"),
		    jint(o, "proposals"));
		besc(&b, decision_text(jstr(o, "decision")));
		bprintf(&b, "</td><td>%s</td></tr>\n", strcmp(p2, "redact") == 0 ? "found: redact" :
		    strcmp(p2, "disclose") == 0 ? "disclosed with notice" : "none found");
	}
	if (json_array_size(q))
		bprintf(&b, "</tbody></table>\n");
	json_decref(q);
	page_end(&b);
	return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, NULL);
}

/* box_html - one numbered box over a page of pw x ph points; its place
 * goes into the page's style element (st), named by its number n */
static void
box_html(struct buf *b, struct buf *st, int *n, json_t *box, int64_t id, const char *cls,
    float pw, float ph, int tag)
{
	double x0 = json_number_value(json_array_get(box, 0)), y0 = json_number_value(json_array_get(box, 1));
	double x1 = json_number_value(json_array_get(box, 2)), y1 = json_number_value(json_array_get(box, 3));

	if (!(x1 > x0 && y1 > y0) || pw <= 0 || ph <= 0)
		return;
	(*n)++;
	bprintf(st, "#b%d{left:%.3f%%;top:%.3f%%;width:%.3f%%;height:%.3f%%}\n", *n,
	    100.0 * x0 / pw, 100.0 * y0 / ph, 100.0 * (x1 - x0) / pw, 100.0 * (y1 - y0) / ph);
	bprintf(b, "<div class=\"box %s\" id=\"b%d\" data-p=\"%lld\" title=\"#%lld\">", cls, *n,
	    (long long)id, (long long)id);
	if (tag)
		bprintf(b, "<span class=\"tag\">%lld</span>", (long long)id);
	bprintf(b, "</div>");
}

/* prop_html - one proposal in the list beside its page, with its button */
static void
prop_html(struct buf *b, const struct session *s, int64_t cid, json_t *p, const char *state,
    int can)
{
	long long id = jint(p, "id");

	bprintf(b, "<div class=\"prop %s\" id=\"p%lld\" data-p=\"%lld\"><span class=\"n\">#%lld"
	    "</span> <span class=\"state\">%s</span> <q>", state, id, id, id,
	    strcmp(state, "proposed") == 0 ? (jint(p, "page") ? "blacked out" : "withheld whole") :
	    strcmp(state, "kept") == 0 ? "kept: goes out" : strcmp(state, "flagged") == 0 ?
	    "flagged: goes out" : "disclosed");
	besc(b, jstr(p, "text"));
	bprintf(b, "</q><div class=\"muted\">");
	if (strcmp(state, "kept") != 0)
		besc(b, *jstr(p, "reason") ? jstr(p, "reason") : jstr(p, "category"));
	if (strcmp(state, "kept") != 0 && *jstr(p, "rule") &&
	    !strstr(jstr(p, "reason"), jstr(p, "rule"))) {
		bprintf(b, " &middot; rule <code>");
		besc(b, jstr(p, "rule"));
		bprintf(b, "</code>");
	}
	if (strcmp(state, "kept") == 0) {
		if (*jstr(p, "proposed_reason")) {
			bprintf(b, "<br>proposed: ");
			besc(b, jstr(p, "proposed_reason"));
		}
		bprintf(b, "<br>kept by ");
		besc(b, jstr(p, "by"));
		bprintf(b, ": ");
		besc(b, jstr(p, "reason"));
	}
	bprintf(b, "</div>");
	if (can && strcmp(state, "proposed") == 0 && jint(p, "page") == 0)
		bprintf(b, "<form method=\"post\" action=\"/case/%lld/include\"><input"
		    " type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"doc\""
		    " value=\"%lld\"><input type=\"text\" name=\"reason\" required maxlength=\"300\""
		    " placeholder=\"why this record may go out\" aria-label=\"why document %lld may"
		    " go out\"><button name=\"include\" value=\"%lld\">Send this record (with its"
		    " page redactions)</button></form>", (long long)cid, s->csrf, jint(p, "doc"),
		    jint(p, "doc"), jint(p, "doc"));
	else if (can && strcmp(state, "proposed") == 0)
		bprintf(b, "<form method=\"post\" action=\"/case/%lld/keep\"><input type=\"hidden\""
		    " name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"pid\" value=\"%lld\">"
		    "<input type=\"text\" name=\"reason\" required maxlength=\"300\" placeholder="
		    "\"why this may go out\" aria-label=\"why #%lld may go out\"><button"
		    " name=\"keep\" value=\"%lld\">Let this go out</button></form>", (long long)cid,
		    s->csrf, id, id, id);
	else if (can && strcmp(state, "kept") == 0)
		bprintf(b, "<form method=\"post\" action=\"/case/%lld/restore\"><input type=\"hidden\""
		    " name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"pid\" value=\"%lld\">"
		    "<button name=\"restore\" value=\"%lld\">Black it out again</button></form>",
		    (long long)cid, s->csrf, id, id);
	bprintf(b, "</div>\n");
}

/* on_page - proposals of list on doc's page (0: whole document) */
static int
on_page(json_t *p, long long doc, int page)
{
	return jint(p, "doc") == doc && jint(p, "page") == page;
}

static enum MHD_Result
case_page(struct server *sv, struct MHD_Connection *c, struct session *s, enum user_role role,
    int64_t id)
{
	static const char *const lists[] = { "proposals", "kept", "flagged", "disclosed" };
	static const char *const states[] = { "proposed", "kept", "flagged", "disclosed" };
	struct review_case	r;
	struct buf		b = { 0 }, places = { 0 };
	char			why[REVIEW_WHY], a[32], title[32];
	json_t			*j, *rec, *p;
	size_t			i, k;
	int			rc, can, pending, l, nbox = 0;
	unsigned char		nr[16];

	if ((rc = review_load(sv->st, id, &r, why, sizeof why)) != 1) {
		review_case_release(&r);
		return error_page(c, rc == 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR,
		    rc == 0 ? why : "The case could not be read.");
	}
	j = review_case_json(sv->st, &r);
	pending = strcmp(r.state, "pending") == 0;
	can = pending && role == USER_REVIEWER;
	snprintf(title, sizeof title, "C-%lld", (long long)id);
	page_top(&b, title, s, role);
	show_flash(&b, s);
	age_text(jint(j, "age_seconds"), a, sizeof a);
	bprintf(&b, "<p><a href=\"/queue\">&larr; the queue</a></p><h1>Case C-%lld</h1>\n"
	    "<div class=\"facts\"><div><span>Review:</span> <b id=\"state\">%s</b></div>"
	    "<div><span>Waiting:</span> %s</div><div><span>Patient:</span> ", (long long)id,
	    r.state, a);
	besc(&b, jstr(j, "patient_initials"));
	if (json_string_value(json_object_get(r.auth, "patient"))) {
		bprintf(&b, " (");
		besc(&b, json_string_value(json_object_get(r.auth, "patient")));
		bprintf(&b, ")");
	}
	bprintf(&b, "</div><div><span>Authorization:</span> ");
	besc(&b, decision_text(r.decision));
	bprintf(&b, "</div><div><span>Part 2:</span> %s</div>", strcmp(r.part2, "redact") == 0 ?
	    "found; proposed for redaction" : strcmp(r.part2, "disclose") == 0 ?
	    "disclosed with the 42 CFR 2.32 notice" : "none found");
	if (r.decided) {
		bprintf(&b, "<div><span>Decided by:</span> ");
		besc(&b, r.decided_by);
		if (r.reason[0]) {
			bprintf(&b, ": ");
			besc(&b, r.reason);
		}
		bprintf(&b, "</div>");
	}
	if (can)
		bprintf(&b, "<div><a href=\"#approve\">Approve or reject &darr;</a></div>");
	bprintf(&b, "</div>\n");
	if (role != USER_REVIEWER)
		bprintf(&b, "<p class=\"muted\">You can read this case; only a reviewer can change"
		    " it.</p>\n");
	if (can)
		bprintf(&b, "<form method=\"post\" action=\"/case/%lld/text\" class=\"withhold\""
		    " id=\"words\"><input type=\"hidden\" name=\"csrf\" value=\"%s\"><input"
		    " type=\"text\" name=\"words\" required maxlength=\"200\" placeholder=\"words to"
		    " black out in every record (a misread copy is found too)\" aria-label=\"words"
		    " to black out\"><button name=\"text\">Black out everywhere</button></form>\n",
		    (long long)id, s->csrf);
	json_array_foreach(json_object_get(j, "records"), i, rec) {
		long long	doc = jint(rec, "doc");
		int		pg, pages = (int)jint(rec, "pages");
		json_t		*pat = json_object_get(rec, "patient");

		bprintf(&b, "<section class=\"doc\" id=\"d%lld\"><h2>Record ", doc);
		besc(&b, jstr(rec, "name"));
		bprintf(&b, " <span class=\"muted\">document %lld, %d page%s%s%s</span></h2>\n", doc, pages,
		    pages == 1 ? "" : "s", json_is_true(json_object_get(rec, "part2_notice")) ?
		    ", carries the 42 CFR 2.32 notice" : "",
		    json_is_true(json_object_get(rec, "psychotherapy_notes")) ?
		    ", psychotherapy notes" : "");
		if (json_is_true(json_object_get(pat, "blocks")))
			bprintf(&b, "<p class=\"bad\">This record does not clearly show the case's"
			    " patient: check it, then confirm it with <code>roi review"
			    " confirm-patient C-%lld %lld --reason WHY</code>. Approval waits.</p>\n",
			    (long long)id, doc);
		if (json_is_object(json_object_get(rec, "tpo")) &&
		    strcmp(jstr(json_object_get(rec, "tpo"), "answer"), "unanswered") == 0)
			bprintf(&b, "<p class=\"bad\">Received from a Part 2 program: say whether it"
			    " came under a TPO consent with <code>roi review tpo C-%lld %lld yes|no"
			    " --reason WHY</code>. Approval waits.</p>\n", (long long)id, doc);
		/* whole-document proposals; "Let this go out" on one includes the record */
		{
			int withheld = 0;

			for (l = 0; l < 4; l++)
				json_array_foreach(json_object_get(j, lists[l]), k, p)
					if (on_page(p, doc, 0)) {
						prop_html(&b, s, id, p, states[l], can);
						withheld |= l == 0;
					}
			if (can && !withheld)
				bprintf(&b, "<form method=\"post\" action=\"/case/%lld/withhold\""
				    " class=\"withhold\"><input type=\"hidden\" name=\"csrf\""
				    " value=\"%s\"><input type=\"hidden\" name=\"doc\" value=\"%lld\">"
				    "<input type=\"text\" name=\"reason\" required maxlength=\"300\""
				    " placeholder=\"why this record should not go out\" aria-label=\"why"
				    " document %lld should not go out\"><button name=\"withhold\""
				    " value=\"%lld\">Withhold this whole record</button></form>\n",
				    (long long)id, s->csrf, doc, doc, doc);
		}
		for (pg = 1; pg <= pages; pg++) {
			float	pw = 612, ph = 792;

			review_page_size(sv->st, doc, pg, &pw, &ph);
			bprintf(&b, "<div class=\"pagerow\" id=\"d%lld-p%d\"><div class=\"sheet%s\""
			    " data-doc=\"%lld\" data-page=\"%d\" data-pw=\"%.2f\" data-ph=\"%.2f\">",
			    doc, pg, can ? " draw" : "", doc, pg, (double)pw, (double)ph);
			bprintf(&b, "<img src=\"/img/%lld/%lld/%d\" alt=\"document %lld, page %d\""
			    " loading=\"lazy\" draggable=\"false\" width=\"%d\" height=\"%d\">",
			    (long long)id, doc, pg, doc, pg, (int)(pw * PAGECACHE_DPI / 72),
			    (int)(ph * PAGECACHE_DPI / 72));
			for (l = 0; l < 4; l++)
				json_array_foreach(json_object_get(j, lists[l]), k, p) {
					json_t	*bx;
					size_t	m;

					if (!on_page(p, doc, pg))
						continue;
					json_array_foreach(json_object_get(p, "boxes"), m, bx)
						box_html(&b, &places, &nbox, bx, jint(p, "id"),
						    states[l], pw, ph, m == 0);
				}
			bprintf(&b, "</div><div class=\"list\"><div class=\"muted\">Page %d of %d%s</div>",
			    pg, pages, can ? " &middot; drag on the page to black out an area" : "");
			for (l = 0; l < 4; l++)
				json_array_foreach(json_object_get(j, lists[l]), k, p)
					if (on_page(p, doc, pg))
						prop_html(&b, s, id, p, states[l], can);
			bprintf(&b, "</div></div>\n");
		}
		bprintf(&b, "</section>\n");
	}
	if (can)
		bprintf(&b, "<section class=\"decide\"><form method=\"post\" action=\"/case/%lld/approve\""
		    " id=\"approve\"><h2>Approve the release</h2><input type=\"hidden\" name=\"csrf\""
		    " value=\"%s\"><label for=\"to\">Recipient (empty: the one the authorization"
		    " names)</label><input type=\"text\" id=\"to\" name=\"to\" maxlength=\"120\">"
		    "<label for=\"override\">Override reason (only if the authorization check"
		    " failed)</label><input type=\"text\" id=\"override\" name=\"override\""
		    " maxlength=\"300\"><p><button class=\"primary\">Approve</button></p></form>"
		    "<form method=\"post\" action=\"/case/%lld/reject\" id=\"reject\"><h2>Reject</h2>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label for=\"rreason\">Why"
		    "</label><input type=\"text\" id=\"rreason\" name=\"reason\" required"
		    " maxlength=\"300\"><p><button class=\"danger\">Reject: release nothing</button>"
		    "</p></form></section>\n", (long long)id, s->csrf, (long long)id, s->csrf);
	bprintf(&b, "<h2>History</h2><table id=\"history\"><thead><tr><th>When</th><th>Who</th>"
	    "<th>What</th><th>Detail</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(j, "actions"), i, p) {
		bprintf(&b, "<tr><td>%.16s</td><td>", jstr(p, "at"));
		besc(&b, jstr(p, "who"));
		bprintf(&b, "</td><td>");
		besc(&b, jstr(p, "action"));
		if (jint(p, "proposal"))
			bprintf(&b, " #%lld", jint(p, "proposal"));
		bprintf(&b, "</td><td>");
		besc(&b, jstr(p, "detail"));
		bprintf(&b, "</td></tr>");
	}
	bprintf(&b, "</tbody></table>\n");
	/* where each box goes, under this response's nonce */
	randombytes_buf(nr, sizeof nr);
	sodium_bin2hex(style_nonce, sizeof style_nonce, nr, sizeof nr);
	bprintf(&b, "<style nonce=\"%s\">\n", style_nonce);
	if (places.p)
		bput(&b, places.p, places.len);
	bprintf(&b, "</style>\n");
	free(places.p);
	page_end(&b);
	json_decref(j);
	review_case_release(&r);
	{
		enum MHD_Result ret = send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, NULL);

		style_nonce[0] = '\0';
		return ret;
	}
}

static enum MHD_Result
image(struct server *sv, struct MHD_Connection *c, int64_t id, int64_t doc, int page)
{
	struct MHD_Response	*r;
	struct stat		sb;
	char			path[SPOOL_PATH], why[256];
	enum MHD_Result		ret;
	int			fd, rc;

	if (review_doc_of_case(sv->st, id, doc) != 1)
		return error_page(c, MHD_HTTP_NOT_FOUND, "No such page.");
	if ((rc = pagecache_png(sv->st, sv->home, sv->cfg, doc, page, path, sizeof path, why,
	    sizeof why)) != 0)
		return error_page(c, rc == 1 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR,
		    rc == 1 ? "No such page." : "The page could not be drawn.");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1) {
		if (fd != -1)
			close(fd);
		return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The page could not be read.");
	}
	if ((r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	headers(r, "image/png");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* action - POST /case/ID/VERB: through the review model, as the person */
static enum MHD_Result
action(struct server *sv, struct MHD_Connection *c, struct session *s, enum user_role role,
    int64_t id, const char *verb, const struct req *q)
{
	struct review_actor	who = { .who = s->user, .reviewer = role == USER_REVIEWER,
				    .roles = "roi user list" };
	struct review_case	r;
	char			why[REVIEW_WHY], reason[400], pidtext[32], to[REVIEW_NAMELEN];
	char			over[400], back[64];
	int64_t			pid = 0;
	int			rc;

	snprintf(back, sizeof back, "/case/%lld", (long long)id);
	if (role != USER_REVIEWER)
		return error_page(c, MHD_HTTP_FORBIDDEN, "Only a reviewer may change a review.");
	if ((rc = review_load(sv->st, id, &r, why, sizeof why)) != 1) {
		review_case_release(&r);
		return error_page(c, rc == 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR,
		    rc == 0 ? why : "The case could not be read.");
	}
	if (!form_get(q, "reason", reason, sizeof reason))
		reason[0] = '\0';
	if (form_get(q, "pid", pidtext, sizeof pidtext))
		pid = num(pidtext, strlen(pidtext));
	if (strcmp(verb, "keep") == 0 || strcmp(verb, "restore") == 0) {
		if (pid == 0)
			rc = 1, snprintf(why, sizeof why, "no proposal named");
		else
			rc = verb[0] == 'k' ? review_keep(sv->st, &r, pid, &who, reason, why, sizeof why) :
			    review_restore(sv->st, &r, pid, &who, reason, why, sizeof why);
		if (rc == 0)
			flash(s, 0, verb[0] == 'k' ? "Proposal #%lld kept: that text goes out unredacted." :
			    "Proposal #%lld restored: that text is blacked out again.", (long long)pid);
		snprintf(back, sizeof back, "/case/%lld#p%lld", (long long)id, (long long)pid);
	} else if (strcmp(verb, "withhold") == 0 || strcmp(verb, "include") == 0) {
		char	dtext[32];
		int64_t	doc = form_get(q, "doc", dtext, sizeof dtext) ? num(dtext, strlen(dtext)) : 0;
		int	wh = verb[0] == 'w';

		if (doc == 0)
			rc = 1, snprintf(why, sizeof why, "no record named");
		else if ((rc = review_doc_decide(sv->st, id, doc, wh ? REVIEW_WITHHOLD :
		    REVIEW_INCLUDE, &who, reason, why, sizeof why)) == 0)
			flash(s, 0, wh ? "Document %lld withheld whole: it will not go out. The letter"
			    " says only that information was withheld as the law requires." :
			    "Document %lld included: it goes out with its page redactions.",
			    (long long)doc);
		snprintf(back, sizeof back, "/case/%lld#d%lld", (long long)id, (long long)doc);
	} else if (strcmp(verb, "text") == 0) {
		char	words[256];
		json_t	*added = json_array();

		if (!form_get(q, "words", words, sizeof words))
			words[0] = '\0';
		if ((rc = review_add_text(sv->st, &r, 0, 0, words, &who, reason[0] ? reason : NULL,
		    added, why, sizeof why)) == 0) {
			pid = json_integer_value(json_object_get(json_array_get(added, 0), "id"));
			flash(s, 0, "%zu proposal%s added: every place those words were read is"
			    " blacked out (#%lld first).", json_array_size(added),
			    json_array_size(added) == 1 ? "" : "s", (long long)pid);
		} else if (rc == 1)
			snprintf(why, sizeof why, "those words are not in the records of C-%lld as"
			    " read, even allowing for misread letters", (long long)id);
		json_decref(added);
		snprintf(back, sizeof back, "/case/%lld#p%lld", (long long)id, (long long)pid);
	} else if (strcmp(verb, "box") == 0) {
		char	t[32];
		float	bx[4];
		int64_t	doc = form_get(q, "doc", t, sizeof t) ? num(t, strlen(t)) : 0;
		int	page = form_get(q, "page", t, sizeof t) ? (int)num(t, strlen(t)) : 0;
		int	k, good = doc > 0 && page > 0;
		static const char *const names[] = { "x0", "y0", "x1", "y1" };

		for (k = 0; k < 4 && good; k++) {
			char *end;

			good = form_get(q, names[k], t, sizeof t) && t[0];
			bx[k] = good ? strtof(t, &end) : 0;
			good = good && *end == '\0' && isfinite(bx[k]);
		}
		if (!good)
			rc = 1, snprintf(why, sizeof why, "that area is not on a page");
		else if ((rc = review_add_box(sv->st, &r, &doc, page, bx, &who, reason[0] ? reason :
		    NULL, &pid, why, sizeof why)) == 0)
			flash(s, 0, "Proposal #%lld added: that area of page %d is blacked out.",
			    (long long)pid, page);
		snprintf(back, sizeof back, "/case/%lld#p%lld", (long long)id, (long long)pid);
	} else if (strcmp(verb, "reject") == 0) {
		if ((rc = review_reject(sv->st, &r, &who, reason, why, sizeof why)) == 0)
			flash(s, 0, "C-%lld rejected: nothing will be released.", (long long)id);
	} else {
		struct review_approval ap;

		memset(&ap, 0, sizeof ap);
		if (form_get(q, "to", to, sizeof to) && to[strspn(to, " ")])
			ap.to = to;
		if (form_get(q, "override", over, sizeof over) && over[strspn(over, " ")])
			ap.override = over;
		rc = review_approve(sv->st, sv->home, &r, &who, &ap, s->pass, sizeof s->pass, why,
		    sizeof why);
		if (rc == 0) {
			snprintf(s->pass_to, sizeof s->pass_to, "%s", ap.recipient);
			flash(s, 0, "C-%lld approved by %s for %s%s: the release is made when roi"
			    " runs next.", (long long)id, s->user, ap.recipient, ap.overridden ?
			    ", over the authorization check" : "");
			msg_event("C-%lld approved by %s (roi serve)", (long long)id, s->user);
		}
	}
	review_case_release(&r);
	if (rc == 1)
		flash(s, 1, "%s", why);
	else if (rc == -1)
		flash(s, 1, "That could not be done (the server's log says why).");
	return redirect(c, back, NULL);
}

/* host_ok - the Host header names this server (DNS rebinding) */
static int
host_ok(struct server *sv, struct MHD_Connection *c)
{
	const char	*h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	char		want[160];
	const char	*names[] = { sv->host, "localhost", "127.0.0.1", "[::1]" };
	int		i;

	if (h == NULL)
		return 0;
	for (i = 0; i < 4; i++) {
		snprintf(want, sizeof want, "%s:%u", names[i], sv->port);
		if (strcasecmp(h, want) == 0)
			return 1;
	}
	return 0;
}

/* origin_ok - a POST's Origin, when sent, is this server */
static int
origin_ok(struct server *sv, struct MHD_Connection *c)
{
	const char	*o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char	*h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	char		want[200];

	if (o == NULL)
		return 1;
	if (h == NULL)
		return 0;
	snprintf(want, sizeof want, "%s://%s", sv->tls ? "https" : "http", h);
	return strcasecmp(o, want) == 0;
}

/* route - the request, its body read; URL patterns are numbers only */
static enum MHD_Result
route(struct server *sv, struct MHD_Connection *c, const char *url, int post,
    const struct req *q)
{
	struct session	*s;
	enum user_role	role;
	int64_t		id = 0, doc = 0, pg = 0;
	char		verb[16] = "", ck[256];
	int		expired, n = 0;

	if (!host_ok(sv, c))
		return error_page(c, MHD_HTTP_BAD_REQUEST, "This server is not known by that name.");
	if (post && !origin_ok(sv, c))
		return error_page(c, MHD_HTTP_FORBIDDEN, "That form did not come from these pages.");
	if (q->too_big)
		return error_page(c, MHD_HTTP_CONTENT_TOO_LARGE, "That form is too large.");
	if (!post && strncmp(url, "/static/", 8) == 0 &&
	    (strcmp(url + 8, "roi.css") == 0 || strcmp(url + 8, "roi.js") == 0))
		return static_file(c, url + 8);
	if (strcmp(url, "/login") == 0)
		return post ? login_post(sv, c, q) : login_page(sv, c, NULL, 0, MHD_HTTP_OK);
	s = session_find(sv, c, &expired);
	role = s ? user_role_of(sv->st, s->user) : USER_NONE;
	if (s && role == USER_NONE) {
		session_end(s);
		s = NULL;
	}
	if (s == NULL) {
		if (post || strncmp(url, "/img/", 5) == 0)
			return error_page(c, MHD_HTTP_UNAUTHORIZED, "Sign in first.");
		if (expired) {
			cookie(sv, ck, sizeof ck, "roi_session", "", 1);
			return login_page(sv, c, "You were signed out after a while without a click:"
			    " sign in again.", 0, MHD_HTTP_OK);
		}
		return redirect(c, "/login", NULL);
	}
	if (post && !csrf_ok(q, s->csrf))
		return error_page(c, MHD_HTTP_FORBIDDEN, "This form has expired or did not come from"
		    " these pages: open the page again.");
	if (post && strcmp(url, "/logout") == 0) {
		user_event(sv->st, s->user, "logout", s->user, "");
		session_end(s);
		cookie(sv, ck, sizeof ck, "roi_session", "", 1);
		return redirect(c, "/login", ck);
	}
	if (!post && (strcmp(url, "/") == 0 || strcmp(url, "/queue") == 0))
		return queue_page(sv, c, s, role);
	/* /case/ID, /case/ID/VERB, /img/ID/DOC/PAGE: digits, and verbs from a list */
	if (strncmp(url, "/case/", 6) == 0) {
		const char *p = url + 6, *sl = strchr(p, '/');

		id = num(p, sl ? (size_t)(sl - p) : strlen(p));
		if (sl && strlen(sl + 1) < sizeof verb)
			snprintf(verb, sizeof verb, "%s", sl + 1);
		else if (sl)
			id = 0;
		if (id && !post && !sl)
			return case_page(sv, c, s, role, id);
		if (id && post && (strcmp(verb, "keep") == 0 || strcmp(verb, "restore") == 0 ||
		    strcmp(verb, "approve") == 0 || strcmp(verb, "reject") == 0 ||
		    strcmp(verb, "withhold") == 0 || strcmp(verb, "include") == 0 ||
		    strcmp(verb, "box") == 0 || strcmp(verb, "text") == 0))
			return action(sv, c, s, role, id, verb, q);
	}
	if (!post && strncmp(url, "/img/", 5) == 0) {
		const char *p = url + 5, *a = strchr(p, '/'), *b2 = a ? strchr(a + 1, '/') : NULL;

		if (a && b2 && !strchr(b2 + 1, '/')) {
			id = num(p, (size_t)(a - p));
			doc = num(a + 1, (size_t)(b2 - a - 1));
			pg = num(b2 + 1, strlen(b2 + 1));
			n = id && doc && pg && pg < 100000;
		}
		if (n)
			return image(sv, c, id, doc, (int)pg);
	}
	return error_page(c, MHD_HTTP_NOT_FOUND, "No such page.");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server	*sv = cls;
	struct req	*q = *con_cls;
	int		post = strcmp(method, "POST") == 0;

	(void)version;
	if (q == NULL) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");

		if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return error_page(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Not here.");
		if ((q = calloc(1, sizeof *q)) == NULL)
			return MHD_NO;
		*con_cls = q;
		if (cl && strtoull(cl, NULL, 10) > SERVE_BODY_MAX)
			q->too_big = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!post || q->too_big || q->len + *upload_size > SERVE_BODY_MAX) {
			q->too_big = 1;
			free(q->body);
			q->body = NULL;
			q->len = 0;
		} else {
			char *nb = realloc(q->body, q->len + *upload_size + 1);

			if (nb == NULL)
				return MHD_NO;
			memcpy(nb + q->len, upload, *upload_size);
			q->body = nb;
			q->len += *upload_size;
			q->body[q->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!post && q->too_big)
		return error_page(c, MHD_HTTP_CONTENT_TOO_LARGE, "Too large.");
	return route(sv, c, url, post, q);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q) {
		if (q->body)
			sodium_memzero(q->body, q->len);
		free(q->body);
		free(q);
		*con_cls = NULL;
	}
}

/* parse_listen - "HOST:PORT" or "[V6]:PORT" into ss; loopback said */
static int
parse_listen(const char *l, struct sockaddr_storage *ss, socklen_t *len, char *host,
    size_t hostlen, unsigned *port, int *loopback)
{
	const char	*colon;
	char		h[128];
	char		*end;
	long		p;

	memset(ss, 0, sizeof *ss);
	if (l[0] == '[') {
		const char *rb = strchr(l, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - l - 1) >= sizeof h)
			return -1;
		snprintf(h, sizeof h, "%.*s", (int)(rb - l - 1), l + 1);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(l, ':')) == NULL || (size_t)(colon - l) >= sizeof h)
			return -1;
		snprintf(h, sizeof h, "%.*s", (int)(colon - l), l);
	}
	p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || p < 0 || p > 65535)
		return -1;
	*port = (unsigned)p;
	if (strcmp(h, "localhost") == 0)
		snprintf(h, sizeof h, "127.0.0.1");
	if (inet_pton(AF_INET, h, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		*len = sizeof *a;
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
		snprintf(host, hostlen, "%s", h);
	} else if (inet_pton(AF_INET6, h, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		*len = sizeof *a;
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
		snprintf(host, hostlen, "[%s]", h);
	} else
		return -1;
	return 0;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	msg_warn("serve: %s", line);
}

int
cmd_serve(int argc, char **argv, const char *home)
{
	struct server		*sv = NULL;
	struct MHD_Daemon	*d = NULL;
	struct config		cfg;
	struct sockaddr_storage	ss;
	socklen_t		sl = 0;
	const char		*listen;
	const union MHD_DaemonInfo *di;
	char			p[SPOOL_PATH];
	int			bad = 0, loop = 0, rc = 1;
	struct sigaction	sa;
	sigset_t		stop;
	int			sig;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] serve [--listen ADDRESS:PORT]\n\n"
		    "The review pages, in a browser on this machine: the queue, each case\n"
		    "with its record pages and the proposed redactions numbered on them,\n"
		    "keep and restore, approve and reject.  People sign in with the names\n"
		    "and passwords of roi user; reviewers change reviews, staff and auditors\n"
		    "read.  It listens on [web] listen in roi.conf, else %s; an\n"
		    "address other than this machine's own (127.0.0.1, ::1) needs TLS, which\n"
		    "is not built yet, and is refused.  It runs until stopped (Ctrl-C).\n",
		    CONFIG_WEB_LISTEN);
		return 0;
	}
	listen = take_opt(&argc, argv, "--listen", &bad);
	if (bad || argc != 1) {
		msg_error("usage: roi serve [--listen ADDRESS:PORT]");
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if (listen == NULL)
		listen = cfg.web_listen[0] ? cfg.web_listen : CONFIG_WEB_LISTEN;
	if ((sv = calloc(1, sizeof *sv)) == NULL) {
		msg_error("serve: out of memory");
		goto out;
	}
	if (parse_listen(listen, &ss, &sl, sv->host, sizeof sv->host, &sv->port, &loop) == -1) {
		msg_error("serve: '%s' is not ADDRESS:PORT (e.g. 127.0.0.1:8750)", listen);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!loop) {
		if (cfg.web_cert[0] || cfg.web_key[0])
			msg_error("serve: %s is not this machine's own address, and roi serve has no"
			    " TLS yet: listen on 127.0.0.1 (or ::1) and reach it from here", listen);
		else
			msg_error("serve: %s is not this machine's own address: that needs TLS ([web]"
			    " cert and key), which roi serve does not have yet; listen on 127.0.0.1",
			    listen);
		goto out;
	}
	sv->home = home;
	sv->cfg = &cfg;
	if (store_open(&sv->st, home) == -1)
		goto out;
	if (store_int(sv->st, "SELECT count(*) FROM users WHERE disabled = 0", 0) == 0)
		msg_warn("serve: nobody can sign in yet: roi user add NAME --role reviewer");
	/* SIGINT and SIGTERM are taken by this thread alone (sigwait, below):
	 * blocked before the server's thread starts, which inherits the mask */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	/* one thread serves every connection: the store handle is never shared */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
	    (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), (uint16_t)sv->port, NULL, NULL,
	    handler, sv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SERVE_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		msg_error("serve: cannot listen on %s (in use, or not this machine's address)",
		    listen);
		goto out;
	}
	if ((di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) != NULL && di->port)
		sv->port = di->port;
	printf("serve: the review pages are at http://%s:%u/ (stop with Ctrl-C)\n", sv->host,
	    sv->port);
	fflush(stdout);
	while (sigwait(&stop, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	printf("serve: stopped\n");
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (sv) {
		store_close(sv->st);
		sodium_memzero(sv, sizeof *sv);
		free(sv);
	}
	config_release(&cfg);
	return rc;
}
