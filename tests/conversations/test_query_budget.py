"""The conversation list and a conversation page run a fixed number of queries, whatever the data size."""

import pytest
from django.urls import reverse

from conversations import services
from tests import factories

BUDGET = 12


def fill(user, *, conversations: int, messages: int, people: int):
    others = [factories.make_member().member for _ in range(people)]
    made = []
    for c in range(conversations):
        group = others[c % people:c % people + 3] or others[:1]
        conversation = services.start(actor=user.member, members=group, subject=f"Échange {c}",
                                      body="Premier message avec **Markdown**.")
        for m in range(messages - 1):
            author = group[m % len(group)]
            seat = conversation.participants.get(member=author)
            services.post_message(actor=author, seat=seat, body=f"Réponse {m}")
        made.append(conversation)
    return made


@pytest.mark.parametrize("conversations,people", [(2, 2), (30, 10)])
def test_the_conversation_list_has_a_flat_query_budget(client_for, alice, conversations, people,
                                                      django_assert_max_num_queries):
    fill(alice, conversations=conversations, messages=2, people=people)
    client = client_for(alice)
    client.get(reverse("conversations:index"))  # warms the session

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("conversations:index"))
    assert response.text.count('class="conversation-row') == conversations


@pytest.mark.parametrize("messages,people", [(3, 2), (60, 6)])
def test_a_conversation_page_has_a_flat_query_budget(client_for, alice, messages, people,
                                                    django_assert_max_num_queries):
    (conversation,) = fill(alice, conversations=1, messages=messages, people=people)
    client = client_for(alice)
    client.get(reverse("conversations:index"))

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert response.text.count('class="card conversation-message') == messages
