"""The staff screens' one way of writing dates and times (Django's admin history, the
audit trail, any list of dates), the same as the intake CRM's (inquiries/dates.py):
"Dec 5, 2026 17:54", on a 24-hour clock in the clinic's time zone. Public pages format
their dates explicitly and are not affected."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
