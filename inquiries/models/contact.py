"""The Inquiry's verbs for reaching the patient: contact attempts, and whether a reply or
"close as no response" may follow. A mixin of Inquiry, kept apart to keep each module
short; it uses the Inquiry's fields and its other verbs."""

from django.db import transaction
from django.utils import timezone

from inquiries.models.timeline import NO_RESPONSE_AFTER, ContactAttempt, InquiryEvent


class PatientContact:
    @property
    def may_close_as_no_response(self):
        return self.unanswered_attempts >= NO_RESPONSE_AFTER and self.can_transition_to(
            self.Status.NO_RESPONSE
        )

    @property
    def reply_refusal(self):
        """Why no reply may be sent to this inquiry, or "" when one may."""
        if self.do_not_contact:
            return f"{self.reference} is marked do not contact: the patient asked for no contact."
        if self.status == self.Status.SPAM:
            return f"{self.reference} is marked as spam: replies go only to real inquiries."
        return ""

    @transaction.atomic
    def log_contact_attempt(self, method, outcome, *, actor, note=""):
        """Record one attempt to reach the patient, update the counts, and act on the
        outcome: reaching a new inquiry moves it to Contacted; "asked not to be
        contacted" sets the do-not-contact flag."""
        Outcome = ContactAttempt.Outcome
        method, outcome = ContactAttempt.Method(method), Outcome(outcome)
        now = timezone.now()
        attempt = ContactAttempt.objects.create(
            inquiry=self, method=method, outcome=outcome, note=note, actor=actor, created_at=now
        )
        self.contact_attempts += 1
        self.last_attempt_at = now
        fields = ["contact_attempts", "last_attempt_at", "unanswered_attempts", "updated_at"]
        if outcome in ContactAttempt.UNANSWERED:
            self.unanswered_attempts += 1
        else:
            self.unanswered_attempts = 0
        if outcome == Outcome.REACHED and self.reached_at is None:
            self.reached_at = now
            self.attempts_to_reach = self.contact_attempts
            fields += ["reached_at", "attempts_to_reach"]
        if outcome == Outcome.DO_NOT_CONTACT and not self.do_not_contact:
            self.do_not_contact = True
            fields.append("do_not_contact")
        self.save(update_fields=fields)
        message = f"{method.label}: {outcome.label.lower()} (attempt {self.contact_attempts})"
        self.record_event(
            InquiryEvent.Kind.CONTACT_ATTEMPT,
            actor=actor,
            message=f"{message}. {note}" if note else message,
            data={"method": method.value, "outcome": outcome.value, "attempt": attempt.pk},
        )
        if outcome == Outcome.REACHED and self.status == self.Status.NEW:
            self.transition_to(self.Status.CONTACTED, actor=actor)
        return attempt
