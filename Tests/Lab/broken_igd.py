#!/usr/bin/env python3
"""A UPnP Internet Gateway Device that answers wrongly on purpose, for the network lab.

It answers SSDP searches for an InternetGatewayDevice and serves a root description
and WANIPConnection:1 control point, like a router; --mode chooses what goes wrong,
so a client's handling of broken routers can be tested against real HTTP and SSDP:

  fault-zero      every action fails with a SOAP fault whose errorCode is 0
  garbage         every action answers HTTP 200, text/xml, with a body that is not XML
  wrong-element   every action answers with the response element of another action
  endless-table   actions work; GetGenericPortMappingEntry never runs out of entries
  bad-entry       actions work; the table's first entry has NewExternalPort 99999
  silent          actions are read and never answered
  html            the root description is an HTML login page
  chunk-overflow  every action answers chunked: a first chunk, then one whose size is
                  7FFFFFFFFFFFFFFF (near the largest 64-bit integer), and nothing more

Run it in the lab's `wan` namespace (nothing else answers SSDP there; a client in
the same namespace reaches it through multicast loopback):

    broken_igd.py --mode MODE [--bind 203.0.113.1] [--port 5001] [--lifetime 600]
"""

import argparse
import http.server
import re
import socket
import struct
import sys
import threading
import time

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900
UDN = "uuid:b40ce1d6-0000-4000-8000-00000000b0b0"
SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:1"
MODES = ["fault-zero", "garbage", "wrong-element", "endless-table", "bad-entry", "silent", "html", "chunk-overflow"]

DESCRIPTION = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>Broken lab gateway</friendlyName><UDN>{udn}</UDN>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<UDN>{udn}-1</UDN>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
<UDN>{udn}-2</UDN>
<serviceList><service><serviceType>{service}</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL>
</service></serviceList></device></deviceList></device></deviceList></device></root>
""".format(udn=UDN, service=SERVICE)


def envelope(body):
    return ('<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            + body + "</s:Body></s:Envelope>\r\n")


def response(action, arguments):
    inner = "".join("<{0}>{1}</{0}>".format(name, value) for name, value in arguments)
    return envelope('<u:{0}Response xmlns:u="{1}">{2}</u:{0}Response>'.format(action, SERVICE, inner))


def fault(code, text):
    return envelope('<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>'
                    '<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>{0}</errorCode>'
                    '<errorDescription>{1}</errorDescription></UPnPError></detail></s:Fault>'.format(code, text))


def entry(port, client="203.0.113.1", description="lab"):
    return [("NewRemoteHost", ""), ("NewExternalPort", str(port)), ("NewProtocol", "TCP"),
            ("NewInternalPort", "8080"), ("NewInternalClient", client), ("NewEnabled", "1"),
            ("NewPortMappingDescription", description), ("NewLeaseDuration", "60")]


class Gateway:
    def __init__(self, mode):
        self.mode = mode
        self.started = time.monotonic()
        self.mapped = {}  # external port -> (client, internal port, description)
        self.lock = threading.Lock()

    def answer(self, action, arguments):
        """(HTTP status, body) for one action, or None to never answer."""
        mode = self.mode
        if mode == "silent":
            return None
        if mode == "fault-zero":
            return 500, fault(0, "Success")
        if mode == "garbage":
            return 200, "<<this is not XML"
        if mode == "wrong-element":
            return 200, response("SomethingElse", [])
        if action == "GetExternalIPAddress":
            return 200, response(action, [("NewExternalIPAddress", "203.0.113.77")])
        if action == "GetStatusInfo":
            uptime = int(time.monotonic() - self.started)
            return 200, response(action, [("NewConnectionStatus", "Connected"),
                                          ("NewLastConnectionError", "ERROR_NONE"), ("NewUptime", str(uptime))])
        if action == "AddPortMapping":
            with self.lock:
                self.mapped[arguments.get("NewExternalPort", "")] = (
                    arguments.get("NewInternalClient", ""), arguments.get("NewInternalPort", ""),
                    arguments.get("NewPortMappingDescription", ""))
            return 200, response(action, [])
        if action == "GetSpecificPortMappingEntry":
            with self.lock:
                found = self.mapped.get(arguments.get("NewExternalPort", ""))
            if found is None:
                return 500, fault(714, "NoSuchEntryInArray")
            client, internal, description = found
            return 200, response(action, [("NewInternalPort", internal), ("NewInternalClient", client),
                                          ("NewEnabled", "1"), ("NewPortMappingDescription", description),
                                          ("NewLeaseDuration", "60")])
        if action == "DeletePortMapping":
            with self.lock:
                self.mapped.pop(arguments.get("NewExternalPort", ""), None)
            return 200, response(action, [])
        if action == "GetGenericPortMappingEntry":
            index = int(arguments.get("NewPortMappingIndex", "0") or 0)
            if mode == "endless-table":
                return 200, response(action, entry(10000 + index % 50000))
            if mode == "bad-entry" and index == 0:
                return 200, response(action, entry(99999))
            return 500, fault(713, "SpecifiedArrayIndexInvalid")
        return 500, fault(401, "Invalid Action")


def serve_http(gateway, bind, port):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="text/xml; charset=\"utf-8\""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path != "/rootDesc.xml":
                self.send(404, "not found", "text/plain")
            elif gateway.mode == "html":
                self.send(200, "<html><body><form>Router login</form></body></html>", "text/html")
            else:
                self.send(200, DESCRIPTION)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(length, 65536)).decode(errors="replace")
            soap_action = self.headers.get("SOAPACTION", "").strip('"')
            action = soap_action.split("#")[-1]
            arguments = dict(re.findall(r"<(New\w+)>([^<]*)</New\w+>", body))
            if gateway.mode == "chunk-overflow":
                first = envelope("")[:16].encode()
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 + b"%x\r\n" % len(first) + first + b"\r\n7FFFFFFFFFFFFFFF\r\n")
                self.wfile.flush()
                time.sleep(5)  # the client must not wait for the rest
                self.close_connection = True
                return
            answer = gateway.answer(action, arguments)
            if answer is None:
                time.sleep(30)
                return
            self.send(*answer)

    server = http.server.ThreadingHTTPServer((bind, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()


def serve_ssdp(bind, port, deadline):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", SSDP_PORT))
    membership = struct.pack("4s4s", socket.inet_aton(SSDP_GROUP), socket.inet_aton(bind))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    sock.settimeout(0.5)
    location = "http://{0}:{1}/rootDesc.xml".format(bind, port)
    print("broken_igd: answering SSDP on {0}, description at {1}".format(bind, location), flush=True)
    while time.monotonic() < deadline:
        try:
            data, sender = sock.recvfrom(2048)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        if not text.startswith("M-SEARCH"):
            continue
        match = re.search(r"^ST:\s*(\S+)", text, re.IGNORECASE | re.MULTILINE)
        target = match.group(1) if match else ""
        if "InternetGatewayDevice:1" not in target and target not in ("ssdp:all", "upnp:rootdevice"):
            continue
        reply = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nEXT:\r\nLOCATION: {0}\r\n"
                 "SERVER: Linux/6 UPnP/1.0 broken_igd/1\r\nST: {1}\r\nUSN: {2}::{1}\r\n\r\n").format(location, target, UDN)
        sock.sendto(reply.encode(), sender)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", required=True, choices=MODES)
    parser.add_argument("--bind", default="203.0.113.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--lifetime", type=float, default=600)
    options = parser.parse_args()
    gateway = Gateway(options.mode)
    serve_http(gateway, options.bind, options.port)
    serve_ssdp(options.bind, options.port, time.monotonic() + options.lifetime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
