"""The ``subsonic-response`` envelope in JSON or XML (``f=json|xml``; XML is the spec's default).

Payloads are plain dicts written the JSON way. The XML form follows the rule every Subsonic server uses:
a scalar becomes an attribute, a dict a child element, a list repeated child elements of the same name
(a list of scalars, e.g. an extension's ``versions``, becomes elements with text).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

from recommender.subsonic.errors import SubsonicError

__all__ = ["API_VERSION", "error_response", "ok_response"]

API_VERSION = "1.16.1"
SERVER_TYPE = "moodmix"
SERVER_VERSION = "0.1.0"
XMLNS = "http://subsonic.org/restapi"


def ok_response(payload: dict[str, Any], fmt: str) -> HttpResponse:
    return _render({"status": "ok", **_envelope(), **payload}, fmt)


def error_response(error: SubsonicError, fmt: str) -> HttpResponse:
    body = {"status": "failed", **_envelope(), "error": {"code": int(error.code), "message": error.message}}
    return _render(body, fmt)


def _envelope() -> dict[str, Any]:
    return {
        "version": API_VERSION,
        "type": SERVER_TYPE,
        "serverVersion": SERVER_VERSION,
        "openSubsonic": True,
    }


def _render(body: dict[str, Any], fmt: str) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(json.dumps({"subsonic-response": body}), content_type="application/json")
    root = ElementTree.Element("subsonic-response", {"xmlns": XMLNS})
    _fill(root, body)
    xml = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + xml, content_type="text/xml; charset=utf-8"
    )


def _fill(element: ElementTree.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            _fill(ElementTree.SubElement(element, key), value)
        elif isinstance(value, list):
            for item in value:
                child = ElementTree.SubElement(element, key)
                if isinstance(item, dict):
                    _fill(child, item)
                else:
                    child.text = _scalar(item)
        else:
            element.set(key, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
