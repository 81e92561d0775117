"""`make invite-operator`: invites an operator to a deployed console (the first admin, or anyone after).

Cognito creates the user with the e-mail as user name and sends a temporary password there; the
console asks for a new one at the first sign-in. The role is one group (`viewer`, `operator` or
`admin`; each includes the ones below it). Inviting someone again changes only their group: the
roles they had are removed, so the group named is what they are.
"""

import argparse
from typing import Any

import boto3

from proxyhub.models.audit import Role
from proxyhub_dev.deploy_console import outputs_of, stack_of

ROLES = [role.value for role in Role]


def invite(cognito: Any, user_pool_id: str, email: str, role: str) -> str:
    """Creates the user (or finds them) and gives them exactly `role`; says which it did."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    try:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=attributes,
            DesiredDeliveryMediums=["EMAIL"],
        )
        done = f"invited {email} (Cognito e-mails a temporary password)"
    except cognito.exceptions.UsernameExistsException:
        done = f"{email} already exists"
    groups = cognito.admin_list_groups_for_user(UserPoolId=user_pool_id, Username=email)["Groups"]
    for group in groups:
        if group["GroupName"] != role and group["GroupName"] in ROLES:
            cognito.admin_remove_user_from_group(
                UserPoolId=user_pool_id, Username=email, GroupName=group["GroupName"]
            )
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=role)
    return f"{done}; role {role}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config-env", required=True, help="the samconfig.toml environment (dev, prod)")
    parser.add_argument("--email", required=True)
    parser.add_argument("--role", choices=ROLES, default=Role.VIEWER.value)
    args = parser.parse_args()
    stack_name, region = stack_of(args.config_env)
    pool_id = outputs_of(stack_name, region)["OperatorUserPoolId"]
    print(invite(boto3.client("cognito-idp", region_name=region), pool_id, args.email, args.role))


if __name__ == "__main__":
    main()
