"""A Service companion's ports and selector, as ValidateService checks them (the common part).

What users get wrong in the Service beside a workload: several ports without names (each then
needs one), a duplicate port name, a named targetPort longer than 15 characters (it must be an
IANA service name, as a container port's name is), a port out of 1..65535, an unknown protocol,
a selector with an invalid label, and a non-headless, non-ExternalName Service without ports.
The ports are checked after SetDefaults_Service (protocol TCP, targetPort = port).

Not covered here: the IP families and clusterIPs, nodePorts, load balancer and external-name
fields, traffic policies and session affinity. Rule ID: K8S-SERVICE-PORTS (error).
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import names
from designer.pod.rules.apiserver_common import port_name_errors
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index

RULE = "K8S-SERVICE-PORTS"
_PROTOCOLS = ["SCTP", "TCP", "UDP"]
_PORT_RANGE = "must be between 1 and 65535, inclusive"


def _port_number(value: Any, path: str) -> list[Finding]:
    number = 0 if value is None else as_int(value)  # a missing port decodes as 0
    if number is None or isinstance(value, bool):
        return []  # a wrong type: the schema layer's
    return [] if 1 <= number <= 65535 else [fp.invalid(RULE, path, number, _PORT_RANGE)]


def _target_port(value: Any, path: str) -> list[Finding]:
    if value in (None, 0, ""):  # defaulted to the port
        return []
    if isinstance(value, str):
        return [fp.invalid(RULE, path, value, msg) for msg in port_name_errors(value)]
    return _port_number(value, path)


def validate(document: dict[str, Any], prefix: str) -> list[Finding]:
    """ValidateService's port and selector checks for a v1 Service at `prefix`."""
    if document.get("apiVersion") != "v1" or document.get("kind") != "Service":
        return []
    spec = as_dict(document.get("spec"))
    spec_path = child(prefix, "spec")
    ports = [as_dict(p) for p in as_list(spec.get("ports"))]
    headless = spec.get("clusterIP") == "None"
    service_type = as_str(spec.get("type")) or "ClusterIP"
    out: list[Finding] = []
    if not ports and not headless and service_type != "ExternalName":
        out.append(fp.required(RULE, child(spec_path, "ports")))
    seen: set[str] = set()
    for i, port in enumerate(ports):
        path = index(child(spec_path, "ports"), i)
        name = as_str(port.get("name"))
        if not name and len(ports) > 1:
            out.append(fp.required(RULE, child(path, "name")))
        elif name:
            out += [fp.invalid(RULE, child(path, "name"), name, msg) for msg in names.is_dns1123_label(name)]
            if name in seen:
                out.append(fp.duplicate(RULE, child(path, "name"), name))
            seen.add(name)
        out += _port_number(port.get("port"), child(path, "port"))
        protocol = port.get("protocol") or "TCP"
        if isinstance(protocol, str) and protocol not in _PROTOCOLS:
            out.append(fp.not_supported(RULE, child(path, "protocol"), protocol, _PROTOCOLS))
        out += _target_port(port.get("targetPort"), child(path, "targetPort"))
        app_protocol = port.get("appProtocol")
        if isinstance(app_protocol, str):
            out += [
                fp.invalid(RULE, child(path, "appProtocol"), app_protocol, msg)
                for msg in names.is_qualified_name(app_protocol)
            ]
    selector = spec.get("selector")
    if isinstance(selector, dict):
        out += names.validate_labels("K8S-META-LABELS", selector, child(spec_path, "selector"))
    return out
