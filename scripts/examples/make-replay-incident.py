#!/usr/bin/env python3
"""Writes replay-incident.log: a 30-minute log of an LLM provider migration with an incident, for
`glidepath simulate --replay` (standard library only; the same file on every run).

One request per line, `<unix_ms> <arm> <status> <latency_ms> tokens=N ttft_ms=X` (the ingest line
with its time in front), from 2026-03-03T14:00:00Z, at 15 req/s (Poisson arrivals). The log was
recorded while the controller sent 5 % of traffic to `holysheep` for 10 minutes, then 10 %, then 25 %.
Both providers fail 1 % of requests with a 5xx; latency lognormal median 900 ms σ 0.5, time to first
token median 250 ms σ 0.5, about 380 tokens per successful request. From minute 14 `holysheep` is
rate-limited: 12 % of its requests get a 429, and its time to first token doubles.

Usage: python3 scripts/examples/make-replay-incident.py [OUTPUT]   (default: next to this script)
"""
import math
import os
import random
import sys

START_MS = 1_772_546_400_000  # 2026-03-03T14:00:00Z
MINUTES = 30
RATE = 15.0
INCIDENT_MS = 14 * 60_000


def candidate_share(offset_ms):
    if offset_ms < 10 * 60_000:
        return 0.05
    return 0.10 if offset_ms < 20 * 60_000 else 0.25


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "replay-incident.log")
    rng = random.Random(9)
    t = 0.0
    lines = []
    while True:
        t += rng.expovariate(RATE)
        offset = int(t * 1000)
        if offset >= MINUTES * 60_000:
            break
        candidate = rng.random() < candidate_share(offset)
        bad = candidate and offset >= INCIDENT_MS
        arm = "holysheep" if candidate else "openai"
        latency = 900 * math.exp(0.5 * rng.gauss(0, 1))
        ttft = 250 * math.exp(0.5 * rng.gauss(0, 1)) * (2 if bad else 1)
        u = rng.random()
        if bad and u < 0.12:
            status = 429
        elif u > 0.99:
            status = rng.choice([500, 502, 503])
        else:
            status = 200
        if status == 200:
            tokens = max(1, round(380 * math.exp(0.5 * rng.gauss(0, 1) - 0.125)))
            lines.append(f"{START_MS + offset} {arm} {status} {latency:.0f} tokens={tokens} ttft_ms={ttft:.0f}")
        else:
            lines.append(f"{START_MS + offset} {arm} {status} {latency / 3:.0f}")
    with open(path, "w") as f:
        f.write("# An LLM provider migration with an incident (scripts/examples/make-replay-incident.py)\n")
        f.write("\n".join(lines) + "\n")
    print(f"{path}: {len(lines)} requests")


if __name__ == "__main__":
    main()
