"""The form's topic list, checked without a database query on each POST.

Topics change a few times a year, so each process keeps a copy of the active ones,
reloaded every minute and whenever this process saves or deletes a topic. An id missing
from the copy is looked up, so a topic added on another server is never refused; a
topic deleted elsewhere within the minute is caught by the foreign key when the inquiry
is stored (`TopicWithdrawn`).
"""

import math
import time

from django.core.exceptions import ValidationError

from inquiries.models import Topic
from inquiries.quickcopy import QuickCopyModelChoiceField

FRESH_SECONDS = 60
WITHDRAWN_MESSAGE = "That topic is no longer offered. Please choose another one."

_copy = {"topics": {}, "loaded_at": -math.inf}


class TopicWithdrawn(Exception):
    """The chosen topic was deleted after the form accepted it."""


def forget_active_topics(**_signal_kwargs):
    _copy["loaded_at"] = -math.inf


def active_topic(pk):
    """The active topic with this id, or None."""
    if time.monotonic() - _copy["loaded_at"] > FRESH_SECONDS:
        _copy["topics"] = {topic.pk: topic for topic in Topic.objects.filter(is_active=True)}
        _copy["loaded_at"] = time.monotonic()
    topic = _copy["topics"].get(pk)
    if topic is None:
        topic = Topic.objects.filter(pk=pk, is_active=True).first()
        if topic is not None:
            _copy["topics"][pk] = topic
    return topic


class TopicField(QuickCopyModelChoiceField):
    """A choice among the active topics, rendered from the database and checked
    against the per-process copy."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        try:
            topic = active_topic(int(str(value)))
        except (TypeError, ValueError):
            topic = None
        if topic is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return topic
