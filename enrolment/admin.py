from django.contrib import admin

from enrolment.models import Application, ApplicationEvent, PilotInvitation


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    fk_name = "application"
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "from_status", "to_status", "actor", "actor_role",
                       "category", "text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # Read-only: every change goes through the state machine and its audit trail.
    list_display = ["pk", "status", "operator", "region", "created_at"]
    list_filter = ["status", "operator", "region"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PilotInvitation)
class PilotInvitationAdmin(admin.ModelAdmin):
    list_display = ["region", "created_at"]
    list_filter = ["region"]
