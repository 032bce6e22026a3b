"""A developer's tooling: ``./dev up``/``./dev test`` and the embedded PostgreSQL.

Nothing here runs in a deployment; the site itself lives in the apps (``comcep`` and the others).
"""
