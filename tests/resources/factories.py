"""Library data for tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from resources.models import Kind, RegionalAction, Resource, Status, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thème {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    kind = Kind.DOCUMENT
    status = Status.PUBLISHED
    title = factory.Sequence(lambda n: f"Ressource numéro {n}")
    summary = "Un résumé utile au métier du conseil."
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(resource, create, extracted, **kwargs):
        if create and extracted:
            resource.tags.set(list(extracted))

    @factory.post_generation
    def themes(resource, create, extracted, **kwargs):
        if create and extracted:
            resource.themes.set(extracted)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalAction

    resource = factory.SubFactory(ResourceFactory, kind=Kind.ACTION,
                                  title=factory.Sequence(lambda n: f"Atelier régional {n}"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Rennes"
    organiser = "Carif-Oref"
