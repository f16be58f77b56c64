#!/usr/bin/python3
"""Keeps api/openapi.yaml in step with the server.

  check_openapi.py routes SPEC.yaml ROUTES.txt
      ROUTES.txt: one `METHOD /path/{param} [?name,name]` per line, as the server prints its
      routes with the query parameters each reads. Fails when a server route is not
      documented, a documented operation is not served, or the query parameters a route
      reads differ from those documented for it.
      Path templates match whatever their parameters are called.

  check_openapi.py responses SPEC.yaml RESPONSES.jsonl
      One JSON object per line: {"method","path","status","content_type","body"} with the
      concrete path. Each is matched to its operation and response (exact status, then a
      range such as 4XX, then default) and its body validated against the schema.
      Bodies that are not JSON are recorded as null: for a non-JSON content type only
      the content type is checked (an empty body cannot be told from a missing one).

Exit status: 0 all good, 1 a check failed, 2 bad usage or unreadable input.
Needs only python3-yaml and python3-jsonschema (Debian packages).
"""
import json
import re
import sys

import jsonschema
import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SPEC_URI = "urn:parcours:openapi"
MAX_SHOWN = 20


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise ValueError(f"{path}: not an OpenAPI document with paths")
    return spec


# ---- path templates -------------------------------------------------------------------

def template_key(path):
    """'/api/v1/sessions/{id}' -> ('api','v1','sessions','{}'); ':id' and '*' count too."""
    path = path.split("?", 1)[0]
    segments = []
    for seg in path.strip("/").split("/"):
        if (seg.startswith("{") and seg.endswith("}")) or seg.startswith(":") or seg == "*":
            segments.append("{}")
        else:
            segments.append(seg)
    return tuple(s for s in segments if s != "") or ("",)


