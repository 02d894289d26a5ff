"""Domain cores: plain Python, no Django. Django apps call these; these never import Django.

Text in pandas. With pyarrow installed (it reads LAIT's Parquet file), pandas keeps text columns in pyarrow,
which behaves differently at the edges (arithmetic on an empty text column raises) and made goldthread's
measures and breakdowns a fifth slower; the cores were written and tested with pandas' own storage. So every
process that imports a core uses pandas' own storage: set when pandas finishes importing, not here, because
this package must import nothing heavy (`goldthread measures FILE` starts the limited reading process before
it imports pandas).
"""

import importlib.util
import sys
from importlib.abc import MetaPathFinder

_STORAGE = ("mode.string_storage", "python")


class _WhenPandasIsImported(MetaPathFinder):
    """Finds nothing itself: when pandas is first imported, sets the text storage as soon as it has loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != "pandas":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            module.set_option(*_STORAGE)

        spec.loader.exec_module = exec_module
        return spec


if "pandas" in sys.modules:
    sys.modules["pandas"].set_option(*_STORAGE)
elif not any(isinstance(finder, _WhenPandasIsImported) for finder in sys.meta_path):
    sys.meta_path.insert(0, _WhenPandasIsImported())
