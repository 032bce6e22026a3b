"""Keep ``resources_resource.search_vector`` filled, with the shared French configuration.

``comcep_unaccent`` and ``french_unaccent`` come from comcep's 0004 migration
(accents folded without the ``unaccent`` extension, which the embedded server lacks).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION resources_resource_search_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('public.french_unaccent',
                              public.comcep_unaccent(coalesce(NEW.title, ''))), 'A')
        || setweight(to_tsvector('public.french_unaccent', public.comcep_unaccent(
                coalesce(NEW.keywords, '') || ' ' || coalesce(NEW.legal_reference, '') || ' '
                || coalesce(NEW.source, ''))), 'B')
        || setweight(to_tsvector('public.french_unaccent',
                                 public.comcep_unaccent(coalesce(NEW.summary, ''))), 'B')
        || setweight(to_tsvector('public.french_unaccent',
                                 public.comcep_unaccent(coalesce(NEW.body, ''))), 'C');
    RETURN NEW;
END $$;
CREATE TRIGGER resources_resource_search
    BEFORE INSERT OR UPDATE OF title, summary, body, keywords, legal_reference, source
    ON resources_resource FOR EACH ROW EXECUTE FUNCTION resources_resource_search_update();
UPDATE resources_resource SET title = title;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS resources_resource_search ON resources_resource;
DROP FUNCTION IF EXISTS resources_resource_search_update();
"""


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
