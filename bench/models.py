from django.db import models


class Toggle(models.Model):
    """The baseline: one row whose status a request locks and flips."""

    status = models.BooleanField(default=False)
