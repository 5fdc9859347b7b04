"""Time GlidepathShim.route: prints nanoseconds per routing decision.

    python3 shims/python/bench_route.py

No controller is needed: the weights snapshot is installed directly (route never does I/O).
"""

import os
import sys
import timeit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from glidepath_shim import GlidepathShim, WeightsSnapshot  # noqa: E402


def main() -> None:
    shim = GlidepathShim("http://127.0.0.1:9", "chat-completions",
                         baseline="openai", candidate="holysheep")
    shim._snapshot = WeightsSnapshot(7, "ramping", 1, "openai", "holysheep",
                                     {"openai": 75.0, "holysheep": 25.0}, 5.0, '"7"')
    keys = ["merchant-%d" % i for i in range(1000)]
    n = 200_000

    def cached() -> None:
        route = shim.route
        for i in range(n):
            route(keys[i % 1000])

    def uncached() -> None:
        route = shim.route
        for i in range(n):
            shim._key_cache = {}  # forces the FNV-1a + mix64 path every time
            route(keys[i % 1000])

    def keyless() -> None:
        route = shim.route
        for _ in range(n):
            route()

    def loop_only() -> None:
        for i in range(n):
            keys[i % 1000]

    base = min(timeit.repeat(loop_only, number=1, repeat=3)) / n * 1e9
    for name, fn in (("route(key), key seen before", cached),
                     ("route(key), hash computed", uncached),
                     ("route() without a key", keyless)):
        per = min(timeit.repeat(fn, number=1, repeat=3)) / n * 1e9 - base
        print("%-30s %7.0f ns/route" % (name, per))


if __name__ == "__main__":
    main()
