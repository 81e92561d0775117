"""HPK (Hipacking) v5: the only package that knows HPK's paths, envelope, codes, field names and signing.

The contract we build against is /work/shared/docs/hpk-v5-contract.md. When HPK's real document
arrives, this package and the simulator change; the port (`proxyhub.proxy.ports`) does not.
`wire` is the format, `client` the HTTP client, `signing` the status-callback signature.
"""
