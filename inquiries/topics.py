"""What the form says when the topic a patient chose is no longer offered."""

WITHDRAWN_MESSAGE = "That topic is no longer offered. Please choose another one."


class TopicWithdrawn(Exception):
    """The chosen topic was deleted after the form accepted it."""
