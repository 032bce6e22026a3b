"""The admin is for accounts and configuration (identity side). It shows no
pseudonym and no community content: members are not registered, outbox bodies
and recipients are hidden, and the audit list leaves out community acts."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from comcep import legal, roles
from comcep.audit import COMMUNITY_ACTION_PREFIXES
from comcep.models import (
    AuditEvent,
    LegalDocument,
    LegalDocumentKind,
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
    # Neither the recipient nor the body: a member's email may carry pseudonyms.
    fields = readonly_fields = ("kind", "status", "attempts", "last_error", "created_at",
                                "next_attempt_at", "sent_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    # Not actor_member: a pseudonym has no place in the admin.
    readonly_fields = [f.name for f in AuditEvent._meta.fields if f.name != "actor_member"]
    exclude = ["actor_member"]

    def get_queryset(self, request):
        # Community acts stay out of the admin, which shows identity events only.
        queryset = super().get_queryset(request).filter(actor_member=None)
        for prefix in COMMUNITY_ACTION_PREFIXES:
            queryset = queryset.exclude(action__startswith=prefix)
        return queryset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LegalDocumentForm(forms.ModelForm):
    class Meta:
        model = LegalDocument
        fields = ["kind", "body"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) > legal.MAX_LENGTH:
            raise forms.ValidationError(_("Le texte est trop long (100 000 caractères au plus)."))
        return body


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    """Each save publishes a new version (comcep.legal.publish); a published one never changes,
    since members accepted that very text. A new charter is shown to every member to accept."""

    form = LegalDocumentForm
    list_display = ["kind", "version", "published_at"]
    list_filter = ["kind"]
    readonly_fields = ["version", "published_at"]

    def get_fields(self, request, obj=None):
        return ["kind", "body"] if obj is None else ["kind", "version", "published_at", "body"]

    def get_changeform_initial_data(self, request):
        # A new version starts from the text in force.
        kind = request.GET.get("kind", LegalDocumentKind.CHARTER)
        if kind not in LegalDocumentKind.values:
            kind = LegalDocumentKind.CHARTER
        return {"kind": kind, "body": legal.current(kind).body}

    def save_model(self, request, obj, form, change):
        document = legal.publish(kind=obj.kind, body=obj.body, actor=request.user)
        obj.pk, obj.version, obj.published_at = document.pk, document.version, document.published_at

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
