#!/usr/bin/env python3
"""Reads a running Portico's /metrics with Prometheus's own text parser (PyPI's
prometheus-client) and checks it against /state read just before and just after:
every counter lies between the two readings, every state and gauge matches, and
the names follow Prometheus's conventions.

    check_metrics.py URL [--user admin --password P] [--wrong-logins N] [--clients N]

Exit 0 and a summary when everything holds; exit 1 and the failures otherwise.
"""
import argparse
import base64
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def get(url, auth):
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.headers.get("Content-Type", ""), reply.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password")
    parser.add_argument("--wrong-logins", type=int)
    parser.add_argument("--clients", type=int)
    args = parser.parse_args()
    auth = f"{args.user}:{args.password}" if args.password else None
    base = args.url.rstrip("/")

    before = json.loads(get(base + "/state", auth)[1])
    content_type, text = get(base + "/metrics", auth)
    after = json.loads(get(base + "/state", auth)[1])
    check(content_type.startswith("text/plain; version=0.0.4"), f"content type {content_type!r}")

    families = {family.name: family for family in text_string_to_metric_families(text)}
    samples = {}
    for family in families.values():
        check(family.name.startswith("portico_"), f"{family.name}: no portico_ prefix")
        check(family.documentation != "", f"{family.name}: no HELP")
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            check(key not in samples, f"{sample.name}{sample.labels}: twice")
            samples[key] = sample.value
            if family.type == "counter":
                check(sample.name.endswith("_total") or sample.name.endswith("_created"), f"counter {sample.name} does not end in _total")
            if "duration" in family.name:
                check(family.name.endswith("_seconds"), f"{family.name}: a duration not in seconds")

    def value(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        check(key in samples, f"missing {name}{labels}")
        return samples.get(key)

    def between(name, low, high, **labels):
        found = value(name, **labels)
        if found is not None:
            check(low <= found <= high, f"{name}{labels} = {found}, /state said {low} then {high}")

    def state_set(name, label, current):
        ones = [dict(labels)[label] for (sample, labels), v in samples.items() if sample == name and v == 1]
        check(ones == [current], f"{name}: 1 for {ones}, /state says {current!r}")

    def histogram(name, **labels):
        buckets = sorted(
            ((float(dict(l)["le"]), v) for (s, l), v in samples.items()
             if s == name + "_bucket" and {k: x for k, x in l if k != "le"} == labels),
            key=lambda pair: pair[0])
        check(buckets and buckets[-1][0] == float("inf"), f"{name}{labels}: no +Inf bucket")
        counts = [v for _, v in buckets]
        check(counts == sorted(counts), f"{name}{labels}: buckets not cumulative: {counts}")
        count = value(name + "_count", **labels)
        check(buckets and counts[-1] == count, f"{name}{labels}: +Inf bucket {counts[-1] if counts else None} != count {count}")
        return count, value(name + "_sum", **labels)

    check(value("portico_info", version=after["version"]) == 1, "portico_info")
    checked = ["info"]

    if after.get("camera"):
        b, a = before["camera"], after["camera"]
        for metric, field in [
            ("portico_frames_captured_total", "captured_frames"), ("portico_frames_encoded_total", "encoded_frames"),
            ("portico_frames_published_total", "frames"), ("portico_frames_dropped_total", "dropped_frames"),
            ("portico_stream_delivered_frames_total", "delivered_frames"),
            ("portico_stream_skipped_frames_total", "skipped_frames"),
        ]:
            between(metric, b[field], a[field])
        check(a["frames"] > 0, "no frame was published")
        between("portico_stream_clients", min(b["stream_clients"], a["stream_clients"]), max(b["stream_clients"], a["stream_clients"]))
        if args.clients is not None:
            check(value("portico_stream_clients") == args.clients, f"stream clients {value('portico_stream_clients')}, expected {args.clients}")
            check(sum(c["skipped"] for c in a["clients"]) <= a["skipped_frames"], "per-client skips exceed the total")
        if b["signal"] == a["signal"]:
            state_set("portico_camera_signal", "state", a["signal"])
        count, total = histogram("portico_encode_duration_seconds")
        check(count == value("portico_frames_encoded_total"), f"encode histogram counts {count}, encoded {value('portico_frames_encoded_total')}")
        if count:
            mean_ms = total / count * 1000
            check(0 < mean_ms < 1000, f"mean encode time {mean_ms} ms")
        checked.append("camera")

    if after.get("mapping"):
        b, a = before["mapping"], after["mapping"]
        if b["phase"] == a["phase"]:
            state_set("portico_mapping_phase", "phase", a["phase"])
        between("portico_mapping_renewals_total", b["renewals"], a["renewals"])
        check(value("portico_mapping_holds_fixed_port") == (1 if a["holds_fixed_port"] else 0), "holds_fixed_port")
        exchanges = 0
        for operation in ["external_address", "map", "unmap", "list_mappings", "read_mapping"]:
            count, _ = histogram("portico_router_exchange_duration_seconds", operation=operation)
            exchanges += count or 0
        maps = value("portico_router_exchange_duration_seconds_count", operation="map")
        check(maps >= value("portico_mapping_renewals_total") + 1, f"{maps} map exchanges for {value('portico_mapping_renewals_total')} renewals")
        checked.append(f"mapping ({exchanges:.0f} exchanges, {value('portico_mapping_renewals_total'):.0f} renewals)")

    if after.get("site"):
        b, a = before["site"], after["site"]
        if b["role"] == a["role"]:
            state_set("portico_site_role", "role", a["role"])
        between("portico_site_term", b["term"], a["term"])
        for reason in set(b["dropped"]) | set(a["dropped"]):
            between("portico_peer_datagrams_dropped_total", b["dropped"].get(reason, 0), a["dropped"].get(reason, 0), reason=reason)
        dropped = sum(v for (s, _), v in samples.items() if s == "portico_peer_datagrams_dropped_total")
        checked.append(f"site ({a['role']}, term {a['term']}, {dropped:.0f} datagrams dropped)")

    if args.wrong_logins is not None:
        check(value("portico_login_failures_total", reason="wrong_password") == args.wrong_logins,
              f"wrong passwords {value('portico_login_failures_total', reason='wrong_password')}, expected {args.wrong_logins}")
        checked.append("logins")

    if failures:
        print("\n".join(failures))
        print(text)
        return 1
    print(f"metrics: {len(families)} families, {len(samples)} samples match /state: {', '.join(checked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
