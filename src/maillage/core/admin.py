from django.contrib import admin

from .models import RateLimitCounter


@admin.register(RateLimitCounter)
class RateLimitCounterAdmin(admin.ModelAdmin):
    list_display = ("scope", "window_start", "count")
    list_filter = ("scope",)
