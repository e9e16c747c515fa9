"""Load-test scenario two-servers: the rate limit and page saves across two app servers
(see loadtest.py)."""

import html
import os
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    form_tokens,
    staff_session,
)
from loadtest_site import (  # noqa: E402
    ARTICLE,
    PublicForm,
    base_env,
    check_stored_once,
    cookies_from,
    notification_states,
    redis_command,
    request,
    say,
    server_errors_logged,
    stored_counts,
)

ADMIN = "/" + os.environ.get("DJANGO_ADMIN_PATH", "admin").strip("/") + "/"

# (as in a browser, the form trims trailing whitespace and the time widget drops microseconds).
PAGE_PARTS = ("slug", "summary", "body", "status", "parent", "publish_at", "reviewer")
PAGE_FINGERPRINT = """
SELECT md5(p.slug), md5(rtrim(p.summary, E' \n')), md5(rtrim(p.body, E' \n')), p.status,
       coalesce(p.parent_id::text, ''), coalesce(date_trunc('second', p.publish_at)::text, ''),
       coalesce(p.reviewer_id::text, ''),
       (SELECT md5(string_agg(concat_ws('|', question, answer, "order"), '/' ORDER BY id))
          FROM pages_faq WHERE page_id = p.id),
       (SELECT md5(string_agg(concat_ws('|', citation, url, "order"), '/' ORDER BY id))
          FROM pages_reference WHERE page_id = p.id)
FROM pages_page p WHERE p.id = :'page_id'
"""


def changed_parts(before, after):
    names = [*PAGE_PARTS, "faqs", "references"]
    return [
        f"{name}: {old!r} -> {new!r}"
        for name, old, new in zip(names, before[0], after[0], strict=True)
        if old != new
    ]


def heading(content):
    """The text of the page's <h1>."""
    match = re.search(rb"<h1[^>]*>(.*?)</h1>", content, re.S)
    return html.unescape(match.group(1).decode().strip()) if match else None


