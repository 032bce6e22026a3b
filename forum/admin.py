from django.contrib import admin

from forum.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are set by the platform manager: name, description, order, who may start topics."""

    list_display = ["name", "position", "start_policy", "region", "topic_count", "post_count"]
    list_editable = ["position", "start_policy"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "position", "start_policy", "region"]
