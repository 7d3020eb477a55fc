"""Notifications to staff (CP-IS style: "a child on your caseload attended A&E")."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safeguard.safeguarding.models.children import Child
from safeguard.safeguarding.models.chronology import ChronologyEvent


class Notification(models.Model):
    """A message for one user. ``message`` carries no personal data: the child's name is looked
    up when the list is shown, through the reader's own access rules."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        ChronologyEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_idx")]

    def __str__(self) -> str:
        return f"notification {self.pk}"
