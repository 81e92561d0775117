"""The webhook function: pushes and callbacks from outside platforms, verified in code, not by IAM."""
