#!/usr/bin/env python3
"""Expands infra/template.yaml with the SAM translator into plain CloudFormation JSON,
offline: the tests read what SAM would hand CloudFormation (roles, the event source
mapping, the function URL), not the SAM shorthand.

    expand.py TEMPLATE OUT

Local `CodeUri` paths are replaced by a placeholder S3 URI first, as `sam package`
replaces them by the uploaded zip's. The translator is given a region (it only needs one to pick the partition of ARNs)
and a managed-policy loader that knows no policies: the template names none, so an
unknown managed policy name fails the expansion instead of calling IAM.
"""

import json
import os
import sys

# Before samtranslator is imported: it reads the region through boto3's session.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.public.translator import ManagedPolicyLoader  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicies(ManagedPolicyLoader):
    """Answers without IAM: the template attaches no managed policies by name."""

    def __init__(self) -> None:  # no IAM client
        pass

    def load(self) -> dict[str, str]:
        return {}


def as_packaged(template: dict) -> dict:
    """Points every local CodeUri at a placeholder S3 object, as `sam package` would."""
    placeholder = "s3://placeholder-bucket/{}.zip"
    function_globals = template.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = placeholder.format("workspace")
    for name, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        code = properties.get("CodeUri")
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(code, str):
            if not code.startswith("s3://"):
                properties["CodeUri"] = placeholder.format(name)
    return template


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    expanded = transform(as_packaged(template), {}, NoManagedPolicies())
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(expanded, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"expand: {source} -> {out} ({len(expanded.get('Resources', {}))} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
