"""The README's demo: a Cocoon network on loopback (1 proxy, 2 workers,
1 client; simulated attestation; keys in a temporary folder), one streaming
and one whole chat completion through the OpenAI-compatible API, the
attestation chain the client verified, then a clean shutdown.

Usage: demo.py COCOON SCRIPTED_BACKEND
"""
import http.client
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from cocoon_network import Network, chat_body  # noqa: E402


def say(text):
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def main():
    cocoon, backend = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="cocoon-demo.") as tmp:
        say("Starting a network on loopback: 1 proxy, 2 workers, 1 client")
        print("Attestation is SIMULATED (a software platform key in the temporary folder); it\n"
              "proves nothing about hardware. The workers' inference backend is the SCRIPTED\n"
              "BACKEND, a test fixture that returns canned text: the built-in inference engine\n"
              "does not exist yet.")
        flags = ["--chunks", "12", "--chunk-bytes", "6", "--delay-ms", "40", "--prompt-tokens", "9"]
        net = Network(cocoon, backend, tmp, backends=[flags, flags]).start()
        codes = {}
        try:
            host, port = net.client_url.replace("http://", "").split(":")
            print(f"client API: {net.client_url} (OpenAI-compatible)")
            print(f"proxy image hash:  {net.hashes['proxy']}")
            print(f"worker image hash: {net.hashes['worker']}")

            say("Streaming chat completion (tokens print as they arrive)")
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            body = chat_body("Tell me about foxes.", stream=True, stream_options={"include_usage": True})
            conn.request("POST", "/v1/chat/completions", body=body,
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            print(f"HTTP {r.status}, request id {r.getheader('X-Request-Id')}")
            print(f"served by worker {r.getheader('X-Cocoon-Worker')[:16]}... "
                  f"through proxy {r.getheader('X-Cocoon-Proxy')[:16]}...")
            print(f"Server-Timing: {r.getheader('Server-Timing')}")
            usage = None
            buffer = b""
            sys.stdout.write("answer: ")
            while True:
                piece = r.read1(4096)
                if not piece:
                    break
                buffer += piece
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    data = event.decode()[len("data: "):]
                    if data == "[DONE]":
                        continue
                    chunk = json.loads(data)
                    if chunk.get("usage"):
                        usage = chunk["usage"]
                    for choice in chunk.get("choices", []):
                        sys.stdout.write(choice.get("delta", {}).get("content") or "")
                        sys.stdout.flush()
            print(f"\nusage: {json.dumps(usage)}")

            say("Whole (non-streaming) chat completion")
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("POST", "/v1/chat/completions", body=chat_body("And about dogs?"),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            answer = json.loads(r.read())
            print(f"HTTP {r.status}, served by worker {r.getheader('X-Cocoon-Worker')[:16]}...")
            print(f"answer: {answer['choices'][0]['message']['content']}")
            print(f"usage: {json.dumps(answer['usage'])}")

            say("Models on the network (GET /v1/models)")
            for m in net.get_json("/v1/models")["data"]:
                print(f"{m['id']}: {m['workers']} worker(s), price coefficient "
                      f"{m.get('price_coefficient')}, nanoTON per token {m.get('price_per_token')}")

            say("Attestation chain the client verified (GET /v1/attestation)")
            for p in net.get_json("/v1/attestation")["proxies"]:
                e = p["evidence"]
                print(f"proxy {p['address']}: key {p['public_key'][:16]}..., {e['kind']} evidence, "
                      f"image {e['image_hash'][:16]}... ({e['tcb_status']}), verified in the RA-TLS handshake")
                for w in p["workers"]:
                    we = w.get("evidence", {})
                    print(f"  worker {w['name']}: key {w.get('public_key', '?')[:16]}..., "
                          f"image {we.get('image_hash', '?')[:16]}..., models {w['models']}, "
                          f"re-verified by the client: {w['verified']}")
            print("Each entry carries its RA-TLS certificate (PEM) with the evidence inside;\n"
                  "`cocoon cert inspect FILE --verify-with CONFIG` checks it again offline.")
        finally:
            say("Shutting down (SIGTERM)")
            codes = net.stop()
            for name, code in codes.items():
                print(f"{name}: exit {code}")
        if any(c != 0 for c in codes.values()):
            print("demo: a process did not stop cleanly", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
