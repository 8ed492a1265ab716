#!/usr/bin/env python3
"""A client written for ustreamer, pointed at any server: it uses the URLs, query
parameters, headers and /state fields that ustreamer 4.9 offers, and writes what it
saw as a JSON document of shapes (names, types, formats; never the values that
differ from run to run). Run once against ustreamer and once against Portico on the
same camera, then compare:

    ustreamer_client.py observe URL OUT.json
    ustreamer_client.py compare USTREAMER.json PORTICO.json   (exit 1 on a difference)

`compare` prints the compatibility table. Only the Python standard library.
"""
import http.client
import json
import re
import sys
import time
import urllib.parse

BOUNDARY = b"--boundarydonotcross"


def connect(url):
    parsed = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=15)


def request(url, path, method="GET"):
    connection = connect(url)
    connection.request(method, path)
    return connection, connection.getresponse()


def shape(value):
    """The value's structure: keys and JSON types, recursively."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return "null"


def header_format(name, value):
    """A header's value reduced to its form: numbers and ids become placeholders."""
    if re.fullmatch(r"\d+\.\d{6}", value):
        return "<seconds.micros>"
    if re.fullmatch(r"\d+", value):
        return "<int>"
    if name.lower() == "set-cookie":
        return re.sub(r"/[0-9a-f]+;", "/<hex id>;", value)
    return value


def part_headers(response):
    """Reads one part's headers after a boundary line; returns them as a dict."""
    line = response.readline()
    while line.strip() == b"":
        line = response.readline()
    if line.rstrip(b"\r\n") != BOUNDARY:
        raise RuntimeError(f"expected the boundary, read {line[:80]!r}")
    headers = {}
    while True:
        line = response.readline().rstrip(b"\r\n")
        if not line:
            return headers
        name, _, value = line.decode().partition(":")
        headers[name.strip()] = value.strip()


def part(response):
    """Headers and body of the next part (body by Content-Length)."""
    headers = part_headers(response)
    length = int(headers.get("Content-Length", "-1"))
    body = response.read(length) if length >= 0 else b""
    return headers, body


def state(url):
    _, response = request(url, "/state?format=ustreamer")
    return json.loads(response.read())


def observe(url):
    seen = {}

    # /state in ustreamer's shape, without stream clients.
    first = state(url)
    seen["/state?format=ustreamer"] = shape(first)
    seen["state.ok"] = first.get("ok")
    seen["state.source.online"] = first["result"]["source"]["online"]
    seen["state.stream.clients (none open)"] = first["result"]["stream"]["clients"]

    for path in ["/snapshot", "/?action=snapshot"]:
        _, response = request(url, path)
        body = response.read()
        seen[f"GET {path}"] = {
            "status": response.status,
            "Content-Type": response.getheader("Content-Type"),
            "JPEG": body[:2] == b"\xff\xd8" and body[-2:] == b"\xff\xd9",
            "headers": {name: header_format(name, value) for name, value in sorted(response.getheaders())
                        if name.startswith("X-") or name in ("Cache-Control", "Pragma", "Expires", "Access-Control-Allow-Origin")},
        }

    for path in ["/snapshot", "/stream"]:
        _, response = request(url, path, method="HEAD")
        response.read()
        seen[f"HEAD {path}"] = {"status": response.status}

    # A plain stream through mjpg-streamer's URL.
    connection, response = request(url, "/?action=stream")
    headers, body = part(response)
    seen["GET /?action=stream"] = {
        "status": response.status, "Content-Type": response.getheader("Content-Type"),
        "part headers": sorted(headers), "JPEG": body[:2] == b"\xff\xd8",
    }
    connection.close()

    # key and extra_headers: the cookie names the client, /state lists it.
    connection, response = request(url, "/stream?key=abc123&extra_headers=1")
    cookie = response.getheader("Set-Cookie", "")
    headers, body = part(response)
    headers2, _ = part(response)
    seen["GET /stream?key=abc123&extra_headers=1"] = {
        "Set-Cookie": header_format("Set-Cookie", cookie),
        "part headers": {name: header_format(name, value) for name, value in sorted(headers.items())},
        "Content-Length matches": int(headers["Content-Length"]) == len(body),
    }
    match = re.match(r"stream_client=abc123/([0-9a-f]+);", cookie)
    time.sleep(1.5)  # a whole second of frames, for the client's fps
    part(response)
    during = state(url)
    stats = during["result"]["stream"]["clients_stat"]
    client = stats.get(match.group(1)) if match else None
    seen["state while streaming"] = {
        "clients": during["result"]["stream"]["clients"],
        "clients_stat shape": shape(client) if client else None,
        "cookie id listed": client is not None,
        "flags": {k: v for k, v in (client or {}).items() if k != "fps"},
        "fps > 0": bool(client and client["fps"] > 0),
    }
    connection.close()

    # advance_headers: the next part's headers right after each boundary, without a length.
    connection, response = request(url, "/stream?advance_headers=1")
    headers = part_headers(response)
    start = response.read(2)
    seen["GET /stream?advance_headers=1"] = {"part headers": sorted(headers), "then JPEG": start == b"\xff\xd8"}
    connection.close()

    # zero_data: headers with Content-Length 0 and no picture.
    connection, response = request(url, "/stream?zero_data=1")
    headers, body = part(response)
    headers2, body2 = part(response)
    seen["GET /stream?zero_data=1"] = {"Content-Length": [headers["Content-Length"], headers2["Content-Length"]],
                                      "bytes": len(body) + len(body2)}
    connection.close()

    # dual_final_frames: accepted, frames flow, listed as asked.
    connection, response = request(url, "/stream?dual_final_frames=1")
    headers, body = part(response)
    listed = state(url)["result"]["stream"]["clients_stat"]
    seen["GET /stream?dual_final_frames=1"] = {
        "JPEG": body[:2] == b"\xff\xd8",
        "listed with dual_final_frames": any(c.get("dual_final_frames") for c in listed.values()),
    }
    connection.close()
    return seen


def flatten(value, prefix=""):
    if isinstance(value, dict) and value:
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: value}


def compare(reference_file, candidate_file):
    reference = flatten(json.load(open(reference_file)))
    candidate = flatten(json.load(open(candidate_file)))
    differences = 0
    print(f"{'what a ustreamer client reads':<78} | {'ustreamer 4.9':<34} | Portico")
    for key in sorted(set(reference) | set(candidate)):
        ours = candidate.get(key, "(absent)")
        theirs = reference.get(key, "(absent)")
        if key not in reference:
            mark = "extra"  # Portico offers more; a ustreamer client never looks
        elif ours == theirs:
            mark = "same"
        else:
            mark = "DIFFERENT"
            differences += 1
        print(f"{key:<78} | {str(theirs):<34} | {ours} [{mark}]")
    print(f"{differences} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "observe":
        with open(sys.argv[3], "w") as out:
            json.dump(observe(sys.argv[2]), out, indent=1, sort_keys=True)
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
