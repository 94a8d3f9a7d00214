from django.db import models, transaction


class Toggle(models.Model):
    """The baseline: one row whose status a request locks and flips."""

    status = models.BooleanField(default=False)


def flip(pk: int) -> None:
    """(b): lock the toggle's row, then flip its status with one UPDATE."""
    with transaction.atomic():
        row = Toggle.objects.select_for_update().get(pk=pk)
        Toggle.objects.filter(pk=pk).update(status=not row.status)
