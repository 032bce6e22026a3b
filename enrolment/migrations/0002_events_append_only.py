from django.db import migrations

# An application's history may grow, never change: the project's append-only trigger
# function (comcep 0003) refuses UPDATE and DELETE.
FORBID = """
CREATE TRIGGER enrolment_applicationevent_append_only
    BEFORE UPDATE OR DELETE ON enrolment_applicationevent
    FOR EACH ROW EXECUTE FUNCTION comcep_audit_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS enrolment_applicationevent_append_only ON enrolment_applicationevent;
"""


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial"), ("comcep", "0003_audit_append_only")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
