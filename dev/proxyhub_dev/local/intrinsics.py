"""Just enough CloudFormation intrinsics for what moto's CloudFormation cannot resolve for us.

Values are keyed the way templates name them: "LogicalId" for `Ref`, "LogicalId.Attr" for
`Fn::GetAtt`, and parameter or pseudo-parameter names such as "AWS::StackName".
"""

import re
from collections.abc import Mapping
from typing import Any

# `${Name}` or `${Name.Attr}`, but not the `${!Literal}` escape.
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


class UnresolvableError(ValueError):
    pass


def pseudo_parameters(stack_name: str, region: str, account_id: str) -> dict[str, str]:
    return {
        "AWS::StackName": stack_name,
        "AWS::Region": region,
        "AWS::AccountId": account_id,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def resolve_string(node: Any, values: Mapping[str, Any]) -> str:
    """Resolves a name-like property (`!Sub ${AWS::StackName}-tasks`) to a plain string.

    Raises UnresolvableError when it depends on anything not in `values`, e.g. another resource.
    """
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, dict) and len(node) == 1:
        ((function, argument),) = node.items()
        if function == "Ref":
            return _known(values, argument)
        if function == "Fn::GetAtt":
            return _known(values, _get_att_key(argument))
        if function == "Fn::Sub":
            template, local = (argument, {}) if isinstance(argument, str) else argument
            known = {**values, **{key: resolve_string(value, values) for key, value in local.items()}}
            return _SUB_VARIABLE.sub(lambda match: _known(known, match.group(1)), template)
        if function == "Fn::Join":
            separator, parts = argument
            return str(separator).join(resolve_string(part, values) for part in parts)
    raise UnresolvableError(f"cannot resolve {node!r} before the stack exists")


def substitute_references(node: Any, values: Mapping[str, Any]) -> Any:
    """Replaces `Ref`, `Fn::GetAtt` and `${...}` of the names in `values` by literal values.

    Everything else is left for moto's CloudFormation to resolve.
    """
    if isinstance(node, list):
        return [substitute_references(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((function, argument),) = node.items()
        if function == "Ref" and argument in values:
            return values[argument]
        if function == "Fn::GetAtt" and _get_att_key(argument) in values:
            return values[_get_att_key(argument)]
        if function == "Fn::Sub":
            return {"Fn::Sub": _substitute_in_sub(argument, values)}
    return {key: substitute_references(value, values) for key, value in node.items()}


def _substitute_in_sub(argument: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(argument, str):
        return _substitute_variables(argument, values)
    template, local = argument
    # Names the Sub defines itself shadow resources of the same name.
    visible = {name: value for name, value in values.items() if name not in local}
    return [_substitute_variables(template, visible), substitute_references(local, values)]


def _substitute_variables(template: str, values: Mapping[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _SUB_VARIABLE.sub(replace, template)


def _get_att_key(argument: Any) -> str:
    return argument if isinstance(argument, str) else ".".join(str(part) for part in argument)


def _known(values: Mapping[str, Any], name: str) -> str:
    if name not in values:
        raise UnresolvableError(f"{name} is not known before the stack exists")
    return str(values[name])
