import pytest

from conversations import services


@pytest.fixture
def converse():
    """converse(user, [others], body=...) → a conversation started by that user."""

    def make(user, others, body="Bonjour, une question entre nous.", subject=""):
        return services.start(actor=user.member, members=[o.member for o in others], subject=subject,
                              body=body)

    return make
