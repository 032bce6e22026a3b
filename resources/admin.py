from django.contrib import admin

from resources.models import RegionalAction, Resource, Theme, Video


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "region", "published_at"]
    list_filter = ["kind", "status", "service_level", "public"]
    search_fields = ["title"]
    # Who proposed or reviewed a resource is a pseudonym: not shown here.
    exclude = ["proposed_by", "reviewed_by"]


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["resource", "state", "progress", "attempts", "duration"]
    list_filter = ["state"]
    readonly_fields = ["failure_detail"]


@admin.register(RegionalAction)
class RegionalActionAdmin(admin.ModelAdmin):
    list_display = ["resource", "starts_at", "organiser", "cancelled_at"]
