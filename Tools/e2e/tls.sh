#!/usr/bin/env bash
# End-to-end checks of TLS between branches and the centre, against the real `fapiao` and
# `fapiao-central` binaries: a private CA made with openssl, `serve --tls-cert/--tls-key`, a
# branch trusting the CA with --ca-file, and every way it can be got wrong (no CA, a certificate
# for another name or expired, http:// to the TLS port, https:// to a plain one, bad files).
# Usage: Tools/e2e/tls.sh [path/to/fapiao]  (fapiao-central is taken from the same directory).
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"
command -v openssl >/dev/null || { echo "e2e: openssl is needed" >&2; exit 2; }

url="https://127.0.0.1:$port"
plain_pid=""
tap_pid=""
trap '[ -n "$plain_pid" ] && kill "$plain_pid" 2>/dev/null; [ -n "$tap_pid" ] && kill "$tap_pid" 2>/dev/null; cleanup' EXIT

# --- a private CA and its certificates, in the test's own directory -------------------------
pki="$work/pki"
mkdir -p "$pki/issued"
: >"$pki/index.txt"
echo 1000 >"$pki/serial"
cat >"$pki/ca.cnf" <<EOF
[ ca ]
default_ca = e2e
[ e2e ]
database = $pki/index.txt
new_certs_dir = $pki/issued
certificate = $pki/ca.pem
private_key = $pki/ca.key
serial = $pki/serial
default_md = sha256
unique_subject = no
policy = any
[ any ]
commonName = supplied
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=Fapiao e2e CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
issue() { # name subjectAltName [openssl ca validity options…]
    local name=$1 san=$2
    shift 2
    printf 'subjectAltName = %s\nextendedKeyUsage = serverAuth\nbasicConstraints = CA:FALSE\n' "$san" >"$pki/$name.ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
        -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
    openssl ca -batch -config "$pki/ca.cnf" -extfile "$pki/$name.ext" -in "$pki/$name.csr" \
        -out "$pki/$name.pem" -notext "$@" 2>/dev/null
}
issue server "IP:127.0.0.1,DNS:localhost" -days 30
issue elsewhere "DNS:hq.example" -days 30
issue expired "IP:127.0.0.1,DNS:localhost" -startdate 20200101000000Z -enddate 20200102000000Z
# A key of its own, matching no certificate here.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/stray.key" 2>/dev/null
openssl x509 -in "$pki/server.pem" -outform der -out "$pki/server.der"
check "openssl made a CA and certificates for 127.0.0.1, another name and an expired one" \
    test -s "$pki/server.pem" -a -s "$pki/elsewhere.pem" -a -s "$pki/expired.pem"

# refused NAME CODE TEXT serve-arguments…: serve exits CODE before listening, saying TEXT.
refused() {
    local name=$1 code=$2 text=$3
    shift 3
    timeout 30 "$central_bin" serve --store "sqlite:$work/refused.sqlite" --tokens "$tokens" \
        --listen "127.0.0.1:$port" "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [ "$got" = "$code" ] && grep -qF -- "$text" "$work/err" && ! grep -q listening "$work/out" &&
        [ ! -e "$work/refused.sqlite" ]; then
        pass "$name (exit $code, \"$text\")"
    else
        fail "$name" "exit=$got stderr=$(head -c 400 "$work/err")"
    fi
}

# --- serve refuses bad TLS options before listening -------------------------------------------
"$central_bin" token add bj-chaoyang-01 --tokens "$tokens" >"$work/bj-chaoyang-01.token" 2>>"$work/central.log"
chmod 600 "$work/bj-chaoyang-01.token"
token=$(cat "$work/bj-chaoyang-01.token")
refused "--tls-cert without --tls-key is a usage error" 64 "--tls-cert needs --tls-key" \
    --tls-cert "$pki/server.pem"
refused "--tls-key without --tls-cert is a usage error" 64 "--tls-key needs --tls-cert" \
    --tls-key "$pki/server.key"
refused "a missing certificate file is named" 66 "--tls-cert $pki/missing.pem does not exist" \
    --tls-cert "$pki/missing.pem" --tls-key "$pki/server.key"
refused "a missing key file is named" 66 "--tls-key $pki/missing.key does not exist" \
    --tls-cert "$pki/server.pem" --tls-key "$pki/missing.key"
refused "a DER certificate is not PEM" 64 "--tls-cert $pki/server.der is not a PEM file" \
    --tls-cert "$pki/server.der" --tls-key "$pki/server.key"
