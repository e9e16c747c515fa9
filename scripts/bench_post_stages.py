"""The site with its inquiry POST cut short, for scripts/bench.py's stage targets.

Served by gunicorn as `bench_post_stages:application` with POST_STAGE set to
- "before-validation": the form view answers 303 as soon as it has built the form, after
  every middleware (CSRF included) has run;
- "before-insert": it validates the form and counts the rate limit, then answers 303
  without storing anything.

Measured beside the whole POST, they show what each stage costs under the same load:
`bench.py --only "post,post before validation,post before insert"` (the names hold
spaces, so quote them). Only for measuring: a submission sent here is lost.
"""

import os

from django.http import HttpResponseRedirect

from clinic.wsgi import application  # noqa: F401 (what gunicorn serves)
from inquiries import views

STAGE = os.environ["POST_STAGE"]


def _answer_303():
    return HttpResponseRedirect("/get-in-touch/thanks/", status=303)


def _validated_only(request, form):
    if not form.is_valid():
        return views._render_form(request, form)
    views.check_rate_limit(views.client_ip_hash(request))
    return _answer_303()


if STAGE == "before-validation":
    views._receive = lambda request, form: _answer_303()
elif STAGE == "before-insert":
    views._receive = _validated_only
else:
    raise SystemExit(f"POST_STAGE must be before-validation or before-insert, not {STAGE!r}")
