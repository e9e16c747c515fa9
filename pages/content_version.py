"""The version of what the public pages show, kept in the database.

Every change to a page, an FAQ, a reference, an image on a page or the clinic's facts
bumps one number in the same transaction as the change itself (`bump`). The page cache
stores each response under the version it was rendered at, so an edit can never be lost
to a cache outage: an edit saved while Redis was unreachable still changes the number,
and the copies in Redis no longer match it once Redis answers again.

Reading the version (`current`) costs one indexed query per process per
MEMO_SECONDS: a save is seen by every server within that time (within one request on
the server that saved it). While the database is down, the last version read still
serves the cached pages; a process started during the outage takes the copy kept in
the shared cache.

The version also carries the next scheduled publish time (the first read after it bumps
the number, so a scheduled page goes live without cron) and the clinic's local date (so
nothing cached shows yesterday's "next review due" date tomorrow).
"""

import logging
import secrets

from django.core.cache import cache, caches
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from clinic import outages

MEMO_SECONDS = 1
MEMO_KEY = "pages:content-version"
# The last version read, kept in the shared cache for processes that start while the
# database is down.
SHARED_COPY_KEY = "pages:content-version"
SINGLETON = 1

logger = logging.getLogger(__name__)


def new_token():
    return secrets.token_hex(8)


class ContentVersion(models.Model):
    """One row: the version of the public pages' content. See the module's docstring."""

    # A fresh database starts with a new token, so two databases sharing one Redis (a
    # restored backup, a test run) never take each other's cached pages for their own.
    token = models.CharField(max_length=32, default=new_token)
    number = models.PositiveBigIntegerField(default=0)
    next_publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "pages"

    def __str__(self):
        return f"{self.token}.{self.number}"


def _next_publish_at():
    from pages.models import Page

    return (
        Page.objects.filter(status=Page.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def bump():
    """A new version, in the caller's transaction: every cached page is stale once it
    commits. This process sees it at once; other servers within MEMO_SECONDS."""
    next_publish_at = _next_publish_at()
    updated = ContentVersion.objects.filter(pk=SINGLETON).update(
        number=F("number") + 1, next_publish_at=next_publish_at
    )
    if not updated:
        _create(number=1, next_publish_at=next_publish_at)
    forget()
    # Once more after commit: a request in between may have read the old number.
    transaction.on_commit(forget)


def forget():
    caches["pages-local"].delete(MEMO_KEY)


def _create(**fields):
    try:
        with transaction.atomic():
            return ContentVersion.objects.create(pk=SINGLETON, **fields)
    except IntegrityError:  # another process created it first
        return ContentVersion.objects.get(pk=SINGLETON)


def _read_database():
    row = ContentVersion.objects.filter(pk=SINGLETON).first() or _create()
    if row.next_publish_at is not None and row.next_publish_at <= timezone.now():
        bump()  # a scheduled page is due: everything that lists it changes
        row = ContentVersion.objects.get(pk=SINGLETON)
    return str(row)


class _LastRead:
    value = None


def _read():
    if outages.database.worth_trying():
        try:
            value = _read_database()
        except DatabaseError as error:
            if outages.is_database_down(error):
                outages.database.failed(error)
            else:  # a database before migrating, a read-only replica: pages go uncached
                logger.warning("Page cache: the content version can't be read: %r", error)
        else:
            outages.database.answered()
            # Written at every read, not only on a change: a copy that missed a change
            # while Redis was down must not outlive it.
            cache.set(SHARED_COPY_KEY, value, timeout=None)
            _LastRead.value = value
            return value
    return _LastRead.value or cache.get(SHARED_COPY_KEY)


def current():
    """The version cached pages must carry to be served, or None when it can't be known
    (the database down since this process started, and no copy in the shared cache)."""
    local = caches["pages-local"]
    value = local.get(MEMO_KEY)
    if value is None:
        value = _read()
        if value is None:
            return None
        local.set(MEMO_KEY, value, MEMO_SECONDS)
    return f"{value}.{timezone.localdate().isoformat()}"
