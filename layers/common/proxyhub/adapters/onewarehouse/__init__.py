"""OneWarehouse: the only package that knows OneWarehouse's headers, signing, fields and paths.

The contract we build against is /work/shared/docs/onewarehouse-contract.md, our model of a private
API. When the real scheme is confirmed on the first sandbox pushes, this package (and the simulator)
change; the port (`proxyhub.upstream.ports`) does not. `wire` is the format, `signing` the signature,
`client` the callback client and `codec` what the push use case sees of all three.
"""
