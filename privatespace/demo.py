"""Demo content: a published course by the expert (with a library video lesson when the
library's demo videos exist), and a demo member's favourites, collections and files.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from comcep.demo import DemoAccounts
from privatespace import courses, library, services
from privatespace.models import Course, LessonKind, PrivateFile

COURSE_TITLE = "Conduire un premier entretien de CEP"

MODULES = [
    ("Accueillir la personne", [
        ("Poser le cadre", """Le premier entretien pose le **cadre** du conseil en évolution professionnelle :

- un service gratuit, confidentiel et personnalisé ;
- la personne reste maîtresse de son projet ;
- le conseiller ou la conseillère accompagne, sans décider à sa place.

## À dire dès le début

Présentez les *trois niveaux de service* du CEP et ce que la personne peut en attendre.""",
         [("Qui décide du projet d'évolution ?", [
             ("La personne accompagnée", True, "Oui : le CEP l'aide à construire son propre projet."),
             ("Le conseiller ou la conseillère", False, "Non : le conseil éclaire, il ne décide pas."),
             ("L'employeur", False, "Non : le CEP est indépendant de l'employeur."),
         ])]),
        ("Écouter la demande", """Laissez la personne **raconter** son parcours et sa demande, avec ses mots.
Reformulez pour vérifier que vous avez compris, puis faites préciser ce qu'elle attend.""", []),
    ]),
    ("Co-construire la suite", [
        ("Explorer les pistes", """Ensemble, listez les pistes envisagées, les ressources du territoire
et les informations à rechercher d'ici au prochain rendez-vous.""", []),
        ("Formaliser le plan d'action", """Terminez par un **plan d'action** écrit : les étapes,
qui fait quoi, et la date du prochain échange.""",
         [("Que remet-on à la fin de l'entretien ?", [
             ("Un plan d'action partagé", True, "Oui : il garde la trace des engagements de chacun."),
             ("Un diagnostic définitif", False, "Non : le projet se construit au fil des entretiens."),
         ])]),
    ]),
]

COLLECTIONS = ["Premiers entretiens", "Pour mes collègues"]



def _notes_pdf() -> bytes:
    """A one-page PDF (uploads are opened and saved again by pikepdf: it must be a real one)."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _demo_course(author) -> Course:
    course = Course.objects.filter(author=author, title=COURSE_TITLE).first()
    if course is not None:
        return course
    course = courses.create_course(
        actor=author, title=COURSE_TITLE,
        summary="Un parcours court pour réussir le premier rendez-vous : cadre, écoute, plan d'action.",
    )
    for module_title, lessons in MODULES:
        module = courses.add_module(course, title=module_title)
        for title, body, questions in lessons:
            lesson = courses.add_lesson(module, actor=author,
                                        content=courses.LessonContent(title=title, body=body))
            for prompt, choices in questions:
                courses.add_question(lesson, prompt=prompt, choices=choices)
    courses.publish_course(course, actor=author)
    return course


def _demo_video():
    """The library's first ready demo video, if the library has been seeded."""
    return (library.published_resources().filter(kind__in=["video", "expert"], video__state="ready")
            .order_by("pk").first())


def _library_lesson(course: Course, author, video) -> None:
    if course.modules.filter(lessons__kind=LessonKind.LIBRARY).exists():
        return
    first_module = course.modules.order_by("position", "pk").first()
    assert first_module is not None  # the demo course was made with its modules
    courses.add_lesson(first_module, actor=author,
                       content=courses.LessonContent(
                           title="Voir un entretien filmé", kind=LessonKind.LIBRARY,
                           body="Regardez cette séquence de la bibliothèque, puis notez ce qui "
                                "pose le **cadre** de l'entretien.",
                           library_resource=video))


def seed(accounts: DemoAccounts) -> None:
    with transaction.atomic():
        course = _demo_course(accounts.expert)
        video = _demo_video()
        if video is not None:
            _library_lesson(course, accounts.expert, video)
        member = accounts.members[0]
        collections = []
        for name in COLLECTIONS:
            existing = member.favourite_collections.filter(name=name).first()
            collections.append(existing or services.create_collection(actor=member, name=name))
        services.add_favourite(member, course, note="À suivre avant mon prochain premier rendez-vous.",
                               collection=collections[0])
        if video is not None:
            services.add_favourite(member, video, note="À montrer en réunion d'équipe.",
                                   collection=collections[1])
        if not courses.follow_of(member, course):
            follow = courses.follow_course(course, actor=member)
            courses.complete_lesson(follow, course.ordered_lessons()[0])
    if not PrivateFile.objects.filter(owner=member).exists():
        folder = member.private_folders.filter(name="Outils d'entretien").first() or \
            services.create_folder(actor=member, name="Outils d'entretien")
        services.upload_file(actor=member, folder=folder, name="Trame de premier entretien",
                             uploaded=SimpleUploadedFile("trame.pdf", _notes_pdf()))
