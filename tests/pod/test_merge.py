"""Three-way merge of documents (designer/pod/merge.py): properties, then plain examples.

The properties run on random pods built from a small model (named containers with an image and
env, volumes, labels) and random edits of it. The expectations come from the model, flattened
to leaves, not from the merge's own code: a leaf changed on one side takes that side's value; a
leaf changed on both sides differently, or an item removed on one side and changed on the
other, is a conflict.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.pod.merge import (
    ABSENT,
    Change,
    Conflict,
    Parts,
    UnresolvedConflicts,
    describe_changes,
    describe_choices,
    merge,
    merge_parts,
    resolve,
    resolve_all,
    show,
)

CONTAINERS = ["web", "log", "proxy", "cache"]
ENV_NAMES = ["LEVEL", "PORT", "MODE"]
VOLUMES = ["data", "tmp", "conf"]
LABELS = ["app", "tier"]
IMAGES = ["a:1", "a:2", "b:1"]
VALUES = ["1", "2", "x"]

# --- the model: {"containers": [(name, image, [(env, value)])], "volumes": [...], "labels": {...}}


def document(model: dict[str, Any]) -> dict[str, Any]:
    containers = []
    for name, image, env in model["containers"]:
        container: dict[str, Any] = {"name": name, "image": image}
        if env:
            container["env"] = [{"name": e, "value": v} for e, v in env]
        containers.append(container)
    spec: dict[str, Any] = {"containers": containers}
    if model["volumes"]:
        spec["volumes"] = [{"name": v, "emptyDir": {}} for v in model["volumes"]]
    metadata: dict[str, Any] = {"name": "pod"}
    if model["labels"]:
        metadata["labels"] = dict(model["labels"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def apply(model: dict[str, Any], edit: tuple[Any, ...]) -> None:
    """One edit in place; an edit of something that is not there does nothing."""
    containers = model["containers"]
    names = [c[0] for c in containers]
    verb, *args = edit
    if verb == "image" and args[0] in names:
        i = names.index(args[0])
        containers[i] = (args[0], args[1], containers[i][2])
    elif verb == "env" and args[0] in names:
        env = containers[names.index(args[0])][2]
        keys = [e for e, _ in env]
        if args[1] in keys:
            env[keys.index(args[1])] = (args[1], args[2])
        else:
            env.append((args[1], args[2]))
    elif verb == "unset" and args[0] in names:
        env = containers[names.index(args[0])][2]
        env[:] = [(e, v) for e, v in env if e != args[1]]
    elif verb == "add" and args[0] not in names:
        containers.append((args[0], args[1], []))
    elif verb == "remove" and args[0] in names:
        del containers[names.index(args[0])]
    elif verb == "volume" and args[0] not in model["volumes"]:
        model["volumes"].append(args[0])
    elif verb == "unvolume" and args[0] in model["volumes"]:
        model["volumes"].remove(args[0])
    elif verb == "label":
        if args[1] is None:
            model["labels"].pop(args[0], None)
        else:
            model["labels"][args[0]] = args[1]


def flat(doc: dict[str, Any]) -> dict[tuple[str, ...], Any]:
    """The leaves of a document built by `document`, read back from the document itself."""
    leaves: dict[tuple[str, ...], Any] = {}
    for c in doc["spec"]["containers"]:
        leaves["c", c["name"]] = True
        leaves["c", c["name"], "image"] = c["image"]
        for e in c.get("env", []):
            leaves["c", c["name"], "env", e["name"]] = e["value"]
    for v in doc["spec"].get("volumes", []):
        leaves["v", v["name"]] = True
    for k, v in doc["metadata"].get("labels", {}).items():
        leaves["l", k] = v
    return leaves


def _under(leaves: dict[tuple[str, ...], Any], prefix: tuple[str, ...]) -> dict[tuple[str, ...], Any] | None:
    sub = {k: v for k, v in leaves.items() if k[: len(prefix)] == prefix}
    return sub or None


def _order_conflict(base: list[str], theirs: list[str], mine: list[str]) -> bool:
    def reordered(side: list[str]) -> bool:
        return [k for k in side if k in base] != [k for k in base if k in side]

    common_t = [k for k in theirs if k in mine and k in base]
    common_m = [k for k in mine if k in theirs and k in base]
    return reordered(theirs) and reordered(mine) and common_t != common_m


def expected(
    b: dict[str, Any], t: dict[str, Any], m: dict[str, Any], side: str
) -> tuple[set[str], dict[Any, Any]]:
    """(conflict paths, leaves of the merge with `side` taken at each conflict), from the model."""
    fb, ft, fm = flat(document(b)), flat(document(t)), flat(document(m))
    conflicts: set[str] = set()
    whole: set[tuple[str, ...]] = set()  # items taken whole from `side`

    def all_differ(a: Any, b: Any, c: Any) -> bool:
        return bool(a != b and b != c and a != c)

    for c in {k[1] for f in (fb, ft, fm) for k in f if k[0] == "c"}:
        cb, ct, cm = (_under(f, ("c", c)) for f in (fb, ft, fm))
        if not all_differ(cb, ct, cm):
            continue
        if cb is not None and (ct is None or cm is None):
            conflicts.add(f"spec.containers[{c}]")
            whole.add(("c", c))
            continue
        if all_differ(*(f.get(("c", c, "image")) for f in (fb, ft, fm))):
            conflicts.add(f"spec.containers[{c}].image")
        for e in ENV_NAMES:
            eb, et, em = (f.get(("c", c, "env", e)) for f in (fb, ft, fm))
            if all_differ(eb, et, em):
                if eb is not None and (et is None or em is None):
                    conflicts.add(f"spec.containers[{c}].env[{e}]")
                    whole.add(("c", c, "env", e))
                else:
                    conflicts.add(f"spec.containers[{c}].env[{e}].value")
        if cb is not None:
            envs = [
                [e for e, _ in next(x for x in model["containers"] if x[0] == c)[2]] for model in (b, t, m)
            ]
            if _order_conflict(*envs):
                conflicts.add(f"spec.containers[{c}].env (order)")
    if _order_conflict(*[[x[0] for x in model["containers"]] for model in (b, t, m)]):
        conflicts.add("spec.containers (order)")
    if _order_conflict(*[model["volumes"] for model in (b, t, m)]):
        conflicts.add("spec.volumes (order)")
    for k in LABELS:
        if all_differ(*(f.get(("l", k)) for f in (fb, ft, fm))):
            conflicts.add(f"metadata.labels[{k}]")

    chosen = ft if side == "theirs" else fm
    leaves: dict[Any, Any] = {}
    for key in set(fb) | set(ft) | set(fm):
        vb, vt, vm = fb.get(key), ft.get(key), fm.get(key)
        if any(key[: len(w)] == w for w in whole) or all_differ(vb, vt, vm):
            value = chosen.get(key)
        else:
            value = vm if vt == vb else vt
        if value is not None:
            leaves[key] = value
    return conflicts, leaves


edits = st.lists(
    st.one_of(
        st.tuples(st.just("image"), st.sampled_from(CONTAINERS), st.sampled_from(IMAGES)),
        st.tuples(
            st.just("env"), st.sampled_from(CONTAINERS), st.sampled_from(ENV_NAMES), st.sampled_from(VALUES)
        ),
        st.tuples(st.just("unset"), st.sampled_from(CONTAINERS), st.sampled_from(ENV_NAMES)),
        st.tuples(st.just("add"), st.sampled_from(CONTAINERS), st.sampled_from(IMAGES)),
        st.tuples(st.just("remove"), st.sampled_from(CONTAINERS)),
        st.tuples(st.just("volume"), st.sampled_from(VOLUMES)),
        st.tuples(st.just("unvolume"), st.sampled_from(VOLUMES)),
        st.tuples(st.just("label"), st.sampled_from(LABELS), st.sampled_from([None, *VALUES])),
    ),
    max_size=6,
)


@st.composite
def models(draw: Any) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(CONTAINERS), min_size=1, max_size=4, unique=True))
    containers = []
    for name in names:
        env_names = draw(st.lists(st.sampled_from(ENV_NAMES), max_size=3, unique=True))
        env = [(e, draw(st.sampled_from(VALUES))) for e in env_names]
        containers.append((name, draw(st.sampled_from(IMAGES)), env))
    volumes = draw(st.lists(st.sampled_from(VOLUMES), max_size=3, unique=True))
    labels = {k: draw(st.sampled_from(VALUES)) for k in draw(st.lists(st.sampled_from(LABELS), unique=True))}
    return {"containers": containers, "volumes": volumes, "labels": labels}


def edited(model: dict[str, Any], changes: list[tuple[Any, ...]]) -> dict[str, Any]:
    result = copy.deepcopy(model)
    for change in changes:
        apply(result, change)
    return result


def same(a: Any, b: Any) -> bool:
    """Equal with key and item order (== on dicts ignores key order)."""
    return json.dumps(a) == json.dumps(b)


@settings(max_examples=300, deadline=None)
@given(models(), edits, edits)
def test_it_merges_as_the_model_says(base: dict[str, Any], theirs_edits: Any, mine_edits: Any) -> None:
    theirs, mine = edited(base, theirs_edits), edited(base, mine_edits)
    result = merge(document(base), document(theirs), document(mine))

    conflicts, leaves_mine = expected(base, theirs, mine, "mine")
    assert {c.path for c in result.conflicts} == conflicts
    assert flat(result.merged) == leaves_mine
    assert flat(resolve_all(result, "theirs")) == expected(base, theirs, mine, "theirs")[1]


@settings(max_examples=200, deadline=None)
@given(models(), edits, edits)
def test_it_keeps_both_of_two_unrelated_changes(
    base: dict[str, Any], theirs_edits: Any, mine_edits: Any
) -> None:
    # Mine touches only containers theirs does not mention, and no volumes or labels.
    touched = {e[1] for e in theirs_edits if e[0] in ("image", "env", "unset", "add", "remove")}
    mine_edits = [
        e for e in mine_edits if e[0] in ("image", "env", "unset", "add", "remove") and e[1] not in touched
    ]
    theirs, mine = edited(base, theirs_edits), edited(base, mine_edits)
    result = merge(document(base), document(theirs), document(mine))

    assert result.conflicts == []
    assert flat(result.merged) == flat(document(edited(theirs, mine_edits)))


@settings(max_examples=200, deadline=None)
@given(models(), edits)
def test_it_gives_x_when_only_one_side_or_both_alike_made_x(base: dict[str, Any], changes: Any) -> None:
    b, x = document(base), document(edited(base, changes))
    for result in (merge(b, x, x), merge(b, b, x), merge(b, x, b)):
        assert same(result.merged, x)
        assert result.conflicts == []


@settings(max_examples=200, deadline=None)
@given(models(), edits, edits)
def test_it_resolves_all_mine_to_mine_at_every_conflict(
    base: dict[str, Any], theirs_edits: Any, mine_edits: Any
) -> None:
    theirs, mine = edited(base, theirs_edits), edited(base, mine_edits)
    result = merge(document(base), document(theirs), document(mine))
    resolved = flat(resolve(result, {c.path: "mine" for c in result.conflicts}))
    mine_leaves = flat(document(mine))
    for conflict in result.conflicts:
        if conflict.path.endswith("(order)"):
            continue
        keys = {k for k in set(resolved) | set(mine_leaves) if path_of(k).startswith(conflict.path)}
        assert {k: resolved.get(k) for k in keys} == {k: mine_leaves.get(k) for k in keys}


def path_of(leaf: tuple[str, ...]) -> str:
    if leaf[0] == "c":
        text = f"spec.containers[{leaf[1]}]"
        if len(leaf) > 2:
            text += ".image" if leaf[2] == "image" else f".env[{leaf[3]}].value"
        return text
    return f"spec.volumes[{leaf[1]}]" if leaf[0] == "v" else f"metadata.labels[{leaf[1]}]"


# --- examples --------------------------------------------------------------------------------


def pod() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [{"name": "migrate", "image": "m:1"}],
                    "containers": [
                        {"name": "web", "image": "web:1", "ports": [{"containerPort": 8080}]},
                        {"name": "log", "image": "log:1", "env": [{"name": "LEVEL", "value": "info"}]},
                    ],
                }
            }
        },
    }


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = doc["spec"]["template"]["spec"]["containers"]
    return result


def test_it_merges_two_users_editing_different_containers() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["image"] = "web:2"
    containers(mine)[1]["env"][0]["value"] = "debug"

    result = merge(base, theirs, mine)

    assert result.conflicts == []
    assert containers(result.merged)[0]["image"] == "web:2"
    assert containers(result.merged)[1]["env"] == [{"name": "LEVEL", "value": "debug"}]
    assert describe_changes(result.changes) == (
        "spec.template.spec.containers[web].image (theirs), "
        "spec.template.spec.containers[log].env[LEVEL].value (yours)"
    )


def test_it_reports_the_same_field_changed_differently_and_resolves_it_per_field() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["image"] = "web:2"
    containers(mine)[0]["image"] = "web:3"
    containers(mine)[1]["image"] = "log:2"

    result = merge(base, theirs, mine)

    path = "spec.template.spec.containers[web].image"
    assert result.conflicts == [Conflict(path, "web:1", "web:2", "web:3")]
    assert containers(resolve(result, {path: "theirs"}))[0]["image"] == "web:2"
    assert containers(resolve(result, {path: "theirs"}))[1]["image"] == "log:2"  # mine's other change
    assert containers(resolve(result, {path: "mine"}))[0]["image"] == "web:3"
    assert describe_choices({path: "theirs"}) == f"kept theirs for {path}"


def test_it_makes_no_conflict_of_the_same_change_on_both_sides() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["image"] = containers(mine)[0]["image"] = "web:2"
    containers(mine)[1]["image"] = "log:2"

    result = merge(base, theirs, mine)

    assert result.conflicts == []
    assert [c["image"] for c in containers(result.merged)] == ["web:2", "log:2"]


def test_it_reports_a_container_deleted_on_one_side_and_edited_on_the_other() -> None:
    base, theirs, mine = pod(), pod(), pod()
    del containers(theirs)[1]
    containers(mine)[1]["image"] = "log:2"

    result = merge(base, theirs, mine)

    [conflict] = result.conflicts
    assert conflict.path == "spec.template.spec.containers[log]"
    assert conflict.theirs is ABSENT and show(conflict.theirs) == "(absent)"
    assert conflict.as_dict()["absent"] == ["theirs"]
    assert [c["name"] for c in containers(resolve_all(result, "theirs"))] == ["web"]
    assert [c["image"] for c in containers(resolve_all(result, "mine"))] == ["web:1", "log:2"]


def test_it_merges_env_added_on_both_sides_under_different_names() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[1]["env"].append({"name": "FORMAT", "value": "json"})
    containers(mine)[1]["env"].append({"name": "TARGET", "value": "loki"})

    result = merge(base, theirs, mine)

    assert result.conflicts == []
    assert [e["name"] for e in containers(result.merged)[1]["env"]] == ["LEVEL", "FORMAT", "TARGET"]


def test_it_reports_env_added_on_both_sides_under_one_name_with_different_values() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[1]["env"].append({"name": "FORMAT", "value": "json"})
    containers(mine)[1]["env"].append({"name": "FORMAT", "value": "text"})

    result = merge(base, theirs, mine)

    assert result.conflicts == [
        Conflict("spec.template.spec.containers[log].env[FORMAT].value", ABSENT, "json", "text")
    ]


def test_it_inserts_their_addition_after_its_predecessor_in_my_order() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs).insert(1, {"name": "proxy", "image": "envoy"})
    containers(mine).append({"name": "metrics", "image": "exporter"})

    result = merge(base, theirs, mine)

    assert [c["name"] for c in containers(result.merged)] == ["web", "proxy", "log", "metrics"]


def test_it_keeps_their_reorder_when_i_only_edited() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs).reverse()
    containers(mine)[0]["image"] = "web:2"

    result = merge(base, theirs, mine)

    assert [c["name"] for c in containers(result.merged)] == ["log", "web"]
    assert containers(result.merged)[1]["image"] == "web:2"


def test_it_reports_two_different_orders_of_init_containers() -> None:
    def with_inits(names: list[str]) -> dict[str, Any]:
        doc = pod()
        doc["spec"]["template"]["spec"]["initContainers"] = [{"name": n, "image": "i"} for n in names]
        return doc

    result = merge(with_inits(["a", "b", "c"]), with_inits(["c", "a", "b"]), with_inits(["b", "c", "a"]))

    [conflict] = result.conflicts
    assert conflict.path == "spec.template.spec.initContainers (order)"
    assert conflict.theirs == ["c", "a", "b"]
    merged = resolve_all(result, "theirs")
    assert [c["name"] for c in merged["spec"]["template"]["spec"]["initContainers"]] == ["c", "a", "b"]


def test_it_matches_ports_by_number_and_mounts_by_path() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["ports"][0]["protocol"] = "TCP"
    containers(theirs)[0]["ports"][0]["name"] = "http"
    containers(mine)[0]["ports"].append({"containerPort": 9090})
    containers(base)[1]["volumeMounts"] = [{"name": "logs", "mountPath": "/var/log"}]
    containers(theirs)[1]["volumeMounts"] = [{"name": "logs", "mountPath": "/var/log", "readOnly": True}]
    containers(mine)[1]["volumeMounts"] = [
        {"name": "logs", "mountPath": "/var/log"},
        {"name": "logs", "mountPath": "/srv/log"},
    ]

    result = merge(base, theirs, mine)

    assert result.conflicts == []
    assert containers(result.merged)[0]["ports"] == [
        {"containerPort": 8080, "protocol": "TCP", "name": "http"},
        {"containerPort": 9090},
    ]
    assert containers(result.merged)[1]["volumeMounts"] == [
        {"name": "logs", "mountPath": "/var/log", "readOnly": True},
        {"name": "logs", "mountPath": "/srv/log"},
    ]
    assert "spec.template.spec.containers[web].ports[8080/TCP] (theirs)" in describe_changes(
        result.changes, 99
    )
    assert "spec.template.spec.containers[web].ports[9090/TCP] (yours)" in describe_changes(
        result.changes, 99
    )


def test_it_merges_unnamed_lists_as_whole_values() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["args"] = ["--a"]
    containers(mine)[0]["args"] = ["--b"]

    result = merge(base, theirs, mine)

    assert result.conflicts == [Conflict("spec.template.spec.containers[web].args", ABSENT, ["--a"], ["--b"])]


def test_it_names_map_keys_in_brackets() -> None:
    base = {"metadata": {"annotations": {"a": "1"}}, "spec": {"resources": {"limits": {"nvidia.com/gpu": 1}}}}
    theirs = {
        "metadata": {"annotations": {"a": "2"}},
        "spec": {"resources": {"limits": {"nvidia.com/gpu": 2}}},
    }
    mine = {"metadata": {"annotations": {"a": "3"}}, "spec": {"resources": {"limits": {"nvidia.com/gpu": 3}}}}

    paths = [c.path for c in merge(base, theirs, mine).conflicts]

    assert paths == ["metadata.annotations[a]", "spec.resources.limits[nvidia.com/gpu]"]


def test_it_merges_whole_contents_companions_roles_and_position() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "prod"}}
    base = Parts(pod(), [config], {"web": "main", "log": "sidecar"}, 0)
    theirs = Parts(pod(), [{**config, "data": {"a": "1", "b": "2"}}], {"web": "main", "log": "adapter"}, 0)
    mine = Parts(pod(), [config, service], {"web": "main", "log": "sidecar"}, 1)

    result = merge_parts(base, theirs, mine)

    assert result.conflicts == []
    assert result.merged.companions == [{**config, "data": {"a": "1", "b": "2"}}, service]
    assert result.merged.roles == {"web": "main", "log": "adapter"}
    assert result.merged.position == 1
    assert result.changes == [
        Change("companions[v1 ConfigMap cfg].data[b]", "theirs"),
        Change("companions[v1 Service prod/web]", "mine"),
        Change("roles[log]", "theirs"),
        Change("position", "mine"),
    ]


def test_it_resolves_conflicts_of_whole_contents() -> None:
    base = Parts(pod(), [], {"web": "main", "log": "sidecar"}, 0)
    theirs = Parts(pod(), [], {"web": "main", "log": "adapter"}, 0)
    mine = Parts(pod(), [], {"web": "main", "log": "ambassador"}, 0)

    result = merge_parts(base, theirs, mine)

    assert [c.path for c in result.conflicts] == ["roles[log]"]
    assert resolve(result, {"roles[log]": "theirs"}).roles["log"] == "adapter"


def test_it_refuses_a_resolution_that_misses_a_conflict_or_names_another_path() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["image"] = "web:2"
    containers(mine)[0]["image"] = "web:3"
    result = merge(base, theirs, mine)

    with pytest.raises(UnresolvedConflicts, match="no choice for"):
        resolve(result, {})
    with pytest.raises(UnresolvedConflicts, match="no conflict at spec.x"):
        resolve(result, {"spec.template.spec.containers[web].image": "mine", "spec.x": "mine"})


def test_it_treats_lists_with_duplicate_names_as_whole_values() -> None:
    base, theirs, mine = pod(), pod(), pod()
    for doc, value in ((theirs, "a"), (mine, "b")):
        containers(doc)[1]["env"] = [{"name": "X", "value": value}, {"name": "X", "value": "0"}]

    result = merge(base, theirs, mine)

    assert [c.path for c in result.conflicts] == ["spec.template.spec.containers[log].env"]


def test_it_does_not_share_parts_of_its_inputs() -> None:
    base, theirs, mine = pod(), pod(), pod()
    containers(theirs)[0]["image"] = "web:2"
    merged = merge(base, theirs, mine).merged
    containers(merged)[0]["image"] = "changed"
    assert containers(theirs)[0]["image"] == "web:2"


def annotated(roles: str | None, waivers: str | None = None) -> dict[str, Any]:
    doc = pod()
    annotations = {"kubectl.kubernetes.io/default-container": "web"}
    if roles is not None:
        annotations["pod-designer/roles"] = roles
    if waivers is not None:
        annotations["pod-designer/waivers"] = waivers
    doc["spec"]["template"]["metadata"] = {"annotations": annotations}
    return doc


def annotation(doc: dict[str, Any], key: str) -> Any:
    return doc["spec"]["template"]["metadata"]["annotations"].get(key, ABSENT)


def test_it_merges_the_roles_annotation_entry_by_entry() -> None:
    # Two people each add a container; the editor writes each one's role into the annotation.
    result = merge(
        annotated("log=sidecar"),
        annotated("log=sidecar,proxy=ambassador"),
        annotated("log=sidecar,metrics=adapter"),
    )

    assert result.conflicts == []
    assert annotation(result.merged, "pod-designer/roles") == "log=sidecar,proxy=ambassador,metrics=adapter"


def test_it_reports_one_container_given_two_roles_at_that_containers_entry() -> None:
    result = merge(annotated("log=sidecar"), annotated("log=adapter"), annotated("log=ambassador"))

    assert result.conflicts == [
        Conflict(
            "spec.template.metadata.annotations[pod-designer/roles][log]", "sidecar", "adapter", "ambassador"
        )
    ]
    assert annotation(resolve_all(result, "theirs"), "pod-designer/roles") == "log=adapter"


def test_it_drops_the_roles_annotation_that_both_sides_emptied_one_by_removing_it() -> None:
    result = merge(annotated("log=sidecar,x=init"), annotated(None), annotated("log=sidecar"))

    assert result.conflicts == []
    assert annotation(result.merged, "pod-designer/roles") is ABSENT


def test_it_merges_waivers_added_on_both_sides() -> None:
    def waivers(*items: tuple[str, str | None]) -> str:
        return json.dumps(
            [{"rule": r, "container": c, "reason": "why"} for r, c in items], separators=(",", ":")
        )

    base = annotated(None, waivers(("LINT-A", "web")))
    theirs = annotated(None, waivers(("LINT-A", "web"), ("LINT-B", None)))
    mine = annotated(None, waivers(("LINT-C", "log")))

    result = merge(base, theirs, mine)

    assert result.conflicts == []
    assert annotation(result.merged, "pod-designer/waivers") == waivers(("LINT-B", None), ("LINT-C", "log"))


def test_it_merges_an_annotation_it_cannot_decode_as_a_whole_string() -> None:
    result = merge(annotated("log=sidecar"), annotated("log = adapter"), annotated("log=sidecar,x=init"))

    assert [c.path for c in result.conflicts] == ["spec.template.metadata.annotations[pod-designer/roles]"]
