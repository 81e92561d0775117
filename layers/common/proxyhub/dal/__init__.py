"""Data access: PynamoDB models behind repository functions. The only package that talks to DynamoDB."""
