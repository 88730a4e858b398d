"""Validation of the sandbox's traffic against Ashby's published OpenAPI 3.1 file.

The file (650 KB) is read from `../shared/reference/ashby-openapi.yml` relative to the repository
root, where CI has it, or from `$OPENPIN_ASHBY_OPENAPI`; it is loaded and compiled once per session.
Schemas are referenced by JSON pointer into the whole document, because Ashby's file reuses
schemas through pointers into other paths (`#/paths/~1job.info/...`) rather than `components`.
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC_PATH = REPOSITORY_ROOT.parent / "shared" / "reference" / "ashby-openapi.yml"
SPEC_URI = "urn:ashby-openapi"
# Every endpoint's error branch points at this schema; transport-level errors (401, 403, 404,
# 429, 5xx) are not described per endpoint, so they are checked against it.
ERROR_SCHEMA_POINTER = (
    "/paths/~1report.generate/post/responses/429/content/application~1json/schema"
)


def spec_path() -> Path:
    return Path(os.environ.get("OPENPIN_ASHBY_OPENAPI", DEFAULT_SPEC_PATH))


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class AshbySpec:
    """Validators for one endpoint's request body and responses, compiled on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, OAS31Validator] = {}

    @classmethod
    def load(cls, path: Path) -> AshbySpec:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as handle:
            return cls(yaml.load(handle, Loader=loader))

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(self.document["paths"])

    def validator(self, pointer: str) -> OAS31Validator:
        if pointer not in self._validators:
            schema = self._inlined(self._resolve(pointer), (pointer,))
            self._validators[pointer] = OAS31Validator(
                schema, registry=self._registry, format_checker=OAS31Validator.FORMAT_CHECKER
            )
        return self._validators[pointer]

    def _inlined(self, node: Any, trail: tuple[str, ...]) -> Any:
        """`node` with its `$ref`s replaced by what they point at (resolving them while
        validating costs more than the validation itself); a cyclic one stays a reference."""
        if isinstance(node, list):
            return [self._inlined(item, trail) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        siblings = {k: self._inlined(v, trail) for k, v in node.items() if k != "$ref"}
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return siblings if ref is None else node
        pointer = ref[1:]
        if pointer in trail:
            return {**siblings, "$ref": f"{SPEC_URI}#{pointer}"}
        target = self._inlined(self._resolve(pointer), (*trail, pointer))
        # A $ref beside other keywords applies both (2020-12), which allOf expresses.
        return {"allOf": [target], **siblings} if siblings else target

    def request_pointer(self, method: str, media_type: str = "application/json") -> str:
        return f"/paths/~1{method}/post/requestBody/content/{_escape(media_type)}/schema"

    def response_pointer(self, method: str) -> str:
        return f"/paths/~1{method}/post/responses/200/content/application~1json/schema"

    def check_request(self, method: str, body: Any, media_type: str = "application/json") -> None:
        self._check(self.request_pointer(method, media_type), body, f"{method} request")

    def check_response(self, method: str, status: int, body: Any) -> None:
        """The body must match the endpoint's 200 schema, or the shared error schema otherwise."""
        if status == 200 and body.get("success") is True:
            self._check(self.response_pointer(method), body, f"{method} response")
        elif status == 200:
            self.check_logical_error(method, body)
        else:
            self._check(ERROR_SCHEMA_POINTER, body, f"{method} HTTP {status} response")

    def check_logical_error(self, method: str, body: Any) -> None:
        """A `success: false` answer on 200 must be the endpoint's error branch.

        Some endpoints' success branch requires only `success` (not `results`), so an error body
        matches both branches of their `oneOf` and can never validate against the whole schema;
        the branch titled "Error response" is then the one to check.
        """
        schema = self._resolve(self.response_pointer(method))
        branches = schema.get("oneOf", [])
        for index, branch in enumerate(branches):
            if index > 0 or branch.get("title") == "Error response":
                self._check(f"{self.response_pointer(method)}/oneOf/{index}", body, method)
                return
        self._check(ERROR_SCHEMA_POINTER, body, f"{method} error response")

    def _resolve(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.strip("/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def _check(self, pointer: str, instance: Any, what: str) -> None:
        errors = sorted(self.validator(pointer).iter_errors(instance), key=lambda e: e.path)
        if errors:
            details = "\n".join(_describe(error) for error in errors[:5])
            raise AssertionError(f"{what} does not match Ashby's OpenAPI file:\n{details}")


def _describe(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    causes = [_describe(cause) for cause in (error.context or [])[:3]]
    return f"  at {where}: {error.message[:300]}" + "".join(f"\n  {c}" for c in causes)


class SpecCheckingHooks:
    """httpx event hooks that hold every RPC exchange of a test to the OpenAPI file.

    Responses are always checked; a JSON request body is checked whenever the sandbox accepted
    it (`success: true`), because the sandbox must never accept a body the spec forbids.
    Multipart bodies are checked by the tests that send them.
    """

    def __init__(self, spec: AshbySpec) -> None:
        self.spec = spec
        self.checked: list[str] = []

    def __call__(self, response: httpx.Response) -> None:
        method = response.request.url.path.lstrip("/")
        if f"/{method}" not in self.spec.paths:
            return
        response.read()
        body = response.json()
        self.spec.check_response(method, response.status_code, body)
        request_type = response.request.headers.get("content-type", "")
        if body.get("success") is True and request_type.startswith("application/json"):
            self.spec.check_request(method, json.loads(response.request.content or b"{}"))
        self.checked.append(method)
