#!/usr/bin/env bash
# GET /v1/migrations/{name}/weights against nginx serving the same bytes as a static file, same run.
# wrk -t2 -c64 -d10s, rounds alternate between the two servers; prints medians and the ratio.
source "$(dirname "$0")/bench-lib.sh"
need wrk wrk; need nginx nginx-light
build_release
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10s}
mkdir -p "$BENCH_DIR/policies" "$BENCH_DIR/www/v1/migrations/bench/"
write_policy "$BENCH_DIR/policies" bench
start_glidepath 18471 "$BENCH_DIR/policies"
URL_PATH=/v1/migrations/bench/weights
curl -sf "http://127.0.0.1:18471$URL_PATH" > "$BENCH_DIR/www$URL_PATH"
cat > "$BENCH_DIR/nginx.conf" <<CONF
worker_processes auto;
pid $BENCH_DIR/nginx.pid;
error_log $BENCH_DIR/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    default_type application/json;
    server {
        listen 127.0.0.1:18472;
        root $BENCH_DIR/www;
        location / { add_header Cache-Control "max-age=5"; etag on; }
    }
}
CONF
chmod -R a+rX "$BENCH_DIR"   # nginx workers run as www-data
nginx -c "$BENCH_DIR/nginx.conf" -g 'daemon off;' &
BENCH_PIDS+=($!)
sleep 0.5
if cmp <(curl -sf "http://127.0.0.1:18471$URL_PATH") <(curl -sf "http://127.0.0.1:18472$URL_PATH"); then
    echo "same body bytes: $(wc -c < "$BENCH_DIR/www$URL_PATH") bytes from both"
else
    echo "nginx does not serve the same bytes"; cat "$BENCH_DIR/nginx-error.log"; exit 1
fi
g=(); n=()
for r in $(seq 1 "$ROUNDS"); do
    g+=("$(wrk_rps -t2 -c64 -d"$DURATION" "http://127.0.0.1:18471$URL_PATH")")
    n+=("$(wrk_rps -t2 -c64 -d"$DURATION" "http://127.0.0.1:18472$URL_PATH")")
    echo "round $r: glidepath ${g[-1]} req/s, nginx ${n[-1]} req/s"
done
gm=$(printf '%s\n' "${g[@]}" | median); nm=$(printf '%s\n' "${n[@]}" | median)
echo "weights: glidepath median $gm req/s, nginx median $nm req/s, ratio $(awk -v a="$gm" -v b="$nm" 'BEGIN {printf "%.2f", a/b}')"
