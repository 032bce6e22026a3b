"""Which app may use which (CONTRIBUTING.md, « App boundaries »), checked in code and templates.

The Python imports are checked by import-linter with the contracts of ``pyproject.toml``; what
imports cannot see is checked here: a template of an app includes, extends or imports no
template of an app it may not know, loads none of its tag libraries and reverses none of its
URLs; a module of an app names none of its models, templates or URLs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
APPS = ("comcep", "enrolment", "forum", "resources", "privatespace", "conversations", "groups",
        "events", "stats")

# What each app may not know: the contracts of pyproject.toml, for the templates too.
MAY_NOT_KNOW = {
    "comcep": {"enrolment", "forum", "resources", "privatespace", "conversations", "groups", "events",
               "stats"},
    "resources": {"forum", "privatespace", "conversations", "events", "stats"},
    "forum": {"privatespace", "conversations", "events", "stats"},
    "enrolment": {"forum", "privatespace", "conversations", "events", "stats"},
    "privatespace": {"conversations", "events", "stats"},
    "conversations": {"enrolment", "privatespace", "events", "stats"},
    "groups": {"enrolment", "privatespace", "conversations", "events", "stats"},
    "events": {"enrolment", "privatespace", "conversations", "stats"},
    "stats": set(),  # at the top: it may know every app, and none knows it
}

TEMPLATE_NAME_RE = re.compile(
    r"{%-?\s*(?:include|extends|import|from)\s+[\"'](?P<name>[^\"']+)[\"']"
)
LOAD_RE = re.compile(r"{%-?\s*load\s+(?P<libraries>[^%]+?)\s*-?%}")
URL_NAME_RE = re.compile(r"(?:{%-?\s*url\s+|\burl\(\s*)[\"'](?P<namespace>\w+):[\w-]+[\"']")
# Python: a model, a template or a URL of another app named in a string rather than imported.
MODEL_LOOKUP_RE = re.compile(r"get_model\(\s*[\"'](?P<app>\w+)[\"'.]")
TEMPLATE_LITERAL_RE = re.compile(r"[\"'](?P<app>\w+)/[\w./-]+\.(?:html|txt)[\"']")
URL_LITERAL_RE = re.compile(r"[\"'](?P<app>\w+):[\w-]+[\"']")
# The settings wire the apps together (INSTALLED_APPS, the joining page, upload limits per URL):
# naming them there is their purpose.
COMPOSITION_ROOT = {Path("comcep/settings.py")}


def template_owner(relative: Path) -> str:
    """The app a template belongs to: its folder, else the core (base.html, partials/, allauth's
    and the emails, which name their app first: ``enrolment_received.html``)."""
    first = relative.parts[0]
    if first in APPS:
        return first
    if first == "emails":
        prefix = relative.name.split("_", 1)[0]
        return prefix if prefix in APPS else "comcep"
    return "comcep"


def app_of_library(library: str) -> str:
    module = engines["django"].engine.libraries.get(library, "")  # name -> dotted module path
    return module.split(".", 1)[0]


def template_breaches(template_dirs: list[Path]) -> list[str]:
    breaches = []
    for directory in template_dirs:
        for path in sorted(directory.rglob("*")):
            if path.suffix not in (".html", ".txt") or not path.is_file():
                continue
            relative = path.relative_to(directory)
            forbidden = MAY_NOT_KNOW[template_owner(relative)]
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(ROOT)
            for match in TEMPLATE_NAME_RE.finditer(text):
                used = template_owner(Path(match["name"]))
                if used in forbidden:
                    breaches.append(f"{where} uses the template {match['name']} of {used}")
            for match in LOAD_RE.finditer(text):
                names = [name for name in match["libraries"].split() if name != "from"]
                for library in names:
                    used = app_of_library(library)
                    if used in forbidden:
                        breaches.append(f"{where} loads the tags {library} of {used}")
            for match in URL_NAME_RE.finditer(text):
                if match["namespace"] in forbidden:
                    breaches.append(f"{where} reverses a URL of {match['namespace']}")
    return breaches


def python_breaches(root: Path) -> list[str]:
    breaches = []
    for app, forbidden in MAY_NOT_KNOW.items():
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts or path.relative_to(root) in COMPOSITION_ROOT:
                continue  # migrations name the models they depend on, as Django wants
            text = path.read_text(encoding="utf-8")
            for regex, what in ((MODEL_LOOKUP_RE, "a model"), (TEMPLATE_LITERAL_RE, "a template"),
                                (URL_LITERAL_RE, "a URL")):
                for match in regex.finditer(text):
                    if match["app"] in forbidden:
                        breaches.append(f"{path.relative_to(root)} names {what} of {match['app']}")
    return breaches


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_templates_use_only_the_apps_they_may_know():
    assert template_breaches([ROOT / "templates", ROOT / "jinja2"]) == []


def test_modules_name_no_model_or_template_of_an_app_they_may_not_know():
    assert python_breaches(ROOT) == []


@pytest.mark.parametrize("breach,expected", [
    ('{% include "privatespace/partials/_favourite_button.html" %}', "uses the template"),
    ("{% load i18n privatespace %}", "loads the tags privatespace"),
    ("<a href=\"{% url 'privatespace:home' %}\">", "reverses a URL of privatespace"),
])
def test_a_template_that_breaks_a_contract_is_caught(tmp_path, monkeypatch, breach, expected):
    # ROOT-relative paths in the messages: the copy sits in a folder of the checkout's root.
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    forum = tmp_path / "templates" / "forum"
    forum.mkdir(parents=True)
    (forum / "leaky.html").write_text(breach, encoding="utf-8")
    (breaches,) = template_breaches([tmp_path / "templates"])
    assert breaches.startswith("templates/forum/leaky.html") and expected in breaches
