"""Small database helpers shared by the apps."""

from django.db import IntegrityError, transaction


def lock_singleton(model):
    """Lock (SELECT ... FOR UPDATE) the one row of `model`, creating it on first use.

    Serialises writers that must form one line (the audit chain, serial numbers) without
    a savepoint on the common path.
    """
    row = model.objects.select_for_update().filter(pk=1).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(pk=1)
    except IntegrityError:
        # another transaction created it first; wait for and lock the one it made
        return model.objects.select_for_update().get(pk=1)
