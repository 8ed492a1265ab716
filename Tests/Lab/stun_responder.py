#!/usr/bin/env python3
"""Tiny RFC 5389 STUN binding responder for the network lab.

It answers every Binding Request with a Binding Success Response carrying
XOR-MAPPED-ADDRESS and MAPPED-ADDRESS. The reported address is the one given
on the command line (the lab router's current WAN address); the reported port
is the request's source port, as a NAT-free path would show it. CHANGE-REQUEST
is ignored (the answer always comes from the same address and port).

The lab runs it in the `wan` namespace under `timeout`; --lifetime bounds it
on its own as well.

    stun_responder.py [--bind 203.0.113.1] [--port 3478] [--lifetime 3600] ADDRESS
"""

import argparse
import ipaddress
import select
import socket
import struct
import sys
import time

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
ATTR_MAPPED_ADDRESS = 0x0001
ATTR_XOR_MAPPED_ADDRESS = 0x0020
ATTR_SOFTWARE = 0x8022
FAMILY_IPV4 = 0x01
SOFTWARE = b"portico-lab-stun"


def attribute(kind: int, value: bytes) -> bytes:
    padding = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * padding


def binding_response(request: bytes, address: ipaddress.IPv4Address, port: int):
    """Return the response to `request`, or None if it is no Binding Request."""
    if len(request) < 20:
        return None
    kind, length, cookie = struct.unpack("!HHI", request[:8])
    if kind != BINDING_REQUEST or cookie != MAGIC_COOKIE or length + 20 > len(request):
        return None
    transaction = request[8:20]
    raw = int(address)
    attrs = attribute(ATTR_XOR_MAPPED_ADDRESS,
                      struct.pack("!BBHI", 0, FAMILY_IPV4, port ^ (MAGIC_COOKIE >> 16), raw ^ MAGIC_COOKIE))
    attrs += attribute(ATTR_MAPPED_ADDRESS, struct.pack("!BBHI", 0, FAMILY_IPV4, port, raw))
    attrs += attribute(ATTR_SOFTWARE, SOFTWARE)
    return struct.pack("!HHI", BINDING_SUCCESS, len(attrs), MAGIC_COOKIE) + transaction + attrs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="IPv4 address to report as the mapped address")
    parser.add_argument("--bind", default="203.0.113.1", help="local address to listen on")
    parser.add_argument("--port", type=int, default=3478, help="UDP port to listen on")
    parser.add_argument("--lifetime", type=float, default=3600.0, help="seconds before exiting")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args()

    address = ipaddress.IPv4Address(args.address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.bind, args.port))
    print(f"stun: listening on {args.bind}:{args.port}, answering {address}", file=sys.stderr, flush=True)

    deadline = time.monotonic() + args.lifetime
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        ready, _, _ = select.select([sock], [], [], min(left, 1.0))
        if not ready:
            continue
        request, (peer, peer_port) = sock.recvfrom(2048)
        response = binding_response(request, address, peer_port)
        if response is None:
            continue
        sock.sendto(response, (peer, peer_port))
        if not args.quiet:
            print(f"stun: {peer}:{peer_port} -> {address}:{peer_port}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
