"""Prints the API's OpenAPI document, which the console's types are generated from.

`make console-types` writes it to console/openapi.json and runs openapi-typescript on it; CI fails
when the committed copy and types are not what the API says.
"""

import json

from proxyhub.api.resolver import API_TITLE, API_VERSION, build_resolver


def openapi_document() -> str:
    schema = json.loads(build_resolver().get_openapi_json_schema(title=API_TITLE, version=API_VERSION))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(openapi_document(), end="")
