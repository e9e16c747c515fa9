"""The outbox's delivery: every email about an inquiry (intake, acknowledgement, reply) is
sent and retried here, by the job engine's worker, never by a web request.

The Notification rows are the record (the timeline, failed sends, the queue's "Reply
failed" filter). Storing a row queues a delivery job after commit; if that job is lost
(the process died between commit and enqueue, or Redis was down), the sweep queues it
again a minute later, so no email waits for ever. A job locks its rows and skips those
another worker holds or that were sent, so two workers never send one email, and sends
them over one connection to the mail server. A failed
send backs off exponentially (Notification.mark_failed) and gives up visibly on the
timeline after Notification.MAX_ATTEMPTS tries.

Delivery is at least once: a job records its emails as sent when it commits, so if the
worker dies or the database fails in the middle of a job, the emails it had already
handed to the mail server go again (a job holds at most JOB_SIZE; an inquiry's is two).
"""

import logging
import smtplib
import socket
import sqlite3
from datetime import timedelta

import redis
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from clinic import outages
from inquiries import emails
from inquiries.models import Notification

logger = logging.getLogger(__name__)

# The mail server can't be reached: refused, reset, unknown host, timed out, or it hung
# up. A refusal of one message (a bad address, say) is that email's failure, not an outage.
MAIL_SERVER_DOWN = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
# The job queue can't be reached: Redis in production, the SQLite file for `make run`.
QUEUE_DOWN = (redis.exceptions.RedisError, sqlite3.Error, OSError)

# A pending email due for longer than this has lost its job (or is behind a long queue,
# where a second job costs one skipped look at a row): the sweep queues it again.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_LIMIT = 5000
# A job may find its email due a little in the future: the web server that stored it may
# run a second or two ahead of the worker's machine. Within this, it is due.
CLOCK_SLACK = timedelta(seconds=30)
# Emails per delivery job: locked together, sent over one mail server connection and
# recorded in one commit. Small, because a job cut short sends its emails again.
JOB_SIZE = 10

SENDERS = {
    Notification.Kind.INTAKE: emails.send_intake_notification,
    Notification.Kind.ACKNOWLEDGEMENT: emails.send_acknowledgement,
}
# Replies and confirmations carry their own text, so their sender takes the notification itself.
NOTIFICATION_SENDERS = {
    Notification.Kind.REPLY: emails.send_written,
    Notification.Kind.BOOKING: emails.send_written,
    Notification.Kind.REMINDER: emails.send_written,
}


def queue_delivery(notifications):
    """Queue the stored emails' delivery once the transaction commits (the job must
    find the rows). Called inside the transaction that stores them."""
    ids = [notification.pk for notification in notifications]
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)


def enqueue_deliveries(ids, *, delay=None):
    """Put delivery jobs on the queue, one per JOB_SIZE emails (an inquiry's two emails:
    one round trip to Redis); with the queue unreachable, log the outage once and leave
    the rows pending for the sweep. Return how many emails were queued."""
    if not ids or not outages.jobs.worth_trying():
        return 0
    try:
        for start in range(0, len(ids), JOB_SIZE):
            chunk = list(ids[start : start + JOB_SIZE])
            if delay:
                deliver.schedule((chunk,), delay=delay)
            else:
                deliver(chunk)
    except QUEUE_DOWN as error:
        outages.jobs.failed(error)
        return 0
    outages.jobs.answered()
    return len(ids)


@db_task()
def deliver(notification_ids):
    """The delivery job: its arguments are rows' ids, never an address or a message."""
    try:
        return deliver_now(notification_ids)
    except DatabaseError as error:
        if not outages.is_database_down(error):
            raise
        # PostgreSQL went away: the rows stay pending (an email handed to the mail server
        # before its "sent" mark was saved goes again) and the sweep queues them again;
        # logged once.
        outages.database.failed(error)
        return ["skipped"] * len(notification_ids)


