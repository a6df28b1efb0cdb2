from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Comment, Flag, Idea, Step


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["status", "reason", "occurrence", "by", "at"]
    raw_id_fields = ["occurrence", "by"]


@admin.register(Idea)
class IdeaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "place", "commune", "status", "on_paper", "created_at", "hidden_at"]
    list_filter = ["status", "on_paper", "is_example"]
    search_fields = ["title", "text"]
    raw_id_fields = ["place", "commune", "author", "typed_by", "occurrence", "hidden_by"]
    inlines = [StepInline]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "idea", "created_at", "hidden_at"]
    raw_id_fields = ["idea", "parent", "author", "hidden_by"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["idea", "comment", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    raw_id_fields = ["idea", "comment", "reporter", "resolved_by"]
