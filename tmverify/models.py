from django.db import models


class AuditEvent(models.Model):
    """One state change or refusal, hash-chained to the event before it.

    The actor is kept as id and label, not a foreign key, so that the chain stays
    verifiable whatever happens to the account later.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.subject_type}:{self.subject_id}"


class AuditHead(models.Model):
    """The single row that serialises appends to the chain (locked per append)."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditCheckpoint(models.Model):
    """The chain's head at one event, signed with the office key (`audit.head_message`):
    written every AUDIT_CHECKPOINT_EVERY events and by `manage.py audit_checkpoint`, so
    rewriting history that a checkpoint covers needs the key."""

    seq = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"checkpoint #{self.seq}"
