"""Figure builders: each returns a ``plotly.graph_objects.Figure`` and never imports streamlit.

``style`` holds the shared look (optimizer colours, presentation mode, display limits); ``space`` the
parameter-space contour with its animated path and the 3-D surface; ``curves`` the loss curve;
``data`` the linear-regression data view; ``internals`` the optimizer's state over time.
"""

from .style import (
    MAX_POINTS,
    apply_style,
    base_layout,
    display_indices,
    optimizer_color,
)

__all__ = ["MAX_POINTS", "apply_style", "base_layout", "display_indices", "optimizer_color"]
