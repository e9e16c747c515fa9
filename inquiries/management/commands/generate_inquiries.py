"""Fake inquiries in bulk, for measuring the admin at scale. Never real people: every
address is at an example.* domain (RFC 2606) and every phone number is a 555-01xx one."""

import bisect
import io
import itertools
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from inquiries.models import Inquiry, Topic

BATCH_SIZE = 10_000
NULL = r"\N"
CLOSED = {"patient", "not_a_fit", "no_response", "spam"}
GENERATED_AGENT = "generate_inquiries"
FIRST_NAMES = (  # noqa: SIM905 (word lists read better as prose)
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
    "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Ronald Rebecca Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia "
    "Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Ruth Larry "
    "Brenda Justin Pamela Scott Nicole Brandon Katherine Benjamin Samantha Samuel Christine "
    "Gregory Emma Alexander Catherine Frank Debra Patrick Virginia Raymond Rachel Jack Carolyn "
    "Dennis Janet Jerry Maria Tyler Heather Aaron Diane Jose Julie Adam Joyce Nathan Victoria "
    "Henry Kelly Douglas Christina Zachary Lauren Peter Joan Kyle Evelyn Ethan Olivia Walter "
    "Judith Noah Megan Jeremy Cheryl Christian Martha Keith Andrea Roger Frances Terry Hannah "
    "Austin Jacqueline Sean Ann Gerald Gloria Carl Jean Harold Kathryn Dylan Alice Arthur "
    "Teresa Lawrence Sara Jordan Janice Jesse Doris Bryan Madison Billy Julia Bruce Grace "
    "Gabriel Judy Joe Abigail Logan Marie Alan Denise Juan Beverly Albert Amber Willie Theresa "
    "Elijah Marilyn Wayne Danielle Randy Diana Vincent Brittany Mason Natalie Roy Sophia "
    "Ralph Rose Bobby Isabella Russell Alexis Bradley Kayla Philip Charlotte Eugene Aisha "
    "Wei Mei Hiroshi Yuki Priya Arjun Fatima Omar Sofia Mateo Lucia Diego Chloe Liam Ava"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris "
    "Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly "
    "Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza "
    "Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell "
    "Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
    "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace "
    "Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray "
    "Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells "
    "Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter"
).split()
DOMAINS = ["example.com", "example.org", "example.net"]
# Every plausible area code (no N11 service codes) with the fictional 555-01xx numbers:
# ~70,000 distinct numbers, so a phone search matches a handful of rows, as in life.
AREA_CODES = [str(code) for code in range(201, 990) if code % 100 != 11 and code % 10 != 0]
SOURCE_PATHS = [
    "/treatments/ketamine-for-ptsd/",
    "/treatments/ketamine-for-depression/",
    "/treatments/ketamine-for-anxiety/",
    "/treatments/chronic-pain/",
    "/about/what-to-expect/",
    "/about/cost-and-insurance/",
    "",
]
MESSAGES = [
    "I'd like to know whether ketamine therapy could help me.",
    "My doctor suggested I look into this. What are the next steps?",
    "Do you take insurance? I'd like to book a consultation.",
    "I have tried several medications without much success.",
    "Could someone call me about availability in the evenings?",
    "",
]
# (status, weight) for inquiries older than two weeks and for recent ones
SETTLED = [
    ("patient", 18),
    ("not_a_fit", 22),
    ("no_response", 32),
    ("spam", 12),
    ("contacted", 6),
    ("consultation", 5),
    ("new", 5),
]
RECENT = [("new", 45), ("contacted", 25), ("consultation", 12), ("spam", 8), ("not_a_fit", 10)]
PRIORITIES = [("1", 3), ("2", 12), ("3", 85)]
COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "contact_method",
    "best_time",
    "topic_id",
    "message",
    "consent_text",
    "consent_version",
    "consent_given_at",
    "source_page_id",
    "source_path",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "ip_hash",
    "user_agent",
    "spam_reason",
    "status",
    "priority",
    "follow_up_on",
    "first_contacted_at",
    "closed_at",
    "created_at",
    "updated_at",
    "contact_attempts",
    "unanswered_attempts",
    "last_attempt_at",
    "reached_at",
    "attempts_to_reach",
    "do_not_contact",
]


def _weighted(pairs):
    """A picker for weighted choices: cumulative weights once, then a bisect per row."""
    values = [value for value, _ in pairs]
    cumulative = list(itertools.accumulate(weight for _, weight in pairs))
    total = cumulative[-1]
    return lambda r: values[bisect.bisect_right(cumulative, r * total)]


def _timestamp(epoch):
    return datetime.fromtimestamp(epoch, UTC).isoformat()


