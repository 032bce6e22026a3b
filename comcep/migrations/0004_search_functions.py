"""Accent folding for French full-text search, on any PostgreSQL.

The ``unaccent`` extension is a contrib module that the embedded server does
not ship, so accents are folded by an IMMUTABLE SQL function instead (usable
in generated columns and indexes). ``public.french_unaccent`` is the text search
configuration every app uses: French stemming on text folded by
``comcep_unaccent`` (both for documents and for queries).
"""

from django.db import migrations

ACCENTED = "àáâãäåāăąÀÁÂÃÄÅĀĂĄçćčÇĆČďĎèéêëēėęěÈÉÊËĒĖĘĚìíîïīįÌÍÎÏĪĮñńňÑŃŇòóôõöøōőÒÓÔÕÖØŌŐŕřŔŘśšşŚŠŞťŤùúûüūůűųÙÚÛÜŪŮŰŲýÿÝŸžźżŽŹŻ"
PLAIN = "aaaaaaaaaAAAAAAAAAcccCCCdDeeeeeeeeEEEEEEEEiiiiiiIIIIIInnnNNNooooooooOOOOOOOOrrRRsssSSStTuuuuuuuuUUUUUUUUyyYYzzzZZZ"

FORWARD = f"""
CREATE OR REPLACE FUNCTION public.comcep_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT translate(
        replace(replace(replace(replace($1, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
        '{ACCENTED}', '{PLAIN}') $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);
    END IF;
END $$;
"""

BACKWARD = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS public.french_unaccent;
DROP FUNCTION IF EXISTS public.comcep_unaccent(text);
"""


class Migration(migrations.Migration):
    dependencies = [("comcep", "0003_audit_append_only")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