refused "a certificate given as the key holds no key" 64 "--tls-key $pki/server.pem holds no readable private key" \
    --tls-cert "$pki/server.pem" --tls-key "$pki/server.pem"
refused "a key that does not match the certificate" 64 "does not match the certificate in --tls-cert" \
    --tls-cert "$pki/server.pem" --tls-key "$pki/stray.key"

# --- serve over TLS; a branch that trusts the CA syncs ---------------------------------------
start_central --tls-cert "$pki/server.pem" --tls-key "$pki/server.key"
check "serve prints its https:// address" grep -qx "listening on https://127.0.0.1:$port" "$work/central.out"

# A branch journal with one invoice; extra init options follow the node.
branch() { # node seed [init options…] → journal path
    local node=$1 journal="$work/$1/journal.sqlite" seed=$2
    shift 2
    [ -f "$work/$node.token" ] || "$central_bin" token add "$node" --tokens "$tokens" >"$work/$node.token" 2>>"$work/central.log"
    chmod 600 "$work/$node.token"
    "$fapiao" init --node "$node" --journal "$journal" --token-file "$work/$node.token" "$@" >/dev/null 2>"$work/init.err" ||
        { cat "$work/init.err" >&2; return 1; }
    python3 "$root/Tools/gen" --count 1 --start-number "$seed" --seed "$seed" --out "$work/$node.jsonl"
    "$fapiao" import "$work/$node.jsonl" --journal "$journal" >/dev/null
    echo "$journal"
}

# The branch talks to the centre through a tap that records every byte it sends.
tap_port=$(python3 "$e2e_py/free_port.py")
python3 "$e2e_py/tcp_tap.py" --listen "$tap_port" --target "$port" --record "$work/wire.bin" >"$work/tap.out" &
tap_pid=$!
for _ in $(seq 1 50); do grep -q listening "$work/tap.out" 2>/dev/null && break; sleep 0.1; done
trusting=$(branch bj-chaoyang-01 1 --remote "https://127.0.0.1:$tap_port" --ca-file "$pki/ca.pem")
check "init stores the CA file beside the token file" \
    test "$(sqlite3 "$trusting" "SELECT value FROM setting WHERE key = 'remote.caFile'")" = "$pki/ca.pem"
timeout 60 "$fapiao" sync --journal "$trusting" >"$work/out" 2>"$work/err"; code=$?
check "a branch with --ca-file syncs over https:// (exit 0)" test "$code" = 0 || cat "$work/err"
check "… the invoice is accepted at the centre" test "$(central_count bj-chaoyang-01)" = 1
check "… and accepted in the journal" test "$(state_count "$trusting" accepted)" = 1
check "the tap saw the branch's bytes" test -s "$work/wire.bin"
check "… and they start with a TLS handshake record" \
    test "$(head -c 1 "$work/wire.bin" | od -An -tx1 | tr -d ' ')" = 16
check "… and the token never crosses in clear" bash -c "! grep -qaF -- '$token' '$work/wire.bin'"
check "… nor does any HTTP header" bash -c "! grep -qaE 'Authorization|HTTP/1.1' '$work/wire.bin'"

# --- without the CA: refused, clearly, and nothing is lost --------------------------------------
untrusting=$(branch bj-chaoyang-01-b 2 --remote "$url")
timeout 60 "$fapiao" sync --journal "$untrusting" >"$work/out" 2>"$work/err"; code=$?
check "without the CA file sync exits 77" test "$code" = 77
check "… saying the certificate's issuer is not trusted" \
    grep -qF "The certificate of $url is not trusted: its issuer is not in the system's trust store" "$work/err"
check "… and the invoice stays queued" test "$(state_count "$untrusting" pending)" = 1
timeout 60 "$fapiao" sync --journal "$untrusting" --ca-file "$pki/ca.pem" >"$work/out" 2>"$work/err"; code=$?
check "sync --ca-file trusts the CA for one run (exit 0)" test "$code" = 0 || cat "$work/err"
check "… and the invoice is accepted" test "$(state_count "$untrusting" accepted)" = 1
timeout 60 "$fapiao" sync --journal "$untrusting" >/dev/null 2>&1; code=$?
check "… for that run only: the next sync without it exits 77 again" test "$code" = 77

