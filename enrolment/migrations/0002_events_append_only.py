from django.db import migrations

# An application's history may grow, never change: a trigger refuses UPDATE and DELETE.
FORBID = """
CREATE OR REPLACE FUNCTION enrolment_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the application history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER enrolment_applicationevent_append_only
    BEFORE UPDATE OR DELETE ON enrolment_applicationevent
    FOR EACH ROW EXECUTE FUNCTION enrolment_events_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS enrolment_applicationevent_append_only ON enrolment_applicationevent;
DROP FUNCTION IF EXISTS enrolment_events_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