def deliver_now(notification_ids):
    """Send these emails, each unless it is sent, given up, not due, or another worker
    holds it: locked together, over one connection to the mail server. Return an outcome
    per id, "sent", "failed" or "skipped"; a failure queues its retry at its back-off."""
    outcomes = dict.fromkeys(notification_ids, "skipped")
    with transaction.atomic():
        due = [
            notification
            for notification in _locked_pending().filter(pk__in=notification_ids).order_by("pk")
            if notification.next_attempt_at <= timezone.now() + CLOCK_SLACK
        ]  # the others: sent, given up, held by another worker, or a retry not yet due
        connection = get_connection()
        try:
            for notification in due:
                if not outages.email.worth_trying():
                    break  # the mail server is down: no timeout per email; the sweep comes back
                sent = send_notification(notification, connection=connection)
                outcomes[notification.pk] = "sent" if sent else "failed"
        finally:
            connection.close()
    failed = [row for row in due if outcomes[row.pk] == "failed"]
    for notification in failed:
        if notification.state == Notification.State.PENDING:  # not given up: retried
            wait = (notification.next_attempt_at - timezone.now()).total_seconds()
            enqueue_deliveries([notification.pk], delay=max(wait, 1))
    return [outcomes[pk] for pk in notification_ids]


def _locked_pending():
    """Pending emails, each locked by whoever sends it; rows another process holds are
    skipped, so two senders never send one email."""
    return (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("inquiry", "template", "sent_by")
        .filter(state=Notification.State.PENDING)
    )


def send_notification(notification, *, connection=None):
    """Send one email and record the outcome on it; never raises for a failed send.
    An open mail server connection passed in stays open for the next email."""
    try:
        if connection is not None:
            connection.open()  # once per connection: a no-op when it is open
        if notification.kind in NOTIFICATION_SENDERS:
            NOTIFICATION_SENDERS[notification.kind](notification, connection=connection)
        else:
            SENDERS[notification.kind](notification.inquiry, connection=connection)
    except MAIL_SERVER_DOWN as error:
        # Recorded on the notification and retried; the log says once that the mail
        # server is down and once that it is back, not a line per email.
        outages.email.failed(error)
        notification.mark_failed(error)
        return False
    except Exception as error:  # anything else (a template, a bad address) is retried too
        logger.warning(
            "%s for %s failed: %s",
            notification.get_kind_display(),
            notification.inquiry.reference,
            type(error).__name__,
        )
        notification.mark_failed(error)
        return False
    outages.email.answered()
    notification.mark_sent()
    return True


def lost_deliveries(*, now=None):
    """Pending emails due for longer than SWEEP_GRACE: their job was lost."""
    now = now or timezone.now()
    return Notification.objects.filter(
        state=Notification.State.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
    ).order_by("next_attempt_at", "pk")


def sweep():
    """Queue a delivery job for each email whose job was lost; return how many."""
    ids = list(lost_deliveries().values_list("pk", flat=True)[:SWEEP_LIMIT])
    if ids:
        logger.info("Outbox sweep: %d due email(s) queued again", len(ids))
    return enqueue_deliveries(ids)


def send_due_notifications(*, limit=100):
    """Send pending emails whose time has come, now, in this process (the manual
    `send_pending_notifications`): each is locked while it is sent, and a worker
    sending at the same time skips it, so each goes once."""
    sent = failed = 0
    connection = get_connection()
    try:
        for _ in range(limit):
            with transaction.atomic():
                notification = (
                    _locked_pending()
                    .filter(next_attempt_at__lte=timezone.now())
                    .order_by("next_attempt_at", "pk")
                    .first()
                )
                if notification is None:
                    break
                if send_notification(notification, connection=connection):
                    sent += 1
                else:
                    failed += 1
    finally:
        connection.close()
    return sent, failed


def health(*, now=None):
    """What the dashboard's health panel shows of the outbox, in two indexed queries."""
    now = now or timezone.now()
    oldest = (
        Notification.objects.filter(state=Notification.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    # A given-up email's next_attempt_at is when it gave up (Notification.mark_failed).
    given_up = Notification.objects.filter(
        state=Notification.State.FAILED, next_attempt_at__gte=now - timedelta(days=7)
    ).count()
    return {"oldest_unsent_age": (now - oldest) if oldest else None, "failed_7_days": given_up}