class FormFields(HTMLParser):
    """The fields a browser submits from one form: inputs, selects and textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = self._textarea = None
        self._options, self._text = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input":
            kind = (attributes.get("type") or "text").lower()
            name = attributes.get("name")
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
                return
            self.fields.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select = (attributes.get("name"), "multiple" in attributes)
            self._options = []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value") or "", "selected" in attributes))
        elif tag == "textarea":
            self._textarea, self._text = attributes.get("name"), []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]  # what a browser sends for a plain select
            if name:
                self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea>; Django writes one there.
            self.fields.append((self._textarea, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


# In normal running, a save is visible on every server within this many seconds (each
# server may keep a short-lived local copy of a page in front of Redis).
FRESH_WITHIN = 2.0


def poll_until_fresh(port, title, since):
    """GET the article until it shows this title or FRESH_WITHIN seconds have passed since
    `since` (when the save was answered); return the last answer, the wait and the GETs made."""
    polls = 0
    while True:
        answer = request(port, "GET", ARTICLE)
        polls += 1
        waited = time.monotonic() - since
        if heading(answer[2]) == title or waited > FRESH_WITHIN:
            return answer, waited, polls
        time.sleep(0.05)


def scenario_two_servers(run, result):
    """Two app servers, one database, one Redis: one rate limit, one page cache."""
    port_a, port_b = run.ports.server("two-servers"), run.ports.server("two-servers", 1)
    redis_url = run.ports.redis_url
    redis_command(redis_url, "FLUSHDB")
    say(f"  flushed {redis_url}")
    env = base_env(
        run.pg,
        port_a,
        REDIS_URL=redis_url,
        INQUIRY_RATE_LIMIT=5,
        INQUIRY_RATE_WINDOW_SECONDS=600,
    )
    server_a = run.start_server(port_a, env)
    server_b = run.start_server(port_b, env)
    run.start_worker(env)
    form = PublicForm(port_a)  # the same browser on both servers: one CSRF cookie

    # The rate limit: 12 submissions from one address, alternating between the servers.
    prefix, count = "lt.s4.", 12
    outcomes = []
    for serial, token in enumerate(form_tokens(env, count)):
        port = (port_a, port_b)[serial % 2]
        address = f"{prefix}{serial}@example.com"
        outcomes.append(form.post(port, form.body(token, address, serial), address))
    result.tally(outcomes)
    say(
        "  rate limit, alternating A/B: "
        + " ".join(f"{'AB'[o.port == port_b]}:{o.status}" for o in outcomes)
    )
    expected = [303] * 5 + [429] * (count - 5)
    result.check(
        [outcome.status for outcome in outcomes] == expected,
        f"exactly 5 accepted across both servers, then 429 ({result.accepted} accepted, "
        f"{result.limited} limited)",
    )
    real = stored_counts(run.pg, prefix, real_only=True)
    every = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, every)
    result.stored = len(real)
    result.check(
        len(real) == 5 and len(every) == count,
        f"{len(real)} stored as new inquiries, {len(every) - len(real)} kept as spam "
        f"(rate-limited copies)",
    )

    # A page saved through server A is fresh on server B at the next request.
    [(page_id, old_title)] = run.pg.query(
        "SELECT id, title FROM pages_page WHERE slug = 'ketamine-for-ptsd'"
    )
    untouched_before = run.pg.query(PAGE_FINGERPRINT, page_id=page_id)
    first = request(port_b, "GET", ARTICLE)
    second = request(port_b, "GET", ARTICLE)
    cached = redis_command(redis_url, "KEYS", "*pages:response:*")
    old_etag = second[1]["ETag"]
    result.check(
        first[0] == second[0] == 200
        and old_etag == first[1]["ETag"]
        and cached
        and heading(second[2]) == old_title,
        f"article warm in B's cache: 200, <h1> {heading(second[2])!r}, the same ETag "
        f"{old_etag} twice, {len(cached)} page entries in Redis",
    )
    session = staff_session(env, "loadtest-staff")
    cookie = f"csrftoken={form.csrf_cookie}; sessionid={session}"
    change = f"{ADMIN}pages/page/{page_id}/change/"
    status, headers, content = request(port_a, "GET", change, headers={"Cookie": cookie})
    if not result.check(status == 200, f"admin change form on A: GET {change} -> {status}"):
        return
    fresh_cookies = cookies_from(headers)
    if fresh_cookies:
        cookie = "; ".join(
            f"{name}={value}"
            for name, value in {
                "csrftoken": form.csrf_cookie,
                "sessionid": session,
                **fresh_cookies,
            }.items()
        )
    parser = FormFields("page_form")
    parser.feed(content.decode())
    fields = parser.fields
    new_title = f"PTSD and ketamine, edited through server A at {int(time.time())}"
    names = [name for name, _ in fields]
    say(
        f"  change form: {len(fields)} fields, management forms "
        f"{[n for n in names if n.endswith('TOTAL_FORMS')]}"
    )
    fields = [(name, new_title if name == "title" else value) for name, value in fields]
    fields.append(("_save", "Save"))
    status, headers, content = request(
        port_a,
        "POST",
        change,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port_a}{change}",
        },
    )
    saved_at = time.monotonic()  # the save committed before the admin answered
    if not result.check(status == 302, f"admin save on A: POST -> {status}"):
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', content.decode(), re.S)
        say(f"       form errors: {[re.sub(r'<[^>]+>', '', e) for e in errors][:5]}")
        return
    # Poll at once, so the wait measured is the site's, not this script's checks'.
    on_b = poll_until_fresh(port_b, new_title, saved_at)
    on_a = poll_until_fresh(port_a, new_title, saved_at)
    [(saved_title,)] = run.pg.query(
        "SELECT title FROM pages_page WHERE id = :'page_id'", page_id=page_id
    )
    result.check(saved_title == new_title, f"title in the database: {saved_title!r}")
    untouched_after = run.pg.query(PAGE_FINGERPRINT, page_id=page_id)
    result.check(
        untouched_after == untouched_before,
        "the rest of the page (body, summary, slug, status, FAQs, references) round-tripped "
        "through the parsed form unchanged "
        f"(changed: {changed_parts(untouched_before, untouched_after) or 'nothing'})",
    )
    (status, headers, content), waited, polls = on_b
    result.check(
        status == 200
        and heading(content) == new_title
        and headers["ETag"] != old_etag
        and waited <= FRESH_WITHIN,
        f"the article on B fresh within {FRESH_WITHIN:.0f} s of the save: {status} "
        f"{waited:.2f} s after the admin's answer ({polls} GETs), "
        f"<h1> {heading(content)!r}, ETag {headers['ETag']} (was {old_etag})",
    )
    (status, _, content), waited, polls = on_a
    result.check(
        status == 200 and heading(content) == new_title and waited <= FRESH_WITHIN,
        f"and on A: {status} {waited:.2f} s after ({polls} GETs), <h1> {heading(content)!r}",
    )
    result.emails = notification_states(run.pg, prefix).get("sent", 0)
    for server in (server_a, server_b):
        result.check(server_errors_logged(server) == 0, f"no 500 in the log of {server.url}")
