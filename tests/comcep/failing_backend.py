from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP down")


class DatabaseLostAfterSendBackend(BaseEmailBackend):
    """Delivers (to the test outbox), then the database connection dies, as in a failover."""

    def send_messages(self, email_messages):
        from django.core import mail
        from django.db import connection

        mail.outbox.extend(email_messages)
        with connection.cursor() as cursor:
            # A second connection ends this one, as a PostgreSQL restart would.
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                             port=settings["PORT"] or 5432, password=settings["PASSWORD"],
                             autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return len(email_messages)
