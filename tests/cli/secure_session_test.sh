#!/usr/bin/env bash
# End to end over real processes: `cocoon proxy` and `cocoon worker` on
# loopback with sim attestation. An honest worker gets a verified session; a
# worker with an altered measured config, or signed by an untrusted platform
# key, is refused with the reason in the proxy's log; bad files get clear
# errors, never a crash.
set -uo pipefail
COCOON=$(realpath "${1:?usage: secure_session_test.sh PATH_TO_COCOON}")
work=$(mktemp -d)
proxy_pid=
cleanup() { [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
failures=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}

"$COCOON" --help > help.txt
for sub in key measure cert proxy worker; do
  check "--help lists $sub" grep -q "^  $sub " help.txt
done
check "worker --help explains --once" bash -c "'$COCOON' worker --help | grep -q -- --once"

platform=$("$COCOON" key generate --out platform.key)
other=$("$COCOON" key generate --out other-platform.key)
check "key generate refuses to overwrite" bash -c "! '$COCOON' key generate --out platform.key 2>/dev/null"

config() {  # role platform_key_file measured
  printf 'key_file = "%s.key"\n[attestation]\nprovider = "sim"\nplatform_key_file = "%s"\ntrusted_platform_keys = ["%s"]\n[measured]\n%s\n' \
    "$1" "$2" "$platform" "$3"
}
config proxy platform.key 'x = 1' > proxy.toml
config worker platform.key 'models = ["m"]' > worker.toml
config rogue platform.key 'models = ["m"]
extra = true' > rogue.toml
config forged other-platform.key 'models = ["m"]' > forged.toml
ph=$("$COCOON" measure --config proxy.toml --role proxy)
wh=$("$COCOON" measure --config worker.toml --role worker)
check "forged worker measures like the honest one" test "$wh" = "$("$COCOON" measure --config forged.toml --role worker)"
check "altered config changes the image hash" test "$wh" != "$("$COCOON" measure --config rogue.toml --role worker)"
for f in proxy worker rogue forged; do
  printf '[policy]\nproxy_image_hashes = ["%s"]\nworker_image_hashes = ["%s"]\n' "$ph" "$wh" >> $f.toml
done
printf '[proxy]\nworkers_listen = "127.0.0.1:0"\nclients_listen = "127.0.0.1:0"\n' >> proxy.toml

"$COCOON" proxy --config proxy.toml > proxy.log 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do grep -q "proxy listening" proxy.log && break; sleep 0.1; done
port=$(sed -n 's/.*workers on 127.0.0.1:\([0-9]*\).*/\1/p' proxy.log)
check "proxy started" test -n "$port"

check "honest worker gets a verified session" bash -c \
  "'$COCOON' worker --config worker.toml --proxy 127.0.0.1:$port --once | grep -q 'image hash:    $ph'"
check "altered worker is refused" bash -c "! '$COCOON' worker --config rogue.toml --proxy 127.0.0.1:$port --once 2>/dev/null"
check "forged worker is refused" bash -c "! '$COCOON' worker --config forged.toml --proxy 127.0.0.1:$port --once 2>/dev/null"
sleep 0.3
check "proxy logged the image refusal" grep -q "ratls.image_not_allowed" proxy.log
check "proxy logged the untrusted platform key" grep -q "is not trusted" proxy.log

printf 'not a certificate' > junk.pem
"$COCOON" cert inspect junk.pem > out.txt 2>&1; rc=$?
check "cert inspect of junk fails cleanly" test "$rc" = 1
check "cert inspect says why" grep -q "not a PEM certificate" out.txt
printf 'key_file = \n' > broken.toml
"$COCOON" measure --config broken.toml --role worker > out.txt 2>&1; rc=$?
check "broken TOML fails cleanly" test "$rc" = 1
check "broken TOML error names file and line" grep -q "broken.toml:1" out.txt
printf '[attestation]\nprovider = "magic"\n' > badprovider.toml
"$COCOON" measure --config badprovider.toml --role worker > out.txt 2>&1
check "unknown provider is explained" grep -q 'attestation.provider must be' out.txt

# The same trust from a root-config file instead of [policy].
config worker platform.key 'models = ["m"]' > worker-rc.toml
sed -i '1i root_config = "root.toml"' worker-rc.toml
printf 'version = 1\nproxy_image_hashes = ["%s"]\nworker_image_hashes = ["%s"]\n' "$ph" "$wh" > root.toml
check "worker trusting via root_config gets a verified session" bash -c \
  "'$COCOON' worker --config worker-rc.toml --proxy 127.0.0.1:$port --once | grep -q 'image hash:    $ph'"
printf 'version = 2\nproxy_image_hashes = []\n' > root.toml
check "worker refuses a proxy the root config no longer lists" bash -c \
  "! '$COCOON' worker --config worker-rc.toml --proxy 127.0.0.1:$port --once 2>/dev/null"

kill -TERM "$proxy_pid"; wait "$proxy_pid"; rc=$?; proxy_pid=
check "proxy exits cleanly on SIGTERM" test "$rc" = 0
check "proxy did not crash" bash -c "! grep -qiE 'terminate|segmentation|AddressSanitizer' proxy.log"

echo "secure session test: $failures failed"
exit $(( failures > 0 ))
