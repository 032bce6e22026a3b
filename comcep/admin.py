from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from guardian.admin import GuardedModelAdmin

from comcep import roles
from comcep.models import (
    AuditEvent,
    Member,
    Operator,
    OperatorManagership,
    OutboxMessage,
    Region,
    Structure,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Region)
class RegionAdmin(GuardedModelAdmin):
    list_display = ["name", "code", "overseas", "phase"]
    list_editable = ["phase"]


@admin.register(Operator)
class OperatorAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "is_active"]
    filter_horizontal = ["regions"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "operator", "region"]
    list_filter = ["operator", "region"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    # The platform manager sees pseudonyms but not, here, who holds them:
    # lifting a pseudonym is an audited act, not a list column.
    list_display = ["pseudonym", "joined_at", "show_network"]
    search_fields = ["pseudonym"]
    fields = ["pseudonym", "show_network", "bio", "joined_at"]
    readonly_fields = ["pseudonym", "joined_at"]


class OperatorManagershipForm(forms.ModelForm):
    class Meta:
        model = OperatorManagership
        fields = ["user", "operator", "regions"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        roles.check_compatible(user, roles.Role.OPERATOR_MANAGER)
        return user


@admin.register(OperatorManagership)
class OperatorManagershipAdmin(admin.ModelAdmin):
    """Naming and removing managers goes through the role service, so that the
    group, the guardian permission on the operator and the audit record follow."""

    form = OperatorManagershipForm
    list_display = ["user", "operator", "created_at"]
    filter_horizontal = ["regions"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "operator"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        managership = roles.name_operator_manager(obj.user, obj.operator, actor=request.user)
        obj.pk, obj._state.adding = managership.pk, False  # the regions are saved onto it next

    def delete_model(self, request, obj):
        roles.remove_operator_manager(obj.user, obj.operator, actor=request.user)

    def delete_queryset(self, request, queryset):
        for managership in queryset.select_related("user", "operator"):
            self.delete_model(request, managership)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
