"""The apiserver layer: each K8S-* rule fires on a manifest with kube-apiserver's path and wording,
and a close neighbour does not fire it."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
import yaml

from designer.pod.findings import Finding
from designer.pod.rules import apiserver
from designer.pod.rules.context import LintContext
from designer.pod.rules.defaults import apply_defaults

BASE = yaml.safe_load(
    """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: config, configMap: {name: web-config}}
  initContainers:
  - name: proxy
    image: envoyproxy/envoy:v1.30.1
    restartPolicy: Always
    ports: [{containerPort: 9901, name: admin}]
    readinessProbe: {tcpSocket: {port: 9901}}
  containers:
  - name: app
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
    env: [{name: LOG_LEVEL, value: info}]
    volumeMounts: [{name: shared, mountPath: /data}, {name: config, mountPath: /etc/web}]
    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
    livenessProbe: {httpGet: {path: /healthz, port: http}}
    securityContext: {runAsUser: 1000, allowPrivilegeEscalation: false}
  - name: log-shipper
    image: fluent/fluent-bit:3.0
    volumeMounts: [{name: shared, mountPath: /data, readOnly: true}]
"""
)
DELETE = object()
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def edit(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of doc with each dotted path ('spec.containers[0].image') set (or deleted)."""
    doc = copy.deepcopy(doc)
    for path, value in changes.items():
        steps = [int(i) if i else name for name, i in _STEP.findall(path)]
        node: Any = doc
        for step in steps[:-1]:
            node = node[step]
        if value is DELETE:
            del node[steps[-1]]
        else:
            node[steps[-1]] = value
    return doc


def run(doc: dict[str, Any], version: tuple[int, int] = (1, 33)) -> list[Finding]:
    return apiserver.check(LintContext(doc, version=version))


