"""The application of scripts/e2e-standby.sh: a Python shim with servers=[primary, standby] routing
2,000 keys every 100 ms and reporting one in a hundred (200, 20 ms); every 250 ms it writes one JSON
line to --status with the revision and weights it routes by, the share of keys on the candidate, the
controller URL it uses, and its counters. Standard library plus the repository's shim only."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "shims", "python"))
import glidepath_shim as g  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--servers", required=True, help="comma-separated controller URLs, in failover order")
    ap.add_argument("--migration", required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--seconds", type=float, default=80)
    args = ap.parse_args()
    failovers = []

    def on_event(kind: str, info: dict) -> None:
        if kind == "failover":
            failovers.append(info)

    shim = g.GlidepathShim(args.servers, args.migration, baseline="old", candidate="new",
                           ingest_token=os.environ.get("GLIDEPATH_INGEST_TOKEN"), on_event=on_event,
                           batch_interval=0.5, timeout=1.0)
    keys = ["tenant-%d" % i for i in range(2000)]
    shim.start()
    end = time.monotonic() + args.seconds
    try:
        while time.monotonic() < end:
            on_candidate = 0
            for i, k in enumerate(keys):
                arm = shim.route(k)
                if arm == "new":
                    on_candidate += 1
                if i % 100 == 0:  # one in a hundred is "served" and reported: 200 lines/s
                    shim.record(arm, 200, 20.0)
            st = shim.stats()
            line = {"revision": st["revision"], "weights": st["weights"], "state": st["state"],
                    "share": on_candidate / len(keys), "server": st["server"], "sent": st["sent"],
                    "dropped": st["dropped"], "buffered": st["buffered"], "failovers": len(failovers)}
            tmp = args.status + ".tmp"
            with open(tmp, "w") as f:
                f.write(json.dumps(line))
            os.replace(tmp, args.status)
            time.sleep(0.1)
    finally:
        shim.stop(flush=False)


if __name__ == "__main__":
    main()
