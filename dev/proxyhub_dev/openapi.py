"""Prints the API's OpenAPI document, which the console's types are generated from.

`make console-types` writes it to console/openapi.json and runs openapi-typescript on it; CI fails
when the committed copy and types are not what the API says.
"""

import json

from proxyhub.api.resolver import build_resolver, openapi_json


def openapi_document() -> str:
    schema = json.loads(openapi_json(build_resolver()))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(openapi_document(), end="")
