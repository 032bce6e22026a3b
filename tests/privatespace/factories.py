"""Data of the private space, made through its services as a member would."""

from __future__ import annotations

from privatespace import courses, services
from privatespace.models import Course
from tests.privatespace.helpers import pdf_upload


def make_file(owner, name="grille-entretien.pdf", folder=None):
    return services.upload_file(actor=owner, uploaded=pdf_upload(name), folder=folder)


def make_course(author, *, title="Conduire un premier entretien CEP", publish=False, modules=2,
                lessons_per_module=1, quiz=True) -> Course:
    """A course with ``modules`` modules of text lessons, the first lesson with a quiz."""
    course = courses.create_course(actor=author, title=title, summary="Les étapes clés.")
    for m in range(modules):
        module = courses.add_module(course, title=f"Module {m + 1}")
        for n in range(lessons_per_module):
            lesson = courses.add_lesson(module, actor=author, content=courses.LessonContent(
                title=f"Leçon {m + 1}.{n + 1}", body=f"## Étape {n + 1}\n\nÉcouter **d'abord**."))
            if quiz and m == 0 and n == 0:
                courses.add_question(lesson, prompt="Que faire en premier ?", choices=[
                    ("Écouter la personne", True, "Oui : l'écoute vient d'abord."),
                    ("Proposer une formation", False, "Trop tôt : écoutez d'abord."),
                ])
    if publish:
        courses.publish_course(course, actor=author)
    return course
