"""How the interactive apps show themselves, in a live kernel and everywhere else.

A notebook cell that ends with an app returns one output holding several versions
of it: the live widget (JupyterLab draws this one), a picture of the app's current
state (shown by nbconvert's HTML, GitHub, or any viewer without a kernel) and a one-line
text summary (what nbval compares, so stored notebooks stay testable).

Used by `BackwardStepper` (lesson 03), `OptimizerRace` (08) and `TrainingPlayground` (09).
"""

import base64
import io


def figure_png(fig, dpi=72):
    """The PNG bytes of a matplotlib figure (its layout is fixed: no tight bbox, which
    would draw the figure twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def app_bundle(widget, text, png=None, svg=None):
    """The mimebundle of an app: widget view + static picture + text summary."""
    bundle = dict(widget._repr_mimebundle_() or {})
    if png is not None:
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
    if svg is not None:
        bundle["image/svg+xml"] = svg
    bundle["text/plain"] = text
    return bundle


def show_png(output, png):
    """Make an `ipywidgets.Output` show a PNG (and nothing else).

    The picture is set as the widget's state rather than printed into it with
    `with output: display(...)`: that route loses pictures sent from a training task
    that runs after the button click has been handled, and outside a kernel it would
    print into the cell instead of the widget.
    """
    output.outputs = ({"output_type": "display_data", "metadata": {},
                       "data": {"image/png": base64.b64encode(png).decode("ascii")}},)