def flat(findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        out.append(f)
        out.extend(flat(list(f.caused)))
    return out


C0 = "spec.containers[0]"
I0 = "spec.initContainers[0]"
GB = 'supported values: "Always", "IfNotPresent", "Never"'

# (rule, changes that fire it, expected path, expected message, changes of a close neighbour that does not)
CASES: list[tuple[str, dict[str, Any], str, str, dict[str, Any]]] = [
    (
        "K8S-POD-NAME",
        {"metadata.name": DELETE},
        "metadata.name",
        "Required value: name or generateName is required",
        {"metadata.name": DELETE, "metadata.generateName": "web-"},
    ),
    (
        "K8S-POD-NAME",
        {"metadata.name": "My_Pod"},
        "metadata.name",
        'Invalid value: "My_Pod": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '
        "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        {"metadata.name": "my-pod.v2"},
    ),
    ("K8S-CTRS-REQUIRED", {"spec.containers": []}, "spec.containers", "Required value", {}),
    (
        "K8S-POD-RESTARTPOLICY",
        {"spec.restartPolicy": "always"},
        "spec.restartPolicy",
        'Unsupported value: "always": supported values: "Always", "OnFailure", "Never"',
        {"spec.restartPolicy": "OnFailure"},
    ),
    (
        "K8S-POD-ACTIVEDEADLINE",
        {"spec.activeDeadlineSeconds": 0},
        "spec.activeDeadlineSeconds",
        "Invalid value: 0: must be between 1 and 2147483647, inclusive",
        {"spec.activeDeadlineSeconds": 1},
    ),
    (
        "K8S-POD-DNS",
        {"spec.dnsPolicy": "None"},
        "spec.dnsConfig",
        "Required value: must provide `dnsConfig` when `dnsPolicy` is None",
        {"spec.dnsPolicy": "None", "spec.dnsConfig": {"nameservers": ["1.1.1.1"]}},
    ),
    (
        "K8S-POD-DNS",
        {"spec.dnsConfig": {"nameservers": ["dns.local"]}},
        "spec.dnsConfig.nameservers[0]",
        'Invalid value: "dns.local": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        {"spec.dnsConfig": {"nameservers": ["10.0.0.10"]}},
    ),
    (
        "K8S-POD-NAMES",
        {"spec.hostname": "Web_1"},
        "spec.hostname",
        "Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        {"spec.hostname": "web-1"},
    ),
    (
        "K8S-POD-HOSTALIASES",
        {"spec.hostAliases": [{"ip": "10.0.0.300", "hostnames": ["db"]}]},
        "spec.hostAliases[0].ip",
        'Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        {"spec.hostAliases": [{"ip": "10.0.0.3", "hostnames": ["db"]}]},
    ),
    (
        "K8S-POD-SHAREPID-HOSTPID",
        {"spec.shareProcessNamespace": True, "spec.hostPID": True},
        "spec.securityContext.shareProcessNamespace",
        "Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled",
        {"spec.shareProcessNamespace": True},
    ),
    (
        "K8S-POD-HOSTUSERS",
        {"spec.hostUsers": False, "spec.hostNetwork": True},
        "spec.hostNetwork",
        "Forbidden: when `pod.Spec.HostUsers` is false",
        {"spec.hostUsers": True, "spec.hostNetwork": True},
    ),
    (
        "K8S-POD-SECCTX",
        {
            "spec.hostNetwork": True,
            "spec.securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]},
        },
        "spec.securityContext.sysctls[0].name",
        "Invalid value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is true",
        {"spec.securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}},
    ),
    (
        "K8S-POD-SECCTX",
        {"spec.securityContext": {"fsGroup": -1}},
        "spec.securityContext.fsGroup",
        "Invalid value: -1: must be between 0 and 2147483647, inclusive",
        {"spec.securityContext": {"fsGroup": 2000}},
    ),
    (
        "K8S-POD-OS",
        {"spec.os": {"name": "windows"}},
        f"{C0}.securityContext.runAsUser",
        "Forbidden: cannot be set for a windows pod",
        {"spec.os": {"name": "linux"}},
    ),
    (
        "K8S-EPH-ON-CREATE",
        {"spec.ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}]},
        "spec.ephemeralContainers",
        "Forbidden: cannot be set on create",
        {"spec.ephemeralContainers": []},
    ),
    ("K8S-CTR-NAME-REQUIRED", {f"{C0}.name": ""}, f"{C0}.name", "Required value", {f"{C0}.name": "web"}),
    (
        "K8S-CTR-NAME-DNS1123",
        {"spec.containers[1].name": "log_shipper"},
        "spec.containers[1].name",
        'Invalid value: "log_shipper": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '
        "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        {"spec.containers[1].name": "log-shipper-2"},
    ),
    (
        "K8S-CTR-NAME-UNIQUE",
        {f"{I0}.name": "app"},
        f"{I0}.name",
        'Duplicate value: "app"',
        {f"{I0}.name": "app-proxy"},
    ),
    (
        "K8S-CTR-NAME-UNIQUE",
        {"spec.containers[1].name": "app"},
        "spec.containers[1].name",
        'Duplicate value: "app"',
        {},
    ),
    (
        "K8S-CTR-IMAGE-REQUIRED",
        {f"{C0}.image": DELETE},
        f"{C0}.image",
        "Required value",
        {f"{C0}.image": "nginx"},
    ),
    (
        "K8S-CTR-IMAGE-WHITESPACE",
        {f"{C0}.image": " nginx:1.27"},
        f"{C0}.image",
        'Invalid value: " nginx:1.27": must not have leading or trailing whitespace',
        {f"{C0}.image": "nginx:1.27"},
    ),
    (
        "K8S-CTR-PULL-POLICY",
        {f"{C0}.imagePullPolicy": "always"},
        f"{C0}.imagePullPolicy",
        f'Unsupported value: "always": {GB}',
        {f"{C0}.imagePullPolicy": "Always"},
    ),
    (
        "K8S-CTR-TERMMSG",
        {f"{C0}.terminationMessagePolicy": "Logs"},
        f"{C0}.terminationMessagePolicy",
        'Unsupported value: "Logs": supported values: "File", "FallbackToLogsOnError"',
        {f"{C0}.terminationMessagePolicy": "FallbackToLogsOnError"},
    ),
    (
        "K8S-CTR-RESIZE-POLICY",
        {f"{C0}.resizePolicy": [{"resourceName": "gpu", "restartPolicy": "NotRequired"}]},
        f"{C0}.resizePolicy",
        'Unsupported value: "gpu": supported values: "cpu", "memory"',
        {f"{C0}.resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]},
    ),
    (
        "K8S-INIT-RESTARTPOLICY-VALUE",
        {f"{I0}.restartPolicy": "OnFailure", f"{I0}.readinessProbe": DELETE},
        f"{I0}.restartPolicy",
        'Unsupported value: "OnFailure": supported values: "Always"',
        {},
    ),
    (
        "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
        {"spec.containers[1].restartPolicy": "Always"},
        "spec.containers[1].restartPolicy",
        "Forbidden: may not be set for non-init containers",
        {},
    ),
    (
        "K8S-INIT-PROBES-FORBIDDEN",
        {f"{I0}.restartPolicy": DELETE},
        f"{I0}.readinessProbe",
        "Forbidden: may not be set for init containers without restartPolicy=Always",
        {},
    ),
    (
        "K8S-INIT-HOSTPORT",
        {f"{I0}.ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 8080}]},
        f"{I0}.ports[1].hostPort",
        'Duplicate value: "TCP//8080"',
        {f"{I0}.ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 8081}]},
    ),
    (
        "K8S-EPH-FIELDS",
        {
            "spec.ephemeralContainers": [
                {"name": "debug", "image": "busybox", "ports": [{"containerPort": 1}]}
            ]
        },
        "spec.ephemeralContainers[0].ports",
        "Forbidden: cannot be set for an Ephemeral Container",
        {"spec.ephemeralContainers": [{"name": "debug", "image": "busybox", "targetContainerName": "app"}]},
    ),
    (
        "K8S-VOL-NAME",
        {"spec.volumes[0].name": "Shared"},
        "spec.volumes[0].name",
        "Invalid value: \"Shared\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation "
        "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        {"spec.volumes[1].name": "shared-2", f"{C0}.volumeMounts[1].name": "shared-2"},
    ),
    (
        "K8S-VOL-NAME-UNIQUE",
        {"spec.volumes[1].name": "shared"},
        "spec.volumes[1].name",
        'Duplicate value: "shared"',
        {},
    ),
    (
        "K8S-VOL-ONE-SOURCE",
        {"spec.volumes[1].secret": {"secretName": "x"}},
        "spec.volumes[1].configMap",
        "Forbidden: may not specify more than 1 volume type",
        {"spec.volumes[1]": {"name": "config", "secret": {"secretName": "x"}}},
    ),
    (
        "K8S-VOL-SOURCE-REQUIRED",
        {"spec.volumes[1]": {"name": "config", "secret": {}}},
        "spec.volumes[1].secret.secretName",
        "Required value",
        {"spec.volumes[1]": {"name": "config", "secret": {"secretName": "web-tls"}}},
    ),
    (
        "K8S-VOL-FILE-MODE",
        {"spec.volumes[1].configMap.defaultMode": 644},
        "spec.volumes[1].configMap.defaultMode",
        "Invalid value: 644: must be a number between 0 and 0777 (octal), both inclusive",
        {"spec.volumes[1].configMap.defaultMode": 0o644},
    ),
    (
        "K8S-VOL-KEY-PATH",
        {"spec.volumes[1].configMap.items": [{"key": "a", "path": "/etc/x"}]},
        "spec.volumes[1].configMap.items[0].path",
        'Invalid value: "/etc/x": must be a relative path',
        {"spec.volumes[1].configMap.items": [{"key": "a", "path": "etc/x"}]},
    ),
    (
        "K8S-VOL-EMPTYDIR-SIZE",
        {"spec.volumes[0].emptyDir": {"sizeLimit": "-1Gi"}},
        "spec.volumes[0].emptyDir.sizeLimit",
        "Forbidden: SizeLimit field must be a valid resource quantity",
        {"spec.volumes[0].emptyDir": {"sizeLimit": "1Gi"}},
    ),
    (
        "K8S-VOL-PROJECTED",
        {
            "spec.volumes[1]": {
                "name": "config",
                "projected": {
                    "sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 300}}]
                },
            }
        },
        "spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds",
        "Invalid value: 300: may not specify a duration less than 10 minutes",
        {
            "spec.volumes[1]": {
                "name": "config",
                "projected": {
                    "sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 600}}]
                },
            }
        },
    ),
    (
        "K8S-VOL-DOWNWARD",
        {
            "spec.volumes[1]": {
                "name": "config",
                "downwardAPI": {"items": [{"path": "ip", "fieldRef": {"fieldPath": "status.podIP"}}]},
            }
        },
        "spec.volumes[1].downwardAPI.fieldRef.fieldPath",
        'Unsupported value: "status.podIP": supported values: "metadata.annotations", "metadata.labels", "metadata.name", '
        '"metadata.namespace", "metadata.uid"',
        {
            "spec.volumes[1]": {
                "name": "config",
                "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]},
            }
        },
    ),
    (
        "K8S-VOL-EPHEMERAL",
        {
            "spec.volumes[1]": {"name": "config", "persistentVolumeClaim": {"claimName": "web-scratch"}},
            "spec.volumes[0]": {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}},
            f"{C0}.volumeMounts": [],
            "spec.containers[1].volumeMounts": [],
        },
        "spec.volumes[1].persistentVolumeClaim.claimName",
        'Invalid value: "web-scratch": must not reference a PVC that gets created for an ephemeral volume',
        {"spec.volumes[1]": {"name": "config", "persistentVolumeClaim": {"claimName": "web-data"}}},
    ),
    (
        "K8S-MOUNT-NAME-REQUIRED",
        {f"{C0}.volumeMounts[0].name": ""},
        f"{C0}.volumeMounts[0].name",
        "Required value",
        {},
    ),
    (
        "K8S-MOUNT-VOLUME-EXISTS",
        {f"{C0}.volumeMounts[0].name": "app-logs"},
        f"{C0}.volumeMounts[0].name",
        'Not found: "app-logs"',
        {f"{C0}.volumeMounts[0].name": "shared"},
    ),
    (
        "K8S-MOUNT-PATH-REQUIRED",
        {f"{C0}.volumeMounts[0].mountPath": ""},
        f"{C0}.volumeMounts[0].mountPath",
        "Required value",
        {},
    ),
    (
        "K8S-MOUNT-PATH-UNIQUE",
        {f"{C0}.volumeMounts[1].mountPath": "/data"},
        f"{C0}.volumeMounts[1].mountPath",
        'Invalid value: "/data": must be unique',
        {"spec.containers[1].volumeMounts[0].mountPath": "/data"},
    ),
    (
        "K8S-MOUNT-SUBPATH",
        {f"{C0}.volumeMounts[0].subPath": "../x"},
        f"{C0}.volumeMounts.subPath",
        "Invalid value: \"../x\": must not contain '..'",
        {f"{C0}.volumeMounts[0].subPath": "x/..y"},
    ),
    (
        "K8S-MOUNT-PROPAGATION",
        {f"{C0}.volumeMounts[0].mountPropagation": "Bidirectional"},
        f"{C0}.volumeMounts.mountPropagation",
        "Forbidden: Bidirectional mount propagation is available only to privileged containers",
        {f"{C0}.volumeMounts[0].mountPropagation": "HostToContainer"},
    ),
    (
        "K8S-MOUNT-RRO",
        {f"{C0}.volumeMounts[0].recursiveReadOnly": "Enabled"},
        f"{C0}.volumeMounts.recursiveReadOnly",
        "Forbidden: may only be specified when readOnly is true",
        {f"{C0}.volumeMounts[0].recursiveReadOnly": "Enabled", f"{C0}.volumeMounts[0].readOnly": True},
    ),
    (
        "K8S-MOUNT-DEVICE",
        {f"{C0}.volumeDevices": [{"name": "shared", "devicePath": "/dev/xvda"}]},
        f"{C0}.volumeDevices[0].name",
        'Invalid value: "shared": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        {
            "spec.volumes[1]": {"name": "config", "persistentVolumeClaim": {"claimName": "disk"}},
            f"{C0}.volumeMounts": [],
            f"{C0}.volumeDevices": [{"name": "config", "devicePath": "/dev/xvda"}],
        },
    ),
    (
        "K8S-PORT-NUMBER",
        {f"{C0}.ports[0].containerPort": 91210},
        f"{C0}.ports[0].containerPort",
        "Invalid value: 91210: must be between 1 and 65535, inclusive",
        {f"{C0}.ports[0].containerPort": 65535},
    ),
    (
        "K8S-PORT-HOSTPORT-RANGE",
        {f"{C0}.ports[0].hostPort": 70000},
        f"{C0}.ports[0].hostPort",
        "Invalid value: 70000: must be between 1 and 65535, inclusive",
        {f"{C0}.ports[0].hostPort": 8080},
    ),
    (
        "K8S-PORT-PROTOCOL",
        {f"{C0}.ports[0].protocol": "udp"},
        f"{C0}.ports[0].protocol",
        'Unsupported value: "udp": supported values: "SCTP", "TCP", "UDP"',
        {f"{C0}.ports[0].protocol": "UDP"},
    ),
    (
        "K8S-PORT-NAME-FORMAT",
        {f"{C0}.ports[0].name": "redis-exporter-metrics"},
        f"{C0}.ports[0].name",
        'Invalid value: "redis-exporter-metrics": must be no more than 15 characters',
        {f"{C0}.ports[0].name": "redis-metrics"},
    ),
    (
        "K8S-PORT-NAME-UNIQUE",
        {f"{C0}.ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}]},
        f"{C0}.ports[1].name",
        'Duplicate value: "http"',
        {"spec.containers[1].ports": [{"containerPort": 81, "name": "http"}]},
    ),
    (
        "K8S-HOSTPORT-CONFLICT",
        {f"{C0}.ports[0].hostPort": 80, "spec.containers[1].ports": [{"containerPort": 81, "hostPort": 80}]},
        "spec.containers[1].ports[0].hostPort",
        'Duplicate value: "TCP//80"',
        {
            f"{C0}.ports[0].hostPort": 80,
            "spec.containers[1].ports": [{"containerPort": 81, "hostPort": 80, "protocol": "UDP"}],
        },
    ),
    (
        "K8S-HOSTNET-PORTS",
        {"spec.hostNetwork": True, f"{C0}.ports[0].hostPort": 19100},
        f"{C0}.ports[0].hostPort",
        "Invalid value: 19100: must match `containerPort` when `hostNetwork` is true",
        {"spec.hostNetwork": True},
    ),
    (
        "K8S-ENV-NAME",
        {f"{C0}.env[0].name": "A=B"},
        f"{C0}.env[0].name",
        "Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        {f"{C0}.env[0].name": "1.log level"},
    ),
    (
        "K8S-ENV-VALUEFROM-ONE",
        {f"{C0}.env[0].valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        f"{C0}.env[0].valueFrom",
        'Invalid value: "": may not be specified when `value` is not empty',
        {f"{C0}.env[0]": {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}},
    ),
    (
        "K8S-ENV-FIELDREF",
        {f"{C0}.env[0]": {"name": "PHASE", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}},
        f"{C0}.env[0].valueFrom.fieldRef.fieldPath",
        'Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", '
        '"spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
        {
            f"{C0}.env[0]": {
                "name": "TEAM",
                "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}},
            }
        },
    ),
    (
        "K8S-ENV-RESOURCEFIELDREF",
        {
            f"{C0}.env[0]": {
                "name": "CPU",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1Mi"}},
            }
        },
        f"{C0}.env[0].valueFrom.resourceFieldRef.divisor",
        'Invalid value: "limits.cpu": only divisor\'s values 1m and 1 are supported with the cpu resource',
        {
            f"{C0}.env[0]": {
                "name": "CPU",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}},
            }
        },
    ),
    (
        "K8S-ENV-KEYREF",
        {f"{C0}.env[0]": {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db"}}}},
        f"{C0}.env[0].valueFrom.secretKeyRef.key",
        "Required value",
        {f"{C0}.env[0]": {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}},
    ),
    (
        "K8S-ENVFROM",
        {f"{C0}.envFrom": [{"prefix": "X_"}]},
        f"{C0}.envFrom",
        'Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
        {f"{C0}.envFrom": [{"configMapRef": {"name": "c"}}]},
    ),
    (
        "K8S-PROBE-ONE-HANDLER",
        {f"{C0}.readinessProbe": {"periodSeconds": 5}},
        f"{C0}.readinessProbe",
        "Required value: must specify a handler type",
        {f"{C0}.readinessProbe": {"periodSeconds": 5, "grpc": {"port": 9090}}},
    ),
    (
        "K8S-PROBE-ONE-HANDLER",
        {f"{C0}.readinessProbe": {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}},
        f"{C0}.readinessProbe.tcpSocket",
        "Forbidden: may not specify more than 1 handler type",
        {},
    ),
    (
        "K8S-PROBE-HANDLER-FIELDS",
        {f"{C0}.livenessProbe.httpGet.port": "metrics-http-endpoint"},
        f"{C0}.livenessProbe.httpGet.port",
        'Invalid value: "metrics-http-endpoint": must be no more than 15 characters',
        {f"{C0}.livenessProbe.httpGet.port": "metrics"},
    ),
    (
        "K8S-PROBE-NONNEG",
        {f"{C0}.livenessProbe.periodSeconds": -1},
        f"{C0}.livenessProbe.periodSeconds",
        "Invalid value: -1: must be greater than or equal to 0",
        {f"{C0}.livenessProbe.periodSeconds": 0},
    ),
    (
        "K8S-PROBE-SUCCESS-1",
        {f"{C0}.livenessProbe.successThreshold": 3},
        f"{C0}.livenessProbe.successThreshold",
        "Invalid value: 3: must be 1",
        {f"{C0}.readinessProbe": {"tcpSocket": {"port": 80}, "successThreshold": 3}},
    ),
    (
        "K8S-PROBE-TGPS",
        {f"{I0}.readinessProbe.terminationGracePeriodSeconds": 10},
        f"{I0}.readinessProbe.terminationGracePeriodSeconds",
        "Invalid value: 10: must not be set for readinessProbes",
        {f"{C0}.livenessProbe.terminationGracePeriodSeconds": 10},
    ),
    (
        "K8S-LIFECYCLE-HANDLER",
        {f"{C0}.lifecycle": {"preStop": {"sleep": {"seconds": 60}}}},
        f"{C0}.lifecycle.preStop.sleep",
        "Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)",
        {
            f"{C0}.lifecycle": {"preStop": {"sleep": {"seconds": 60}}},
            "spec.terminationGracePeriodSeconds": 90,
        },
    ),
    (
        "K8S-RES-NAME",
        {f"{C0}.resources.limits.gpu": "1"},
        f"{C0}.resources.limits[gpu]",
        'Invalid value: "gpu": must be a standard resource for containers',
        {f"{C0}.resources.limits.ephemeral-storage": "1Gi"},
    ),
    (
        "K8S-RES-QUANTITY",
        {f"{C0}.resources.requests.cpu": "-1"},
        f"{C0}.resources.requests[cpu]",
        'Invalid value: "-1": must be greater than or equal to 0',
        {f"{C0}.resources.requests.cpu": "0"},
    ),
    (
        "K8S-RES-REQ-LE-LIMIT",
        {f"{C0}.resources.requests.cpu": "1"},
        f"{C0}.resources.requests",
        'Invalid value: "1": must be less than or equal to cpu limit of 500m',
        {f"{C0}.resources.requests.cpu": "0.5"},
    ),
    (
        "K8S-RES-NONOVERCOMMIT",
        {f"{C0}.resources": {"requests": {"nvidia.com/gpu": 1}}},
        f"{C0}.resources.limits",
        "Required value: Limit must be set for non overcommitable resources",
        {f"{C0}.resources": {"limits": {"nvidia.com/gpu": 1}}},
    ),
    (
        "K8S-RES-HUGEPAGES",
        {f"{C0}.resources": {"limits": {"hugepages-2Mi": "100Mi"}}},
        f"{C0}.resources",
        "Forbidden: HugePages require cpu or memory",
        {f"{C0}.resources": {"limits": {"hugepages-2Mi": "100Mi", "memory": "1Gi"}}},
    ),
    (
        "K8S-SC-IDS",
        {f"{C0}.securityContext.runAsUser": -1},
        f"{C0}.securityContext.runAsUser",
        "Invalid value: -1: must be between 0 and 2147483647, inclusive",
        {f"{C0}.securityContext.runAsUser": 0},
    ),
    (
        "K8S-SC-APE-PRIV",
        {f"{C0}.securityContext.privileged": True},
        f"{C0}.securityContext",
        'Invalid value: {"allowPrivilegeEscalation": false, "privileged": true, "runAsUser": 1000}: cannot set '
        "`allowPrivilegeEscalation` to false and `privileged` to true",
        {f"{C0}.securityContext.privileged": False},
    ),
    (
        "K8S-SC-PROCMOUNT",
        {f"{C0}.securityContext.procMount": "Unmasked"},
        f"{C0}.securityContext.procMount",
        'Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`',
        {f"{C0}.securityContext.procMount": "Unmasked", "spec.hostUsers": False},
    ),
    (
        "K8S-SC-PROFILES",
        {f"{C0}.securityContext.seccompProfile": {"type": "Localhost"}},
        f"{C0}.securityContext.seccompProfile.localhostProfile",
        "Required value: must be set when seccomp type is Localhost",
        {
            f"{C0}.securityContext.seccompProfile": {
                "type": "Localhost",
                "localhostProfile": "profiles/audit.json",
            }
        },
    ),
]

WARNINGS: list[tuple[str, dict[str, Any], str, str, dict[str, Any]]] = [
    ("K8S-WARN-PORT-DUP", {"spec.containers[1].ports": [{"containerPort": 80}]}, "spec.containers[1].ports[0]",
     "duplicate port definition with spec.containers[0].ports[0]", {"spec.containers[1].ports": [{"containerPort": 80, "protocol": "UDP"}]}),
    ("K8S-WARN-HOSTIP", {f"{C0}.ports[0].hostIP": "127.0.0.1"}, f"{C0}.ports[0]",
     'hostIP set without hostPort: {"containerPort": 80, "hostIP": "127.0.0.1", "name": "http", "protocol": "TCP"}',
     {f"{C0}.ports[0].hostIP": "127.0.0.1", f"{C0}.ports[0].hostPort": 8080}),
    ("K8S-WARN-ENV-DUP", {f"{C0}.env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "LOG_LEVEL", "value": "debug"}]},
     f"{C0}.env[1]", 'hides previous definition of "LOG_LEVEL", which may be dropped when using apply',
     {f"{C0}.env": [{"name": "PATH", "value": "/bin"}, {"name": "PATH", "value": "$(PATH):/opt/bin"}]}),
    ("K8S-WARN-FRACTIONAL-BYTES", {f"{C0}.resources.requests.memory": "100m"}, f"{C0}.resources.requests[memory]",
     'fractional byte value "100m" is invalid, must be an integer', {f"{C0}.resources.requests.memory": "0.5Gi"}),
    ("K8S-WARN-DEPRECATED-VOLUME", {"spec.volumes[1]": {"name": "config", "gitRepo": {"repository": "https://x/y.git"}}},
     "spec.volumes[1].gitRepo", "deprecated in v1.11", {}),
    ("K8S-WARN-TGPS-NEG", {"spec.terminationGracePeriodSeconds": -5}, "spec.terminationGracePeriodSeconds",
     "must be >= 0; negative values are invalid and will be treated as 1", {"spec.terminationGracePeriodSeconds": 0}),
    ("K8S-WARN-PULLSECRET", {"spec.imagePullSecrets": [{"name": "regcred"}, {"name": "regcred"}]}, "spec.imagePullSecrets[1].name",
     'duplicate name "regcred"', {"spec.imagePullSecrets": [{"name": "regcred"}, {"name": "ghcr"}]}),
    ("K8S-WARN-PROJECTED-PATH", {"spec.volumes[1]": {"name": "config", "projected": {"sources": [
        {"serviceAccountToken": {"path": "token"}}, {"configMap": {"name": "c", "items": [{"key": "k", "path": "token"}]}}]}},
        "spec.serviceAccountName": "web"},
     "spec.volumes[1].projected.sources[1].configMap.items[0].path", 'has duplicated path with ServiceAccountToken "token"',
     {"spec.volumes[1]": {"name": "config", "projected": {"sources": [
         {"serviceAccountToken": {"path": "token"}}, {"configMap": {"name": "c", "items": [{"key": "k", "path": "ca.crt"}]}}]}},
      "spec.serviceAccountName": "web"}),
    ("K8S-POD-SATOKEN-NEEDS-SA", {"spec.volumes[1]": {"name": "config", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}},
     "spec.volumes[1].projected.sources[0].serviceAccountToken",
     "Forbidden: must not be specified when serviceAccountName is not set",
     {"spec.volumes[1]": {"name": "config", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
      "spec.serviceAccountName": "web"}),
]  # fmt: skip


def _ids(cases: list[tuple[str, Any, str, str, Any]]) -> list[str]:
    return [f"{rule}-{path}" for rule, _, path, _, _ in cases]


def test_it_finds_nothing_wrong_with_a_realistic_pod() -> None:
    assert run(BASE) == []
    assert run(BASE, version=(1, 29)) == []


@pytest.mark.parametrize(("rule", "fire", "path", "message", "neighbour"), CASES, ids=_ids(CASES))
def test_it_reports_each_rule_with_apiserver_path_and_wording(
    rule: str, fire: dict[str, Any], path: str, message: str, neighbour: dict[str, Any]
) -> None:
    findings = flat(run(edit(BASE, fire)))
    assert (rule, "error", path, message) in [(f.rule, f.severity, f.path, f.message) for f in findings], (
        findings
    )
    assert [f for f in flat(run(edit(BASE, neighbour))) if f.rule == rule] == []


@pytest.mark.parametrize(("rule", "fire", "path", "message", "neighbour"), WARNINGS, ids=_ids(WARNINGS))
def test_it_reports_admitted_with_warning_cases_as_warnings(
    rule: str, fire: dict[str, Any], path: str, message: str, neighbour: dict[str, Any]
) -> None:
    findings = flat(run(edit(BASE, fire)))
    assert (rule, "warning", path, message) in [(f.rule, f.severity, f.path, f.message) for f in findings], (
        findings
    )
    assert [f for f in flat(run(edit(BASE, neighbour))) if f.rule == rule] == []


def test_it_sets_the_container_name_on_container_findings() -> None:
    findings = run(edit(BASE, {"spec.containers[1].ports": [{"containerPort": 0}]}))
    assert [(f.rule, f.container) for f in findings] == [("K8S-PORT-NUMBER", "log-shipper")]


def test_it_groups_mount_failures_under_the_broken_volume() -> None:
    findings = run(edit(BASE, {"spec.volumes[0].emptyDir": {"sizeLimit": "-1"}}))
    roots = [f for f in findings if f.rule == "K8S-VOL-EMPTYDIR-SIZE"]
    assert len(roots) == 1
    assert [(c.rule, c.path, c.message) for c in roots[0].caused] == [
        ("K8S-MOUNT-VOLUME-EXISTS", "spec.containers[0].volumeMounts[0].name", 'Not found: "shared"'),
        ("K8S-MOUNT-VOLUME-EXISTS", "spec.containers[1].volumeMounts[0].name", 'Not found: "shared"'),
    ]
    assert not [f for f in findings if f.rule == "K8S-MOUNT-VOLUME-EXISTS"]


def test_it_keeps_a_duplicate_volume_name_resolvable_through_the_first_volume() -> None:
    findings = run(edit(BASE, {"spec.volumes[1].name": "shared"}))
    assert [f.rule for f in flat(findings)] == ["K8S-VOL-NAME-UNIQUE", "K8S-MOUNT-VOLUME-EXISTS"]
    assert findings[0].caused == ()
    assert findings[1].path == "spec.containers[0].volumeMounts[1].name"


def test_it_validates_a_native_sidecar_probe_like_a_regular_one() -> None:
    findings = run(edit(BASE, {f"{I0}.readinessProbe.periodSeconds": -3}))
    assert [(f.rule, f.path, f.container) for f in findings] == [
        ("K8S-PROBE-NONNEG", f"{I0}.readinessProbe.periodSeconds", "proxy")
    ]


def test_it_needs_a_regular_container_beside_native_sidecars() -> None:
    findings = run(edit(BASE, {"spec.containers": DELETE}))
    assert [(f.rule, f.path) for f in findings] == [("K8S-CTRS-REQUIRED", "spec.containers")]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ((1, 27), ["K8S-INIT-RESTARTPOLICY-VALUE", "K8S-INIT-PROBES-FORBIDDEN"]),
        ((1, 28), ["K8S-INIT-RESTARTPOLICY-VALUE", "K8S-INIT-PROBES-FORBIDDEN"]),
        ((1, 29), []),
        ((1, 33), []),
    ],
)
def test_it_allows_native_sidecars_from_v1_29(version: tuple[int, int], expected: list[str]) -> None:
    assert [f.rule for f in run(BASE, version=version)] == expected


def test_it_lets_regular_containers_set_restart_policy_from_v1_35() -> None:
    doc = edit(BASE, {"spec.containers[1].restartPolicy": "Never"})
    assert [f.rule for f in run(doc, version=(1, 34))] == ["K8S-CTR-RESTARTPOLICY-FORBIDDEN"]
    assert run(doc, version=(1, 35)) == []
    wrong = edit(BASE, {"spec.containers[1].restartPolicy": "Sometimes"})
    assert [f.message for f in run(wrong, version=(1, 35))] == [
        'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'
    ]


def test_it_uses_legacy_env_names_before_v1_32() -> None:
    doc = edit(BASE, {f"{C0}.env[0].name": "1LOG"})
    assert [f.rule for f in run(doc, version=(1, 31))] == ["K8S-ENV-NAME"]
    assert run(doc, version=(1, 32)) == []


def test_it_rejects_a_zero_sleep_before_v1_33() -> None:
    doc = edit(BASE, {f"{C0}.lifecycle": {"preStop": {"sleep": {"seconds": 0}}}})
    assert [f.message for f in run(doc, version=(1, 31))] == [
        "Invalid value: 0: must be greater than 0 and less than terminationGracePeriodSeconds (30)"
    ]
    assert [f.message for f in run(doc, version=(1, 32))] == [
        "Invalid value: 0: must be greater than 0 and less than terminationGracePeriodSeconds (30). "
        "Please enable PodLifecycleSleepActionAllowZero feature gate if you need a sleep of zero duration."
    ]
    assert run(doc, version=(1, 33)) == []


def test_it_prefixes_paths_with_the_workload_spec_path() -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
                                                                           "spec": copy.deepcopy(BASE["spec"])}},
    }  # fmt: skip
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = 0
    deployment["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    findings = run(deployment)
    assert [(f.rule, f.path, f.message) for f in findings] == [
        ("K8S-PORT-NUMBER", "spec.template.spec.containers[0].ports[0].containerPort", "Required value"),
        (
            "K8S-POD-RESTARTPOLICY",
            "spec.template.spec.restartPolicy",
            'Unsupported value: "Never": supported values: "Always"',
        ),
    ]


def test_it_registers_statefulset_claim_templates_as_volumes() -> None:
    spec = copy.deepcopy(BASE["spec"])
    spec["containers"][0]["volumeMounts"].append({"name": "pgdata", "mountPath": "/var/lib/postgresql"})
    sts: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
           "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                    "template": {"metadata": {"labels": {"app": "db"}}, "spec": spec},
                    "volumeClaimTemplates": [{"metadata": {"name": "pgdata"}, "spec": {}}]}}  # fmt: skip
    assert run(sts) == []
    sts["spec"]["volumeClaimTemplates"] = []
    assert [f.rule for f in run(sts)] == ["K8S-MOUNT-VOLUME-EXISTS"]


def test_it_defaults_without_mutating_the_input() -> None:
    original = copy.deepcopy(BASE)
    defaulted = apply_defaults(BASE)
    assert original == BASE
    spec = defaulted["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == (
        "Always",
        "ClusterFirst",
        30,
    )
    app = spec["containers"][0]
    assert app["imagePullPolicy"] == "IfNotPresent"
    assert spec["containers"][1]["imagePullPolicy"] == "IfNotPresent"
    assert app["ports"][0]["protocol"] == "TCP"
    assert app["livenessProbe"]["httpGet"]["scheme"] == "HTTP"
    assert (app["livenessProbe"]["timeoutSeconds"], app["livenessProbe"]["periodSeconds"]) == (1, 10)
    assert app["terminationMessagePolicy"] == "File"


def test_it_defaults_pull_policy_requests_and_host_ports() -> None:
    doc = edit(BASE, {"spec.hostNetwork": True, f"{C0}.image": "nginx", f"{C0}.resources": {"limits": {"cpu": "1"}},
                      "spec.containers[1].image": "fluent-bit:latest"})  # fmt: skip
    spec = apply_defaults(doc)["spec"]
    assert [c["imagePullPolicy"] for c in spec["containers"]] == ["Always", "Always"]
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "1"}
    assert spec["containers"][0]["ports"][0]["hostPort"] == 80
    assert (
        apply_defaults(edit(BASE, {f"{C0}.image": "nginx@sha256:abc"}))["spec"]["containers"][0][
            "imagePullPolicy"
        ]
        == "IfNotPresent"
    )


def test_it_checks_pod_level_resources_against_the_containers_from_v1_34() -> None:
    doc = edit(BASE, {"spec.resources": {"requests": {"cpu": "50m"}, "limits": {"memory": "200Mi"}}})
    findings = run(doc, version=(1, 34))
    assert [(f.rule, f.path, f.message, f.container) for f in findings] == [
        ("K8S-POD-RESOURCES", "spec.resources.requests[cpu]",
         'Invalid value: "50m": must be greater than or equal to aggregate container requests of 100m', None),
        ("K8S-POD-RESOURCES", "spec.containers[0].resources.limits[memory]",
         'Invalid value: "256Mi": must be less than or equal to pod limits of 200Mi', "app"),
    ]  # fmt: skip
    assert run(doc, version=(1, 33)) == []
    fine = edit(BASE, {"spec.resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}}})
    assert run(fine, version=(1, 34)) == []


def test_it_needs_every_container_to_be_host_process_and_host_network() -> None:
    host = {"securityContext": {"windowsOptions": {"hostProcess": True}}}
    doc = edit(BASE, {"spec.initContainers": [], "spec.os": {"name": "windows"}})
    doc["spec"]["containers"][0]["securityContext"] = host["securityContext"]
    findings = [f for f in run(doc) if f.rule == "K8S-POD-HOSTPROCESS"]
    assert [(f.path, f.message) for f in findings] == [
        ("spec", 'Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers'),
        ("spec.hostNetwork", "Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers"),
    ]  # fmt: skip
    doc["spec"]["containers"][1]["securityContext"] = host["securityContext"]
    doc["spec"]["hostNetwork"] = True
    assert [f for f in run(doc) if f.rule == "K8S-POD-HOSTPROCESS"] == []


# Go's `$` (no multiline flag) is the end of the text; Python's `$` also matches before a final
# newline. A name that ends in "\n" is what kube-apiserver rejects and a `$` regex would pass.
TRAILING_NEWLINE = [
    ("metadata.name", "web", "K8S-POD-NAME"),
    (f"{C0}.name", "app", "K8S-CTR-NAME-DNS1123"),
    (f"{C0}.ports[0].name", "http", "K8S-PORT-NAME-FORMAT"),
    (f"{C0}.env[0].name", "LOG_LEVEL", "K8S-ENV-NAME"),
    ("spec.volumes[0].name", "shared", "K8S-VOL-NAME"),
    ("spec.hostname", "web-0", "K8S-POD-NAMES"),
]


@pytest.mark.parametrize(("path", "good", "rule"), TRAILING_NEWLINE, ids=[c[2] for c in TRAILING_NEWLINE])
def test_a_trailing_newline_is_not_the_end_of_a_name(path: str, good: str, rule: str) -> None:
    assert rule not in {f.rule for f in flat(run(apply_defaults(edit(BASE, {path: good}))))}
    assert rule in {f.rule for f in flat(run(apply_defaults(edit(BASE, {path: good + "\n"}))))}


# kubectl turns YAML into JSON through a float64 (sigs.k8s.io/yaml YAMLToJSON), and encoding/json
# writes an integral float64 without a fraction: `99999.0` reaches kube-apiserver as the int32
# 99999 and is range-checked like it. Skipping integral floats let out-of-range values through.
INTEGRAL_FLOATS = [
    (f"{C0}.ports[0].containerPort", 99999.0, "K8S-PORT-NUMBER",
     "Invalid value: 99999: must be between 1 and 65535, inclusive", 8080.0),
    ("spec.activeDeadlineSeconds", 0.0, "K8S-POD-ACTIVEDEADLINE",
     "Invalid value: 0: must be between 1 and 2147483647, inclusive", 60.0),
    (f"{C0}.securityContext.runAsUser", -1.0, "K8S-SC-IDS",
     "Invalid value: -1: must be between 0 and 2147483647, inclusive", 1000.0),
    (f"{C0}.livenessProbe.httpGet.port", 7e4, "K8S-PROBE-HANDLER-FIELDS",
     "Invalid value: 70000: must be between 1 and 65535, inclusive", 8e3),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "bad", "rule", "message", "good"), INTEGRAL_FLOATS, ids=[c[2] for c in INTEGRAL_FLOATS]
)
def test_an_integral_float_is_checked_as_the_integer_kubectl_sends(
    path: str, bad: float, rule: str, message: str, good: float
) -> None:
    findings = [f for f in flat(run(apply_defaults(edit(BASE, {path: bad})))) if f.rule == rule]
    assert [(f.path, f.message) for f in findings] == [(path, message)]
    assert rule not in {f.rule for f in flat(run(apply_defaults(edit(BASE, {path: good}))))}


@pytest.mark.parametrize("cpu", [0.1, 1.1, 0.7])
def test_a_float_quantity_is_the_decimal_kubectl_sends(cpu: float) -> None:
    # encoding/json writes the float64 0.1 as "0.1" and Quantity.UnmarshalJSON parses that text:
    # exactly 100m, not the binary double 0.1000000000000000055... that exceeded a 100m limit.
    limit = f"{round(cpu * 1000)}m"
    resources: dict[str, Any] = {
        "requests": {"cpu": cpu, "memory": "128Mi"},
        "limits": {"cpu": limit, "memory": "256Mi"},
    }
    assert run(apply_defaults(edit(BASE, {f"{C0}.resources": resources}))) == []
    resources["requests"]["cpu"] = cpu + 0.001
    assert "K8S-RES-REQ-LE-LIMIT" in {
        f.rule for f in run(apply_defaults(edit(BASE, {f"{C0}.resources": resources})))
    }


def test_a_float_cpu_divisor_of_a_thousandth_is_1m() -> None:
    env: list[dict[str, Any]] = [
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": 0.001}}}
    ]
    assert run(apply_defaults(edit(BASE, {f"{C0}.env": env}))) == []
    env[0]["valueFrom"]["resourceFieldRef"]["divisor"] = 0.002
    assert "K8S-ENV-RESOURCEFIELDREF" in {f.rule for f in run(apply_defaults(edit(BASE, {f"{C0}.env": env})))}


# IsValidIPForLegacyField is ParseIPSloppy until StrictIPCIDRValidation is on (v1.36): net.ParseIP
# with leading zeros tolerated, and no IPv6 zone. Python's ip_address has it the other way round.
IP_CASES = [
    ("010.0.0.1", (1, 33), None),
    ("::ffff:010.1.1.1", (1, 33), None),
    ("::ffff:10.1.1.1", (1, 33), None),
    ("fe80::1%eth0", (1, 33), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
    ("::1%1", (1, 36), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
    ("010.0.0.1", (1, 36), "must not have leading 0s"),
    ("::ffff:10.1.1.1", (1, 36), "must not be an IPv4-mapped IPv6 address"),
    ("10.0.0.1", (1, 36), None),
]


@pytest.mark.parametrize(("ip", "version", "detail"), IP_CASES)
def test_ips_are_parsed_as_kube_apiserver_parses_them(
    ip: str, version: tuple[int, int], detail: str | None
) -> None:
    doc = edit(
        BASE, {"spec.hostAliases": [{"ip": ip, "hostnames": ["db"]}], "spec.dnsConfig": {"nameservers": [ip]}}
    )
    findings = [
        f
        for f in run(apply_defaults(doc), version=version)
        if f.rule in ("K8S-POD-HOSTALIASES", "K8S-POD-DNS")
    ]
    expected = (
        []
        if detail is None
        else [
            ("spec.hostAliases[0].ip", f"Invalid value: {json.dumps(ip)}: {detail}"),
            ("spec.dnsConfig.nameservers[0]", f"Invalid value: {json.dumps(ip)}: {detail}"),
        ]
    )
    assert sorted((f.path, f.message) for f in findings) == sorted(expected)


@pytest.mark.parametrize("cpu", [" 100m", "100m\n", "\t100m\u3000"])
def test_a_quantity_is_trimmed_as_quantity_unmarshal_json_does(cpu: str) -> None:
    # Quantity.UnmarshalJSON parses strings.TrimSpace(text): kube-apiserver reads "100m\n" as 100m.
    # (Not a name: a trailing newline ends no regex here, unlike in test_a_trailing_newline_...)
    path = f"{C0}.resources.requests.cpu"
    assert run(apply_defaults(edit(BASE, {path: cpu}))) == []
    # Go's TrimSpace knows no \x1c-\x1f, which Python's str.strip() removes.
    assert "K8S-RES-QUANTITY" in {f.rule for f in run(apply_defaults(edit(BASE, {path: "100m\x1c"})))}
