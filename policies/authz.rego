# Authorization for the demo mesh that `palisade up` starts, evaluated in every sidecar on each request.
# Input: docs/policy-input.md (version 1). Entrypoints: palisade/authz/allow and palisade/authz/reason.
package palisade.authz

import rego.v1

default allow := false

# Which workload may call which service, with what methods and under which path prefix. Callers are named by
# their SPIFFE namespace and service account, so the policy works in any trust domain.
routes := {
	"orders": [{"rule": "web-reads-orders", "ns": "demo", "sa": "web", "methods": {"GET"}, "prefix": "/api/orders"}],
	"payments": [{"rule": "orders-charges-payments", "ns": "demo", "sa": "orders", "methods": {"POST"}, "prefix": "/api/charge"}],
}

# The route that admits this request, if any.
matched contains route.rule if {
	input.source.mtls
	input.source.trust_domain == trust_domain
	some route in routes[input.destination.service]
	route.ns == input.source.namespace
	route.sa == input.source.service_account
	input.request.method in route.methods
	startswith(input.request.path, route.prefix)
}

# Peers are only trusted from our own trust domain (the destination's).
trust_domain := split(trim_prefix(input.destination.principal, "spiffe://"), "/")[0]

allow if count(matched) > 0

reason := sprintf("allowed by %s", [concat(",", matched)]) if allow

reason := "denied: the caller is not authenticated (mutual TLS required)" if not input.source.mtls

reason := sprintf("denied: no route lets %s call %s %s on %s", [
	input.source.principal,
	input.request.method,
	input.request.path,
	input.destination.service,
]) if {
	input.source.mtls
	not allow
}
