"""Development-only code: the local stack behind `make run` and the vendor simulators.

It lives outside the Lambda layer (`layers/common/`), so none of it is deployed; it imports the
layer's `proxyhub` package, never the other way round.
"""
