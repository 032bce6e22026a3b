"""What the private space holds of a person: exported, then erased with the account.

Registered with ``comcep.datarights`` in ``PrivatespaceConfig.ready``. The member's files
go into the zip under neutral names (their own names are in ``fichiers.csv``); on closing,
every file leaves the storage once the transaction has committed.
"""

from __future__ import annotations

from comcep.datarights import delete_after_commit
from privatespace.models import (
    Collection,
    Course,
    CourseFollow,
    Favourite,
    Folder,
    LessonProgress,
    PrivateFile,
)


def export(user, archive) -> None:
    archive.add_csv("espace-prive/favoris.csv", [
        {"titre": f.title, "type": f.kind, "adresse": f.url, "note": f.note,
         "collection": f.collection.name if f.collection else "", "ajoute_le": f.created_at}
        for f in Favourite.objects.of(user)
    ])
    archive.add_csv("espace-prive/collections.csv", [
        {"nom": c.name, "creee_le": c.created_at} for c in Collection.objects.filter(owner=user)
    ])
    rows = []
    for f in PrivateFile.objects.filter(owner=user).select_related("folder").order_by("created_at"):
        rows.append({
            "fichier_dans_l_export": archive.add_stored_file("espace-prive/fichiers", f.file.name),
            "nom": f.name, "dossier": f.folder.name if f.folder else "", "taille": f.size,
            "type": f.mime_type, "ajoute_le": f.created_at,
        })
    archive.add_csv("espace-prive/fichiers.csv", rows)
    courses = []
    for course in Course.objects.filter(author=user).prefetch_related("modules__lessons"):
        courses.append({
            "titre": course.title, "resume": course.summary, "etat": course.get_status_display(),
            "cree_le": course.created_at, "publie_le": course.published_at,
            "couverture": archive.add_stored_file("espace-prive/couvertures", course.cover.name)
            if course.cover else "",
            "modules": [
                {"titre": module.title, "lecons": [
                    {"titre": lesson.title, "contenu": lesson.get_kind_display(), "texte": lesson.body,
                     "ressource": lesson.library_title}
                    for lesson in module.lessons.all()]}
                for module in course.modules.all()
            ],
        })
    archive.add_json("espace-prive/cours.json", courses)
    archive.add_csv("espace-prive/cours-suivis.csv", [
        {"cours": follow.course.title, "commence_le": follow.started_at,
         "lecons_terminees": LessonProgress.objects.filter(follow=follow).count()}
        for follow in CourseFollow.objects.filter(learner=user).select_related("course")
    ])


def erase(user, *, keep_posts: bool) -> None:
    """Everything of the private space goes, published courses included."""
    files = PrivateFile.objects.filter(owner=user)
    courses = Course.objects.filter(author=user)
    delete_after_commit(*files.values_list("file", flat=True),
                        *courses.exclude(cover="").values_list("cover", flat=True))
    CourseFollow.objects.filter(learner=user).delete()
    courses.delete()
    Favourite.objects.filter(owner=user).delete()
    Collection.objects.filter(owner=user).delete()
    files.delete()
    Folder.objects.filter(owner=user).delete()
