"""The order of the example gallery: from a first network to the full report."""

ORDER = [
    "plot_cnn_digits.py",
    "plot_image_folder.py",
    "plot_tree_network_hybrid.py",
    "plot_grid_search_hybrid.py",
    "plot_insight_report.py",
]


class ExampleOrder:
    """Sort key for ``within_subsection_order``; unlisted examples go last, by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        position = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return f"{position:03d}{filename}"

    def __repr__(self):
        return f"<{type(self).__name__}>"
