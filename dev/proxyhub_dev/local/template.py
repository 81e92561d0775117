"""Reads template.yaml, the single source of truth for what the local stack deploys and serves."""

import copy
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

# layers/common/proxyhub_dev/local/template.py -> the repository root holds template.yaml.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
# The operator console's build (npm run build in console/), served at /console/ beside the API.
DEFAULT_CONSOLE_DIR = PROJECT_ROOT / "console" / "dist"

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class FunctionSpec:
    """A function as the template declares it (Globals merged in), before any deployment."""

    logical_id: str
    code_uri: str
    handler: str
    events: dict[str, Any]

    def handler_file(self, template_dir: Path) -> Path:
        """`app.lambda_handler` in `functions/api/` lives in `functions/api/app.py`."""
        module_path = self.handler.rsplit(".", 1)[0].replace(".", "/")
        return template_dir / self.code_uri / f"{module_path}.py"

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]

    @property
    def serves_http(self) -> bool:
        """Behind the HTTP API: its handler is a Powertools resolver."""
        return any(event.get("Type") == "HttpApi" for event in self.events.values())


@dataclass(frozen=True)
class HttpRoute:
    """One `HttpApi` event: `path` keeps API Gateway's `{param}` and `{param+}` syntax."""

    method: str
    path: str
    function_id: str
    # `Auth: Authorizer: NONE` opts the route out of the API's default authorizer.
    public: bool
    # The HttpApi the route belongs to (its logical id); empty for SAM's implicit API.
    api_id: str = ""

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"


class SamTemplate:
    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self._document = document

    @classmethod
    def load(cls, path: Path = DEFAULT_TEMPLATE_PATH) -> "SamTemplate":
        return cls(path, yaml_parse(path.read_text()))

    @property
    def directory(self) -> Path:
        """CodeUri, ContentUri and DefinitionUri are relative to the template's folder."""
        return self.path.parent

    def document(self) -> dict[str, Any]:
        """A private copy: the SAM translator and the deployer rewrite what they are given."""
        return copy.deepcopy(self._document)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self._document.get("Resources", {}))

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == resource_type
        }

    def parameter_defaults(self) -> dict[str, Any]:
        return {
            name: spec["Default"]
            for name, spec in self._document.get("Parameters", {}).items()
            if "Default" in spec
        }

    @cached_property
    def functions(self) -> dict[str, FunctionSpec]:
        defaults = self._document.get("Globals", {}).get("Function", {})
        specs = {}
        for logical_id, resource in self.resources_of_type(SERVERLESS_FUNCTION).items():
            properties = {**defaults, **resource.get("Properties", {})}
            specs[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_uri=str(properties.get("CodeUri", "")),
                handler=str(properties.get("Handler", "")),
                events=dict(properties.get("Events") or {}),
            )
        return specs

    def http_routes(self) -> list[HttpRoute]:
        routes = []
        for function in self.functions.values():
            for event in function.events.values():
                if event.get("Type") == "HttpApi":
                    routes.append(_http_route(function.logical_id, event.get("Properties") or {}))
        return routes


def _http_route(function_id: str, properties: dict[str, Any]) -> HttpRoute:
    # An HttpApi event without Path and Method is SAM's catch-all `$default` route.
    path = str(properties.get("Path", DEFAULT_ROUTE))
    method = str(properties.get("Method", "ANY")).upper()
    authorizer = (properties.get("Auth") or {}).get("Authorizer")
    api = properties.get("ApiId")
    api_id = str(api.get("Ref", "")) if isinstance(api, dict) else ""
    return HttpRoute(method, path, function_id, public=authorizer == "NONE", api_id=api_id)
