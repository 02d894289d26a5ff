"""Domain cores: plain Python, no Django. Django apps call these; these never import Django.

pandas stores text columns in pyarrow when pyarrow is installed (it is: it reads LAIT's Parquet file), and
pyarrow-backed text behaves differently at the edges (arithmetic on an empty text column raises instead of
giving an empty result). goldthread's cores were written and tested with pandas' own storage, so it is fixed
here, once, for every process that imports a core: the web server, the worker, the sandboxed readers.
"""

import pandas as _pd

_pd.set_option("mode.string_storage", "python")
