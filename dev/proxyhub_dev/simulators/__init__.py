"""Local HTTP simulators of vendor APIs, for tests and the local stack (never deployed behaviour).

Each simulator module is runnable on its own, e.g. `python -m proxyhub_dev.simulators.hpk --port 3100`;
this package deliberately imports none of them, so `-m` runs the module once.
"""
