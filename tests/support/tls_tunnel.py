"""An HTTPS proxy for tests: answers CONNECT, ends TLS with a test certificate, and passes the
plain HTTP inside the tunnel on to one loopback server (the fake Power Platform). paconn's blob
uploader (azure-storage-blob 2.1) always builds https://{account}.blob.{suffix} from a storage URL;
with HTTPS_PROXY pointing here and REQUESTS_CA_BUNDLE at the certificate, it reaches the fake.

Usage: python3 tls_tunnel.py CERT KEY TARGET_PORT; prints the port it listens on, then serves
until killed.
"""
import socket
import ssl
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, context, target_port):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = client.recv(4096)
        if not chunk:
            client.close()
            return
        head += chunk
    if not head.startswith(b"CONNECT "):
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    tls = context.wrap_socket(client, server_side=True)
    upstream = socket.create_connection(("127.0.0.1", target_port))
    threading.Thread(target=pump, args=(upstream, tls), daemon=True).start()
    pump(tls, upstream)


def main():
    cert, key, target_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, context, target_port), daemon=True).start()


if __name__ == "__main__":
    main()
