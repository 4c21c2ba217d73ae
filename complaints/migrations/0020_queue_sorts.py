"""The work queue (complaints/selectors.py QUEUE_SORTS): the last-update column kept by a trigger on
every event insert (and on a change of an event's time: the demo back-dates its events), backfilled;
the indexes whose SQL differs between PostgreSQL and SQLite (NULLS LAST, the tier rank expression,
trigram indexes for the keyword search on PostgreSQL only)."""

from django.conf import settings
from django.db import migrations, models, transaction

# The tier sort's expression; complaints.selectors.TIER_RANK_SQL must stay the same text.
TIER_RANK = "(CASE tier WHEN 'major' THEN 0 WHEN 'hot' THEN 1 WHEN 'important' THEN 2 ELSE 3 END)"

SQLITE = [
    """CREATE TRIGGER complaint_event_touch AFTER INSERT ON complaints_complaintevent
    BEGIN
        UPDATE complaints_complaint SET last_event_at = NEW.at
        WHERE id = NEW.complaint_id AND (last_event_at IS NULL OR last_event_at < NEW.at);
    END""",
    """CREATE TRIGGER complaint_event_retime AFTER UPDATE OF at ON complaints_complaintevent
    BEGIN
        UPDATE complaints_complaint SET last_event_at = (
            SELECT MAX(at) FROM complaints_complaintevent WHERE complaint_id = NEW.complaint_id
        ) WHERE id = NEW.complaint_id;
    END""",
    "CREATE INDEX complaint_last_event ON complaints_complaint (last_event_at DESC, id DESC)",
    "CREATE INDEX complaint_company_last_event ON complaints_complaint (company_id, last_event_at DESC, id DESC)",
    "CREATE INDEX complaint_handler_last_event ON complaints_complaint (handler_id, last_event_at DESC, id DESC)",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS complaint_event_touch",
    "DROP TRIGGER IF EXISTS complaint_event_retime",
    "DROP INDEX IF EXISTS complaint_last_event",
    "DROP INDEX IF EXISTS complaint_company_last_event",
    "DROP INDEX IF EXISTS complaint_handler_last_event",
]
# On PostgreSQL the triggers run once per statement over its transition table: a bulk insert of
# 10,000 events (the demo, linking an issue group) is one UPDATE, not 10,000.
POSTGRESQL = [
    """CREATE FUNCTION complaint_event_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE complaints_complaint AS c SET last_event_at = m.at
        FROM (SELECT complaint_id, MAX(at) AS at FROM inserted GROUP BY complaint_id) AS m
        WHERE c.id = m.complaint_id AND (c.last_event_at IS NULL OR c.last_event_at < m.at);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER complaint_event_touch AFTER INSERT ON complaints_complaintevent
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION complaint_event_touch()""",
    """CREATE FUNCTION complaint_event_retime() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE complaints_complaint AS c SET last_event_at = (
            SELECT MAX(e.at) FROM complaints_complaintevent AS e WHERE e.complaint_id = c.id
        )
        WHERE c.id IN (
            SELECT n.complaint_id FROM changed_new AS n JOIN changed_old AS o ON o.id = n.id
            WHERE n.at IS DISTINCT FROM o.at
        );
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER complaint_event_retime AFTER UPDATE ON complaints_complaintevent
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_event_retime()""",
    "CREATE INDEX complaint_last_event ON complaints_complaint (last_event_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX complaint_company_last_event ON complaints_complaint "
    "(company_id, last_event_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX complaint_handler_last_event ON complaints_complaint "
    "(handler_id, last_event_at DESC NULLS LAST, id DESC)",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS complaint_event_touch ON complaints_complaintevent",
    "DROP TRIGGER IF EXISTS complaint_event_retime ON complaints_complaintevent",
    "DROP FUNCTION IF EXISTS complaint_event_touch()",
    "DROP FUNCTION IF EXISTS complaint_event_retime()",
    "DROP INDEX IF EXISTS complaint_last_event",
    "DROP INDEX IF EXISTS complaint_company_last_event",
    "DROP INDEX IF EXISTS complaint_handler_last_event",
    "DROP INDEX IF EXISTS complaint_title_trgm",
    "DROP INDEX IF EXISTS complaint_description_trgm",
]
BOTH = [
    f"CREATE INDEX complaint_tier_rank ON complaints_complaint ({TIER_RANK}, received_at DESC, id DESC)",
    f"CREATE INDEX complaint_company_tier_rank ON complaints_complaint "
    f"(company_id, {TIER_RANK}, received_at DESC, id DESC)",
    """UPDATE complaints_complaint SET last_event_at = (
        SELECT MAX(at) FROM complaints_complaintevent WHERE complaint_id = complaints_complaint.id
    )""",
]
BOTH_REVERSE = ["DROP INDEX IF EXISTS complaint_tier_rank", "DROP INDEX IF EXISTS complaint_company_tier_rank"]
# The keyword search is Django's icontains on both, which PostgreSQL runs as UPPER(column) LIKE
# UPPER(pattern): trigram indexes over UPPER(column) serve it (Chinese text too, in a UTF-8 ctype).
# Creating the extension needs a privilege a managed database may not grant: without it the
# search stays correct, only slower.
TRIGRAM = [
    "CREATE INDEX complaint_title_trgm ON complaints_complaint USING gin (UPPER(title) gin_trgm_ops)",
    "CREATE INDEX complaint_description_trgm ON complaints_complaint USING gin (UPPER(description) gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    for sql in (SQLITE if vendor == "sqlite" else POSTGRESQL) + BOTH:
        schema_editor.execute(sql)
    if vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                for sql in TRIGRAM:
                    schema_editor.execute(sql)
        except Exception:  # noqa: BLE001, S110 - no privilege for the extension: ILIKE without an index
            pass


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    for sql in (SQLITE_REVERSE if vendor == "sqlite" else POSTGRESQL_REVERSE) + BOTH_REVERSE:
        schema_editor.execute(sql)



class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0019_canned_replies'),
        ('customers', '0005_company_filter_indexes'),
        ('organization', '0004_project_duty_handler'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='last_event_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last update'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['escalates_at', 'id'], name='complaint_escalation_order'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['company', 'escalates_at', 'id'], name='complaint_company_escalation'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['handler', 'escalates_at', 'id'], name='complaint_handler_escalation'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['handler', '-received_at', '-id'], name='complaint_handler_recent'),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
