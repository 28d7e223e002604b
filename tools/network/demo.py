"""The README's demo: the local TON chain (contracts/localnet) and a Cocoon
network on loopback (1 proxy, 2 workers, 1 client; simulated attestation;
keys in a temporary folder) paying through it: the proxy deploys its
contract, the client its client contract; one streaming and one whole chat
completion through the OpenAI-compatible API, each with its cost; the
attestation chain the client verified; a clean shutdown, after which the
client and the workers put their vouchers on chain; and, read from the
chain, what the client paid, what the workers received and the proxy's
commission, checked against usage × price, usage × worker fee and the
difference.

Usage: demo.py COCOON SCRIPTED_BACKEND
"""
import http.client
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from cocoon_network import Network, chat_body  # noqa: E402
from localnet import Localnet, available  # noqa: E402

# The chain's prices (nanoTON per adjusted token); the root config the
# daemons read for /v1/models says the same.
PRICE, WORKER_FEE = 20, 16


def say(text):
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def main():
    cocoon, backend = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="cocoon-demo.") as tmp:
        why = available()
        if why:
            sys.exit(f"demo: the local chain cannot run: {why}")
        chain = Localnet(os.path.join(tmp, "chain"), {"params": {
            "pricePerToken": str(PRICE), "workerFeePerToken": str(WORKER_FEE), "promptMult": 10000,
            "cachedMult": 1000, "completionMult": 10000, "reasoningMult": 10000, "proxyCloseDelay": 60,
            "clientCloseDelay": 60, "minProxyStake": "10000000000", "minClientStake": "1000000000"}})
        say("Starting the local TON chain and a network on loopback: 1 proxy, 2 workers, 1 client")
        print("The local chain is TON's emulator behind the TON HTTP API. Its root contract is the\n"
              "registry every daemon reads: the proxy and worker image hashes measured here and\n"
              "the model are listed in it; the daemons re-read it when its version changes.")
        print("Attestation is SIMULATED (a software platform key in the temporary folder); it\n"
              "proves nothing about hardware. The workers' inference backend is the SCRIPTED\n"
              "BACKEND, a test fixture that returns canned text: the built-in inference engine\n"
              "does not exist yet.")
        flags = ["--chunks", "12", "--chunk-bytes", "6", "--delay-ms", "40", "--prompt-tokens", "9"]
        print("Each daemon gets a node wallet funded from the faucet; the proxy deploys and stakes\n"
              "its proxy contract, the client deploys, stakes and tops up its client contract.")
        net = Network(cocoon, backend, os.path.join(tmp, "net"), backends=[flags, flags], chain=chain)
        try:
            net.start()
        except BaseException:
            net.stop()
            chain.stop()
            raise
        codes = {}
        contracts = {}
        print(f"chain endpoint {chain.endpoint}, root contract {chain.root}")
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
            print(f"cost: {usage.get('cost_nanoton')} nanoTON for {usage.get('adjusted_tokens')} adjusted tokens")

            say("Whole (non-streaming) chat completion")
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("POST", "/v1/chat/completions", body=chat_body("And about dogs?"),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            answer = json.loads(r.read())
            print(f"HTTP {r.status}, served by worker {r.getheader('X-Cocoon-Worker')[:16]}...")
            print(f"answer: {answer['choices'][0]['message']['content']}")
            print(f"usage: {json.dumps(answer['usage'])}")
            print(f"cost: {answer['usage'].get('cost_nanoton')} nanoTON")

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

            say("The proxy's ledger and the vouchers (admin ports, /stats)")
            stats = json.loads(net.proxies[0].admin("/stats")[1])
            pay = stats["payments"]
            client_pay = stats["clients"][0]["payments"]
            print(f"proxy contract {pay['proxy_contract']}: ledger at record {pay['ledger']['seqno']}, "
                  f"last anchor {pay['last_anchor']}")
            print(f"client contract {client_pay['contract']}: {client_pay['total_tokens']} tokens charged "
                  f"by the ledger, available credit {client_pay['available_nanoton']} nanoTON")
            for w in pay["worker_totals"]:
                print(f"worker contract {w['contract']}: {w['total_tokens']} tokens owed")
            contracts = {"proxy": pay["proxy_contract"], "client": client_pay["contract"],
                         "workers": [w["contract"] for w in pay["worker_totals"]],
                         "ledger_tokens": client_pay["total_tokens"]}
        finally:
            say("Shutting down (SIGTERM): the client and the workers submit their vouchers")
            codes = net.stop()
            for name, code in codes.items():
                print(f"{name}: exit {code}")
        try:
            ok = all(c == 0 for c in codes.values())
            if contracts:
                ok = settle_from_chain(chain, contracts) and ok
        finally:
            chain.stop()
        if not ok:
            print("demo: a process did not stop cleanly or the chain does not match the usage",
                  file=sys.stderr)
            sys.exit(1)


def settle_from_chain(chain, c):
    say("Read from the chain")
    tokens_charged = chain.get(c["client"], "get_client_data")[4]
    tokens_paid = sum(chain.get(w, "get_worker_data")[1] for w in c["workers"])
    commission = chain.get(c["proxy"], "get_proxy_data")[5]
    anchor = chain.get(c["proxy"], "get_anchor")[0]
    paid = tokens_charged * PRICE
    earned = tokens_paid * WORKER_FEE
    print(f"the client paid           {paid} nanoTON  ({tokens_charged} tokens × {PRICE})")
    print(f"the workers received      {earned} nanoTON  ({tokens_paid} tokens × {WORKER_FEE})")
    print(f"the proxy's commission    {commission} nanoTON")
    print(f"the proxy's ledger anchor record {anchor}")
    usage = c["ledger_tokens"]
    checks = [(tokens_charged == usage, f"client charged {tokens_charged} tokens = usage {usage}"),
              (tokens_paid == usage, f"workers paid {tokens_paid} tokens = usage {usage}"),
              (commission == paid - earned, f"commission {commission} = {paid} - {earned}")]
    for good, text in checks:
        print(("ok:   " if good else "FAIL: ") + text)
    return all(good for good, _ in checks)


if __name__ == "__main__":
    main()