class Command(BaseCommand):
    help = (
        "Create N fake inquiries (example.* addresses, 555-01xx phones) spread over the "
        "last year, for measuring the admin queue. COPY on PostgreSQL, else bulk inserts."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many inquiries to create.")
        parser.add_argument("--seed", type=int, default=None, help="Repeatable data.")

    def handle(self, *, count, seed, **options):
        if count < 1:
            raise CommandError("COUNT must be at least 1.")
        topic_ids = list(Topic.objects.values_list("pk", flat=True))
        if not topic_ids:
            raise CommandError("No topics exist: run `manage.py migrate` first.")
        from pages.models import Page  # the pages app's public model

        pages = dict(Page.objects.values_list("path", "pk"))
        rng = random.Random(seed)  # noqa: S311 (fake data, not secrets)
        now = timezone.now()
        rows = self._rows(count, rng, now, topic_ids, pages)
        started = time.monotonic()
        done = 0
        with transaction.atomic():
            while done < count:
                batch = list(itertools.islice(rows, BATCH_SIZE))
                self._insert(batch)
                done += len(batch)
                self._progress(done, count, started)
        sys.stderr.write("\n")
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, and a visibility map so counts can be
            # index-only scans (outside the transaction: VACUUM refuses to run in one).
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f"{vacuum} {Inquiry._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Created {count} inquiries in {elapsed:.1f} s."))

    def _rows(self, count, rng, now, topic_ids, pages):
        """Rows as tab-separated COPY lines (the generator is the hot loop: keep it lean)."""
        random = rng.random
        settled, recent, priority = _weighted(SETTLED), _weighted(RECENT), _weighted(PRIORITIES)
        now_epoch = now.timestamp()
        today = timezone.localdate(now)
        fortnight = 14 * 86400
        consent = "Generated test data (not a real consent).\tgenerated"
        methods, times = ["email", "phone", "text"], ["", "Mornings", "Evenings", "After 5pm"]
        sources = ["", "", "", "newsletter", "google"]
        n_first, n_last, n_paths = len(FIRST_NAMES), len(LAST_NAMES), len(SOURCE_PATHS)
        for _ in range(count):
            first = FIRST_NAMES[int(random() * n_first)]
            last = LAST_NAMES[int(random() * n_last)]
            # Skewed toward recent weeks, like a growing clinic, but reaching back a year.
            age = 365 * 86400 * random() ** 1.6 + 86400 * random()
            created_epoch = now_epoch - age
            created = _timestamp(created_epoch)
            status = (recent if age < fortnight else settled)(random())
            contacted = closed = follow_up = NULL
            if status not in ("new", "spam") and not (status == "no_response" and random() < 0.5):
                waited = 1200 + random() * 3 * 86400
                contacted = _timestamp(min(created_epoch + waited, now_epoch))
            # Contact attempts: one to three until the patient was reached; three
            # unanswered ones before "no response" without contact.
            attempts, unanswered, last_attempt, reached, to_reach = "0", "0", NULL, NULL, NULL
            if contacted != NULL:
                attempts = to_reach = str(1 + int(random() * 3))
                last_attempt = reached = contacted
            elif status == "no_response":
                attempts = unanswered = "3"
                last_attempt = _timestamp(min(created_epoch + 3 * 86400, now_epoch))
            if status in CLOSED:
                closed = _timestamp(min(created_epoch + 86400 * (1 + 39 * random()), now_epoch))
            elif status != "new" and random() < 0.6:
                follow_up = (today + timedelta(days=int(random() * 26) - 5)).isoformat()
            path = SOURCE_PATHS[int(random() * n_paths)]
            page = pages.get(path)
            area = AREA_CODES[int(random() * len(AREA_CODES))]
            phone = f"+1{area}55501{int(random() * 100):02d}" if random() < 0.8 else ""
            domain = DOMAINS[int(random() * 3)]
            email = f"{first}.{last}{int(random() * 1000)}@{domain}".lower()
            yield "\t".join(
                [
                    first,
                    last,
                    email,
                    phone,
                    methods[int(random() * 3)],
                    times[int(random() * 4)],
                    str(topic_ids[int(random() * len(topic_ids))]),
                    MESSAGES[int(random() * len(MESSAGES))],
                    consent,
                    created,
                    NULL if page is None else str(page),
                    path,
                    "",
                    sources[int(random() * 5)],
                    "",
                    "",
                    "",
                    "",
                    "",
                    GENERATED_AGENT,
                    "generated" if status == "spam" else "",
                    status,
                    priority(random()),
                    follow_up,
                    contacted,
                    closed,
                    created,
                    created,
                    attempts,
                    unanswered,
                    last_attempt,
                    reached,
                    to_reach,
                    "f",
                ]
            )

    def _insert(self, lines):
        if connection.vendor == "postgresql":
            buffer = io.StringIO("\n".join(lines) + "\n")
            with connection.cursor() as cursor:
                # psycopg2's copy_expert: COPY is an order of magnitude faster than INSERTs.
                cursor.cursor.copy_expert(
                    f"COPY {Inquiry._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN", buffer
                )
            return
        fields = [Inquiry._meta.get_field(name) for name in COLUMNS]
        inquiries = []
        for line in lines:
            values = [None if value == NULL else value for value in line.split("\t")]
            inquiries.append(
                Inquiry(**{f.attname: f.to_python(v) for f, v in zip(fields, values, strict=True)})
            )
        Inquiry.objects.bulk_create(inquiries, batch_size=1000)

    @staticmethod
    def _progress(done, total, started):
        width = 40
        filled = width * done // total
        rate = done / max(time.monotonic() - started, 1e-6)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)"
        )
        sys.stderr.flush()
