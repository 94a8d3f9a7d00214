"""What a process of a population run (blocks.py) runs, importable before Django is set
up: a freshly started (spawned) process unpickles these first, then sets Django up, and
only then reads population.py, whose models need the apps loaded."""


def start() -> None:
    import django

    django.setup()


def run_block(block):
    # after start(): the models behind population.py can load only once Django is set up
    from .population import run_block

    return run_block(block)