# --- http:// to the TLS port, quickly and clearly -----------------------------------------------
plainly=$(branch bj-chaoyang-01-c 3 --remote "http://127.0.0.1:$port")
timeout 30 "$fapiao" sync --journal "$plainly" >"$work/out" 2>"$work/err"; code=$?
check "http:// to the TLS port exits 64, not a hang" test "$code" = 64
check "… saying it answered with TLS and to use https://" \
    grep -qF "The remote at http://127.0.0.1:$port answered with TLS, not HTTP: use https://127.0.0.1:$port" "$work/err"
check "… in one sentence, without NIO's words" bash -c "! grep -qiE 'NIO|ChannelError|HTTPClientError' '$work/err'"
check "… and the invoice stays queued" test "$(state_count "$plainly" pending)" = 1

# --- https:// to a plain HTTP port ----------------------------------------------------------------
plain_port=$(python3 "$e2e_py/free_port.py")
"$central_bin" serve --store "sqlite:$work/plain.sqlite" --listen "127.0.0.1:$plain_port" --tokens "$tokens" \
    >"$work/plain.out" 2>>"$work/central.log" &
plain_pid=$!
for _ in $(seq 1 100); do grep -q "listening on http://" "$work/plain.out" 2>/dev/null && break; sleep 0.1; done
timeout 30 "$fapiao" sync --journal "$plainly" --remote "https://127.0.0.1:$plain_port" --ca-file "$pki/ca.pem" \
    >"$work/out" 2>"$work/err"
code=$?
check "https:// to a plain HTTP port exits 64" test "$code" = 64
check "… saying it answered in plain HTTP, not TLS" \
    grep -qF "The remote at https://127.0.0.1:$plain_port answered in plain HTTP, not TLS" "$work/err"

# --- a certificate for another name, and an expired one -------------------------------------------
stop_central
start_central --tls-cert "$pki/elsewhere.pem" --tls-key "$pki/elsewhere.key"
timeout 60 "$fapiao" sync --journal "$plainly" --remote "$url" --ca-file "$pki/ca.pem" >"$work/out" 2>"$work/err"
code=$?
check "a certificate for another name: exit 77" test "$code" = 77
check "… saying it is not issued for 127.0.0.1" grep -qF "is not trusted: it is not issued for 127.0.0.1" "$work/err"
stop_central
start_central --tls-cert "$pki/expired.pem" --tls-key "$pki/expired.key"
check "serve warns that its certificate has expired" grep -q "TLS certificate has expired" "$work/central.log"
timeout 60 "$fapiao" sync --journal "$plainly" --remote "$url" --ca-file "$pki/ca.pem" >"$work/out" 2>"$work/err"
code=$?
check "an expired certificate: exit 77" test "$code" = 77
check "… saying when it expired" grep -qF "is not trusted: it expired on 2020-01-02" "$work/err"
check "… and the invoice is still queued" test "$(state_count "$plainly" pending)" = 1
stop_central

# --- bad --ca-file options are refused before anything is written ----------------------------------
"$fapiao" init --node bj-x --journal "$work/x1.sqlite" --remote "$url" --ca-file "$pki/missing.pem" \
    >/dev/null 2>"$work/err"
code=$?
check "init with a missing --ca-file exits 66, naming it" \
    bash -c "test $code = 66 && grep -qF -- '--ca-file $pki/missing.pem does not exist' '$work/err' && test ! -e '$work/x1.sqlite'"
"$fapiao" init --node bj-x --journal "$work/x2.sqlite" --remote "$url" --ca-file "$pki/server.der" \
    >/dev/null 2>"$work/err"
code=$?
check "init with a DER --ca-file exits 64: no PEM certificate" \
    bash -c "test $code = 64 && grep -qF 'holds no PEM certificate' '$work/err' && test ! -e '$work/x2.sqlite'"
"$fapiao" init --node bj-x --journal "$work/x3.sqlite" --remote "http://127.0.0.1:$port" --ca-file "$pki/ca.pem" \
    >/dev/null 2>"$work/err"
code=$?
check "init --ca-file with an http:// remote exits 64" \
    bash -c "test $code = 64 && grep -qF -- '--ca-file needs an https:// --remote' '$work/err'"

# --- a token never goes over plain http:// to another machine ---------------------------------------
"$fapiao" init --node bj-y --journal "$work/y.sqlite" >/dev/null
FAPIAO_TOKEN=secret "$fapiao" sync --remote http://hq.example:8080 --journal "$work/y.sqlite" >/dev/null 2>"$work/err"
code=$?
check "a token over plain http:// to another host is refused before connecting (exit 64)" \
    bash -c "test $code = 64 && grep -qF 'would cross the network in clear' '$work/err'"

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
