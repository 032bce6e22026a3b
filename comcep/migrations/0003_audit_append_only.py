from django.db import migrations

# Rows may be added, never changed or removed. The function serves every append-only
# history of the project (the audit log, the applications' events). TRUNCATE, used
# only by maintenance and test flushes, is deliberately left to the database owner.

FORBID = """
CREATE OR REPLACE FUNCTION comcep_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER comcep_auditevent_append_only
    BEFORE UPDATE OR DELETE ON comcep_auditevent
    FOR EACH ROW EXECUTE FUNCTION comcep_audit_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS comcep_auditevent_append_only ON comcep_auditevent;
DROP FUNCTION IF EXISTS comcep_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("comcep", "0002_reference_data")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
