"""The SSDA903 children looked after return: reading it (``reader``), DfE's validation rules (``rules``),
a synthetic return for tests and benchmarks (``synth``). Its measures are in goldthread.core.measures.ssda903.
Plain Python: nothing here imports Django."""
