from django.urls import path

from privatespace import course_views, views

app_name = "privatespace"

urlpatterns = [
    path("", views.home, name="home"),
    # Favourites and collections
    path("favoris/", views.favourites, name="favourites"),
    path("favoris/ajouter/", views.add_favourite, name="add_favourite"),
    path("favoris/<int:pk>/", views.edit_favourite, name="edit_favourite"),
    path("favoris/<int:pk>/retirer/", views.remove_favourite, name="remove_favourite"),
    path("collections/nouvelle/", views.create_collection, name="create_collection"),
    path("collections/ordre/", views.reorder_collections, name="reorder_collections"),
    path("collections/<int:pk>/", views.edit_collection, name="edit_collection"),
    path("collections/<int:pk>/supprimer/", views.delete_collection, name="delete_collection"),
    path("collections/<int:pk>/deplacer/", views.move_collection, name="move_collection"),
    # Folders and files
    path("fichiers/", views.files, name="files"),
    path("fichiers/envoyer/", views.upload_file, name="upload_file"),
    path("fichiers/<uuid:key>/", views.file_detail, name="file_detail"),
    path("fichiers/<uuid:key>/telecharger/", views.download_file, name="download_file"),
    path("fichiers/<uuid:key>/renommer/", views.rename_file, name="rename_file"),
    path("fichiers/<uuid:key>/deplacer/", views.move_file, name="move_file"),
    path("fichiers/<uuid:key>/supprimer/", views.delete_file, name="delete_file"),
    path("fichiers/<uuid:key>/proposer/", views.propose_file, name="propose_file"),
    path("dossiers/nouveau/", views.create_folder, name="create_folder"),
    path("dossiers/<int:pk>/", views.edit_folder, name="edit_folder"),
    path("dossiers/<int:pk>/supprimer/", views.delete_folder, name="delete_folder"),
    # Courses: learners
    path("cours/", course_views.catalogue, name="catalogue"),
    path("cours/mes-cours/", course_views.my_courses, name="my_courses"),
    path("cours/nouveau/", course_views.create_course, name="create_course"),
    path("cours/<int:pk>/", course_views.course_detail, name="course_detail"),
    path("cours/<int:pk>/couverture/", course_views.course_cover, name="course_cover"),
    path("cours/<int:pk>/suivre/", course_views.follow_course, name="follow_course"),
    path("lecons/<int:pk>/", course_views.lesson_view, name="lesson"),
    path("lecons/<int:pk>/fichier/", course_views.lesson_file, name="lesson_file"),
    path("lecons/<int:pk>/terminer/", course_views.complete_lesson, name="complete_lesson"),
    path("lecons/<int:pk>/quiz/", course_views.answer_quiz, name="answer_quiz"),
    # Courses: the builder
    path("cours/<int:pk>/modifier/", course_views.edit_course, name="edit_course"),
    path("cours/<int:pk>/construire/", course_views.course_builder, name="course_builder"),
    path("cours/<int:pk>/publier/", course_views.publish_course, name="publish_course"),
    path("cours/<int:pk>/supprimer/", course_views.delete_course, name="delete_course"),
    path("cours/<int:pk>/apprenants/", course_views.course_followers, name="course_followers"),
    path("cours/<int:pk>/scorm/", course_views.export_scorm, name="export_scorm"),
    path("cours/<int:pk>/modules/ajouter/", course_views.add_module, name="add_module"),
    path("cours/<int:pk>/modules/ordre/", course_views.reorder_modules, name="reorder_modules"),
    path("modules/<int:pk>/", course_views.edit_module, name="edit_module"),
    path("modules/<int:pk>/supprimer/", course_views.delete_module, name="delete_module"),
    path("modules/<int:pk>/deplacer/", course_views.move_module, name="move_module"),
    path("modules/<int:pk>/lecons/ajouter/", course_views.add_lesson, name="add_lesson"),
    path("modules/<int:pk>/lecons/ordre/", course_views.reorder_lessons, name="reorder_lessons"),
    path("bibliotheque/recherche/", course_views.library_search, name="library_search"),
    path("lecons/<int:pk>/modifier/", course_views.edit_lesson, name="edit_lesson"),
    path("lecons/<int:pk>/supprimer/", course_views.delete_lesson, name="delete_lesson"),
    path("lecons/<int:pk>/deplacer/", course_views.move_lesson, name="move_lesson"),
    path("lecons/<int:pk>/questions/ajouter/", course_views.add_question, name="add_question"),
    path("questions/<int:pk>/supprimer/", course_views.delete_question, name="delete_question"),
]