def spec_operations(spec):
    """{(METHOD, template_key): (path_template, operation)}"""
    ops = {}
    for template, item in spec["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method in HTTP_METHODS:
                ops[(method.upper(), template_key(template))] = (template, op)
    return ops


def match_concrete(ops, method, path):
    """The operation whose template matches the concrete path; literal segments win."""
    concrete = template_key(path)
    best, best_score = None, -1
    for (m, key), value in ops.items():
        if m != method or len(key) != len(concrete):
            continue
        if all(k == "{}" or k == c for k, c in zip(key, concrete)):
            score = sum(k != "{}" for k in key)
            if score > best_score:
                best, best_score = value, score
    return best


# ---- routes ---------------------------------------------------------------------------

def cmd_routes(spec_path, routes_path):
    spec = load_spec(spec_path)
    ops = spec_operations(spec)
    served = {}
    reads = {}
    with open(routes_path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) < 2 or not parts[1].startswith("/"):
                print(f"{routes_path}:{n}: cannot read route line: {line!r}", file=sys.stderr)
                return 2
            method, path = parts[0].upper(), parts[1]
            served.setdefault((method, template_key(path)), f"{method} {path}")
            reads[(method, template_key(path))] = set(
                q for q in (parts[2][1:].split(",") if len(parts) > 2 and parts[2].startswith("?") else []) if q)

    undocumented = sorted(v for k, v in served.items() if k not in ops)
    unserved = sorted(f"{m} {ops[(m, k)][0]}" for (m, k) in ops if (m, k) not in served)
    if undocumented:
        print(f"{len(undocumented)} server route(s) not documented in {spec_path}:")
        for r in undocumented:
            print(f"  {r}")
    if unserved:
        print(f"{len(unserved)} documented operation(s) the server does not have:")
        for r in unserved:
            print(f"  {r}")
    mismatched = []
    for key, names in sorted(reads.items()):
        if key not in ops:
            continue
        template, op = ops[key]
        item = spec["paths"][template]
        documented = set()
        for param in list(item.get("parameters", [])) + list(op.get("parameters", [])):
            if "$ref" in param:
                param = resolve_local(spec, param["$ref"])
            if param.get("in") == "query":
                documented.add(param["name"])
        if documented != names:
            mismatched.append(f"{served[key]}: reads {sorted(names)}, documents {sorted(documented)}")
    if mismatched:
        print(f"{len(mismatched)} route(s) whose query parameters differ from {spec_path}:")
        for r in mismatched:
            print(f"  {r}")
    print(f"{len(served)} server routes, {len(ops)} documented operations, "
          f"{len(undocumented)} undocumented, {len(unserved)} not served, {len(mismatched)} query mismatches")
    return 1 if undocumented or unserved or mismatched else 0


# ---- responses ------------------------------------------------------------------------

def pointer_escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def resolve_local(spec, ref):
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported: {ref}")
    node = spec
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[token]
    return node


def deref(spec, node, pointer):
    """Follows $ref chains of OpenAPI objects, returning the node and its JSON pointer."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"$ref cycle at {ref}")
        seen.add(ref)
        node, pointer = resolve_local(spec, ref), ref[1:]
    return node, pointer


class SchemaChecker:
    """Validates instances against schemas given by their JSON pointer in the spec."""

    def __init__(self, spec):
        self.spec = spec
        cls = jsonschema.Draft202012Validator
        self.cls = cls
        self.format_checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
        self.registry = None
        self.resolver = None
        try:  # jsonschema >= 4.18
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
            self.registry = Registry().with_resource(
                SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
        except ImportError:  # older jsonschema (Debian bookworm: 4.10)
            self.resolver = jsonschema.RefResolver(
                base_uri=SPEC_URI, referrer=spec, store={SPEC_URI: spec})

    def errors(self, pointer, instance):
        schema = {"$ref": f"{SPEC_URI}#{pointer}"}
        if self.registry is not None:
            v = self.cls(schema, registry=self.registry, format_checker=self.format_checker)
        else:
            v = self.cls(schema, resolver=self.resolver, format_checker=self.format_checker)
        return sorted(v.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])


def media_type_base(content_type):
    return (content_type or "").split(";", 1)[0].strip().lower()


def pick_media(content, ctype):
    if ctype in content:
        return ctype
    lowered = {k.lower(): k for k in content}
    if ctype in lowered:
        return lowered[ctype]
    major = ctype.split("/", 1)[0]
    for candidate in (f"{major}/*", "*/*"):
        if candidate in content:
            return candidate
    return None


def is_json_media(ctype):
    return ctype == "application/json" or ctype.endswith("+json")


def media_base_is_problem(content_type):
    return media_type_base(content_type) == "application/problem+json"


def check_response(spec, ops, checker, rec):
    """None when the recorded response fits the spec, else the reason it does not."""
    method = str(rec.get("method", "")).upper()
    path = rec.get("path")
    status = rec.get("status")
    if not method or not isinstance(path, str) or not isinstance(status, int):
        return "record needs method, path and an integer status"
    found = match_concrete(ops, method, path)
    if found is None:
        # Paths or methods the API does not have: the answer must be a 404/405 problem document.
        if status in (404, 405) and media_base_is_problem(rec.get("content_type")):
            errs = checker.errors("/components/schemas/Problem", rec.get("body"))
            return None if not errs else f"problem body: {errs[0].message}"
        return "no documented operation matches"
    template, op = found
    base = f"/paths/{pointer_escape(template)}/{method.lower()}/responses"
    responses = op.get("responses") or {}
    key = None
    for candidate in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if candidate in responses:
            key = candidate
            break
    if key is None:
        return f"status {status} not documented for {method} {template}"
    response, rpointer = deref(spec, responses[key], f"{base}/{pointer_escape(key)}")
    content = response.get("content") or {}
    body = rec.get("body")
    if not content:
        if body not in (None, ""):
            return f"response {key} documents no body, got one"
        return None
    ctype = media_type_base(rec.get("content_type"))
    # The recorder stores a body that is not JSON (text/calendar, a PDF...) as null, so a
    # missing body is only an error when there is no content type or a JSON one.
    if body is None and (not ctype or is_json_media(ctype)):
        return f"response {key} documents a body ({', '.join(content)}), got none"
    media_key = pick_media(content, ctype)
    if media_key is None:
        return f"content type {ctype or '(none)'} not documented for {key} (has {', '.join(content)})"
    media = content[media_key]
    if "schema" not in media or not is_json_media(ctype):
        return None  # nothing to validate (or not JSON, e.g. a PDF)
    spointer = f"{rpointer}/content/{pointer_escape(media_key)}/schema"
    errs = checker.errors(spointer, body)
    if errs:
        shown = "; ".join(
            f"at {'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message}"
            for e in errs[:3])
        more = f" (+{len(errs) - 3} more)" if len(errs) > 3 else ""
        return f"body {shown}{more}"
    return None


def cmd_responses(spec_path, jsonl_path):
    spec = load_spec(spec_path)
    ops = spec_operations(spec)
    checker = SchemaChecker(spec)
    checked, failures = 0, []
    with open(jsonl_path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                continue
            checked += 1
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                failures.append((n, "?", f"unreadable line: {e}"))
                continue
            label = f"{rec.get('method')} {rec.get('path')} -> {rec.get('status')}"
            try:
                reason = check_response(spec, ops, checker, rec)
            except Exception as e:  # a broken $ref in the spec, not in the response
                reason = f"spec error: {e!r}"
            if reason:
                failures.append((n, label, reason))
    for n, label, reason in failures[:MAX_SHOWN]:
        print(f"{jsonl_path}:{n}: {label}: {reason}")
    if len(failures) > MAX_SHOWN:
        print(f"... and {len(failures) - MAX_SHOWN} more")
    print(f"{checked} responses checked, {len(failures)} failed")
    return 1 if failures else 0


def main(argv):
    if len(argv) != 4 or argv[1] not in ("routes", "responses"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[1] == "routes":
            return cmd_routes(argv[2], argv[3])
        return cmd_responses(argv[2], argv[3])
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"check_openapi: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
