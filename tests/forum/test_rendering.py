"""Posts are Markdown rendered to HTML that can run no script, whatever a member types."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from forum.rendering import render

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">clic</a>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](java&#x09;script:alert(1))",
    "[clic](  javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](https://traceur.example/pixel.gif)",
    "![x\" onerror=\"alert(1)](https://traceur.example/p.gif)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[a](https://ok.example \"title\\\" onmouseover=alert(1)\")",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<a href=\"\\x01javascript:alert(1)\">x</a>",
    "@[<script>alert(1)</script>]",
]

SAFE_TAGS = {"p", "a", "img", "code", "pre", "strong", "em", "blockquote", "br", "span"}


def scheme_of(url: str) -> str:
    """The scheme a browser would see (it drops tabs, newlines and leading spaces)."""
    return urlsplit(re.sub(r"[\x00-\x20]", "", unescape(url))).scheme.lower()


class Elements(HTMLParser):
    """The elements a browser would build from the HTML, with their attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    """Nothing in ``html`` can run a script or load an image from elsewhere."""
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        for name in ("href", "src"):
            if name in attrs:
                assert scheme_of(attrs[name]) in {"", "http", "https", "mailto"}, html
        if tag == "img":
            assert attrs["src"].startswith("/forum/images/"), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_rendering(payload):
    assert_safe(render(payload).html)


def test_markdown_keeps_its_formatting():
    html = render("**gras**, *italique*, [lien](https://www.francecompetences.fr)\n\n"
                  "> citation\n\n- un\n- deux").html

    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert 'href="https://www.francecompetences.fr"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert "<blockquote>" in html
    assert "<li>un</li>" in html


def test_only_our_own_attachments_show_as_images():
    html = render("![schéma](/forum/images/12.jpg) ![pisteur](https://ailleurs.example/p.png)").html

    assert '<img src="/forum/images/12.jpg"' in html
    assert "ailleurs.example" not in html


def test_a_mention_of_a_known_member_becomes_a_link_to_their_profile():
    rendered = render("Merci @[Lande Bretonne] et @Inconnu !",
                      members={"lande bretonne": ("k7m2p9q3r4s5t6u8", "Lande Bretonne")})

    assert 'class="mention" href="/forum/membres/k7m2p9q3r4s5t6u8/"' in rendered.html
    assert ">@Lande Bretonne</a>" in rendered.html
    assert "@Inconnu" in rendered.html and "/forum/membres/" in rendered.html
    assert rendered.mentioned == {"lande bretonne"}


def test_an_email_address_is_not_a_mention():
    rendered = render("écrire à contact@exemple.fr", members={"exemple.fr": (1, "exemple.fr")})

    assert rendered.mentioned == set()


def test_a_quote_is_recognised_by_the_permalink_in_a_blockquote():
    rendered = render("> **Bob** a écrit ([message n°2](/forum/message/42/)) :\n> bla\n\n"
                      "Voir /forum/message/7/")

    assert rendered.quoted_post_ids == {42}


def test_a_link_to_a_library_resource_alone_in_its_paragraph_becomes_a_card():
    html = render("Voir cette vidéo :\n\n[Le premier entretien](/ressources/12/a/125/)\n\n"
                  "et [ce guide](/ressources/7/) dans la phrase.").html

    assert '<a class="resource-card" href="/ressources/12/a/125/">' in html
    assert "Le premier entretien" in html and "à 2:05" in html
    assert 'href="/ressources/7/" rel=' in html  # inside a sentence: an ordinary link


def test_a_card_is_made_for_our_own_site_only(settings):
    settings.SITE_URL = "https://comcep.fr"

    ours = render("[Guide](https://comcep.fr/ressources/3/)").html
    theirs = render("[Piège](https://ailleurs.example/ressources/3/)").html

    assert 'class="resource-card" href="/ressources/3/"' in ours
    assert "resource-card" not in theirs


HOSTILE_BODY = "\n\n".join(XSS_PAYLOADS)


@pytest.mark.parametrize("page", ["topic", "moderation", "favourite"])
def test_a_hostile_body_reaches_every_page_that_shows_it_only_sanitised(
        page, client_for, alice, bob, mod, practices, write):
    from django.urls import reverse

    from forum import services
    from forum.models import FlagReason

    topic = write(bob, practices, title="Un sujet piégé", body=HOSTILE_BODY)
    post = topic.posts.get(number=1)
    services.flag_post(actor=alice.member, post=post, reason=FlagReason.choices[0][0])
    url, reader = {
        "topic": (f"{topic.get_absolute_url()}?page=1", alice),
        "moderation": (reverse("forum:moderation"), mod),
        "favourite": (reverse("forum:post_favourite", args=[post.pk]), alice),
    }[page]

    response = client_for(reader).get(url)

    assert response.status_code == 200
    shown = response.content.decode()
    assert_safe(post.body_html)
    assert f'<div class="post-body">{post.body_html}</div>' in shown
    assert "<script>alert(1)</script>" not in shown
    assert "<img src=x onerror=alert(1)>" not in shown
