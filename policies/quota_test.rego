# Tests for policies/quota.rego (`palisade policy test policies/`, or `opa test policies/`).
package palisade.quota_test

import rego.v1

import data.palisade.quota

web := "spiffe://palisade.local/ns/shop/sa/web"

request(method, path, principal) := {
	"version": 1,
	"source": {"principal": principal, "address": "10.0.0.7"},
	"destination": {"principal": "spiffe://palisade.local/ns/shop/sa/orders", "service": "orders", "port": 8080},
	"request": {"protocol": "http/1.1", "method": method, "path": path, "headers": {}},
}

names(lims) := {l.name | some l in lims}

by_name(lims, name) := l if {
	some l in lims
	l.name == name
}

test_post_orders_gets_per_caller_service_and_burst_limits if {
	lims := quota.limits with input as request("POST", "/orders", web)
	names(lims) == {"orders-per-caller", "service-total", "caller-burst"}
	per_caller := by_name(lims, "orders-per-caller")
	per_caller.key == web
	per_caller.limit == 100
	per_caller.window == "1m"
	per_caller.scope == "global"
	not per_caller.cost
}

test_bulk_orders_cost_ten if {
	lims := quota.limits with input as request("POST", "/orders/bulk", web)
	by_name(lims, "orders-per-caller").cost == 10
}

test_reading_orders_has_no_per_caller_order_limit if {
	lims := quota.limits with input as request("GET", "/orders", web)
	names(lims) == {"service-total", "caller-burst"}
}

test_service_total_is_keyed_on_the_service_and_falls_back_locally if {
	lims := quota.limits with input as request("GET", "/orders", web)
	total := by_name(lims, "service-total")
	total.key == "orders"
	total.limit == 10000
	total.window == "1s"
	total.on_unavailable == "local"
}

test_burst_guard_is_local if {
	lims := quota.limits with input as request("GET", "/", web)
	by_name(lims, "caller-burst").scope == "local"
}

test_plaintext_callers_are_keyed_by_address if {
	lims := quota.limits with input as request("POST", "/orders", "")
	by_name(lims, "orders-per-caller").key == "address:10.0.0.7"
	by_name(lims, "caller-burst").key == "address:10.0.0.7"
}

test_probes_are_exempt if {
	count(quota.limits) == 0 with input as request("GET", "/healthz", web)
	count(quota.limits) == 0 with input as request("GET", "/ready", web)
}

# The set is empty, not undefined, when nothing applies (undefined would deny the request).
test_no_limits_is_an_empty_set if {
	quota.limits == set() with input as request("GET", "/healthz", web)
}

# Every limit the policy can return satisfies the contract the sidecar validates.
test_every_limit_is_well_formed if {
	samples := [
		request("POST", "/orders", web),
		request("POST", "/orders/bulk", web),
		request("GET", "/orders", ""),
	]
	every sample in samples {
		lims := quota.limits with input as sample
		count(lims) > 0
		every l in lims {
			regex.match(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`, l.name)
			is_string(l.key)
			l.key != ""
			is_number(l.limit)
			l.limit >= 1
			l.scope in {"local", "global"}
			object.get(l, "cost", 1) <= l.limit
		}
	}
}
