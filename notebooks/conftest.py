"""nbval settings for the lesson notebooks (loaded by pytest for files in this folder)."""


def pytest_collectstart(collector):
    """Do not compare SVG output: graphviz writes its own version into every drawing.

    nbval builds its `skip_compare` tuple when it creates the collector for a notebook,
    and pytest calls this hook right before that collector collects the cells.
    """
    if collector.path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("image/svg+xml",)
