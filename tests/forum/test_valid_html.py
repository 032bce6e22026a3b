"""The topic page's markup is valid where the forum draws it: no form inside phrasing content
(a <span>), which an HTML checker rejects and browsers may re-nest."""

from html.parser import HTMLParser

from django.urls import reverse

PHRASING_ONLY = {"span", "a", "em", "strong", "small", "label", "button", "p"}


class FormsInPhrasing(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form" and (inside := [t for t in self.open if t in PHRASING_ONLY]):
            self.found.append(" > ".join(inside))
        if tag not in {"input", "br", "img", "meta", "link", "hr", "source", "track", "wbr"}:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]


def forms_in_phrasing(html: str) -> list[str]:
    parser = FormsInPhrasing()
    parser.feed(html)
    return parser.found


def test_the_thanks_button_s_form_is_in_no_span(client_for, alice, bob, practices, write):
    topic = write(alice, practices)
    post = topic.posts.get()
    client = client_for(bob)

    page = client.get(reverse("forum:topic", args=[topic.pk])).text
    assert 'id="thanks-%d"' % post.pk in page
    assert forms_in_phrasing(page) == []
    swapped = client.post(reverse("forum:post_thank", args=[post.pk]), HTTP_HX_REQUEST="true").text
    assert forms_in_phrasing(swapped) == []
