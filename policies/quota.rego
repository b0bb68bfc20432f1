# Quota: which rate limits apply to a request. The sidecar evaluates this in the same Wasm call as
# authorization and enforces what it returns (docs/quota.md). Each limit is an object
#   {"name", "key", "limit", "window", "scope": "local"|"global", "cost"?, "on_unavailable"?}
# where `name` identifies the limit (metrics, RateLimit headers, audit), `key` partitions it (one bucket
# per distinct key), `limit` requests are admitted at once and refilled over `window` ("1s", "1m", "1h"
# or whole seconds). `global` limits are shared by every replica through Redis; `local` ones are per
# replica, in memory, with no network hop.
#
# `limits` is a set built with `contains`, so it is empty (never undefined) when nothing applies: an
# undefined result is treated as a broken policy and denies the request.
package palisade.quota

import rego.v1

# The caller a per-caller limit is keyed on: its SPIFFE ID, or its address when it has none (PERMISSIVE
# plaintext). Without the second rule every unauthenticated caller would share one bucket.
caller := input.source.principal if input.source.principal != ""

caller := concat("", ["address:", input.source.address]) if input.source.principal == ""

# Probes are never rate limited: a throttled readiness probe takes a healthy replica out of service.
exempt if input.request.path in {"/healthz", "/ready"}

# Placing orders: 100 per minute per calling workload, across all replicas of this service.
limits contains {
	"name": "orders-per-caller",
	"key": caller,
	"limit": 100,
	"window": "1m",
	"scope": "global",
} if {
	input.request.method == "POST"
	input.request.path == "/orders"
}

# A bulk order weighs ten single ones against the same per-caller budget.
limits contains {
	"name": "orders-per-caller",
	"key": caller,
	"limit": 100,
	"window": "1m",
	"cost": 10,
	"scope": "global",
} if {
	input.request.method == "POST"
	input.request.path == "/orders/bulk"
}

# The whole service takes at most 10,000 requests per second, whoever calls. If Redis is unreachable,
# each replica keeps its share (10,000 / quota.global.replicas) rather than failing open or closed.
limits contains {
	"name": "service-total",
	"key": input.destination.service,
	"limit": 10000,
	"window": "1s",
	"scope": "global",
	"on_unavailable": "local",
} if {
	not exempt
}

# A per-replica burst guard: no single caller gets more than 50 requests per second from one replica.
# Local, so it costs no network hop and holds even when Redis is down.
limits contains {
	"name": "caller-burst",
	"key": caller,
	"limit": 50,
	"window": "1s",
	"scope": "local",
} if {
	not exempt
}
