#!/usr/bin/env python3
"""The hostile neighbourhood, for the lab's hardening test: what a compromised gadget on
the LAN and anybody on the internet can throw at a site of cameras, and a viewer that
measures what a person watching a stream would get meanwhile.

  hostile_neighbour.py peers  --address A --seconds S [--rate 1000]
      garbage, truncated, forged (no key) and replayed peer datagrams to the site's group
  hostile_neighbour.py idle   --host H --port P --connections N --seconds S
      N TCP connections that send nothing; each one the server closes is opened again
  hostile_neighbour.py logins --url URL --concurrency C --seconds S
      C clients posting changes with wrong admin passwords, back to back
  hostile_neighbour.py viewer --url URL --seconds S
      reads an MJPEG stream, reconnecting after errors; prints frames per second as JSON

Every mode stops by itself after --seconds and prints one JSON line of what it did.
Traffic goes only to the addresses given (inside the lab) and the site's multicast group
(TTL 1)."""
import argparse, base64, json, os, random, socket, struct, threading, time

GROUP, PORT = "239.255.42.42", 4242


def peers(args):
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.address))
    listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listen.bind((GROUP, PORT))
    listen.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(GROUP) + socket.inet_aton(args.address))
    listen.setblocking(False)
    captured, sent, kinds = [], 0, {"garbage": 0, "truncated": 0, "forged": 0, "replayed": 0}
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.seconds
    interval = 1.0 / args.rate
    next_send = time.monotonic()
    while time.monotonic() < deadline:
        try:
            while len(captured) < 256:
                datagram, source = listen.recvfrom(2048)
                if source[0] != args.address:
                    captured.append(datagram)
        except BlockingIOError:
            pass
        choice = rng.randrange(4)
        if choice == 0:
            datagram, kind = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600))), "garbage"
        elif choice == 1 and captured:
            genuine = rng.choice(captured)
            datagram, kind = genuine[: rng.randrange(len(genuine))], "truncated"
        elif choice == 2:
            # Portico's header with every field at its extreme, under a key nobody has.
            body = b"PTCO" + bytes([1, rng.randrange(1, 10)]) + struct.pack(">QQ", 2**64 - 1, 2**64 - 1)
            body += bytes([255]) + b"x" * 255 + bytes([0]) + bytes([4]) + b"\xff\xfe\xfd\xfc"
            datagram, kind = body + os.urandom(32), "forged"
        elif captured:
            datagram, kind = rng.choice(captured), "replayed"
        else:
            continue
        try:
            out.sendto(datagram, (GROUP, PORT))
            sent += 1
            kinds[kind] += 1
        except OSError:
            pass
        next_send += interval
        pause = next_send - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    print(json.dumps({"mode": "peers", "sent": sent, "kinds": kinds, "captured": len(captured)}))


def idle(args):
    lock = threading.Lock()
    counts = {"opened": 0, "closed_by_server": 0, "refused": 0}
    deadline = time.monotonic() + args.seconds

    def hold():
        while time.monotonic() < deadline:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(2)
            try:
                sock.connect((args.host, args.port))
            except OSError:
                with lock:
                    counts["refused"] += 1
                sock.close()
                time.sleep(0.5)
                continue
            with lock:
                counts["opened"] += 1
            sock.settimeout(0.5)
            try:
                while time.monotonic() < deadline:
                    try:
                        if sock.recv(1024) == b"":
                            with lock:
                                counts["closed_by_server"] += 1
                            break
                    except socket.timeout:
                        continue
            except OSError:
                with lock:
                    counts["closed_by_server"] += 1
            finally:
                sock.close()
            time.sleep(0.2)

    threads = [threading.Thread(target=hold, daemon=True) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 5)
    print(json.dumps({"mode": "idle", **counts}))


def logins(args):
    host, port, path = split_url(args.url)
    lock = threading.Lock()
    counts = {}
    deadline = time.monotonic() + args.seconds

    def guess(index):
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            token = base64.b64encode(f"admin:wrong-{index}-{attempt}".encode()).decode()
            body = b'{"name": "pwned"}'
            request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Basic {token}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
            status = "error"
            try:
                with socket.create_connection((host, port), timeout=10) as sock:
                    sock.settimeout(15)
                    sock.sendall(request)
                    reply = sock.recv(64)
                    status = reply.split(b" ")[1].decode() if reply.startswith(b"HTTP/") else "garbled"
            except OSError:
                time.sleep(0.2)
            with lock:
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=guess, args=(i,), daemon=True) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 20)
    print(json.dumps({"mode": "logins", "answers": counts}))


def viewer(args):
    host, port, path = split_url(args.url)
    start = time.monotonic()
    deadline = start + args.seconds
    frames = [0] * (int(args.seconds) + 1)
    reconnects = 0
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=3) as sock:
                sock.settimeout(3)
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                buffer = b""
                while time.monotonic() < deadline:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    buffer += chunk
                    # One part per "Content-Type: image/jpeg" header; keep the tail for a header cut in two.
                    parts = buffer.count(b"Content-Type: image/jpeg")
                    if parts:
                        second = min(int(time.monotonic() - start), len(frames) - 1)
                        frames[second] += parts
                        buffer = buffer[buffer.rfind(b"Content-Type: image/jpeg") + 24:]
                    buffer = buffer[-64:]
        except OSError:
            pass
        reconnects += 1
        time.sleep(0.2)
    print(json.dumps({"mode": "viewer", "frames_per_second": frames[: int(args.seconds)], "reconnects": reconnects - 1}))


def split_url(url):
    assert url.startswith("http://")
    rest = url[len("http://"):]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port or 80), "/" + path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["peers", "idle", "logins", "viewer"])
    parser.add_argument("--address")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--url")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    {"peers": peers, "idle": idle, "logins": logins, "viewer": viewer}[args.mode](args)


if __name__ == "__main__":
    main()
