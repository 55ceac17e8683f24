"""ConfigMap and Secret companions: their data as ValidateConfigMap and ValidateSecret see it."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.rules.apiserver_common import config_key_errors
from designer.pod.rules.companions import check_companion


def found(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in check_companion(document, 0, (1, 33))]


def secret(**body: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"}, **body}


def configmap(**body: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, **body}


def test_secret_data_is_base64() -> None:
    assert found(secret(data={"password": "aHVudGVyMg=="})) == []
    assert found(secret(data={"password": "aHVudGVy\nMg=="})) == []  # Go's decoder skips newlines
    assert found(secret(data={"password": "hunter2"})) == [
        ("K8S-CONFIG-DATA", "companions[0].data[password]")
    ]
    assert found(secret(stringData={"password": "hunter2"})) == []


@pytest.mark.parametrize("key", ["config/app.yaml", "app config", "..hidden", ".", ""])
def test_keys_are_config_keys(key: str) -> None:
    assert found(configmap(data={key: "x"})) == [("K8S-CONFIG-DATA", f"companions[0].data[{key}]")]
    assert found(secret(stringData={key: "x"})) == [("K8S-CONFIG-DATA", f"companions[0].data[{key}]")]


@pytest.mark.parametrize("key", ["app.yaml", "APP_ENV", "tls.crt", ".env", "a-b_c.d"])
def test_valid_config_keys(key: str) -> None:
    assert config_key_errors(key) == []
    assert found(configmap(data={key: "x"})) == []


def test_a_configmap_key_is_in_data_or_binary_data_not_both() -> None:
    assert found(configmap(data={"a": "x"}, binaryData={"a": "eA=="})) == [
        ("K8S-CONFIG-DATA", "companions[0].data[a]")
    ]
    assert found(configmap(data={"a": "x"}, binaryData={"b": "eA=="})) == []
    assert found(configmap(binaryData={"b": "not base64!"})) == [
        ("K8S-CONFIG-DATA", "companions[0].binaryData[b]")
    ]


def test_at_most_one_mebibyte() -> None:
    assert found(configmap(data={"big": "x" * (1024 * 1024 + 1)})) == [("K8S-CONFIG-DATA", "companions[0]")]
    assert found(configmap(data={"big": "x" * (1024 * 1024)})) == []


@pytest.mark.parametrize(
    ("kind", "data", "missing"),
    [
        ("kubernetes.io/tls", {"tls.crt": "eA=="}, ["data[tls.key]"]),
        ("kubernetes.io/tls", {}, ["data[tls.crt]", "data[tls.key]"]),
        ("kubernetes.io/ssh-auth", {"ssh-privatekey": ""}, ["data[ssh-privatekey]"]),
        ("kubernetes.io/basic-auth", {}, ["data[username]", "data[password]"]),
        ("kubernetes.io/dockerconfigjson", {".dockerconfigjson": "WzFd"}, ["data[.dockerconfigjson]"]),  # [1]
        (
            "kubernetes.io/service-account-token",
            {},
            ["metadata.annotations[kubernetes.io/service-account.name]"],
        ),
    ],
)
def test_typed_secrets_hold_their_keys(kind: str, data: dict[str, str], missing: list[str]) -> None:
    assert sorted(found(secret(type=kind, data=data))) == sorted(
        ("K8S-CONFIG-DATA", f"companions[0].{m}") for m in missing
    )


def test_typed_secrets_that_are_complete() -> None:
    assert found(secret(type="kubernetes.io/tls", data={"tls.crt": "eA==", "tls.key": "eA=="})) == []
    assert found(secret(type="kubernetes.io/basic-auth", stringData={"username": "admin"})) == []
    assert (
        found(
            secret(type="kubernetes.io/dockerconfigjson", stringData={".dockerconfigjson": '{"auths": {}}'})
        )
        == []
    )
    assert found(secret(type="Opaque", data={})) == []
