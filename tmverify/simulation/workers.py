"""Entry points of the processes a population runs on, importable before Django is set
up: a freshly started (spawned) process unpickles them first, then sets Django up."""


def start() -> None:
    import django

    django.setup()


def run_block(block):
    from .population import run_block

    return run_block(block)
