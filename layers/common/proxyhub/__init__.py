"""GWMS proxy-warehouse integration hub: shared code of every Lambda function (the layer)."""
