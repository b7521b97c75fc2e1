#!/usr/bin/env python3
"""Checks infra/samconfig.toml.example against the template, offline: it parses as TOML,
and every parameter it sets or shows in a comment is one the template declares, with a
value the template allows. A renamed or removed parameter then fails `make infra-check`
instead of a user's first deploy.

    check_samconfig.py TEMPLATE SAMCONFIG
"""

import re
import sys
import tomllib

from samtranslator.yaml_helper import yaml_parse


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    template_path, config_path = sys.argv[1], sys.argv[2]
    with open(template_path, encoding="utf-8") as f:
        parameters = yaml_parse(f.read())["Parameters"]
    with open(config_path, "rb") as f:
        raw = f.read()
    config = tomllib.loads(raw.decode("utf-8"))

    # Global: build and deploy must read the same Architecture.
    overrides = config["default"]["global"]["parameters"]["parameter_overrides"]
    # The commented-out examples are read too: they are documentation a user will uncomment.
    shown = re.findall(r'"([A-Za-z0-9]+)=([^"]*)"', raw.decode("utf-8"))
    errors = []
    if not isinstance(overrides, list) or not overrides:
        errors.append("global.parameters.parameter_overrides is not a non-empty list")
    for section in ("build", "deploy"):
        if "parameter_overrides" in config["default"].get(section, {}).get("parameters", {}):
            errors.append(f"{section}.parameters.parameter_overrides would hide the global ones")
    for name, value in shown:
        declared = parameters.get(name)
        if declared is None:
            errors.append(f"{name} is not a parameter of {template_path}")
            continue
        allowed = declared.get("AllowedValues")
        if allowed is not None and value not in [str(a) for a in allowed]:
            errors.append(f"{name}={value} is not one of {allowed}")
        if declared.get("Type") == "Number":
            low, high = declared.get("MinValue"), declared.get("MaxValue")
            if not re.fullmatch(r"-?[0-9]+", value):
                errors.append(f"{name}={value} is not a number")
            elif (low is not None and int(value) < low) or (high is not None and int(value) > high):
                errors.append(f"{name}={value} is outside {low}..{high}")
        pattern = declared.get("AllowedPattern")
        if pattern is not None and not re.fullmatch(pattern, value):
            errors.append(f"{name}={value} does not match {pattern}")
    for error in errors:
        print(f"{config_path}: {error}", file=sys.stderr)
    if not errors:
        print(f"check_samconfig: {config_path} sets {len(shown)} parameters, all declared")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
